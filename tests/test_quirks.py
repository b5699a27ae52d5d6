"""Each quirk of INPUTS.md, and each eligibility rule of METHOD.md, on a copy of the golden raw
folder with exactly that quirk added. Runs the real readers and SQL models in memory."""

import shutil

import duckdb
import pytest

from pipeline.ingest.readers import RawFileError
from tests.conftest import GOLDEN_RAW, build_database, materialize

POLITIE = "politie/geregistreerde_misdrijven_2019_2022.csv"
MELDINGEN = "meldingen/meldingen_2019_2022.csv"
ENQUETE = "enquete/enquete_2019_2022.csv"
BEVOLKING = "bevolking/bevolking.csv"
WIJK = "BU05990535"  # Oude Noorden


@pytest.fixture(scope="module")
def baseline() -> duckdb.DuckDBPyConnection:
    return build_database(GOLDEN_RAW)


def one(con, query, params=None):
    rows = con.execute(query, params or []).fetchall()  # fetchall: DuckDB 2.0 streams results
    row = rows[0] if rows else None
    return None if row is None else (row[0] if len(row) == 1 else row)


def police_count(con, indicator="obj_inbraak", wijk=WIJK, jaar=2019):
    return one(con, "SELECT aantal FROM int_police_counts WHERE wijk_code = ? AND jaar = ? AND indicator = ?",
               [wijk, jaar, indicator])


def melding_count(con, indicator, wijk=WIJK, jaar=2019):
    return one(con, "SELECT aantal FROM int_meldingen_counts WHERE wijk_code = ? AND jaar = ? AND indicator = ?",
               [wijk, jaar, indicator])


def reden(con, wijk=WIJK, jaar=2019):
    return one(con, "SELECT reden FROM wijk_index WHERE wijk_code = ? AND jaar = ?", [wijk, jaar])


def quarantine(con, source=None):
    query = "SELECT source, file, line, \"column\", value, reason FROM int_quarantine"
    if source:
        return con.execute(query + " WHERE source = ? ORDER BY file, line", [source]).fetchall()
    return con.execute(query + " ORDER BY source, file, line").fetchall()


def assert_balanced(con):
    rows = con.execute("SELECT source, file, rows_read, rows_used, rows_quarantined FROM int_file_account "
                       "WHERE NOT balanced").fetchall()
    assert not rows, f"rijen niet verantwoord: {rows}"


def politie_row(code, area, period, value, row_id="9999"):
    return f'"{row_id}";"{code}";"{area}";"{period}";"{value}"'


# --- politie -------------------------------------------------------------------------------

def test_keys_with_trailing_spaces_and_labels_are_read_as_codes(raw, baseline):
    raw.append(POLITIE, politie_row("1.1.2 Diefstal/inbraak box/garage/schuur ", f"{WIJK}   ", "2019MM01", "5"))
    con = build_database(raw.root)
    assert police_count(con) == police_count(baseline) + 5
    assert quarantine(con) == []
    assert_balanced(con)


def test_total_code_and_gemeente_and_wijk_rows_are_never_counted(raw, baseline):
    raw.append(POLITIE,
               politie_row("0.0.0 Totaal misdrijven", WIJK, "2019MM01", "999"),
               politie_row("1.1.1 ", "GM0599  ", "2019MM01", "4000"),
               politie_row("1.1.1 ", "WK059905  ", "2019MM01", "800"))
    con = build_database(raw.root)
    for indicator in ("obj_inbraak", "obj_diefstal", "obj_geweld"):
        assert police_count(con, indicator) == police_count(baseline, indicator)
    assert one(con, "SELECT count(*) FROM stg_politie WHERE area_level IN ('gemeente', 'wijk')") == 2
    assert quarantine(con) == []  # kept as aggregates, not errors


