-- The wijken with their gebied, wijktype and tile position, for menus and the tile map.
SELECT wijk_code, wijk_naam, gebied_code, gebied_naam, wijktype, tile_x, tile_y
FROM stg_areas
ORDER BY gebied_naam, wijk_naam
