"""Hostile input, round 2 (issue 10): line endings, files outside the raw folder, FIFOs and
devices, huge lines and fields, files that vanish or cannot be read, a letter in a period. Every
case ends in a quarantine row with a Dutch reason (and the account still holds) or in a Dutch
RawFileError naming the file (and line) with a bounded message — never a traceback, never wrong
numbers, never the content of a file outside the raw folder.

    case                          | outcome
    ------------------------------|------------------------------------------------------------
    CRLF+LF, CRLF+CR, CR, all 3   | every record read, stg_politie and the account as canonical
    CR inside a quoted field      | stays data
    symlink out of raw/ (file/dir)| RawFileError naming the link, nothing of the target shown
    symlink inside raw/           | followed (here: a duplicate of the file it points to)
    FIFO / device named .csv      | RawFileError "geen gewoon bestand"; never opened blocking
    line over MAX_LINE_BYTES      | quarantine line_too_long (excerpt <= 200 chars + …); stop
                                  | when a quote in it does not close, or in the header
    field over MAX_FIELD_CHARS    | quarantine field_too_long; beyond MAX_RECORD_CHARS: stop
    source without the check      | stop naming file and line (never a cut value used)
    huge header                   | message bounded
    file vanishes / unreadable    | RawFileError "is verdwenen tijdens het lezen" / "niet leesbaar"
    period "2O21MM01"             | quarantine invalid_period
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.ingest import files as ingest_files
from pipeline.ingest import readers
from pipeline.ingest.readers import RawFileError
from pipeline.presentation.labels import QUARANTAINE
from tests.conftest import ROOT, RawFolder, build_database
from tests.test_bad_input import baseline, build  # noqa: F401 (baseline is a fixture)
from tests.test_quirks import police_count, politie_row, quarantine

POLITIE = "politie/geregistreerde_misdrijven_2019_2022.csv"
MELDINGEN = "meldingen/meldingen_2019_2022.csv"
WIJK = "BU05990535"
CLI = ROOT / ".venv" / "bin" / "veiligheidsindex"
MAX_MESSAGE = 1_000  # a stop message stays short, whatever the input


def raw_error(raw: RawFolder) -> str:
    with pytest.raises(RawFileError) as info:
        build_database(raw.root)
    message = str(info.value)
    assert "Traceback" not in message and len(message) < MAX_MESSAGE, message[:2000]
    return message


def stg_politie(con) -> list[tuple]:
    return con.execute("SELECT * FROM stg_politie ORDER BY _file, _line").fetchall()


def account(con, source="politie") -> list[tuple]:
    return con.execute("SELECT file, rows_read, rows_used, rows_quarantined FROM int_file_account "
                       "WHERE source = ? ORDER BY file", [source]).fetchall()


def politie_quarantine(con) -> list[tuple]:
    return [q for q in quarantine(con, "politie") if q[5] != "superseded"]


# === 1. line endings ==========================================================================

def _endings(kind: str):
    # Some bare CR lines among CRLF: the old fast path silently read 1.792 of 2.688 rows.
    cycle = {"crlf_lf": [b"\r\n", b"\n"], "crlf_cr": [b"\r\n", b"\r\n", b"\r"], "cr": [b"\r"],
             "crlf_lf_cr": [b"\r\n", b"\n", b"\r"]}[kind]
    return lambda i: cycle[i % len(cycle)]


@pytest.mark.parametrize("kind", ["crlf_lf", "crlf_cr", "cr", "crlf_lf_cr"])
def test_mixed_line_endings_read_every_record(raw, baseline, kind):
    path = raw.path(POLITIE)
    lines = path.read_bytes().split(b"\n")[:-1]
    ending = _endings(kind)
    path.write_bytes(b"".join(line + ending(i) for i, line in enumerate(lines)))
    con = build(raw)
    assert stg_politie(con) == stg_politie(baseline)
    assert account(con) == account(baseline)
    assert account(con)[0][1] == 2688


def test_a_cr_inside_a_quoted_field_stays_data():
    # CR-only file (old Mac export) with a CR and a CRLF inside quotes, and a mixed last line end.
    text = 'a;b\r1;"x\ry"\r2;"p\r\nq"\r\n3;4\n'
    frame = readers.parse_exact(text, ";", ["a", "b"], "test.csv")
    assert frame.select("a", "b", "_line").rows() == [("1", "x\ry", 2), ("2", "p\r\nq", 4), ("3", "4", 6)]
    assert readers.parse_fast(text.split("\r", 1)[1], ";", ["a", "b"]) is None  # bare CR: exact parser


# === 2. confinement to the raw folder =========================================================

def test_a_symlink_to_a_file_outside_the_raw_folder_is_refused(raw):
    link = raw.path("politie/extra.csv")
    link.symlink_to("/etc/passwd")
    message = raw_error(raw)
    assert "politie/extra.csv" in message and "symbolische koppeling" in message
    assert "root" not in message and "/bin/" not in message and "passwd" not in message


def test_a_symlink_to_an_outside_csv_never_shows_its_content(raw, tmp_path):
    secret = tmp_path / "elders" / "geheim.csv"
    secret.parent.mkdir()
    secret.write_text("GEHEIME_KOP;x\nGEHEIME_WAARDE;1\n")
    raw.path("meldingen/geheim.csv").symlink_to(secret)
    message = raw_error(raw)
    assert "meldingen/geheim.csv" in message and "geheime" not in message.lower()


def test_a_source_folder_that_is_a_symlink_out_of_the_raw_folder_is_refused(raw, tmp_path):
    import shutil
    outside = tmp_path / "elders_politie"
    shutil.move(str(raw.path("politie")), outside)
    raw.path("politie").symlink_to(outside, target_is_directory=True)
    message = raw_error(raw)
    assert "politie/" in message and "symbolische koppeling" in message and "buiten de ruwe map" in message


def test_a_symlink_inside_the_raw_folder_is_followed(raw, baseline):
    # Decision (docs/robustness.md): a link that stays inside the raw folder is read like a file.
    raw.path("politie/zz_koppeling.csv").symlink_to("geregistreerde_misdrijven_2019_2022.csv")
    con = build(raw)
    assert con.execute("SELECT status, duplicate_of FROM raw_files WHERE file_name = 'zz_koppeling.csv'"
                       ).fetchall() == [("duplicaat", "geregistreerde_misdrijven_2019_2022.csv")]
    assert stg_politie(con) == stg_politie(baseline)


def test_a_fifo_named_csv_is_refused_and_never_blocks(raw):
    os.mkfifo(raw.path("politie/pijp.csv"))  # opening it blocking would hang the run
    message = raw_error(raw)
    assert "politie/pijp.csv" in message and "geen gewoon bestand" in message


def test_a_fifo_swapped_in_after_listing_is_not_opened_blocking(tmp_path):
    fifo = tmp_path / "x.csv"
    os.mkfifo(fifo)
    before = len(os.listdir("/proc/self/fd"))
    with pytest.raises(RawFileError, match="politie/x.csv is geen gewoon bestand"):
        readers.read_raw_bytes(fifo, "politie/x.csv", tmp_path)
    assert len(os.listdir("/proc/self/fd")) == before  # no leaked descriptor


def test_a_device_named_csv_is_refused(raw):
    try:
        os.mknod(raw.path("politie/nul.csv"), stat.S_IFCHR | 0o644, os.makedev(1, 5))  # like /dev/zero
    except PermissionError:
        pytest.skip("mknod is hier niet toegestaan")
    message = raw_error(raw)
    assert "politie/nul.csv" in message and "geen gewoon bestand" in message


# === 3. line and field limits, bounded messages ===============================================

def test_a_line_over_the_limit_is_quarantined_as_line_too_long(raw, baseline, monkeypatch):
    monkeypatch.setattr(readers, "MAX_LINE_BYTES", 1_000)
    raw.append(POLITIE, politie_row("1.1.1", WIJK, "2019MM01", "7" * 5_000))
    con = build(raw)
    ((source, file, line, column, value, reason),) = politie_quarantine(con)
    assert (reason, line) == ("line_too_long", 2690)
    assert len(value) == readers.EXCERPT_CHARS + 1 and value.endswith("…")
    assert QUARANTAINE[reason] == "regel te lang"
    assert police_count(con) == police_count(baseline)


def test_a_real_20_mb_line_without_newline_is_quarantined(raw, baseline):
    with open(raw.path(POLITIE), "ab") as f:
        f.write(b"x" * 20_000_000)  # no newline, no delimiter: the end of a broken export
    con = build(raw)
    ((*_, line, column, value, reason),) = politie_quarantine(con)
    assert (reason, line, len(value)) == ("line_too_long", 2690, readers.EXCERPT_CHARS + 1)
    assert stg_politie(con) == stg_politie(baseline)


def test_a_long_line_in_a_source_without_the_check_stops_with_a_bounded_message(raw):
    with open(raw.path(MELDINGEN), "ab") as f:
        f.write(b"y" * 20_000_000)
    message = raw_error(raw)
    assert "meldingen/meldingen_2019_2022.csv, regel" in message and "regel te lang" in message


def test_a_long_line_with_an_unclosed_quote_stops_naming_the_line(raw, monkeypatch):
    monkeypatch.setattr(readers, "MAX_LINE_BYTES", 1_000)
    raw.append(POLITIE, '"9999";"1.1.1";"' + "z" * 5_000, politie_row("1.1.1", WIJK, "2019MM02", "1"))
    message = raw_error(raw)
    assert "politie/geregistreerde_misdrijven_2019_2022.csv, regel 2690" in message
    assert "aanhalingsteken" in message


def test_a_header_over_the_line_limit_stops(raw, monkeypatch):
    monkeypatch.setattr(readers, "MAX_LINE_BYTES", 1_000)
    lines = raw.lines(POLITIE)
    raw.write(POLITIE, [lines[0] + ";" + "k" * 5_000, *lines[1:]])
    assert "de kopregel is langer dan" in raw_error(raw)


def test_a_huge_header_gives_a_bounded_message(raw):
    raw.write(POLITIE, ["kolom;" * 100_000, politie_row("1.1.1", WIJK, "2019MM01", "1")])
    message = raw_error(raw)
    assert "ontbreken" in message and "…" in message


@pytest.mark.parametrize("spanning", [False, True], ids=["one_line", "over_lines"])
def test_a_field_over_the_limit_is_quarantined_as_field_too_long(raw, baseline, monkeypatch, spanning):
    monkeypatch.setattr(readers, "MAX_FIELD_CHARS", 300)
    label = "\n".join(["a" * 99] * 5) if spanning else "a" * 500  # fast path and exact path
    raw.append(POLITIE, politie_row(f"1.1.1 {label}", WIJK, "2019MM01", "5"))
    con = build(raw)
    ((*_, line, column, value, reason),) = politie_quarantine(con)
    assert (reason, column, line) == ("field_too_long", "SoortMisdrijf", 2690)
    assert len(value) == readers.EXCERPT_CHARS + 1 and value.endswith("…")
    assert QUARANTAINE[reason] == "veld te lang"
    assert police_count(con) == police_count(baseline)


def test_a_real_10_mb_field_over_many_lines_is_quarantined(raw, baseline):
    label = "\n".join(["b" * 99] * 100_000)  # 10 MB in one quoted field
    raw.append(POLITIE, politie_row(f"1.1.1 {label}", WIJK, "2019MM01", "5"),
               politie_row("1.1.1", WIJK, "2019MM02", "1", row_id="10000"))
    con = build(raw)
    ((*_, line, column, value, reason),) = politie_quarantine(con)
    assert (reason, column, len(value)) == ("field_too_long", "SoortMisdrijf", readers.EXCERPT_CHARS + 1)
    assert con.execute("SELECT _line FROM stg_politie WHERE _line > 2689").fetchall() == [(102_690,)]  # after the 100.000 lines of the long record


def test_a_field_beyond_the_record_limit_stops_naming_the_line(raw, monkeypatch):
    monkeypatch.setattr(readers, "MAX_RECORD_CHARS", 2_000)
    raw.append(POLITIE, politie_row("1.1.1 " + "\n".join(["c" * 99] * 50), WIJK, "2019MM01", "5"))
    message = raw_error(raw)
    assert "politie/geregistreerde_misdrijven_2019_2022.csv, regel 2690" in message


# === 4. files that vanish or cannot be read ===================================================

def test_a_file_that_disappears_after_listing_is_named(raw, monkeypatch):
    listed = ingest_files.list_csv_files

    def list_then_delete(folder, source, *args):
        found = listed(folder, source, *args)
        if source.name == "politie":
            raw.path(POLITIE).unlink()
        return found

    monkeypatch.setattr(ingest_files, "list_csv_files", list_then_delete)
    message = raw_error(raw)
    assert "politie/geregistreerde_misdrijven_2019_2022.csv is verdwenen tijdens het lezen" in message


def test_a_file_that_becomes_unreadable_is_named(raw, monkeypatch):
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):  # tests run as root: simulate a missing read right
        if str(path).endswith("geregistreerde_misdrijven_2019_2022.csv"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    message = raw_error(raw)
    assert "politie/geregistreerde_misdrijven_2019_2022.csv is niet leesbaar" in message


# === 5. a letter in a police period ===========================================================

def test_a_letter_o_in_a_police_period_is_quarantined(raw, baseline):
    raw.append(POLITIE, politie_row("1.1.1", WIJK, "2O21MM01", "5"))
    con = build(raw)
    assert politie_quarantine(con) == [
        ("politie", "geregistreerde_misdrijven_2019_2022.csv", 2690, "Perioden", "2O21MM01", "invalid_period")]
    assert stg_politie(con) == stg_politie(baseline)


# === through the CLI: Dutch stop, no traceback, no content of the target ======================

def test_the_cli_refuses_a_link_out_of_the_raw_folder_without_showing_it(raw, tmp_path):
    raw.path("politie/extra.csv").symlink_to("/etc/passwd")
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    cli = CLI if CLI.exists() else Path(sys.executable).with_name("veiligheidsindex")
    result = subprocess.run([str(cli), "run", "--raw", str(raw.root), "--marts", str(tmp_path / "marts")],
                            capture_output=True, text=True, env=env, timeout=300)
    out = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in out
    assert "politie/extra.csv" in result.stderr and "root:" not in out
