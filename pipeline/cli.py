"""`veiligheidsindex`: run the pipeline without the UI, make demo data, export scorecards."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from pipeline import PROJECT_ROOT
from pipeline.publish import locking
from pipeline.method import DEFAULT_METHOD, METHODS


def _fail(message: str) -> int:
    print(f"FOUT: {message}", file=sys.stderr)
    return 1


def run_pipeline(raw: Path, marts: Path, base_year: int | None = None, database: Path | None = None,
                 quiet: bool = False, on_step=None, method: str | None = None) -> dict:
    """Run the Dagster job of pipeline.definitions on one raw folder; raise PipelineError on failure.
    on_step(event_type, step_key) is called at every step start, success and failure."""
    import dagster as dg

    from pipeline.definitions import defs
    from pipeline.defs.automation import veiligheidsindex_job
    from pipeline.defs.resources import default_database, run_config
    from pipeline.publish.publication import read_manifest

    if not raw.is_dir():
        raise PipelineError(f"De ruwe map {raw} bestaat niet.")
    # The job of the Dagster definitions, with this run's folders as run config (as the Launchpad
    # would give them) and a compact progress log instead of Dagster's full event log.
    job = defs().resolve_job_def(veiligheidsindex_job.name).with_logger_defs(
        {"voortgang": _progress_logger(quiet, on_step)})
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    try:
        # refuse, with a clear message, while another run publishes here or uses the same database
        with locking.run_lock(marts, Path(database or default_database(marts))):
            result = job.execute_in_process(
                instance=instance, raise_on_error=False, tags={"bron": "cli"},
                run_config={**run_config(raw, marts, method, base_year, database), "loggers": {"voortgang": {}}})
    except locking.RunLocked as exc:
        raise PipelineError(str(exc)) from None
    if not result.success:
        raise PipelineError(_failure_message(result))
    return read_manifest(marts)


def committed_publication(marts: Path) -> str | None:
    """The publication publicatie.json names now (None: none or unreadable)."""
    from pipeline.publish.publication import PublicationMissing, read_manifest

    try:
        return read_manifest(marts).get("publicatie_id")
    except (PublicationMissing, OSError):
        return None


class PipelineError(Exception):
    pass


def _progress_logger(quiet: bool, on_step=None):
    import dagster as dg

    @dg.logger(description="Eén regel per afgeronde stap, met de verstreken tijd.")
    def progress(_init_context):
        log = logging.Logger("veiligheidsindex.voortgang", logging.DEBUG)
        log.addHandler(_ProgressHandler(quiet, on_step))
        return log

    return progress


class _ProgressHandler(logging.Handler):
    """Prints one short line per finished step instead of Dagster's full event log."""

    def __init__(self, quiet: bool, on_step=None):
        super().__init__(logging.DEBUG)
        self.quiet, self.on_step = quiet, on_step
        self.start = time.perf_counter()

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None or event.event_type_value not in ("STEP_START", "STEP_SUCCESS", "STEP_FAILURE"):
            return
        if self.on_step:
            self.on_step(event.event_type_value, event.step_key)
        if self.quiet or event.event_type_value == "STEP_START":
            return
        word = "klaar" if event.event_type_value == "STEP_SUCCESS" else "MISLUKT"
        print(f"  [{time.perf_counter() - self.start:6.1f} s] {word}: {event.step_key}", file=sys.stderr, flush=True)


def _failure_message(result) -> str:
    messages = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            data = event.step_failure_data
            err = data.user_failure_data.description if data.user_failure_data else None
            if not err and data.error:
                cause = data.error
                while cause.cause is not None:  # the user's error, not Dagster's wrapper
                    cause = cause.cause
                err = cause.message.strip()
            messages.append(f"{event.step_key}: {err or 'onbekende fout'}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                messages.append(f"controle {evaluation.check_name} op {evaluation.asset_key.to_user_string()} "
                                f"mislukt: {evaluation.description}")
    return "\n".join(messages) or "de run is mislukt (zie de Dagster-log)."


def cmd_run(args) -> int:
    raw, marts = Path(args.raw).resolve(), Path(args.marts).resolve()
    print(f"Veiligheidsindex: {raw} -> {marts}", file=sys.stderr)
    start = time.perf_counter()
    before = committed_publication(marts)
    try:
        info = run_pipeline(raw, marts, args.base_year, Path(args.database) if args.database else None,
                            method=args.method)
    except PipelineError as exc:
        after = committed_publication(marts)
        if after != before and after is not None:  # the failure came after the commit point: say so
            return _fail(f"de nieuwe publicatie {after} is vastgelegd (publicatie.json), maar daarna ging iets mis; "
                         f"de volgende run herstelt de bestanden op het hoogste niveau.\n{exc}")
        return _fail(f"de pipeline is gestopt; de vorige publicatie is ongewijzigd.\n{exc}")
    print_account(marts)
    print(f"Gepubliceerd: {info['wijken_gepubliceerd']} wijk-jaren met een index, jaren "
          f"{info['jaren'][0]}–{info['jaren'][-1]}, basisjaar {info['basisjaar']}, methode {info['methode']} "
          f"({time.perf_counter() - start:.1f} s).")
    return 0


