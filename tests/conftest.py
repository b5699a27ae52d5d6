"""Shared fixtures: run the real Dagster assets on a raw folder into a temporary marts folder."""

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipeline.definitions import defs
from pipeline.method import DEFAULT_METHOD
from pipeline.defs.resources import default_database, run_config

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLDEN_RAW = SHARED / "golden" / "raw"
GOLDEN_EXPECTED = SHARED / "golden" / "expected"  # method v1
GOLDEN_EXPECTED_V2 = SHARED / "golden" / "expected_v2"


class Run:
    """The outcome of one materialisation: success, marts folder and the DuckDB for queries."""

    def __init__(self, result: dg.ExecuteInProcessResult, marts: Path):
        self.result = result
        self.marts = marts
        self.database = default_database(marts)

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


def materialize(raw: Path, marts: Path, base_year: int | None = None, checks: bool = True,
                method: str | None = None) -> Run:
    """Materialise the project's assets and checks (the Dagster definitions) on a temporary
    database. checks=False leaves out the GX data checks, never the calibration gate."""
    definitions = defs()
    selected = [c for c in definitions.asset_checks
                if checks or not any(spec.name.startswith("gx_") for spec in c.check_specs)]
    result = dg.materialize(
        [*definitions.assets, *selected],
        resources=definitions.resources,
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        run_config={**run_config(raw, marts, method, base_year),
                    "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
    )
    return Run(result, marts)


@pytest.fixture(scope="session")
def golden_run(tmp_path_factory) -> Run:
    """The golden raw folder with the default method (v2)."""
    assert GOLDEN_RAW.is_dir(), f"golden data ontbreekt: {GOLDEN_RAW} (clone naast ../shared)"
    run = materialize(GOLDEN_RAW, tmp_path_factory.mktemp("golden") / "marts")
    assert run.success, run.failure_messages()
    return run


@pytest.fixture(scope="session")
def golden_run_v1(tmp_path_factory) -> Run:
    """The golden raw folder with method v1, through the CLI: `veiligheidsindex run --method v1`."""
    from pipeline.cli import main

    marts = tmp_path_factory.mktemp("golden_v1") / "marts"
    assert main(["run", "--raw", str(GOLDEN_RAW), "--marts", str(marts), "--method", "v1"]) == 0
    return Run(None, marts)


def build_database(raw: Path, base_year: int | None = None, con: duckdb.DuckDBPyConnection | None = None,
                   upto: str | None = None, method: str | None = None) -> duckdb.DuckDBPyConnection:
    """The job's steps (pipeline/core.py, with the calibration gate) in process and in memory,
    without Dagster and without publishing: fast enough for many small scenarios. Stops after
    model `upto` when given; raises core.StepFailed where the job would stop."""
    from pipeline import core
    from pipeline.ingest.files import record_published_files

    con = con or duckdb.connect()
    core.run_steps(con, core.RunSpec(raw.resolve(), None, method or DEFAULT_METHOD, base_year), upto=upto)
    if upto is None:
        record_published_files(con, raw)  # as the publication step does: revisions count from here
    return con


class RawFolder:
    """A copy of the golden raw folder to make one quirk in."""

    def __init__(self, root: Path):
        import shutil
        shutil.copytree(GOLDEN_RAW, root)
        self.root = root

    def path(self, relative: str) -> Path:
        return self.root / relative

    def lines(self, relative: str) -> list[str]:
        return self.path(relative).read_text(encoding="utf-8").splitlines()

    def write(self, relative: str, lines: list[str] | str, encoding: str = "utf-8", newline: str = "\n") -> Path:
        p = self.path(relative)
        p.parent.mkdir(parents=True, exist_ok=True)
        text = lines if isinstance(lines, str) else newline.join(lines) + newline
        p.write_bytes(text.encode(encoding))
        return p

    def append(self, relative: str, *rows: str) -> None:
        self.write(relative, self.lines(relative) + list(rows))

    def edit(self, relative: str, func) -> None:
        """Replace the data rows (not the header) with func(rows)."""
        lines = self.lines(relative)
        self.write(relative, [lines[0], *func(lines[1:])])


@pytest.fixture
def raw(tmp_path) -> RawFolder:
    return RawFolder(tmp_path / "raw")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Run:
    """The full demo data set (about a million meldingen) through the real pipeline."""
    from pipeline.demo.generator import generate

    root = tmp_path_factory.mktemp("demo")
    generate(root / "raw")
    run = materialize(root / "raw", root / "marts")
    assert run.success, run.failure_messages()
    return run
