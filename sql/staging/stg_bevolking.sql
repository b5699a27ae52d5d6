-- Usable population figures: one row per wijk-year (KWB roll-up rows are read but are no wijk figures).
SELECT jaar, wijk_code, inwoners, _file, _line
FROM base_bevolking
WHERE reject_reason IS NULL AND is_wijk_row
