"""INPUTS.md "Real exports as downloaded": each real form of a source, built in the test from the
golden canonical file (so the figures are the same by construction), gives exactly the results of
its canonical twin; plus the corrections of politie/ and the per-file format. Runs the real readers
and SQL models in memory (tests/conftest.py build_database)."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from pipeline.core import StepFailed
from pipeline.ingest.readers import RawFileError
from tests.conftest import GOLDEN_RAW, ROOT, RawFolder, build_database, materialize

POLITIE = "politie/geregistreerde_misdrijven_2019_2022.csv"
MELDINGEN = "meldingen/meldingen_2019_2022.csv"
BEVOLKING = "bevolking/bevolking.csv"
AREAS = "areas/areas.csv"
WIJK = "BU05990535"  # Oude Noorden
GEMEENTE = "Rotterdam"
DATA = ROOT / "pipeline" / "method" / "data"
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december"]

# The marts compared between a real form and its canonical twin, with their keys.
MARTS = {
    "wijk_index": ("wijk_code", "jaar"),
    "thema_scores": ("wijk_code", "jaar", "thema"),
    "indicator_scores": ("wijk_code", "jaar", "indicator"),
    "stad_index": ("jaar",),
    "calibratie": ("indicator",),
}


# --- helpers -------------------------------------------------------------------------------

def one(con, query, params=None):
    rows = con.execute(query, params or []).fetchall()
    row = rows[0] if rows else None
    return None if row is None else (row[0] if len(row) == 1 else row)


def reference(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_csv(relative: str, delimiter: str = ",") -> list[dict[str, str]]:
    with (GOLDEN_RAW / relative).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def golden_politie() -> list[dict[str, str]]:
    """The golden police rows, values exactly as in the file (trailing spaces kept)."""
    rows = read_csv(POLITIE, ";")
    assert rows and set(rows[0]) == {"ID", "SoortMisdrijf", "WijkenEnBuurten", "Perioden",
                                     "GeregistreerdeMisdrijven_1"}
    return rows


def golden_areas() -> list[dict[str, str]]:
    return read_csv(AREAS)


def csv_text(rows: list[list], delimiter: str = ",", quoting=csv.QUOTE_MINIMAL, newline: str = "\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=newline)
    writer.writerows(rows)
    return out.getvalue()


def _is_float(value) -> bool:
    return isinstance(value, float)


def table_rows(con, name: str, keys: tuple[str, ...]):
    cursor = con.execute(f'SELECT * FROM {name} ORDER BY {", ".join(keys)}')
    columns = [d[0] for d in cursor.description]
    return columns, cursor.fetchall()


def assert_same_marts(con, baseline, tables: dict[str, tuple[str, ...]] = MARTS, exclude: dict | None = None):
    """Same rows and keys; floats within 1e-9 (DuckDB sums in parallel), everything else exactly."""
    exclude = exclude or {}
    problems = []
    for name, keys in tables.items():
        got_cols, got = table_rows(con, name, keys)
        want_cols, want = table_rows(baseline, name, keys)
        assert got_cols == want_cols, f"{name}: kolommen {got_cols} ≠ {want_cols}"
        assert want, f"{name}: de canonieke tabel is leeg (vergelijking zou niets zeggen)"
        got_keys = [tuple(r[got_cols.index(k)] for k in keys) for r in got]
        want_keys = [tuple(r[want_cols.index(k)] for k in keys) for r in want]
        assert got_keys == want_keys, f"{name}: andere rijen/sleutels"
        for g, w, key in zip(got, want, want_keys):
            for col, a, b in zip(got_cols, g, w):
                if col in exclude.get(name, ()):
                    continue
                if _is_float(a) or _is_float(b):
                    same = (a is None and b is None) or (
                        a is not None and b is not None
                        and ((math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-9))
                else:
                    same = a == b
                if not same:
                    problems.append(f"{name}{key}.{col}: {a!r} ≠ {b!r}")
    assert not problems, f"{len(problems)} verschil(len), o.a.: " + "; ".join(problems[:10])


def quarantine(con, source=None):
    query = 'SELECT source, file, line, "column", value, reason, line_unit FROM int_quarantine'
    if source:
        return con.execute(query + " WHERE source = ? ORDER BY file, line", [source]).fetchall()
    return con.execute(query + " ORDER BY source, file, line").fetchall()


def assert_balanced(con):
    rows = con.execute("SELECT source, file, rows_read, rows_used, rows_quarantined FROM int_file_account "
                       "WHERE NOT balanced").fetchall()
    assert not rows, f"rijen niet verantwoord: {rows}"


def file_format(con, source: str, file_name: str) -> str:
    fmt = one(con, "SELECT format FROM raw_files WHERE source = ? AND file_name = ?", [source, file_name])
    account = one(con, "SELECT format FROM int_file_account WHERE source = ? AND file = ?", [source, file_name])
    assert fmt is not None and fmt == account, (fmt, account)
    return fmt


def fresh_raw(tmp_path_factory, name: str) -> RawFolder:
    raw = RawFolder(tmp_path_factory.mktemp(name) / "raw")
    for p in raw.root.rglob("*"):  # the golden files are read-only: the copies must be replaceable
        p.chmod(0o755 if p.is_dir() else 0o644)
    raw.root.chmod(0o755)
    return raw


def replace_politie(raw: RawFolder, files: dict[str, str | bytes]) -> None:
    """The canonical politie file out, the real form's file(s) in."""
    raw.path(POLITIE).unlink()
    for name, content in files.items():
        p = raw.path(f"politie/{name}")
        p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


@pytest.fixture(scope="module")
def baseline() -> duckdb.DuckDBPyConnection:
    con = build_database(GOLDEN_RAW)
    # The canonical run must be a meaningful comparison: published indices, counted police rows.
    assert one(con, 'SELECT count(*) FROM wijk_index WHERE "index" IS NOT NULL') > 0
    assert one(con, "SELECT count(*) FROM stg_politie WHERE area_level = 'buurt'") == len(golden_politie())
    return con


# --- 1. politie: OData CSV as cbsodataR's write.csv writes it ------------------------------