@pytest.mark.parametrize("unpublished", [".", ""])
def test_unpublished_count_is_missing_never_zero(raw, baseline, unpublished):
    raw.edit(POLITIE, lambda rows: [
        politie_row("1.1.1 ", f"{WIJK}  ", "2020MM03", unpublished, r.split(";")[0].strip('"'))
        if '"1.1.1 "' in r and WIJK in r and "2020MM03" in r else r for r in rows])
    con = build_database(raw.root)
    assert police_count(con, jaar=2020) is None
    assert one(con, "SELECT is_missing FROM int_police_counts WHERE wijk_code = ? AND jaar = 2020 "
                    "AND indicator = 'obj_inbraak'", [WIJK]) is True
    assert one(con, "SELECT waarde FROM indicator_scores WHERE wijk_code = ? AND jaar = 2020 "
                    "AND indicator = 'obj_inbraak'", [WIJK]) is None
    objectief, subjectief, score = one(con, "SELECT objectief, subjectief, score FROM thema_scores "
                                            "WHERE wijk_code = ? AND jaar = 2020 AND thema = 'inbraak'", [WIJK])
    assert objectief is None and score == pytest.approx(subjectief)
    assert reden(con, jaar=2020) is None  # the theme still has its subjective part
    # Other years and indicators are untouched.
    assert police_count(con, jaar=2021) == police_count(baseline, jaar=2021)


def test_year_totals_are_used_only_for_a_year_without_month_rows(raw, baseline):
    rows = raw.lines(POLITIE)[1:]
    totals: dict[tuple, int] = {}
    kept = []
    for r in rows:
        _, code, area, period, value = [f.strip('"') for f in r.split(";")]
        if period.startswith("2022"):
            key = (code, area)
            totals[key] = totals.get(key, 0) + int(value)
        else:
            kept.append(r)
    kept += [politie_row(code, area, "2022JJ00", n) for (code, area), n in totals.items()]
    # A year total beside month rows must never be added to them.
    kept += [politie_row("1.1.1 ", WIJK, "2021JJ00", "5000")]
    raw.write(POLITIE, [raw.lines(POLITIE)[0], *kept])
    con = build_database(raw.root)
    assert one(con, "SELECT police_count_from, police_complete FROM int_years WHERE jaar = 2022") == ("jaar", True)
    assert one(con, "SELECT police_count_from FROM int_years WHERE jaar = 2021") == "maand"
    for jaar in (2021, 2022):
        assert police_count(con, jaar=jaar) == police_count(baseline, jaar=jaar)
    got = con.execute('SELECT wijk_code, jaar, "index" FROM wijk_index ORDER BY 1, 2').fetchall()
    want = baseline.execute('SELECT wijk_code, jaar, "index" FROM wijk_index ORDER BY 1, 2').fetchall()
    assert [g[:2] for g in got] == [w[:2] for w in want]
    assert all(g[2] == pytest.approx(w[2], abs=1e-9) for g, w in zip(got, want))


def test_a_year_missing_a_month_is_incomplete(raw):
    raw.edit(POLITIE, lambda rows: [r for r in rows if "2022MM12" not in r])
    con = build_database(raw.root)
    assert {r[0] for r in con.execute("SELECT reden FROM wijk_index WHERE jaar = 2022").fetchall()} == {"incomplete_year"}
    assert one(con, "SELECT basisjaar FROM int_base_year") == 2019


def test_a_later_file_revises_the_same_key(raw, baseline):
    original = next(r for r in raw.lines(POLITIE) if '"1.1.1 "' in r and WIJK in r and "2019MM01" in r)
    old = int(original.split(";")[4].strip('"'))
    raw.write("politie/zz_revisie_2019.csv", [raw.lines(POLITIE)[0], politie_row("1.1.1", WIJK, "2019MM01", old + 7)])
    con = build_database(raw.root)
    assert police_count(con) == police_count(baseline) + 7
    rows = quarantine(con, "politie")
    assert len(rows) == 1 and rows[0][1] == POLITIE.split("/")[1] and rows[0][5] == "superseded"
    assert_balanced(con)


def test_wijk_without_police_rows_is_missing_source_not_zero_crime(raw):
    raw.edit(POLITIE, lambda rows: [r for r in rows if not (WIJK in r and '"2021MM' in r)])
    con = build_database(raw.root)
    assert reden(con, jaar=2021) == "missing_source:politie"
    assert reden(con, jaar=2020) is None


