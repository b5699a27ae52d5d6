-- Buurt-level police rows of the crime codes that an objective police indicator counts, with
-- that indicator: the one place where SoortMisdrijf codes meet indicators (method config).
SELECT p.area_code AS wijk_code, p.jaar, p.maand, p.period_kind, c.indicator, p.crime_code,
       p.is_published, p.registered
FROM stg_politie p
JOIN method_indicator_codes c ON c.code = p.crime_code
JOIN method_indicators i ON i.indicator = c.indicator AND i.source = 'politie'
WHERE p.area_level = 'buurt'
