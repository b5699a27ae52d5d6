"""Tests for the demo-data generator (pipeline/demo_data.py)."""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.demo.generator import FIRST_YEAR, LAST_YEAR, SMALL_WIJKEN, generate  # noqa: E402

SCALE = 0.05
YEARS = set(range(FIRST_YEAR, LAST_YEAR + 1))
SOURCES = ("areas", "bevolking", "politie", "enquete", "meldingen", "prestaties")

# Rows of the golden areas file: the demo must use the same codes for these names.
GOLDEN_AREAS = {
    "BU05990535": ("Oude Noorden", "WK059905", "Noord"),
    "BU05990515": ("Agniesebuurt", "WK059905", "Noord"),
    "BU05990516": ("Provenierswijk", "WK059905", "Noord"),
    "BU05990531": ("Bergpolder", "WK059905", "Noord"),
    "BU05990532": ("Blijdorp", "WK059905", "Noord"),
    "BU05990534": ("Liskwartier", "WK059905", "Noord"),
    "BU05990323": ("Spangen", "WK059903", "Delfshaven"),
    "BU05990325": ("Middelland", "WK059903", "Delfshaven"),
}

ENQUETE_HEADER = ("respondent_id,jaar,wijk_code,weegfactor,voelt_zich_onveilig,slachtoffer_diefstal,"
                  "slachtoffer_inbraak,slachtoffer_geweld,vaak_diefstal,vaak_inbraak,vaak_geweld,"
                  "vaak_vernieling,vaak_overlast,vaak_drugs,vaak_rommel")
MELDINGEN_HEADER = "melding_id,datum,hoofdcategorie,subcategorie,wijk_code,status,datum_afgehandeld"
POLITIE_HEADER = '"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"GeregistreerdeMisdrijven_1"'


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("demo") / "raw"
    messages: list[str] = []
    summary = generate(out, seed=2024, progress=messages.append, scale=SCALE)
    assert messages, "progress callback was never called"
    return out, summary


def _rows(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[dict]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def _first_line(path: Path, encoding: str = "utf-8") -> str:
    return path.read_bytes().decode(encoding).splitlines()[0]


def test_folders_files_and_summary(demo):
    out, summary = demo
    for source in SOURCES:
        assert sorted((out / source).glob("*.csv")), f"no csv in {source}/"
    written = {p.relative_to(out).as_posix() for p in out.rglob("*.csv")}
    assert written == set(summary)
    for rel, n in summary.items():
        raw = (out / rel).read_bytes()
        assert raw.count(b"\n") == n + 1, rel  # header + one physical line per row, no embedded newlines


def test_headers(demo):
    out, _ = demo
    assert _first_line(out / "areas/areas.csv") == "wijk_code,wijk_naam,gebied_code,gebied_naam,wijktype,tile_x,tile_y"
    assert _first_line(out / "bevolking/bevolking.csv") == "jaar,wijk_code,inwoners"
    for f in (out / "politie").glob("*.csv"):
        assert _first_line(f) == POLITIE_HEADER
    for f in (out / "enquete").glob("*.csv"):
        head = _first_line(f)
        assert head in (ENQUETE_HEADER, ENQUETE_HEADER.replace(",", ";")), f.name
    assert _first_line(out / "enquete/enquete_2016.csv") == ENQUETE_HEADER.replace(",", ";")
    for f in (out / "meldingen").glob("*.csv"):
        if f.name == "meldingen_2017.csv":
            assert _first_line(f, "cp1252") == MELDINGEN_HEADER.replace(",", ";") + ";omschrijving"
        else:
            assert _first_line(f) == MELDINGEN_HEADER
    assert _first_line(out / "prestaties/prestaties.csv") == (
        "prestatie_id,wijk_code,thema,partner,omschrijving,soort,prioriteit,additioneel,startdatum,"
        "einddatum,indicator,basiswaarde,streefwaarde,status")
    assert _first_line(out / "prestaties/voortgang.csv") == "prestatie_id,datum,realisatie,rag,toelichting"


def test_areas(demo):
    out, _ = demo
    areas = _rows(out / "areas/areas.csv")
    assert len(areas) >= 60
    codes = [a["wijk_code"] for a in areas]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"BU0599\d{4}", c) for c in codes)
    assert all(a["gebied_code"] == "WK0599" + a["wijk_code"][6:8] for a in areas)
    assert len({a["gebied_code"] for a in areas}) == 14
    tiles = [(int(a["tile_x"]), int(a["tile_y"])) for a in areas]
    assert len(set(tiles)) == len(tiles), "every wijk needs its own tile"
    by_code = {a["wijk_code"]: a for a in areas}
    for code, (name, gebied, gebied_naam) in GOLDEN_AREAS.items():
        assert (by_code[code]["wijk_naam"], by_code[code]["gebied_code"], by_code[code]["gebied_naam"]) == (
            name, gebied, gebied_naam)
    names = {a["wijk_naam"] for a in areas}
    for name in ("Stadsdriehoek", "Cool", "Tarwewijk", "Katendrecht", "Kralingen West", "Ommoord", "Het Lage Land"):
        assert name in names


