-- Indicator values and scores of eligible wijk-years: waarde is x, se is sqrt(Var(s)) by the
-- method's estimator (int_variance).
SELECT
    s.wijk_code, s.jaar, s.indicator, s.waarde, s.score, sqrt(v.variance) AS se,
    s.theme AS thema, s.part AS deel, s.aantal, s.n_valid AS geldige_antwoorden,
    s.indicator_order AS indicator_volgorde,
    m.method_label AS methode
FROM int_indicator_scores s
CROSS JOIN method_params m
LEFT JOIN int_variance v ON v.wijk_code = s.wijk_code AND v.jaar = s.jaar AND v.level = 'indicator'
                        AND v.aggregate = s.indicator
ORDER BY s.wijk_code, s.jaar, s.indicator_order