R_HEADER = ["", "ID", "SoortMisdrijf", "WijkenEnBuurten", "Gemeentenaam_2", "SoortRegio_3", "Perioden",
            "GeregistreerdeMisdrijven_1"]


def r_write_csv(rows: list[dict[str, str]], na_key: tuple[str, str, str] | None = None) -> str:
    """R write.csv(cbs_get_data(...)): comma-separated, strings quoted, numbers and NA not, a
    row-names column, an ID that may be NA or empty, padded region columns."""
    lines = [",".join(f'"{h}"' for h in R_HEADER)]
    for i, r in enumerate(rows, 1):
        rid = "NA" if i % 101 == 0 else "" if i % 97 == 0 else r["ID"]
        count = r["GeregistreerdeMisdrijven_1"]
        if na_key == (r["SoortMisdrijf"].strip(), r["WijkenEnBuurten"].strip(), r["Perioden"]):
            count = "NA"
        lines.append(f'"{i}",{rid},"{r["SoortMisdrijf"]}","{r["WijkenEnBuurten"]}","{GEMEENTE:<40}",'
                     f'"{"Buurt":<10}","{r["Perioden"]}",{count}')
    return "\n".join(lines) + "\n"


def assert_r_form(text: str):
    header, first, *_ = text.splitlines()
    assert header.startswith('"","ID","SoortMisdrijf"') and ";" not in header
    assert '"Buurt     "' in first and f'"{GEMEENTE}   ' in first
    fields = next(csv.reader([first]))
    assert first.split(",")[1] == fields[1] and fields[1].isdigit()  # ID unquoted
    assert first.split(",")[-1] == fields[-1] and fields[-1].isdigit()  # count unquoted
    assert "\n\"97\",," in text and ",NA," in text  # an empty ID and an NA ID


@pytest.fixture(scope="module")
def r_csv_build(tmp_path_factory):
    raw = fresh_raw(tmp_path_factory, "r_csv")
    text = r_write_csv(golden_politie())
    assert_r_form(text)
    replace_politie(raw, {"misdrijven_cbsodataR.csv": text})
    return build_database(raw.root)


def test_cbsodatar_csv_equals_canonical(r_csv_build, baseline):
    assert_same_marts(r_csv_build, baseline)
    assert quarantine(r_csv_build) == []
    assert_balanced(r_csv_build)
    assert one(r_csv_build, "SELECT count(*) FROM stg_politie") == len(golden_politie())


def test_cbsodatar_na_count_makes_the_key_missing(raw, baseline):
    text = r_write_csv(golden_politie(), na_key=("1.1.1", WIJK, "2020MM03"))
    assert f'"1.1.1 ","{WIJK}  "' in text and ',"2020MM03",NA' in text
    raw.path(POLITIE).unlink()
    raw.write("politie/misdrijven_cbsodataR.csv", text)
    con = build_database(raw.root)
    query = ("SELECT aantal, is_missing FROM int_police_counts WHERE wijk_code = ? AND jaar = ? "
             "AND indicator = 'obj_inbraak'")
    assert con.execute(query, [WIJK, 2020]).fetchall() == [(None, True)]
    assert baseline.execute(query, [WIJK, 2020]).fetchall()[0][1] is False
    assert con.execute(query, [WIJK, 2021]).fetchall() == baseline.execute(query, [WIJK, 2021]).fetchall()
    assert quarantine(con) == []  # NA is "not published", not an error


# --- 2. politie: OData JSON, page by page ------------------------------------------------

V3_META = "https://opendata.cbs.nl/ODataApi/OData/47018NED/$metadata#Cbs.OData.WebAPI.TypedDataSet"
V3_NEXT = "https://opendata.cbs.nl/ODataApi/OData/47018NED/TypedDataSet?$skip={skip}"
V4_CONTEXT = "https://odata4.cbs.nl/CBS/47018NED/$metadata#TypedDataSet"


def odata_records(rows: list[dict[str, str]]) -> list[dict]:
    records = [{"ID": int(r["ID"]), "SoortMisdrijf": r["SoortMisdrijf"], "WijkenEnBuurten": r["WijkenEnBuurten"],
                "Perioden": r["Perioden"], "GeregistreerdeMisdrijven_1": int(r["GeregistreerdeMisdrijven_1"])}
               for r in rows]
    # Not published (null) for a code no indicator counts, and a gemeente roll-up: no effect on figures.
    nid = 900000
    for month in (1, 2, 3):
        nid += 1
        records.append({"ID": nid, "SoortMisdrijf": "1.3.1 ", "WijkenEnBuurten": f"{WIJK}  ",
                        "Perioden": f"2019MM{month:02d}", "GeregistreerdeMisdrijven_1": None})
        records.append({"ID": nid + 500, "SoortMisdrijf": "1.1.1 ", "WijkenEnBuurten": "GM0599    ",
                        "Perioden": f"2019MM{month:02d}", "GeregistreerdeMisdrijven_1": 1382})
    return records


def odata_pages(records: list[dict], version: str, pages: int = 3) -> list[dict]:
    size = math.ceil(len(records) / pages)
    docs = []
    for p in range(pages):
        chunk = records[p * size:(p + 1) * size]
        if version == "v3":
            doc = {"odata.metadata": V3_META, "value": chunk}
            if p < pages - 1:
                doc["odata.nextLink"] = V3_NEXT.format(skip=(p + 1) * size)
        else:
            doc = {"@odata.context": V4_CONTEXT, "value": chunk}
            if p < pages - 1:
                doc["@odata.nextLink"] = V3_NEXT.format(skip=(p + 1) * size)
        docs.append(doc)
    return docs


def assert_json_form(texts: list[str], version: str):
    docs = [json.loads(t) for t in texts]
    meta = "odata.metadata" if version == "v3" else "@odata.context"
    nxt = "odata.nextLink" if version == "v3" else "@odata.nextLink"
    assert all(meta in d and isinstance(d["value"], list) for d in docs)
    assert [nxt in d for d in docs] == [True] * (len(docs) - 1) + [False]
    first = docs[0]["value"][0]
    assert isinstance(first["ID"], int) and isinstance(first["GeregistreerdeMisdrijven_1"], int)
    assert first["SoortMisdrijf"].endswith(" ") and first["WijkenEnBuurten"].endswith(" ")
    assert any(r["GeregistreerdeMisdrijven_1"] is None for d in docs for r in d["value"])


