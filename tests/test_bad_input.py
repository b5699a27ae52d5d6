"""Bad input, one case per bullet of the issue: every case ends either in a Dutch message that names
the file (and the line where there is one), or in quarantine rows with file, line, column and
reason — never a traceback, never a silent drop. After every row-level case the account holds per
file (rows read = used + quarantined); after every run-stopping case the previous publication is
intact. Quirks already covered in test_quirks.py are not repeated here.

    case                          | sources                         | outcome
    ------------------------------|---------------------------------|------------------------------------
    empty file                    | politie, meldingen, enq., prest.| RawFileError "leeg"; e2e
    header only                   | politie, meldingen, prestaties  | valid, 0 rows
    wrong / missing columns       | every source                    | RawFileError naming columns; e2e
    columns reordered / renamed   | bevolking                       | matched by name
    extra columns                 | politie, enquete, areas         | kept; extra field in a row -> quarantine
    ';' vs ',' vs tab             | politie, enquete, bevolking     | same index; ';' row in ',' file -> quarantine
    UTF-8 with BOM                | politie (quoted header), areas  | same index
    Windows-1252                  | areas, prestaties               | decoded; undecodable bytes -> RawFileError
    decimal comma                 | weegfactor, basis/streefwaarde, | parsed; unquoted in ',' file -> quarantine
                                  | realisatie                      |
    quoted delimiters, newlines   | politie, voortgang              | kept, physical line numbers; open quote -> RawFileError
    truncated last line           | meldingen, bevolking, politie   | wrong_field_count; cut in a quote -> RawFileError
    binary / HTML as .csv         | every source                    | RawFileError; e2e; CLI
    numbers as text               | politie, bevolking              | "16.822", " 12,0 " parsed; words -> invalid_*
    negative / absurd counts      | politie, bevolking, enquete     | negative_*, implausible_*, invalid_weight
    other date formats, future    | meldingen, voortgang, prestaties| parsed / invalid_date (also 'd-m-yy') / future_date
    unknown codes                 | enquete, bevolking, politie,    | unknown_area; valid-looking codes kept,
                                  | meldingen                       | counted nowhere
    duplicate rows, ids, files    | every source                    | superseded / duplicate_respondent /
                                  |                                 | duplicate_file
    corrected file                | meldingen                       | revision recorded, corrected figures
    missing source folder         | required and optional           | RawFileError "Bronmap"; e2e; CLI
    prestaties -> unknown refs    | prestaties, voortgang           | unknown_area/_theme/_indicator/_prestatie
    very large file               | meldingen (300k rows)           | read, balanced, counted
    calibration error             | bevolking                       | e2e: PipelineError, publication intact
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipeline.cli import PipelineError, run_pipeline
from pipeline.publish.publication import MANIFEST, PUBLICATIONS, published_files, read_publication
from pipeline.ingest.readers import RawFileError
from tests.conftest import GOLDEN_RAW, ROOT, RawFolder, build_database
from tests.test_quirks import assert_balanced, melding_count, one, police_count, politie_row, quarantine

AREAS = "areas/areas.csv"
BEVOLKING = "bevolking/bevolking.csv"
POLITIE = "politie/geregistreerde_misdrijven_2019_2022.csv"
ENQUETE = "enquete/enquete_2019_2022.csv"
MELDINGEN = "meldingen/meldingen_2019_2022.csv"
PRESTATIES = "prestaties/prestaties.csv"
VOORTGANG = "prestaties/voortgang.csv"
WIJK = "BU05990535"  # Oude Noorden
CLI = ROOT / ".venv" / "bin" / "veiligheidsindex"


@pytest.fixture(scope="module")
def baseline() -> duckdb.DuckDBPyConnection:
    return build_database(GOLDEN_RAW)


def build(raw: RawFolder) -> duckdb.DuckDBPyConnection:
    """Build every model on the modified raw folder; the account must hold after every case."""
    con = build_database(raw.root)
    assert_balanced(con)
    return con


def name(relative: str) -> str:
    return relative.split("/")[1]


def index_rows(con) -> list[tuple]:
    return con.execute('SELECT wijk_code, jaar, "index", reden FROM wijk_index ORDER BY 1, 2').fetchall()


def assert_same_index(con, baseline) -> None:
    got, want = index_rows(con), index_rows(baseline)
    assert [(g[0], g[1], g[3]) for g in got] == [(w[0], w[1], w[3]) for w in want]
    assert all(g[2] == pytest.approx(w[2], abs=1e-12) for g, w in zip(got, want) if w[2] is not None)


def rows_read(con, relative: str) -> int:
    source = relative.split("/")[0]
    return one(con, "SELECT rows_read FROM raw_files WHERE file_name = ? AND source IN (?, 'voortgang')",
               [name(relative), source])


def file_row(con, file_name: str):
    return one(con, "SELECT status, rows_read, encoding, delimiter FROM raw_files WHERE file_name = ?", [file_name])


def raw_error(raw: RawFolder) -> str:
    with pytest.raises(RawFileError) as info:
        build_database(raw.root)
    message = str(info.value)
    assert "Traceback" not in message
    return message


def csv_rows(raw: RawFolder, relative: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.path(relative).read_text(encoding="utf-8"), newline=""),
                           delimiter=delimiter))


def csv_text(rows: list[list[str]], delimiter: str, quoting=csv.QUOTE_MINIMAL, newline: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=newline).writerows(rows)
    return out.getvalue()


# === empty file, header only =================================================================

@pytest.mark.parametrize("relative, content", [
    ("politie/leeg.csv", b""),
    ("meldingen/alleen_bom.csv", b"\xef\xbb\xbf"),                  # Excel "CSV UTF-8" of nothing
    ("enquete/lege_regels.csv", b"\r\n\r\n   \r\n"),
    ("prestaties/prestaties.csv", b""),                              # also an optional source stops
])
def test_empty_file_stops_the_run_naming_the_file(raw, relative, content):
    raw.path(relative).write_bytes(content)
    message = raw_error(raw)
    assert message.startswith(f"{relative}: het bestand is leeg")
    assert "kopregel" in message


@pytest.mark.parametrize("relative, content", [
    ("politie/zz_alleen_kop.csv",
     '\ufeff"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"GeregistreerdeMisdrijven_1"'),  # BOM, no EOL
    ("meldingen/zz_alleen_kop.csv",
     "melding_id,datum,hoofdcategorie,subcategorie,wijk_code,status,datum_afgehandeld\r\n\r\n"),
])
def test_header_only_file_is_valid_with_zero_rows(raw, baseline, relative, content):
    raw.write(relative, content)
    con = build(raw)
    assert file_row(con, name(relative))[:2] == ("gelezen", 0)
    assert quarantine(con) == []
    assert_same_index(con, baseline)


def test_header_only_prestaties_puts_their_voortgang_in_quarantine(raw):
    raw.write(PRESTATIES, raw.lines(PRESTATIES)[0])
    con = build(raw)
    assert one(con, "SELECT count(*) FROM stg_prestaties") == 0
    assert quarantine(con) == [
        ("voortgang", "voortgang.csv", line, "prestatie_id", pid, "unknown_prestatie")
        for line, pid in [(2, "P001"), (3, "P001"), (4, "P002"), (5, "P003"), (6, "P003")]]


# === wrong, missing, reordered and extra columns ==============================================

@pytest.mark.parametrize("relative, header, missing", [
    (POLITIE, '"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"Aantal"', "geregistreerdemisdrijven_1"),
    (MELDINGEN, "melding_id,datum,hoofdcategorie,subcategorie,wijkcode,status,datum_afgehandeld", "wijk_code"),
    (ENQUETE, "respondent_id,jaar,wijk_code,weegfactor,voelt_zich_onveilig,slachtoffer_diefstal,"
              "slachtoffer_inbraak,slachtoffer_geweld,vaak_diefstal,vaak_inbraak,vaak_geweld,"
              "vaak_vernieling,vaak_overlast,vaak_drugs", "vaak_rommel"),
    (AREAS, "wijk_code,wijk_naam,gebied_code,gebied_naam,tile_x,tile_y", "wijktype"),
    (VOORTGANG, "prestatie_id,datum,realisatie,status,toelichting", "rag"),
    (BEVOLKING, "melding_id,datum,hoofdcategorie,subcategorie,wijk_code,status,datum_afgehandeld",
     "jaar, inwoners"),                                               # a meldingen file in bevolking/
])
def test_missing_or_wrong_column_stops_naming_file_and_column(raw, relative, header, missing):
    raw.write(relative, [header, *raw.lines(relative)[1:]])
    message = raw_error(raw)
    assert message.startswith(f"{relative}: kolom(men) {missing} ontbreken")
    assert "Verwacht voor" in message and "gevonden kolommen" in message


def test_columns_in_another_order_and_case_are_matched_by_name(raw, baseline):
    rows = [r.split(",") for r in raw.lines(BEVOLKING)[1:]]
    raw.write(BEVOLKING, ["Inwoners,JAAR, Wijk_Code ", *[f"{i},{j},{w}" for j, w, i in rows]])
    con = build(raw)
    assert quarantine(con) == []
    assert_same_index(con, baseline)


def test_extra_columns_are_kept_and_change_nothing(raw, baseline):
    # politie: an extra column in the middle (CBS adds columns); enquete: extra trailing column;
    # areas: without its optional tile columns.
    politie = csv_rows(raw, POLITIE, ";")
    raw.write(POLITIE, csv_text([[*r[:3], "Regio" if i == 0 else "Rotterdam", *r[3:]]
                                 for i, r in enumerate(politie)], ";", csv.QUOTE_ALL))
    header, *rows = raw.lines(ENQUETE)
    raw.write(ENQUETE, [header + ",opmerking,postcode", *[r + ',"vrij, tekst",3031' for r in rows]])
    raw.write(AREAS, [",".join(r.split(",")[:5]) for r in raw.lines(AREAS)])
    con = build(raw)
    assert quarantine(con) == []
    assert_same_index(con, baseline)
    assert one(con, "SELECT regio FROM raw_politie LIMIT 1") == "Rotterdam"
    assert one(con, "SELECT opmerking FROM raw_enquete LIMIT 1") == "vrij, tekst"
    assert one(con, "SELECT count(*) FROM stg_areas WHERE tile_x IS NULL") == 8


def test_a_row_with_more_or_fewer_fields_than_the_header_is_quarantined(raw, baseline):
    raw.append(BEVOLKING, "2023,BU05990535,17000,extra")              # one field too many
    header, *rows = raw.lines(ENQUETE)
    raw.write(ENQUETE, [header, *rows, f"990001,2019,{WIJK},1.0,0,0,0,0,3,3"])  # fields missing
    con = build(raw)
    assert quarantine(con) == [
        ("bevolking", "bevolking.csv", 34, None, "4 velden, verwacht 3", "wrong_field_count"),
        ("enquete", name(ENQUETE), len(rows) + 2, None, "10 velden, verwacht 15", "wrong_field_count")]
    assert_same_index(con, baseline)


# === delimiters and encodings =================================================================

def test_semicolon_comma_and_tab_files_read_the_same(raw, baseline):
    # politie as a comma file (all quoted), enquete as Dutch Excel (';', decimal comma, CRLF),
    # bevolking tab-separated.
    raw.write(POLITIE, csv_text(csv_rows(raw, POLITIE, ";"), ",", csv.QUOTE_ALL))
    enquete = csv_rows(raw, ENQUETE)
    for r in enquete[1:]:
        r[3] = r[3].replace(".", ",")
    raw.write(ENQUETE, csv_text(enquete, ";", newline="\r\n"))
    raw.write(BEVOLKING, [r.replace(",", "\t") for r in raw.lines(BEVOLKING)])
    con = build(raw)
    assert {r[0]: r[1:] for r in con.execute(
        "SELECT source, delimiter FROM raw_files WHERE source IN ('politie', 'enquete', 'bevolking')").fetchall()} == {
        "politie": (",",), "enquete": (";",), "bevolking": ("\t",)}
    assert one(con, "SELECT weegfactor FROM stg_enquete WHERE respondent_id = '190001'") == pytest.approx(0.935)
    assert quarantine(con) == []
    assert_same_index(con, baseline)


def test_a_semicolon_row_in_a_comma_file_is_quarantined(raw, baseline):
    raw.append(MELDINGEN, f"S-1;2019-05-01;afval;grofvuil;{WIJK};gemeld;")
    con = build(raw)
    assert quarantine(con) == [("meldingen", name(MELDINGEN), len(raw.lines(MELDINGEN)), None,
                                "1 velden, verwacht 7", "wrong_field_count")]
    assert melding_count(con, "obj_vervuiling_meldingen") == melding_count(baseline, "obj_vervuiling_meldingen")


def test_utf8_with_bom_before_a_quoted_header_and_crlf(raw, baseline):
    raw.write(POLITIE, "\ufeff" + "\r\n".join(raw.lines(POLITIE)) + "\r\n")
    raw.write(AREAS, "\ufeff" + "\n".join(raw.lines(AREAS)) + "\n")
    con = build(raw)
    assert file_row(con, name(POLITIE)) == ("gelezen", 2688, "utf-8-sig", ";")
    assert file_row(con, "areas.csv")[2] == "utf-8-sig"
    assert one(con, 'SELECT id FROM raw_politie WHERE _line = 2') == "0"  # the first column is "ID", not "\ufeffID"
    assert quarantine(con) == []
    assert_same_index(con, baseline)


def test_windows_1252_files_are_decoded(raw, baseline):
    naam = "Oude Noorden – Zoë’s Café €"
    areas = [r.split(",") for r in raw.lines(AREAS)]
    areas[1][1] = naam
    raw.write(AREAS, [";".join(r) for r in areas], encoding="cp1252", newline="\r\n")
    raw.append(PRESTATIES, "P005,BU05990535,overlast,Politie,Toezicht bij café’s – €,inspanning,3,nee,"
                           "2021-01-01,2021-12-31,,,,toegezegd")
    raw.write(PRESTATIES, raw.path(PRESTATIES).read_text(encoding="utf-8"), encoding="cp1252")
    con = build(raw)
    assert file_row(con, "areas.csv")[2:] == ("windows-1252", ";")
    assert file_row(con, "prestaties.csv")[2] == "windows-1252"
    assert one(con, "SELECT wijk_naam FROM wijken WHERE wijk_code = ?", [WIJK]) == naam
    assert one(con, "SELECT omschrijving FROM stg_prestaties WHERE prestatie_id = 'P005'") == "Toezicht bij café’s – €"
    assert quarantine(con) == []
    assert_same_index(con, baseline)


def test_bytes_that_are_neither_utf8_nor_windows_1252_stop_naming_the_file(raw):
    raw.path(BEVOLKING).write_bytes(raw.path(BEVOLKING).read_bytes() + b"2022,BU0599\x81,100\n")
    message = raw_error(raw)
    assert message.startswith(f"{BEVOLKING}, regel 34: de tekens zijn noch UTF-8 noch Windows-1252")


def test_undecodable_byte_message_names_the_line(raw):
    raw.path(BEVOLKING).write_bytes(raw.path(BEVOLKING).read_bytes() + b"2022,BU0599\x81,100\n")
    assert "regel 34" in raw_error(raw)


# === decimal comma ============================================================================

def test_decimal_comma_in_weights_and_prestatie_values(raw):
    raw.write(PRESTATIES, [raw.lines(PRESTATIES)[0], *[
        r.replace(",obj_inbraak,9.5,7.0,", ',obj_inbraak,"9,5","7,0",').replace(',subj_vaak_drugs,25.0,18.0,',
                                                                               ',subj_vaak_drugs,"1.025,5",18,')
        for r in raw.lines(PRESTATIES)[1:]]])
    raw.edit(VOORTGANG, lambda rows: [r.replace(",8.1,", ',"8,1",') for r in rows])
    header, *rows = raw.lines(ENQUETE)
    answers = "0,0,0,0,3,3,3,3,3,3,3"
    raw.write(ENQUETE, [header, *rows,
                        f'990001,2019,{WIJK},"0,5",{answers}',        # quoted decimal comma: accepted
                        f"990002,2019,{WIJK},0,5,{answers}",            # unquoted in a ',' file: 16 fields
                        f'990003,2019,{WIJK},"1.234,5",{answers}'])     # 1234.5 > max_weight 50
    con = build(raw)
    assert con.execute("SELECT prestatie_id, basiswaarde, streefwaarde FROM stg_prestaties "
                       "WHERE basiswaarde IS NOT NULL ORDER BY 1").fetchall() == [("P001", 9.5, 7.0),
                                                                                  ("P003", 1025.5, 18.0)]
    assert one(con, "SELECT realisatie FROM stg_voortgang WHERE prestatie_id = 'P001' AND datum = '2021-12-31'") == 8.1
    assert one(con, "SELECT weegfactor FROM stg_enquete WHERE respondent_id = '990001'") == 0.5
    n = len(rows) + 1
    assert quarantine(con) == [
        ("enquete", name(ENQUETE), n + 2, None, "16 velden, verwacht 15", "wrong_field_count"),
        ("enquete", name(ENQUETE), n + 3, "weegfactor", "1.234,5", "invalid_weight")]


# === quoted fields with embedded delimiters and newlines ======================================

def test_quoted_delimiters_and_newlines_keep_physical_line_numbers(raw, baseline):
    raw.append(POLITIE,
               politie_row("1.1.2 Diefstal; inbraak box/garage/schuur", WIJK, "2019MM01", "4"),
               politie_row("1.1.2", WIJK, "2019MM02", "-1"))
    raw.write(VOORTGANG, raw.path(VOORTGANG).read_text(encoding="utf-8")
              + 'P002,2022-06-30,,groen,"Twee regels,\nmet ""quotes"" en ; erin"\n'
              + "\n"                                                    # a blank line: no record
              + "P002,2022-07-31,,paars,ongeldige rag\n")
    con = build(raw)
    n = len(raw.lines(POLITIE))
    # the quoted ';' in the label stays in its field: the row is read, as code 1.1.2 with 4
    assert one(con, "SELECT registered FROM stg_politie WHERE area_code = ? AND crime_code = '1.1.2' "
               "AND period = '2019MM01' AND _line = ?", [WIJK, n - 1]) == 4
    assert police_count(con) is None  # the negative count makes its key, so the year, missing (INPUTS.md)
    assert one(con, "SELECT toelichting FROM stg_voortgang WHERE datum = '2022-06-30' AND prestatie_id = 'P002'") == (
        'Twee regels,\nmet "quotes" en ; erin')
    assert one(con, "SELECT _line FROM stg_voortgang WHERE datum = '2022-06-30' AND prestatie_id = 'P002'") == 7
    assert quarantine(con) == [
        ("politie", name(POLITIE), n, "GeregistreerdeMisdrijven_1", "-1", "negative_count"),
        ("voortgang", "voortgang.csv", 10, "rag", "paars", "invalid_value")]  # physical line 10


def test_an_unclosed_quote_never_swallows_the_following_rows(raw, baseline):
    lines = raw.lines(MELDINGEN)
    lines[10] = lines[10].replace(",afgehandeld,", ',afgehandeld,"', 1)   # line 11 opens a quote
    raw.write(MELDINGEN, lines)
    try:
        con = build_database(raw.root)
    except RawFileError as exc:  # acceptable: stop naming the file and the line of the quote
        assert f"{MELDINGEN}, regel 11" in str(exc)
        return
    assert rows_read(con, MELDINGEN) == len(lines) - 1  # every physical record is accounted for


# === truncated last line ======================================================================

def test_a_truncated_last_line_is_quarantined(raw, baseline):
    raw.write(MELDINGEN, "\n".join(raw.lines(MELDINGEN)) + f"\nT-1,2019-05-01,afval,grof")  # no EOL
    raw.write(BEVOLKING, "\n".join(raw.lines(BEVOLKING)) + "\n2023,BU0599")
    con = build(raw)
    assert quarantine(con) == [
        ("bevolking", "bevolking.csv", 34, None, "2 velden, verwacht 3", "wrong_field_count"),
        ("meldingen", name(MELDINGEN), 443, None, "4 velden, verwacht 7", "wrong_field_count")]
    assert_same_index(con, baseline)


def test_a_last_line_cut_inside_a_quoted_field_is_not_accepted(raw, baseline):
    path = raw.path(POLITIE)
    path.write_bytes(path.read_bytes() + b'"9999";"1.1.1 ";"BU05990535  ";"2019MM01";"1')
    try:
        con = build_database(raw.root)
    except RawFileError as exc:
        assert f"{POLITIE}, regel 2690" in str(exc)
        return
    assert_balanced(con)
    assert police_count(con) == police_count(baseline)
    assert (2690, "wrong_field_count") in {(r[2], r[5]) for r in quarantine(con, "politie")}


# === binary or HTML file saved as .csv ========================================================

@pytest.mark.parametrize("relative, content, fragment", [
    ("politie/download.csv", "\ufeff\n  <!DOCTYPE html>\n<html><body>Toegang geweigerd</body></html>".encode(),
     "HTML/XML-pagina"),
    ("enquete/enquete_2023.csv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
     "binaire inhoud"),                                                # an .xlsx renamed to .csv
    ("meldingen/export.csv", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", "binaire inhoud"),  # gzip
    ("areas/areas.csv", "wijk_code,wijk_naam\n".encode("utf-16"), "UTF-16 (Excel 'Unicode-tekst')"),
    ("prestaties/prestaties.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "ontbreken"),
    ("bevolking/bevolking.csv", b'{"error": "not found"}\n', "ontbreken"),
])
def test_binary_or_html_saved_as_csv_stops_naming_the_file(raw, relative, content, fragment):
    raw.path(relative).write_bytes(content)
    message = raw_error(raw)
    assert message.startswith(f"{relative}: ") and fragment in message


# === numbers as text ==========================================================================

def test_numbers_as_text_thousands_separators_and_integral_decimals(raw, baseline):
    # bevolking as Dutch Excel writes it: every value quoted, inwoners with a thousands point.
    rows = [r.split(",") for r in raw.lines(BEVOLKING)[1:]]
    raw.write(BEVOLKING, ["jaar,wijk_code,inwoners",
                          *[f'"{j}","{w}","{int(i):,}"'.replace(",", ".").replace('"."', '","') for j, w, i in rows]])
    assert raw.lines(BEVOLKING)[1] == '"2019","BU05990535","16.822"'
    # A police count written as " 12,0 " means 12.
    raw.edit(POLITIE, lambda rs: [r.replace(';"12"', ';" 12,0 "') if r.startswith('"0";') else r for r in rs])
    raw.append(POLITIE,
               politie_row("1.1.2", WIJK, "2020MM01", "1.234"),
               politie_row("1.1.2", WIJK, "2020MM02", "twaalf"),
               politie_row("1.1.2", WIJK, "2020MM03", "12,5"),
               politie_row("1.1.2", WIJK, "2020MM04", "99999999999999999999"))
    raw.append(BEVOLKING, '"2023","BU05990535","zestien"', '2023,BU05990515,"1 234"')
    con = build(raw)
    assert one(con, "SELECT inwoners FROM stg_bevolking WHERE jaar = 2019 AND wijk_code = ?", [WIJK]) == 16822
    assert police_count(con) == police_count(baseline)
    assert one(con, "SELECT registered FROM stg_politie WHERE area_code = ? AND crime_code = '1.1.2' "
               "AND period = '2020MM01'", [WIJK]) == 1234
    assert police_count(con, jaar=2020) is None  # the unreadable counts make their keys missing, never 0
    n = len(raw.lines(POLITIE))
    assert quarantine(con) == [
        ("bevolking", "bevolking.csv", 34, "inwoners", "zestien", "invalid_number"),
        ("bevolking", "bevolking.csv", 35, "inwoners", "1 234", "invalid_number"),
        ("politie", name(POLITIE), n - 2, "GeregistreerdeMisdrijven_1", "twaalf", "invalid_count"),
        ("politie", name(POLITIE), n - 1, "GeregistreerdeMisdrijven_1", "12,5", "invalid_count"),
        ("politie", name(POLITIE), n, "GeregistreerdeMisdrijven_1", "99999999999999999999", "invalid_count")]
    # The reformatted figures mean the same: only the wijk-year with the extra 1.234 changes.
    got, want = index_rows(con), index_rows(baseline)
    assert [g[:2] for g in got] == [w[:2] for w in want]
    for g, w in zip(got, want):
        if g[:2] != (WIJK, 2020):
            assert g[3] == w[3] and (w[2] is None or g[2] == pytest.approx(w[2], abs=1e-12))
    # ... and there the police burglary figure is missing (three unreadable months), never a lower count
    assert one(con, "SELECT waarde FROM int_indicator_values WHERE wijk_code = ? AND jaar = 2020 AND indicator = 'obj_inbraak'",
               [WIJK]) is None


# === negative and absurd counts ===============================================================

def test_negative_and_absurd_values_are_quarantined(raw, baseline):
    raw.append(BEVOLKING, "2023,BU05990535,-5", "2023,BU05990515,250001", "2023,BU05990516,250000")
    raw.append(POLITIE,
               politie_row("1.1.2", WIJK, "2019MM01", "5000"),             # the bound itself is allowed
               politie_row("1.1.2", WIJK, "2019MM02", "5001"),
               politie_row("1.2.1", WIJK, "2019MM01", "-3"),
               politie_row("1.1.2", WIJK, "2023JJ00", "60001"),            # year total: 12 x the month bound
               politie_row("1.1.2", "GM0599", "2019MM01", "250000"))       # no bound for aggregates
    header, *rows = raw.lines(ENQUETE)
    answers = "0,0,0,0,3,3,3,3,3,3,3"
    raw.write(ENQUETE, [header, *rows, f"990001,2019,{WIJK},50.5,{answers}", f"990002,2019,{WIJK},0,{answers}",
                        f"990003,2019,{WIJK},NaN,{answers}"])
    con = build(raw)
    assert one(con, "SELECT registered FROM stg_politie WHERE area_code = ? AND crime_code = '1.1.2' "
               "AND period = '2019MM01'", [WIJK]) == 5000
    assert police_count(con) is None  # 5001 is implausible: that key, so the year, is missing, never 0
    n, e = len(raw.lines(POLITIE)), len(rows) + 1
    assert quarantine(con) == [
        ("bevolking", "bevolking.csv", 34, "inwoners", "-5", "negative_number"),
        ("bevolking", "bevolking.csv", 35, "inwoners", "250001", "implausible_value"),
        ("enquete", name(ENQUETE), e + 1, "weegfactor", "50.5", "invalid_weight"),
        ("enquete", name(ENQUETE), e + 2, "weegfactor", "0", "invalid_weight"),
        ("enquete", name(ENQUETE), e + 3, "weegfactor", "NaN", "invalid_weight"),
        ("politie", name(POLITIE), n - 3, "GeregistreerdeMisdrijven_1", "5001", "implausible_count"),
        ("politie", name(POLITIE), n - 2, "GeregistreerdeMisdrijven_1", "-3", "negative_count"),
        ("politie", name(POLITIE), n - 1, "GeregistreerdeMisdrijven_1", "60001", "implausible_count")]


# === dates: other formats, future dates =======================================================

def test_dates_in_other_formats(raw, baseline):
    raw.append(MELDINGEN,
               f"F-1,7-1-2019,afval,grofvuil,{WIJK},afgehandeld,9-1-2019 14:00",   # Excel d-m-yyyy
               f"F-2,2019-01-07T23:30:00+01:00,afval,grofvuil,{WIJK},gemeld,",     # zone dropped
               f"F-3,01/07/2019,afval,grofvuil,{WIJK},gemeld,",                    # US order: ambiguous
               f"F-4,20190107,afval,grofvuil,{WIJK},gemeld,",
               f"F-5,2019-02-30,afval,grofvuil,{WIJK},gemeld,",                    # no such day
               f"F-6,43472,afval,grofvuil,{WIJK},gemeld,",                         # Excel serial number
               f"F-7,2019-01-07,afval,grofvuil,{WIJK},afgehandeld,31-02-2019")
    raw.edit(VOORTGANG, lambda rows: [*rows, "P003,30-12-2022,21.0,oranje,", "P003,juni 2022,21.0,oranje,"])
    raw.edit(PRESTATIES, lambda rows: [r.replace(",2021-10-01,2022-03-31,", ",1-10-2021,31-3-2022,") for r in rows])
    con = build(raw)
    assert con.execute("SELECT melding_id, gemeld_op::VARCHAR, jaar, maand FROM stg_meldingen "
                       "WHERE melding_id IN ('F-1', 'F-2') ORDER BY 1").fetchall() == [
        ("F-1", "2019-01-07 00:00:00", 2019, 1), ("F-2", "2019-01-07 23:30:00", 2019, 1)]
    assert melding_count(con, "obj_vervuiling_meldingen") == melding_count(baseline, "obj_vervuiling_meldingen") + 2
    assert one(con, "SELECT startdatum::VARCHAR, einddatum::VARCHAR FROM stg_prestaties WHERE prestatie_id = 'P001'") == (
        "2021-10-01", "2022-03-31")
    assert one(con, "SELECT count(*) FROM stg_voortgang WHERE datum = '2022-12-30'") == 1
    n = len(raw.lines(MELDINGEN))
    assert quarantine(con) == [
        ("meldingen", name(MELDINGEN), n - 4, "datum", "01/07/2019", "invalid_date"),
        ("meldingen", name(MELDINGEN), n - 3, "datum", "20190107", "invalid_date"),
        ("meldingen", name(MELDINGEN), n - 2, "datum", "2019-02-30", "invalid_date"),
        ("meldingen", name(MELDINGEN), n - 1, "datum", "43472", "invalid_date"),
        ("meldingen", name(MELDINGEN), n, "datum_afgehandeld", "31-02-2019", "invalid_date"),
        ("voortgang", "voortgang.csv", 8, "datum", "juni 2022", "invalid_date")]


def test_a_two_digit_year_is_never_read_as_year_7(raw):
    raw.append(MELDINGEN, f"Y-1,7-1-19,afval,grofvuil,{WIJK},gemeld,", f"Y-2,1-1-19,afval,grofvuil,{WIJK},gemeld,")
    con = build(raw)
    assert [r[0] for r in con.execute("SELECT DISTINCT jaar FROM wijk_index ORDER BY 1").fetchall()] == [
        2019, 2020, 2021, 2022]
    assert {r[5] for r in quarantine(con, "meldingen")} == {"invalid_date"}


def test_future_dates_are_quarantined(raw, baseline):
    future = (date.today() + timedelta(days=2)).isoformat()
    raw.append(MELDINGEN, f"T-1,{future},afval,grofvuil,{WIJK},gemeld,",
               f"T-2,{future}T08:00:00,afval,grofvuil,{WIJK},gemeld,")
    raw.edit(VOORTGANG, lambda rows: [*rows, f"P003,{future},19.0,groen,vooruit gedateerd"])
    # A prestatie may end in the future: plans are about the future.
    raw.edit(PRESTATIES, lambda rows: [r.replace(",2022-12-31,subj_vaak_drugs", f",{future},subj_vaak_drugs")
                                       for r in rows])
    con = build(raw)
    n = len(raw.lines(MELDINGEN))
    assert quarantine(con) == [
        ("meldingen", name(MELDINGEN), n - 1, "datum", future, "future_date"),
        ("meldingen", name(MELDINGEN), n, "datum", f"{future}T08:00:00", "future_date"),
        ("voortgang", "voortgang.csv", 7, "datum", future, "future_date")]
    assert one(con, "SELECT einddatum::VARCHAR FROM stg_prestaties WHERE prestatie_id = 'P003'") == future
    assert_same_index(con, baseline)


@pytest.mark.parametrize("source", ["politie", "enquete"])
def test_a_future_police_period_or_survey_year_is_quarantined(raw, source):
    if source == "politie":
        raw.append(POLITIE, politie_row("1.1.1", WIJK, "2099MM01", "3"))
    else:
        raw.append(ENQUETE, f"990001,2099,{WIJK},1.0,0,0,0,0,3,3,3,3,3,3,3")
    con = build(raw)
    assert 2099 not in {r[0] for r in con.execute("SELECT DISTINCT jaar FROM wijk_index").fetchall()}
    assert [r[5] for r in quarantine(con, source)] == ["future_date"]


# === unknown wijk codes, crime codes, subcategories ===========================================

def test_unknown_codes(raw, baseline):
    header, *rows = raw.lines(ENQUETE)
    raw.write(ENQUETE, [header, *rows, "990001,2019,BU05999999,1.0,0,0,0,0,3,3,3,3,3,3,3"])
    raw.append(BEVOLKING, "2019,BU05999999,5000", "2019,WK059905,90000")
    raw.append(POLITIE, politie_row("9.9.9 Onbekende soort", WIJK, "2019MM01", "40"))   # valid format, no indicator
    raw.append(MELDINGEN,
               f"U-1,2019-05-01,vuurwerk,vuurwerkoverlast,{WIJK},gemeld,",              # kept, counted nowhere
               f"U-2,2019-05-01,AFVAL, Grofvuil ,{WIJK.lower()},gemeld,",               # normalised: counts
               f"U-3,2019-05-01,afval,grofvuil,WK059905,gemeld,")                      # a gebied is no wijk
    con = build(raw)
    assert one(con, "SELECT in_vocabulary FROM stg_meldingen WHERE melding_id = 'U-1'") is False
    assert one(con, "SELECT wijk_code, subcategorie, in_vocabulary FROM stg_meldingen WHERE melding_id = 'U-2'") == (
        WIJK, "grofvuil", True)
    assert melding_count(con, "obj_vervuiling_meldingen") == melding_count(baseline, "obj_vervuiling_meldingen") + 1
    for indicator in ("obj_inbraak", "obj_diefstal", "obj_geweld", "obj_vernieling", "obj_drugs_politie"):
        assert police_count(con, indicator) == police_count(baseline, indicator)
    assert one(con, "SELECT registered FROM stg_politie WHERE crime_code = '9.9.9'") == 40
    assert quarantine(con) == [
        ("bevolking", "bevolking.csv", 34, "wijk_code", "BU05999999", "unknown_area"),
        ("bevolking", "bevolking.csv", 35, "wijk_code", "WK059905", "unknown_area"),
        ("enquete", name(ENQUETE), len(rows) + 2, "wijk_code", "BU05999999", "unknown_area"),
        ("meldingen", name(MELDINGEN), len(raw.lines(MELDINGEN)), "wijk_code", "WK059905", "unknown_area")]


def test_prestaties_referring_to_unknown_wijken_themes_or_indicators(raw):
    raw.append(PRESTATIES,
               "P101,BU05999999,inbraak,Politie,onbekende wijk,inspanning,2,ja,2021-01-01,2021-12-31,,,,toegezegd",
               "P102,BU05990535,verkeer,Politie,onbekend thema,inspanning,2,ja,2021-01-01,2021-12-31,,,,toegezegd",
               "P103,BU05990535,diefstal,Politie,onbekende indicator,resultaat,2,ja,2021-01-01,2021-12-31,"
               "obj_fietsdiefstal,5,3,toegezegd",
               "P104,BU05990535,drugs,Politie,indicator van een ander thema,resultaat,2,ja,2021-01-01,2021-12-31,"
               "obj_inbraak,5,3,toegezegd",
               "P105,wk059905,Inbraak,Politie,gebied in kleine letters,inspanning,2,ja,2021-01-01,2021-12-31,,,,toegezegd",
               "P106,Stad,beleving,Gemeente,hele stad,inspanning,2,nee,2021-01-01,2021-12-31,,,,toegezegd")
    raw.edit(VOORTGANG, lambda rows: [*rows, "P999,2021-06-30,,groen,onbekende afspraak",
                                      "P101,2021-06-30,,groen,afspraak in quarantaine"])
    con = build(raw)
    assert con.execute("SELECT prestatie_id, wijk_code, area_level, thema FROM stg_prestaties "
                       "WHERE prestatie_id IN ('P105', 'P106') ORDER BY 1").fetchall() == [
        ("P105", "WK059905", "gebied", "inbraak"), ("P106", "stad", "stad", "beleving")]
    assert quarantine(con) == [
        ("prestaties", "prestaties.csv", 6, "wijk_code", "BU05999999", "unknown_area"),
        ("prestaties", "prestaties.csv", 7, "thema", "verkeer", "unknown_theme"),
        ("prestaties", "prestaties.csv", 8, "indicator", "obj_fietsdiefstal", "unknown_indicator"),
        ("prestaties", "prestaties.csv", 9, "indicator", "obj_inbraak", "indicator_theme_mismatch"),
        ("voortgang", "voortgang.csv", 7, "prestatie_id", "P999", "unknown_prestatie"),
        ("voortgang", "voortgang.csv", 8, "prestatie_id", "P101", "unknown_prestatie")]


# === duplicate rows, ids and files ============================================================

def test_identical_rows_twice(raw, baseline):
    """The same line twice: for keyed sources the row read last wins (the earlier is superseded);
    a repeated respondent keeps the first (the later is duplicate_respondent)."""
    lines = {rel: raw.lines(rel) for rel in (POLITIE, MELDINGEN, ENQUETE, BEVOLKING, AREAS, PRESTATIES, VOORTGANG)}
    for rel, ls in lines.items():
        raw.append(rel, ls[1])
    con = build(raw)
    assert quarantine(con) == sorted([
        ("areas", "areas.csv", 2, "wijk_code", WIJK, "superseded"),
        ("bevolking", "bevolking.csv", 2, "wijk_code", f"2019 {WIJK}", "superseded"),
        ("enquete", name(ENQUETE), len(lines[ENQUETE]) + 1, "respondent_id", "190001", "duplicate_respondent"),
        ("meldingen", name(MELDINGEN), 2, "melding_id", "M19-0013", "superseded"),
        ("politie", name(POLITIE), 2, "GeregistreerdeMisdrijven_1", "12", "superseded"),
        ("prestaties", "prestaties.csv", 2, "prestatie_id", "P001", "superseded"),
        ("voortgang", "voortgang.csv", 2, "datum", "P001 2021-12-31", "superseded")])
    assert_same_index(con, baseline)
    assert one(con, "SELECT _line FROM stg_meldingen WHERE melding_id = 'M19-0013'") == len(lines[MELDINGEN]) + 1


def test_duplicate_ids_with_other_content(raw, baseline):
    # The same respondent_id in another year is another respondent; a re-export of a melding in a
    # later file carries its newer status.
    victim_line, victim = next((i + 1, r) for i, r in enumerate(raw.lines(MELDINGEN))
                               if f",grofvuil,{WIJK},afgehandeld," in r and ",2019-" in r)
    raw.write("meldingen/zz_heruitgave.csv", [raw.lines(MELDINGEN)[0], victim.replace(",afgehandeld,", ",geannuleerd,")])
    header, *rows = raw.lines(ENQUETE)
    raw.write(ENQUETE, [header, *rows, f"190001,2020,{WIJK},1.0,0,0,0,0,3,3,3,3,3,3,3"])
    con = build(raw)
    assert melding_count(con, "obj_vervuiling_meldingen") == melding_count(baseline, "obj_vervuiling_meldingen") - 1
    assert one(con, "SELECT count(*) FROM stg_enquete WHERE respondent_id = '190001'") == 2
    assert quarantine(con) == [("meldingen", name(MELDINGEN), victim_line, "melding_id", victim.split(",")[0],
                                "superseded")]


def test_duplicate_files(raw, baseline):
    # Identical bytes under another name: skipped whole. The same data in other bytes (BOM, CRLF):
    # read, but every key is already there, so nothing counts twice.
    shutil.copy(raw.path(POLITIE), raw.path("politie/zz_kopie.csv"))
    raw.write("meldingen/zz_opnieuw_opgeslagen.csv", "\ufeff" + "\r\n".join(raw.lines(MELDINGEN)) + "\r\n")
    raw.write("enquete/zz_opnieuw_opgeslagen.csv", "\ufeff" + "\r\n".join(raw.lines(ENQUETE)) + "\r\n")
    con = build(raw)
    assert one(con, "SELECT status, duplicate_of FROM raw_files WHERE file_name = 'zz_kopie.csv'") == (
        "duplicaat", name(POLITIE))
    q = quarantine(con)
    assert [r for r in q if r[0] == "politie"] == [("politie", "zz_kopie.csv", None, None, name(POLITIE), "duplicate_file")]
    n_meldingen, n_enquete = len(raw.lines(MELDINGEN)) - 1, len(raw.lines(ENQUETE)) - 1
    assert {(r[0], r[1], r[5]) for r in q if r[0] != "politie"} == {
        ("meldingen", name(MELDINGEN), "superseded"), ("enquete", "zz_opnieuw_opgeslagen.csv", "duplicate_respondent")}
    assert len(q) == 1 + n_meldingen + n_enquete
    assert_same_index(con, baseline)


def test_a_corrected_file_replacing_an_earlier_one(raw, tmp_path, baseline):
    db = duckdb.connect(str(tmp_path / "db.duckdb"))
    build_database(raw.root, con=db)
    old_sha = one(db, "SELECT sha256 FROM raw_files WHERE file_name = ?", [name(MELDINGEN)])
    # The gemeente re-exports the file under the same name: one melding corrected to geannuleerd,
    # one melding withdrawn (its line gone).
    header, *rows = raw.lines(MELDINGEN)
    fixed = [i for i, r in enumerate(rows) if f",grofvuil,{WIJK},afgehandeld," in r and ",2019-" in r][:2]
    rows[fixed[0]] = rows[fixed[0]].replace(",afgehandeld,", ",geannuleerd,")
    del rows[fixed[1]]
    raw.write(MELDINGEN, [header, *rows])
    build_database(raw.root, con=db)
    assert_balanced(db)
    assert melding_count(db, "obj_vervuiling_meldingen") == melding_count(baseline, "obj_vervuiling_meldingen") - 2
    assert one(db, "SELECT revised, previous_sha256, rows_read FROM raw_files WHERE file_name = ?",
               [name(MELDINGEN)]) == (True, old_sha, len(rows))
    assert one(db, "SELECT count(*) FROM file_revisions WHERE file_name = ?", [name(MELDINGEN)]) == 1
    assert quarantine(db) == []


def test_a_revision_is_still_reported_after_a_stopped_run(raw, tmp_path):
    db = duckdb.connect(str(tmp_path / "db.duckdb"))
    build_database(raw.root, con=db)                                   # published
    raw.append(POLITIE, politie_row("1.1.2", WIJK, "2019MM01", "5", "8888"))   # CBS revises the file
    raw.path("meldingen/kapot.csv").write_bytes(b"<html></html>")      # ... and the run stops
    with pytest.raises(RawFileError):
        build_database(raw.root, con=db)  # like the Dagster job: raw_politie ran before the stop
    raw.path("meldingen/kapot.csv").unlink()
    build_database(raw.root, con=db)                                   # the first publication with it
    assert one(db, "SELECT revised FROM raw_files WHERE source = 'politie'") is True


# === missing source folder ====================================================================

@pytest.mark.parametrize("folder", ["areas", "bevolking", "politie", "enquete", "meldingen"])
def test_a_missing_required_source_folder_stops_the_run(raw, folder):
    shutil.rmtree(raw.path(folder))
    message = raw_error(raw)
    assert message.startswith(f"Bronmap {raw.root / folder} ontbreekt") and "Verwacht voor" in message


def test_a_source_folder_without_csv_files_stops_the_run(raw):
    p = raw.path(BEVOLKING)
    p.rename(p.with_suffix(".xlsx"))
    assert f"Bronmap {raw.root / 'bevolking'} bevat geen .csv-bestanden" in raw_error(raw)


def test_the_optional_prestaties_folder_may_be_missing_and_upper_case_csv_is_read(raw, baseline):
    shutil.rmtree(raw.path("prestaties"))
    raw.path(BEVOLKING).rename(raw.path("bevolking/BEVOLKING.CSV"))
    con = build(raw)
    assert one(con, "SELECT count(*) FROM prestaties") == 0
    assert file_row(con, "BEVOLKING.CSV")[:2] == ("gelezen", 32)
    assert quarantine(con) == []
    assert_same_index(con, baseline)


# === a very large file ========================================================================

def test_a_very_large_file_is_read_and_accounted_for(raw, baseline):
    n = 300_000
    rng = np.random.default_rng(7)
    wijken = np.array(["BU05990535", "BU05990515", "BU05990516", "BU05990531",
                       "BU05990532", "BU05990534", "BU05990323", "BU05990325"])
    subcats = np.array(["grofvuil", "hondenpoep", "jongerenoverlast", "fietswrak", "drank-en-drugsoverlast"])
    hoofd = np.array(["afval", "overlast-in-de-openbare-ruimte", "overlast-van-en-door-personen-of-groepen",
                      "overlast-in-de-openbare-ruimte", "overlast-van-en-door-personen-of-groepen"])
    sub_i = rng.integers(0, len(subcats), n)
    days = np.datetime64("2019-01-01") + rng.integers(0, 4 * 365, n)
    frame = pl.DataFrame({
        "melding_id": np.char.add("G-", np.arange(n).astype(str)),
        "datum": np.datetime_as_string(days, unit="D"),
        "hoofdcategorie": hoofd[sub_i], "subcategorie": subcats[sub_i],
        "wijk_code": wijken[rng.integers(0, len(wijken), n)],
        "status": np.where(rng.random(n) < 0.05, "geannuleerd", "afgehandeld"),
        "datum_afgehandeld": np.datetime_as_string(days + 3, unit="D"),
    })
    bad = np.arange(1, n, 50_000)  # every 50,000th row gets an unreadable date
    frame = frame.with_columns(pl.when(pl.int_range(pl.len()).is_in(bad.tolist())).then(pl.lit("gisteren"))
                               .otherwise(pl.col("datum")).alias("datum"))
    start = time.perf_counter()
    frame.write_csv(raw.path("meldingen/zz_groot.csv"))
    con = build(raw)
    elapsed = time.perf_counter() - start
    assert file_row(con, "zz_groot.csv")[:2] == ("gelezen", n)
    assert one(con, "SELECT rows_used, rows_quarantined FROM int_file_account WHERE file = 'zz_groot.csv'") == (
        n - len(bad), len(bad))
    assert quarantine(con) == [("meldingen", "zz_groot.csv", int(i) + 2, "datum", "gisteren", "invalid_date")
                               for i in bad]
    counted = frame.filter((pl.col("wijk_code") == WIJK) & pl.col("datum").str.starts_with("2019-")
                           & pl.col("subcategorie").is_in(["grofvuil", "hondenpoep"]) & (pl.col("status") != "geannuleerd")).height
    assert melding_count(con, "obj_vervuiling_meldingen") == melding_count(baseline, "obj_vervuiling_meldingen") + counted
    assert elapsed < 60, f"300.000 rijen kostten {elapsed:.0f} s"


# === run-stopping cases end to end: the previous publication stays intact ====================

@dataclass
class Publication:
    manifest: bytes
    publicatie_id: str
    directories: list[str]
    frames: dict[str, pl.DataFrame]


def snapshot(marts: Path) -> Publication:
    manifest, frames = read_publication(marts)
    return Publication((marts / MANIFEST).read_bytes(), manifest["publicatie_id"],
                       sorted(p.name for p in (marts / PUBLICATIONS).iterdir()), frames)


def assert_publication_intact(marts: Path, before: Publication) -> None:
    assert (marts / MANIFEST).read_bytes() == before.manifest
    for file_name in published_files():
        ids = pl.read_parquet(marts / file_name, columns=["publicatie_id"])["publicatie_id"].unique().to_list()
        assert ids in ([before.publicatie_id], []), f"{file_name}: {ids}"
    assert sorted(p.name for p in (marts / PUBLICATIONS).iterdir()) == before.directories  # no half publication
    manifest, frames = read_publication(marts)
    assert manifest["publicatie_id"] == before.publicatie_id
    assert_frame_equal(frames["wijk_index"], before.frames["wijk_index"])
    assert frames.keys() == before.frames.keys()
    for key, frame in frames.items():
        assert_frame_equal(frame, before.frames[key])


@pytest.fixture(scope="module")
def published(golden_run) -> tuple[Path, Publication]:
    """The good run: the session's real run on the golden raw folder (conftest.golden_run). Every
    bad run goes into a copy of its marts folder, so the cases cannot spoil each other."""
    assert golden_run.success
    before = snapshot(golden_run.marts)
    assert before.frames["wijk_index"]["index"].drop_nulls().len() > 0
    return golden_run.marts, before


@pytest.fixture
def marts(published, tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    target = tmp_path / "marts"
    shutil.copytree(published[0], target)
    return target


def _empty_file(raw):
    raw.path("politie/leeg.csv").write_bytes(b"")
    return ["raw_politie: politie/leeg.csv: het bestand is leeg"]


def _html_file(raw):
    raw.path(MELDINGEN).write_bytes(b"<!DOCTYPE html>\n<html><body>Sessie verlopen</body></html>\n")
    return [f"raw_meldingen: {MELDINGEN}: dit lijkt een HTML/XML-pagina"]


def _missing_column(raw):
    raw.write(ENQUETE, [raw.lines(ENQUETE)[0].replace(",weegfactor,", ",gewicht,"), *raw.lines(ENQUETE)[1:]])
    return [f"raw_enquete: {ENQUETE}: kolom(men) weegfactor ontbreken"]


def _missing_folder(raw):
    shutil.rmtree(raw.path("bevolking"))
    return [f"raw_bevolking: Bronmap {raw.root / 'bevolking'} ontbreekt"]


def _calibration_error(raw):
    # Only two wijken eligible in the base year: too few values to calibrate any indicator.
    raw.edit(BEVOLKING, lambda rows: [r.rsplit(",", 1)[0] + ",500" if r.startswith("2019,") and not r.startswith(
        ("2019,BU05990535", "2019,BU05990515")) else r for r in rows])
    return ["Kalibratiefout in basisjaar 2019", "obj_diefstal: 2 waarde(n)"]


@pytest.mark.parametrize("defect", [_empty_file, _html_file, _missing_column, _missing_folder, _calibration_error],
                         ids=["empty_file", "html_file", "missing_column", "missing_folder", "calibration_error"])
def test_a_stopped_run_leaves_the_previous_publication_intact(raw, published, marts, defect):
    fragments = defect(raw)
    with pytest.raises(PipelineError) as info:
        run_pipeline(raw.root, marts, quiet=True)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message
    assert "Traceback" not in message
    assert_publication_intact(marts, published[1])


@pytest.mark.parametrize("case", ["xlsx_as_csv", "raw_folder_missing"])
def test_the_cli_stops_with_a_dutch_message_and_no_traceback(raw, published, marts, case):
    if case == "xlsx_as_csv":
        raw.path("areas/wijken_export.csv").write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
        raw_dir, expected = raw.root, "areas/wijken_export.csv: dit is geen tekstbestand (binaire inhoud)"
    else:
        raw_dir = raw.root.parent / "bestaat_niet"
        expected = f"De ruwe map {raw_dir} bestaat niet."
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    result = subprocess.run([str(CLI if CLI.exists() else Path(sys.executable).with_name("veiligheidsindex")),
                             "run", "--raw", str(raw_dir), "--marts", str(marts)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    fout = result.stderr[result.stderr.index("FOUT:"):]
    assert fout.startswith("FOUT: de pipeline is gestopt; de vorige publicatie is ongewijzigd.")
    assert expected in fout
    assert_publication_intact(marts, published[1])
