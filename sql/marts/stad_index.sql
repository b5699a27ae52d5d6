-- The city index over every wijk of the publication: the total rows of int_city_index (whose
-- gemeente rows are gemeente_index), so both marts share one computation.
SELECT jaar, "index", se, ci_laag, ci_hoog, wijken, inwoners, verschil, verschil_significant,
       detecteerbaar_verschil, methode
FROM int_city_index
WHERE is_total
ORDER BY jaar
