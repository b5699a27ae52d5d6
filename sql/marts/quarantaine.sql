-- Every quarantined row: source, file, line, column, offending value and reason.
SELECT source AS bron, file AS bestand, line AS regel, "column" AS kolom, value AS waarde, reason AS reden
FROM int_quarantine
ORDER BY bron, bestand, regel
