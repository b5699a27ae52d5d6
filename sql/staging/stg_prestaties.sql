-- Accepted performance agreements, one per prestatie_id. Measurable = indicator + basis + streef.
SELECT prestatie_id, wijk_code, area_level, thema, partner, omschrijving, soort, prioriteit,
       additioneel, startdatum, einddatum, indicator, basiswaarde, streefwaarde, status,
       indicator IS NOT NULL AND basiswaarde IS NOT NULL AND streefwaarde IS NOT NULL AS is_meetbaar,
       _file, _line
FROM base_prestaties
WHERE reject_reason IS NULL
