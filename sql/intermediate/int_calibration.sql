-- Base-year calibration per indicator: mean and sample standard deviation of y over the
-- eligible wijken of the base year that have a value. Frozen for every other year.
SELECT i.indicator, b.basisjaar,
       avg(v.y) AS mu, stddev_samp(v.y) AS sigma, count(v.y) AS n
FROM method_indicators i
CROSS JOIN int_base_year b
LEFT JOIN (
    SELECT v.indicator, v.y
    FROM int_indicator_values v
    JOIN int_wijk_years w USING (wijk_code, jaar)
    WHERE w.is_eligible AND v.jaar = (SELECT basisjaar FROM int_base_year) AND v.y IS NOT NULL
) v USING (indicator)
GROUP BY ALL