# Bad records put into page 2 of the v4 download: (position in value, record, column, value, reason).
BAD_RECORDS = [
    (5, {"ID": 990001, "SoortMisdrijf": "1.1.1 ", "WijkenEnBuurten": f"{WIJK}  ", "Perioden": "2019-01",
         "GeregistreerdeMisdrijven_1": 3}, "Perioden", "2019-01", "invalid_period"),
    (9, {"ID": 990002, "SoortMisdrijf": "1.3.1 ", "WijkenEnBuurten": "XX123  ", "Perioden": "2019MM01",
         "GeregistreerdeMisdrijven_1": 3}, "WijkenEnBuurten", "XX123  ", "invalid_area_code"),
    (12, {"ID": 990003, "SoortMisdrijf": "1.3.1 ", "WijkenEnBuurten": f"{WIJK}  ", "Perioden": "2019MM04",
          "GeregistreerdeMisdrijven_1": 12.5}, "GeregistreerdeMisdrijven_1", "12.5", "invalid_count"),
]


def build_json(tmp_path_factory, version: str, bad: bool):
    raw = fresh_raw(tmp_path_factory, f"json_{version}")
    docs = odata_pages(odata_records(golden_politie()), version)
    if bad:
        for position, record, *_ in BAD_RECORDS:  # in increasing order: each lands at its position
            docs[1]["value"].insert(position - 1, record)
    texts = [json.dumps(d, ensure_ascii=False) for d in docs]
    assert_json_form(texts, version)
    names = [f"47018NED_TypedDataSet_{i}.json" for i in (1, 2, 3)]
    replace_politie(raw, dict(zip(names, texts)))
    return build_database(raw.root), names


@pytest.fixture(scope="module")
def json_v3_build(tmp_path_factory):
    return build_json(tmp_path_factory, "v3", bad=False)


@pytest.fixture(scope="module")
def json_v4_build(tmp_path_factory):
    return build_json(tmp_path_factory, "v4", bad=True)


def test_odata_json_v3_pages_equal_canonical(json_v3_build, baseline):
    con, names = json_v3_build
    assert_same_marts(con, baseline)
    assert quarantine(con) == []
    assert_balanced(con)
    assert [r[0] for r in con.execute("SELECT file_name FROM raw_files WHERE source = 'politie' "
                                      "ORDER BY file_order").fetchall()] == names
    # null = not published: kept as a row without a figure, never 0, never an error
    assert con.execute("SELECT is_published, registered FROM stg_politie WHERE crime_code = '1.3.1' "
                       "AND area_code = ? ORDER BY period", [WIJK]).fetchall() == [(False, None)] * 3
    assert one(con, "SELECT count(*) FROM stg_politie WHERE area_level = 'gemeente'") == 3


def test_odata_json_v4_pages_equal_canonical(json_v4_build, baseline):
    con, _ = json_v4_build
    assert_same_marts(con, baseline)
    assert_balanced(con)


def test_odata_json_quarantine_names_the_record_position(json_v4_build):
    con, names = json_v4_build
    got = quarantine(con, "politie")
    want = [("politie", names[1], position, column, value, reason, "record")
            for position, _, column, value, reason in BAD_RECORDS]
    assert got == want


# --- 3. politie: the StatLine website download -------------------------------------------

def test_cbsodata_python_csv_with_labels_as_values_equals_canonical(tmp_path_factory, baseline):
    """Python's cbsodata.get_data keeps the TypedDataSet's column names but writes the dimension
    labels as values (pandas to_csv: comma-separated, an index column): area names, 'Totaal
    misdrijven', '2019 januari'. The values are read for what they are."""
    raw = fresh_raw(tmp_path_factory, "cbsodata_py")
    names = {a["wijk_code"]: a["wijk_naam"] for a in golden_areas()}
    lines = [",ID,SoortMisdrijf,WijkenEnBuurten,Perioden,GeregistreerdeMisdrijven_1"]
    for i, r in enumerate(golden_politie()):
        code = r["SoortMisdrijf"].strip()
        count = r["GeregistreerdeMisdrijven_1"]
        lines.append(f'{i},{r["ID"]},"{crime_label(code)}",{names[r["WijkenEnBuurten"].strip()]},'
                     f'{statline_period(r["Perioden"]).rstrip("*")},{"" if count in (".", "") else count}')
    text = "\n".join(lines) + "\n"
    assert ",Oude Noorden,2019 januari," in text and "BU0599" not in text
    replace_politie(raw, {"misdrijven_cbsodata.csv": text})
    con = build_database(raw.root)
    assert "OData" in file_format(con, "politie", "misdrijven_cbsodata.csv")
    assert quarantine(con, "politie") == []
    assert_same_marts(con, baseline)


STATLINE_HEADER = '"Perioden";"Wijken en buurten";"Soort misdrijf";"Geregistreerde misdrijven (aantal)"'


def crime_label(code: str) -> str:
    return "Totaal misdrijven" if code == "0.0.0" else f"{code} {CRIME_LABELS[code]}"


CRIME_LABELS = {r["code"]: r["label"] for r in reference("cbs_soortmisdrijf")}


def statline_period(period: str) -> str:
    if period.endswith("JJ00"):
        return period[:4]
    label = f"{period[:4]} {MONTHS[int(period[6:]) - 1]}"
    return label + "*" if period == "2022MM12" else label


def statline_line(period: str, area: str, code: str, count) -> str:
    shown = f"{count:>7}" if isinstance(count, int) else count
    return f'"{statline_period(period)}";"{area}";"{crime_label(code)}";"{shown}"'


