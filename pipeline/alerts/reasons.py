"""The Dutch reason a run failed, from its Dagster events: the step's own message (a dg.Failure's
description, else the innermost cause, not Dagster's wrapper) and every failed blocking check.
One place for the CLI's `FOUT:` text, the failure sensor's alert and the dashboard's banner."""

from __future__ import annotations

from collections.abc import Iterable

UNKNOWN = "de run is mislukt (zie de Dagster-log)."


def failure_reasons(events: Iterable) -> list[tuple[str | None, str]]:
    """(step key or None for a check, Dutch message) for every step failure and failed check."""
    found = []
    for event in events:
        if event is None:
            continue
        if event.event_type_value == "STEP_FAILURE":
            data = event.step_failure_data
            err = data.user_failure_data.description if data.user_failure_data else None
            if not err and data.error:
                cause = data.error
                while cause.cause is not None:  # the user's error, not Dagster's wrapper
                    cause = cause.cause
                err = cause.message.strip()
            found.append((event.step_key, err or "onbekende fout"))
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                found.append((None, (f"controle {evaluation.check_name} op {evaluation.asset_key.to_user_string()} "
                                     f"mislukt: {evaluation.description}")))
    return found


def failure_message(events: Iterable) -> str:
    """One line per failure, the step first (for analysts: the CLI and the alert log)."""
    return "\n".join(f"{step}: {text}" if step else text for step, text in failure_reasons(events)) or UNKNOWN


def plain_reason(events: Iterable) -> str:
    """The reasons without step keys, for readers who do not know the pipeline (the banner)."""
    texts = list(dict.fromkeys(text.strip().rstrip(".") for _, text in failure_reasons(events)))
    return "; ".join(texts) or UNKNOWN.rstrip(".")


def run_events(instance, run_id: str) -> list:
    """The step failures and check evaluations of a stored run (the failure sensor's view)."""
    from dagster import DagsterEventType

    records = instance.get_records_for_run(
        run_id=run_id, of_type={DagsterEventType.STEP_FAILURE, DagsterEventType.ASSET_CHECK_EVALUATION}).records
    return [r.event_log_entry.dagster_event for r in records]  # in the order they happened
