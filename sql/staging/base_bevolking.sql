-- Inhabitants on 1 January (bevolking/), typed and checked; the row read last wins per wijk-year.
-- _format kwb: CBS Kerncijfers wijken en buurten, any edition: the code in WijkenEnBuurten or
-- Codering_N (whichever holds codes), only SoortRegio 'Buurt' rows are wijk figures (Wijk,
-- Gemeente and Land rows are read and kept out, like police roll-ups), the year from Perioden
-- ('2024JJ00') or the table id in the file name. KWB rounds to 5 and may hold 0: data, not errors.
WITH typed AS (
    SELECT
        _file, _file_order, _line, _fields, _expected_fields, _format,
        jaar AS jaar_raw, wijk_code AS wijk_code_raw, inwoners AS inwoners_raw,
        clean_text(jaar) AS jaar_text,
        CASE WHEN regexp_full_match(upper(clean_text(jaar)), '[0-9]{4}JJ00') THEN parse_int(left(clean_text(jaar), 4))
             ELSE parse_int(jaar) END AS jaar,
        CASE WHEN _format = 'kwb' AND area_level_of(upper(clean_text(wijk_code))) IS NULL THEN upper(clean_text(codering))
             ELSE upper(clean_text(wijk_code)) END AS wijk_code,
        _format <> 'kwb' OR lower(clean_text(soortregio)) = 'buurt' AS is_wijk_row,
        clean_text(inwoners) AS inwoners_text, parse_int(inwoners) AS inwoners
    FROM raw_bevolking
),
checked AS (
    SELECT t.*, first_problem([
        ragged(_fields, _expected_fields),
        problem(jaar_text IS NULL, 'missing_value', 'jaar', NULL),
        problem(jaar IS NULL OR jaar NOT BETWEEN 1900 AND 2100, 'invalid_year', 'jaar', jaar_raw),
        problem(t.wijk_code IS NULL, 'missing_value', 'wijk_code', NULL),
        problem(is_wijk_row AND a.wijk_code IS NULL, 'unknown_area', 'wijk_code', wijk_code_raw),
        problem(is_wijk_row AND inwoners_text IS NULL, 'missing_value', 'inwoners', NULL),
        problem(is_wijk_row AND inwoners IS NULL, 'invalid_number', 'inwoners', inwoners_raw),
        problem(inwoners < 0, 'negative_number', 'inwoners', inwoners_raw),
        problem(is_wijk_row AND inwoners > m.max_inhabitants, 'implausible_value', 'inwoners', inwoners_raw)
    ]) AS p
    FROM typed t
    LEFT JOIN stg_areas a USING (wijk_code)
    CROSS JOIN method_params m
)
SELECT
    _file, _file_order, _line, _format, jaar, wijk_code, is_wijk_row, inwoners,
    coalesce(p.reason, CASE WHEN row_number() OVER (PARTITION BY jaar, wijk_code, p IS NULL
        ORDER BY _file_order DESC, _line DESC) > 1 THEN 'superseded' END) AS reject_reason,
    CASE WHEN p IS NULL THEN 'wijk_code' ELSE p.column END AS reject_column,
    CASE WHEN p IS NULL THEN jaar || ' ' || wijk_code ELSE p.value END AS reject_value
FROM checked
