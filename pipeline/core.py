"""The pipeline's steps as plain functions on a DuckDB connection: the one core.

Each Dagster asset and check (pipeline/defs) is one of these steps; the CLI and the benchmarks run
that Dagster job; scenario tests run the same steps in the same order in process (`run_steps`),
with the same calibration gate. Nothing here knows about Dagster.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.models import runner
from pipeline.publish import locking
from pipeline.ingest.files import load_source, record_published_files, write_files
from pipeline.method import load_method, method_tables
from pipeline.checks import calibration_gate
from pipeline.publish.publication import publish_marts
from pipeline.ingest.sources import SOURCES, Source

RUN_STATE_DDL = ("CREATE TABLE IF NOT EXISTS run_state (run_id VARCHAR, raw_dir VARCHAR, "
                 "started_at TIMESTAMP, status VARCHAR, publicatie_id VARCHAR)")


class StepFailed(Exception):
    """A step that cannot go on; the message (Dutch) says why and what to do."""


WAREHOUSE_ATTEMPTS = 3  # a lock held by another process is retried briefly, then reported


def open_warehouse(path: Path, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Connect to the analysts' DuckDB file; a file another process holds open fails in seconds
    with a Dutch message naming the file, created readable by its owner only (respondent rows)."""
    import time

    path.parent.mkdir(parents=True, exist_ok=True)
    config = {**warehouse_limits(path), **(config or {})}
    for attempt in range(WAREHOUSE_ATTEMPTS):
        previous = os.umask(0o077)  # a new database file (and its WAL) is born owner-only
        try:
            return duckdb.connect(str(path), config=config)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise StepFailed(f"De database {path} kan niet worden geopend: {exc}") from None
            if attempt + 1 == WAREHOUSE_ATTEMPTS:
                raise StepFailed(
                    f"De database {path} is in gebruik door een ander programma (bijvoorbeeld een analist met "
                    "DuckDB of DBeaver open, of een andere run). Sluit die verbinding en start de run opnieuw; "
                    "de vorige publicatie is ongewijzigd.") from None
            time.sleep(0.5 * (attempt + 1))
        finally:
            os.umask(previous)
    raise AssertionError("unreachable")


def warehouse_limits(path: Path) -> dict:
    """DuckDB spills to a temp folder beside the database instead of growing without bound
    (national inputs); VI_DUCKDB_MEMORY sets the limit (default 3GB: with the Python side the run
    stays under the 6 GB target of bench-national)."""
    return {"memory_limit": os.environ.get("VI_DUCKDB_MEMORY", "3GB"),
            "temp_directory": str(path.with_name(path.name + ".tmp"))}


def restrict(path: Path) -> None:
    """Owner-only access for the database and its write-ahead log."""
    for candidate in (path, path.with_name(path.name + ".wal")):
        try:
            os.chmod(candidate, 0o600)
        except FileNotFoundError:
            pass


@dataclass(frozen=True)
class RunSpec:
    """What one run reads and writes: the configuration of the settings resource, as values."""

    raw_path: Path
    marts_path: Path | None  # None: an in-memory scenario (tests) that publishes nothing
    method: str
    base_year: int | None = None
    database: Path | None = None  # the analysts' DuckDB file; locked to this run like the marts folder

    def method_config(self) -> dict:
        return load_method(self.method)


def start_run(con: duckdb.DuckDBPyConnection, run: RunSpec, run_id: str) -> dict:
    """Take the marts folder's run lock for this process and load the method as tables.

    The lock stays held until `finish_run` or the end of the process (a Dagster run worker ends
    with its run; in-process callers use `run_lock` around the whole run)."""
    took_marts = False
    try:
        if run.marts_path is not None:
            took_marts = locking.acquire(run.marts_path)
        if run.database is not None:
            locking.acquire_database(run.database)
    except locking.RunLocked as exc:
        if took_marts:  # never a lock that an outer run_lock holds
            locking.release(run.marts_path)
        raise StepFailed(str(exc)) from None
    try:
        method = run.method_config()
    except Exception as exc:  # MethodError: an unknown version or an inconsistent config
        raise StepFailed(str(exc)) from None
    # The warehouse tables are rebuilt step by step; run_state tells analysts whether what they
    # see belongs to a completed publication or to a run that is busy or stopped.
    con.execute(RUN_STATE_DDL)
    con.execute("INSERT INTO run_state VALUES (?, ?, now()::TIMESTAMP, 'bezig of gestopt', NULL)",
                [run_id, str(run.raw_path)])
    for name, frame in method_tables(method, run.base_year).items():
        con.register("incoming", frame)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM incoming")
        con.unregister("incoming")
    return method


def ingest_source(con: duckdb.DuckDBPyConnection, raw_path: Path, source: Source):
    """Read every file of one source into raw_<source> and raw_files (RawFileError if unreadable):
    (rows read, file infos, the raw_files rows)."""
    rows, infos = load_source(con, raw_path, source)
    files = write_files(con, raw_path, source, infos)
    return rows, infos, files


def build_model(con: duckdb.DuckDBPyConnection, model: runner.SqlModel) -> int:
    try:
        return runner.build_model(con, model)
    except duckdb.IOException as exc:  # the warehouse's disk is full or cannot be written
        raise StepFailed(f"Model {model.name} kon niet in de database worden geschreven "
                         f"({locking.failure_reason(exc)}). Maak ruimte en start de run opnieuw; de vorige "
                         "publicatie is ongewijzigd.") from None


def publish(con: duckdb.DuckDBPyConnection, run: RunSpec, run_id: str) -> dict:
    """Write the publication atomically, remember the files it reflects, mark the run done."""
    info = publish_marts(con, run, run_id=run_id)
    record_published_files(con, run.raw_path)
    con.execute("UPDATE run_state SET status = 'gepubliceerd', publicatie_id = ? WHERE run_id = ?",
                [info["publicatie_id"], run_id])
    finish_run(run)
    return info


def finish_run(run: RunSpec) -> None:
    for path in (run.marts_path, run.database):
        if path is not None:
            locking.release(path)


# Checks that gate a model: the step after which they run, and the models they read besides it
# (built first; in Dagster the check's additional_deps). The data checks (GX) run in Dagster
# only; scenario tests that need them materialise through Dagster.
GATES = {"int_calibration": (calibration_gate, ("int_police_absent_codes", "int_wijk_years"))}


def run_steps(con: duckdb.DuckDBPyConnection, run: RunSpec, run_id: str = "in-process",
              upto: str | None = None) -> duckdb.DuckDBPyConnection:
    """Every step in dependency order, in this process: method, sources, models with their gates.
    Stops after model `upto` when given; raises StepFailed where the job would stop."""
    try:
        start_run(con, run, run_id)
        for source in SOURCES:
            ingest_source(con, run.raw_path, source)
        models = {m.name: m for m in runner.ordered_models()}
        built: set[str] = set()
        for model in models.values():
            if model.name not in built:
                build_model(con, model)
                built.add(model.name)
            if model.name in GATES:
                gate, reads = GATES[model.name]
                for name in reads:  # their own deps come before the gated model (runner order)
                    if name not in built:
                        build_model(con, models[name])
                        built.add(name)
                passed, details = gate(con)
                if not passed:
                    raise StepFailed(details)
            if model.name == upto:
                break
    finally:
        finish_run(run)
    return con
