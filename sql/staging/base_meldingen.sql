-- Public-space reports (meldingen/), typed and checked. A repeated melding_id counts once, as
-- the row read last says (a re-export carries the newer status). The status may be one of the
-- four of INPUTS.md or a real system's code or display name (Signalen: 'o', 'In behandeling'),
-- mapped by method_meldingen_status_codes. The categories are mapped in stg_meldingen.
-- Rejected values are quoted as they stand in the file.
WITH typed AS (
    SELECT
        _file, _file_order, _line, _fields, _expected_fields,
        melding_id AS melding_id_raw, datum, wijk_code AS wijk_code_raw, datum_afgehandeld,
        clean_text(melding_id) AS melding_id,
        clean_text(datum) AS datum_text, parse_timestamp(datum) AS gemeld_op,
        clean_text(hoofdcategorie) AS hoofdcategorie,
        clean_text(subcategorie) AS subcategorie,
        upper(clean_text(wijk_code)) AS wijk_code,
        status AS status_raw, name_key(status) AS status_key,
        clean_text(datum_afgehandeld) AS afgehandeld_text, parse_timestamp(datum_afgehandeld) AS afgehandeld_op
    FROM raw_meldingen
),
checked AS (
    SELECT t.*, s.status, first_problem([
        ragged(_fields, _expected_fields),
        problem(melding_id IS NULL, 'missing_value', 'melding_id', NULL),
        problem(datum_text IS NULL, 'missing_value', 'datum', NULL),
        problem(gemeld_op IS NULL, 'invalid_date', 'datum', datum),
        problem(gemeld_op::DATE > current_date, 'future_date', 'datum', datum),
        problem(t.wijk_code IS NULL, 'missing_value', 'wijk_code', NULL),
        problem(a.wijk_code IS NULL, 'unknown_area', 'wijk_code', wijk_code_raw),
        problem(status_key IS NULL, 'missing_value', 'status', NULL),
        problem(s.status IS NULL, 'invalid_status', 'status', status_raw),
        problem(afgehandeld_text IS NOT NULL AND afgehandeld_op IS NULL, 'invalid_date', 'datum_afgehandeld', datum_afgehandeld),
        problem(CASE WHEN has_time(datum_text) AND has_time(afgehandeld_text) THEN afgehandeld_op < gemeld_op
                     ELSE afgehandeld_op::DATE < gemeld_op::DATE END,
                'closed_before_reported', 'datum_afgehandeld', datum_afgehandeld)
    ]) AS p
    FROM typed t
    LEFT JOIN stg_areas a USING (wijk_code)
    LEFT JOIN (SELECT name_key(bron_status) AS status_key, any_value(status) AS status
               FROM method_meldingen_status_codes GROUP BY ALL) s USING (status_key)
)
SELECT
    _file, _file_order, _line, melding_id, gemeld_op, year(gemeld_op) AS jaar, month(gemeld_op) AS maand,
    hoofdcategorie, subcategorie, wijk_code, status, afgehandeld_op,
    coalesce(p.reason, CASE WHEN row_number() OVER (PARTITION BY melding_id, p IS NULL
        ORDER BY _file_order DESC, _line DESC) > 1 THEN 'superseded' END) AS reject_reason,
    CASE WHEN p IS NULL THEN 'melding_id' ELSE p.column END AS reject_column,
    CASE WHEN p IS NULL THEN melding_id_raw ELSE p.value END AS reject_value
FROM checked
