-- Indicator scores of eligible wijk-years: s = clip(5.5 - 1.5 (y - mu) / sigma, 1, 10), with the
-- gradient ds/dy = -1.5 / sigma when the unclipped score lies strictly inside (1, 10), else 0, and
-- the indicator's own Var(s) = gradient^2 Var(y) (the v1 formula; int_variance decides per method).
-- Each wijk is scored against the calibration of its group (the publication, or its gemeente).
WITH raw_scores AS (
    SELECT v.*, i.theme, i.part, i.indicator_order,
           m.score_centre - m.score_scale * (v.y - c.mu) / c.sigma AS unclipped,
           m.score_min, m.score_max, m.score_scale, c.sigma
    FROM int_indicator_values v
    JOIN int_wijk_years w USING (wijk_code, jaar)
    JOIN method_indicators i USING (indicator)
    JOIN int_calibration c ON c.indicator = v.indicator AND c.gemeente_code IS NOT DISTINCT FROM w.calibration_gemeente
    CROSS JOIN method_params m
    WHERE w.is_eligible
)
SELECT wijk_code, jaar, indicator, theme, part, indicator_order, waarde, y, var_y, aantal, inwoners, n_valid, n_eff,
       -- greatest/least skip NULLs: a missing value must stay missing, not become score_min.
       CASE WHEN unclipped IS NOT NULL THEN least(greatest(unclipped, score_min), score_max) END AS score,
       CASE WHEN unclipped > score_min AND unclipped < score_max
            THEN pow(score_scale / sigma, 2) * var_y WHEN unclipped IS NOT NULL THEN 0 END AS var_score,
       CASE WHEN unclipped > score_min AND unclipped < score_max
            THEN -score_scale / sigma WHEN unclipped IS NOT NULL THEN 0 END AS gradient
FROM raw_scores
