-- The wijken (areas/), typed and checked. reject_reason is NULL for a usable row; a code read
-- twice keeps the row read last (later files revise earlier ones).
-- _format kwb: CBS Kerncijfers wijken en buurten. Its Buurt rows are the wijken (the code in
-- WijkenEnBuurten or Codering_N, whichever holds codes; the name where WijkenEnBuurten holds
-- names, as cbsodata writes it, else the code); the CBS wijk (WK + the first six digits) is the
-- gebied, named by the file's own Wijk row; its Wijk and Gemeente rows only name (is_wijk false).
-- wijktype is 'onbekend' unless a file in the standard form says otherwise.
WITH kwb AS (
    SELECT _file, _line,
           coalesce(CASE WHEN area_level_of(upper(clean_text(wijk_code))) IS NOT NULL THEN upper(clean_text(wijk_code)) END,
                    upper(clean_text(codering))) AS code,
           CASE WHEN area_level_of(upper(clean_text(wijk_code))) IS NULL THEN clean_text(wijk_code) END AS name,
           lower(clean_text(soortregio)) AS soort
    FROM raw_areas WHERE _format = 'kwb'
),
kwb_names AS (
    SELECT code, any_value(name) AS name FROM kwb WHERE soort IN ('wijk', 'gemeente') AND name IS NOT NULL GROUP BY code
),
typed AS (
    SELECT
        r._file, r._file_order, r._line, r._fields, r._expected_fields, r._format,
        r.wijk_code AS wijk_code_raw, r.tile_x AS tile_x_raw, r.tile_y AS tile_y_raw,
        CASE WHEN r._format = 'kwb' THEN k.code ELSE upper(clean_text(r.wijk_code)) END AS wijk_code,
        CASE WHEN r._format = 'kwb' THEN coalesce(k.name, k.code) ELSE clean_text(r.wijk_naam) END AS wijk_naam,
        CASE WHEN r._format = 'kwb' THEN 'WK' || substr(k.code, 3, 6) ELSE upper(clean_text(r.gebied_code)) END AS gebied_code,
        CASE WHEN r._format = 'kwb' THEN coalesce(g.name, 'WK' || substr(k.code, 3, 6))
             ELSE coalesce(clean_text(r.gebied_naam), upper(clean_text(r.gebied_code))) END AS gebied_naam,
        coalesce(clean_text(r.wijktype), 'onbekend') AS wijktype,
        clean_text(r.statline_naam) AS statline_naam,
        coalesce(clean_text(r.gemeente_naam), gm.name) AS gemeente_naam,
        r._format <> 'kwb' OR k.soort = 'buurt' AS is_wijk,
        clean_text(r.tile_x) AS tile_x_text, parse_int(r.tile_x) AS tile_x,
        clean_text(r.tile_y) AS tile_y_text, parse_int(r.tile_y) AS tile_y
    FROM raw_areas r
    LEFT JOIN kwb k ON r._format = 'kwb' AND k._file = r._file AND k._line = r._line
    LEFT JOIN kwb_names g ON g.code = 'WK' || substr(k.code, 3, 6)
    LEFT JOIN kwb_names gm ON gm.code = 'GM' || substr(k.code, 3, 4)
),
checked AS (
    SELECT *, first_problem([
        ragged(_fields, _expected_fields),
        problem(wijk_code IS NULL, 'missing_value', 'wijk_code', NULL),
        problem(_format = 'kwb' AND area_level_of(wijk_code) IS NULL, 'invalid_area_code', 'wijk_code', wijk_code_raw),
        problem(_format = 'kwb' AND is_wijk AND area_level_of(wijk_code) <> 'buurt', 'invalid_area_code', 'wijk_code', wijk_code_raw),
        problem(is_wijk AND wijk_naam IS NULL, 'missing_value', 'wijk_naam', NULL),
        problem(is_wijk AND gebied_code IS NULL, 'missing_value', 'gebied_code', NULL),
        problem(is_wijk AND (wijk_code = 'STAD' OR wijk_code = gebied_code), 'invalid_area_code', 'wijk_code', wijk_code_raw),
        problem(tile_x_text IS NOT NULL AND tile_x IS NULL, 'invalid_number', 'tile_x', tile_x_raw),
        problem(tile_y_text IS NOT NULL AND tile_y IS NULL, 'invalid_number', 'tile_y', tile_y_raw)
    ]) AS p
    FROM typed
)
SELECT
    _file, _file_order, _line, _format, wijk_code, wijk_naam, gebied_code, gebied_naam, wijktype, statline_naam,
    gemeente_naam, is_wijk, tile_x, tile_y,
    coalesce(p.reason, CASE WHEN is_wijk AND row_number() OVER (PARTITION BY wijk_code, is_wijk, p IS NULL
        ORDER BY _file_order DESC, _line DESC) > 1 THEN 'superseded' END) AS reject_reason,
    CASE WHEN p IS NULL THEN 'wijk_code' ELSE p.column END AS reject_column,
    CASE WHEN p IS NULL THEN wijk_code_raw ELSE p.value END AS reject_value
FROM checked