def test_invalid_police_values_are_quarantined_with_line_and_column(raw):
    raw.append(POLITIE,
               politie_row("1.1.1", WIJK, "2019-01", "3"),
               politie_row("1.1.1", WIJK, "2019MM01", "-4"),
               politie_row("1.1.1", WIJK, "2019MM02", "veel"),
               politie_row("1.1.1", "BU05999999", "2019MM01", "3"),
               politie_row("1.1.1", "XX123", "2019MM01", "3"),
               politie_row("abc", WIJK, "2019MM01", "3"))
    con = build_database(raw.root)
    n = len(raw.lines(POLITIE))
    got = {(r[2], r[3], r[5]) for r in quarantine(con, "politie")}
    assert got == {
        (n - 5, "Perioden", "invalid_period"),
        (n - 4, "GeregistreerdeMisdrijven_1", "negative_count"),
        (n - 3, "GeregistreerdeMisdrijven_1", "invalid_count"),
        (n - 2, "WijkenEnBuurten", "unknown_area"),
        (n - 1, "WijkenEnBuurten", "invalid_area_code"),
        (n, "SoortMisdrijf", "invalid_crime_code"),
        # the unusable counts come later than the golden figures of their keys and replace them
        # (a later file revises): the golden rows are superseded and those keys are missing, never 0
        (2, "GeregistreerdeMisdrijven_1", "superseded"),
        (9, "GeregistreerdeMisdrijven_1", "superseded"),
    }
    missing = con.execute("SELECT period, reject_reason FROM stg_politie_unusable_counts ORDER BY period").fetchall()
    assert missing == [("2019MM01", "negative_count"), ("2019MM02", "invalid_count")]
    assert con.execute("SELECT aantal, is_missing FROM int_police_counts WHERE wijk_code = ? AND jaar = 2019 "
                       "AND indicator = 'obj_inbraak'", [WIJK]).fetchall() == [(None, True)]
    assert_balanced(con)


def test_unusable_count_makes_the_key_missing_never_zero(raw):
    """INPUTS.md: x (geheim), NA (cbsodataR) and '.' are not published; an unreadable count is
    quarantined; either way the key is missing, never 0. CBS's '-' is nihil: 0."""
    header, *rows = raw.lines(POLITIE)
    key = next(i for i, r in enumerate(rows) if WIJK in r and '"2019MM03"' in r and '"1.1.1 "' in r)
    for value, reason, missing in (("x", None, True), ("NA", None, True), ("12a", "invalid_count", True),
                                   ("-", None, False)):
        changed = list(rows)
        changed[key] = rows[key].rsplit(";", 1)[0] + f';"{value}"'
        raw.write(POLITIE, [header, *changed])
        con = build_database(raw.root)
        aantal, is_missing = con.execute(
            "SELECT aantal, is_missing FROM int_police_counts WHERE wijk_code = ? AND jaar = 2019 "
            "AND indicator = 'obj_inbraak'", [WIJK]).fetchall()[0]
        assert is_missing is missing and (aantal is None) is missing, value
        assert {r[5] for r in quarantine(con, "politie")} == ({reason} if reason else set()), value
        assert_balanced(con)


# --- enquete -------------------------------------------------------------------------------

