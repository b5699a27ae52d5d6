-- Index per gebied and per wijktype, weighted like the city index, so a wijk can be shown
-- beside its gebied and beside wijken of the same type.
WITH grouped AS (
    SELECT 'gebied' AS groep_soort, gebied_code AS groep_code, any_value(gebied_naam) AS groep_naam, jaar,
           sum(inwoners * "index") / sum(inwoners) AS "index",
           sqrt(sum(pow(inwoners, 2) * pow(se, 2))) / sum(inwoners) AS se,
           count(*) AS wijken, CAST(sum(inwoners) AS BIGINT) AS inwoners
    FROM wijk_index WHERE "index" IS NOT NULL GROUP BY gebied_code, jaar
    UNION ALL
    SELECT 'wijktype', wijktype, wijktype, jaar,
           sum(inwoners * "index") / sum(inwoners),
           sqrt(sum(pow(inwoners, 2) * pow(se, 2))) / sum(inwoners),
           count(*), CAST(sum(inwoners) AS BIGINT)
    FROM wijk_index WHERE "index" IS NOT NULL GROUP BY wijktype, jaar
)
SELECT g.*, greatest(m.score_min, g."index" - m.z * g.se) AS ci_laag,
       least(m.score_max, g."index" + m.z * g.se) AS ci_hoog, m.method_label AS methode
FROM grouped g CROSS JOIN method_params m
ORDER BY groep_soort, groep_code, jaar
