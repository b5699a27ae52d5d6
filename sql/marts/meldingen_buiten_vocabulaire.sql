-- Which categories fell outside the vocabulary, per year, as the files name them: they count in
-- no indicator, and are never silent (INPUTS.md).
SELECT jaar, bron_hoofdcategorie AS hoofdcategorie, bron_subcategorie AS subcategorie, count(*) AS aantal
FROM stg_meldingen
WHERE is_counted AND NOT in_vocabulary
GROUP BY ALL
ORDER BY jaar, aantal DESC, subcategorie
