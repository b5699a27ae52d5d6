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
    from pipeline.alerts.runs import report_cli_run

    report_cli_run(instance, result, raw, marts)  # laatste_run.json for the dashboard; the alert if it failed
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
    from pipeline.alerts.reasons import failure_message

    return failure_message(result.all_events)


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


EXPORT_FORMATS = ("csv", "xlsx", "pdf")


def export_format(out: Path, chosen: str | None) -> str:
    """--formaat, else the suffix of --out; CSV for any other suffix (as before there were three)."""
    if chosen:
        return chosen
    suffix = out.suffix.lower().lstrip(".")
    return suffix if suffix in EXPORT_FORMATS else "csv"


def cmd_export_scorecard(args) -> int:
    from pipeline.presentation import MartsError, export_all_wijken, export_scorecard, read_marts

    marts_dir = Path(args.marts).resolve()
    out = Path(args.out)
    try:
        kind = export_format(out, args.formaat)
        if kind == "csv":
            data = (export_all_wijken(marts_dir, args.jaar) if args.alle_wijken
                    else export_scorecard(marts_dir, args.wijk, args.jaar))
        elif kind == "xlsx":
            from pipeline.presentation.scorecard_xlsx import all_wijken_xlsx, scorecard_xlsx

            marts = read_marts(marts_dir)
            data = all_wijken_xlsx(marts, args.jaar) if args.alle_wijken else scorecard_xlsx(marts, args.wijk, args.jaar)
        else:
            from pipeline.presentation.scorecard_pdf import booklet_pdf, scorecard_pdf

            marts = read_marts(marts_dir)
            if args.alle_wijken:
                print(f"Boekje met alle wijken van {args.jaar} maken (een pagina per wijk)…", file=sys.stderr, flush=True)
            data = booklet_pdf(marts, args.jaar) if args.alle_wijken else scorecard_pdf(marts, args.wijk, args.jaar)
    except (ValueError, MartsError) as exc:
        return _fail(str(exc))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    what = {"csv": "UTF-8 met BOM, ';' en decimale komma voor Excel",
            "xlsx": "Excel-werkmap met getallen als getallen",
            "pdf": "A4, een pagina per wijk" + (" na het voorblad" if args.alle_wijken else "")}[kind]
    print(f"Geschreven: {out} ({len(data)} bytes, {what}).")
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
    export = sub.add_parser("export-scorecard",
                            help="wijkscorekaart (of alle wijken) als CSV of xlsx voor Excel, of als PDF (A4)")
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--wijk", help="wijkcode, bv. BU05990535")
    which.add_argument("--alle-wijken", action="store_true",
                       help="alle wijken van het jaar: één CSV of xlsx, of als PDF een boekje (voorblad, een pagina per wijk)")
    export.add_argument("--jaar", type=int, required=True)
    export.add_argument("--out", required=True, help="uitvoerbestand (.csv, .xlsx of .pdf)")
    export.add_argument("--formaat", choices=EXPORT_FORMATS, default=None,
                        help="csv, xlsx of pdf (standaard: volgens de extensie van --out)")
    export.add_argument("--marts", default=str(PROJECT_ROOT / "data" / "marts"))
    export.set_defaults(func=cmd_export_scorecard)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
