"""Blocking data checks: GX 1.x expectation suites on staged data and marts, plus the row account.

dagster-ge does not support GX 1.x, so each check runs GX itself on a pandas frame (GX takes no
polars frames and its SQL path fails on DuckDB 2.0). GX is imported inside the check: the
import costs seconds and must not slow down loading the definitions.
"""


from dataclasses import dataclass, field
from datetime import datetime, timezone

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.method import load_method
from pipeline.publish import CHECK_RESULTS_DDL


@dataclass(frozen=True)
class Suite:
    asset: str
    description: str  # Dutch: what the suite guarantees
    query: str  # the frame to validate, with derived columns where a rule spans columns
    expectations: list[tuple[str, dict]] = field(default_factory=list)  # (GX class name, kwargs)


SUITES = [
    Suite("stg_politie", "Politie: codes en perioden geldig, aantallen niet negatief.",
          "SELECT crime_code, area_level, period_kind, maand, registered FROM stg_politie",
          [("ExpectColumnValuesToNotBeNull", {"column": "crime_code"}),
           ("ExpectColumnValuesToMatchRegex", {"column": "crime_code", "regex": r"^[0-9]+(?:\.[0-9]+)*$"}),
           ("ExpectColumnValuesToBeInSet", {"column": "area_level", "value_set": ["buurt", "wijk", "gemeente"]}),
           ("ExpectColumnValuesToBeInSet", {"column": "period_kind", "value_set": ["maand", "jaar"]}),
           ("ExpectColumnValuesToBeBetween", {"column": "maand", "min_value": 1, "max_value": 12}),
           ("ExpectColumnValuesToBeBetween", {"column": "registered", "min_value": 0})]),
    Suite("stg_bevolking", "Bevolking: bekende wijken, inwoners niet negatief, één rij per wijk-jaar.",
          "SELECT b.*, a.wijk_code IS NOT NULL AS known_area FROM stg_bevolking b LEFT JOIN stg_areas a USING (wijk_code)",
          [("ExpectColumnValuesToBeBetween", {"column": "inwoners", "min_value": 0}),
           ("ExpectColumnValuesToBeInSet", {"column": "known_area", "value_set": [True]}),
           ("ExpectCompoundColumnsToBeUnique", {"column_list": ["jaar", "wijk_code"]})]),
    Suite("stg_enquete", "Enquête: positieve gewichten, unieke respondenten per jaar.",
          "SELECT respondent_id, jaar, wijk_code, weegfactor FROM stg_enquete",
          [("ExpectColumnValuesToBeBetween", {"column": "weegfactor", "min_value": 0, "strict_min": True}),
           ("ExpectCompoundColumnsToBeUnique", {"column_list": ["jaar", "respondent_id"]}),
           ("ExpectColumnValuesToNotBeNull", {"column": "wijk_code"})]),
    Suite("stg_meldingen", "Meldingen: unieke id's, geldige status, geen datum in de toekomst.",
          "SELECT melding_id, status, gemeld_op::DATE <= current_date AS not_future FROM stg_meldingen",
          [("ExpectColumnValuesToBeUnique", {"column": "melding_id"}),
           ("ExpectColumnValuesToBeInSet", {"column": "status",
                                            "value_set": load_method()["meldingen"]["statuses"]}),
           ("ExpectColumnValuesToBeInSet", {"column": "not_future", "value_set": [True]})]),
    Suite("wijk_index", "Wijkindex: index in [1, 10], categorie past bij de index, interval om de index, "
                        "index ontbreekt precies als er een reden is.",
          """SELECT w.wijk_code, w.jaar, w."index", w.ci_laag, w.ci_hoog,
                    coalesce(w.categorie, '-') = coalesce(c.category, '-') AS category_consistent,
                    (w."index" IS NULL) = (w.reden IS NOT NULL) AS reason_consistent,
                    w."index" IS NULL OR (w.ci_laag <= w."index" AND w."index" <= w.ci_hoog) AS interval_consistent
             FROM wijk_index w LEFT JOIN method_categories c ON w."index" >= c.lower AND w."index" < c.upper""",
          [("ExpectColumnValuesToBeBetween", {"column": "index", "min_value": 1, "max_value": 10}),
           ("ExpectColumnValuesToBeInSet", {"column": "category_consistent", "value_set": [True]}),
           ("ExpectColumnValuesToBeInSet", {"column": "reason_consistent", "value_set": [True]}),
           ("ExpectColumnValuesToBeInSet", {"column": "interval_consistent", "value_set": [True]}),
           ("ExpectCompoundColumnsToBeUnique", {"column_list": ["wijk_code", "jaar"]})]),
    Suite("thema_scores", "Themascores in [1, 10].",
          "SELECT objectief, subjectief, score FROM thema_scores",
          [("ExpectColumnValuesToBeBetween", {"column": c, "min_value": 1, "max_value": 10})
           for c in ("objectief", "subjectief", "score")]),
    Suite("indicator_scores", "Indicatoren: waarden niet negatief, percentages hooguit 100, scores in [1, 10].",
          "SELECT waarde, score, se, deel, CASE WHEN deel = 'subjectief' THEN waarde END AS percentage FROM indicator_scores",
          [("ExpectColumnValuesToBeBetween", {"column": "waarde", "min_value": 0}),
           ("ExpectColumnValuesToBeBetween", {"column": "percentage", "min_value": 0, "max_value": 100}),
           ("ExpectColumnValuesToBeBetween", {"column": "score", "min_value": 1, "max_value": 10}),
           ("ExpectColumnValuesToBeBetween", {"column": "se", "min_value": 0})]),
    Suite("stad_index", "Stadsindex in [1, 10] met een interval eromheen.",
          'SELECT "index", ci_laag, ci_hoog, wijken FROM stad_index',
          [("ExpectColumnValuesToBeBetween", {"column": "index", "min_value": 1, "max_value": 10}),
           ("ExpectColumnValuesToBeBetween", {"column": "wijken", "min_value": 1})]),
]


