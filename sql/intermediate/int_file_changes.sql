-- Per file: new, changed (content hash) or unchanged since the last publication made from this
-- run's raw folder, plus the files of that publication that are no longer there. file_history
-- holds the complete file set of every publication (record_published_files); without an earlier
-- publication (a new database, an in-memory test) every file is new.
WITH this_run AS (  -- start_run records the run's raw folder before any source is read
    SELECT raw_dir FROM run_state ORDER BY started_at DESC LIMIT 1
),
history AS (
    SELECT h.source, h.file_name, h.sha256, h.published_at
    FROM file_history h JOIN this_run r ON h.raw_dir = r.raw_dir
),
previous AS (  -- the files of the last publication
    SELECT source, file_name, sha256, published_at FROM history
    WHERE published_at = (SELECT max(published_at) FROM history)
)
SELECT f.source, f.file_name, f.file_order,
       CASE WHEN p.sha256 IS NULL THEN 'nieuw' WHEN p.sha256 = f.sha256 THEN 'ongewijzigd' ELSE 'gewijzigd' END
           AS change,
       p.sha256 AS previous_sha256, f.sha256,
       (SELECT max(published_at) FROM previous) AS previous_published_at
FROM raw_files f
LEFT JOIN previous p ON p.source = f.source AND p.file_name = f.file_name
UNION ALL
SELECT p.source, p.file_name, NULL, 'verwijderd', p.sha256, NULL, p.published_at
FROM previous p
WHERE NOT EXISTS (SELECT 1 FROM raw_files f WHERE f.source = p.source AND f.file_name = p.file_name)
