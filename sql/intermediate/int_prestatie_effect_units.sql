-- "Did it help?" (docs/method.md), the wijken behind each judged agreement: its treated wijken (the
-- wijk; the wijken of its gebied; every wijk for the city) and its comparison wijken, each with the
-- change of the agreement's outcome (the indicator score, or the theme score when the agreement
-- names no indicator) from the year before the start year to the latest year with published
-- scores, and the sampling variance of that change (the method's estimator).
-- Only agreements that ran, with a start date, and whose latest year is late enough: the others get
-- their verdict in prestatie_effecten without any wijk.
WITH settings AS (
    SELECT d.min_comparison, d.min_years_after_start, m.min_respondents,
           (SELECT max(jaar) FROM int_wijk_years WHERE is_eligible) AS last_year
    FROM method_did_it_help d CROSS JOIN method_params m
),
ran AS (  -- every agreement that ran: a candidate to judge, and a reason to keep a wijk out of a comparison
    SELECT p.*, year(p.startdatum) AS start_year
    FROM stg_prestaties p
    WHERE p.status NOT IN (SELECT status FROM method_did_it_help_not_run)
),
agreements AS (
    SELECT r.prestatie_id, r.wijk_code AS area_code, r.area_level, r.thema,
           CASE WHEN r.indicator IS NOT NULL THEN 'indicator' ELSE 'thema' END AS outcome_kind,
           coalesce(r.indicator, r.thema) AS outcome,
           r.start_year - 1 AS pre_year, s.last_year
    FROM ran r CROSS JOIN settings s
    WHERE r.start_year IS NOT NULL AND s.last_year >= r.start_year + s.min_years_after_start
),
-- Published outcomes of eligible wijk-years. A survey indicator on fewer valid answers than
-- min_respondents is shown nowhere (docs/method.md), so it is no outcome here either.
outcomes AS (
    SELECT 'indicator' AS outcome_kind, s.indicator AS outcome, s.wijk_code, s.jaar, s.score, v.variance
    FROM int_indicator_scores s
    CROSS JOIN settings x
    JOIN int_variance v ON v.wijk_code = s.wijk_code AND v.jaar = s.jaar AND v.level = 'indicator'
                       AND v.aggregate = s.indicator
    WHERE s.score IS NOT NULL AND (s.part <> 'subjectief' OR s.n_valid >= x.min_respondents)
    UNION ALL
    SELECT 'thema', theme, wijk_code, jaar, score, var_score
    FROM int_theme_scores
    WHERE score IS NOT NULL
),
changes AS (  -- per agreement every wijk with its outcome in both years
    SELECT a.prestatie_id, pre.wijk_code, pre.score AS score_pre, post.score AS score_post,
           post.score - pre.score AS change, pre.variance + post.variance AS var_change
    FROM agreements a
    JOIN outcomes pre ON pre.outcome_kind = a.outcome_kind AND pre.outcome = a.outcome AND pre.jaar = a.pre_year
    JOIN outcomes post ON post.outcome_kind = a.outcome_kind AND post.outcome = a.outcome
                      AND post.jaar = a.last_year AND post.wijk_code = pre.wijk_code
),
covered AS (  -- the wijken an agreement is about
    SELECT r.prestatie_id, s.wijk_code, s.wijktype, s.gebied_code
    FROM ran r
    JOIN stg_areas s ON (r.area_level = 'wijk' AND s.wijk_code = r.wijk_code)
                     OR (r.area_level = 'gebied' AND s.gebied_code = r.wijk_code)
                     OR r.area_level = 'stad'
),
-- A wijk with another agreement on the same thema (on the wijk or its gebied) that was active at any
-- time from 1 January of the year before the start to 31 December of the latest year is no
-- comparison: an agreement on one indicator moves the other indicators of its theme too. A city
-- agreement covers treated and comparison wijken alike and cancels out of the difference.
blocked AS (
    SELECT DISTINCT a.prestatie_id, c.wijk_code
    FROM agreements a
    JOIN ran b ON b.thema = a.thema AND b.prestatie_id <> a.prestatie_id AND b.area_level <> 'stad'
    JOIN covered c ON c.prestatie_id = b.prestatie_id
    WHERE (b.startdatum IS NULL OR b.startdatum <= make_date(a.last_year, 12, 31))
      AND (b.einddatum IS NULL OR b.einddatum >= make_date(a.pre_year, 1, 1))
),
treated AS (
    SELECT a.prestatie_id, a.area_level, c.wijk_code, c.wijktype, c.gebied_code
    FROM agreements a JOIN covered c USING (prestatie_id)
),
-- Comparison pools: for a wijk, the other wijken of its wijktype and, as the fallback, of its gebied;
-- for a gebied, the wijken outside it. The city has none.
pools AS (
    SELECT t.prestatie_id, 'wijktype' AS pool, s.wijk_code
    FROM treated t JOIN stg_areas s ON s.wijktype = t.wijktype AND s.wijk_code <> t.wijk_code
    WHERE t.area_level = 'wijk'
    UNION ALL
    SELECT t.prestatie_id, 'gebied', s.wijk_code
    FROM treated t JOIN stg_areas s ON s.gebied_code = t.gebied_code AND s.wijk_code <> t.wijk_code
    WHERE t.area_level = 'wijk'
    UNION ALL
    SELECT a.prestatie_id, 'andere_gebieden', s.wijk_code
    FROM agreements a JOIN stg_areas s ON s.gebied_code <> a.area_code
    WHERE a.area_level = 'gebied'
),
usable AS (
    SELECT p.prestatie_id, p.pool, c.wijk_code, c.score_pre, c.score_post, c.change, c.var_change
    FROM pools p
    JOIN changes c USING (prestatie_id, wijk_code)
    ANTI JOIN blocked b USING (prestatie_id, wijk_code)
),
chosen AS (  -- the wijktype when it has enough comparison wijken, else the gebied
    SELECT a.prestatie_id,
           CASE WHEN a.area_level = 'gebied' THEN 'andere_gebieden'
                WHEN (SELECT count(*) FROM usable u WHERE u.prestatie_id = a.prestatie_id AND u.pool = 'wijktype')
                     >= s.min_comparison THEN 'wijktype'
                ELSE 'gebied' END AS pool
    FROM agreements a CROSS JOIN settings s
    WHERE a.area_level <> 'stad'
)
SELECT c.prestatie_id, 'behandeld' AS role, CAST(NULL AS VARCHAR) AS comparison, c.wijk_code,
       c.score_pre, c.score_post, c.change, c.var_change
FROM treated t
JOIN changes c USING (prestatie_id, wijk_code)
UNION ALL
SELECT u.prestatie_id, 'vergelijking', u.pool, u.wijk_code, u.score_pre, u.score_post, u.change, u.var_change
FROM usable u
JOIN chosen USING (prestatie_id, pool)
ORDER BY prestatie_id, role, wijk_code
