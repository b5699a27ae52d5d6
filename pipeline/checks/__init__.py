"""Checks, without Dagster: the gates of the method (calibration, row account) and the data
checks that the model contracts define, run by Great Expectations 1.x (gx.py). Every outcome is
recorded for the publication (record_check)."""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb

from pipeline.publish.publication import CHECK_RESULTS_DDL


def calibration_gate(con: duckdb.DuckDBPyConnection) -> tuple[bool, str]:
    """METHOD.md: no base year, fewer than 3 values or sigma = 0 is a calibration error that stops
    the run before any score is computed. Returns (passed, Dutch description)."""
    base = con.execute("SELECT basisjaar, is_fixed FROM int_base_year").fetchall()[0]
    if base[0] is None:
        return False, ("Kalibratie onmogelijk: er is geen jaar waarin politie, meldingen, enquête en bevolking "
                       "alle gegevens hebben en het politiejaar compleet is. Kies een basisjaar met --base-year.")
    minimum = con.execute("SELECT min_calibration_values FROM method_params").fetchall()[0][0]
    bad = con.execute(
        "SELECT indicator, n, sigma FROM int_calibration WHERE n < ? OR sigma IS NULL OR sigma = 0 "
        "ORDER BY indicator", [minimum]).fetchall()
    if bad:
        details = "; ".join(f"{ind}: {n} waarde(n), sigma {'-' if s is None else f'{s:.4g}'}" for ind, n, s in bad)
        return False, (f"Kalibratiefout in basisjaar {base[0]}: te weinig waarden (minimaal {minimum}) of geen "
                       f"spreiding voor indicator {details}. De run stopt; kies een ander basisjaar of controleer de bronnen.")
    n = con.execute("SELECT count(*) FROM int_calibration").fetchall()[0][0]
    return True, f"Basisjaar {base[0]}: {n} indicatoren gekalibreerd (elk minimaal {minimum} waarden, sigma > 0)."


def account_check(con: duckdb.DuckDBPyConnection) -> tuple[bool, str]:
    """Every row read is used or quarantined, per file."""
    rows = con.execute("SELECT source, file, rows_read, rows_used, rows_quarantined FROM int_file_account "
                       "WHERE NOT balanced").fetchall()
    totals = con.execute("SELECT sum(rows_read), sum(rows_used), sum(rows_quarantined) FROM int_file_account").fetchall()[0]
    if rows:
        return False, "Niet sluitend: " + "; ".join(f"{s}/{f}: {r} ≠ {u} + {q}" for s, f, r, u, q in rows)
    return True, f"{totals[0] or 0} gelezen = {totals[1] or 0} gebruikt + {totals[2] or 0} in quarantaine"


def record_check(con: duckdb.DuckDBPyConnection, check_name: str, asset: str, passed: bool, details: str,
                 run_id: str) -> None:
    """Keep a check's outcome; the publication lists the checks of its run."""
    con.execute(CHECK_RESULTS_DDL)
    con.execute("INSERT INTO check_results VALUES (?, ?, ?, 'fout', ?, ?, ?)",
                [check_name, asset, passed, details, datetime.now(timezone.utc).replace(tzinfo=None), run_id])
