-- Crime codes of the method without a single buurt row in a police year, with the CBS label and
-- the indicator they feed, for the data-quality page.
SELECT a.jaar, a.crime_code AS code, coalesce(l.label, '(onbekende code)') AS omschrijving,
       a.indicator, i.label AS indicator_label
FROM int_police_absent_codes a
LEFT JOIN method_crime_codes l ON l.code = a.crime_code
JOIN method_indicators i USING (indicator)
ORDER BY a.jaar, a.crime_code
