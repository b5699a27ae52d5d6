-- Per year, the share of counted meldingen outside the vocabulary and its change (percentage
-- points), for the data-quality page and the warning check.
SELECT jaar, meldingen, buiten_vocabulaire, aandeel_buiten, verandering AS verandering_aandeel,
       is_shift AS verschuiving
FROM int_meldingen_outside
ORDER BY jaar
