-- The wijken with their gebied, wijktype and tile position, for menus and the tile map, and their
-- gemeente (a publication may hold several).
SELECT a.wijk_code, a.wijk_naam, a.gebied_code, a.gebied_naam, a.wijktype, a.tile_x, a.tile_y,
       a.gemeente_code, g.gemeente_naam
FROM stg_areas a
LEFT JOIN int_gemeenten g ON g.gemeente_code IS NOT DISTINCT FROM a.gemeente_code
ORDER BY g.gemeente_naam, a.gebied_naam, a.wijk_naam
