-- Progress reports on the agreements (prestaties/voortgang*.csv), typed and checked.
WITH typed AS (
    SELECT
        _file, _file_order, _line, _fields, _expected_fields,
        clean_text(prestatie_id) AS prestatie_id,
        clean_text(datum) AS datum_text, CAST(parse_timestamp(datum) AS DATE) AS datum,
        clean_text(realisatie) AS realisatie_text, parse_decimal(realisatie) AS realisatie,
        lower(clean_text(rag)) AS rag,
        clean_text(toelichting) AS toelichting
    FROM raw_voortgang
),
checked AS (
    SELECT t.*, first_problem([
        ragged(_fields, _expected_fields),
        problem(prestatie_id IS NULL, 'missing_value', 'prestatie_id', NULL),
        problem(s.prestatie_id IS NULL, 'unknown_prestatie', 'prestatie_id', t.prestatie_id),
        problem(datum_text IS NULL, 'missing_value', 'datum', NULL),
        problem(datum IS NULL, 'invalid_date', 'datum', datum_text),
        problem(datum > current_date, 'future_date', 'datum', datum_text),
        problem(realisatie_text IS NOT NULL AND realisatie IS NULL, 'invalid_number', 'realisatie', realisatie_text),
        problem(rag IS NULL, 'missing_value', 'rag', NULL),
        problem(rag NOT IN (SELECT value FROM method_prestatie_domains WHERE field = 'rag'), 'invalid_value', 'rag', rag)
    ]) AS p
    FROM typed t
    LEFT JOIN stg_prestaties s USING (prestatie_id)
)
SELECT
    _file, _file_order, _line, prestatie_id, datum, realisatie, rag, toelichting,
    coalesce(p.reason, CASE WHEN row_number() OVER (PARTITION BY prestatie_id, datum, p IS NULL
        ORDER BY _file_order DESC, _line DESC) > 1 THEN 'superseded' END) AS reject_reason,
    CASE WHEN p IS NULL THEN 'datum' ELSE p.column END AS reject_column,
    CASE WHEN p IS NULL THEN prestatie_id || ' ' || datum ELSE p.value END AS reject_value
FROM checked
