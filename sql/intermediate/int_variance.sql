-- The variance of every aggregate A = sum c_i s_i of indicator scores (int_indicator_weights): each
-- indicator (c = 1), each theme and the index of an eligible wijk-year.
-- Objective indicators are independent counts: sum c^2 Var(s). The survey part follows the method's
-- estimator: 'independent' (v1) sums c^2 Var(s) as well; 'per_respondent' (v2) takes
-- n / (n - 1) sum_r u_r^2 with u_r = sum_j c_j d_rj, so that one respondent's correlated answers
-- count together (n = the wijk-year's respondents, d from int_respondent_influence).
WITH coefficients AS (
    SELECT wijk_code, jaar, 'indicator' AS level, indicator AS aggregate, indicator, part, 1.0 AS coef
    FROM int_indicator_weights
    UNION ALL
    SELECT wijk_code, jaar, 'theme', theme, indicator, part, coef_theme FROM int_indicator_weights
    UNION ALL
    SELECT wijk_code, jaar, 'index', 'index', indicator, part, coef_index FROM int_indicator_weights
),
independent AS (
    SELECT c.wijk_code, c.jaar, c.level, c.aggregate,
           coalesce(sum(pow(c.coef, 2) * s.var_score) FILTER (WHERE c.part = 'objectief'), 0) AS var_objective,
           coalesce(sum(pow(c.coef, 2) * s.var_score) FILTER (WHERE c.part = 'subjectief'), 0) AS var_survey_independent
    FROM coefficients c
    JOIN int_indicator_scores s USING (wijk_code, jaar, indicator)
    GROUP BY ALL
),
influence AS (
    SELECT r.wijk_code, r.jaar, r.respondent_id, r.indicator, w.theme, r.influence, w.coef_theme, w.coef_index
    FROM int_respondent_influence r
    JOIN int_indicator_weights w USING (wijk_code, jaar, indicator)
),
theme_sums AS (
    SELECT wijk_code, jaar, theme, sum(coef_theme * influence) AS u
    FROM influence GROUP BY wijk_code, jaar, theme, respondent_id
),
index_sums AS (
    SELECT wijk_code, jaar, sum(coef_index * influence) AS u
    FROM influence GROUP BY wijk_code, jaar, respondent_id
),
per_respondent AS (  -- sum_r u_r^2 per aggregate; an indicator's own u_r is its d_rj
    SELECT wijk_code, jaar, 'indicator' AS level, indicator AS aggregate, sum(influence * influence) AS sum_u2
    FROM influence GROUP BY ALL
    UNION ALL
    SELECT wijk_code, jaar, 'theme', theme, sum(u * u) FROM theme_sums GROUP BY ALL
    UNION ALL
    SELECT wijk_code, jaar, 'index', 'index', sum(u * u) FROM index_sums GROUP BY ALL
)
SELECT i.wijk_code, i.jaar, i.level, i.aggregate, i.var_objective,
       CASE m.variance_estimator
           WHEN 'per_respondent'
               THEN CAST(w.respondenten AS DOUBLE) / (w.respondenten - 1) * coalesce(p.sum_u2, 0)
           ELSE i.var_survey_independent END AS var_survey,
       i.var_objective + var_survey AS variance
FROM independent i
JOIN int_wijk_years w USING (wijk_code, jaar)
CROSS JOIN method_params m
LEFT JOIN per_respondent p USING (wijk_code, jaar, level, aggregate)
