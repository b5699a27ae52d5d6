-- Per file: rows read = rows used + rows quarantined. A file whose content equals an earlier
-- file is skipped whole (status duplicaat) and counts no rows.
WITH staged AS (  -- one branch per source of the register (pipeline/sources.py)
{% for source in var('sources') %}
    {{ "UNION ALL " if not loop.first }}SELECT '{{ source }}' AS source, _file AS file,
           count(*) FILTER (WHERE reject_reason IS NULL) AS used
    FROM base_{{ source }} GROUP BY ALL
{% endfor %}
),
quarantined AS (
    SELECT source, file, count(*) AS quarantined FROM int_quarantine WHERE line IS NOT NULL GROUP BY ALL
)
SELECT f.source, f.file_name AS file, f.file_order, f.sha256, f.size_bytes, f.encoding, f.delimiter,
       f.format_id, f.format, f.line_unit, f.status, f.duplicate_of, f.revised, f.previous_sha256,
       f.rows_read, coalesce(s.used, 0) AS rows_used, coalesce(q.quarantined, 0) AS rows_quarantined,
       f.rows_read = coalesce(s.used, 0) + coalesce(q.quarantined, 0) AS balanced
FROM raw_files f
LEFT JOIN staged s ON s.source = f.source AND s.file = f.file_name AND f.status = 'gelezen'
LEFT JOIN quarantined q ON q.source = f.source AND q.file = f.file_name AND f.status = 'gelezen'