def test_survey_weights_answers_and_duplicates(raw, baseline):
    header, *rows = raw.lines(ENQUETE)
    first = rows[0].split(",")
    first_id, jaar, wijk = first[0], first[1], first[2]

    def respondent(rid, weight, answers):
        return ",".join([rid, jaar, wijk, weight, *answers])

    raw.write(ENQUETE, [
        header, *rows,
        respondent("900001", '"0,935"', ["1"] * 4 + ["1"] * 7),   # decimal comma: accepted
        respondent("900002", "", ["0"] * 4 + ["3"] * 7),           # missing weight
        respondent("900003", "-1", ["0"] * 4 + ["3"] * 7),         # non-positive weight
        respondent("900004", "1.0", ["4"] + ["0"] * 3 + ["3"] * 7),  # invalid binary answer
        respondent("900005", "1.0", ["0"] * 4 + ["9"] * 7),        # 9 = weet niet: no answer
        respondent(first_id, "1.0", ["1"] * 4 + ["1"] * 7),        # repeated id within the year
    ])
    con = build_database(raw.root)
    n = len(rows) + 1
    assert {(r[2], r[3], r[5]) for r in quarantine(con, "enquete")} == {
        (n + 2, "weegfactor", "invalid_weight"), (n + 3, "weegfactor", "invalid_weight"),
        (n + 4, "voelt_zich_onveilig", "invalid_answer"), (n + 6, "respondent_id", "duplicate_respondent")}
    assert one(con, "SELECT weegfactor FROM stg_enquete WHERE respondent_id = '900001'") == pytest.approx(0.935)
    # The first occurrence of the repeated id is kept (line 2), the later one quarantined.
    assert one(con, "SELECT _line FROM stg_enquete WHERE respondent_id = ? AND jaar = ?", [first_id, int(jaar)]) == 2
    # 900005 counts as respondent, but its 9s are no valid answers to the vaak_* items.
    resp = "SELECT respondenten FROM int_wijk_years WHERE wijk_code = ? AND jaar = ?"
    assert one(con, resp, [wijk, int(jaar)]) == one(baseline, resp, [wijk, int(jaar)]) + 2
    valid = "SELECT n_valid FROM int_survey_results WHERE wijk_code = ? AND jaar = ? AND indicator = ?"
    assert one(con, valid, [wijk, int(jaar), "subj_vaak_drugs"]) == one(baseline, valid, [wijk, int(jaar), "subj_vaak_drugs"]) + 1
    assert one(con, valid, [wijk, int(jaar), "subj_onveilig"]) == one(baseline, valid, [wijk, int(jaar), "subj_onveilig"]) + 2
    assert_balanced(con)


def test_too_few_respondents(raw):
    header, *rows = raw.lines(ENQUETE)
    target = [r for r in rows if f",2020,{WIJK}," in r]
    raw.write(ENQUETE, [header, *[r for r in rows if r not in target[49:]]])
    con = build_database(raw.root)
    assert reden(con, jaar=2020) == "too_few_respondents"
    assert one(con, "SELECT respondenten FROM wijk_index WHERE wijk_code = ? AND jaar = 2020", [WIJK]) == 49
    assert one(con, "SELECT count(*) FROM indicator_scores WHERE wijk_code = ? AND jaar = 2020", [WIJK]) == 0


# --- meldingen -----------------------------------------------------------------------------

def test_meldingen_status_duplicates_dates_and_vocabulary(raw, baseline):
    raw.append(MELDINGEN,
               f"X-1,2019-05-01T14:22:00,afval,grofvuil,{WIJK},afgehandeld,2019-05-02",     # datetime: counts
               f"X-2,2019-05-01,afval,grofvuil,{WIJK},geannuleerd,",                          # not counted
               f"X-3,2019-05-01,afval,grofvuil,{WIJK},gemeld,",                               # later re-export:
               f"X-3,2019-05-01,afval,grofvuil,{WIJK},geannuleerd,",                          # ... geannuleerd wins
               f"X-4,2099-01-01,afval,grofvuil,{WIJK},gemeld,",                               # future
               f"X-5,2019-05-03,afval,grofvuil,{WIJK},afgehandeld,2019-05-01",                # closed before
               f"X-6,2019-05-03,afval,overig,{WIJK},afgehandeld,2019-05-04",                  # outside vocabulary
               "X-7,2019-05-03,afval,grofvuil,BU05999999,gemeld,",                            # unknown wijk
               f"X-8,3 mei 2019,afval,grofvuil,{WIJK},gemeld,")                               # unreadable date
    con = build_database(raw.root)
    assert melding_count(con, "obj_vervuiling_meldingen") == melding_count(baseline, "obj_vervuiling_meldingen") + 1
    n = len(raw.lines(MELDINGEN))
    assert {(r[2], r[3], r[5]) for r in quarantine(con, "meldingen")} == {
        (n - 6, "melding_id", "superseded"), (n - 4, "datum", "future_date"),
        (n - 3, "datum_afgehandeld", "closed_before_reported"), (n - 1, "wijk_code", "unknown_area"),
        (n, "datum", "invalid_date")}
    assert one(con, "SELECT in_vocabulary FROM stg_meldingen WHERE melding_id = 'X-6'") is False
    assert one(con, "SELECT indicator FROM meldingen_maand WHERE subcategorie = 'overig'") is None
    assert_balanced(con)


