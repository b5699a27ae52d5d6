-- Per file: rows read = rows used + rows quarantined. A file whose content equals an earlier
-- file is skipped whole (status duplicaat) and counts no rows.
WITH staged AS (
    SELECT 'areas' AS source, _file AS file, count(*) FILTER (WHERE reject_reason IS NULL) AS used FROM base_areas GROUP BY ALL
    UNION ALL SELECT 'bevolking', _file, count(*) FILTER (WHERE reject_reason IS NULL) FROM base_bevolking GROUP BY ALL
    UNION ALL SELECT 'politie', _file, count(*) FILTER (WHERE reject_reason IS NULL) FROM base_politie GROUP BY ALL
    UNION ALL SELECT 'enquete', _file, count(*) FILTER (WHERE reject_reason IS NULL) FROM base_enquete GROUP BY ALL
    UNION ALL SELECT 'meldingen', _file, count(*) FILTER (WHERE reject_reason IS NULL) FROM base_meldingen GROUP BY ALL
    UNION ALL SELECT 'prestaties', _file, count(*) FILTER (WHERE reject_reason IS NULL) FROM base_prestaties GROUP BY ALL
    UNION ALL SELECT 'voortgang', _file, count(*) FILTER (WHERE reject_reason IS NULL) FROM base_voortgang GROUP BY ALL
),
quarantined AS (
    SELECT source, file, count(*) AS quarantined FROM int_quarantine WHERE line IS NOT NULL GROUP BY ALL
)
SELECT f.source, f.file_name AS file, f.file_order, f.sha256, f.size_bytes, f.encoding, f.delimiter,
       f.status, f.duplicate_of, f.revised, f.previous_sha256,
       f.rows_read, coalesce(s.used, 0) AS rows_used, coalesce(q.quarantined, 0) AS rows_quarantined,
       f.rows_read = coalesce(s.used, 0) + coalesce(q.quarantined, 0) AS balanced
FROM raw_files f
LEFT JOIN staged s ON s.source = f.source AND s.file = f.file_name AND f.status = 'gelezen'
LEFT JOIN quarantined q ON q.source = f.source AND q.file = f.file_name AND f.status = 'gelezen'
