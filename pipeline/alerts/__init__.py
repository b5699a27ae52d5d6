"""Telling analysts what happened to a run, and what changed in the raw folder.

  reasons  the Dutch reason a run failed, from its Dagster events (CLI, failure sensor, status file)
  status   <marts>/laatste_run.json: the latest run on a marts folder, for the dashboard's banner
  notify   the alert itself: a line in the alert log, and optionally a webhook and an e-mail
  runs     a finished run reported: status file, and the alert when it failed (sensors and CLI)
  changes  the file changes of a run (model int_file_changes) as a short Markdown list for Dagster

Nothing here imports Dagster at module level: the dashboard reads the status file through
pipeline/presentation/run_status.py.
"""