def test_bevolking_years_and_small_wijken(demo):
    out, _ = demo
    rows = _rows(out / "bevolking/bevolking.csv")
    assert {int(r["jaar"]) for r in rows} == YEARS
    names = {a["wijk_code"]: a["wijk_naam"] for a in _rows(out / "areas/areas.csv")}
    assert len(rows) == len(names) * len(YEARS)
    small = {names[r["wijk_code"]] for r in rows if int(r["inwoners"]) < 1000}
    assert small == set(SMALL_WIJKEN)
    assert all(0 <= int(r["inwoners"]) <= 25000 for r in rows)


def test_politie_format(demo):
    out, _ = demo
    files = sorted(p.name for p in (out / "politie").glob("*.csv"))
    assert files[-1] == "geregistreerde_misdrijven_2024_revisie.csv"  # read last
    line_re = re.compile(r'"\d+";"(\d\.\d\.\d)( [^"]*)";"((?:BU|WK|GM)[0-9]+) +";"(\d{4})MM(\d{2})";"([^"]*)"')
    codes, regions, years, months, values = set(), set(), set(), set(), set()
    labelled = bare = 0
    for name in files:
        lines = (out / "politie" / name).read_text(encoding="utf-8").splitlines()
        matches = [line_re.fullmatch(line) for line in lines[1:]]
        bad = [line for line, m in zip(lines[1:], matches) if m is None]
        assert not bad, bad[:3]  # every field quoted, codes and keys with trailing spaces
        for m in matches:
            code, rest, region, year, month, value = m.groups()
            codes.add(code)
            if rest == " ":
                bare += 1
            else:
                labelled += 1
            regions.add(region)
            years.add(int(year))
            months.add(int(month))
            values.add("n" if value.isdigit() else value)
    text = (out / "politie" / files[1]).read_text(encoding="utf-8")
    assert '"BU05990535  "' in text and '"GM0599    "' in text and '"WK059905  "' in text and '"1.1.1 "' in text
    assert '"1.1.1 Diefstal/inbraak woning"' in (out / "politie" / files[0]).read_text(encoding="utf-8")
    assert years == YEARS and months == set(range(1, 13))
    needed = {"1.1.1", "1.1.2", "1.2.1", "1.2.2", "1.2.3", "1.2.4", "1.2.5", "1.4.1", "1.4.3", "1.4.4",
              "1.4.5", "1.4.6", "1.4.7", "2.2.1", "2.1.1", "3.1.1", "0.0.0"}
    assert needed <= codes
    assert {r[:2] for r in regions} == {"BU", "WK", "GM"}
    assert {".", "", "n"} <= values
    assert labelled and bare


