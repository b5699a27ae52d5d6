-- Per year and variant of [[sensitivity]]: Spearman's rank correlation of the variant's index with the
-- official index over the wijken published that year (the Pearson correlation of their ranks, ties
-- given their mean rank), and how many of those wijken land in another category.
WITH ranks AS (
    SELECT g.jaar, g.variant, g.andere_categorie,
           rank() OVER (PARTITION BY g.jaar, g.variant ORDER BY g."index")
               + (count(*) OVER (PARTITION BY g.jaar, g.variant, g."index") - 1) / 2.0 AS variant_rank,
           rank() OVER (PARTITION BY g.jaar, g.variant ORDER BY g.officiele_index)
               + (count(*) OVER (PARTITION BY g.jaar, g.variant, g.officiele_index) - 1) / 2.0 AS official_rank
    FROM gevoeligheid_wijk g
    WHERE g."index" IS NOT NULL
)
SELECT
    r.jaar, r.variant, v.label AS variant_label, v.kind = 'weighting' AS telt_voor_oordeel,
    -- clamped: rounding may put a perfect correlation a hair above 1
    least(1, greatest(-1, corr(r.variant_rank, r.official_rank))) AS rangcorrelatie,
    count(*) AS wijken,
    count(*) FILTER (WHERE r.andere_categorie) AS wijken_andere_categorie,
    m.method_label AS methode
FROM ranks r
JOIN method_sensitivity v USING (variant)
CROSS JOIN method_params m
GROUP BY r.jaar, r.variant, v.label, v.kind, v.variant_order, m.method_label
ORDER BY r.jaar, v.variant_order
