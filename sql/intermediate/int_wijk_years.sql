-- The frame: every wijk of areas/ in every year, with population, police presence, respondents
-- and eligibility. reden_eligibility is the first reason of METHOD.md that applies.
WITH police_rows AS (
    SELECT DISTINCT area_code AS wijk_code, jaar FROM stg_politie WHERE area_level = 'buurt'
),
respondents AS (
    SELECT wijk_code, jaar, count(*) AS respondenten FROM stg_enquete GROUP BY ALL
),
frame AS (
    SELECT a.wijk_code, y.jaar, y.police_complete, y.has_meldingen, y.police_count_from,
           b.inwoners, pr.wijk_code IS NOT NULL AS has_police_row,
           coalesce(r.respondenten, 0) AS respondenten
    FROM stg_areas a
    CROSS JOIN int_years y
    LEFT JOIN stg_bevolking b USING (wijk_code, jaar)
    LEFT JOIN police_rows pr USING (wijk_code, jaar)
    LEFT JOIN respondents r USING (wijk_code, jaar)
)
SELECT f.*,
    CASE
        WHEN inwoners IS NULL THEN 'missing_population'
        WHEN inwoners < m.min_population THEN 'population_below_minimum'
        WHEN NOT police_complete THEN 'incomplete_year'
        WHEN NOT has_police_row THEN 'missing_source:politie'
        WHEN NOT has_meldingen THEN 'missing_source:meldingen'
        WHEN respondenten < m.min_respondents THEN 'too_few_respondents'
    END AS reden_eligibility,
    reden_eligibility IS NULL AS is_eligible
FROM frame f
CROSS JOIN method_params m
