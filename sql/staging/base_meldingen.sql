-- Public-space reports (meldingen/), typed and checked. A repeated melding_id counts once, as
-- the row read last says (a re-export carries the newer status). The status may be one of the
-- four of INPUTS.md or a real system's code or display name (Signalen: 'o', 'In behandeling'),
-- mapped by method_meldingen_status_codes. The categories are mapped in stg_meldingen.
-- Rejected values are quoted as they stand in the file.
-- National scale (~30 million rows): every parse and check that depends on one raw value only
-- (the two dates, the area, the status) is done once per distinct value and joined back on that
-- value (IS NOT DISTINCT FROM: an empty field is a value too). A melding_id read more than once is
-- rare, so instead of ranking every row only the repeated ids are found, with the position of
-- their last usable row.
WITH reported AS (
    SELECT datum, clean_text(datum) AS datum_text, parse_timestamp(datum) AS gemeld_op, has_time(clean_text(datum)) AS timed
    FROM (SELECT DISTINCT datum FROM raw_meldingen) d
),
closed AS (
    SELECT datum_afgehandeld, clean_text(datum_afgehandeld) AS afgehandeld_text,
           parse_timestamp(datum_afgehandeld) AS afgehandeld_op, has_time(clean_text(datum_afgehandeld)) AS timed
    FROM (SELECT DISTINCT datum_afgehandeld FROM raw_meldingen) d
),
areas AS (
    SELECT d.wijk_code AS wijk_code_raw, upper(clean_text(d.wijk_code)) AS wijk_code,
           CASE WHEN upper(clean_text(d.wijk_code)) IS NULL THEN 'missing_value'
                WHEN a.wijk_code IS NULL THEN 'unknown_area' END AS area_reason
    FROM (SELECT DISTINCT wijk_code FROM raw_meldingen) d
    LEFT JOIN stg_areas a ON a.wijk_code = upper(clean_text(d.wijk_code))
),
statuses AS (
    SELECT d.status AS status_raw, s.status,
           CASE WHEN name_key(d.status) IS NULL THEN 'missing_value'
                WHEN s.status IS NULL THEN 'invalid_status' END AS status_reason
    FROM (SELECT DISTINCT status FROM raw_meldingen) d
    LEFT JOIN (SELECT name_key(bron_status) AS status_key, any_value(status) AS status
               FROM method_meldingen_status_codes GROUP BY ALL) s ON s.status_key = name_key(d.status)
),
typed AS NOT MATERIALIZED (
    SELECT
        r._file, r._file_order, r._line, r._fields, r._expected_fields,
        r.melding_id AS melding_id_raw, r.datum, r.wijk_code AS wijk_code_raw, r.datum_afgehandeld, r.status AS status_raw,
        clean_text(r.melding_id) AS melding_id,
        g.datum_text, g.gemeld_op, g.timed AS datum_timed,
        clean_text(r.hoofdcategorie) AS hoofdcategorie,
        clean_text(r.subcategorie) AS subcategorie,
        a.wijk_code, a.area_reason, s.status, s.status_reason,
        c.afgehandeld_text, c.afgehandeld_op, c.timed AS afgehandeld_timed
    FROM raw_meldingen r
    LEFT JOIN reported g ON g.datum IS NOT DISTINCT FROM r.datum
    LEFT JOIN closed c ON c.datum_afgehandeld IS NOT DISTINCT FROM r.datum_afgehandeld
    LEFT JOIN areas a ON a.wijk_code_raw IS NOT DISTINCT FROM r.wijk_code
    LEFT JOIN statuses s ON s.status_raw IS NOT DISTINCT FROM r.status
),
checked AS NOT MATERIALIZED (
    SELECT *,
        -- the checks in order; the first that applies is the row's reason
        CASE WHEN _fields <> _expected_fields THEN 1
             WHEN melding_id IS NULL THEN 2
             WHEN datum_text IS NULL THEN 3
             WHEN gemeld_op IS NULL THEN 4
             WHEN gemeld_op::DATE > current_date THEN 5
             WHEN area_reason IS NOT NULL THEN 6
             WHEN status_reason IS NOT NULL THEN 7
             WHEN afgehandeld_text IS NOT NULL AND afgehandeld_op IS NULL THEN 8
             WHEN CASE WHEN datum_timed AND afgehandeld_timed THEN afgehandeld_op < gemeld_op
                       ELSE afgehandeld_op::DATE < gemeld_op::DATE END THEN 9 END AS check_failed
    FROM typed
),
repeated_ids AS (
    SELECT melding_id, max(CAST(_file_order AS HUGEINT) * 18446744073709551616 + _line) AS last_position
    FROM checked WHERE check_failed IS NULL
    GROUP BY melding_id HAVING count(*) > 1
)
SELECT
    t._file, t._file_order, t._line, t.melding_id, t.gemeld_op, year(t.gemeld_op) AS jaar, month(t.gemeld_op) AS maand,
    t.hoofdcategorie, t.subcategorie, t.wijk_code, t.status, t.afgehandeld_op,
    CASE t.check_failed WHEN 1 THEN 'wrong_field_count' WHEN 2 THEN 'missing_value' WHEN 3 THEN 'missing_value'
                        WHEN 4 THEN 'invalid_date' WHEN 5 THEN 'future_date' WHEN 6 THEN t.area_reason
                        WHEN 7 THEN t.status_reason WHEN 8 THEN 'invalid_date' WHEN 9 THEN 'closed_before_reported'
        ELSE CASE WHEN CAST(t._file_order AS HUGEINT) * 18446744073709551616 + t._line < k.last_position
                  THEN 'superseded' END END AS reject_reason,
    CASE t.check_failed WHEN 1 THEN NULL WHEN 2 THEN 'melding_id' WHEN 3 THEN 'datum' WHEN 4 THEN 'datum'
                        WHEN 5 THEN 'datum' WHEN 6 THEN 'wijk_code' WHEN 7 THEN 'status'
                        WHEN 8 THEN 'datum_afgehandeld' WHEN 9 THEN 'datum_afgehandeld' ELSE 'melding_id' END AS reject_column,
    CASE t.check_failed WHEN 1 THEN t._fields || ' velden, verwacht ' || t._expected_fields WHEN 2 THEN NULL
                        WHEN 3 THEN NULL WHEN 4 THEN t.datum WHEN 5 THEN t.datum
                        WHEN 6 THEN CASE WHEN t.area_reason = 'unknown_area' THEN t.wijk_code_raw END
                        WHEN 7 THEN CASE WHEN t.status_reason = 'invalid_status' THEN t.status_raw END
                        WHEN 8 THEN t.datum_afgehandeld WHEN 9 THEN t.datum_afgehandeld
                        ELSE t.melding_id_raw END AS reject_value
FROM checked t
LEFT JOIN repeated_ids k ON t.check_failed IS NULL AND k.melding_id = t.melding_id
