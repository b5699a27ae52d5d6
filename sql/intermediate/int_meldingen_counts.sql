-- Meldingen per wijk-year and objective meldingen indicator, matched on subcategorie.
-- Geannuleerd does not count; no melding is 0, never missing.
WITH counted AS (
    SELECT m.wijk_code, m.jaar, c.indicator, count(*) AS aantal
    FROM stg_meldingen m
    JOIN method_indicator_codes c ON c.code = m.subcategorie
    JOIN method_indicators i ON i.indicator = c.indicator AND i.source = 'meldingen'
    WHERE m.is_counted AND m.in_vocabulary
    GROUP BY ALL
)
SELECT w.wijk_code, w.jaar, i.indicator, coalesce(c.aantal, 0) AS aantal, false AS is_missing
FROM int_wijk_years w
CROSS JOIN method_indicators i
LEFT JOIN counted c USING (wijk_code, jaar, indicator)
WHERE i.source = 'meldingen'
