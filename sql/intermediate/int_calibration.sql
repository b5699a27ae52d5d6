-- Base-year calibration per indicator: mean and sample standard deviation of y over the
-- eligible wijken of the base year that have a value. Frozen for every other year.
-- The method's [calibration] scope decides over which wijken: one group of all wijken of the
-- publication (gemeente_code NULL), or each gemeente over its own wijken (int_wijk_years'
-- calibration_gemeente). Every group gets a row per indicator, also without values (the gate stops it).
WITH calibration_groups AS (
    SELECT DISTINCT calibration_gemeente AS gemeente_code FROM int_wijk_years
    -- over the publication there is always the one group, even without a single wijk-year
    UNION SELECT NULL FROM method_params WHERE calibration_scope <> 'gemeente'
),
base_values AS (
    SELECT w.calibration_gemeente AS gemeente_code, v.indicator, v.y
    FROM int_indicator_values v
    JOIN int_wijk_years w USING (wijk_code, jaar)
    WHERE w.is_eligible AND v.jaar = (SELECT basisjaar FROM int_base_year) AND v.y IS NOT NULL
)
SELECT g.gemeente_code, i.indicator, b.basisjaar,
       avg(v.y) AS mu, stddev_samp(v.y) AS sigma, count(v.y) AS n
FROM calibration_groups g
CROSS JOIN method_indicators i
CROSS JOIN int_base_year b
LEFT JOIN base_values v ON v.indicator = i.indicator AND v.gemeente_code IS NOT DISTINCT FROM g.gemeente_code
GROUP BY ALL
