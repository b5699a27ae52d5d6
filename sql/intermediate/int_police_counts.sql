-- Police counts c per wijk-year and objective police indicator. Months are summed, or the JJ00
-- year total is used for a year without month rows (never both). A code or month without a
-- row counts 0; a figure not published (empty or '.') makes the count missing.
WITH codes AS (
    SELECT c.indicator, c.code
    FROM method_indicator_codes c JOIN method_indicators i USING (indicator)
    WHERE i.source = 'politie'
),
counted AS (
    SELECT p.area_code AS wijk_code, p.jaar, c.indicator,
           CAST(sum(p.registered) AS BIGINT) AS registered,
           bool_or(NOT p.is_published) AS has_unpublished
    FROM stg_politie p
    JOIN int_years y ON y.jaar = p.jaar AND y.police_count_from = p.period_kind
    JOIN codes c ON c.code = p.crime_code
    WHERE p.area_level = 'buurt'
    GROUP BY ALL
)
SELECT w.wijk_code, w.jaar, i.indicator,
       CASE WHEN coalesce(c.has_unpublished, false) THEN NULL ELSE coalesce(c.registered, 0) END AS aantal,
       coalesce(c.has_unpublished, false) AS is_missing
FROM int_wijk_years w
CROSS JOIN method_indicators i
LEFT JOIN counted c USING (wijk_code, jaar, indicator)
WHERE i.source = 'politie'