def test_politie_total_is_sum_of_codes(demo):
    out, _ = demo
    totals: dict[tuple[str, str], int] = {}
    sums: dict[tuple[str, str], int] = {}
    with open(out / "politie/geregistreerde_misdrijven_2020_2024.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            key = (row["WijkenEnBuurten"], row["Perioden"])
            value = row["GeregistreerdeMisdrijven_1"]
            if row["SoortMisdrijf"].startswith("0.0.0"):
                totals[key] = int(value)
            elif value.isdigit():
                sums[key] = sums.get(key, 0) + int(value)
    mismatched = [k for k in totals if totals[k] != sums.get(k, 0)]
    assert len(mismatched) <= 3  # only where a count is unpublished ("." or empty)


def test_enquete(demo):
    out, _ = demo
    years = set()
    for f in sorted((out / "enquete").glob("*.csv")):
        delimiter = ";" if f.name == "enquete_2016.csv" else ","
        rows = _rows(f, delimiter)
        years |= {int(r["jaar"]) for r in rows}
        ids = [r["respondent_id"] for r in rows]
        if f.name == "enquete_2023.csv":
            assert len(ids) - len(set(ids)) == 1
        else:
            assert len(ids) == len(set(ids))
        if delimiter == ";":
            assert all("," in r["weegfactor"] for r in rows)
    assert years == YEARS


def test_meldingen(demo):
    out, _ = demo
    vocabulary = {
        "afval": {"veeg-zwerfvuil", "grofvuil", "container-is-vol", "huisafval"},
        "overlast-in-de-openbare-ruimte": {"graffiti-wildplak", "hondenpoep", "fietswrak", "parkeeroverlast"},
        "overlast-van-en-door-personen-of-groepen": {"jongerenoverlast", "overlast-buurtbewoners", "daklozen-bedelen",
                                                     "wildplassen-poepen-overgeven", "drank-en-drugsoverlast"},
        "wegen-verkeer-straatmeubilair": {"straatmeubilair-vernield", "straatverlichting-defect", "losse-stoeptegel"},
    }
    files = sorted((out / "meldingen").glob("*.csv"))
    assert [f.name for f in files] == [f"meldingen_{y}.csv" for y in sorted(YEARS)]
    outside = 0
    for f in files:
        cp = f.name == "meldingen_2017.csv"
        rows = _rows(f, ";" if cp else ",", "cp1252" if cp else "utf-8")
        year = int(f.name[10:14])
        for r in rows:
            assert re.fullmatch(r"M\d{2}-\d{6}", r["melding_id"])
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?", r["datum"])
            assert int(r["datum"][:4]) in (year, year - 1)  # re-exports of last year's meldingen
            assert r["status"] in ("gemeld", "in_behandeling", "afgehandeld", "geannuleerd")
            assert (r["datum_afgehandeld"] != "") == (r["status"] == "afgehandeld")
            assert r["hoofdcategorie"] in vocabulary
            if r["subcategorie"] not in vocabulary[r["hoofdcategorie"]]:
                outside += 1
    assert outside > 0


def test_windows_1252_file(demo):
    out, _ = demo
    raw = (out / "meldingen/meldingen_2017.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "é" in text or "ï" in text
    assert text.splitlines()[0].count(";") == 7
    assert b"\r\n" in raw


def test_prestaties(demo):
    out, _ = demo
    prest = _rows(out / "prestaties/prestaties.csv")
    assert 50 <= len(prest) <= 70
    themes = {"diefstal", "inbraak", "geweld", "vandalisme", "overlast", "drugs", "vervuiling", "beleving"}
    assert {p["thema"] for p in prest} <= themes
    assert any(p["wijk_code"] == "stad" for p in prest)
    assert any(p["wijk_code"].startswith("WK") for p in prest)
    measurable = [p for p in prest if p["indicator"]]
    assert len(measurable) >= 20
    for p in measurable:
        assert float(p["basiswaarde"]) >= float(p["streefwaarde"]) >= 0
    assert sum(float(p["basiswaarde"]) > float(p["streefwaarde"]) for p in measurable) >= 0.8 * len(measurable)
    assert all(p["status"] in {"voorgesteld", "toegezegd", "afgewezen", "in_uitvoering", "gerealiseerd",
                               "niet_gerealiseerd"} for p in prest)
    voortgang = _rows(out / "prestaties/voortgang.csv")
    assert {v["rag"] for v in voortgang} <= {"groen", "oranje", "rood"}
    assert {v["prestatie_id"] for v in voortgang} <= {p["prestatie_id"] for p in prest}


def test_deterministic(tmp_path):
    a = generate(tmp_path / "a", seed=7, scale=0.02)
    b = generate(tmp_path / "b", seed=7, scale=0.02)
    assert a == b
    for rel in a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    c = generate(tmp_path / "c", seed=8, scale=0.02)
    assert (tmp_path / "c/bevolking/bevolking.csv").read_bytes() != (tmp_path / "a/bevolking/bevolking.csv").read_bytes()
