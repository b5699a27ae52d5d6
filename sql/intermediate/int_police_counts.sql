-- Police counts c per wijk-year and objective police indicator. Months are summed, or the JJ00
-- year total is used for a year without month rows (never both). A code or month without a
-- row counts 0; a figure not published (empty or '.') makes the count missing.
WITH counted AS (
    SELECT r.wijk_code, r.jaar, r.indicator,
           CAST(sum(r.registered) AS BIGINT) AS registered,
           bool_or(NOT r.is_published) AS has_unpublished
    FROM int_police_indicator_rows r
    JOIN int_years y ON y.jaar = r.jaar AND y.police_count_from = r.period_kind
    GROUP BY ALL
)
SELECT w.wijk_code, w.jaar, i.indicator,
       CASE WHEN coalesce(c.has_unpublished, false) THEN NULL ELSE coalesce(c.registered, 0) END AS aantal,
       coalesce(c.has_unpublished, false) AS is_missing
FROM int_wijk_years w
CROSS JOIN method_indicators i
LEFT JOIN counted c USING (wijk_code, jaar, indicator)
WHERE i.source = 'politie'
