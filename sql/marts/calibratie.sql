-- The frozen base-year calibration per indicator (mu, sigma, n), for the method page and audit.
SELECT c.indicator, c.basisjaar, c.mu, c.sigma, c.n, i.theme AS thema, i.part AS deel, i.label,
       m.method_label AS methode
FROM int_calibration c
JOIN method_indicators i USING (indicator)
CROSS JOIN method_params m
ORDER BY i.indicator_order
