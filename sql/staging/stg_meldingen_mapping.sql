-- Usable entries of the gemeente's category mapping, one per source category (by name_key).
SELECT bron_categorie, bron_key, subcategorie, _file, _line
FROM base_meldingen_mapping
WHERE reject_reason IS NULL
