"""Publish the marts as Parquet so that a reader never sees half a publication.

Each file is written to a temporary name and moved into place with os.replace (atomic on one
file system). Every row carries the publicatie_id, and publicatie.json is replaced last: a reader
that finds files with different ids (a publication in progress) reads again.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from pipeline.method import load_method

# Mart table -> published file (the same name). Contract marts of METHOD.md first.
MART_FILES = {
    "wijk_index": "wijk_index.parquet",
    "thema_scores": "thema_scores.parquet",
    "indicator_scores": "indicator_scores.parquet",
    "stad_index": "stad_index.parquet",
    "groep_index": "groep_index.parquet",
    "calibratie": "calibratie.parquet",
    "wijken": "wijken.parquet",
    "politie_maand": "politie_maand.parquet",
    "meldingen_maand": "meldingen_maand.parquet",
    "prestaties": "prestaties.parquet",
    "voortgang": "voortgang.parquet",
    "quarantaine": "quarantaine.parquet",
    "bestanden": "bestanden.parquet",
    "bronnen": "bronnen.parquet",
}
MANIFEST = "publicatie.json"
RUN_INFO = "run_info.parquet"
CHECKS = "controles.parquet"


def atomic_copy(con: duckdb.DuckDBPyConnection, query: str, target: Path, params: list) -> None:
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        con.execute(f"COPY ({query}) TO '{tmp}' (FORMAT parquet)", params)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(target: Path, text: str) -> None:
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)


def publish_marts(con: duckdb.DuckDBPyConnection, settings, run_id: str) -> dict:
    marts = settings.marts_path
    marts.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    publication_id = f"{now:%Y%m%dT%H%M%S}-{run_id[:8]}"
    method = load_method()
    base_year = con.execute("SELECT basisjaar FROM int_base_year").fetchall()[0][0]
    info = {
        "publicatie_id": publication_id,
        "run_id": run_id,
        "gepubliceerd_op": now.isoformat(timespec="seconds"),
        "methode": method["method"]["label"],
        "basisjaar": base_year,
        "ruwe_map": str(settings.raw_path),
        "jaren": [r[0] for r in con.execute("SELECT DISTINCT jaar FROM wijk_index ORDER BY 1").fetchall()],
        "wijken_gepubliceerd": con.execute(
            "SELECT count(*) FROM wijk_index WHERE \"index\" IS NOT NULL").fetchall()[0][0],
        "bestanden": {},
    }
    for table, file_name in MART_FILES.items():
        atomic_copy(con, f'SELECT *, ?::VARCHAR AS publicatie_id FROM "{table}"', marts / file_name,
                    [publication_id])
        info["bestanden"][file_name] = con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
    con.execute("CREATE TABLE IF NOT EXISTS check_results (check_name VARCHAR, asset VARCHAR, "
                "passed BOOLEAN, severity VARCHAR, details VARCHAR, checked_at TIMESTAMP, run_id VARCHAR)")
    atomic_copy(con, "SELECT check_name AS controle, asset AS tabel, passed AS geslaagd, severity AS ernst, "
                     "details AS toelichting, checked_at AS gecontroleerd_op, ?::VARCHAR AS publicatie_id "
                     "FROM check_results WHERE run_id = ?", marts / CHECKS, [publication_id, run_id])
    run_row = {k: v for k, v in info.items() if k not in ("bestanden", "jaren")}
    atomic_copy(con, "SELECT ?::VARCHAR AS publicatie_id, ?::VARCHAR AS run_id, ?::TIMESTAMPTZ AS gepubliceerd_op, "
                     "?::VARCHAR AS methode, ?::INTEGER AS basisjaar, ?::VARCHAR AS ruwe_map, "
                     "?::INTEGER AS wijken_gepubliceerd",
                marts / RUN_INFO, list(run_row.values()))
    atomic_write_text(marts / MANIFEST, json.dumps(info, indent=2, ensure_ascii=False))
    return info
