-- The city index per gemeente and over the whole publication (is_total): the population-weighted
-- mean of the published wijk indices, with Var = sum P^2 Var(I) / (sum P)^2. One computation for
-- both marts: stad_index is the total rows, gemeente_index the gemeente rows. Years without any
-- published wijk have no row.
WITH published AS (
    SELECT w.jaar, w.inwoners, w."index", w.se, a.gemeente_code
    FROM wijk_index w
    JOIN stg_areas a USING (wijk_code)
    WHERE w."index" IS NOT NULL
),
city AS (
    SELECT grouping(gemeente_code) = 1 AS is_total, gemeente_code, jaar,
           sum(inwoners * "index") / sum(inwoners) AS city_index,
           sqrt(sum(pow(inwoners, 2) * pow(se, 2))) / sum(inwoners) AS city_se,
           count(*) AS wijken,
           CAST(sum(inwoners) AS BIGINT) AS inwoners
    FROM published
    GROUP BY GROUPING SETS ((gemeente_code, jaar), (jaar))
)
-- The change since the previous calendar year is judged like a wijk's (independence assumed;
-- the set of published wijken may differ between the years).
SELECT c.is_total, c.gemeente_code, g.gemeente_naam, c.jaar,
       c.city_index AS "index", c.city_se AS se,
       greatest(m.score_min, c.city_index - m.z * c.city_se) AS ci_laag,
       least(m.score_max, c.city_index + m.z * c.city_se) AS ci_hoog,
       c.wijken, c.inwoners,
       c.city_index - prev.city_index AS verschil,
       abs(verschil) > m.z * sqrt(pow(c.city_se, 2) + pow(prev.city_se, 2)) AS verschil_significant,
       CASE WHEN verschil IS NOT NULL
            THEN m.detectable_change_factor * sqrt(pow(c.city_se, 2) + pow(prev.city_se, 2)) END AS detecteerbaar_verschil,
       m.method_label AS methode
FROM city c
CROSS JOIN method_params m
LEFT JOIN int_gemeenten g ON NOT c.is_total AND g.gemeente_code IS NOT DISTINCT FROM c.gemeente_code
LEFT JOIN city prev ON prev.jaar = c.jaar - 1 AND prev.is_total = c.is_total
                   AND prev.gemeente_code IS NOT DISTINCT FROM c.gemeente_code
