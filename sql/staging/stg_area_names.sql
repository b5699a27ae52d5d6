-- Every name by which a StatLine download may name an area (INPUTS.md), compared by name_key:
-- first a wijk's statline_naam (empty = its wijk_naam), then its wijk_naam: a match there is that
-- wijk, even when a gebied has the same name; otherwise a gebied_naam, a gemeente_naam or
-- 'Nederland' is a roll-up, kept out of wijk figures. A name two wijken share is ambiguous.
-- A gemeente is keyed by its GM code (from its buurt codes) where name and code pair one to one,
-- else by its name, so that the roll-ups of two gemeenten never replace each other.
WITH gemeenten AS (
    SELECT DISTINCT name_key(gemeente_naam) AS name_key, 'GM' || substr(wijk_code, 3, 4) AS code
    FROM stg_areas WHERE gemeente_naam IS NOT NULL
),
names AS (
    SELECT name_key(coalesce(statline_naam, wijk_naam)) AS name_key, wijk_code AS area_code, 'buurt' AS area_level,
           1 AS priority FROM stg_areas
    UNION ALL SELECT name_key(wijk_naam), wijk_code, 'buurt', 2 FROM stg_areas
    UNION ALL SELECT name_key(gebied_naam), gebied_code, 'wijk', 3 FROM stg_areas
    UNION ALL SELECT name_key, CASE WHEN count(*) OVER (PARTITION BY name_key) = 1
                                     AND count(*) OVER (PARTITION BY code) = 1 THEN code ELSE name_key END,
                     'gemeente', 4 FROM gemeenten
    UNION ALL SELECT 'nederland', 'NL00', 'land', 5
),
best AS (
    SELECT * FROM names WHERE name_key IS NOT NULL
    QUALIFY priority = min(priority) OVER (PARTITION BY name_key)
)
SELECT name_key, area_level,
       CASE WHEN count(DISTINCT area_code) = 1 OR area_level <> 'buurt' THEN min(area_code) END AS area_code,
       CASE WHEN area_level = 'buurt' THEN count(DISTINCT area_code) ELSE 1 END AS areas
FROM best
GROUP BY name_key, area_level
