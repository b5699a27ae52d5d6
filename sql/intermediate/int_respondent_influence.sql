-- Method v2: every respondent's influence on each subjective indicator score, d = g * e, with the
-- score gradient g = ds/dp = 100 ds/dy and the linearised residual e = w (yes - p) / W of the weighted
-- proportion p over the W = sum of weights of the valid answers. Empty under v1, which needs none.
SELECT a.wijk_code, a.jaar, a.respondent_id, s.indicator,
       100 * s.gradient * a.weegfactor * (CASE WHEN a.is_yes THEN 1.0 ELSE 0.0 END - r.x / 100) / r.sum_w AS influence
FROM stg_enquete_answers a
JOIN method_indicators i USING (survey_column)
JOIN int_survey_results r USING (wijk_code, jaar, indicator)
JOIN int_indicator_scores s USING (wijk_code, jaar, indicator)
CROSS JOIN method_params m
WHERE m.variance_estimator = 'per_respondent' AND s.score IS NOT NULL
