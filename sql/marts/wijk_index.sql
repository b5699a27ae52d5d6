-- The veiligheidsindex per wijk and year (output contract of METHOD.md, plus context columns).
-- Published = eligible and all themes available; otherwise index is NULL and reden says why.
-- The variance of the index comes from int_variance (the method's estimator).
WITH themed AS (
    SELECT t.wijk_code, t.jaar,
           arg_min(t.theme, t.theme_order) FILTER (WHERE t.score IS NULL) AS first_missing_theme,
           sum(t.theme_weight * t.score) / sum(t.theme_weight) AS index_value,
           any_value(v.variance) AS var_index
    FROM int_theme_scores t
    LEFT JOIN int_variance v ON v.wijk_code = t.wijk_code AND v.jaar = t.jaar AND v.level = 'index'
    GROUP BY ALL
),
indexed AS (
    SELECT w.wijk_code, w.jaar, w.inwoners, w.respondenten,
           coalesce(w.reden_eligibility, 'missing_theme:' || t.first_missing_theme) AS reden,
           CASE WHEN reden IS NULL THEN t.index_value END AS "index",
           CASE WHEN reden IS NULL THEN t.var_index END AS var_index
    FROM int_wijk_years w
    LEFT JOIN themed t USING (wijk_code, jaar)
)
SELECT
    i.wijk_code, i.jaar, i."index", c.category AS categorie,
    -- greatest/least skip NULLs, so guard: an unpublished row has no interval.
    CASE WHEN i."index" IS NOT NULL THEN greatest(m.score_min, i."index" - m.z * sqrt(i.var_index)) END AS ci_laag,
    CASE WHEN i."index" IS NOT NULL THEN least(m.score_max, i."index" + m.z * sqrt(i.var_index)) END AS ci_hoog,
    i."index" - prev."index" AS verschil,
    abs(verschil) > m.z * sqrt(i.var_index + prev.var_index) AS verschil_significant,
    i.reden,
    sqrt(i.var_index) AS se,
    i.inwoners, i.respondenten,
    -- Method v2: fewer respondents than indicative_below makes a published figure indicatief.
    CASE WHEN i."index" IS NOT NULL AND m.indicative_below IS NOT NULL
         THEN i.respondenten < m.indicative_below END AS indicatief,
    -- The smallest change this comparison detects with 80% power (beside a change that is not significant).
    CASE WHEN verschil IS NOT NULL
         THEN m.detectable_change_factor * sqrt(i.var_index + prev.var_index) END AS detecteerbaar_verschil,
    a.wijk_naam, a.gebied_code, a.gebied_naam, a.wijktype,
    m.method_label AS methode, b.basisjaar
FROM indexed i
JOIN stg_areas a USING (wijk_code)
CROSS JOIN method_params m
CROSS JOIN int_base_year b
LEFT JOIN indexed prev ON prev.wijk_code = i.wijk_code AND prev.jaar = i.jaar - 1
LEFT JOIN method_categories c ON i."index" >= c.lower AND i."index" < c.upper
ORDER BY i.wijk_code, i.jaar
