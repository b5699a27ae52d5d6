-- The coefficient of every available indicator score in the aggregates built from it, so that each
-- aggregate is a weighted mean A = sum c_i s_i (METHOD.md v2): in its part c = 1/k (k available
-- indicators of the part), in its theme c = (w_part / sum of w over the theme's available parts) / k,
-- in the index that times v_theme / sum v.
WITH available AS (
    SELECT wijk_code, jaar, indicator, theme, part,
           count(*) OVER (PARTITION BY wijk_code, jaar, theme, part) AS k
    FROM int_indicator_scores
    WHERE score IS NOT NULL
),
part_weights AS (
    SELECT p.wijk_code, p.jaar, p.theme, p.part, p.w,
           sum(p.w) OVER (PARTITION BY p.wijk_code, p.jaar, p.theme) AS w_available
    FROM (
        SELECT DISTINCT a.wijk_code, a.jaar, a.theme, a.part,
               CASE a.part WHEN 'objectief' THEN m.weight_objective ELSE m.weight_subjective END AS w
        FROM available a CROSS JOIN method_params m
    ) p
)
SELECT a.wijk_code, a.jaar, a.indicator, a.theme, a.part, a.k,
       1.0 / a.k AS coef_part,
       pw.w / pw.w_available / a.k AS coef_theme,
       t.weight / (SELECT sum(weight) FROM method_themes) * pw.w / pw.w_available / a.k AS coef_index
FROM available a
JOIN part_weights pw USING (wijk_code, jaar, theme, part)
JOIN method_themes t USING (theme)
