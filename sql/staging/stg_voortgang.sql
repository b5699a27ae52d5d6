-- Accepted progress reports, one per agreement and date.
SELECT prestatie_id, datum, realisatie, rag, toelichting, _file, _line
FROM base_voortgang
WHERE reject_reason IS NULL
