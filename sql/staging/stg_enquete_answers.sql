-- The valid answers of accepted respondents, one row per respondent and item (long format).
-- "weet niet" (9) and empty answers are not valid answers and are left out.
SELECT r.jaar, r.wijk_code, r.respondent_id, r.weegfactor, a.survey_column, a.answer, m.is_yes
FROM stg_enquete r
JOIN base_enquete_items a USING (_file_order, _line)
JOIN method_survey_answers m USING (survey_column, answer)
WHERE m.is_valid
