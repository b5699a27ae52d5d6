-- Indicator values and scores of eligible wijk-years: waarde is x, se is sqrt(Var(s)).
SELECT
    s.wijk_code, s.jaar, s.indicator, s.waarde, s.score, sqrt(s.var_score) AS se,
    s.theme AS thema, s.part AS deel, s.aantal, s.n_valid AS geldige_antwoorden,
    s.indicator_order AS indicator_volgorde,
    m.method_label AS methode
FROM int_indicator_scores s
CROSS JOIN method_params m
ORDER BY s.wijk_code, s.jaar, s.indicator_order
