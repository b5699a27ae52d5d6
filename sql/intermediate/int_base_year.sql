-- The base year: fixed by the run or the method config, else the earliest year in which
-- politie, meldingen, enquete and bevolking all have data and the police year is complete.
SELECT
    coalesce(m.base_year_fixed, (
        SELECT min(jaar) FROM int_years
        WHERE has_politie AND has_meldingen AND has_enquete AND has_bevolking AND police_complete
    )) AS basisjaar,
    m.base_year_fixed IS NOT NULL AS is_fixed
FROM method_params m
