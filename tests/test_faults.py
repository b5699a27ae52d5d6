"""Faults around a run (issue 10): a full disk at every write of a publication, a locked or shared
analysts' database, odd marts paths, a damaged publicatie.json, privacy of what is published."""

import errno
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

import pipeline.publish.publication as publication
from pipeline.cli import PipelineError, run_pipeline
from pipeline.core import RunSpec
from pipeline.presentation import MartsError, read_marts
from pipeline.publish.publication import (MANIFEST, PublicationFailed, PublicationMissing, file_publication_id,
                                          published_files, read_manifest, read_publication)
from tests.conftest import GOLDEN_RAW, ROOT, build_database, materialize

PYTHON = sys.executable


@pytest.fixture(scope="module")
def golden_db():
    return build_database(GOLDEN_RAW)


def _top_level_ids(marts):
    return {file_publication_id(marts / name) for name in published_files()}


class Faults:
    """Fails the n-th write of a publication (Parquet COPY, a file, the commit, a top-level copy)."""

    def __init__(self, monkeypatch, fail_at: int):
        self.count, self.fail_at = 0, fail_at
        for name in ("_copy", "atomic_write_text"):
            monkeypatch.setattr(publication, name, self.wrap(getattr(publication, name)))
        monkeypatch.setattr(publication.shutil, "copyfile", self.wrap(shutil.copyfile))
        monkeypatch.setattr(publication.Path, "write_text", self.wrap(publication.Path.write_text))

    def wrap(self, function):
        def failing(*args, **kwargs):
            self.count += 1
            if self.count == self.fail_at:
                raise OSError(errno.ENOSPC, "No space left on device")
            return function(*args, **kwargs)
        return failing


def test_a_full_disk_at_any_write_leaves_one_consistent_publication(golden_db, tmp_path, monkeypatch):
    marts = tmp_path / "marts"
    run = RunSpec(GOLDEN_RAW, marts, "v2")
    first = publication.publish_marts(golden_db, run, run_id="eerste0000")["publicatie_id"]
    writes = 0
    with monkeypatch.context() as m:
        counter = Faults(m, fail_at=0)
        publication.publish_marts(golden_db, run, run_id="telling00")
        writes = counter.count
    assert writes > len(published_files())  # every mart, the method, the manifest, the top level
    previous = read_manifest(marts)["publicatie_id"]
    outcomes = set()
    for n in range(1, writes + 1):
        with monkeypatch.context() as m:
            Faults(m, fail_at=n)
            with pytest.raises(PublicationFailed) as failure:
                publication.publish_marts(golden_db, run, run_id=f"fout{n:04d}00")
        message = str(failure.value)
        committed = read_manifest(marts)["publicatie_id"]
        manifest, frames = read_publication(marts)  # readable and from one publication
        assert {f["publicatie_id"][0] for f in frames.values() if f.height} == {committed}
        assert len(_top_level_ids(marts)) == 1, f"write {n}: top-level files from two publications"
        if "ongewijzigd" in message:
            assert committed == previous, f"write {n}: said unchanged but the manifest moved"
            outcomes.add("unchanged")
        else:
            assert "is vastgelegd" in message and committed != previous, message
            assert _top_level_ids(marts) == {previous}  # all old, never mixed
            outcomes.add("committed")
            publication.repair_top_level(marts)  # what the next run does first
            assert _top_level_ids(marts) == {committed}
            previous = committed
        assert not list(marts.glob(".*.tmp")) and not list((marts / "publicaties").glob(".*.tmp"))
    assert outcomes == {"unchanged", "committed"}
    assert first != previous