def statline_file(names: dict[str, str] | None = None, extra: tuple[str, ...] = (),
                  areas: list[dict[str, str]] | None = None) -> bytes:
    """The golden police rows as StatLine's "Download → CSV" writes them: BOM, ';', quoted, label
    headers in another order, code + label, area names, period labels with '*' on the last month,
    right-aligned counts, plus roll-ups (Totaal misdrijven, gebied, gemeente, Nederland), JJ00
    totals beside the months (never added) and '.' for a code no indicator counts."""
    areas = areas or golden_areas()
    by_code = {a["wijk_code"]: a for a in areas}
    names = {a["wijk_code"]: a["wijk_naam"] for a in areas} | (names or {})
    lines = [STATLINE_HEADER]
    gebied = defaultdict(int)
    gemeente = defaultdict(int)
    totaal = defaultdict(int)
    year = defaultdict(int)
    for r in golden_politie():
        code, wijk, period = r["SoortMisdrijf"].strip(), r["WijkenEnBuurten"].strip(), r["Perioden"]
        n = int(r["GeregistreerdeMisdrijven_1"])
        lines.append(statline_line(period, names[wijk], code, n))
        gebied[(by_code[wijk]["gebied_naam"], code, period)] += n
        gemeente[(code, period)] += n
        totaal[(wijk, period)] += n
        if period.startswith("2019"):
            year[(wijk, code)] += n
    for (wijk, period), n in totaal.items():
        lines.append(statline_line(period, names[wijk], "0.0.0", n))
    for (name, code, period), n in gebied.items():
        lines.append(statline_line(period, name, code, n))
    for (code, period), n in gemeente.items():
        lines.append(statline_line(period, GEMEENTE, code, n))
        lines.append(statline_line(period, "Nederland", code, 40 * n))
    for (wijk, code), n in year.items():  # a year total beside the month rows: never added
        lines.append(statline_line("2019JJ00", names[wijk], code, n))
    for month in range(1, 13):  # not published, for a code no indicator counts
        lines.append(statline_line(f"2019MM{month:02d}", names[WIJK], "1.3.1", "."))
    lines += extra
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def areas_with(extra_columns: dict[str, dict[str, str]], rename: dict[str, str] | None = None) -> str:
    """areas.csv with extra columns (column -> {wijk_code: value}, empty elsewhere)."""
    rows = golden_areas()
    header = list(rows[0]) + list(extra_columns)
    out = [header]
    for r in rows:
        if rename and r["wijk_code"] in rename:
            r["wijk_naam"] = rename[r["wijk_code"]]
        out.append([r[h] for h in rows[0]] + [extra_columns[c].get(r["wijk_code"], "") for c in extra_columns])
    return csv_text(out)


def assert_statline_form(data: bytes):
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == STATLINE_HEADER
    assert '"2019 januari";"Oude Noorden";"1.1.1 Diefstal/inbraak woning";"     12"' in lines[1:3]
    assert '"2022 december*"' in text and '"Totaal misdrijven"' in text and '";"."' in text
    assert '";"Nederland";"' in text and f'";"{GEMEENTE}";"' in text and '";"Noord";"' in text
    assert '"2019";"' in text and "BU0599" not in text


@pytest.fixture(scope="module")
def statline_build(tmp_path_factory):
    raw = fresh_raw(tmp_path_factory, "statline")
    raw.write(AREAS, areas_with({"gemeente_naam": {a["wijk_code"]: GEMEENTE for a in golden_areas()}}))
    data = statline_file()
    assert_statline_form(data)
    replace_politie(raw, {"statline_download.csv": data})
    return build_database(raw.root)


def test_statline_download_equals_canonical(statline_build, baseline):
    con = statline_build
    assert_same_marts(con, baseline)
    assert quarantine(con) == []
    assert_balanced(con)
    levels = dict(con.execute("SELECT area_level, count(*) FROM stg_politie GROUP BY ALL").fetchall())
    assert levels == {"buurt": len(golden_politie()) + 8 * 48 + 8 * 7 + 12,  # + Totaal, JJ00, '.'
                      "wijk": 2 * 7 * 48, "gemeente": 7 * 48, "land": 7 * 48}
    assert one(con, "SELECT count(*) FROM stg_politie WHERE crime_code = '0.0.0'") == 8 * 48
    assert con.execute("SELECT DISTINCT is_published, registered FROM stg_politie WHERE crime_code = '1.3.1'"
                       ).fetchall() == [(False, None)]


def test_statline_provisional_months_are_flagged(statline_build):
    flagged = statline_build.execute(
        "SELECT period, bool_and(is_provisional), bool_or(is_provisional) FROM stg_politie "
        "GROUP BY period HAVING bool_or(is_provisional) OR period = '2022MM11' ORDER BY period").fetchall()
    assert flagged == [("2022MM11", False, False), ("2022MM12", True, True)]


STATLINE_FILE = "statline_download.csv"
UNKNOWN = "Onbekende wijk   "


@pytest.fixture(scope="module")
def statline_names_build(tmp_path_factory):
    """Names as StatLine spells them: case, double spaces and accents differ, a hyphen with spaces
    around it, statline_naam overriding wijk_naam; and one name that is in no list."""
    raw = fresh_raw(tmp_path_factory, "statline_names")
    raw.write(AREAS, areas_with({"statline_naam": {"BU05990531": "Bergpolder-Zuid"},
                                 "gemeente_naam": {a["wijk_code"]: GEMEENTE for a in golden_areas()}}))
    names = {WIJK: "OUDE  noorden", "BU05990532": "Blijdórp", "BU05990531": "Bergpolder - Zuid"}
    extra = (statline_line("2019MM01", UNKNOWN, "1.1.1", 3),)
    data = statline_file(names, extra)
    text = data.decode("utf-8-sig")
    assert '";"OUDE  noorden";"' in text and '";"Blijdórp";"' in text and '";"Bergpolder - Zuid";"' in text
    assert '";"Oude Noorden";"' not in text and '";"Bergpolder";"' not in text
    replace_politie(raw, {STATLINE_FILE: data})
    lines = len(text.split("\r\n")) - 1
    return build_database(raw.root), lines


def test_statline_names_are_normalised_and_statline_naam_overrides(statline_names_build, baseline):
    con, _ = statline_names_build
    assert_same_marts(con, baseline)
    assert_balanced(con)


