"""The job, a monthly schedule, a sensor that starts a run when the content of the raw files
changes, the automation sensor that lets eager assets follow a re-read source, and two run-status
sensors that tell analysts what became of a run (alert log, webhook, e-mail; the dashboard's banner).

On and off by default: the schedule, the raw-files sensor and the automation sensor start runs and
are off until switched on under Automation; the two run-status sensors only write a status file
and an alert, so they are on (they need the Dagster daemon, which `dagster dev` starts)."""

import hashlib
import json
from pathlib import Path

import dagster as dg

from pipeline.alerts.reasons import run_events
from pipeline.alerts.runs import report_failure, report_publication, run_folders, run_started_at
from pipeline.defs.resources import PipelineSettings
from pipeline.ingest.readers import RawFileError, list_csv_files, open_raw
from pipeline.ingest.sources import SOURCES, SOURCES_BY_NAME

veiligheidsindex_job = dg.define_asset_job(
    "veiligheidsindex_job",
    selection=dg.AssetSelection.all(),
    description="De hele pipeline: ruwe bestanden inlezen, index berekenen, controleren en publiceren.",
    # DuckDB allows one writing process per file: run the steps in one process, one at a time.
    executor_def=dg.in_process_executor,
)

monthly_schedule = dg.ScheduleDefinition(
    name="maandelijks", job=veiligheidsindex_job, cron_schedule="0 6 2 * *",
    execution_timezone="Europe/Amsterdam",
    description="Elke 2e van de maand om 06:00, na de maandelijkse CBS/politie-publicatie.",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)

# --- Raw files: content, not modification times ----------------------------------------------------
# The cursor (JSON) keeps, per file a run would read, its size, mtime and sha-256 as last seen, and
# the content the last requested run was given (its "basis"). A file is hashed only when its size or
# mtime changed; a change counts only once size and mtime stood still for one whole evaluation
# interval (a file still being copied keeps changing); a run starts only when some content differs
# from the basis. The first basis is the current publication's file list (bestanden), if it was
# made from this raw folder: switching the sensor on starts no run when nothing changed.

CURSOR_VERSION = 2
HASH_BLOCK = 1 << 20
TAG_NAMES = 10  # file names per run tag; the rest is counted


def scan_raw_folder(raw_dir: Path) -> tuple[dict[str, list], set[str]]:
    """'<folder>/<file>' -> [size, mtime_ns] for every file a run would read (the sources'
    listings, confined to the raw folder), and the folders whose listing a run would refuse (a
    link out of the raw folder, a FIFO): '<folder>/' -> ['fout', message], named as the run would
    name them, never followed."""
    found: dict[str, list] = {}
    refused: set[str] = set()
    for source in SOURCES:
        try:
            paths = list_csv_files(raw_dir / source.folder, source, raw_dir)
        except RawFileError as exc:
            found[f"{source.folder}/"] = ["fout", str(exc)]
            refused.add(f"{source.folder}/")
            continue
        for path in paths:
            try:
                stat = path.stat()
            except OSError:
                continue  # removed since the listing: not in the folder
            found[f"{source.folder}/{path.name}"] = [stat.st_size, stat.st_mtime_ns]
    return found, refused


def content_hash(raw_dir: Path, name: str) -> str:
    """sha-256 of one listed file, as ingest computes it, read in blocks (a large file costs no
    memory), opened without following a link out of the raw folder; a file that cannot be read
    gets its Dutch reason instead (the run will stop on it and say the same)."""
    digest = hashlib.sha256()
    try:
        with open_raw(raw_dir / name, name, raw_dir) as handle:
            while block := handle.read(HASH_BLOCK):
                digest.update(block)
    except RawFileError as exc:
        return f"fout: {exc}"
    except OSError as exc:
        return f"fout: {name} kan niet worden gelezen ({exc.strerror})"
    return digest.hexdigest()