def run_suite(frame, suite: Suite) -> tuple[bool, list[str]]:
    """Validate a pandas frame with GX 1.x; returns success and Dutch lines for failures."""
    import great_expectations as gx  # slow import: only when a check runs
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no bars in run logs
    batch = (context.data_sources.add_pandas("duckdb_frames")
             .add_dataframe_asset(suite.asset)
             .add_batch_definition_whole_dataframe("volledig")
             .get_batch(batch_parameters={"dataframe": frame}))
    gx_suite = gx.ExpectationSuite(name=f"{suite.asset}_suite")
    for name, kwargs in suite.expectations:
        gx_suite.add_expectation(getattr(gx.expectations, name)(**kwargs))
    result = batch.validate(gx_suite)
    failures = []
    for r in result.results:
        if not r.success:
            cfg = r.expectation_config
            column = cfg.kwargs.get("column") or cfg.kwargs.get("column_list")
            failures.append(f"{cfg.type} op {column}: {r.result.get('unexpected_count', '?')} afwijkende "
                            f"waarde(n), bv. {r.result.get('partial_unexpected_list', [])[:5]}")
    return result.success, failures


def record(con, check_name: str, asset: str, passed: bool, details: str, run_id: str) -> None:
    con.execute(CHECK_RESULTS_DDL)
    con.execute("INSERT INTO check_results VALUES (?, ?, ?, 'fout', ?, ?, ?)",
                [check_name, asset, passed, details, datetime.now(timezone.utc).replace(tzinfo=None), run_id])


def build_gx_check(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=suite.asset, name=f"gx_{suite.asset}", blocking=True, description=suite.description)
    def _check(context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource) -> dg.AssetCheckResult:
        with duckdb.get_connection() as con:
            frame = con.sql(suite.query).df()
            passed, failures = run_suite(frame, suite)
            details = "; ".join(failures) if failures else f"{len(suite.expectations)} verwachtingen, {len(frame)} rijen"
            record(con, f"gx_{suite.asset}", suite.asset, passed, details, context.run.run_id)
        return dg.AssetCheckResult(passed=passed, severity=dg.AssetCheckSeverity.ERROR,
                                   description=details, metadata={"rijen": len(frame)})
    return _check


@dg.asset_check(asset="int_file_account", blocking=True,
                description="Elke ingelezen rij is gebruikt of staat in quarantaine (per bestand).")
def rows_accounted_for(context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        rows = con.execute("SELECT source, file, rows_read, rows_used, rows_quarantined FROM int_file_account "
                           "WHERE NOT balanced").fetchall()
        totals = con.execute("SELECT sum(rows_read), sum(rows_used), sum(rows_quarantined) FROM int_file_account").fetchall()[0]
        details = (f"{totals[0] or 0} gelezen = {totals[1] or 0} gebruikt + {totals[2] or 0} in quarantaine"
                   if not rows else "Niet sluitend: " + "; ".join(f"{s}/{f}: {r} ≠ {u} + {q}" for s, f, r, u, q in rows))
        record(con, "rows_accounted_for", "int_file_account", not rows, details, context.run.run_id)
    return dg.AssetCheckResult(passed=not rows, description=details)


all_checks = [build_gx_check(s) for s in SUITES] + [rows_accounted_for]