def test_statline_unknown_name_is_quarantined_as_it_stands(statline_names_build):
    con, lines = statline_names_build
    assert quarantine(con, "politie") == [
        ("politie", STATLINE_FILE, lines, "Wijken en buurten", UNKNOWN, "unknown_area", "regel")]


def test_statline_ambiguous_names_are_quarantined(raw):
    """Two wijken named alike, and a label twice for the same code and period (a wijk and its
    buurt of the same name): ambiguous_area_name for those rows."""
    spangen, middelland = "BU05990323", "BU05990325"
    raw.write(AREAS, areas_with({"gemeente_naam": {a["wijk_code"]: GEMEENTE for a in golden_areas()}},
                                rename={spangen: "Middelland"}))
    areas = [dict(a, wijk_naam="Middelland") if a["wijk_code"] == spangen else a for a in golden_areas()]
    repeated = statline_line("2019MM02", "Oude Noorden", "1.1.1", 99)
    data = statline_file(extra=(repeated,), areas=areas)
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert sum('";"Middelland";"' in ln for ln in lines) == 2 * (7 * 48 + 48 + 7)  # months, 0.0.0, JJ00
    raw.path(POLITIE).unlink()
    raw.path(f"politie/{STATLINE_FILE}").write_bytes(data)
    con = build_database(raw.root)
    rows = quarantine(con, "politie")
    assert {(r[3], r[5]) for r in rows} == {("Wijken en buurten", "ambiguous_area_name")}
    assert {r[4] for r in rows} == {"Middelland", "Oude Noorden"}
    assert sum(r[4] == "Middelland" for r in rows) == sum('";"Middelland";"' in ln for ln in lines)
    original = lines.index(statline_line("2019MM02", "Oude Noorden", "1.1.1",
                                         int(next(r["GeregistreerdeMisdrijven_1"] for r in golden_politie()
                                                  if r["SoortMisdrijf"].strip() == "1.1.1"
                                                  and r["WijkenEnBuurten"].strip() == WIJK
                                                  and r["Perioden"] == "2019MM02")))) + 1
    assert sorted(r[2] for r in rows if r[4] == "Oude Noorden") == [original, len(lines) - 1]
    reasons = dict(con.execute("SELECT wijk_code, reden_eligibility FROM int_wijk_years WHERE jaar = 2020"
                               ).fetchall())
    assert reasons[spangen] == reasons[middelland] == "missing_source:politie"
    assert reasons[WIJK] is None
    assert_balanced(con)


def test_statline_rollups_of_two_gemeenten_are_both_kept_out(raw, baseline):
    """areas/ spanning two gemeenten (gemeente_naam): each gemeente's roll-up row is a roll-up,
    kept out of wijk figures, and no row revises another gemeente's row."""
    gemeenten = {a["wijk_code"]: ("Schiedam" if a["gebied_code"] == "WK059903" else GEMEENTE) for a in golden_areas()}
    raw.write(AREAS, areas_with({"gemeente_naam": gemeenten}))
    extra = tuple(statline_line(f"2019MM{m:02d}", "Schiedam", "1.1.1", 5) for m in range(1, 13))
    raw.path(POLITIE).unlink()
    raw.path(f"politie/{STATLINE_FILE}").write_bytes(statline_file(extra=extra))
    con = build_database(raw.root)
    assert_same_marts(con, baseline)
    assert one(con, "SELECT count(*) FROM stg_politie WHERE area_level = 'gemeente' AND jaar = 2019 "
                    "AND crime_code = '1.1.1'") == 2 * 12
    assert quarantine(con) == []


# --- 4. bevolking: CBS Kerncijfers wijken en buurten (KWB) -------------------------------

KWB_HEADER = ["ID", "WijkenEnBuurten", "Gemeentenaam_1", "SoortRegio_2", "Codering_3", "AantalInwoners_5"]
KWB_TABLES = {int(r["jaar"]): r["table_id"] for r in reference("kwb_tables")}


def kwb_rows(year_rows: dict[str, int], names_in_wijken: bool, start_id: int = 0) -> list[list]:
    """One KWB edition: the gemeente, its CBS wijken and the buurten (padded as CBS pads)."""
    areas = golden_areas()
    names = {a["wijk_code"]: a["wijk_naam"] for a in areas}
    gebieden = {a["gebied_code"]: a["gebied_naam"] for a in areas}
    rows = []

    def add(code, name, soort, inwoners):
        first = name if names_in_wijken else f"{code:<12}"
        rows.append([start_id + len(rows), first, f"{GEMEENTE:<40}", f"{soort:<10}", f"{code:<12}", inwoners])

    add("GM0599", GEMEENTE, "Gemeente", 651446)
    for gebied, gnaam in gebieden.items():
        add(gebied, gnaam, "Wijk", sum(n for c, n in year_rows.items() if c.startswith("BU" + gebied[2:])) + 5)
        for code, n in year_rows.items():
            if code.startswith("BU" + gebied[2:]):
                add(code, names[code], "Buurt", n)
    return rows


def golden_bevolking() -> dict[int, dict[str, int]]:
    years: dict[int, dict[str, int]] = defaultdict(dict)
    for r in read_csv(BEVOLKING):
        years[int(r["jaar"])][r["wijk_code"]] = int(r["inwoners"])
    assert len(years) == 4
    return years


def assert_same_bevolking(con, baseline):
    query = "SELECT jaar, wijk_code, inwoners FROM stg_bevolking ORDER BY ALL"
    want = baseline.execute(query).fetchall()
    assert want and con.execute(query).fetchall() == want


