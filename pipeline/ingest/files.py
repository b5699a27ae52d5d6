"""Ingest one raw source folder into DuckDB: raw_<source> (all text) and its rows in raw_files.

Files are identified by content hash: a file identical to an earlier one in the folder is
skipped (status duplicaat); a file whose content changed under the same name since the last
publication made from this raw folder is marked revised, and recorded in file_revisions once the
run publishes (record_published_files).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from pipeline.ingest.readers import (PROBLEM_COLUMNS, FileInfo, RawFileError, list_csv_files, read_csv_file,
                                     read_raw_bytes)
from pipeline.ingest.sources import Source

FILE_COLUMNS = {
    "source": pl.String, "file_name": pl.String, "file_order": pl.Int32, "sha256": pl.String,
    "size_bytes": pl.Int64, "encoding": pl.String, "delimiter": pl.String, "rows_read": pl.Int64,
    "status": pl.String, "duplicate_of": pl.String, "revised": pl.Boolean, "previous_sha256": pl.String,
}


class MissingSourceError(RawFileError):
    """A required source folder is missing or holds no CSV file."""


def read_source(raw_dir: Path, source: Source) -> tuple[pl.DataFrame, list[FileInfo]]:
    folder = raw_dir / source.folder
    files = list_csv_files(folder, source, raw_dir)
    if not files and source.required:
        what = "ontbreekt" if not folder.is_dir() else "bevat geen .csv-bestanden"
        raise MissingSourceError(
            f"Bronmap {folder} {what}. Verwacht voor {source.description}: CSV-bestanden met "
            f"kolommen {', '.join(source.columns)}.")
    frames, infos, seen = [], [], {}
    for order, path in enumerate(files):
        data = read_raw_bytes(path, f"{source.folder}/{path.name}", raw_dir)
        frame, info = read_csv_file(path, source, order, data)
        del data  # one file's bytes at a time
        if info.sha256 in seen:  # the same content twice never double-counts
            info.status, info.duplicate_of, info.rows_read = "duplicaat", seen[info.sha256], 0
        else:
            seen[info.sha256] = path.name
            frames.append(frame)
        infos.append(info)
    columns = {c: pl.String for c in (*source.columns, *source.optional)}
    empty = pl.DataFrame(schema={**columns, "_line": pl.Int64, "_fields": pl.Int32,
                                 "_expected_fields": pl.Int32, "_file": pl.String, "_file_order": pl.Int32,
                                 **PROBLEM_COLUMNS})
    frame = pl.concat([empty, *frames], how="diagonal") if frames else empty
    return frame, infos


HISTORY_DDL = """
CREATE TABLE IF NOT EXISTS file_history (
    raw_dir VARCHAR, source VARCHAR, file_name VARCHAR, sha256 VARCHAR, published_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS file_revisions (
    raw_dir VARCHAR, source VARCHAR, file_name VARCHAR, previous_sha256 VARCHAR, sha256 VARCHAR,
    published_at TIMESTAMP);
"""


def write_source(con: duckdb.DuckDBPyConnection, raw_dir: Path, source: Source, frame: pl.DataFrame,
                 infos: list[FileInfo]) -> pl.DataFrame:
    """Replace raw_<source> and this source's rows of raw_files. A file counts as revised when
    its content differs from the version in the last publication made from this raw folder
    (file_history is written only when a publication succeeds, see record_published_files)."""
    con.register("incoming", frame)
    con.execute(f"CREATE OR REPLACE TABLE raw_{source.name} AS SELECT * FROM incoming")
    con.unregister("incoming")
    con.execute(HISTORY_DDL)
    previous = dict(con.execute(
        "SELECT file_name, arg_max(sha256, published_at) FROM file_history "
        "WHERE raw_dir = ? AND source = ? GROUP BY file_name", [str(raw_dir.resolve()), source.name]).fetchall())
    rows = []
    for info in infos:
        before = previous.get(info.file_name)
        revised = before is not None and before != info.sha256
        rows.append({**asdict(info), "revised": revised, "previous_sha256": before if revised else None})
    files = pl.DataFrame(rows, schema=FILE_COLUMNS)
    con.register("incoming_files", files)
    con.execute("CREATE TABLE IF NOT EXISTS raw_files AS SELECT * FROM incoming_files LIMIT 0")
    con.execute("DELETE FROM raw_files WHERE source = ?", [source.name])
    con.execute("INSERT INTO raw_files BY NAME SELECT * FROM incoming_files")
    con.unregister("incoming_files")
    return files


def record_published_files(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> None:
    """After a successful publication: remember each file's content, and every revision."""
    con.execute(HISTORY_DDL)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    key = str(raw_dir.resolve())
    con.execute("""
        INSERT INTO file_revisions
        SELECT ?, source, file_name, previous_sha256, sha256, ? FROM raw_files WHERE revised""", [key, now])
    con.execute("""
        INSERT INTO file_history
        SELECT ?, f.source, f.file_name, f.sha256, ? FROM raw_files f
        WHERE f.sha256 IS DISTINCT FROM (
            SELECT arg_max(h.sha256, h.published_at) FROM file_history h
            WHERE h.raw_dir = ? AND h.source = f.source AND h.file_name = f.file_name)""", [key, now, key])
