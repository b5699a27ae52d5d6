-- Inhabitants on 1 January (bevolking/), typed and checked; the row read last wins per wijk-year.
WITH typed AS (
    SELECT
        _file, _file_order, _line, _fields, _expected_fields,
        clean_text(jaar) AS jaar_text, parse_int(jaar) AS jaar,
        upper(clean_text(wijk_code)) AS wijk_code,
        clean_text(inwoners) AS inwoners_text, parse_int(inwoners) AS inwoners
    FROM raw_bevolking
),
checked AS (
    SELECT t.*, first_problem([
        ragged(_fields, _expected_fields),
        problem(jaar_text IS NULL, 'missing_value', 'jaar', NULL),
        problem(jaar IS NULL OR jaar NOT BETWEEN 1900 AND 2100, 'invalid_year', 'jaar', jaar_text),
        problem(wijk_code IS NULL, 'missing_value', 'wijk_code', NULL),
        problem(a.wijk_code IS NULL, 'unknown_area', 'wijk_code', t.wijk_code),
        problem(inwoners_text IS NULL, 'missing_value', 'inwoners', NULL),
        problem(inwoners IS NULL, 'invalid_number', 'inwoners', inwoners_text),
        problem(inwoners < 0, 'negative_number', 'inwoners', inwoners_text),
        problem(inwoners > m.max_inhabitants, 'implausible_value', 'inwoners', inwoners_text)
    ]) AS p
    FROM typed t
    LEFT JOIN stg_areas a USING (wijk_code)
    CROSS JOIN method_params m
)
SELECT
    _file, _file_order, _line, jaar, wijk_code, inwoners,
    coalesce(p.reason, CASE WHEN row_number() OVER (PARTITION BY jaar, wijk_code, p IS NULL
        ORDER BY _file_order DESC, _line DESC) > 1 THEN 'superseded' END) AS reject_reason,
    CASE WHEN p IS NULL THEN 'wijk_code' ELSE p.column END AS reject_column,
    CASE WHEN p IS NULL THEN jaar || ' ' || wijk_code ELSE p.value END AS reject_value
FROM checked