def test_kwb_with_codes_and_perioden_equals_canonical(raw, baseline):
    """Codes in WijkenEnBuurten, the year from Perioden (which wins over the 2024 table id in the name)."""
    rows = [KWB_HEADER[:5] + ["Perioden", KWB_HEADER[5]]]
    for year, figures in golden_bevolking().items():
        for r in kwb_rows(figures, names_in_wijken=False, start_id=len(rows)):
            rows.append(r[:5] + [f"{year}JJ00", r[5]])
    text = csv_text(rows, ";", csv.QUOTE_ALL)
    assert text.startswith('"ID";"WijkenEnBuurten";"Gemeentenaam_1";"SoortRegio_2";"Codering_3";"Perioden"')
    assert f'"{WIJK}  ";"{GEMEENTE}' in text and '"Buurt     "' in text and '"Wijk      "' in text
    assert '"Gemeente  ";"GM0599' in text
    raw.path(BEVOLKING).unlink()
    raw.write("bevolking/kwb_85984NED.csv", text)
    con = build_database(raw.root)
    assert_same_bevolking(con, baseline)
    assert_same_marts(con, baseline)
    assert quarantine(con, "bevolking") == []
    assert_balanced(con)
    assert "KWB" in file_format(con, "bevolking", "kwb_85984NED.csv")


@pytest.fixture(scope="module")
def kwb_names_build(tmp_path_factory):
    """As cbsodata writes it: names in WijkenEnBuurten, codes in Codering_3, comma-separated
    without quotes; one file per edition, the year from the table id in the file name."""
    raw = fresh_raw(tmp_path_factory, "kwb_names")
    raw.path(BEVOLKING).unlink()
    names = []
    for year, figures in golden_bevolking().items():
        text = csv_text([KWB_HEADER, *kwb_rows(figures, names_in_wijken=True)], ",")
        assert text.startswith(",".join(KWB_HEADER) + "\n") and "Perioden" not in text
        assert f",Oude Noorden,{GEMEENTE}  " in text and f"Buurt     ,{WIJK}  " in text
        names.append(f"kwb_{KWB_TABLES[year]}.csv")
        raw.write(f"bevolking/{names[-1]}", text)
    assert names == ["kwb_84583NED.csv", "kwb_84799NED.csv", "kwb_85039NED.csv", "kwb_85318NED.csv"]
    return build_database(raw.root), names


def test_kwb_as_cbsodata_writes_it_with_year_from_table_id_equals_canonical(kwb_names_build, baseline):
    con, _ = kwb_names_build
    assert_same_bevolking(con, baseline)
    assert_same_marts(con, baseline)
    assert quarantine(con, "bevolking") == []
    assert_balanced(con)
    # the Wijk and Gemeente rows are read and kept out
    assert one(con, "SELECT count(*) FROM base_bevolking WHERE NOT is_wijk_row AND reject_reason IS NULL") == 4 * 3


@pytest.mark.parametrize("file_name", ["kwb_bevolking.csv", "kwb_99999NED.csv"])
def test_kwb_without_year_stops_the_run(raw, file_name):
    text = csv_text([KWB_HEADER, *kwb_rows(golden_bevolking()[2019], names_in_wijken=True)], ",")
    raw.path(BEVOLKING).unlink()
    raw.write(f"bevolking/{file_name}", text)
    with pytest.raises(RawFileError) as failure:
        build_database(raw.root)
    message = str(failure.value)
    assert f"bevolking/{file_name}" in message
    assert "KWB" in message and "85984NED" in message and "Perioden" in message


# --- 5. areas: the KWB buurt rows instead of areas.csv -----------------------------------

@pytest.fixture(scope="module")
def kwb_areas_build(tmp_path_factory):
    """areas/ holding a KWB download (cbsodata form): the gemeente, the CBS wijken (they name the
    gebieden) and the buurten, instead of areas.csv."""
    raw = fresh_raw(tmp_path_factory, "kwb_areas")
    rows = [KWB_HEADER, *kwb_rows(golden_bevolking()[2019], names_in_wijken=True)]
    text = csv_text(rows, ";", csv.QUOTE_ALL)
    assert '"Wijk      ";"WK059905    "' in text and '"Noord"' in text and "wijk_code" not in text
    raw.path(AREAS).unlink()
    raw.write("areas/kwb_85984NED.csv", text)
    return build_database(raw.root)


def test_kwb_areas_give_the_same_index(kwb_areas_build, baseline):
    con = kwb_areas_build
    areas = con.execute("SELECT wijk_code, wijk_naam, gebied_code, gebied_naam, wijktype FROM stg_areas "
                        "ORDER BY wijk_code").fetchall()
    want = sorted((a["wijk_code"], a["wijk_naam"], a["gebied_code"], a["gebied_naam"], "onbekend")
                  for a in golden_areas())
    assert areas == want
    assert_balanced(con)
    query = 'SELECT wijk_code, jaar, "index", categorie, reden FROM wijk_index ORDER BY 1, 2'
    got, expected = con.execute(query).fetchall(), baseline.execute(query).fetchall()
    assert [g[:2] for g in got] == [w[:2] for w in expected]
    assert all(g[3:] == w[3:] and (g[2] is None) == (w[2] is None) and (g[2] is None or abs(g[2] - w[2]) <= 1e-9)
               for g, w in zip(got, expected)), "index/categorie verschillen"
    assert_same_marts(con, baseline, {k: v for k, v in MARTS.items() if k != "wijk_index"})
    assert "KWB" in file_format(con, "areas", "kwb_85984NED.csv")


def test_kwb_areas_wijk_rows_that_name_gebieden_are_not_quarantined(kwb_areas_build):
    # INPUTS.md: rows that cannot be used go to the quarantine; the Wijk rows are used (they name
    # the gebieden) and the Gemeente row is read and kept out, like the bevolking KWB roll-ups.
    assert quarantine(kwb_areas_build, "areas") == []


# --- 6. meldingen: Signalen's vocabulary and statuses ------------------------------------

SLUGS = {"overlast-buurtbewoners": "overige-overlast-door-personen",
         "straatverlichting-defect": "straatverlichting-openbare-klok",
         "losse-stoeptegel": "onderhoud-stoep-straat-en-fietspad",
         "straatmeubilair-vernield": "straatmeubilair"}
STATUS_CODES = {"gemeld": "m", "in_behandeling": "b", "afgehandeld": "o", "geannuleerd": "a"}
STATUS_NAMES = {"in_behandeling": "In behandeling", "afgehandeld": "Afgehandeld"}
SIGNALEN_NAMES = {r["subcategorie"]: r["subcategorie_naam"] for r in reference("signalen_categories")}
MAPPING = "meldingen/mijn_vertaling.csv"


