-- Every input row that is not used, with file, line, column, offending value and reason.
-- Together with the staged rows this accounts for every row read (see int_file_account).
SELECT 'areas' AS source, _file AS file, _line AS line, reject_column AS "column", reject_value AS value, reject_reason AS reason FROM base_areas WHERE reject_reason IS NOT NULL
UNION ALL SELECT 'bevolking', _file, _line, reject_column, reject_value, reject_reason FROM base_bevolking WHERE reject_reason IS NOT NULL
UNION ALL SELECT 'politie', _file, _line, reject_column, reject_value, reject_reason FROM base_politie WHERE reject_reason IS NOT NULL
UNION ALL SELECT 'enquete', _file, _line, reject_column, reject_value, reject_reason FROM base_enquete WHERE reject_reason IS NOT NULL
UNION ALL SELECT 'meldingen', _file, _line, reject_column, reject_value, reject_reason FROM base_meldingen WHERE reject_reason IS NOT NULL
UNION ALL SELECT 'prestaties', _file, _line, reject_column, reject_value, reject_reason FROM base_prestaties WHERE reject_reason IS NOT NULL
UNION ALL SELECT 'voortgang', _file, _line, reject_column, reject_value, reject_reason FROM base_voortgang WHERE reject_reason IS NOT NULL
UNION ALL SELECT source, file_name, NULL, NULL, duplicate_of, 'duplicate_file' FROM raw_files WHERE status = 'duplicaat'
