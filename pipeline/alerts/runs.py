"""Reporting a finished run: the status file for the dashboard and, when it failed, the alert.
Called by the failure and success sensors (pipeline/defs/automation.py) for Dagster runs and by
`veiligheidsindex run` (pipeline/cli.py) for its in-process runs, with the same texts."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from pipeline.alerts.notify import Alert, send_alert
from pipeline.alerts.reasons import failure_message, plain_reason
from pipeline.alerts.status import FAILED, PUBLISHED, write_run_status

log = logging.getLogger("veiligheidsindex.alerts")


def run_started_at(instance, dagster_run) -> datetime:
    """When the run started (its record), else when it was created, else now; timezone-aware."""
    record = instance.get_run_record_by_id(dagster_run.run_id) if instance is not None else None
    if record is not None and record.start_time:
        return datetime.fromtimestamp(record.start_time, tz=UTC)
    if record is not None and record.create_timestamp:
        created = record.create_timestamp
        return created if created.tzinfo else created.replace(tzinfo=UTC)
    return datetime.now(UTC)


def run_folders(dagster_run, raw_default: Path, marts_default: Path) -> tuple[Path, Path]:
    """The raw and marts folders a run used: its run config (Launchpad, CLI), else the defaults
    of the settings resource (environment variables)."""
    config = (((dagster_run.run_config or {}).get("resources") or {}).get("settings") or {}).get("config") or {}
    return (Path(config.get("raw_dir") or raw_default).resolve(), Path(config.get("marts_dir") or marts_default).resolve())


def report_failure(*, run_id: str, job: str, started_at: datetime, raw_dir: Path, marts_dir: Path, events) -> Alert:
    """Status 'mislukt' in the marts folder and the alert (log line, webhook, e-mail)."""
    events = list(events)
    alert = Alert(run_id, job, started_at, Path(raw_dir), Path(marts_dir), failure_message(events))
    try:
        write_run_status(marts_dir, run_id=run_id, started_at=started_at, status=FAILED, raw_dir=raw_dir,
                         reason=plain_reason(events), job=job)
    except OSError as exc:  # a read-only or full marts location: the alert still goes out
        log.warning("Status van run %s kon niet in %s worden geschreven: %s", run_id, marts_dir, exc)
    send_alert(alert)
    return alert


def report_publication(*, run_id: str, job: str, started_at: datetime, raw_dir: Path, marts_dir: Path) -> bool:
    """Status 'gepubliceerd', when this run's publication is the one publicatie.json names (a run
    that materialised a few assets without publishing leaves the status as it was)."""
    from pipeline.publish.publication import PublicationMissing, read_manifest

    try:
        manifest = read_manifest(Path(marts_dir))
    except (PublicationMissing, OSError):
        return False
    if manifest.get("run_id") != run_id:
        return False
    try:
        return write_run_status(marts_dir, run_id=run_id, started_at=started_at, status=PUBLISHED, raw_dir=raw_dir,
                                publication_id=manifest.get("publicatie_id"), job=job)
    except OSError as exc:
        log.warning("Status van run %s kon niet in %s worden geschreven: %s", run_id, marts_dir, exc)
        return False


def report_cli_run(instance, result, raw: Path, marts: Path) -> None:
    """`veiligheidsindex run`: the in-process run's outcome, as the sensors report Dagster runs."""
    run = result.dagster_run
    folders = {"run_id": run.run_id, "job": run.job_name, "started_at": run_started_at(instance, run),
               "raw_dir": Path(raw).resolve(), "marts_dir": Path(marts).resolve()}
    if result.success:
        report_publication(**folders)
    else:
        report_failure(**folders, events=result.all_events)
