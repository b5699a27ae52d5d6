-- Usable wijken: one row per wijk_code. The gemeente is in the CBS buurt code (BU + 4 gemeente
-- digits + 4: BU05990535 -> GM0599); a code that is no CBS buurt code names no gemeente.
SELECT wijk_code, wijk_naam, gebied_code, gebied_naam, wijktype, statline_naam, gemeente_naam,
       CASE WHEN area_level_of(wijk_code) = 'buurt' THEN 'GM' || substr(wijk_code, 3, 4) END AS gemeente_code,
       tile_x, tile_y, _file, _line
FROM base_areas
WHERE reject_reason IS NULL AND is_wijk
