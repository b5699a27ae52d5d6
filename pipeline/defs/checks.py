"""Blocking checks beside their assets: the calibration gate, the data checks that the model
contracts (sql/<layer>/<model>.yml) define, run by Great Expectations 1.x, and the row account.
Each records its outcome for the publication.

dagster-ge does not support GX 1.x, so each check runs GX itself on a pandas frame (GX takes no
polars frames and its SQL path fails on DuckDB 2.0). GX is imported inside the check: the import
costs seconds and must not slow down loading the definitions; its context is made once a process.
"""

from dataclasses import dataclass, field
from functools import lru_cache

import dagster as dg

from pipeline import core, sql_models
from pipeline.contracts import gx_suite
from pipeline.defs.resources import Warehouse


@dataclass(frozen=True)
class Suite:
    asset: str
    description: str  # Dutch: what the suite guarantees
    query: str  # the frame to validate, with derived columns where a rule spans columns
    expectations: list[tuple[str, dict]] = field(default_factory=list)  # (GX class name, kwargs)


def contract_suites(method: dict) -> list[Suite]:
    """A suite for every model whose contract has tests, generated from those tests."""
    suites = []
    for model in sql_models.discover_models().values():
        contract = model.contract
        if contract and contract.tests:
            query, expectations = gx_suite(contract, method)
            suites.append(Suite(model.name, contract.meta.get("check") or contract.description, query, expectations))
    return suites


@lru_cache(maxsize=1)
def _gx_context():
    import great_expectations as gx  # slow import: only when a check runs
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no bars in run logs
    return context, context.data_sources.add_pandas("duckdb_frames")


def run_suite(frame, suite: Suite) -> tuple[bool, list[str]]:
    """Validate a pandas frame with GX 1.x; returns success and Dutch lines for failures."""
    import great_expectations as gx

    _, source = _gx_context()
    try:
        asset = source.get_asset(suite.asset)
    except LookupError:
        asset = source.add_dataframe_asset(suite.asset)
    try:
        definition = asset.get_batch_definition("volledig")
    except KeyError:
        definition = asset.add_batch_definition_whole_dataframe("volledig")
    batch = definition.get_batch(batch_parameters={"dataframe": frame})
    gx_suite_ = gx.ExpectationSuite(name=f"{suite.asset}_suite")
    for name, kwargs in suite.expectations:
        gx_suite_.add_expectation(getattr(gx.expectations, name)(**kwargs))
    result = batch.validate(gx_suite_)
    failures = []
    for r in result.results:
        if not r.success:
            cfg = r.expectation_config
            column = cfg.kwargs.get("column") or cfg.kwargs.get("column_list")
            failures.append(f"{cfg.type} op {column}: {r.result.get('unexpected_count', '?')} afwijkende "
                            f"waarde(n), bv. {r.result.get('partial_unexpected_list', [])[:5]}")
    return result.success, failures


def build_gx_check(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=suite.asset, name=f"gx_{suite.asset}", blocking=True, description=suite.description)
    def _check(context: dg.AssetCheckExecutionContext, duckdb: Warehouse) -> dg.AssetCheckResult:
        with duckdb.get_connection() as con:
            frame = con.sql(suite.query).df()
            passed, failures = run_suite(frame, suite)
            details = "; ".join(failures) if failures else f"{len(suite.expectations)} verwachtingen, {len(frame)} rijen"
            core.record_check(con, f"gx_{suite.asset}", suite.asset, passed, details, context.run.run_id)
        return dg.AssetCheckResult(passed=passed, severity=dg.AssetCheckSeverity.ERROR,
                                   description=details, metadata={"rijen": len(frame)})
    return _check


@dg.asset_check(asset="int_file_account", blocking=True,
                description="Elke ingelezen rij is gebruikt of staat in quarantaine (per bestand).")
def rows_accounted_for(context: dg.AssetCheckExecutionContext, duckdb: Warehouse) -> dg.AssetCheckResult:
    return _core_check(context, duckdb, "rows_accounted_for", "int_file_account", core.account_check)


@dg.asset_check(asset="int_calibration", blocking=True,
                description="Kalibratiepoort (METHOD.md): een basisjaar, per indicator minstens 3 waarden en "
                            "sigma > 0; anders stopt de run voordat er een score wordt berekend.")
def calibration_gate(context: dg.AssetCheckExecutionContext, duckdb: Warehouse) -> dg.AssetCheckResult:
    return _core_check(context, duckdb, "calibration_gate", "int_calibration", core.calibration_gate)


def _core_check(context, duckdb: Warehouse, name: str, asset: str, check) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        passed, details = check(con)
        core.record_check(con, name, asset, passed, details, context.run.run_id)
    return dg.AssetCheckResult(passed=passed, severity=dg.AssetCheckSeverity.ERROR, description=details)


def build_checks(method: dict) -> list[dg.AssetChecksDefinition]:
    return [calibration_gate, *(build_gx_check(s) for s in contract_suites(method)), rows_accounted_for]
