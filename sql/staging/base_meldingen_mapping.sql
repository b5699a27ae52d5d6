-- The gemeente's own category mapping (a file in meldingen/ with header bron_categorie,subcategorie):
-- a source system's (sub)category, slug or display name, onto the vocabulary of INPUTS.md; an
-- empty subcategorie means "counts in none". A later entry for the same category replaces an earlier one.
WITH typed AS (
    SELECT _file, _file_order, _line, _fields, _expected_fields, bron_categorie, subcategorie AS subcategorie_raw,
           name_key(bron_categorie) AS bron_key, name_key(subcategorie) AS subcategorie
    FROM raw_meldingen_mapping
),
checked AS (
    SELECT t.*, first_problem([
        ragged(_fields, _expected_fields),
        problem(bron_key IS NULL, 'missing_value', 'bron_categorie', NULL),
        problem(t.subcategorie IS NOT NULL AND v.subcategorie IS NULL, 'invalid_value', 'subcategorie', subcategorie_raw)
    ]) AS p
    FROM typed t
    LEFT JOIN method_meldingen_vocabulary v ON v.subcategorie = t.subcategorie
)
SELECT _file, _file_order, _line, bron_categorie, bron_key, subcategorie,
    coalesce(p.reason, CASE WHEN row_number() OVER (PARTITION BY bron_key, p IS NULL
        ORDER BY _file_order DESC, _line DESC) > 1 THEN 'superseded' END) AS reject_reason,
    CASE WHEN p IS NULL THEN 'bron_categorie' ELSE p.column END AS reject_column,
    CASE WHEN p IS NULL THEN bron_categorie ELSE p.value END AS reject_value
FROM checked
