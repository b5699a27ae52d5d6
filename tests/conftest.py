"""Shared fixtures: run the real Dagster assets on a raw folder into a temporary marts folder."""

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipeline.defs.assets import all_assets
from pipeline.defs.checks import all_checks
from pipeline.defs.resources import build_resources

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLDEN_RAW = SHARED / "golden" / "raw"
GOLDEN_EXPECTED = SHARED / "golden" / "expected"


class Run:
    """The outcome of one materialisation: success, marts folder and the DuckDB for queries."""

    def __init__(self, result: dg.ExecuteInProcessResult, marts: Path):
        self.result = result
        self.marts = marts
        self.database = marts / "veiligheidsindex.duckdb"

    @property
    def success(self) -> bool:
        return self.result.success

    def mart(self, name: str) -> pl.DataFrame:
        return pl.read_parquet(self.marts / f"{name}.parquet")

    def sql(self, query: str, params=None) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.execute(query, params or []).fetchall()

    def failure_messages(self) -> str:
        from pipeline.cli import _failure_message
        return _failure_message(self.result)


def materialize(raw: Path, marts: Path, base_year: int | None = None, checks: bool = True) -> Run:
    """Materialise every asset (and, by default, every check) on a temporary database."""
    result = dg.materialize(
        [*all_assets, *(all_checks if checks else [])],
        resources=build_resources(raw, marts, base_year),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
    )
    return Run(result, marts)


@pytest.fixture(scope="session")
def golden_run(tmp_path_factory) -> Run:
    assert GOLDEN_RAW.is_dir(), f"golden data ontbreekt: {GOLDEN_RAW} (clone naast ../shared)"
    run = materialize(GOLDEN_RAW, tmp_path_factory.mktemp("golden") / "marts")
    assert run.success, run.failure_messages()
    return run
