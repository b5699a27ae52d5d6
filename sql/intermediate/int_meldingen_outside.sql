-- Per year: how many counted meldingen (not geannuleerd) fell outside the vocabulary, their share,
-- and its change from the previous year in percentage points. A change beyond the method's
-- max_outside_share_change means the category tree (or its mapping) changed: an indicator moves
-- without anything happening in the street (INPUTS.md; a warning check).
WITH years AS (
    SELECT jaar, count(*) AS meldingen, count(*) FILTER (WHERE NOT in_vocabulary) AS buiten_vocabulaire
    FROM stg_meldingen WHERE is_counted GROUP BY jaar
),
shares AS (
    SELECT *, buiten_vocabulaire / meldingen AS aandeel_buiten FROM years
)
SELECT s.jaar, s.meldingen, s.buiten_vocabulaire, s.aandeel_buiten,
       s.aandeel_buiten - lag(s.aandeel_buiten) OVER (ORDER BY s.jaar) AS verandering,
       coalesce(abs(s.aandeel_buiten - lag(s.aandeel_buiten) OVER (ORDER BY s.jaar)) > m.max_outside_share_change, false)
           AS is_shift
FROM shares s
CROSS JOIN method_params m
ORDER BY s.jaar
