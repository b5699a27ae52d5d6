-- The gemeenten of the publication, one row per gemeente of the wijken (stg_areas.gemeente_code),
-- named by areas/'s optional gemeente_naam, else by the code. When its wijken name it differently,
-- the first name in sort order wins, so that every wijk of a gemeente shows the same name.
SELECT gemeente_code,
       coalesce(min(gemeente_naam), gemeente_code, 'onbekend') AS gemeente_naam,
       count(*) AS wijken
FROM stg_areas
GROUP BY gemeente_code
