-- Usable population figures: one row per wijk-year.
SELECT jaar, wijk_code, inwoners, _file, _line
FROM base_bevolking
WHERE reject_reason IS NULL
