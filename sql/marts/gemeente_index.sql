-- The city index per gemeente: the gemeente rows of int_city_index, computed as stad_index is
-- (which is the total over all gemeenten of the publication).
SELECT gemeente_code, gemeente_naam, jaar, "index", se, ci_laag, ci_hoog, wijken, inwoners, verschil,
       verschil_significant, detecteerbaar_verschil, methode
FROM int_city_index
WHERE NOT is_total
ORDER BY gemeente_code, jaar
