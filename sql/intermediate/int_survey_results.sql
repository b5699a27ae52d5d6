-- Subjective indicators per wijk-year: weighted % yes among valid answers, with the effective
-- sample size n_eff = (sum w)^2 / sum w^2 for the variance.
SELECT a.wijk_code, a.jaar, i.indicator,
       count(*) AS n_valid,
       sum(a.weegfactor) AS sum_w,
       sum(a.weegfactor * a.weegfactor) AS sum_w2,
       100.0 * sum(CASE WHEN a.is_yes THEN a.weegfactor ELSE 0 END) / sum(a.weegfactor) AS x,
       pow(sum(a.weegfactor), 2) / sum(a.weegfactor * a.weegfactor) AS n_eff
FROM stg_enquete_answers a
JOIN method_indicators i USING (survey_column)
GROUP BY ALL
