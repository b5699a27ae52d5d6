-- The city index: population-weighted mean of the published wijk indices, with
-- Var = sum P^2 Var(I) / (sum P)^2. Years without any published wijk have no city index.
WITH city AS (
    SELECT jaar,
           sum(inwoners * "index") / sum(inwoners) AS city_index,
           sqrt(sum(pow(inwoners, 2) * pow(se, 2))) / sum(inwoners) AS city_se,
           count(*) AS wijken,
           CAST(sum(inwoners) AS BIGINT) AS inwoners
    FROM wijk_index
    WHERE "index" IS NOT NULL
    GROUP BY jaar
)
-- The change since the previous calendar year is judged like a wijk's (independence assumed;
-- the set of published wijken may differ between the years).
SELECT c.jaar, c.city_index AS "index", c.city_se AS se,
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
LEFT JOIN city prev ON prev.jaar = c.jaar - 1
ORDER BY c.jaar
