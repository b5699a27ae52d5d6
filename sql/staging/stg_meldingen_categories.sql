-- Which vocabulary subcategorie (INPUTS.md) a source category counts as, by name_key: the
-- gemeente's mapping file first, entry by entry, then the shipped Signalen default (slugs and
-- display names, pipeline/method/data/signalen_categories.csv), then the vocabulary itself.
-- subcategorie NULL: a known category that counts in no indicator.
WITH entries AS (
    SELECT bron_key, subcategorie, 'gemeente' AS origin, 1 AS priority FROM stg_meldingen_mapping
    UNION ALL SELECT name_key(bron_categorie), name_key(subcategorie), 'signalen', 2 FROM method_meldingen_category_map
    UNION ALL SELECT name_key(subcategorie), name_key(subcategorie), 'vocabulaire', 3 FROM method_meldingen_vocabulary
)
SELECT e.bron_key, e.subcategorie, v.hoofdcategorie, e.origin
FROM entries e
LEFT JOIN method_meldingen_vocabulary v ON v.subcategorie = e.subcategorie
WHERE e.bron_key IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY e.bron_key ORDER BY e.priority, e.subcategorie NULLS LAST) = 1
