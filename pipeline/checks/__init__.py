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
    # Calibrated per gemeente, every gemeente needs its own values: the message names the gemeente.
    bad = con.execute(
        "SELECT indicator, n, sigma, gemeente_code FROM int_calibration WHERE n < ? OR sigma IS NULL OR sigma = 0 "
        "ORDER BY gemeente_code NULLS FIRST, indicator", [minimum]).fetchall()
    if bad:
        details = "; ".join(f"{ind}{f' in gemeente {gm}' if gm else ''}: {n} waarde(n), "
                            f"sigma {'-' if s is None else f'{s:.4g}'}" for ind, n, s, gm in bad)
        return False, (f"Kalibratiefout in basisjaar {base[0]}: te weinig waarden (minimaal {minimum}) of geen "
                       f"spreiding voor indicator {details}. {_likely_cause(con, base[0])}De run stopt; kies een "
                       "ander basisjaar of controleer de bronnen.")
    n, groups = con.execute("SELECT count(DISTINCT indicator), count(DISTINCT gemeente_code) FROM int_calibration").fetchall()[0]
    if n == 0:  # per gemeente without a single wijk: nothing was calibrated
        return False, "Kalibratie onmogelijk: areas/ heeft geen enkele wijk om over te kalibreren."
    over = f"per gemeente ({groups} gemeenten)" if groups else "over alle wijken van de publicatie"
    return True, (f"Basisjaar {base[0]}: {n} indicatoren gekalibreerd {over} "
                  f"(elk minimaal {minimum} waarden, sigma > 0).")


def _likely_cause(con: duckdb.DuckDBPyConnection, year: int) -> str:
    """What the analyst should look at first: codes absent from the police source in that year (a
    filtered download), or the reasons why wijk-years of that year are not eligible."""
    absent = con.execute("SELECT string_agg(crime_code, ', ' ORDER BY crime_code), count(*) FROM "
                         "int_police_absent_codes WHERE jaar = ?", [year]).fetchall()[0]
    reasons = con.execute("SELECT reden_eligibility, count(*) FROM int_wijk_years WHERE jaar = ? AND NOT is_eligible "
                          "GROUP BY ALL ORDER BY 2 DESC", [year]).fetchall()
    total = con.execute("SELECT count(*) FROM int_wijk_years WHERE jaar = ?", [year]).fetchall()[0][0]
    cause = ""
    if absent[1]:
        cause += (f"In {year} heeft de politiebron geen enkele buurtrij voor {absent[1]} misdrijfcode(s) van de methode "
                  f"({absent[0]}): is de download gefilterd (bv. alleen Totaal misdrijven)? ")
    if reasons:
        cause += (f"Van de {total} wijken zijn er in {year} {sum(n for _, n in reasons)} niet bruikbaar: "
                  + ", ".join(f"{n}× {r}" for r, n in reasons) + ". ")
    return cause


def account_check(con: duckdb.DuckDBPyConnection) -> tuple[bool, str]:
    """Every row read is used or quarantined, per file."""
    rows = con.execute("SELECT source, file, rows_read, rows_used, rows_quarantined FROM int_file_account "
                       "WHERE NOT balanced").fetchall()
    totals = con.execute("SELECT sum(rows_read), sum(rows_used), sum(rows_quarantined) FROM int_file_account").fetchall()[0]
    if rows:
        return False, "Niet sluitend: " + "; ".join(f"{s}/{f}: {r} ≠ {u} + {q}" for s, f, r, u, q in rows)
    return True, f"{totals[0] or 0} gelezen = {totals[1] or 0} gebruikt + {totals[2] or 0} in quarantaine"


def absent_codes_check(con: duckdb.DuckDBPyConnection) -> tuple[bool, str]:
    """A warning, per year, naming every crime code of the method without a single buurt row
    (INPUTS.md): it counts 0, but a filtered download must be seen at once."""
    rows = con.execute("""
        SELECT a.jaar, count(*), string_agg(a.crime_code || coalesce(' ' || l.label, ''), '; ' ORDER BY a.crime_code),
               (SELECT count(*) FROM method_indicator_codes c JOIN method_indicators i USING (indicator)
                WHERE i.source = 'politie')
        FROM int_police_absent_codes a LEFT JOIN method_crime_codes l ON l.code = a.crime_code
        GROUP BY a.jaar ORDER BY a.jaar""").fetchall()
    if not rows:
        return True, "Elk politiejaar heeft buurtrijen voor elke misdrijfcode die de methode telt."
    return False, "Misdrijfcodes zonder één buurtrij (tellen als 0; is de download gefilterd?): " + " | ".join(
        f"{jaar}: {n} van {total} ontbreken ({codes})" for jaar, n, codes, total in rows)


def vocabulary_shift_check(con: duckdb.DuckDBPyConnection) -> tuple[bool, str]:
    """A warning when the share of meldingen outside the vocabulary changes by more than the method
    allows from one year to the next: a changed category tree silently moves an indicator."""
    limit = con.execute("SELECT max_outside_share_change FROM method_params").fetchall()[0][0]
    rows = con.execute("SELECT jaar, aandeel_buiten, verandering FROM int_meldingen_outside WHERE is_shift "
                       "ORDER BY jaar").fetchall()
    if not rows:
        return True, f"Het aandeel meldingen buiten de vocabulaire verandert per jaar nergens meer dan {limit:.0%}-punt."
    return False, ("Het aandeel meldingen buiten de vocabulaire verschuift (is de categorieboom of de vertaling "
                   "veranderd?): " + "; ".join(f"{jaar}: {share:.1%} ({change:+.1%}-punt)".replace(".", ",")
                                               for jaar, share, change in rows))


def record_check(con: duckdb.DuckDBPyConnection, check_name: str, asset: str, passed: bool, details: str,
                 run_id: str, severity: str = "fout") -> None:
    """Keep a check's outcome (severity fout or waarschuwing); the publication lists the checks of its run."""
    con.execute(CHECK_RESULTS_DDL)
    con.execute("INSERT INTO check_results VALUES (?, ?, ?, ?, ?, ?, ?)",
                [check_name, asset, passed, severity, details, datetime.now(timezone.utc).replace(tzinfo=None), run_id])