def signalen_meldingen(extra: list[list[str]] = ()) -> str:
    rows = read_csv(MELDINGEN)
    header = list(rows[0])
    out = [header]
    for i, r in enumerate(rows):
        sub = SLUGS.get(r["subcategorie"], r["subcategorie"])
        if i % 3 == 1:  # display name instead of slug
            sub = SIGNALEN_NAMES[sub]
        status = STATUS_NAMES.get(r["status"]) if i % 4 == 0 and r["status"] in STATUS_NAMES else \
            STATUS_CODES[r["status"]]
        out.append([r[h] for h in header[:3]] + [sub, r["wijk_code"], status, r["datum_afgehandeld"]])
    return csv_text(out + list(extra))


def assert_signalen_form(text: str):
    rows = list(csv.DictReader(io.StringIO(text)))
    subs = {r["subcategorie"] for r in rows}
    assert {"overige-overlast-door-personen", "straatmeubilair", "straatverlichting-openbare-klok",
            "onderhoud-stoep-straat-en-fietspad", "Overige overlast door personen",
            "Onderhoud stoep, straat en fietspad"} <= subs
    assert not subs & {"overlast-buurtbewoners", "losse-stoeptegel", "straatverlichting-defect",
                       "straatmeubilair-vernield"}
    assert {r["status"] for r in rows} == {"m", "b", "o", "a", "In behandeling", "Afgehandeld"}


def counted_straatmeubilair() -> dict[int, int]:
    n = defaultdict(int)
    for r in read_csv(MELDINGEN):
        if r["subcategorie"] == "straatmeubilair-vernield" and r["status"] != "geannuleerd":
            n[int(r["datum"][:4])] += 1
    assert sum(n.values()) > 0
    return n


def stg_meldingen(con):
    return con.execute("SELECT melding_id, jaar, hoofdcategorie, subcategorie, wijk_code, status, is_counted, "
                       "in_vocabulary FROM stg_meldingen ORDER BY melding_id").fetchall()


def test_signalen_vocabulary_with_gemeente_mapping_equals_canonical(raw, baseline):
    text = signalen_meldingen()
    assert_signalen_form(text)
    raw.write(MELDINGEN, text)
    raw.write(MAPPING, ["bron_categorie,subcategorie", "straatmeubilair,straatmeubilair-vernield"])
    con = build_database(raw.root)
    assert stg_meldingen(con) == stg_meldingen(baseline)
    assert_same_marts(con, baseline)
    assert quarantine(con) == []
    assert_balanced(con)
    assert one(con, "SELECT count(*) FROM stg_meldingen_mapping") == 1


@pytest.fixture(scope="module")
def signalen_without_mapping(tmp_path_factory):
    raw = fresh_raw(tmp_path_factory, "signalen_nomap")
    raw.write(MELDINGEN, signalen_meldingen())
    return build_database(raw.root)


def test_without_mapping_straatmeubilair_counts_in_none_and_shows(signalen_without_mapping, baseline):
    con = signalen_without_mapping
    outside = counted_straatmeubilair()
    assert dict(con.execute("SELECT jaar, buiten_vocabulaire FROM int_meldingen_outside WHERE buiten_vocabulaire > 0"
                            ).fetchall()) == dict(outside)
    shown = con.execute("SELECT jaar, lower(subcategorie), sum(aantal) FROM meldingen_buiten_vocabulaire "
                        "GROUP BY ALL ORDER BY ALL").fetchall()
    assert shown == sorted((j, "straatmeubilair", n) for j, n in outside.items())
    count = ("SELECT jaar, sum(aantal) FROM int_meldingen_counts WHERE indicator = 'obj_graffiti_meldingen' "
             "GROUP BY jaar ORDER BY jaar")
    base = dict(baseline.execute(count).fetchall())
    assert dict(con.execute(count).fetchall()) == {j: n - outside.get(j, 0) for j, n in base.items()}
    # the other indicators are untouched
    other = ("SELECT wijk_code, jaar, indicator, aantal FROM int_meldingen_counts "
             "WHERE indicator <> 'obj_graffiti_meldingen' ORDER BY ALL")
    assert con.execute(other).fetchall() == baseline.execute(other).fetchall()


def shares(con) -> dict[int, float]:
    return dict(con.execute("SELECT jaar, count(*) FILTER (WHERE NOT in_vocabulary) / count(*) FROM stg_meldingen "
                            "WHERE is_counted GROUP BY jaar").fetchall())


def test_vocabulary_shift_check_passes_for_a_stable_share(signalen_without_mapping):
    from pipeline.checks import vocabulary_shift_check

    share = shares(signalen_without_mapping)
    years = sorted(share)
    assert any(share.values()) and all(abs(share[b] - share[a]) <= 0.05 for a, b in zip(years, years[1:]))
    passed, message = vocabulary_shift_check(signalen_without_mapping)
    assert passed is True and message


def test_vocabulary_shift_check_warns_on_a_jump(raw):
    from pipeline.checks import vocabulary_shift_check

    extra = [[f"M21-X{i:03d}", f"2021-03-{1 + i % 28:02d}", "openbaar-groen-en-water", "boom",
              WIJK, "o", f"2021-04-{1 + i % 28:02d}"] for i in range(20)]
    raw.write(MELDINGEN, signalen_meldingen(extra))
    con = build_database(raw.root)
    share = shares(con)
    assert share[2021] - share[2020] > 0.05 and abs(share[2020] - share[2019]) <= 0.05
    passed, message = vocabulary_shift_check(con)
    assert passed is False
    assert "2021" in message and "2020:" not in message
    assert one(con, "SELECT is_shift FROM int_meldingen_outside WHERE jaar = 2021") is True
    assert one(con, "SELECT is_shift FROM int_meldingen_outside WHERE jaar = 2020") is False


# --- 7. police corrections -----------------------------------------------------------------

def politie_line(code, area, period, value, row_id="9999"):
    return f'"{row_id}";"{code}";"{area}";"{period}";"{value}"'