def published_contents(marts: Path, raw_dir: Path) -> dict[str, str] | None:
    """'<folder>/<file>' -> sha-256 of the current publication's files (mart bestanden), if that
    publication was made from this raw folder; None otherwise."""
    import polars as pl

    from pipeline.publish.publication import PublicationMissing, read_publication

    try:
        manifest, frames = read_publication(marts, ["bestanden"], attempts=3)
    except (PublicationMissing, OSError, pl.exceptions.PolarsError):
        return None
    if manifest.get("ruwe_map") != str(raw_dir):
        return None
    return {f"{SOURCES_BY_NAME[bron].folder}/{bestand}": sha
            for bron, bestand, sha in frames["bestanden"].select("bron", "bestand", "sha256").iter_rows()
            if bron in SOURCES_BY_NAME}


def compare(basis: dict[str, str], contents: dict[str, str]) -> dict[str, list[str]]:
    """nieuw / gewijzigd / verwijderd, and onleesbaar: what the run will refuse, with its reason."""
    differ = sorted(n for n in contents if basis.get(n) != contents[n])
    return {"nieuw": [n for n in differ if n not in basis and not contents[n].startswith("fout: ")],
            "gewijzigd": [n for n in differ if n in basis and not contents[n].startswith("fout: ")],
            "verwijderd": sorted(set(basis) - set(contents)),
            "onleesbaar": [n for n in differ if contents[n].startswith("fout: ")]}


def _load_cursor(cursor: str | None) -> dict:
    try:
        state = json.loads(cursor) if cursor else None
    except ValueError:  # the fingerprint string of the earlier sensor: start afresh
        state = None
    if not isinstance(state, dict) or state.get("v") != CURSOR_VERSION:
        return {"v": CURSOR_VERSION, "files": None, "basis": None, "runs": 0}
    return state


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:TAG_NAMES])
    return shown + (f" en nog {len(names) - TAG_NAMES}" if len(names) > TAG_NAMES else "")


@dg.sensor(job=veiligheidsindex_job, minimum_interval_seconds=60,
           default_status=dg.DefaultSensorStatus.STOPPED,
           description="Start een run zodra de inhoud van de ruwe bestanden verandert (sha-256): een bestand komt "
                       "erbij, wijzigt of verdwijnt. Wacht tot de bestanden een evaluatie lang stil staan; een "
                       "opnieuw gekopieerd bestand met dezelfde inhoud start niets.")
def raw_files_sensor(context: dg.SensorEvaluationContext, settings: PipelineSettings):
    raw_dir = settings.raw_path
    if not raw_dir.is_dir():
        return dg.SkipReason(f"Ruwe map {raw_dir} bestaat niet.")
    state = _load_cursor(context.cursor)
    seen, refused = scan_raw_folder(raw_dir)
    before = state["files"] or {}
    for folder in refused:  # its files are not listed: they stay as last seen, the refusal is the change
        seen.update({n: entry[:2] for n, entry in before.items() if n.startswith(folder) and n != folder})
    moving = sorted({n for n, stat in seen.items() if n not in before or before[n][:2] != stat}
                    | (set(before) - set(seen)))
    # per file [size, mtime_ns, sha-256 or None]: the hash carries over while size and mtime do
    files = {name: [*stat, None if name in moving else before[name][2]] for name, stat in seen.items()}
    if state["files"] is None or moving:
        first = state["files"] is None
        context.update_cursor(json.dumps({**state, "files": files}))
        if first:
            return dg.SkipReason(f"Eerste waarneming van {raw_dir} ({len(files)} bestanden); de inhoud wordt "
                                 "vergeleken zodra de bestanden een evaluatie lang ongewijzigd zijn.")
        return dg.SkipReason(f"Wacht tot deze bestanden een evaluatie lang ongewijzigd zijn (nog aan het "
                             f"kopiëren?): {_names(moving)}.")
    for name, entry in files.items():
        if entry[2] is None:
            entry[2] = f"fout: {entry[1]}" if entry[0] == "fout" else content_hash(raw_dir, name)
    contents = {name: entry[2] for name, entry in files.items()}
    basis, compared_with = state["basis"], "de vorige run van deze sensor"
    if basis is None:
        basis = published_contents(settings.marts_path, raw_dir)
        compared_with = "de huidige publicatie" if basis is not None else "niets (nog geen publicatie uit deze map)"
        basis = basis or {}
    changes = compare(basis, contents)
    if not any(changes.values()):
        context.update_cursor(json.dumps({**state, "files": files, "basis": basis}))
        return dg.SkipReason(f"Geen bestand met nieuwe inhoud ({len(contents)} bestanden, sha-256 vergeleken met "
                             f"{compared_with}).")
    runs = state["runs"] + 1
    context.update_cursor(json.dumps({**state, "files": files, "basis": contents, "runs": runs}))
    summary = "; ".join(f"{kind}: {_names(names)}" for kind, names in changes.items() if names)
    context.log.info(f"Run aangevraagd, vergeleken met {compared_with}: {summary}")
    digest = hashlib.sha256(json.dumps(sorted(contents.items())).encode()).hexdigest()
    return dg.RunRequest(
        run_key=f"{digest[:16]}-{runs}",  # the count: content that returns to an earlier state runs again
        tags={"vi/aanleiding": "ruwe bestanden gewijzigd",
              **{f"vi/{kind}": _names(names) for kind, names in changes.items() if names}})


