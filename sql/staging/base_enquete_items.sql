-- Every survey answer as given, one row per respondent row and item (long format). The items are
-- the survey columns of the method config's subjective indicators.
SELECT _file_order, _line, survey_column, clean_text(answer) AS answer
FROM (UNPIVOT raw_enquete
      ON {{ var('survey_columns') | join(', ') }}
      INTO NAME survey_column VALUE answer)
