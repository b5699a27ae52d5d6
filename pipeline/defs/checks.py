"""Blocking checks beside their assets (pipeline/checks does the work): the calibration gate on
int_calibration, the data checks that the model contracts (sql/<layer>/<model>.yml) define, run by
Great Expectations 1.x, and the row account on int_file_account."""

import dagster as dg

from pipeline.checks import account_check, calibration_gate, record_check
from pipeline.checks.gx import Suite, contract_suites, run_suite
from pipeline.defs.resources import Warehouse


def build_gx_check(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=suite.asset, name=f"gx_{suite.asset}", blocking=True, description=suite.description)
    def _check(context: dg.AssetCheckExecutionContext, duckdb: Warehouse) -> dg.AssetCheckResult:
        with duckdb.get_connection() as con:
            frame = con.sql(suite.query).df()
            passed, failures = run_suite(frame, suite)
            details = "; ".join(failures) if failures else f"{len(suite.expectations)} verwachtingen, {len(frame)} rijen"
            record_check(con, f"gx_{suite.asset}", suite.asset, passed, details, context.run.run_id)
        return dg.AssetCheckResult(passed=passed, severity=dg.AssetCheckSeverity.ERROR,
                                   description=details, metadata={"rijen": len(frame)})
    return _check


@dg.asset_check(asset="int_file_account", blocking=True,
                description="Elke ingelezen rij is gebruikt of staat in quarantaine (per bestand).")
def rows_accounted_for(context: dg.AssetCheckExecutionContext, duckdb: Warehouse) -> dg.AssetCheckResult:
    return _recorded(context, duckdb, "rows_accounted_for", "int_file_account", account_check)


@dg.asset_check(asset="int_calibration", name="calibration_gate", blocking=True,
                description="Kalibratiepoort (METHOD.md): een basisjaar, per indicator minstens 3 waarden en "
                            "sigma > 0; anders stopt de run voordat er een score wordt berekend.")
def calibration_gate_check(context: dg.AssetCheckExecutionContext, duckdb: Warehouse) -> dg.AssetCheckResult:
    return _recorded(context, duckdb, "calibration_gate", "int_calibration", calibration_gate)


def _recorded(context, duckdb: Warehouse, name: str, asset: str, check) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        passed, details = check(con)
        record_check(con, name, asset, passed, details, context.run.run_id)
    return dg.AssetCheckResult(passed=passed, severity=dg.AssetCheckSeverity.ERROR, description=details)


def build_checks(method: dict) -> list[dg.AssetChecksDefinition]:
    return [calibration_gate_check, *(build_gx_check(s) for s in contract_suites(method)), rows_accounted_for]
