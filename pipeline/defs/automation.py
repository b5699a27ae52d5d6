"""The job, a monthly schedule, a sensor that starts a run when raw files change, and the
automation sensor that lets eager assets follow a re-read source."""


import hashlib
import json

import dagster as dg

from pipeline.defs.resources import PipelineSettings

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


def raw_fingerprint(raw_dir) -> str:
    """Names, sizes and modification times of every CSV under the raw folder: cheap to compute,
    changes whenever a file is added, removed or replaced."""
    entries = sorted(
        (str(p.relative_to(raw_dir)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in raw_dir.rglob("*") if p.is_file() and p.suffix.lower() == ".csv")
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()


@dg.sensor(job=veiligheidsindex_job, minimum_interval_seconds=60,
           default_status=dg.DefaultSensorStatus.STOPPED,
           description="Start een run zodra er in de ruwe map bestanden bijkomen, wijzigen of verdwijnen.")
def raw_files_sensor(context: dg.SensorEvaluationContext, settings: PipelineSettings):
    raw_dir = settings.raw_path
    if not raw_dir.is_dir():
        return dg.SkipReason(f"Ruwe map {raw_dir} bestaat niet.")
    fingerprint = raw_fingerprint(raw_dir)
    if fingerprint == context.cursor:
        return dg.SkipReason("Geen nieuwe of gewijzigde bestanden.")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)


# Declared, so that the eager conditions of the SQL assets and the publication are evaluated:
# re-materialise raw_politie in the UI and everything downstream follows. Off by default like the
# other automation; switch it on under Automation.
automation_sensor = dg.AutomationConditionSensorDefinition(
    "volg_bronnen", target=dg.AssetSelection.all(), minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Werkt afgeleide tabellen en de publicatie bij zodra een bron opnieuw is ingelezen.")