def test_no_melding_is_zero_never_missing(raw):
    raw.edit(MELDINGEN, lambda rows: [r for r in rows if not (WIJK in r and r.split(",")[3] == "drank-en-drugsoverlast")])
    con = build_database(raw.root)
    assert melding_count(con, "obj_drugs_meldingen") == 0
    assert reden(con) is None


def test_a_year_without_meldingen_is_missing_source(raw):
    raw.edit(MELDINGEN, lambda rows: [r for r in rows if ",2022-" not in r])
    con = build_database(raw.root)
    assert {r[0] for r in con.execute("SELECT reden FROM wijk_index WHERE jaar = 2022").fetchall()} == {
        "missing_source:meldingen"}


# --- bevolking and base year ---------------------------------------------------------------

def test_population_missing_or_below_minimum(raw):
    raw.edit(BEVOLKING, lambda rows: [
        "2020,BU05990515,900" if r.startswith("2020,BU05990515,") else r
        for r in rows if not r.startswith("2021,BU05990516,")])
    con = build_database(raw.root)
    assert reden(con, "BU05990515", 2020) == "population_below_minimum"
    assert reden(con, "BU05990516", 2021) == "missing_population"


def test_default_base_year_is_first_year_with_all_sources(raw):
    raw.edit(MELDINGEN, lambda rows: [r for r in rows if ",2019-" not in r])
    con = build_database(raw.root)
    assert one(con, "SELECT basisjaar FROM int_base_year") == 2020
    assert reden(con, jaar=2019) == "missing_source:meldingen"


def test_fixed_base_year_overrides_the_rule(raw):
    con = build_database(raw.root, base_year=2021)
    assert one(con, "SELECT basisjaar FROM int_base_year") == 2021
    assert {r[0] for r in con.execute("SELECT DISTINCT basisjaar FROM calibratie").fetchall()} == {2021}


def test_calibration_error_stops_the_run_naming_the_indicator(raw, tmp_path):
    # Only two wijken left eligible in the base year: too few values to calibrate.
    raw.edit(BEVOLKING, lambda rows: [
        r.rsplit(",", 1)[0] + ",500" if r.startswith("2019,") and not r.startswith(("2019,BU05990535", "2019,BU05990515"))
        else r for r in rows])
    run = materialize(raw.root, tmp_path / "marts", checks=False)
    assert not run.success
    message = run.failure_messages()
    assert "Kalibratiefout in basisjaar 2019" in message and "obj_diefstal" in message
    assert not (tmp_path / "marts" / "wijk_index.parquet").exists()


# --- files ---------------------------------------------------------------------------------

def test_windows_1252_semicolon_and_bom_files_read_the_same(raw, baseline):
    header, *rows = raw.lines(MELDINGEN)
    dutch_excel = [";".join(header.split(",") + ["omschrijving"])]
    dutch_excel += [";".join(r.split(",") + ["Café-terras, overlast €"]) for r in rows]
    raw.path(MELDINGEN).unlink()
    raw.write("meldingen/meldingen_excel.csv", dutch_excel, encoding="cp1252", newline="\r\n")
    raw.write(BEVOLKING, "\ufeff" + "\n".join(raw.lines(BEVOLKING)) + "\n")
    con = build_database(raw.root)
    assert one(con, "SELECT encoding, delimiter FROM raw_files WHERE source = 'meldingen'") == ("windows-1252", ";")
    assert one(con, "SELECT encoding FROM raw_files WHERE source = 'bevolking'") == "utf-8-sig"
    assert one(con, "SELECT omschrijving FROM raw_meldingen LIMIT 1") == "Café-terras, overlast €"
    got = con.execute('SELECT wijk_code, jaar, "index" FROM wijk_index ORDER BY 1, 2').fetchall()
    want = baseline.execute('SELECT wijk_code, jaar, "index" FROM wijk_index ORDER BY 1, 2').fetchall()
    assert [g[:2] for g in got] == [w[:2] for w in want]
    assert all(g[2] == pytest.approx(w[2], abs=1e-12) for g, w in zip(got, want))


