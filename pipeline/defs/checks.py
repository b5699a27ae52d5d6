"""Blocking checks beside their assets (pipeline/checks does the work): the calibration gate on
int_calibration, the data checks that the model contracts (sql/<layer>/<model>.yml) define, run by
Great Expectations 1.x, and the row account on int_file_account."""

import dagster as dg

from pipeline.checks import absent_codes_check, account_check, calibration_gate, record_check, vocabulary_shift_check
from pipeline.checks.gx import Suite, contract_suites, validate
from pipeline.core import GATES
from pipeline.defs.resources import Warehouse


def build_gx_check(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=suite.asset, name=f"gx_{suite.asset}", blocking=True, description=suite.description)
    def _check(context: dg.AssetCheckExecutionContext, duckdb: Warehouse) -> dg.AssetCheckResult:
        with duckdb.get_connection() as con:
            passed, failures, rows = validate(con, suite)
            details = "; ".join(failures) if failures else f"{len(suite.expectations)} verwachtingen, {rows} rijen"
            record_check(con, f"gx_{suite.asset}", suite.asset, passed, details, context.run.run_id)
        return dg.AssetCheckResult(passed=passed, severity=dg.AssetCheckSeverity.ERROR,
                                   description=details, metadata={"rijen": rows})
    return _check


@dg.asset_check(asset="int_file_account", blocking=True,
                description="Elke ingelezen rij is gebruikt of staat in quarantaine (per bestand).")
def rows_accounted_for(context: dg.AssetCheckExecutionContext, duckdb: Warehouse) -> dg.AssetCheckResult:
    return _recorded(context, duckdb, "rows_accounted_for", "int_file_account", account_check)


@dg.asset_check(asset="int_calibration", name="calibration_gate", blocking=True,
                additional_deps=list(GATES["int_calibration"][1]),
                description="Kalibratiepoort (METHOD.md): een basisjaar, per indicator minstens 3 waarden en "
                            "sigma > 0; anders stopt de run voordat er een score wordt berekend.")
def calibration_gate_check(context: dg.AssetCheckExecutionContext, duckdb: Warehouse) -> dg.AssetCheckResult:
    return _recorded(context, duckdb, "calibration_gate", "int_calibration", calibration_gate)


@dg.asset_check(asset="int_police_absent_codes", name="absent_police_codes",
                description="Waarschuwing (INPUTS.md): elke misdrijfcode van de methode zonder één buurtrij in een "
                            "politiejaar telt als 0, maar wordt per jaar genoemd (een gefilterde download valt op).")
def absent_police_codes(context: dg.AssetCheckExecutionContext, duckdb: Warehouse) -> dg.AssetCheckResult:
    return _recorded(context, duckdb, "absent_police_codes", "int_police_absent_codes", absent_codes_check,
                     warning=True)


@dg.asset_check(asset="int_meldingen_outside", name="meldingen_vocabulary_shift",
                description="Waarschuwing (INPUTS.md): het aandeel meldingen buiten de vocabulaire verandert van "
                            "jaar op jaar meer dan de methode toestaat (standaard 5 procentpunt).")
def meldingen_vocabulary_shift(context: dg.AssetCheckExecutionContext, duckdb: Warehouse) -> dg.AssetCheckResult:
    return _recorded(context, duckdb, "meldingen_vocabulary_shift", "int_meldingen_outside", vocabulary_shift_check,
                     warning=True)


def _recorded(context, duckdb: Warehouse, name: str, asset: str, check, warning: bool = False) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        passed, details = check(con)
        record_check(con, name, asset, passed, details, context.run.run_id,
                     severity="waarschuwing" if warning else "fout")
    if warning and not passed:
        context.log.warning(details)  # in the run log, not only on the check
    return dg.AssetCheckResult(passed=passed, description=details,
                               severity=dg.AssetCheckSeverity.WARN if warning else dg.AssetCheckSeverity.ERROR)


def build_checks(method: dict) -> list[dg.AssetChecksDefinition]:
    return [calibration_gate_check, *(build_gx_check(s) for s in contract_suites(method)), rows_accounted_for,
            absent_police_codes, meldingen_vocabulary_shift]
