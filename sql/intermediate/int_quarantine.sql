-- Every input row that is not used, with file, line, column, offending value and reason.
-- Together with the staged rows this accounts for every row read (see int_file_account). One
-- branch per source of the register (pipeline/sources.py): a new source is a base_<source> model.
{% for source in var('sources') %}
SELECT '{{ source }}' AS source, _file AS file, _line AS line, reject_column AS "column", reject_value AS value,
       reject_reason AS reason
FROM base_{{ source }} WHERE reject_reason IS NOT NULL
UNION ALL
{% endfor %}
SELECT source, file_name, NULL, NULL, duplicate_of, 'duplicate_file' FROM raw_files WHERE status = 'duplicaat'
