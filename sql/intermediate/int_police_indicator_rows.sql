-- Buurt-level police rows of the crime codes that an objective police indicator counts, with
-- that indicator: the one place where SoortMisdrijf codes meet indicators (method config). A key
-- whose latest count could not be used comes in as not published: missing, never 0.
WITH rows AS (
    SELECT area_code, jaar, maand, period_kind, crime_code, is_published, registered
    FROM stg_politie WHERE area_level = 'buurt'
    UNION ALL
    SELECT area_code, jaar, maand, period_kind, crime_code, false, NULL
    FROM stg_politie_unusable_counts WHERE area_level = 'buurt'
)
SELECT p.area_code AS wijk_code, p.jaar, p.maand, p.period_kind, c.indicator, p.crime_code,
       p.is_published, p.registered
FROM rows p
JOIN method_indicator_codes c ON c.code = p.crime_code
JOIN method_indicators i ON i.indicator = c.indicator AND i.source = 'politie'
