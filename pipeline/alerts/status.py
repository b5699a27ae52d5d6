"""<marts>/laatste_run.json: the latest run on a marts folder, so the dashboard can say that a
delivery was refused while it shows the previous publication.

Written by the failure and success sensors (Dagster runs) and by `veiligheidsindex run` (CLI
runs), atomically. It is no part of the publication: a failed run never touches publicatie.json,
publicaties/ or the top-level Parquet files, and the dashboard reads the publication as before.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

STATUS_FILE = "laatste_run.json"
FAILED, PUBLISHED = "mislukt", "gepubliceerd"


def write_run_status(marts: Path, *, run_id: str, started_at: datetime, status: str, raw_dir: Path,
                     reason: str | None = None, publication_id: str | None = None, job: str | None = None) -> bool:
    """Replace the status file (temp file + rename). Only into an existing marts folder: a run
    that never got that far has no publication to warn about. OSError is the caller's to log."""
    from pipeline.publish.publication import atomic_write_text  # polars, duckdb: not at the dashboard's import

    if status not in (FAILED, PUBLISHED):
        raise ValueError(f"onbekende runstatus {status!r}")
    marts = Path(marts)
    if not marts.is_dir():
        return False
    record = {
        "run_id": run_id,
        "job": job,
        "gestart_op": _aware(started_at).isoformat(),  # to the microsecond: compared with the publication's time
        "status": status,
        "reden": reason if status == FAILED else None,
        "ruwe_map": str(raw_dir),
        "publicatie_id": publication_id,
        "geschreven_op": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    atomic_write_text(marts / STATUS_FILE, json.dumps(record, indent=2, ensure_ascii=False))
    return True


def read_run_status(marts: Path) -> dict | None:
    """The status file, None when absent (older publications) or not readable as ours."""
    try:
        record = json.loads((Path(marts) / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return record if isinstance(record, dict) and record.get("status") in (FAILED, PUBLISHED) else None


def parse_time(value) -> datetime | None:
    """An ISO timestamp from the status file or the manifest, timezone-aware (UTC if naive)."""
    try:
        return _aware(value if isinstance(value, datetime) else datetime.fromisoformat(str(value)))
    except (TypeError, ValueError):
        return None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