def print_account(marts: Path) -> None:
    import polars as pl

    files = pl.read_parquet(marts / "bestanden.parquet")
    print("\nVerantwoording per bestand (gelezen = gebruikt + quarantaine):")
    for r in files.iter_rows(named=True):
        note = f" duplicaat van {r['duplicaat_van']}" if r["status"] == "duplicaat" else ""
        note += " HERZIEN" if r["herzien"] else ""
        print(f"  {r['bron']:<13} {r['bestand']:<45} {r['rijen_gelezen']:>9} = {r['rijen_gebruikt']:>9} + "
              f"{r['rijen_quarantaine']:>6}  [{r['formaat']}]{note}")
    q = pl.read_parquet(marts / "quarantaine.parquet")
    if q.height:
        print("Quarantaine per reden:")
        for r in q.group_by("bron", "reden").len().sort("bron", "reden").iter_rows(named=True):
            print(f"  {r['bron']:<13} {r['reden']:<28} {r['len']:>7}")
    checks = pl.read_parquet(marts / "controles.parquet")
    for r in checks.filter(~pl.col("geslaagd") & (pl.col("ernst") == "waarschuwing")).iter_rows(named=True):
        print(f"Waarschuwing ({r['controle']}): {r['toelichting']}")


def cmd_demo_data(args) -> int:
    from pipeline.demo.generator import generate

    out = Path(args.out).resolve()
    start = time.perf_counter()
    summary = generate(out, seed=args.seed, politie_format=args.politie_format,
                       progress=lambda msg: print(f"  {msg}", file=sys.stderr))
    print(f"Demodata geschreven naar {out} ({time.perf_counter() - start:.1f} s).")
    if isinstance(summary, dict):
        for key, value in summary.items():
            print(f"  {key}: {value}")
    return 0


def cmd_export_scorecard(args) -> int:
    from pipeline.presentation import MartsError, export_all_wijken, export_scorecard

    marts = Path(args.marts).resolve()
    try:
        data = (export_all_wijken(marts, args.jaar) if args.alle_wijken
                else export_scorecard(marts, args.wijk, args.jaar))
    except (ValueError, MartsError) as exc:
        return _fail(str(exc))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"Geschreven: {out} ({len(data)} bytes, UTF-8 met BOM, ';' en decimale komma voor Excel).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="veiligheidsindex", description="Veiligheidsindex per wijk.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="de hele pipeline draaien zonder de Dagster-UI")
    run.add_argument("--raw", default=str(PROJECT_ROOT / "data" / "raw"), help="ruwe map (standaard data/raw)")
    run.add_argument("--marts", default=str(PROJECT_ROOT / "data" / "marts"), help="publicatiemap (standaard data/marts)")
    run.add_argument("--base-year", type=int, default=None, help="basisjaar (standaard: volgens de methode)")
    run.add_argument("--method", choices=sorted(METHODS), default=DEFAULT_METHOD,
                     help=f"methodeversie (standaard {DEFAULT_METHOD}: onzekerheid per respondent; v1: onafhankelijke items)")
    run.add_argument("--database", default=None, help="DuckDB-bestand voor analisten (standaard <map naast marts>/warehouse/<marts-naam>.duckdb)")
    run.set_defaults(func=cmd_run)
    demo = sub.add_parser("demo-data", help="realistische demodata genereren")
    demo.add_argument("--out", default=str(PROJECT_ROOT / "data" / "raw"))
    demo.add_argument("--seed", type=int, default=2024)
    # the forms of pipeline.demo.generator.POLITIE_FORMATS (listed here so that --help needs no numpy)
    demo.add_argument("--politie-format", choices=("odata-csv", "odata-json", "statline"), default="odata-csv",
                      help="vorm van de politiebestanden: odata-csv (standaard, de CBS-CSV), odata-json "
                           "(de pagina's van de CBS OData-API) of statline (de StatLine-download als CSV); "
                           "dezelfde cijfers in elke vorm")
    demo.set_defaults(func=cmd_demo_data)
    export = sub.add_parser("export-scorecard", help="wijkscorekaart (of alle wijken) als CSV voor Excel")
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--wijk", help="wijkcode, bv. BU05990535")
    which.add_argument("--alle-wijken", action="store_true", help="alle wijken van het jaar in één CSV")
    export.add_argument("--jaar", type=int, required=True)
    export.add_argument("--out", required=True, help="uitvoerbestand (.csv)")
    export.add_argument("--marts", default=str(PROJECT_ROOT / "data" / "marts"))
    export.set_defaults(func=cmd_export_scorecard)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
