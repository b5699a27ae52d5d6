"""Ingest one raw source folder into DuckDB: raw_<source> (all text) and its rows in raw_files.

Files are identified by content hash: a file identical to an earlier one in the folder is
skipped (status duplicaat); a file whose content changed under the same name since the last
publication made from this raw folder is marked revised, and recorded in file_revisions once the
run publishes (record_published_files).
"""

from __future__ import annotations

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

    def __init__(self, con: duckdb.DuckDBPyConnection, name: str, empty: pl.DataFrame):
        self.con, self.name, self.rows = con, name, 0
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
    table = _Table(con, f"raw_{source.name}", raw_schema(source))
    infos, seen = [], {}

    def sink(frame: pl.DataFrame, info: FileInfo) -> None:
        table.insert(formats.complete(frame, info, source))

    for order, path in enumerate(files):
        name = f"{source.folder}/{path.name}"
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
