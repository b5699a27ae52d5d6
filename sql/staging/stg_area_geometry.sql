-- Usable wijk boundaries: one per wijk of stg_areas, GeoJSON geometry text in WGS84.
SELECT wijk_code, geometry, _file, _line
FROM base_area_geometry
WHERE reject_reason IS NULL
