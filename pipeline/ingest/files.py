"""Ingest one raw source folder into DuckDB: raw_<source> (all text) and its rows in raw_files.

Files are identified by content hash: a file identical to an earlier one in the folder is
skipped (status duplicaat); a file whose content changed under the same name since the last
publication made from this raw folder is marked revised, and recorded in file_revisions once the
run publishes (record_published_files). A file with the same name and content as at the last
ingest into the same database is not read again: its rows stay (reuse_plan), so a monthly
delivery reads only what is new or changed, with the same result as reading everything.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipeline.ingest import fast, formats, readers
from pipeline.ingest.readers import (
    PROBLEM_COLUMNS,
    FileInfo,
    RawFileError,
    list_csv_files,
    peek_header,
    read_file,
    read_raw_bytes,
)
from pipeline.ingest.sources import SOURCES, Source

FILE_COLUMNS = {
    "source": pl.String, "file_name": pl.String, "file_order": pl.Int32, "sha256": pl.String,
    "size_bytes": pl.Int64, "encoding": pl.String, "delimiter": pl.String, "rows_read": pl.Int64,
    "status": pl.String, "duplicate_of": pl.String, "revised": pl.Boolean, "previous_sha256": pl.String,
    "format_id": pl.String, "format": pl.String, "line_unit": pl.String,
}
HEADER_COLUMNS = {"source": pl.String, "file_name": pl.String, "column": pl.String, "header": pl.String}


class MissingSourceError(RawFileError):
    """A required source folder is missing or holds no CSV file."""


def source_files(raw_dir: Path, source: Source) -> list[Path]:
    """The files of a source. In a folder shared with a source that claims files by their header
    (meldingen/ and its category mapping), each file goes to the source that recognises it."""
    folder = raw_dir / source.folder
    files = list_csv_files(folder, source, raw_dir)
    claimants = [s for s in SOURCES if s.folder == source.folder and s.claims_by_header and s is not source]
    if not (source.claims_by_header or claimants):
        return files

    def claimed_by(claimant: Source, path: Path) -> bool:
        header = peek_header(path, f"{source.folder}/{path.name}", raw_dir)
        return formats.recognise(claimant, header) is not None

    if source.claims_by_header:
        return [p for p in files if claimed_by(source, p)]
    return [p for p in files if not any(claimed_by(c, p) for c in claimants)]


class _Table:
    """raw_<source> in DuckDB, filled file by file (or piece by piece for a large file): the raw
    rows never pile up in Python. A column a file has beyond the forms' columns is added (kept)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, name: str, empty: pl.DataFrame, keep: bool = False):
        self.con, self.name, self.rows = con, name, 0
        if keep:  # the rows of unchanged files stay (reuse_plan, keep_only); its columns are as they are
            self.columns = {r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = ?", [name]).fetchall()}
            return
        con.register("incoming", empty)
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM incoming')
        con.unregister("incoming")
        self.columns = set(empty.columns)

    def insert(self, frame: pl.DataFrame) -> None:
        for column in frame.columns:
            if column not in self.columns:
                self.con.execute(f'ALTER TABLE "{self.name}" ADD COLUMN "{column}" VARCHAR')
                self.columns.add(column)
        self.con.register("incoming", frame)
        self.con.execute(f'INSERT INTO "{self.name}" BY NAME SELECT * FROM incoming')
        self.con.unregister("incoming")
        self.rows += frame.height

    def insert_select(self, select: str, params: list, columns: list[str]) -> int:
        """The rows of a SELECT (fast.py: DuckDB reading a file itself); returns their number."""
        for column in columns:
            if column not in self.columns:
                self.con.execute(f'ALTER TABLE "{self.name}" ADD COLUMN "{column}" VARCHAR')
                self.columns.add(column)
        rows = self.con.execute(f'INSERT INTO "{self.name}" BY NAME {select}', params).fetchone()[0]
        self.rows += rows
        return rows

    def keep_only(self, file_names: list[str]) -> None:
        """Only the rows of these files stay (the others are read again, or are gone)."""
        self.con.execute(f'DELETE FROM "{self.name}" WHERE _file NOT IN (SELECT unnest(?::VARCHAR[]))',
                         [file_names]).fetchall()
        self.rows = self.con.execute(f'SELECT count(*) FROM "{self.name}"').fetchall()[0][0]

    def delete_file(self, file_order: int) -> None:
        """Take back what insert_select put in for one file (it is then read piece by piece)."""
        rows = self.con.execute(f'DELETE FROM "{self.name}" WHERE _file_order = ?', [file_order]).fetchone()[0]
        self.rows -= rows


def raw_schema(source: Source) -> pl.DataFrame:
    columns = {c: pl.String for c in formats.raw_columns(source)}
    return pl.DataFrame(schema={**columns, "_line": pl.Int64, "_fields": pl.Int32, "_expected_fields": pl.Int32,
                                "_file": pl.String, "_file_order": pl.Int32, "_format": pl.String,
                                **PROBLEM_COLUMNS})


def load_source(con: duckdb.DuckDBPyConnection, raw_dir: Path, source: Source) -> tuple[int, list[FileInfo]]:
    """Read every file of a source into raw_<source>: (rows, one FileInfo a file). Small files are
    parsed whole, large ones (readers.STREAM_BYTES) by DuckDB itself when provably simple (fast.py),
    else piece by piece; either way one file at a time, straight into DuckDB, so memory does not
    grow with the input."""
    if source.name == "area_geometry":  # GeoJSON, not a table: its own reader (pipeline/ingest/geometry.py)
        from pipeline.ingest.geometry import empty_frame, read_geometry

        frame, found = read_geometry(raw_dir)
        table = _Table(con, f"raw_{source.name}", empty_frame())
        table.insert(frame)
        infos = [FileInfo(source.name, f["file_name"], f["file_order"], f["sha256"], f["size_bytes"],
                          encoding=f["encoding"], rows_read=f["rows_read"], status=f["status"],
                          duplicate_of=f["duplicate_of"], format_id="geojson", format=f["format"],
                          line_unit="record") for f in found]
        return table.rows, infos
    folder = raw_dir / source.folder
    files = source_files(raw_dir, source)
    if not files and source.required:
        what = "ontbreekt" if not folder.is_dir() else "bevat geen .csv-bestanden"
        raise MissingSourceError(
            f"Bronmap {folder} {what}. Verwacht voor {source.description}: CSV-bestanden met "
            f"kolommen {', '.join(source.columns)}.")
    kept = reuse_plan(con, raw_dir, source, files)
    table = _Table(con, f"raw_{source.name}", raw_schema(source), keep=kept is not None)
    if kept is not None:
        table.keep_only(list(kept))
    kept = kept or {}
    infos, seen = [], {}

    def sink(frame: pl.DataFrame, info: FileInfo) -> None:
        table.insert(formats.complete(frame, info, source))

    for order, path in enumerate(files):
        name = f"{source.folder}/{path.name}"
        if path.name in kept:  # unchanged since the last ingest: its rows are in the table already
            info = kept[path.name]
            if info.file_order != order:  # a file added before it: the order decides what supersedes what
                con.execute(f'UPDATE "{table.name}" SET _file_order = ? WHERE _file = ?', [order, path.name]).fetchall()
                info.file_order = order
            seen[info.sha256] = path.name
            infos.append(info)
            continue
        try:
            large = path.suffix.lower() != ".json" and path.stat().st_size > readers.STREAM_BYTES
        except OSError:
            large = False  # vanished or unreadable: read_raw_bytes names the problem in Dutch
        if large:
            infos.append(fast.read_large(table, path, source, order, raw_dir, sink, seen))
            continue
        data = read_raw_bytes(path, name, raw_dir)
        frame, info = read_file(path, source, order, data)
        del data  # one file's bytes at a time
        if info.sha256 in seen:  # the same content twice never double-counts
            info.status, info.duplicate_of, info.rows_read = "duplicaat", seen[info.sha256], 0
        else:
            seen[info.sha256] = path.name
            sink(frame, info)
        del frame
        infos.append(info)
    return table.rows, infos


# --- Unchanged files are not read again --------------------------------------------------------
# A file whose name and content (sha-256) equal those of the last ingest into this database keeps
# its rows: a monthly delivery re-reads only what changed. Only when the ingest code is the same
# (INGEST_VERSION) and the rows in raw_<source> are exactly those raw_files recorded for it;
# anything else (a run that stopped half-way, another version, VI_INCREMENTAL_INGEST=0) reads all.
INCREMENTAL = os.environ.get("VI_INCREMENTAL_INGEST", "1") != "0"
STATE_DDL = "CREATE TABLE IF NOT EXISTS raw_ingest_state (source VARCHAR, version VARCHAR)"


def _ingest_version() -> str:
    """A fingerprint of the code that turns a file into raw rows: this package's sources and the
    versions of the parsers it calls (DuckDB, polars)."""
    digest = hashlib.sha256(f"duckdb {duckdb.__version__} polars {pl.__version__}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


INGEST_VERSION = _ingest_version()


def file_sha256(path: Path, name: str, root: Path) -> str:
    """The content hash of one raw file, read in blocks (as readers.open_raw opens it)."""
    digest = hashlib.sha256()
    with readers.open_raw(path, name, root) as handle:
        try:
            while block := handle.read(readers.PIECE_BYTES):
                digest.update(block)
        except OSError as exc:
            raise RawFileError(f"{name} kan niet worden gelezen ({exc.strerror}).") from None
    return digest.hexdigest()


def reuse_plan(con: duckdb.DuckDBPyConnection, raw_dir: Path, source: Source,
               files: list[Path]) -> dict[str, FileInfo] | None:
    """The files whose rows can stay (file name -> its FileInfo as last read), or None when
    raw_<source> is to be read anew. The state is cleared here and set again by write_files, so a
    run that stops in between leaves a database that the next run reads in full."""
    con.execute(STATE_DDL)
    state = con.execute("SELECT version FROM raw_ingest_state WHERE source = ?", [source.name]).fetchall()
    con.execute("DELETE FROM raw_ingest_state WHERE source = ?", [source.name]).fetchall()
    if not (INCREMENTAL and state and state[0][0] == INGEST_VERSION):
        return None
    table = f"raw_{source.name}"
    try:
        cursor = con.execute("SELECT * FROM raw_files WHERE source = ? AND status = 'gelezen'", [source.name])
        names = [d[0] for d in cursor.description]
        previous = {r["file_name"]: r for r in (dict(zip(names, row)) for row in cursor.fetchall())}
        headers = con.execute("SELECT file_name, \"column\", header FROM raw_file_columns WHERE source = ?",
                              [source.name]).fetchall()
        counts = dict(con.execute(f'SELECT _file, count(*) FROM "{table}" GROUP BY _file').fetchall())
    except duckdb.Error:  # a table missing or from another version
        return None
    if set(counts) - set(previous):
        return None  # rows of a file raw_files does not know: not the state write_files left
    kept, seen = {}, set()
    for path in files:
        old = previous.get(path.name)
        sha = file_sha256(path, f"{source.folder}/{path.name}", raw_dir)  # every file: a later one may equal it
        reusable = (old is not None and sha not in seen and sha == old["sha256"]
                    and counts.get(path.name, 0) == old["rows_read"])
        seen.add(sha)
        if not reusable:
            continue  # new, changed, a duplicate now, or rows that do not match: read it
        kept[path.name] = FileInfo(
            source.name, path.name, old["file_order"], sha, old["size_bytes"], encoding=old["encoding"] or "",
            delimiter=old["delimiter"] or "", rows_read=old["rows_read"], format_id=old["format_id"] or "",
            format=old["format"] or "", line_unit=old["line_unit"] or "regel",
            headers={c: h for f, c, h in headers if f == path.name})
    return kept


HISTORY_DDL = """
CREATE TABLE IF NOT EXISTS file_history (
    raw_dir VARCHAR, source VARCHAR, file_name VARCHAR, sha256 VARCHAR, published_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS file_revisions (
    raw_dir VARCHAR, source VARCHAR, file_name VARCHAR, previous_sha256 VARCHAR, sha256 VARCHAR,
    published_at TIMESTAMP);
"""


def write_files(con: duckdb.DuckDBPyConnection, raw_dir: Path, source: Source, infos: list[FileInfo]) -> pl.DataFrame:
    """Replace this source's rows of raw_files and raw_file_columns. A file counts as revised when
    its content differs from the version in the last publication made from this raw folder
    (file_history is written only when a publication succeeds, see record_published_files)."""
    con.execute(HISTORY_DDL)
    previous = dict(con.execute(
        "SELECT file_name, arg_max(sha256, published_at) FROM file_history "
        "WHERE raw_dir = ? AND source = ? GROUP BY file_name", [str(raw_dir.resolve()), source.name]).fetchall())
    rows = []
    for info in infos:
        before = previous.get(info.file_name)
        revised = before is not None and before != info.sha256
        rows.append({**{k: v for k, v in asdict(info).items() if k != "headers"}, "revised": revised,
                     "previous_sha256": before if revised else None})
    files = pl.DataFrame(rows, schema=FILE_COLUMNS)
    # Each raw column's name as it stands in the file, so the quarantine names the file's column.
    headers = pl.DataFrame([{"source": i.source, "file_name": i.file_name, "column": c, "header": h}
                            for i in infos for c, h in i.headers.items()], schema=HEADER_COLUMNS)
    _replace_source_rows(con, "raw_file_columns", headers, source)
    _replace_source_rows(con, "raw_files", files, source)
    con.execute(STATE_DDL)  # raw_<source> and raw_files agree again: the next run may reuse rows
    con.execute("DELETE FROM raw_ingest_state WHERE source = ?", [source.name]).fetchall()
    con.execute("INSERT INTO raw_ingest_state VALUES (?, ?)", [source.name, INGEST_VERSION]).fetchall()
    return files


def _replace_source_rows(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, source: Source) -> None:
    """This source's rows of a file table, the other sources' rows kept. A table a database from an
    earlier version of the product left with other columns (e.g. raw_files before format_id) is
    rebuilt with today's columns first, its rows kept with the columns both have: otherwise the first
    run after an update stops on a missing column."""
    con.register("incoming", frame)
    try:
        existing = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()]
        if existing and existing != frame.columns:
            common = ", ".join(f'"{c}"' for c in frame.columns if c in existing)
            con.execute(f'ALTER TABLE "{table}" RENAME TO "{table}_before_update"')
            con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM incoming LIMIT 0')
            if common:
                con.execute(f'INSERT INTO "{table}" BY NAME SELECT {common} FROM "{table}_before_update"')
            con.execute(f'DROP TABLE "{table}_before_update"')
        con.execute(f'CREATE TABLE IF NOT EXISTS "{table}" AS SELECT * FROM incoming LIMIT 0')
        con.execute(f'DELETE FROM "{table}" WHERE source = ?', [source.name])
        con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM incoming')
    finally:
        con.unregister("incoming")


def record_published_files(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> None:
    """After a successful publication: remember every file it reflects (the complete set, so that
    the next run can also tell which files were removed since: int_file_changes), and every revision."""
    con.execute(HISTORY_DDL)
    now = datetime.now(UTC).replace(tzinfo=None)
    key = str(raw_dir.resolve())
    con.execute("""
        INSERT INTO file_revisions
        SELECT ?, source, file_name, previous_sha256, sha256, ? FROM raw_files WHERE revised""", [key, now])
    con.execute("INSERT INTO file_history SELECT ?, source, file_name, sha256, ? FROM raw_files", [key, now])
