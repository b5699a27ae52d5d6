-- Monthly meldingen per wijk and subcategorie (geannuleerd not counted), with the indicator it
-- feeds (NULL when it feeds none, e.g. a subcategorie outside the vocabulary).
SELECT m.wijk_code, m.jaar, m.maand, make_date(m.jaar, m.maand, 1) AS periode,
       m.hoofdcategorie, m.subcategorie, m.in_vocabulary, c.indicator,
       count(*) FILTER (WHERE m.is_counted) AS aantal,
       count(*) FILTER (WHERE NOT m.is_counted) AS geannuleerd
FROM stg_meldingen m
LEFT JOIN (SELECT c.code, c.indicator FROM method_indicator_codes c
           JOIN method_indicators i ON i.indicator = c.indicator AND i.source = 'meldingen') c
       ON c.code = m.subcategorie AND m.in_vocabulary
GROUP BY ALL
ORDER BY wijk_code, periode, subcategorie
