-- Per source: files, rows and the latest period present, for the data-quality page.
WITH latest AS (
    SELECT 'politie' AS bron, max(period) FILTER (WHERE area_level = 'buurt') AS laatste_periode FROM stg_politie
    UNION ALL SELECT 'meldingen', strftime(max(gemeld_op), '%Y-%m-%d') FROM stg_meldingen
    UNION ALL SELECT 'enquete', CAST(max(jaar) AS VARCHAR) FROM stg_enquete
    UNION ALL SELECT 'bevolking', CAST(max(jaar) AS VARCHAR) FROM stg_bevolking
    UNION ALL SELECT 'voortgang', strftime(max(datum), '%Y-%m-%d') FROM stg_voortgang
)
SELECT f.bron, count(*) AS bestanden, CAST(sum(f.rijen_gelezen) AS BIGINT) AS rijen_gelezen,
       CAST(sum(f.rijen_gebruikt) AS BIGINT) AS rijen_gebruikt,
       CAST(sum(f.rijen_quarantaine) AS BIGINT) AS rijen_quarantaine,
       any_value(l.laatste_periode) AS laatste_periode
FROM bestanden f
LEFT JOIN latest l USING (bron)
GROUP BY f.bron
