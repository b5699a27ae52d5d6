-- Public-space reports (meldingen/), typed and checked. A repeated melding_id counts once, as
-- the row read last says (a re-export carries the newer status). A subcategorie outside the
-- vocabulary is kept (in_vocabulary = false) but counts in no indicator.
WITH typed AS (
    SELECT
        _file, _file_order, _line, _fields, _expected_fields,
        clean_text(melding_id) AS melding_id,
        clean_text(datum) AS datum_text, parse_timestamp(datum) AS gemeld_op,
        lower(clean_text(hoofdcategorie)) AS hoofdcategorie,
        lower(clean_text(subcategorie)) AS subcategorie,
        upper(clean_text(wijk_code)) AS wijk_code,
        lower(clean_text(status)) AS status,
        clean_text(datum_afgehandeld) AS afgehandeld_text, parse_timestamp(datum_afgehandeld) AS afgehandeld_op
    FROM raw_meldingen
),
checked AS (
    SELECT t.*, first_problem([
        ragged(_fields, _expected_fields),
        problem(melding_id IS NULL, 'missing_value', 'melding_id', NULL),
        problem(datum_text IS NULL, 'missing_value', 'datum', NULL),
        problem(gemeld_op IS NULL, 'invalid_date', 'datum', datum_text),
        problem(gemeld_op::DATE > current_date, 'future_date', 'datum', datum_text),
        problem(t.wijk_code IS NULL, 'missing_value', 'wijk_code', NULL),
        problem(a.wijk_code IS NULL, 'unknown_area', 'wijk_code', t.wijk_code),
        problem(t.status IS NULL, 'missing_value', 'status', NULL),
        problem(s.status IS NULL, 'invalid_status', 'status', t.status),
        problem(afgehandeld_text IS NOT NULL AND afgehandeld_op IS NULL, 'invalid_date', 'datum_afgehandeld', afgehandeld_text),
        problem(CASE WHEN has_time(datum_text) AND has_time(afgehandeld_text) THEN afgehandeld_op < gemeld_op
                     ELSE afgehandeld_op::DATE < gemeld_op::DATE END,
                'closed_before_reported', 'datum_afgehandeld', afgehandeld_text)
    ]) AS p
    FROM typed t
    LEFT JOIN stg_areas a USING (wijk_code)
    LEFT JOIN method_meldingen_status s ON s.status = t.status
)
SELECT
    _file, _file_order, _line, melding_id, gemeld_op, year(gemeld_op) AS jaar, month(gemeld_op) AS maand,
    hoofdcategorie, subcategorie, wijk_code, status, afgehandeld_op,
    coalesce(p.reason, CASE WHEN row_number() OVER (PARTITION BY melding_id, p IS NULL
        ORDER BY _file_order DESC, _line DESC) > 1 THEN 'superseded' END) AS reject_reason,
    CASE WHEN p IS NULL THEN 'melding_id' ELSE p.column END AS reject_column,
    CASE WHEN p IS NULL THEN melding_id ELSE p.value END AS reject_value
FROM checked
