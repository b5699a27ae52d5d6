-- Usable wijken: one row per wijk_code.
SELECT wijk_code, wijk_naam, gebied_code, gebied_naam, wijktype, statline_naam, gemeente_naam, tile_x, tile_y,
       _file, _line
FROM base_areas
WHERE reject_reason IS NULL AND is_wijk
