-- The file account: per file read, rows read = rows used + rows quarantined.
SELECT source AS bron, file AS bestand, format AS formaat, sha256, size_bytes AS bytes, encoding AS tekenset,
       delimiter AS scheidingsteken, line_unit AS regelsoort, status, duplicate_of AS duplicaat_van, revised AS herzien,
       previous_sha256 AS vorige_sha256, rows_read AS rijen_gelezen, rows_used AS rijen_gebruikt,
       rows_quarantined AS rijen_quarantaine, balanced AS sluitend
FROM int_file_account
ORDER BY bron, file_order
