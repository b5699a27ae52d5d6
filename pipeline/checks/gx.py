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


BATCH_ROWS = 1_000_000  # a table above this is validated on its distinct values: memory and time stay bounded
UNIQUE = ("ExpectColumnValuesToBeUnique", "ExpectCompoundColumnsToBeUnique")
# rules decided by each value alone (no 'mostly', no aggregate): only these may see distinct values
PER_VALUE = ("ExpectColumnValuesToNotBeNull", "ExpectColumnValuesToBeInSet", "ExpectColumnValuesToBeBetween",
             "ExpectColumnValuesToMatchRegex")
WEIGHT = "__rows"  # in a frame of distinct values: how many rows of the table hold that value


def validate(con, suite: Suite) -> tuple[bool, list[str], int]:
    """Run a suite on its query result: (success, Dutch failure lines, rows). A large table (a
    national police table does not fit in memory as a pandas frame, and GX takes seconds per
    million rows) is validated on what decides each rule, computed in DuckDB over every row:

    - a rule on one value of a row (not null, in a set, in a range, a pattern, a derived check
      column) sees each distinct value of its column once, with the number of rows that hold it;
      the unexpected count is the sum of those numbers, so it is the count of the whole table;
    - a uniqueness rule sees every row whose key occurs more than once (GROUP BY treats NULLs as
      equal, as pandas does); the rows with a key of their own cannot break it."""
    rows = con.execute(f"SELECT count(*) FROM ({suite.query})").fetchall()[0][0]
    if rows <= BATCH_ROWS:
        passed, failures = run_suite(con.sql(suite.query).df(), suite)
        return passed, failures, rows
    outcomes = []
    by_column: dict[str, list] = {}
    for name, kwargs in suite.expectations:
        if name in UNIQUE:
            continue
        if name not in PER_VALUE or "mostly" in kwargs:
            raise ValueError(f"{name} kan niet op de verschillende waarden van een grote tabel worden gecontroleerd")
        by_column.setdefault(kwargs["column"], []).append((name, kwargs))
    for column, expectations in by_column.items():
        frame = con.sql(f'SELECT "{column}", count(*) AS {WEIGHT} FROM ({suite.query}) GROUP BY "{column}"').df()
        outcomes.append(run_suite(frame, Suite(suite.asset, suite.description, suite.query, expectations), detail=True))
    for name, kwargs in (e for e in suite.expectations if e[0] in UNIQUE):
        columns = ", ".join(f'"{c}"' for c in (kwargs.get("column_list") or [kwargs["column"]]))
        frame = con.sql(f"SELECT {columns} FROM (SELECT {columns}, unnest(range(count(*))) FROM ({suite.query}) "
                        f"GROUP BY {columns} HAVING count(*) > 1)").df()
        outcomes.append(run_suite(frame, Suite(suite.asset, suite.description, suite.query, [(name, kwargs)]),
                                  detail=True))
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
    weighted = WEIGHT in frame.columns  # a frame of distinct values: count rows, not values
    result = batch.validate(gx_suite_, result_format="COMPLETE") if weighted else batch.validate(gx_suite_)
    failures = []
    for r in result.results:
        if not r.success:
            cfg = r.expectation_config
            column = cfg.kwargs.get("column") or cfg.kwargs.get("column_list")
            count, examples = r.result.get("unexpected_count", "?"), r.result.get("partial_unexpected_list", [])[:5]
            if weighted and "unexpected_index_list" in r.result:
                count = int(frame[WEIGHT].loc[list(r.result["unexpected_index_list"])].sum())
            failures.append((cfg.type, str(column), count, examples) if detail else
                            f"{cfg.type} op {column}: {count} afwijkende waarde(n), bv. {examples}")
    return result.success, failures
