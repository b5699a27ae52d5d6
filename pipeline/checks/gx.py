"""Data checks from the model contracts, run by Great Expectations 1.x on pandas frames.

dagster-ge does not support GX 1.x, and GX takes no polars frames and its SQL path fails on DuckDB
2.0, so the check's query result goes to GX as a pandas frame. GX is imported only when a check
runs (the import costs seconds) and its context is made once a process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.models import runner
from pipeline.models.contracts import gx_suite


@dataclass(frozen=True)
class Suite:
    asset: str
    description: str  # Dutch: what the suite guarantees
    query: str  # the frame to validate, with derived columns where a rule spans columns
    expectations: list[tuple[str, dict]] = field(default_factory=list)  # (GX class name, kwargs)


def contract_suites(method: dict) -> list[Suite]:
    """A suite for every model whose contract has tests, generated from those tests."""
    suites = []
    for model in runner.discover_models().values():
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
