"""Publish the marts so that a reader never sees half a publication, even if the run is killed.

1. All files of a publication are written into `publicaties/.<id>.tmp/`, which is renamed to
   `publicaties/<id>/` when complete (a directory rename is atomic).
2. `publicatie.json` is replaced (temp file + os.replace): this is the commit point. Readers
   (the dashboard, `read_publication`) follow it to the immutable directory.
3. The top-level `<marts>/*.parquet` files of the output contract are refreshed from that
   directory, each with os.replace. A kill in this step leaves them mixed for a moment;
   `repair_top_level` (run before and after every publication) restores them.
Older publication directories are pruned, keeping the last few for readers still on them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from pipeline.method import METHODS, load_method
from pipeline.publish.locking import failure_reason

# Mart table -> published file. The contract marts of METHOD.md first.
MART_FILES = {
    "wijk_index": "wijk_index.parquet",
    "thema_scores": "thema_scores.parquet",
    "indicator_scores": "indicator_scores.parquet",
    "stad_index": "stad_index.parquet",
    "gemeente_index": "gemeente_index.parquet",
    "groep_index": "groep_index.parquet",
    "calibratie": "calibratie.parquet",
    "wijken": "wijken.parquet",
    "politie_maand": "politie_maand.parquet",
    "meldingen_maand": "meldingen_maand.parquet",
    "prestaties": "prestaties.parquet",
    "voortgang": "voortgang.parquet",
    "quarantaine": "quarantaine.parquet",
    "bestanden": "bestanden.parquet",
    "bestandswijzigingen": "bestandswijzigingen.parquet",
    "bronnen": "bronnen.parquet",
    "politie_ontbrekende_codes": "politie_ontbrekende_codes.parquet",
    "meldingen_vocabulaire": "meldingen_vocabulaire.parquet",
    "meldingen_buiten_vocabulaire": "meldingen_buiten_vocabulaire.parquet",
    "wijk_geometrie": "wijk_geometrie.parquet",
    "prestatie_effecten": "prestatie_effecten.parquet",
    "gevoeligheid": "gevoeligheid.parquet",
    "gevoeligheid_wijk": "gevoeligheid_wijk.parquet",
}
MANIFEST = "publicatie.json"
METHOD_CONFIG = "methode.json"  # the resolved method config this publication was computed with
RUN_INFO = "run_info.parquet"
CHECKS = "controles.parquet"
PUBLICATIONS = "publicaties"
# Outcomes of the data checks of each run (written by pipeline/defs/checks.py, published here).
CHECK_RESULTS_DDL = ("CREATE TABLE IF NOT EXISTS check_results (check_name VARCHAR, asset VARCHAR, "
                     "passed BOOLEAN, severity VARCHAR, details VARCHAR, checked_at TIMESTAMP, run_id VARCHAR)")
KEEP_PUBLICATIONS = 3


class PublicationMissing(Exception):
    """No complete publication in this marts folder yet."""


class PublicationFailed(Exception):
    """Writing a publication failed; the message (Dutch) says whether the previous one still stands."""


def atomic_write_text(target: Path, text: str) -> None:
    """Write, fsync, then rename over the target and fsync the folder: after a crash the target
    is the old or the new text, never a half-written or empty file."""
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_folder(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path, params: list, publication_id: str) -> None:
    """Write one Parquet file; the publication id also goes into its key-value metadata, so even
    a file without rows says which publication it belongs to."""
    if not re.fullmatch(r"[0-9A-Za-z-]+", publication_id):
        raise ValueError(f"ongeldig publicatie-id {publication_id!r}")
    quoted = str(target).replace("'", "''")  # a quote in the marts path must not end the SQL string
    con.execute(f"COPY ({query}) TO '{quoted}' "
                f"(FORMAT parquet, KV_METADATA {{publicatie_id: '{publication_id}'}})", params)


def publish_marts(con: duckdb.DuckDBPyConnection, settings, run_id: str) -> dict:
    """Write a new publication next to the current one and commit it by replacing publicatie.json.
    A failure before that moment leaves the previous publication as it was; after it, the new one
    stands and only the top-level copies may lag (all old or all new), which the next run repairs."""
    marts = settings.marts_path
    try:
        info, publication_id = _write_publication(con, settings, run_id)
    except (OSError, duckdb.Error) as exc:
        _remove_leftovers(marts)
        raise PublicationFailed(f"Publiceren in {marts} is mislukt ({failure_reason(exc)}); de vorige publicatie is "
                                "ongewijzigd.") from None
    try:
        repair_top_level(marts)
        _prune(marts / PUBLICATIONS, keep=publication_id)
    except OSError as exc:
        raise PublicationFailed(
            f"De nieuwe publicatie {publication_id} is vastgelegd, maar de bestanden op het hoogste niveau van "
            f"{marts} konden niet worden bijgewerkt ({failure_reason(exc)}); ze zijn nog allemaal van de vorige publicatie. "
            "Het dashboard toont de nieuwe publicatie; de volgende run herstelt de bestanden.") from None
    return info


def _write_publication(con: duckdb.DuckDBPyConnection, settings, run_id: str) -> tuple[dict, str]:
    marts = settings.marts_path
    root = marts / PUBLICATIONS
    root.mkdir(parents=True, exist_ok=True)
    repair_top_level(marts)
    _remove_leftovers(marts)
    now = datetime.now(timezone.utc)
    publication_id = f"{now:%Y%m%dT%H%M%S%f}-{run_id[:8]}"
    method = settings.method_config()
    base_year = con.execute("SELECT basisjaar FROM int_base_year").fetchall()[0][0]
    info = {
        "publicatie_id": publication_id,
        "run_id": run_id,
        "gepubliceerd_op": now.isoformat(timespec="seconds"),
        "methode": method["method"]["label"],
        "methode_hash": method["method"]["hash"],
        "basisjaar": base_year,
        "ruwe_map": str(settings.raw_path),
        "jaren": [r[0] for r in con.execute("SELECT DISTINCT jaar FROM wijk_index ORDER BY 1").fetchall()],
        "wijken_gepubliceerd": con.execute(
            'SELECT count(*) FROM wijk_index WHERE "index" IS NOT NULL').fetchall()[0][0],
        "bestanden": {},
    }
    building = root / f".{publication_id}.tmp"
    building.mkdir()
    for table, file_name in MART_FILES.items():
        _copy(con, f'SELECT *, ?::VARCHAR AS publicatie_id FROM "{table}"', building / file_name, [publication_id],
              publication_id)
        info["bestanden"][file_name] = con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
    con.execute(CHECK_RESULTS_DDL)
    _copy(con, "SELECT check_name AS controle, asset AS tabel, passed AS geslaagd, severity AS ernst, "
               "details AS toelichting, checked_at AS gecontroleerd_op, ?::VARCHAR AS publicatie_id "
               "FROM check_results WHERE run_id = ? ORDER BY checked_at", building / CHECKS,
          [publication_id, run_id], publication_id)
    _copy(con, "SELECT ?::VARCHAR AS publicatie_id, ?::VARCHAR AS run_id, ?::TIMESTAMPTZ AS gepubliceerd_op, "
               "?::VARCHAR AS methode, ?::VARCHAR AS methode_hash, ?::INTEGER AS basisjaar, ?::VARCHAR AS ruwe_map, "
               "?::INTEGER AS wijken_gepubliceerd", building / RUN_INFO,
          [info[k] for k in ("publicatie_id", "run_id", "gepubliceerd_op", "methode", "methode_hash", "basisjaar",
                             "ruwe_map", "wijken_gepubliceerd")], publication_id)
    (building / METHOD_CONFIG).write_text(json.dumps(method, indent=2, ensure_ascii=False), encoding="utf-8")
    (building / MANIFEST).write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
    _fsync_dir(building)
    os.rename(building, root / publication_id)  # complete directory, atomically
    _fsync_folder(root)
    atomic_write_text(marts / MANIFEST, json.dumps(info, indent=2, ensure_ascii=False))  # commit point
    return info, publication_id


def published_files() -> list[str]:
    return [*MART_FILES.values(), CHECKS, RUN_INFO]


def read_manifest(marts: Path) -> dict:
    try:
        manifest = json.loads((marts / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PublicationMissing(f"Nog geen publicatie in {marts}.") from None
    except (ValueError, UnicodeDecodeError):  # empty or damaged: written by something else than this project
        raise PublicationMissing(f"{marts / MANIFEST} is leeg of beschadigd; er is geen leesbare publicatie. "
                                 "Draai de pipeline opnieuw: die schrijft een nieuwe.") from None
    if not isinstance(manifest, dict) or not re.fullmatch(r"[0-9A-Za-z-]+", str(manifest.get("publicatie_id", ""))):
        raise PublicationMissing(f"{marts / MANIFEST} noemt geen geldige publicatie. Draai de pipeline opnieuw.")
    return manifest


def read_published_method(marts: Path, manifest: dict | None = None) -> dict:
    """The method config a publication was computed with (not whatever the config files say today).
    Publications from before methode.json existed were all v1: their label names the file."""
    manifest = manifest or read_manifest(marts)
    try:
        return json.loads((publication_dir(marts, manifest) / METHOD_CONFIG).read_text(encoding="utf-8"))
    except FileNotFoundError:
        label = manifest.get("methode", "")
        return load_method(next((v for v in METHODS if label.endswith(f"-{v}")), "v1"))


def publication_dir(marts: Path, manifest: dict | None = None) -> Path:
    manifest = manifest or read_manifest(marts)
    return marts / PUBLICATIONS / manifest["publicatie_id"]


def read_publication(marts: Path, names: list[str] | None = None, attempts: int = 20) -> tuple[dict, dict[str, pl.DataFrame]]:
    """The current publication as frames, all from one publication id. Retries when a new
    publication replaces the directory while reading (it is pruned only after the switch)."""
    names = names or [n.removesuffix(".parquet") for n in published_files()]
    last_error: Exception | None = None
    for _ in range(attempts):
        manifest = read_manifest(marts)
        folder = publication_dir(marts, manifest)
        try:
            # a publication older than a mart lacks its file (its folder is there): that mart is absent
            frames = {n: pl.read_parquet(folder / f"{n}.parquet") for n in names
                      if (folder / f"{n}.parquet").exists() or not folder.is_dir()}
        except FileNotFoundError as exc:  # pruned by a newer publication: follow the manifest again
            last_error = exc
            time.sleep(0.05)
            continue
        if read_manifest(marts)["publicatie_id"] == manifest["publicatie_id"]:
            return manifest, frames
        last_error = RuntimeError("publicatie gewisseld tijdens het lezen")
    raise PublicationMissing(f"Publicatie in {marts} kon niet consistent gelezen worden: {last_error}")


def repair_top_level(marts: Path) -> None:
    """Make the top-level contract files equal to the committed publication (after a kill)."""
    try:
        manifest = read_manifest(marts)
    except PublicationMissing:
        return
    folder = publication_dir(marts, manifest)
    if not folder.is_dir():
        return
    stale = [name for name in published_files()
             if (folder / name).exists()  # a publication older than a mart lacks its file
             and not ((marts / name).exists() and file_publication_id(marts / name) == manifest["publicatie_id"])]
    # Two phases, so the top level is all old or all new: copy every stale file beside its target
    # first (this can fail on a full disk, leaving the targets untouched), then rename (cannot).
    copies = {name: marts / f".{name}.{uuid.uuid4().hex}.tmp" for name in stale}
    try:
        for name, tmp in copies.items():
            shutil.copyfile(folder / name, tmp)
        for name, tmp in copies.items():
            os.replace(tmp, marts / name)
    finally:
        for tmp in copies.values():
            tmp.unlink(missing_ok=True)


def file_publication_id(path: Path) -> str | None:
    """The publication a Parquet file belongs to (from its metadata), None if unknown."""
    try:
        return pl.read_parquet_metadata(path).get("publicatie_id")
    except Exception:  # a damaged or foreign file is simply replaced
        return None


def _remove_leftovers(marts: Path) -> None:
    """Temporary files and directories of runs that were killed."""
    for tmp in marts.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
    for tmp in (marts / PUBLICATIONS).glob(".*.tmp"):
        shutil.rmtree(tmp, ignore_errors=True)


def _prune(root: Path, keep: str) -> None:
    done = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in done[:-KEEP_PUBLICATIONS]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())
