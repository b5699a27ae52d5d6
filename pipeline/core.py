"""The pipeline's steps as plain functions on a DuckDB connection: the one core.

Each Dagster asset and check (pipeline/defs) is one of these steps; the CLI and the benchmarks run
that Dagster job; scenario tests run the same steps in the same order in process (`run_steps`),
with the same calibration gate. Nothing here knows about Dagster.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from pipeline import locking, sql_models
from pipeline.ingest import read_source, record_published_files, write_source
from pipeline.method import load_method, method_tables
from pipeline.publish import CHECK_RESULTS_DDL, publish_marts
from pipeline.sources import SOURCES, Source

RUN_STATE_DDL = ("CREATE TABLE IF NOT EXISTS run_state (run_id VARCHAR, raw_dir VARCHAR, "
                 "started_at TIMESTAMP, status VARCHAR, publicatie_id VARCHAR)")


class StepFailed(Exception):
    """A step that cannot go on; the message (Dutch) says why and what to do."""


@dataclass(frozen=True)
class RunSpec:
    """What one run reads and writes: the configuration of the settings resource, as values."""

    raw_path: Path
    marts_path: Path | None  # None: an in-memory scenario (tests) that publishes nothing
    method: str
    base_year: int | None = None

    def method_config(self) -> dict:
        return load_method(self.method)


def start_run(con: duckdb.DuckDBPyConnection, run: RunSpec, run_id: str) -> dict:
    """Take the marts folder's run lock for this process and load the method as tables.

    The lock stays held until `finish_run` or the end of the process (a Dagster run worker ends
    with its run; in-process callers use `run_lock` around the whole run)."""
    if run.marts_path is not None:
        try:
            locking.acquire(run.marts_path)
        except locking.RunLocked as exc:
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
    """Read every file of one source into raw_<source> and raw_files (RawFileError if unreadable)."""
    frame, infos = read_source(raw_path, source)
    files = write_source(con, raw_path, source, frame, infos)
    return frame, infos, files


def build_model(con: duckdb.DuckDBPyConnection, model: sql_models.SqlModel) -> int:
    return sql_models.build_model(con, model)


def calibration_gate(con: duckdb.DuckDBPyConnection) -> tuple[bool, str]:
    """METHOD.md: no base year, fewer than 3 values or sigma = 0 is a calibration error that stops
    the run before any score is computed. Returns (passed, Dutch description)."""
    base = con.execute("SELECT basisjaar, is_fixed FROM int_base_year").fetchall()[0]
    if base[0] is None:
        return False, ("Kalibratie onmogelijk: er is geen jaar waarin politie, meldingen, enquête en bevolking "
                       "alle gegevens hebben en het politiejaar compleet is. Kies een basisjaar met --base-year.")
    minimum = con.execute("SELECT min_calibration_values FROM method_params").fetchall()[0][0]
    bad = con.execute(
        "SELECT indicator, n, sigma FROM int_calibration WHERE n < ? OR sigma IS NULL OR sigma = 0 "
        "ORDER BY indicator", [minimum]).fetchall()
    if bad:
        details = "; ".join(f"{ind}: {n} waarde(n), sigma {'-' if s is None else f'{s:.4g}'}" for ind, n, s in bad)
        return False, (f"Kalibratiefout in basisjaar {base[0]}: te weinig waarden (minimaal {minimum}) of geen "
                       f"spreiding voor indicator {details}. De run stopt; kies een ander basisjaar of controleer de bronnen.")
    n = con.execute("SELECT count(*) FROM int_calibration").fetchall()[0][0]
    return True, f"Basisjaar {base[0]}: {n} indicatoren gekalibreerd (elk minimaal {minimum} waarden, sigma > 0)."


def account_check(con: duckdb.DuckDBPyConnection) -> tuple[bool, str]:
    """Every row read is used or quarantined, per file."""
    rows = con.execute("SELECT source, file, rows_read, rows_used, rows_quarantined FROM int_file_account "
                       "WHERE NOT balanced").fetchall()
    totals = con.execute("SELECT sum(rows_read), sum(rows_used), sum(rows_quarantined) FROM int_file_account").fetchall()[0]
    if rows:
        return False, "Niet sluitend: " + "; ".join(f"{s}/{f}: {r} ≠ {u} + {q}" for s, f, r, u, q in rows)
    return True, f"{totals[0] or 0} gelezen = {totals[1] or 0} gebruikt + {totals[2] or 0} in quarantaine"


def record_check(con: duckdb.DuckDBPyConnection, check_name: str, asset: str, passed: bool, details: str,
                 run_id: str) -> None:
    """Keep a check's outcome; the publication lists the checks of its run."""
    con.execute(CHECK_RESULTS_DDL)
    con.execute("INSERT INTO check_results VALUES (?, ?, ?, 'fout', ?, ?, ?)",
                [check_name, asset, passed, details, datetime.now(timezone.utc).replace(tzinfo=None), run_id])


def publish(con: duckdb.DuckDBPyConnection, run: RunSpec, run_id: str) -> dict:
    """Write the publication atomically, remember the files it reflects, mark the run done."""
    info = publish_marts(con, run, run_id=run_id)
    record_published_files(con, run.raw_path)
    con.execute("UPDATE run_state SET status = 'gepubliceerd', publicatie_id = ? WHERE run_id = ?",
                [info["publicatie_id"], run_id])
    finish_run(run)
    return info


def finish_run(run: RunSpec) -> None:
    if run.marts_path is not None:
        locking.release(run.marts_path)


# Checks that gate a model: the step after which they run. The data checks (GX) run in Dagster
# only; scenario tests that need them materialise through Dagster.
GATES = {"int_calibration": calibration_gate}


def run_steps(con: duckdb.DuckDBPyConnection, run: RunSpec, run_id: str = "in-process",
              upto: str | None = None) -> duckdb.DuckDBPyConnection:
    """Every step in dependency order, in this process: method, sources, models with their gates.
    Stops after model `upto` when given; raises StepFailed where the job would stop."""
    try:
        start_run(con, run, run_id)
        for source in SOURCES:
            ingest_source(con, run.raw_path, source)
        for model in sql_models.ordered_models():
            build_model(con, model)
            if model.name in GATES:
                passed, details = GATES[model.name](con)
                if not passed:
                    raise StepFailed(details)
            if model.name == upto:
                break
    finally:
        finish_run(run)
    return con
