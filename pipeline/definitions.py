"""Entry point for `dagster dev` and the CLI: everything the project defines, loaded lazily."""

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    import warnings

    # Code references (links from each asset to its .sql/.py file) are "beta" in Dagster 1.13.
    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    from pipeline.defs.assets import build_assets
    from pipeline.defs.automation import (automation_sensor, monthly_schedule, raw_files_sensor, run_failure_alert,
                                          run_success_record, veiligheidsindex_job)
    from pipeline.defs.checks import build_checks
    from pipeline.defs.resources import default_resources
    from pipeline.method import load_method

    return dg.Definitions(
        assets=build_assets(),
        asset_checks=build_checks(load_method()),
        jobs=[veiligheidsindex_job],
        schedules=[monthly_schedule],
        sensors=[raw_files_sensor, automation_sensor, run_failure_alert, run_success_record],
        resources=default_resources(),
        # DuckDB allows one writing process per file: every run, also automation runs, in one process.
        executor=dg.in_process_executor,
    )
