-- Per police year, every crime code that an objective indicator counts but that has no usable
-- buurt row at all in the politie source that year. It still counts 0 (sparse exports omit zero
-- cells), but the run, a warning check and the data-quality page name it, so that a filtered
-- download (only 0.0.0, only bicycle theft) is seen at once (INPUTS.md).
SELECT y.jaar, c.code AS crime_code, c.indicator
FROM int_years y
CROSS JOIN method_indicator_codes c
JOIN method_indicators i ON i.indicator = c.indicator AND i.source = 'politie'
WHERE y.has_politie
  AND NOT EXISTS (SELECT 1 FROM int_police_indicator_rows r WHERE r.jaar = y.jaar AND r.crime_code = c.code)
ORDER BY y.jaar, c.code