def test_a_database_in_use_fails_fast_with_a_clear_message(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen([PYTHON, "-c", f"import duckdb, time; c = duckdb.connect({str(database)!r}); "
                               "print('open', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        start = time.perf_counter()
        with pytest.raises(PipelineError) as failure:
            run_pipeline(GOLDEN_RAW, tmp_path / "marts", database=database, quiet=True)
        assert time.perf_counter() - start < 30
        assert f"De database {database} is in gebruik door een ander programma" in str(failure.value)
        assert not (tmp_path / "marts" / MANIFEST).exists()
    finally:
        holder.kill()


def test_two_runs_never_share_a_database(tmp_path):
    """Two marts folders, one analysts' database: a run is refused while another holds it."""
    database = tmp_path / "gedeeld.duckdb"
    holder = subprocess.Popen(
        [PYTHON, "-c", "import sys, time; from pathlib import Path; from pipeline.publish import locking; "
                       f"locking.acquire_database(Path({str(database)!r})); print('vast', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "vast"
        with pytest.raises(PipelineError, match="Een andere run gebruikt de database"):
            run_pipeline(GOLDEN_RAW, tmp_path / "andere_marts", database=database, quiet=True)
    finally:
        holder.kill()


def test_odd_marts_paths_get_dutch_messages(tmp_path):
    blocker = tmp_path / "bestand"
    blocker.write_text("geen map")
    result = subprocess.run([PYTHON, "-m", "pipeline.cli", "run", "--raw", str(GOLDEN_RAW),
                             "--marts", str(blocker / "marts")], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 1
    assert "is niet te gebruiken" in result.stderr and "Traceback" not in result.stderr


def test_a_quote_in_the_marts_path_publishes(tmp_path):
    marts = tmp_path / "o'neill" / "marts"
    run = materialize(GOLDEN_RAW, marts, checks=False)
    assert run.success, run.failure_messages()
    assert read_manifest(marts)["wijken_gepubliceerd"] == 32


def test_a_damaged_manifest_is_named_and_the_next_run_replaces_it(golden_db, tmp_path):
    marts = tmp_path / "marts"
    run = RunSpec(GOLDEN_RAW, marts, "v2")
    publication.publish_marts(golden_db, run, run_id="eerste0000")
    for damage in ("", "{", '{"publicatie_id": "../../etc"}'):
        (marts / MANIFEST).write_text(damage)
        with pytest.raises(PublicationMissing, match="publicatie.json"):
            read_manifest(marts)
        with pytest.raises(MartsError):
            read_marts(marts)
    info = publication.publish_marts(golden_db, run, run_id="tweede0000")
    assert read_manifest(marts)["publicatie_id"] == info["publicatie_id"]
    assert _top_level_ids(marts) == {info["publicatie_id"]}


def test_published_quarantine_holds_no_respondent_ids_and_the_database_is_private(raw, tmp_path):
    lines = raw.lines("enquete/enquete_2019_2022.csv")
    raw.append("enquete/enquete_2019_2022.csv", lines[1])  # the same respondent twice
    run = materialize(raw.root, tmp_path / "marts", checks=False)
    assert run.success, run.failure_messages()
    quarantine = run.mart("quarantaine")
    duplicate = quarantine.filter(pl.col("reden") == "duplicate_respondent")
    assert duplicate.height == 1 and duplicate["waarde"][0] is None and duplicate["regel"][0] == len(lines) + 1
    respondent = lines[1].split(",")[0]
    for path in (tmp_path / "marts").rglob("*.parquet"):
        frame = pl.read_parquet(path)
        for column in frame.columns:
            if frame[column].dtype == pl.String:
                assert respondent not in frame[column].to_list(), f"{path.name}.{column}"
    assert run.sql("SELECT value FROM int_quarantine WHERE reason = 'duplicate_respondent'") == [(respondent,)]
    assert oct(os.stat(run.database).st_mode & 0o777) == "0o600"
    json.loads((tmp_path / "marts" / MANIFEST).read_text())  # still a plain manifest


def test_a_read_only_marts_location_gets_a_dutch_message(tmp_path):
    with pytest.raises(PipelineError, match="is niet te gebruiken: geen schrijfrechten"):
        run_pipeline(GOLDEN_RAW, Path("/sys/veiligheidsindex/marts"), database=tmp_path / "w.duckdb",
                     quiet=True)


def test_a_full_warehouse_disk_stops_with_a_dutch_message(tmp_path, monkeypatch):
    import duckdb

    from pipeline.models import runner

    def full(con, model):
        if model.name == "stg_politie":
            raise duckdb.IOException("IO Error: Could not write file \"w.duckdb.wal\": No space left on device")
        return original(con, model)

    original = runner.build_model
    monkeypatch.setattr(runner, "build_model", full)
    with pytest.raises(PipelineError) as failure:
        run_pipeline(GOLDEN_RAW, tmp_path / "marts", quiet=True)
    assert "Model stg_politie kon niet in de database worden geschreven (de schijf is vol)" in str(failure.value)
    assert not (tmp_path / "marts" / MANIFEST).exists()
