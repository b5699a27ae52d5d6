-- Every quarantined row: source, file, line (or record), column as named in the file, the value
-- as it stands in the file, and the reason. A respondent id is never published (privacy): its
-- value is left out; file and line still point to the row, and the analysts' database
-- (int_quarantine, owner-only) keeps it.
SELECT source AS bron, file AS bestand, line AS regel, line_unit AS regelsoort, "column" AS kolom,
       CASE WHEN source = 'enquete' AND lower(trim("column")) = 'respondent_id' THEN NULL ELSE value END AS waarde,
       reason AS reden
FROM int_quarantine
ORDER BY bron, bestand, regel
