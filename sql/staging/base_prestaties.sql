-- Performance agreements (prestaties/prestaties.csv), typed and checked. wijk_code may be a
-- wijk, a gebied or 'stad'; thema, indicator and the code lists come from the method config.
WITH typed AS (
    SELECT
        _file, _file_order, _line, _fields, _expected_fields,
        clean_text(prestatie_id) AS prestatie_id,
        upper(clean_text(wijk_code)) AS area_code,
        lower(clean_text(thema)) AS thema,
        clean_text(partner) AS partner,
        clean_text(omschrijving) AS omschrijving,
        lower(clean_text(soort)) AS soort,
        clean_text(prioriteit) AS prioriteit_text, parse_int(prioriteit) AS prioriteit,
        lower(clean_text(additioneel)) AS additioneel,
        clean_text(startdatum) AS start_text, CAST(parse_timestamp(startdatum) AS DATE) AS startdatum,
        clean_text(einddatum) AS eind_text, CAST(parse_timestamp(einddatum) AS DATE) AS einddatum,
        lower(clean_text(indicator)) AS indicator,
        clean_text(basiswaarde) AS basis_text, parse_decimal(basiswaarde) AS basiswaarde,
        clean_text(streefwaarde) AS streef_text, parse_decimal(streefwaarde) AS streefwaarde,
        lower(clean_text(status)) AS status
    FROM raw_prestaties
),
areas AS (
    SELECT wijk_code AS area_code, 'wijk' AS area_level FROM stg_areas
    UNION SELECT gebied_code, 'gebied' FROM stg_areas
    UNION SELECT 'STAD', 'stad'
),
checked AS (
    SELECT t.*, a.area_level, first_problem([
        ragged(_fields, _expected_fields),
        problem(prestatie_id IS NULL, 'missing_value', 'prestatie_id', NULL),
        problem(area_code IS NULL, 'missing_value', 'wijk_code', NULL),
        problem(a.area_level IS NULL, 'unknown_area', 'wijk_code', area_code),
        problem(thema IS NULL, 'missing_value', 'thema', NULL),
        problem(th.theme IS NULL, 'unknown_theme', 'thema', thema),
        problem(partner IS NULL, 'missing_value', 'partner', NULL),
        problem(soort NOT IN (SELECT value FROM method_prestatie_domains WHERE field = 'soorten'),
                'invalid_value', 'soort', soort),
        problem(prioriteit_text IS NOT NULL AND (prioriteit IS NULL OR prioriteit NOT BETWEEN m.min_priority AND m.max_priority),
                'invalid_value', 'prioriteit', prioriteit_text),
        problem(additioneel NOT IN (SELECT value FROM method_prestatie_domains WHERE field = 'additioneel'),
                'invalid_value', 'additioneel', additioneel),
        problem(start_text IS NOT NULL AND startdatum IS NULL, 'invalid_date', 'startdatum', start_text),
        problem(eind_text IS NOT NULL AND einddatum IS NULL, 'invalid_date', 'einddatum', eind_text),
        problem(einddatum < startdatum, 'end_before_start', 'einddatum', eind_text),
        problem(t.indicator IS NOT NULL AND i.indicator IS NULL, 'unknown_indicator', 'indicator', t.indicator),
        problem(t.indicator IS NOT NULL AND i.theme <> thema, 'indicator_theme_mismatch', 'indicator', t.indicator),
        problem(basis_text IS NOT NULL AND basiswaarde IS NULL, 'invalid_number', 'basiswaarde', basis_text),
        problem(streef_text IS NOT NULL AND streefwaarde IS NULL, 'invalid_number', 'streefwaarde', streef_text),
        problem(status IS NULL, 'missing_value', 'status', NULL),
        problem(status NOT IN (SELECT value FROM method_prestatie_domains WHERE field = 'statuses'),
                'invalid_status', 'status', status)
    ]) AS p
    FROM typed t
    LEFT JOIN areas a USING (area_code)
    LEFT JOIN method_themes th ON th.theme = t.thema
    LEFT JOIN method_indicators i ON i.indicator = t.indicator
    CROSS JOIN method_params m
)
SELECT
    _file, _file_order, _line, prestatie_id,
    CASE WHEN area_level = 'stad' THEN 'stad' ELSE area_code END AS wijk_code, area_level,
    thema, partner, omschrijving, soort, prioriteit, additioneel = 'ja' AS additioneel,
    startdatum, einddatum, indicator, basiswaarde, streefwaarde, status,
    coalesce(p.reason, CASE WHEN row_number() OVER (PARTITION BY prestatie_id, p IS NULL
        ORDER BY _file_order DESC, _line DESC) > 1 THEN 'superseded' END) AS reject_reason,
    CASE WHEN p IS NULL THEN 'prestatie_id' ELSE p.column END AS reject_column,
    CASE WHEN p IS NULL THEN prestatie_id ELSE p.value END AS reject_value
FROM checked
