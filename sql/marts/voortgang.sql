-- Progress reports on the agreements, for the timeline and the prestaties page.
SELECT v.prestatie_id, v.datum, v.realisatie, v.rag, v.toelichting, p.wijk_code, p.thema, p.partner
FROM stg_voortgang v
JOIN stg_prestaties p USING (prestatie_id)
ORDER BY v.prestatie_id, v.datum