@pytest.mark.parametrize("method", ["v2", "v1"])
def test_only_rollup_rows_are_no_police_data(raw, method):
    """A wijk whose only rows in 2021 are 0.0.0 and a code no indicator counts: missing_source:politie."""
    def edit(rows):
        kept = [r for r in rows if not (WIJK in r and '"2021MM' in r)]
        for month in range(1, 13):
            kept += [politie_line("0.0.0 ", f"{WIJK}  ", f"2021MM{month:02d}", "80"),
                     politie_line("1.3.1 ", f"{WIJK}  ", f"2021MM{month:02d}", "4")]
        return kept
    raw.edit(POLITIE, edit)
    lines = [ln for ln in raw.lines(POLITIE) if WIJK in ln and '"2021MM' in ln]
    assert len(lines) == 24 and {ln.split(";")[1] for ln in lines} == {'"0.0.0 "', '"1.3.1 "'}
    con = build_database(raw.root, method=method)
    assert one(con, "SELECT method_version FROM method_params") == method[1:]
    query = "SELECT reden_eligibility FROM int_wijk_years WHERE wijk_code = ? AND jaar = ?"
    assert one(con, query, [WIJK, 2021]) == "missing_source:politie"
    assert one(con, query, [WIJK, 2020]) is None
    assert one(con, "SELECT reden FROM wijk_index WHERE wijk_code = ? AND jaar = 2021", [WIJK]) \
        == "missing_source:politie"
    assert one(con, "SELECT count(*) FROM stg_politie WHERE area_code = ? AND jaar = 2021", [WIJK]) == 24


def total_only_download(raw: RawFolder) -> None:
    """A filtered download: only Totaal misdrijven (0.0.0), per wijk and month."""
    totals = defaultdict(int)
    for r in golden_politie():
        totals[(r["WijkenEnBuurten"], r["Perioden"])] += int(r["GeregistreerdeMisdrijven_1"])
    header = raw.lines(POLITIE)[0]
    raw.write(POLITIE, [header, *(politie_line("0.0.0 ", area, period, n, str(i))
                                  for i, ((area, period), n) in enumerate(totals.items()))])
    assert {ln.split(";")[1] for ln in raw.lines(POLITIE)[1:]} == {'"0.0.0 "'}
    assert len(raw.lines(POLITIE)) == 1 + 8 * 48


def assert_names_the_filtered_download(message: str):
    assert "Kalibratie" in message
    assert "gefilterd" in message and "Totaal misdrijven" in message
    assert "1.1.1" in message and "2.2.1" in message and "2019" in message


def test_a_total_only_download_stops_at_the_calibration_gate_naming_the_cause(raw):
    total_only_download(raw)
    with pytest.raises(StepFailed) as failure:
        build_database(raw.root)
    assert_names_the_filtered_download(str(failure.value))


def test_a_total_only_download_stops_the_dagster_job_at_the_calibration_gate(raw, tmp_path):
    total_only_download(raw)
    run = materialize(raw.root, tmp_path / "marts", checks=False)
    assert not run.success
    gate = [ln for ln in run.failure_messages().splitlines() if ln.startswith("controle calibration_gate")]
    assert len(gate) == 1
    assert_names_the_filtered_download(gate[0])


def test_a_code_without_any_row_in_a_year_is_named(raw, baseline):
    from pipeline.checks import absent_codes_check

    raw.edit(POLITIE, lambda rows: [r for r in rows if not ('"1.1.1 "' in r and '"2020MM' in r)])
    assert not any('"1.1.1 "' in r and '"2020MM' in r for r in raw.lines(POLITIE))
    con = build_database(raw.root)
    query = "SELECT jaar FROM int_police_absent_codes WHERE crime_code = '1.1.1' ORDER BY jaar"
    assert con.execute(query).fetchall() == [(2020,)]
    assert baseline.execute(query).fetchall() == []
    passed, message = absent_codes_check(con)
    assert passed is False
    per_year = {re.search(r"([0-9]{4}): [0-9]+ van", part).group(1): part for part in message.split(" | ")}
    assert "1.1.1" in per_year["2020"] and "1.1.1" not in per_year["2019"]
    # still counted as 0, not missing
    assert con.execute("SELECT DISTINCT is_missing FROM int_police_counts WHERE jaar = 2020 "
                       "AND indicator = 'obj_inbraak'").fetchall() == [(False,)]


# --- 8. format per file ---------------------------------------------------------------------

def test_each_file_names_its_format(statline_build, json_v3_build, json_v4_build, r_csv_build, kwb_names_build,
                                    baseline):
    assert "StatLine" in file_format(statline_build, "politie", STATLINE_FILE)
    con, names = json_v3_build
    assert all("JSON v3" in file_format(con, "politie", n) for n in names)
    assert one(con, "SELECT DISTINCT line_unit FROM raw_files WHERE source = 'politie'") == "record"
    con, names = json_v4_build
    assert all("JSON v4" in file_format(con, "politie", n) for n in names)
    fmt = file_format(r_csv_build, "politie", "misdrijven_cbsodataR.csv")
    assert "OData" in fmt and "komma" in fmt
    con, names = kwb_names_build
    assert all("KWB" in file_format(con, "bevolking", n) for n in names)
    assert "standaardformaat" in file_format(con, "areas", "areas.csv")
    assert "standaardformaat" in file_format(baseline, "meldingen", "meldingen_2019_2022.csv")
    # every file of each run names a format
    for c in (statline_build, json_v3_build[0], kwb_names_build[0], baseline):
        assert one(c, "SELECT count(*) FROM raw_files WHERE coalesce(format, '') = ''") == 0


def test_a_politie_file_of_another_table_stops_the_run(raw):
    raw.write("politie/bevolking_83765NED.csv", ['"ID";"Geslacht";"Perioden";"Bevolking_1"',
                                                 '"0";"T001038 ";"2019JJ00";"17282163"'])
    with pytest.raises(RawFileError) as failure:
        build_database(raw.root)
    message = str(failure.value).lower()
    assert "politie/bevolking_83765ned.csv" in message
    assert "geslacht" in message and "bevolking_1" in message
