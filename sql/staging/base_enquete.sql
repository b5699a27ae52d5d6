-- Residents' survey (enquete/), one row per respondent, typed and checked in the order of
-- INPUTS.md: weight, answers, then a repeated respondent_id within a jaar (the first usable one
-- is kept). Valid answers per item come from method_survey_answers.
WITH typed AS (
    SELECT
        _file, _file_order, _line, _fields, _expected_fields,
        clean_text(respondent_id) AS respondent_id,
        clean_text(jaar) AS jaar_text, parse_int(jaar) AS jaar,
        upper(clean_text(wijk_code)) AS wijk_code,
        clean_text(weegfactor) AS weight_text, parse_decimal(weegfactor) AS weegfactor
    FROM raw_enquete
),
first_invalid AS (
    SELECT i._file_order, i._line,
           arg_min(i.survey_column, mi.indicator_order) AS survey_column,
           arg_min(i.answer, mi.indicator_order) AS answer
    FROM base_enquete_items i
    JOIN method_indicators mi USING (survey_column)
    LEFT JOIN method_survey_answers a USING (survey_column, answer)
    WHERE i.answer IS NOT NULL AND a.answer IS NULL
    GROUP BY ALL
),
checked AS (
    SELECT t.*, first_problem([
        ragged(_fields, _expected_fields),
        problem(respondent_id IS NULL, 'missing_value', 'respondent_id', NULL),
        problem(jaar_text IS NULL, 'missing_value', 'jaar', NULL),
        problem(jaar IS NULL OR jaar NOT BETWEEN 1900 AND 2100, 'invalid_year', 'jaar', jaar_text),
        problem(jaar > year(current_date), 'future_date', 'jaar', jaar_text),
        problem(t.wijk_code IS NULL, 'missing_value', 'wijk_code', NULL),
        problem(a.wijk_code IS NULL, 'unknown_area', 'wijk_code', t.wijk_code),
        problem(weegfactor IS NULL OR weegfactor <= 0 OR weegfactor > m.max_weight OR isnan(weegfactor),
                'invalid_weight', 'weegfactor', coalesce(weight_text, '')),
        problem(f.survey_column IS NOT NULL, 'invalid_answer', f.survey_column, f.answer)
    ]) AS p
    FROM typed t
    LEFT JOIN stg_areas a USING (wijk_code)
    LEFT JOIN first_invalid f ON f._file_order = t._file_order AND f._line = t._line
    CROSS JOIN method_params m
)
SELECT
    _file, _file_order, _line, respondent_id, jaar, wijk_code, weegfactor,
    coalesce(p.reason, CASE WHEN row_number() OVER (PARTITION BY jaar, respondent_id, p IS NULL
        ORDER BY _file_order, _line) > 1 THEN 'duplicate_respondent' END) AS reject_reason,
    CASE WHEN p IS NULL THEN 'respondent_id' ELSE p.column END AS reject_column,
    CASE WHEN p IS NULL THEN respondent_id ELSE p.value END AS reject_value
FROM checked
