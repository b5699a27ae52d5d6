-- The real boundary of every wijk that has one (areas/*.geojson), for the map of the dashboard.
-- Without a geometry file this mart is empty and the dashboard draws the tile map.
SELECT g.wijk_code, a.wijk_naam, a.gebied_code, g.geometry
FROM stg_area_geometry g
JOIN stg_areas a ON a.wijk_code = g.wijk_code
ORDER BY a.gebied_code, a.wijk_naam, g.wijk_code
