-- The index of every eligible wijk-year under each variant of the method config's [[sensitivity]]
-- (docs/method.md "Gevoeligheid voor de weging"), from the same components as the official index:
-- a weighting variant recombines the part scores O and S of each theme with its own weights (over
-- the available parts, as the official theme score) and the themes with its own theme weights (only
-- when every theme is available, as the official index); a separate index is the mean of the
-- available indicator scores of its group.
WITH weighted_themes AS (
    SELECT t.wijk_code, t.jaar, v.variant, w.weight AS theme_weight,
           CASE WHEN t.objectief IS NULL THEN 0 ELSE v.weight_objective END AS w_o,
           CASE WHEN t.subjectief IS NULL THEN 0 ELSE v.weight_subjective END AS w_s,
           (w_o * coalesce(t.objectief, 0) + w_s * coalesce(t.subjectief, 0)) / nullif(w_o + w_s, 0) AS theme_score
    FROM int_theme_scores t
    JOIN method_sensitivity_weights w ON w.theme = t.theme
    JOIN method_sensitivity v ON v.variant = w.variant
),
weighting AS (
    SELECT wijk_code, jaar, variant,
           CASE WHEN count(*) FILTER (WHERE theme_score IS NULL) = 0
                THEN sum(theme_weight * theme_score) / sum(theme_weight) END AS "index"
    FROM weighted_themes
    GROUP BY ALL
),
separate AS (
    SELECT s.wijk_code, s.jaar, g.variant, avg(s.score) AS "index"
    FROM int_indicator_scores s
    JOIN method_sensitivity_indicators g USING (indicator)
    WHERE s.score IS NOT NULL
    GROUP BY ALL
)
SELECT wijk_code, jaar, variant, "index" FROM weighting
UNION ALL
SELECT wijk_code, jaar, variant, "index" FROM separate
ORDER BY wijk_code, jaar, variant
