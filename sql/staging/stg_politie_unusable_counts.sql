-- Keys (area, crime code, period) whose latest row has a count that cannot be used (quarantined
-- as invalid_count, negative_count or implausible_count): the key is missing, never 0 (INPUTS.md).
SELECT crime_code, area_code, area_level, period, period_kind, jaar, maand, _file, _line, reject_reason
FROM base_politie
WHERE is_latest AND has_unusable_count
