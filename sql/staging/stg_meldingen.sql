-- Accepted meldingen, one row per melding_id, with whether it counts (not geannuleerd). Its
-- category is mapped onto the vocabulary of INPUTS.md (stg_meldingen_categories: the gemeente's
-- mapping, the Signalen default, the vocabulary); bron_* keep what the file says. A category
-- outside the vocabulary is kept (in_vocabulary = false) but counts in no indicator.
-- The category of each distinct subcategorie is looked up once (national scale: ~30 million rows).
WITH categories AS (
    SELECT d.subcategorie, c.hoofdcategorie, c.subcategorie AS vocabulary_subcategorie
    FROM (SELECT DISTINCT subcategorie FROM base_meldingen WHERE reject_reason IS NULL) d
    LEFT JOIN stg_meldingen_categories c ON c.bron_key = name_key(d.subcategorie)
)
SELECT m.melding_id, m.gemeld_op, m.jaar, m.maand,
       coalesce(c.hoofdcategorie, lower(m.hoofdcategorie)) AS hoofdcategorie,
       coalesce(c.vocabulary_subcategorie, lower(m.subcategorie)) AS subcategorie,
       m.hoofdcategorie AS bron_hoofdcategorie, m.subcategorie AS bron_subcategorie,
       m.wijk_code, m.status, m.afgehandeld_op, s.is_counted, c.vocabulary_subcategorie IS NOT NULL AS in_vocabulary,
       m._file, m._line
FROM base_meldingen m
JOIN method_meldingen_status s USING (status)
LEFT JOIN categories c ON c.subcategorie IS NOT DISTINCT FROM m.subcategorie
WHERE m.reject_reason IS NULL
