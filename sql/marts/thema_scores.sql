-- Theme scores of eligible wijk-years (objective part, subjective part, theme score, its standard
-- error and 95% interval), plus the change since last year and its contribution to the index change.
SELECT
    t.wijk_code, t.jaar, t.theme AS thema, t.objectief, t.subjectief, t.score, sqrt(t.var_score) AS se,
    CASE WHEN t.score IS NOT NULL THEN greatest(m.score_min, t.score - m.z * sqrt(t.var_score)) END AS ci_laag,
    CASE WHEN t.score IS NOT NULL THEN least(m.score_max, t.score + m.z * sqrt(t.var_score)) END AS ci_hoog,
    CASE WHEN w.verschil IS NOT NULL THEN t.score - prev.score END AS verschil,
    CASE WHEN w.verschil IS NOT NULL
         THEN t.theme_weight * (t.score - prev.score) / (SELECT sum(weight) FROM method_themes) END AS bijdrage,
    t.theme_order AS thema_volgorde,
    m.method_label AS methode
FROM int_theme_scores t
JOIN wijk_index w USING (wijk_code, jaar)
CROSS JOIN method_params m
LEFT JOIN int_theme_scores prev ON prev.wijk_code = t.wijk_code AND prev.jaar = t.jaar - 1 AND prev.theme = t.theme
ORDER BY t.wijk_code, t.jaar, t.theme_order