def test_the_same_file_twice_never_double_counts(raw, baseline):
    # Read after the original (file-name order), so the copy is the duplicate.
    shutil.copy(raw.path(MELDINGEN), raw.path("meldingen/zz_kopie_van_meldingen.csv"))
    con = build_database(raw.root)
    assert melding_count(con, "obj_vervuiling_meldingen") == melding_count(baseline, "obj_vervuiling_meldingen")
    assert one(con, "SELECT status, duplicate_of FROM raw_files WHERE file_name = 'zz_kopie_van_meldingen.csv'") == (
        "duplicaat", "meldingen_2019_2022.csv")
    assert_balanced(con)


def test_changed_content_under_the_same_name_is_recorded_as_revision(raw, tmp_path, baseline):
    db = duckdb.connect(str(tmp_path / "db.duckdb"))
    build_database(raw.root, con=db)
    raw.append(POLITIE, politie_row("1.1.1", WIJK, "2019MM01", "0", "8888"))  # CBS revises a file
    build_database(raw.root, con=db)
    assert one(db, "SELECT count(*) FROM file_revisions WHERE file_name = ?", [POLITIE.split("/")[1]]) == 1
    assert one(db, "SELECT revised FROM raw_files WHERE source = 'politie'") is True
    build_database(raw.root, con=db)  # unchanged since: no new revision
    assert one(db, "SELECT count(*) FROM file_revisions") == 1
    assert one(db, "SELECT revised FROM raw_files WHERE source = 'politie'") is False


def test_a_removed_file_is_gone_from_the_next_build(raw, tmp_path, baseline):
    db = duckdb.connect(str(tmp_path / "db.duckdb"))
    extra = raw.write("meldingen/extra.csv", [raw.lines(MELDINGEN)[0],
                                              f"E-1,2019-06-01,afval,grofvuil,{WIJK},gemeld,"])
    build_database(raw.root, con=db)
    assert melding_count(db, "obj_vervuiling_meldingen") == melding_count(baseline, "obj_vervuiling_meldingen") + 1
    extra.unlink()
    build_database(raw.root, con=db)
    assert melding_count(db, "obj_vervuiling_meldingen") == melding_count(baseline, "obj_vervuiling_meldingen")
    assert one(db, "SELECT count(*) FROM raw_files WHERE file_name = 'extra.csv'") == 0


@pytest.mark.parametrize("content, fragment", [
    (b"", "leeg"),
    (b"<!DOCTYPE html><html><body>Not found</body></html>", "HTML"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binaire"),
    (b"jaar;wijk;aantal\n2019;BU05990535;12\n", "kolom(men) wijk_code, inwoners ontbreken"),
])
def test_unreadable_files_stop_with_a_dutch_message_naming_the_file(raw, content, fragment):
    raw.path("bevolking/kapot.csv").write_bytes(content)
    with pytest.raises(RawFileError) as info:
        build_database(raw.root)
    assert "bevolking/kapot.csv" in str(info.value) and fragment in str(info.value)


def test_missing_source_folder_stops_the_run(raw):
    shutil.rmtree(raw.path("meldingen"))
    with pytest.raises(RawFileError, match="Bronmap .*meldingen ontbreekt"):
        build_database(raw.root)


def test_ragged_and_quoted_rows(raw):
    raw.append(MELDINGEN,
               f'"Q-1","2019-07-01","afval","grofvuil","{WIJK}","afgehandeld","2019-07-02"',
               f"Q-2,2019-07-01,afval,grofvuil,{WIJK}",  # truncated
               )
    raw.append("prestaties/prestaties.csv",
               'P900,BU05990535,inbraak,"Politie, team Noord","Regel met ""quotes"", komma\nen een nieuwe regel",'
               "inspanning,2,ja,2021-01-01,2021-12-31,,,,toegezegd")
    con = build_database(raw.root)
    n = len(raw.lines(MELDINGEN))
    assert {(r[2], r[5]) for r in quarantine(con, "meldingen")} == {(n, "wrong_field_count")}
    assert one(con, "SELECT omschrijving FROM stg_prestaties WHERE prestatie_id = 'P900'") == (
        'Regel met "quotes", komma\nen een nieuwe regel')
    assert one(con, "SELECT _line FROM stg_prestaties WHERE prestatie_id = 'P900'") == 6
    assert_balanced(con)
