-- Every year that occurs in politie, enquete or meldingen, with what each source has for it.
-- A police year is complete when the whole source has month rows for all 12 months, or has
-- year-total (JJ00) rows and no month rows; the same source-wide view decides how it is counted.
WITH police AS (
    SELECT jaar,
           count(DISTINCT maand) FILTER (WHERE period_kind = 'maand') AS police_months,
           count(*) FILTER (WHERE period_kind = 'jaar') > 0 AS has_year_totals
    FROM stg_politie GROUP BY jaar
),
years AS (
    SELECT jaar FROM stg_politie UNION SELECT jaar FROM stg_enquete UNION SELECT jaar FROM stg_meldingen
)
SELECT
    y.jaar,
    p.jaar IS NOT NULL AS has_politie,
    y.jaar IN (SELECT jaar FROM stg_meldingen) AS has_meldingen,
    y.jaar IN (SELECT jaar FROM stg_enquete) AS has_enquete,
    y.jaar IN (SELECT jaar FROM stg_bevolking) AS has_bevolking,
    coalesce(p.police_months, 0) AS police_months,
    CASE WHEN p.police_months > 0 THEN 'maand' WHEN p.has_year_totals THEN 'jaar' END AS police_count_from,
    coalesce(p.police_months = 12 OR (p.police_months = 0 AND p.has_year_totals), false) AS police_complete
FROM years y
LEFT JOIN police p USING (jaar)
