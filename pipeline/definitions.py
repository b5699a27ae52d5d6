"""Entry point for `dagster dev` and the CLI: everything the project defines, in one place."""

import dagster as dg

from pipeline.defs.assets import all_assets
from pipeline.defs.automation import monthly_schedule, raw_files_sensor, veiligheidsindex_job
from pipeline.defs.checks import all_checks
from pipeline.defs.resources import build_resources

defs = dg.Definitions(
    assets=all_assets,
    asset_checks=all_checks,
    jobs=[veiligheidsindex_job],
    schedules=[monthly_schedule],
    sensors=[raw_files_sensor],
    resources=build_resources(),
    # DuckDB allows one writing process per file: every run, also automation runs, in one process.
    executor=dg.in_process_executor,
)
