"""A delivery re-reads only the files that are new or changed since the last ingest into the same
database (pipeline/ingest/files.py reuse_plan), and the result equals a run from nothing: raw rows
with their file order and line numbers, every file's account and every model."""

from __future__ import annotations

import shutil

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipeline.ingest import fast, files
from tests.conftest import RawFolder, build_database

POLITIE = "politie/geregistreerde_misdrijven_2019_2022.csv"
# tables that remember earlier runs by design (file history, revisions, run state): not comparable
HISTORY = {"file_history", "file_revisions", "run_state", "raw_ingest_state", "bestandswijzigingen",
           "int_file_changes"}
HISTORY_COLUMNS = {"revised", "previous_sha256", "herzien", "vorige_sha256"}  # raw_files, bestanden


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    """Every table, its rows in a fixed order (the order of rows in a table is not a result)."""
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()").fetchall()]
    out = {}
    for name in sorted(set(tables) - HISTORY):
        frame = pl.from_arrow(con.execute(f'SELECT * FROM "{name}"').to_arrow_table())
        frame = frame.drop([c for c in frame.columns if c in HISTORY_COLUMNS])
        out[name] = frame.sort(frame.columns, nulls_last=True) if frame.height else frame
    return out


def assert_same(got: dict[str, pl.DataFrame], want: dict[str, pl.DataFrame]) -> None:
    """The same tables with the same rows; floats to 1e-9 (DuckDB sums in parallel, in any order)."""
    assert sorted(got) == sorted(want)
    for name in want:
        try:
            assert_frame_equal(got[name], want[name], rel_tol=1e-9, abs_tol=1e-12)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The files actually parsed (small ones by read_file, large ones by fast.read_large)."""
    seen: list[str] = []
    small, large = files.read_file, fast.read_large

    def read_file(path, *args, **kwargs):
        seen.append(f"{path.parent.name}/{path.name}")
        return small(path, *args, **kwargs)

    def read_large(table, path, *args, **kwargs):
        seen.append(f"{path.parent.name}/{path.name}")
        return large(table, path, *args, **kwargs)

    monkeypatch.setattr(files, "read_file", read_file)
    monkeypatch.setattr(fast, "read_large", read_large)
    return seen


def deliver(raw: RawFolder) -> None:
    """A monthly delivery: a new police file that sorts before the old one (file orders shift) with
    December 2022 again, one more each; a changed file; a removed one; a copy of a file."""
    lines = raw.lines(POLITIE)
    december = [line for line in lines[1:] if "2022MM12" in line]
    assert december
    raw.write("politie/2022_correctie.csv", [lines[0]] + [
        line.rsplit(";", 1)[0] + f';"{int(line.rsplit(";", 1)[1].strip(chr(34))) + 1}"' for line in december])
    raw.write("bevolking/bevolking.csv", raw.lines("bevolking/bevolking.csv"), newline="\r\n")
    raw.path("prestaties/voortgang.csv").unlink()
    shutil.copyfile(raw.path("meldingen/meldingen_2019_2022.csv"), raw.path("meldingen/meldingen_kopie.csv"))


def test_a_delivery_reads_only_new_and_changed_files_and_equals_a_run_from_nothing(tmp_path, reads):
    raw = RawFolder(tmp_path / "raw")
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        build_database(raw.root, con=con)
    assert "areas/areas.csv" in reads  # the first run reads everything
    deliver(raw)
    reads.clear()
    with duckdb.connect(str(database)) as con:
        build_database(raw.root, con=con)
        incremental = snapshot(con)
        order = dict(con.execute("SELECT DISTINCT _file, _file_order FROM raw_politie").fetchall())
    assert sorted(reads) == ["bevolking/bevolking.csv", "meldingen/meldingen_kopie.csv", "politie/2022_correctie.csv"]
    assert order == {"2022_correctie.csv": 0, "geregistreerde_misdrijven_2019_2022.csv": 1}
    assert_same(incremental, snapshot(build_database(raw.root)))  # in memory, from nothing


def test_nothing_changed_reads_nothing_and_gives_the_same_result(tmp_path, reads):
    raw = RawFolder(tmp_path / "raw")
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        first = snapshot(build_database(raw.root, con=con))
    reads.clear()
    with duckdb.connect(str(database)) as con:
        assert_same(snapshot(build_database(raw.root, con=con)), first)
    assert reads == []


def test_rows_that_do_not_match_the_account_or_other_code_read_everything(tmp_path, reads, monkeypatch):
    raw = RawFolder(tmp_path / "raw")
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        build_database(raw.root, con=con)
        con.execute("DELETE FROM raw_politie WHERE _line = 2")  # e.g. a run that stopped half-way
    reads.clear()
    with duckdb.connect(str(database)) as con:
        build_database(raw.root, con=con)
        assert con.execute("SELECT count(*) FROM raw_politie WHERE _line = 2").fetchone()[0] == 1
    assert POLITIE in reads and "areas/areas.csv" not in reads
    monkeypatch.setattr(files, "INGEST_VERSION", "een andere versie")  # an update of the ingest code
    reads.clear()
    with duckdb.connect(str(database)) as con:
        build_database(raw.root, con=con)
    assert "areas/areas.csv" in reads and POLITIE in reads
