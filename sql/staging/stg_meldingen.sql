-- Accepted meldingen, one row per melding_id, with whether it counts (not geannuleerd) and
-- whether its subcategorie is in the Signalen vocabulary of INPUTS.md.
SELECT m.melding_id, m.gemeld_op, m.jaar, m.maand, m.hoofdcategorie, m.subcategorie, m.wijk_code,
       m.status, m.afgehandeld_op, s.is_counted, v.subcategorie IS NOT NULL AS in_vocabulary,
       m._file, m._line
FROM base_meldingen m
JOIN method_meldingen_status s USING (status)
LEFT JOIN method_meldingen_vocabulary v USING (subcategorie)
WHERE m.reject_reason IS NULL
