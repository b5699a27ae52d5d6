-- Theme scores of eligible wijk-years. Part score = mean of the available indicator scores
-- (Var = sum Var(s) / k^2); theme T = (w_o O + w_s S) / (w_o + w_s) over the available parts.
WITH parts AS (
    SELECT wijk_code, jaar, theme, part,
           avg(score) AS part_score,
           sum(var_score) / pow(count(score), 2) AS var_part
    FROM int_indicator_scores
    WHERE score IS NOT NULL
    GROUP BY ALL
),
wide AS (
    SELECT w.wijk_code, w.jaar, t.theme, t.theme_order, t.weight AS theme_weight,
           o.part_score AS objectief, o.var_part AS var_objectief,
           s.part_score AS subjectief, s.var_part AS var_subjectief,
           m.weight_objective AS w_o, m.weight_subjective AS w_s
    FROM int_wijk_years w
    CROSS JOIN method_themes t
    CROSS JOIN method_params m
    LEFT JOIN parts o ON o.wijk_code = w.wijk_code AND o.jaar = w.jaar AND o.theme = t.theme AND o.part = 'objectief'
    LEFT JOIN parts s ON s.wijk_code = w.wijk_code AND s.jaar = w.jaar AND s.theme = t.theme AND s.part = 'subjectief'
    WHERE w.is_eligible
),
weighted AS (
    SELECT *,
           CASE WHEN objectief IS NULL THEN 0 ELSE w_o END AS eff_w_o,
           CASE WHEN subjectief IS NULL THEN 0 ELSE w_s END AS eff_w_s
    FROM wide
)
SELECT wijk_code, jaar, theme, theme_order, theme_weight, objectief, subjectief,
       CASE WHEN eff_w_o + eff_w_s > 0 THEN
           (eff_w_o * coalesce(objectief, 0) + eff_w_s * coalesce(subjectief, 0)) / (eff_w_o + eff_w_s) END AS score,
       CASE WHEN eff_w_o + eff_w_s > 0 THEN
           (pow(eff_w_o, 2) * coalesce(var_objectief, 0) + pow(eff_w_s, 2) * coalesce(var_subjectief, 0))
           / pow(eff_w_o + eff_w_s, 2) END AS var_score
FROM weighted
