-- Accepted respondents: one row per (jaar, respondent_id).
SELECT respondent_id, jaar, wijk_code, weegfactor, _file, _file_order, _line
FROM base_enquete
WHERE reject_reason IS NULL
