-- Every indicator of every wijk-year: raw value x (higher = less safe), transformed y and Var(y).
-- Objective: x = 1000 c / P, y = ln(1 + x), Var(x) = (1000/P)^2 c, Var(y) = Var(x) / (1 + x)^2.
-- Subjective: y = x, Var(y) = 100^2 p (1 - p) / n_eff.
WITH objective AS (
    SELECT wijk_code, jaar, indicator, aantal FROM int_police_counts
    UNION ALL
    SELECT wijk_code, jaar, indicator, aantal FROM int_meldingen_counts
),
objective_values AS (
    SELECT o.wijk_code, o.jaar, o.indicator, o.aantal, w.inwoners,
           CASE WHEN w.inwoners > 0 THEN m.per_inhabitants * o.aantal / w.inwoners END AS x,
           CASE WHEN w.inwoners > 0 THEN pow(m.per_inhabitants / w.inwoners, 2) * o.aantal END AS var_x
    FROM objective o
    JOIN int_wijk_years w USING (wijk_code, jaar)
    CROSS JOIN method_params m
),
subjective_values AS (
    SELECT w.wijk_code, w.jaar, i.indicator, s.n_valid, s.n_eff, s.x
    FROM int_wijk_years w
    CROSS JOIN method_indicators i
    LEFT JOIN int_survey_results s USING (wijk_code, jaar, indicator)
    WHERE i.part = 'subjectief'
)
SELECT wijk_code, jaar, indicator, x AS waarde, ln(1 + x) AS y, var_x / pow(1 + x, 2) AS var_y,
       aantal, inwoners, NULL::BIGINT AS n_valid, NULL::DOUBLE AS n_eff
FROM objective_values
UNION ALL
SELECT wijk_code, jaar, indicator, x, x, pow(100, 2) * (x / 100) * (1 - x / 100) / n_eff,
       NULL, NULL, n_valid, n_eff
FROM subjective_values
