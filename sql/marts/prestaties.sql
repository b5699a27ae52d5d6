-- Performance agreements with their latest progress report, whether reporting has gone stale,
-- and for measurable agreements on a wijk whether the linked indicator is on the straight path
-- from basiswaarde (at startdatum) to streefwaarde (at einddatum), judged on the latest published
-- year up to the end year, at its midpoint (1 July). Agreements that never ran (voorgesteld,
-- afgewezen) are not judged. peildatum = the latest date in the published data.
WITH peil AS (
    SELECT greatest((SELECT max(datum) FROM stg_voortgang), (SELECT max(gemeld_op)::DATE FROM stg_meldingen),
                    (SELECT make_date(max(jaar), 12, 31) FROM int_years)) AS peildatum
),
latest AS (
    SELECT prestatie_id, count(*) AS voortgang_aantal, max(datum) AS laatste_voortgang,
           arg_max(rag, datum) AS laatste_rag, arg_max(realisatie, datum) AS laatste_realisatie,
           arg_max(toelichting, datum) AS laatste_toelichting
    FROM stg_voortgang GROUP BY prestatie_id
),
measured AS (
    SELECT p.prestatie_id, s.jaar, s.waarde,
           p.basiswaarde + (p.streefwaarde - p.basiswaarde) * least(1, greatest(0,
               date_diff('day', p.startdatum, make_date(s.jaar, 7, 1))
               / greatest(1, date_diff('day', p.startdatum, p.einddatum))::DOUBLE)) AS pad_waarde
    FROM stg_prestaties p
    JOIN indicator_scores s ON s.wijk_code = p.wijk_code AND s.indicator = p.indicator
    WHERE p.is_meetbaar AND p.area_level = 'wijk' AND s.waarde IS NOT NULL
      AND p.status NOT IN (SELECT status FROM method_did_it_help_not_run)
      AND s.jaar BETWEEN year(p.startdatum) AND year(p.einddatum)
),
last_measured AS (
    SELECT prestatie_id, max(jaar) AS meetjaar, arg_max(waarde, jaar) AS gemeten_waarde,
           arg_max(pad_waarde, jaar) AS pad_waarde
    FROM measured GROUP BY prestatie_id
)
SELECT
    p.prestatie_id, p.wijk_code, p.area_level AS niveau,
    CASE p.area_level WHEN 'wijk' THEN a.wijk_naam WHEN 'gebied' THEN g.gebied_naam ELSE 'Stad' END AS gebied_of_wijk_naam,
    coalesce(a.gebied_code, CASE WHEN p.area_level = 'gebied' THEN p.wijk_code END) AS gebied_code,
    p.thema, p.partner, p.omschrijving, p.soort, p.prioriteit, p.additioneel, p.startdatum, p.einddatum,
    p.indicator, p.basiswaarde, p.streefwaarde, p.status, p.is_meetbaar,
    coalesce(l.voortgang_aantal, 0) AS voortgang_aantal, l.laatste_voortgang, l.laatste_rag,
    l.laatste_realisatie, l.laatste_toelichting,
    pe.peildatum,
    p.status IN ('toegezegd', 'in_uitvoering')
        AND coalesce(l.laatste_voortgang, p.startdatum) < pe.peildatum - (m.stale_months * INTERVAL 1 MONTH)
        AS voortgang_verouderd,
    lm.meetjaar, lm.gemeten_waarde, lm.pad_waarde,
    CASE WHEN lm.meetjaar IS NULL THEN NULL
         WHEN sign(p.streefwaarde - p.basiswaarde) * (lm.gemeten_waarde - lm.pad_waarde) >= 0 THEN true
         ELSE false END AS op_koers,
    m.method_label AS methode
FROM stg_prestaties p
CROSS JOIN peil pe
CROSS JOIN method_params m
LEFT JOIN latest l USING (prestatie_id)
LEFT JOIN last_measured lm USING (prestatie_id)
LEFT JOIN stg_areas a ON p.area_level = 'wijk' AND a.wijk_code = p.wijk_code
LEFT JOIN (SELECT DISTINCT gebied_code, gebied_naam FROM stg_areas) g ON p.area_level = 'gebied' AND g.gebied_code = p.wijk_code
ORDER BY p.prestatie_id