# Declared, so that the eager conditions of the SQL assets and the publication are evaluated:
# re-materialise raw_politie in the UI and everything downstream follows. Off by default like the
# other automation; switch it on under Automation.
automation_sensor = dg.AutomationConditionSensorDefinition(
    "volg_bronnen", target=dg.AssetSelection.all(), minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Werkt afgeleide tabellen en de publicatie bij zodra een bron opnieuw is ingelezen.")


# --- Run outcomes: analysts are told ------------------------------------------------------------------
# Runs of `veiligheidsindex run` (tag bron=cli) report themselves (pipeline/cli.py): never twice.

@dg.run_failure_sensor(name="meld_mislukte_run", minimum_interval_seconds=30,
                       default_status=dg.DefaultSensorStatus.RUNNING,
                       description="Schrijft bij een mislukte run een Nederlandse melding in het meldingenlog (en naar "
                                   "een webhook of e-mailadres als die zijn ingesteld: VI_ALERT_*) en de status in "
                                   "<marts>/laatste_run.json, zodat het dashboard zegt dat de levering niet is verwerkt.")
def run_failure_alert(context: dg.RunFailureSensorContext, settings: PipelineSettings):
    run = context.dagster_run
    if run.tags.get("bron") == "cli":
        return dg.SkipReason("Run van de CLI: die meldt zichzelf.")
    raw_dir, marts_dir = run_folders(run, settings.raw_path, settings.marts_path)
    alert = report_failure(run_id=run.run_id, job=run.job_name, started_at=run_started_at(context.instance, run),
                           raw_dir=raw_dir, marts_dir=marts_dir, events=run_events(context.instance, run.run_id))
    context.log.info(alert.line())


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, name="registreer_publicatie",
                      minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING,
                      description="Legt na een geslaagde run met publicatie de status vast in <marts>/laatste_run.json "
                                  "(een eerdere weigering is dan voorbij).")
def run_success_record(context: dg.RunStatusSensorContext, settings: PipelineSettings):
    run = context.dagster_run
    if run.tags.get("bron") == "cli":
        return dg.SkipReason("Run van de CLI: die meldt zichzelf.")
    raw_dir, marts_dir = run_folders(run, settings.raw_path, settings.marts_path)
    report_publication(run_id=run.run_id, job=run.job_name, started_at=run_started_at(context.instance, run),
                       raw_dir=raw_dir, marts_dir=marts_dir)
