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
-- National scale (~39 million rows): every parse and check that depends on one raw value only is
-- done once per distinct value (soorten, area values per file form, periods, counts: small tables)
-- and joined back on that value (IS NOT DISTINCT FROM: an empty field is a value too). The key
-- (area, code, period) is one integer built from the dense ranks of its three parts; a key read more
-- than once (a revision) is rare, so instead of ranking every row only the repeated keys are found,
-- with the position of their last valid row.
WITH soorten AS (
    SELECT soortmisdrijf, soort_text, crime_code, dense_rank() OVER (ORDER BY crime_code) AS crime_id,
        CASE WHEN soort_text IS NULL THEN 'missing_value'
             WHEN NOT regexp_full_match(crime_code, '[0-9]+(\.[0-9]+)*') THEN 'invalid_crime_code' END AS soort_reason
    FROM (
        SELECT soortmisdrijf, clean_text(soortmisdrijf) AS soort_text,
            CASE WHEN name_key(soortmisdrijf) = 'totaal misdrijven' THEN m.politie_total_code
                 ELSE regexp_extract(trim(soortmisdrijf), '^\S+') END AS crime_code
        FROM (SELECT DISTINCT soortmisdrijf FROM raw_politie) d
        CROSS JOIN method_params m
    ) s
),
area_values AS (
    SELECT wijkenenbuurten, _format, clean_text(wijkenenbuurten) AS area_text,
        -- Python's cbsodata writes the TypedDataSet's names with the labels as values (an area name,
        -- '2024 januari'): a value is read for what it is, in every form. A name is a value that is
        -- no code and has a lower-case letter or a space (so 'XX123' stays an invalid code).
        area_level_of(upper(clean_text(wijkenenbuurten))) IS NULL
            AND (_format = 'statline' OR regexp_matches(clean_text(wijkenenbuurten), '[a-z ]')) AS by_name,
        name_key(clean_text(wijkenenbuurten)) AS area_key
    FROM (SELECT DISTINCT wijkenenbuurten, _format FROM raw_politie) d
),
located AS (
    SELECT v.*,
        CASE WHEN by_name THEN n.area_code ELSE upper(area_text) END AS area_code,
        CASE WHEN by_name THEN n.area_level ELSE area_level_of(upper(area_text)) END AS area_level,
        by_name AND n.areas > 1 AS name_is_ambiguous,
        -- a name a by-name value shares: only those rows can make a StatLine label repeat
        area_key IN (SELECT area_key FROM area_values WHERE by_name) AS may_repeat
    FROM area_values v
    LEFT JOIN stg_area_names n ON v.by_name AND n.name_key = v.area_key
),
areas AS (
    SELECT l.*, dense_rank() OVER (ORDER BY l.area_code) AS area_id,
        -- the area checks after 'missing' and 'ambiguous' (those two also need the row's label count)
        CASE WHEN by_name AND area_level IS NULL THEN 'unknown_area'
             WHEN area_level IS NULL THEN 'invalid_area_code'
             WHEN area_level = 'buurt' AND a.wijk_code IS NULL THEN 'unknown_area' END AS area_reason
    FROM located l
    LEFT JOIN stg_areas a ON a.wijk_code = l.area_code
),
period_values AS (
    SELECT perioden,
        CASE WHEN regexp_full_match(upper(clean_text(perioden)), '[0-9]{4}(MM|JJ)[0-9]{2}') THEN upper(clean_text(perioden))
             ELSE coalesce(statline_period(perioden), upper(clean_text(perioden))) END AS period,
        ends_with(trim(perioden), '*') AS is_provisional
    FROM (SELECT DISTINCT perioden FROM raw_politie) d
),
period_kinds AS (
    SELECT *,
        CASE WHEN regexp_full_match(period, '[0-9]{4}MM(0[1-9]|1[0-2])') THEN 'maand'
             WHEN regexp_full_match(period, '[0-9]{4}JJ00') THEN 'jaar' END AS period_kind
    FROM period_values
),
periods AS (
    SELECT *, dense_rank() OVER (ORDER BY period) AS period_id,
        TRY_CAST(left(period, 4) AS BIGINT) AS jaar,  -- TRY: an invalid period ('2O21') is quarantined, not fatal
        CASE WHEN period_kind = 'maand' THEN CAST(right(period, 2) AS BIGINT) END AS maand,
        CASE WHEN clean_text(perioden) IS NULL THEN 'missing_value'
             WHEN period_kind IS NULL THEN 'invalid_period'
             WHEN period_kind IS NOT NULL AND make_date(TRY_CAST(left(period, 4) AS INTEGER),
                  CASE period_kind WHEN 'maand' THEN TRY_CAST(right(period, 2) AS INTEGER) ELSE 1 END, 1) > current_date
                  THEN 'future_date' END AS period_reason
    FROM period_kinds
),
counts AS (
    SELECT *,
        CASE WHEN is_published AND registered IS NULL THEN 'invalid_count'
             WHEN registered < 0 THEN 'negative_count' END AS count_reason
    FROM (
        SELECT geregistreerdemisdrijven_1, clean_text(geregistreerdemisdrijven_1) AS count_text,
            NOT (clean_text(geregistreerdemisdrijven_1) IS NULL
                 OR upper(clean_text(geregistreerdemisdrijven_1)) IN ('.', 'X', 'NA')) AS is_published,
            CASE WHEN clean_text(geregistreerdemisdrijven_1) = '-' THEN 0
                 ELSE parse_int(clean_text(geregistreerdemisdrijven_1)) END AS registered
        FROM (SELECT DISTINCT geregistreerdemisdrijven_1 FROM raw_politie) d
    ) c
),
typed AS NOT MATERIALIZED (
    SELECT r._file, r._file_order, r._line, r._fields, r._expected_fields, r._problem, r._problem_column,
        r._problem_value, r._format, r.soortmisdrijf, r.wijkenenbuurten, r.perioden, r.geregistreerdemisdrijven_1,
        (a.area_id * (SELECT max(crime_id) + 1 FROM soorten) + s.crime_id) * (SELECT max(period_id) + 1 FROM periods)
            + p.period_id AS key_id,
        s.crime_id, s.soort_reason, a.area_id, a.area_text IS NULL AS area_missing, a.by_name, a.may_repeat,
        a.area_key, a.name_is_ambiguous, a.area_reason, a.area_level, p.period_id, p.period_kind, p.period_reason,
        c.is_published, c.registered, c.count_reason,
        s.crime_code, a.area_code, p.period, p.jaar, p.maand, p.is_provisional
    FROM raw_politie r
    LEFT JOIN soorten s ON s.soortmisdrijf IS NOT DISTINCT FROM r.soortmisdrijf
    LEFT JOIN areas a ON a.wijkenenbuurten IS NOT DISTINCT FROM r.wijkenenbuurten
        AND a._format IS NOT DISTINCT FROM r._format
    LEFT JOIN periods p ON p.perioden IS NOT DISTINCT FROM r.perioden
    LEFT JOIN counts c ON c.geregistreerdemisdrijven_1 IS NOT DISTINCT FROM r.geregistreerdemisdrijven_1
),
-- StatLine gives a CBS wijk and its buurt of the same name the same label: which is which is lost
-- (counted only over the rows whose area value shares its name with a by-name value)
repeated AS (
    SELECT r._file, a.area_key, s.crime_id, p.period_id
    FROM raw_politie r
    JOIN areas a ON a.may_repeat AND a.wijkenenbuurten IS NOT DISTINCT FROM r.wijkenenbuurten
        AND a._format IS NOT DISTINCT FROM r._format
    JOIN soorten s ON s.soortmisdrijf IS NOT DISTINCT FROM r.soortmisdrijf
    JOIN periods p ON p.perioden IS NOT DISTINCT FROM r.perioden
    GROUP BY r._file, a.area_key, s.crime_id, p.period_id HAVING count(*) > 1
),
checked AS NOT MATERIALIZED (
    SELECT t.*,
        CASE WHEN _problem IS NOT NULL THEN 1  -- line/field over the reader's limit
             WHEN _fields <> _expected_fields THEN 2
             WHEN soort_reason IS NOT NULL THEN 3
             WHEN area_missing THEN 4
             WHEN name_is_ambiguous OR (by_name AND x.area_key IS NOT NULL) THEN 5
             WHEN area_reason IS NOT NULL THEN 6
             WHEN period_reason IS NOT NULL THEN 7 END AS key_check,
        CASE WHEN count_reason IS NOT NULL THEN count_reason
             WHEN registered > m.max_police_count_per_month * CASE period_kind WHEN 'jaar' THEN 12 ELSE 1 END
                  AND area_level = 'buurt' THEN 'implausible_count' END AS count_problem
    FROM typed t
    LEFT JOIN repeated x ON t.may_repeat AND x._file = t._file AND x.area_key = t.area_key
        AND x.crime_id IS NOT DISTINCT FROM t.crime_id AND x.period_id IS NOT DISTINCT FROM t.period_id
    CROSS JOIN method_params m
),
-- The latest row of a key: a key read more than once is rare (a revision), so the few repeated
-- keys are found first, with the position of their last valid row; every other valid row is latest.
repeated_keys AS (
    SELECT key_id, max(CAST(_file_order AS HUGEINT) * 18446744073709551616 + _line) AS last_position
    FROM checked WHERE key_check IS NULL
    GROUP BY key_id HAVING count(*) > 1
),
ranked AS (
    SELECT c.*, c.key_check IS NULL AND (k.key_id IS NULL
        OR CAST(c._file_order AS HUGEINT) * 18446744073709551616 + c._line = k.last_position) AS is_latest
    FROM checked c
    LEFT JOIN repeated_keys k ON c.key_check IS NULL AND k.key_id = c.key_id
)
SELECT
    r._file, r._file_order, r._line, r._format, r.crime_code, r.area_code, r.area_level, r.period, r.period_kind,
    r.jaar, r.maand, r.is_provisional, r.is_published,
    CASE WHEN r.is_published AND r.count_problem IS NULL THEN r.registered END AS registered,
    r.is_latest, r.count_problem IS NOT NULL AS has_unusable_count,
    coalesce(CASE r.key_check WHEN 1 THEN r._problem WHEN 2 THEN 'wrong_field_count' WHEN 3 THEN r.soort_reason
                              WHEN 4 THEN 'missing_value' WHEN 5 THEN 'ambiguous_area_name' WHEN 6 THEN r.area_reason
                              WHEN 7 THEN r.period_reason END,
             r.count_problem, CASE WHEN NOT r.is_latest THEN 'superseded' END) AS reject_reason,
    coalesce(CASE r.key_check WHEN 1 THEN r._problem_column WHEN 3 THEN 'SoortMisdrijf'
                              WHEN 4 THEN 'WijkenEnBuurten' WHEN 5 THEN 'WijkenEnBuurten' WHEN 6 THEN 'WijkenEnBuurten'
                              WHEN 7 THEN 'Perioden' END,
             CASE WHEN r.count_problem IS NOT NULL THEN 'GeregistreerdeMisdrijven_1' END,
             'GeregistreerdeMisdrijven_1') AS reject_column,
    coalesce(CASE r.key_check WHEN 1 THEN r._problem_value
                              WHEN 2 THEN r._fields || ' velden, verwacht ' || r._expected_fields
                              WHEN 3 THEN CASE WHEN r.soort_reason = 'invalid_crime_code' THEN r.soortmisdrijf END
                              WHEN 5 THEN r.wijkenenbuurten WHEN 6 THEN r.wijkenenbuurten
                              WHEN 7 THEN CASE WHEN r.period_reason <> 'missing_value' THEN r.perioden END END,
             CASE WHEN r.count_problem IS NOT NULL THEN r.geregistreerdemisdrijven_1 END,
             coalesce(r.geregistreerdemisdrijven_1, '')) AS reject_value
FROM ranked r
