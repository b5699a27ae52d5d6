-- Monthly police registrations per wijk and objective police indicator, for the wijk page.
-- aantal is NULL when a figure it sums was not published.
SELECT p.area_code AS wijk_code, p.jaar, p.maand, make_date(p.jaar, p.maand, 1) AS periode, c.indicator,
       CASE WHEN bool_and(p.is_published) THEN CAST(sum(p.registered) AS BIGINT) END AS aantal
FROM stg_politie p
JOIN method_indicator_codes c ON c.code = p.crime_code
JOIN method_indicators i ON i.indicator = c.indicator AND i.source = 'politie'
WHERE p.area_level = 'buurt' AND p.period_kind = 'maand'
GROUP BY ALL
ORDER BY wijk_code, periode, indicator
