-- The frame: every wijk of areas/ in every year, with population, police presence, respondents
-- and eligibility. reden_eligibility is the first reason of METHOD.md that applies.
-- "Has police data" counts only rows that the year is counted from (months, or JJ00 totals) of a
-- code that an indicator counts: a wijk with only roll-ups (0.0.0) or other codes has none
-- (missing_source:politie), not zero crime (INPUTS.md).
-- calibration_gemeente is the group whose base year scores the wijk: its gemeente when the method
-- calibrates per gemeente, NULL (all wijken together) when it calibrates over the publication.
WITH police_rows AS (
    SELECT DISTINCT r.wijk_code, r.jaar
    FROM int_police_indicator_rows r
    JOIN int_years y ON y.jaar = r.jaar AND y.police_count_from = r.period_kind
),
respondents AS (
    SELECT wijk_code, jaar, count(*) AS respondenten FROM stg_enquete GROUP BY ALL
),
frame AS (
    SELECT a.wijk_code, a.gemeente_code, y.jaar, y.police_complete, y.has_meldingen, y.police_count_from,
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
    reden_eligibility IS NULL AS is_eligible,
    CASE WHEN m.calibration_scope = 'gemeente' THEN f.gemeente_code END AS calibration_gemeente
FROM frame f
CROSS JOIN method_params m
