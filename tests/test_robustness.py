"""Failures: SIGKILL at several points of a run, readers during a publication, two runs at once.

The pipeline runs as a real CLI subprocess (`veiligheidsindex run`), killed with SIGKILL when
its progress log reports a given step as done. After every kill the last publication must still
be complete and readable, and a later run must succeed without manual steps.
"""

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipeline.publish.publication import MANIFEST, file_publication_id, published_files, read_publication
from tests.conftest import GOLDEN_RAW, ROOT

CLI = [str(ROOT / ".venv" / "bin" / "veiligheidsindex"), "run"]
TIMEOUT = 180


def start_run(raw: Path, marts: Path) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "--raw", str(raw), "--marts", str(marts)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)


def kill_after(proc: subprocess.Popen, step: str) -> None:
    """SIGKILL the run as soon as its progress log says `step` is done."""
    deadline = time.monotonic() + TIMEOUT
    for line in proc.stderr:
        if line.strip().endswith(f"klaar: {step}"):
            proc.send_signal(signal.SIGKILL)
            break
        assert time.monotonic() < deadline, f"stap {step} niet bereikt"
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, f"run eindigde zelf ({proc.returncode}) vóór {step}"


def assert_intact(marts: Path, publication_id: str, wijk_index: pl.DataFrame) -> None:
    manifest, frames = read_publication(marts)
    assert manifest["publicatie_id"] == publication_id
    assert_frame_equal(frames["wijk_index"], wijk_index, check_exact=False, abs_tol=1e-12)
    for name, frame in frames.items():
        assert set(frame["publicatie_id"].unique().to_list()) <= {publication_id}, name
    # The top-level contract files as well (the metadata also identifies files without rows).
    for name in published_files():
        assert file_publication_id(marts / name) == publication_id, name
        ids = pl.read_parquet(marts / name, columns=["publicatie_id"])["publicatie_id"].unique().to_list()
        assert set(ids) <= {publication_id}, name


@pytest.fixture(scope="module")
def published(tmp_path_factory, golden_run) -> Path:
    """A marts folder with one complete publication of the golden data."""
    marts = tmp_path_factory.mktemp("robust") / "marts"
    shutil.copytree(golden_run.marts, marts)
    return marts


def test_sigkill_at_any_step_keeps_the_last_publication_and_the_next_run_recovers(published):
    manifest = json.loads((published / MANIFEST).read_text())
    before = read_publication(published)[1]["wijk_index"]
    for step in ("raw_politie", "stg_enquete", "int_calibration", "wijk_index", "wijk_index_gx_wijk_index"):
        kill_after(start_run(GOLDEN_RAW, published), step)
        assert_intact(published, manifest["publicatie_id"], before)
    # The next run needs no manual step: no stale lock, no half-built table in the way.
    done = subprocess.run([*CLI, "--raw", str(GOLDEN_RAW), "--marts", str(published)],
                          capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    after = json.loads((published / MANIFEST).read_text())
    assert after["publicatie_id"] != manifest["publicatie_id"]
    assert_intact(published, after["publicatie_id"], before.with_columns(
        pl.lit(after["publicatie_id"]).alias("publicatie_id")))


KILL_DURING_PUBLISH = """
import os, signal, sys
from pathlib import Path
import pipeline.publish.publication as publish
calls = {"n": 0}
target, limit = sys.argv[3], int(sys.argv[4])
original = getattr(publish, target) if hasattr(publish, target) else None
def dying(*args, **kwargs):
    calls["n"] += 1
    if calls["n"] > limit:
        os.kill(os.getpid(), signal.SIGKILL)
    return original(*args, **kwargs)
if target == "_copy":
    publish._copy = dying
else:  # shutil.copyfile, only as publish uses it: the refresh of the top-level files
    import shutil, types
    original = shutil.copyfile
    publish.shutil = types.SimpleNamespace(copyfile=dying, rmtree=shutil.rmtree)
from pipeline.cli import run_pipeline
run_pipeline(Path(sys.argv[1]), Path(sys.argv[2]), quiet=True)
"""


@pytest.mark.parametrize("target, limit, committed", [
    ("_copy", 3, False),        # killed while writing the new publication's files
    ("copyfile", 4, True),      # killed after the commit point, while refreshing top-level files
])
def test_sigkill_during_publication(published, target, limit, committed):
    manifest = json.loads((published / MANIFEST).read_text())
    proc = subprocess.run([sys.executable, "-c", KILL_DURING_PUBLISH, str(GOLDEN_RAW), str(published), target,
                           str(limit)], capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    now, frames = read_publication(published)  # complete and consistent either way
    assert {i for f in frames.values() for i in f["publicatie_id"].unique().to_list()} == {now["publicatie_id"]}
    assert (now["publicatie_id"] != manifest["publicatie_id"]) == committed
    if not committed:
        assert_intact(published, manifest["publicatie_id"], frames["wijk_index"])
    # Leftovers of the killed run are cleaned and the top level repaired by the next run.
    done = subprocess.run([*CLI, "--raw", str(GOLDEN_RAW), "--marts", str(published)],
                          capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    final = json.loads((published / MANIFEST).read_text())
    assert_intact(published, final["publicatie_id"], read_publication(published)[1]["wijk_index"])
    assert not list(published.glob(".*.tmp")) and not list((published / "publicaties").glob(".*.tmp"))


def test_readers_never_see_an_error_or_a_mixed_publication_during_a_run(published):
    errors, seen = [], set()
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                manifest, frames = read_publication(published, ["wijk_index", "thema_scores", "stad_index"])
                ids = {i for f in frames.values() for i in f["publicatie_id"].unique().to_list()}
                if ids != {manifest["publicatie_id"]}:
                    errors.append(f"gemengde publicatie: {ids}")
                seen.add(manifest["publicatie_id"])
            except Exception as exc:  # any error a dashboard user would see
                errors.append(repr(exc))

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for _ in range(2):  # two publications replace the one the readers started on
            done = subprocess.run([*CLI, "--raw", str(GOLDEN_RAW), "--marts", str(published)],
                                  capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
            assert done.returncode == 0, done.stderr[-2000:]
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[:5]
    assert len(seen) >= 2  # the readers really read across a switch


def test_two_runs_at_once_one_is_refused_with_a_clear_message(published):
    first = start_run(GOLDEN_RAW, published)
    try:
        for line in first.stderr:  # wait until the first run holds the lock and works
            if "klaar: method_config" in line:
                break
        second = subprocess.run([*CLI, "--raw", str(GOLDEN_RAW), "--marts", str(published)],
                                capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
        assert second.returncode == 1
        assert "Er draait al een run op" in second.stderr and "Traceback" not in second.stderr
    finally:
        rest = first.communicate(timeout=TIMEOUT)
    assert first.returncode == 0, rest[1][-2000:]
    manifest, frames = read_publication(published)
    assert frames["wijk_index"]["publicatie_id"].unique().to_list() == [manifest["publicatie_id"]]
