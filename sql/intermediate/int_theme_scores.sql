-- Theme scores of eligible wijk-years. Part score = mean of the available indicator scores;
-- theme T = (w_o O + w_s S) / (w_o + w_s) over the available parts. Its variance comes from
-- int_variance (the method's estimator).
WITH parts AS (
    SELECT wijk_code, jaar, theme, part, avg(score) AS part_score
    FROM int_indicator_scores
    WHERE score IS NOT NULL
    GROUP BY ALL
),
wide AS (
    SELECT w.wijk_code, w.jaar, t.theme, t.theme_order, t.weight AS theme_weight,
           o.part_score AS objectief, s.part_score AS subjectief,
           CASE WHEN o.part_score IS NULL THEN 0 ELSE m.weight_objective END AS eff_w_o,
           CASE WHEN s.part_score IS NULL THEN 0 ELSE m.weight_subjective END AS eff_w_s
    FROM int_wijk_years w
    CROSS JOIN method_themes t
    CROSS JOIN method_params m
    LEFT JOIN parts o ON o.wijk_code = w.wijk_code AND o.jaar = w.jaar AND o.theme = t.theme AND o.part = 'objectief'
    LEFT JOIN parts s ON s.wijk_code = w.wijk_code AND s.jaar = w.jaar AND s.theme = t.theme AND s.part = 'subjectief'
    WHERE w.is_eligible
)
SELECT x.wijk_code, x.jaar, x.theme, x.theme_order, x.theme_weight, x.objectief, x.subjectief,
       CASE WHEN eff_w_o + eff_w_s > 0 THEN
           (eff_w_o * coalesce(objectief, 0) + eff_w_s * coalesce(subjectief, 0)) / (eff_w_o + eff_w_s) END AS score,
       v.variance AS var_score
FROM wide x
LEFT JOIN int_variance v ON v.wijk_code = x.wijk_code AND v.jaar = x.jaar AND v.level = 'theme' AND v.aggregate = x.theme
