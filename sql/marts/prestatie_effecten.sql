-- "Heeft de afspraak geholpen?" (docs/method.md): per agreement that ran, the change of its outcome
-- in its wijk (or the mean over its gebied's or the city's wijken) from the year before the start
-- year to the latest year with published scores, minus the mean change of the comparison wijken
-- (int_prestatie_effect_units): a difference-in-differences with its 95% interval and a verdict.
-- Var = sampling variance of the treated change (published se's)
--     + tau^2 (how much one wijk's change differs from the comparison mean beyond sampling noise:
--       s_c^2 minus the mean sampling variance of the comparison changes, at least 0)
--     + s_c^2 / k (the uncertainty of the comparison mean);
-- the interval uses Student's t with k - 1 degrees of freedom (method_t_quantiles).
WITH settings AS (
    SELECT d.min_comparison, d.min_years_after_start,
           (SELECT max(jaar) FROM int_wijk_years WHERE is_eligible) AS last_year
    FROM method_did_it_help d
),
agreements AS (
    SELECT p.prestatie_id, p.wijk_code, p.area_level, p.indicator, p.thema,
           CASE WHEN p.indicator IS NOT NULL THEN 'indicator' ELSE 'thema' END AS outcome_kind,
           coalesce(p.indicator, p.thema) AS outcome,
           year(p.startdatum) AS start_year,
           CASE p.area_level WHEN 'wijk' THEN a.wijk_naam WHEN 'gebied' THEN g.gebied_naam ELSE 'de stad' END AS area_name,
           CASE WHEN p.indicator IS NOT NULL THEN '‘' || i.label || '’' ELSE 'het thema ' || t.label END AS outcome_text
    FROM stg_prestaties p
    LEFT JOIN stg_areas a ON p.area_level = 'wijk' AND a.wijk_code = p.wijk_code
    LEFT JOIN (SELECT DISTINCT gebied_code, gebied_naam FROM stg_areas) g
           ON p.area_level = 'gebied' AND g.gebied_code = p.wijk_code
    LEFT JOIN method_indicators i ON i.indicator = p.indicator
    LEFT JOIN method_themes t ON t.theme = p.thema
    WHERE p.status NOT IN (SELECT status FROM method_did_it_help_not_run)
),
treated AS (
    SELECT prestatie_id, count(*) AS m, avg(change) AS change, sum(var_change) / pow(count(*), 2) AS var_change
    FROM int_prestatie_effect_units WHERE role = 'behandeld' GROUP BY prestatie_id
),
comparison AS (
    SELECT prestatie_id, any_value(comparison) AS pool, count(*) AS k, avg(change) AS change,
           var_samp(change) AS s2, avg(var_change) AS mean_var_change
    FROM int_prestatie_effect_units WHERE role = 'vergelijking' GROUP BY prestatie_id
),
judged AS (
    SELECT a.*, s.last_year, s.min_comparison, s.min_years_after_start,
           t.m, t.change AS treated_change,
           -- only where measured; no comparison row: the wijktype had too few, so the gebied was tried
           CASE WHEN t.m > 0 THEN CASE a.area_level WHEN 'wijk' THEN coalesce(c.pool, 'gebied')
                                                    WHEN 'gebied' THEN 'andere_gebieden' END END AS pool,
           CASE WHEN a.area_level <> 'stad' AND t.m > 0 THEN coalesce(c.k, 0) END AS k,
           CASE
               WHEN a.area_level = 'stad' THEN 'geen_vergelijking'
               WHEN a.start_year IS NULL OR s.last_year IS NULL THEN 'geen_gegevens'
               WHEN s.last_year < a.start_year + s.min_years_after_start THEN 'te_vroeg'
               WHEN t.m IS NULL THEN 'geen_gegevens'
               WHEN coalesce(c.k, 0) < s.min_comparison THEN 'geen_vergelijking'
           END AS early_verdict,
           c.change AS comparison_change,
           t.change - c.change AS did,
           sqrt(t.var_change + greatest(0, c.s2 - c.mean_var_change) + c.s2 / c.k) AS did_se,
           (SELECT arg_max(q.t, q.df) FROM method_t_quantiles q WHERE q.df <= c.k - 1) AS t_quantile
    FROM agreements a
    CROSS JOIN settings s
    LEFT JOIN treated t USING (prestatie_id)
    LEFT JOIN comparison c USING (prestatie_id)
),
verdicts AS (
    SELECT j.*,
           CASE WHEN early_verdict IS NULL THEN did END AS verschil,
           CASE WHEN early_verdict IS NULL THEN did_se END AS se,
           CASE WHEN early_verdict IS NULL THEN did - t_quantile * did_se END AS ci_laag,
           CASE WHEN early_verdict IS NULL THEN did + t_quantile * did_se END AS ci_hoog,
           coalesce(early_verdict, CASE WHEN ci_laag > 0 THEN 'beter' WHEN ci_hoog < 0 THEN 'slechter'
                                        ELSE 'niet_aantoonbaar' END) AS oordeel
    FROM judged j
),
-- Dutch numbers for the sentence: decimal comma, one decimal unless that would round a non-zero
-- value to 0 (then up to three), a sign where asked.
texts AS (
    SELECT v.*,
           list_transform([treated_change, comparison_change, verschil, abs(verschil), ci_laag, ci_hoog],
               lambda x: CASE WHEN x IS NOT NULL THEN replace(printf('%.' || (CASE WHEN x = 0 OR abs(round(x, 1)) >= 0.1 THEN 1
                       WHEN abs(round(x, 2)) >= 0.01 THEN 2 ELSE 3 END) || 'f',
                   round(x, CASE WHEN x = 0 OR abs(round(x, 1)) >= 0.1 THEN 1 WHEN abs(round(x, 2)) >= 0.01 THEN 2 ELSE 3 END)
                   + 0.0), '.', ',') END) AS nl,
           CASE WHEN pool = 'wijktype' THEN 'vergelijkbare ' ELSE '' END || CASE WHEN k = 1 THEN 'wijk' ELSE 'wijken' END
               || CASE pool WHEN 'wijktype' THEN ' (hetzelfde wijktype)' WHEN 'gebied' THEN ' in hetzelfde gebied'
                            ELSE ' buiten het gebied' END || ' zonder zo''n afspraak' AS pool_text,
           area_name || CASE WHEN area_level <> 'wijk' AND m IS NOT NULL
                             THEN ' (gemiddeld over ' || m || ' wijken)' ELSE '' END AS treated_text
    FROM verdicts v
),
signed AS (
    SELECT t.*,
           list_transform([1, 2, 3], lambda n: CASE WHEN nl[n] IS NOT NULL
               THEN CASE WHEN [treated_change, comparison_change, verschil][n] > 0 THEN '+' ELSE '' END
                    || nl[n] END) AS nl_signed
    FROM texts t
),
sentences AS (
    SELECT s.*,
           'Van ' || (start_year - 1) || ' tot ' || last_year || ' veranderde de score (hoger is veiliger) voor '
           || outcome_text || ' in ' || treated_text || ' met ' || nl_signed[1] || ' punt en in ' || k || ' '
           || pool_text || ' met ' || nl_signed[2] || ' punt' AS compared_text
    FROM signed s
)
SELECT
    prestatie_id, wijk_code, area_level AS niveau, outcome_kind AS uitkomst_soort, outcome AS uitkomst,
    start_year AS startjaar, start_year - 1 AS voorjaar, last_year AS laatste_jaar,
    treated_change AS verandering,
    CASE WHEN early_verdict IS NULL THEN comparison_change END AS verandering_vergelijking,
    k AS vergelijkingswijken, pool AS vergelijking_op,
    verschil, se, ci_laag, ci_hoog, oordeel,
    CASE
        WHEN oordeel IN ('beter', 'slechter') THEN
            compared_text || ': ' || nl[4] || ' punt ' || oordeel || ' (95%-interval ' || nl[5] || ' tot ' || nl[6]
            || '); dat is een samenhang, geen bewijs dat de afspraak het verschil maakte.'
        WHEN oordeel = 'niet_aantoonbaar' THEN
            compared_text || ': het verschil van ' || nl_signed[3] || ' punt is niet aantoonbaar (95%-interval '
            || nl[5] || ' tot ' || nl[6] || '); dat is een samenhang, geen bewijs voor of tegen de afspraak.'
        WHEN oordeel = 'te_vroeg' THEN
            'Te vroeg om te zeggen: de afspraak begon in ' || start_year || ' en het laatste jaar met gepubliceerde '
            || 'scores is ' || last_year || '; een oordeel vraagt minstens '
            || CASE min_years_after_start WHEN 1 THEN 'één volledig kalenderjaar'
                    ELSE min_years_after_start || ' volledige kalenderjaren' END || ' na het startjaar.'
        WHEN oordeel = 'geen_vergelijking' AND area_level = 'stad' THEN
            'Geen vergelijking mogelijk: een afspraak voor de hele stad laat geen wijken zonder de afspraak over '
            || 'om mee te vergelijken'
            || CASE WHEN treated_change IS NOT NULL
                    THEN '; de score (hoger is veiliger) voor ' || outcome_text || ' veranderde van ' || (start_year - 1)
                         || ' tot ' || last_year || ' in ' || treated_text || ' met ' || nl_signed[1] || ' punt'
                    ELSE '' END || '.'
        WHEN oordeel = 'geen_vergelijking' THEN
            'Geen vergelijking mogelijk: ' || CASE k WHEN 0 THEN 'geen' ELSE 'maar ' || k END || ' ' || pool_text
            || ' met een score in ' || (start_year - 1) || ' en ' || last_year || ' (minstens ' || min_comparison
            || ' nodig); de score (hoger is veiliger) voor ' || outcome_text || ' in ' || treated_text
            || ' veranderde met ' || nl_signed[1] || ' punt.'
        WHEN start_year IS NULL THEN 'Geen gegevens: de afspraak heeft geen startdatum.'
        WHEN last_year IS NULL THEN 'Geen gegevens: er zijn nog geen gepubliceerde scores.'
        ELSE 'Geen gegevens: voor ' || treated_text || ' is de score voor ' || outcome_text || ' niet in zowel '
             || (start_year - 1) || ' als ' || last_year || ' gepubliceerd.'
    END AS toelichting,
    m.method_label AS methode
FROM sentences
CROSS JOIN method_params m
ORDER BY prestatie_id
