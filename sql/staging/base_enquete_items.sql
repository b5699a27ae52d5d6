-- Every survey answer as given, one row per respondent row and item (long format).
SELECT _file_order, _line, survey_column, clean_text(answer) AS answer
FROM (UNPIVOT raw_enquete
      ON voelt_zich_onveilig, slachtoffer_diefstal, slachtoffer_inbraak, slachtoffer_geweld,
         vaak_diefstal, vaak_inbraak, vaak_geweld, vaak_vernieling, vaak_overlast, vaak_drugs, vaak_rommel
      INTO NAME survey_column VALUE answer)
