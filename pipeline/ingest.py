"""Ingest one raw source folder into DuckDB: raw_<source> (all text) and its rows in raw_files.

Files are identified by content hash: a file identical to an earlier one in the folder is
skipped (status duplicaat); a file whose content changed under the same name since the last run
on this raw folder is recorded as a revision in file_revisions.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from pipeline.readers import FileInfo, RawFileError, list_csv_files, read_csv_file
from pipeline.sources import Source

FILE_COLUMNS = {
    "source": pl.String, "file_name": pl.String, "file_order": pl.Int32, "sha256": pl.String,
    "size_bytes": pl.Int64, "encoding": pl.String, "delimiter": pl.String, "rows_read": pl.Int64,
    "status": pl.String, "duplicate_of": pl.String, "revised": pl.Boolean, "previous_sha256": pl.String,
}


class MissingSourceError(RawFileError):
    """A required source folder is missing or holds no CSV file."""


def read_source(raw_dir: Path, source: Source) -> tuple[pl.DataFrame, list[FileInfo]]:
    folder = raw_dir / source.folder
    files = list_csv_files(folder, source)
    if not files and source.required:
        what = "ontbreekt" if not folder.is_dir() else "bevat geen .csv-bestanden"
        raise MissingSourceError(
            f"Bronmap {folder} {what}. Verwacht voor {source.description}: CSV-bestanden met "
            f"kolommen {', '.join(source.columns)}.")
    frames, infos, seen = [], [], {}
    for order, path in enumerate(files):
        data = path.read_bytes()
        frame, info = read_csv_file(path, source, order, data)
        if info.sha256 in seen:  # the same content twice never double-counts
            info.status, info.duplicate_of, info.rows_read = "duplicaat", seen[info.sha256], 0
        else:
            seen[info.sha256] = path.name
            frames.append(frame)
        infos.append(info)
    columns = {c: pl.String for c in (*source.columns, *source.optional)}
    empty = pl.DataFrame(schema={**columns, "_line": pl.Int64, "_fields": pl.Int32,
                                 "_expected_fields": pl.Int32, "_file": pl.String, "_file_order": pl.Int32})
    frame = pl.concat([empty, *frames], how="diagonal") if frames else empty
    return frame, infos


def write_source(con: duckdb.DuckDBPyConnection, raw_dir: Path, source: Source, frame: pl.DataFrame,
                 infos: list[FileInfo]) -> pl.DataFrame:
    """Replace raw_<source> and this source's rows of raw_files; record revisions."""
    con.register("incoming", frame)
    con.execute(f"CREATE OR REPLACE TABLE raw_{source.name} AS SELECT * FROM incoming")
    con.unregister("incoming")

    con.execute("""CREATE TABLE IF NOT EXISTS file_history (
        raw_dir VARCHAR, source VARCHAR, file_name VARCHAR, sha256 VARCHAR, seen_at TIMESTAMP)""")
    con.execute("""CREATE TABLE IF NOT EXISTS file_revisions (
        raw_dir VARCHAR, source VARCHAR, file_name VARCHAR, previous_sha256 VARCHAR, sha256 VARCHAR,
        detected_at TIMESTAMP)""")
    key = str(raw_dir.resolve())
    previous = dict(con.execute(
        "SELECT file_name, arg_max(sha256, seen_at) FROM file_history "
        "WHERE raw_dir = ? AND source = ? GROUP BY file_name", [key, source.name]).fetchall())
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = []
    for info in infos:
        before = previous.get(info.file_name)
        revised = before is not None and before != info.sha256
        rows.append({**asdict(info), "revised": revised, "previous_sha256": before if revised else None})
        if revised:
            con.execute("INSERT INTO file_revisions VALUES (?, ?, ?, ?, ?, ?)",
                        [key, source.name, info.file_name, before, info.sha256, now])
        if before != info.sha256:
            con.execute("INSERT INTO file_history VALUES (?, ?, ?, ?, ?)",
                        [key, source.name, info.file_name, info.sha256, now])
    files = pl.DataFrame(rows, schema=FILE_COLUMNS)
    con.register("incoming_files", files)
    con.execute("CREATE TABLE IF NOT EXISTS raw_files AS SELECT * FROM incoming_files LIMIT 0")
    con.execute("DELETE FROM raw_files WHERE source = ?", [source.name])
    con.execute("INSERT INTO raw_files BY NAME SELECT * FROM incoming_files")
    con.unregister("incoming_files")
    return files
