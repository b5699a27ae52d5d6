"""The dashboard's word on the latest run: a refused delivery is said at the top of every page,
with the publication the reader sees instead (status file: pipeline/alerts/status.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.alerts.status import FAILED, parse_time, read_run_status

TIMEZONE = ZoneInfo("Europe/Amsterdam")  # the gemeente's clock, as every time on the dashboard


def local_time(moment: datetime) -> str:
    """'03-05-2026 14:02' in Dutch local time (the dashboard's publication times read the same)."""
    return moment.astimezone(TIMEZONE).strftime("%d-%m-%Y %H:%M")


def refusal_banner(marts) -> str | None:
    """"De levering van <datum> is niet verwerkt: <reden>; u ziet de publicatie van <datum>." when
    the latest run on the publication's raw folder failed after this publication was made; None
    otherwise, also for a publication without status file. `marts`: a Marts (read_marts) or a
    marts folder."""
    if isinstance(marts, (str, Path)):
        from pipeline.publish.publication import PublicationMissing, read_manifest

        directory = Path(marts)
        try:
            manifest = read_manifest(directory)
        except PublicationMissing:
            return None
    else:
        directory, manifest = Path(marts.directory), marts.manifest
    status = read_run_status(directory)
    if status is None or status.get("status") != FAILED or status.get("ruwe_map") != manifest.get("ruwe_map"):
        return None
    started, published = parse_time(status.get("gestart_op")), parse_time(manifest.get("gepubliceerd_op"))
    if started is None or published is None or started <= published:
        return None  # a later publication replaced what was refused
    reason = " ".join(str(status.get("reden") or "de run is mislukt").split()).rstrip(".;")
    return (f"De levering van {local_time(started)} is niet verwerkt: {reason}; "
            f"u ziet de publicatie van {local_time(published)}.")
