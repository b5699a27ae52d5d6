-- Every published wijk-year under each variant of [[sensitivity]] (int_sensitivity_index): its index,
-- category (the same cut-offs) and rank beside the official ones, and per wijk-year the verdict:
-- 'robuust' when no weighting variant puts the wijk in another category, else
-- 'hangt_af_van_de_weging'. The separate indexes measure something else and decide nothing.
WITH published AS (
    SELECT wijk_code, jaar, "index", categorie FROM wijk_index WHERE "index" IS NOT NULL
),
variants AS (
    SELECT p.wijk_code, p.jaar, v.variant, v.variant_order, v.kind, i."index",
           p."index" AS official_index, p.categorie AS official_category
    FROM published p
    CROSS JOIN method_sensitivity v
    LEFT JOIN int_sensitivity_index i ON i.wijk_code = p.wijk_code AND i.jaar = p.jaar AND i.variant = v.variant
),
ranked AS (
    SELECT x.*, c.category AS categorie,
           -- 1 = the highest index (the safest), as the ranking of the Stad page; ties share a rank
           CASE WHEN x."index" IS NOT NULL THEN rank() OVER (PARTITION BY x.jaar, x.variant ORDER BY x."index" DESC NULLS LAST) END AS rang,
           rank() OVER (PARTITION BY x.jaar, x.variant ORDER BY x.official_index DESC) AS official_rank,
           c.category <> x.official_category AS other_category
    FROM variants x
    LEFT JOIN method_categories c ON x."index" >= c.lower AND x."index" < c.upper
)
SELECT
    r.wijk_code, r.jaar, r.variant, r."index", r.categorie, r.rang,
    r.official_index AS officiele_index, r.official_category AS officiele_categorie, r.official_rank AS officiele_rang,
    r.other_category AS andere_categorie,
    CASE WHEN coalesce(bool_or(r.other_category) FILTER (WHERE r.kind = 'weighting')
                       OVER (PARTITION BY r.wijk_code, r.jaar), false)
         THEN 'hangt_af_van_de_weging' ELSE 'robuust' END AS oordeel,
    m.method_label AS methode
FROM ranked r
CROSS JOIN method_params m
ORDER BY r.wijk_code, r.jaar, r.variant_order
