-- The wijken (areas/), typed and checked. reject_reason is NULL for a usable row; a code read
-- twice keeps the row read last (later files revise earlier ones).
WITH typed AS (
    SELECT
        _file, _file_order, _line, _fields, _expected_fields,
        upper(clean_text(wijk_code)) AS wijk_code,
        clean_text(wijk_naam) AS wijk_naam,
        upper(clean_text(gebied_code)) AS gebied_code,
        coalesce(clean_text(gebied_naam), upper(clean_text(gebied_code))) AS gebied_naam,
        coalesce(clean_text(wijktype), 'onbekend') AS wijktype,
        clean_text(tile_x) AS tile_x_text, parse_int(tile_x) AS tile_x,
        clean_text(tile_y) AS tile_y_text, parse_int(tile_y) AS tile_y
    FROM raw_areas
),
checked AS (
    SELECT *, first_problem([
        ragged(_fields, _expected_fields),
        problem(wijk_code IS NULL, 'missing_value', 'wijk_code', NULL),
        problem(wijk_naam IS NULL, 'missing_value', 'wijk_naam', NULL),
        problem(gebied_code IS NULL, 'missing_value', 'gebied_code', NULL),
        problem(wijk_code = 'STAD' OR wijk_code = gebied_code, 'invalid_area_code', 'wijk_code', wijk_code),
        problem(tile_x_text IS NOT NULL AND tile_x IS NULL, 'invalid_number', 'tile_x', tile_x_text),
        problem(tile_y_text IS NOT NULL AND tile_y IS NULL, 'invalid_number', 'tile_y', tile_y_text)
    ]) AS p
    FROM typed
)
SELECT
    _file, _file_order, _line, wijk_code, wijk_naam, gebied_code, gebied_naam, wijktype, tile_x, tile_y,
    coalesce(p.reason, CASE WHEN row_number() OVER (PARTITION BY wijk_code, p IS NULL
        ORDER BY _file_order DESC, _line DESC) > 1 THEN 'superseded' END) AS reject_reason,
    CASE WHEN p IS NULL THEN 'wijk_code' ELSE p.column END AS reject_column,
    CASE WHEN p IS NULL THEN wijk_code ELSE p.value END AS reject_value
FROM checked
