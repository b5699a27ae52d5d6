-- Monthly police registrations per wijk and objective police indicator, for the wijk page.
-- aantal is NULL when a figure it sums was not published.
SELECT wijk_code, jaar, maand, make_date(jaar, maand, 1) AS periode, indicator,
       CASE WHEN bool_and(is_published) THEN CAST(sum(registered) AS BIGINT) END AS aantal
FROM int_police_indicator_rows
WHERE period_kind = 'maand'
GROUP BY ALL
ORDER BY wijk_code, periode, indicator
