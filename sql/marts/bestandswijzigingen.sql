-- What changed in the raw folder since the last publication from it, per file: for the
-- data-quality page, the publication's metadata in Dagster and analysts comparing deliveries.
SELECT source AS bron, file_name AS bestand, change AS wijziging, previous_sha256 AS vorige_sha256, sha256,
       timezone('UTC', previous_published_at) AS vorige_publicatie_op
FROM int_file_changes
ORDER BY bron, bestand
