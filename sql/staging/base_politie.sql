-- Police registrations (politie/) in any of CBS's three forms (_format: odata = the TypedDataSet
-- as CSV or JSON, also with cbsodata's labels as values; statline = the website download with
-- labels and area names), typed and
-- checked with the quirks of INPUTS.md: keys with trailing spaces, a label after the code,
-- 'Totaal misdrijven' = 0.0.0, YYYYMMmm / YYYYJJ00 or StatLine period labels (a '*' marks a
-- provisional figure), areas by code (BU/WK/GM/NL) or by name (stg_area_names).
-- A count that cannot be used makes its key missing, never 0: empty, '.', 'x' and 'NA' are "not
-- published" (kept, registered NULL); anything unreadable, negative or implausible is
-- quarantined and the key is missing (stg_politie_unusable_counts). CBS's '-' is nihil: 0.
-- The same key (area, code, period) read again later replaces the earlier value (superseded).
-- Rejected values are quoted as they stand in the file.
WITH typed AS (
    SELECT
        _file, _file_order, _line, _fields, _expected_fields, _problem, _problem_column, _problem_value, _format,
        soortmisdrijf, wijkenenbuurten, perioden, geregistreerdemisdrijven_1,
        clean_text(soortmisdrijf) AS soort_text,
        CASE WHEN name_key(soortmisdrijf) = 'totaal misdrijven' THEN m.politie_total_code
             ELSE regexp_extract(trim(soortmisdrijf), '^\S+') END AS crime_code,
        clean_text(wijkenenbuurten) AS area_text,
        -- Python's cbsodata writes the TypedDataSet's names with the labels as values (an area name,
        -- '2024 januari'): a value is read for what it is, in every form. A name is a value that is
        -- no code and has a lower-case letter or a space (so 'XX123' stays an invalid code).
        area_level_of(upper(clean_text(wijkenenbuurten))) IS NULL
            AND (_format = 'statline' OR regexp_matches(clean_text(wijkenenbuurten), '[a-z ]')) AS by_name,
        CASE WHEN regexp_full_match(upper(clean_text(perioden)), '[0-9]{4}(MM|JJ)[0-9]{2}') THEN upper(clean_text(perioden))
             ELSE coalesce(statline_period(perioden), upper(clean_text(perioden))) END AS period,
        ends_with(trim(perioden), '*') AS is_provisional,
        clean_text(geregistreerdemisdrijven_1) AS count_text
    FROM raw_politie
    CROSS JOIN method_params m
),
located AS (
    SELECT t.*,
        CASE WHEN by_name THEN n.area_code ELSE upper(area_text) END AS area_code,
        CASE WHEN by_name THEN n.area_level ELSE area_level_of(upper(area_text)) END AS area_level,
        by_name AND n.areas > 1 AS name_is_ambiguous,
        -- StatLine gives a CBS wijk and its buurt of the same name the same label: which is which is lost
        by_name AND count(*) OVER (PARTITION BY _file, name_key(area_text), crime_code, period) > 1
            AS label_is_repeated
    FROM typed t
    LEFT JOIN stg_area_names n ON t.by_name AND n.name_key = name_key(t.area_text)
),
parsed AS (
    SELECT *,
        CASE WHEN regexp_full_match(period, '[0-9]{4}MM(0[1-9]|1[0-2])') THEN 'maand'
             WHEN regexp_full_match(period, '[0-9]{4}JJ00') THEN 'jaar' END AS period_kind,
        NOT (count_text IS NULL OR upper(count_text) IN ('.', 'X', 'NA')) AS is_published,
        CASE WHEN count_text = '-' THEN 0 ELSE parse_int(count_text) END AS registered
    FROM located
),
checked AS (
    SELECT t.*, first_problem([  -- the key: a row without a usable key says nothing about any key
        problem(_problem IS NOT NULL, _problem, _problem_column, _problem_value),  -- line/field over the reader's limit
        ragged(_fields, _expected_fields),
        problem(soort_text IS NULL, 'missing_value', 'SoortMisdrijf', NULL),
        problem(NOT regexp_full_match(crime_code, '[0-9]+(\.[0-9]+)*'), 'invalid_crime_code', 'SoortMisdrijf', soortmisdrijf),
        problem(area_text IS NULL, 'missing_value', 'WijkenEnBuurten', NULL),
        problem(name_is_ambiguous OR label_is_repeated, 'ambiguous_area_name', 'WijkenEnBuurten', wijkenenbuurten),
        problem(by_name AND area_level IS NULL, 'unknown_area', 'WijkenEnBuurten', wijkenenbuurten),
        problem(area_level IS NULL, 'invalid_area_code', 'WijkenEnBuurten', wijkenenbuurten),
        problem(area_level = 'buurt' AND a.wijk_code IS NULL, 'unknown_area', 'WijkenEnBuurten', wijkenenbuurten),
        problem(clean_text(perioden) IS NULL, 'missing_value', 'Perioden', NULL),
        problem(period_kind IS NULL, 'invalid_period', 'Perioden', perioden),
        problem(period_kind IS NOT NULL AND make_date(TRY_CAST(left(period, 4) AS INTEGER),
                CASE period_kind WHEN 'maand' THEN TRY_CAST(right(period, 2) AS INTEGER) ELSE 1 END, 1) > current_date,
                'future_date', 'Perioden', perioden)
    ]) AS key_problem,
    first_problem([  -- the count: the key stays, its figure is missing
        problem(is_published AND registered IS NULL, 'invalid_count', 'GeregistreerdeMisdrijven_1', geregistreerdemisdrijven_1),
        problem(registered < 0, 'negative_count', 'GeregistreerdeMisdrijven_1', geregistreerdemisdrijven_1),
        problem(registered > m.max_police_count_per_month * CASE period_kind WHEN 'jaar' THEN 12 ELSE 1 END
                AND area_level = 'buurt', 'implausible_count', 'GeregistreerdeMisdrijven_1', geregistreerdemisdrijven_1)
    ]) AS count_problem
    FROM parsed t
    LEFT JOIN stg_areas a ON a.wijk_code = t.area_code
    CROSS JOIN method_params m
),
ranked AS (
    SELECT *, key_problem IS NULL AND row_number() OVER (PARTITION BY area_code, crime_code, period, key_problem IS NULL
        ORDER BY _file_order DESC, _line DESC) = 1 AS is_latest
    FROM checked
)
SELECT
    _file, _file_order, _line, _format, crime_code, area_code, area_level, period, period_kind,
    TRY_CAST(left(period, 4) AS BIGINT) AS jaar,  -- TRY: an invalid period ('2O21') is quarantined, not fatal
    CASE WHEN period_kind = 'maand' THEN CAST(right(period, 2) AS BIGINT) END AS maand,
    is_provisional, is_published,
    CASE WHEN is_published AND count_problem IS NULL THEN registered END AS registered,
    is_latest, count_problem IS NOT NULL AS has_unusable_count,
    coalesce(key_problem.reason, count_problem.reason, CASE WHEN NOT is_latest THEN 'superseded' END) AS reject_reason,
    coalesce(key_problem.column, count_problem.column, 'GeregistreerdeMisdrijven_1') AS reject_column,
    coalesce(key_problem.value, count_problem.value, coalesce(geregistreerdemisdrijven_1, '')) AS reject_value
FROM ranked
