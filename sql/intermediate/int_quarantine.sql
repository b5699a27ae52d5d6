-- Every input row that is not used, with file, line, column, offending value and reason.
-- Together with the staged rows this accounts for every row read (see int_file_account). One
-- branch per source of the register (pipeline/sources.py): a new source is a base_<source> model.
-- The value is quoted exactly as it stands in the file (the raw text of the rejected column,
-- untrimmed, at most 200 characters), the column named as in the file (raw_file_columns: a
-- StatLine download says "Perioden"); line_unit says whether line is a physical line (CSV) or a
-- record's position in a JSON value list. Where the reason concerns no single raw column (a
-- wrong field count, a replaced row's key) the model's own description of the value stays.
WITH rejected AS (
{% for source in var('sources') %}
    SELECT '{{ source }}' AS source, b._file AS file, b._line AS line, b.reject_column AS "column",
           coalesce(map_extract_value(MAP {
               {%- for column in var('raw_columns')[source] %}'{{ column }}': r."{{ column }}"{{ ", " if not loop.last }}{% endfor -%}
           }, lower(b.reject_column)), b.reject_value) AS value,
           b.reject_reason AS reason
    FROM base_{{ source }} b
    LEFT JOIN raw_{{ source }} r ON b.reject_column IS NOT NULL AND b.reject_reason NOT IN
        ('superseded', 'duplicate_respondent', 'line_too_long', 'field_too_long', 'wrong_field_count')
        AND r._file = b._file AND r._line = b._line
    WHERE b.reject_reason IS NOT NULL
    UNION ALL
{% endfor %}
    SELECT source, file_name, NULL, NULL, duplicate_of, 'duplicate_file' FROM raw_files WHERE status = 'duplicaat'
)
SELECT r.source, r.file, r.line, coalesce(h.header, r."column") AS "column",
       CASE WHEN length(r.value) > 200 THEN left(r.value, 200) || '…' ELSE r.value END AS value, r.reason,
       coalesce(f.line_unit, 'regel') AS line_unit
FROM rejected r
LEFT JOIN raw_file_columns h ON h.source = r.source AND h.file_name = r.file AND h."column" = lower(r."column")
LEFT JOIN raw_files f ON f.source = r.source AND f.file_name = r.file
