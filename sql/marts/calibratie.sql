-- The frozen base-year calibration per indicator (mu, sigma, n), for the method page and audit:
-- one row per indicator over the publication, or per gemeente and indicator when the method
-- calibrates per gemeente (gemeente_code empty = over all wijken).
SELECT c.indicator, c.basisjaar, c.mu, c.sigma, c.n, i.theme AS thema, i.part AS deel, i.label,
       m.method_label AS methode, c.gemeente_code, g.gemeente_naam
FROM int_calibration c
JOIN method_indicators i USING (indicator)
CROSS JOIN method_params m
LEFT JOIN int_gemeenten g ON c.gemeente_code IS NOT NULL AND g.gemeente_code = c.gemeente_code
ORDER BY c.gemeente_code NULLS FIRST, i.indicator_order
