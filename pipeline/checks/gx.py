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


BATCH_ROWS = 1_000_000  # a table above this is validated in batches: memory stays bounded
UNIQUE = ("ExpectColumnValuesToBeUnique", "ExpectCompoundColumnsToBeUnique")


def validate(con, suite: Suite) -> tuple[bool, list[str], int]:
    """Run a suite on its query result: (success, Dutch failure lines, rows). A large table is
    fetched and validated in batches of BATCH_ROWS (a national police table does not fit in
    memory as a pandas frame); a uniqueness rule is validated on batches that split the rows by
    the hash of its key, so that two equal keys always meet in the same batch."""
    rows = con.execute(f"SELECT count(*) FROM ({suite.query})").fetchall()[0][0]
    if rows <= BATCH_ROWS:
        passed, failures = run_suite(con.sql(suite.query).df(), suite)
        return passed, failures, rows
    parts = -(-rows // BATCH_ROWS)
    outcomes = []
    others = Suite(suite.asset, suite.description, suite.query, [e for e in suite.expectations if e[0] not in UNIQUE])
    if others.expectations:
        cursor = con.cursor()  # DuckDB 2.0: a streaming result holds its connection until read to the end
        try:
            for batch in cursor.sql(suite.query).fetch_record_batch(BATCH_ROWS):
                outcomes.append(run_suite(batch.to_pandas(), others, detail=True))
        finally:
            cursor.close()
    for name, kwargs in (e for e in suite.expectations if e[0] in UNIQUE):
        key = kwargs.get("column_list") or [kwargs["column"]]
        columns = ", ".join(f'"{c}"' for c in key)
        single = Suite(suite.asset, suite.description, suite.query, [(name, kwargs)])
        for i in range(parts):
            frame = con.sql(f"SELECT {columns} FROM ({suite.query}) WHERE hash({columns}) % {parts} = {i}").df()
            outcomes.append(run_suite(frame, single, detail=True))
    return all(ok for ok, _ in outcomes), _merge([f for _, found in outcomes for f in found]), rows


def _merge(failures: list) -> list[str]:
    """One line per failing rule over all batches: the unexpected counts added, the first examples."""
    merged: dict[tuple, list] = {}
    for kind, column, count, examples in failures:
        entry = merged.setdefault((kind, column), [0, []])
        entry[0] += count if isinstance(count, int) else 0
        entry[1] = (entry[1] + list(examples))[:5]
    return [f"{kind} op {column}: {count} afwijkende waarde(n), bv. {examples}"
            for (kind, column), (count, examples) in merged.items()]


def run_suite(frame, suite: Suite, detail: bool = False) -> tuple[bool, list]:
    """Validate a pandas frame with GX 1.x; returns success and Dutch lines for failures (with
    detail: (rule, column, unexpected count, examples) tuples, for merging batches)."""
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
            count, examples = r.result.get("unexpected_count", "?"), r.result.get("partial_unexpected_list", [])[:5]
            failures.append((cfg.type, str(column), count, examples) if detail else
                            f"{cfg.type} op {column}: {count} afwijkende waarde(n), bv. {examples}")
    return result.success, failures
