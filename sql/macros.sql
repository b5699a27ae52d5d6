-- Parsing helpers shared by the staging models. Loaded before every model run.

-- Trimmed text, NULL when empty. CBS keys carry trailing spaces.
CREATE OR REPLACE MACRO clean_text(s) AS nullif(trim(s), '');

-- Integer counts: "12", "1.234" (Dutch thousands separator), "12,0" / "12.0" (integral decimals).
-- Anything else is NULL, so the model can quarantine it. Negative numbers parse (checked later).
CREATE OR REPLACE MACRO parse_int(s) AS (
    CASE
        WHEN regexp_full_match(trim(s), '[-+]?[0-9]+') THEN try_cast(trim(s) AS BIGINT)
        WHEN regexp_full_match(trim(s), '[-+]?[0-9]{1,3}(\.[0-9]{3})+') THEN try_cast(replace(trim(s), '.', '') AS BIGINT)
        WHEN regexp_full_match(trim(s), '[-+]?[0-9]+([.,]0+)') THEN try_cast(regexp_extract(trim(s), '^[-+]?[0-9]+') AS BIGINT)
    END);

-- Decimals with a point or a comma: "0,935", "1.234,5" and "1,234.5" (the last mark is the
-- decimal mark when both occur), "1.234.567" (only thousands separators).
CREATE OR REPLACE MACRO parse_decimal(s) AS (
    CASE
        WHEN NOT regexp_full_match(trim(s), '[-+]?[0-9.,]*[0-9][0-9.,]*') THEN NULL
        WHEN contains(trim(s), ',') AND contains(trim(s), '.') THEN
            CASE WHEN strpos(reverse(trim(s)), ',') < strpos(reverse(trim(s)), '.')
                 THEN try_cast(replace(replace(trim(s), '.', ''), ',', '.') AS DOUBLE)
                 ELSE try_cast(replace(trim(s), ',', '') AS DOUBLE) END
        WHEN length(trim(s)) - length(replace(trim(s), ',', '')) = 1 THEN try_cast(replace(trim(s), ',', '.') AS DOUBLE)
        WHEN length(trim(s)) - length(replace(trim(s), '.', '')) > 1 THEN try_cast(replace(trim(s), '.', '') AS DOUBLE)
        ELSE try_cast(trim(s) AS DOUBLE)
    END);

-- Dates: ISO date or datetime (with T or space, optional fraction), yyyy/mm/dd, or the Dutch
-- d-m-yyyy that Excel writes. Years must have four digits (a two-digit "7-1-19" would otherwise be
-- read as the year 7) and lie in 1900-2100. A zone suffix is dropped: the local clock time decides
-- the day and the year. Anything else is NULL.
CREATE OR REPLACE MACRO parse_timestamp_any(s) AS CASE
    WHEN regexp_matches(trim(s), '^[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}([ T]|$)')
        THEN try_cast(replace(regexp_replace(trim(s), '(Z|[+-][0-9]{2}:?[0-9]{2})$', ''), '/', '-') AS TIMESTAMP)
    WHEN regexp_matches(trim(s), '^[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}([ ]|$)')
        THEN try_strptime(trim(s), ['%d-%m-%Y', '%d-%m-%Y %H:%M', '%d-%m-%Y %H:%M:%S'])
    END;
CREATE OR REPLACE MACRO parse_timestamp(s) AS CASE
    WHEN year(parse_timestamp_any(s)) BETWEEN 1900 AND 2100 THEN parse_timestamp_any(s) END;

-- Does the text carry a time of day (then a comparison within the day is meaningful)?
CREATE OR REPLACE MACRO has_time(s) AS regexp_matches(trim(s), '[0-9]{1,2}:[0-9]{2}');

-- Row checks: each staging model lists problem(...) checks in order; the first that applies is
-- the row's quarantine reason (with the column and the offending value).
CREATE OR REPLACE MACRO problem(cond, reason, col, val) AS
    CASE WHEN cond THEN {'reason': reason, 'column': col, 'value': CAST(val AS VARCHAR)} END;
CREATE OR REPLACE MACRO first_problem(checks) AS list_filter(checks, lambda p: p IS NOT NULL)[1];
CREATE OR REPLACE MACRO ragged(fields, expected) AS
    problem(fields <> expected, 'wrong_field_count', NULL, fields || ' velden, verwacht ' || expected);

-- Names compared as INPUTS.md says (StatLine area names, category and status names): case
-- folded, accents removed, runs of white space as one space, no spaces around hyphens.
CREATE OR REPLACE MACRO name_key(s) AS nullif(regexp_replace(regexp_replace(
    lower(strip_accents(trim(s))), '\s+', ' ', 'g'), ' ?- ?', '-', 'g'), '');

-- CBS area codes, strictly: BU + 8 digits (buurt), WK + 6 (wijk), GM + 4 (gemeente), NL + 2 (land).
-- A name that happens to begin with "Bu" or "Wk" is no code.
CREATE OR REPLACE MACRO area_level_of(code) AS CASE
    WHEN regexp_full_match(code, 'BU[0-9]{8}') THEN 'buurt'
    WHEN regexp_full_match(code, 'WK[0-9]{6}') THEN 'wijk'
    WHEN regexp_full_match(code, 'GM[0-9]{4}') THEN 'gemeente'
    WHEN regexp_full_match(code, 'NL[0-9]{2}') THEN 'land' END;

-- A police period as the form writes it: OData YYYYMMmm / YYYYJJ00, or the StatLine label
-- '2024' (year) / '2024 januari' (month), optionally with '*' (provisional) appended.
CREATE OR REPLACE MACRO statline_period(p) AS CASE
    WHEN regexp_full_match(trim(p), '[0-9]{4}\*?') THEN left(trim(p), 4) || 'JJ00'
    WHEN regexp_full_match(lower(trim(p)), '[0-9]{4} +[a-z]+\*?') THEN
        left(trim(p), 4) || 'MM' || lpad(CAST(list_position(['januari', 'februari', 'maart', 'april', 'mei', 'juni',
            'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
            rtrim(trim(substr(lower(trim(p)), 5)), '*')) AS VARCHAR), 2, '0') END;
