-- Police registrations in the CBS open-data format (politie/), with its quirks handled:
-- keys carry trailing spaces, SoortMisdrijf may carry its label after the code, Perioden is
-- YYYYMMmm (month) or YYYYJJ00 (year), an empty or '.' count means "not published" (missing,
-- kept as NULL and never read as zero), GM/WK aggregate rows are kept but marked.
-- The same key (area, code, period) read again later replaces the earlier value.
WITH typed AS (
    SELECT
        _file, _file_order, _line, _fields, _expected_fields, _problem, _problem_column, _problem_value,
        clean_text(soortmisdrijf) AS soort_text,
        regexp_extract(trim(soortmisdrijf), '^\S+') AS crime_code,
        upper(clean_text(wijkenenbuurten)) AS area_code,
        upper(clean_text(perioden)) AS period,
        clean_text(geregistreerdemisdrijven_1) AS count_text
    FROM raw_politie
),
parsed AS (
    SELECT *,
        CASE left(area_code, 2) WHEN 'BU' THEN 'buurt' WHEN 'WK' THEN 'wijk' WHEN 'GM' THEN 'gemeente' END AS area_level,
        CASE WHEN regexp_full_match(period, '[0-9]{4}MM(0[1-9]|1[0-2])') THEN 'maand'
             WHEN regexp_full_match(period, '[0-9]{4}JJ00') THEN 'jaar' END AS period_kind,
        coalesce(count_text, '.') <> '.' AS is_published,
        parse_int(count_text) AS registered
    FROM typed
),
checked AS (
    SELECT t.*, first_problem([
        problem(_problem IS NOT NULL, _problem, _problem_column, _problem_value),  -- line/field over the reader's limit
        ragged(_fields, _expected_fields),
        problem(soort_text IS NULL, 'missing_value', 'SoortMisdrijf', NULL),
        problem(NOT regexp_full_match(crime_code, '[0-9]+(\.[0-9]+)*'), 'invalid_crime_code', 'SoortMisdrijf', soort_text),
        problem(area_code IS NULL, 'missing_value', 'WijkenEnBuurten', NULL),
        problem(area_level IS NULL, 'invalid_area_code', 'WijkenEnBuurten', area_code),
        problem(area_level = 'buurt' AND a.wijk_code IS NULL, 'unknown_area', 'WijkenEnBuurten', area_code),
        problem(period IS NULL, 'missing_value', 'Perioden', NULL),
        problem(period_kind IS NULL, 'invalid_period', 'Perioden', period),
        problem(period_kind IS NOT NULL AND make_date(TRY_CAST(left(period, 4) AS INTEGER),
                CASE period_kind WHEN 'maand' THEN TRY_CAST(right(period, 2) AS INTEGER) ELSE 1 END, 1) > current_date,
                'future_date', 'Perioden', period),
        problem(is_published AND registered IS NULL, 'invalid_count', 'GeregistreerdeMisdrijven_1', count_text),
        problem(registered < 0, 'negative_count', 'GeregistreerdeMisdrijven_1', count_text),
        problem(registered > m.max_police_count_per_month * CASE period_kind WHEN 'jaar' THEN 12 ELSE 1 END
                AND area_level = 'buurt', 'implausible_count', 'GeregistreerdeMisdrijven_1', count_text)
    ]) AS p
    FROM parsed t
    LEFT JOIN stg_areas a ON a.wijk_code = t.area_code
    CROSS JOIN method_params m
)
SELECT
    _file, _file_order, _line, crime_code, area_code, area_level, period, period_kind,
    TRY_CAST(left(period, 4) AS BIGINT) AS jaar,  -- TRY: an invalid period ('2O21') is quarantined, not fatal
    CASE WHEN period_kind = 'maand' THEN CAST(right(period, 2) AS BIGINT) END AS maand,
    is_published,
    CASE WHEN is_published THEN registered END AS registered,
    coalesce(p.reason, CASE WHEN row_number() OVER (PARTITION BY area_code, crime_code, period, p IS NULL
        ORDER BY _file_order DESC, _line DESC) > 1 THEN 'superseded' END) AS reject_reason,
    CASE WHEN p IS NULL THEN 'GeregistreerdeMisdrijven_1' ELSE p.column END AS reject_column,
    CASE WHEN p IS NULL THEN coalesce(count_text, '') ELSE p.value END AS reject_value
FROM checked
