-- The wijk boundaries of areas/*.geojson (raw_area_geometry, pipeline/ingest/geometry.py), checked:
-- every feature read, reject_reason NULL for the boundary that is used. A feature needs a wijk code,
-- a drawable geometry (the reader's _problem) and a wijk of stg_areas; a wijk_code read twice keeps
-- the feature read last (later files revise earlier ones), the earlier ones are superseded.
WITH checked AS (
    SELECT g._file, g._file_order, g._line, g.wijk_code, g.geometry, first_problem([
        problem(g._problem IS NOT NULL, g._problem,
                CASE WHEN g._problem = 'missing_value' THEN 'wijk_code' ELSE 'geometry' END, g._problem_value),
        problem(g.wijk_code IS NULL, 'missing_value', 'wijk_code', NULL),
        problem(g.geometry IS NULL, 'invalid_geometry', 'geometry', NULL),
        problem(a.wijk_code IS NULL, 'unknown_area', 'wijk_code', g.wijk_code)
    ]) AS p
    FROM raw_area_geometry g
    LEFT JOIN stg_areas a ON a.wijk_code = g.wijk_code
)
SELECT
    _file, _file_order, _line, wijk_code, geometry,
    coalesce(p.reason, CASE WHEN row_number() OVER (PARTITION BY wijk_code, p IS NULL
        ORDER BY _file_order DESC, _line DESC) > 1 THEN 'superseded' END) AS reject_reason,
    CASE WHEN p IS NULL THEN 'wijk_code' ELSE p.column END AS reject_column,
    CASE WHEN p IS NULL THEN wijk_code ELSE p.value END AS reject_value
FROM checked
