{{ config(materialized='view') }}
-- Usable police rows, one per (area, crime code, period). registered is NULL when CBS did not
-- publish the figure; area_level tells buurt rows from GM/WK/NL aggregates.
-- A view: a filter of base_politie (tens of millions of rows nationally) is read by its three
-- consumers rather than copied.
SELECT crime_code, area_code, area_level, period, period_kind, jaar, maand, is_provisional, is_published,
       registered, _file, _line
FROM base_politie
WHERE reject_reason IS NULL
