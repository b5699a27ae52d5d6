"""Tests for the demo-data generator (pipeline/demo/generator.py)."""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.demo.generator import FIRST_YEAR, LAST_YEAR, POLITIE_FORMATS, SMALL_WIJKEN, generate  # noqa: E402
from pipeline.method.reference import crime_labels  # noqa: E402

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

# Verified against CBS's buurt and wijk maps (see the generator's docstring).
REAL_AREAS = {
    "BU05991926": ("Nieuw Mathenesse", "WK059919", "Nieuw Mathenesse"),
    "BU05990110": ("Stadsdriehoek", "WK059901", "Rotterdam Centrum"),
    "BU05991079": ("Kop van Zuid-Entrepot", "WK059910", "Feijenoord"),
    "BU05991593": ("Heijplaat", "WK059915", "Charlois"),
    "BU05992704": ("Rozenburg", "WK059927", "Rozenburg"),
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
    assert _first_line(out / "areas/areas.csv") == ("wijk_code,wijk_naam,gebied_code,gebied_naam,wijktype,tile_x,tile_y,"
                                                    "statline_naam,gemeente_naam")
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
    assert len({a["gebied_code"] for a in areas}) == 15
    assert {a["gemeente_naam"] for a in areas} == {"Rotterdam"}
    tiles = [(int(a["tile_x"]), int(a["tile_y"])) for a in areas]
    assert len(set(tiles)) == len(tiles), "every wijk needs its own tile"
    by_code = {a["wijk_code"]: a for a in areas}
    for code, (name, gebied, gebied_naam) in GOLDEN_AREAS.items():
        assert (by_code[code]["wijk_naam"], by_code[code]["gebied_code"], by_code[code]["gebied_naam"]) == (
            name, gebied, gebied_naam)
    names = {a["wijk_naam"] for a in areas}
    for name in ("Stadsdriehoek", "Cool", "Tarwewijk", "Katendrecht", "Kralingen West", "Ommoord", "Het Lage Land"):
        assert name in names
    # real CBS codes (CBS gebiedsindelingen 2022), among them the one the demo used to invent
    for code, (name, gebied, gebied_naam) in REAL_AREAS.items():
        assert (by_code[code]["wijk_naam"], by_code[code]["gebied_code"], by_code[code]["gebied_naam"]) == (
            name, gebied, gebied_naam)
    assert "BU05990326" not in by_code
    # CBS's spelling where it differs after the spec's normalisation; Kop van Zuid - Entrepot does not
    assert {a["wijk_naam"]: a["statline_naam"] for a in areas if a["statline_naam"]} == {
        "CS-kwartier": "Cs Kwartier", "Noord-Kethel": "Noord Kethel", "Oud-Charlois": "Oud Charlois"}


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
    assert codes == needed | {"2.5.2", "3.7.4"}  # shoplifting is 2.5.2 (1.3.1 is Ongevallen (weg))
    assert {r[:2] for r in regions} == {"BU", "WK", "GM"}
    assert {".", "", "n"} <= values
    assert labelled and bare


def test_politie_labels_are_cbs_labels(demo):
    out, _ = demo
    labels = crime_labels()
    with open(out / "politie/geregistreerde_misdrijven_2015_2019.csv", encoding="utf-8", newline="") as fh:
        soort = {row["SoortMisdrijf"] for row in csv.DictReader(fh, delimiter=";")}
    assert soort == {f"{code} {labels[code]}" for code in (s.split(" ", 1)[0] for s in soort)}
    assert "2.5.2 Winkeldiefstal" in soort and "0.0.0 Totaal misdrijven" in soort


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


@pytest.mark.parametrize("politie_format", POLITIE_FORMATS)
def test_deterministic(tmp_path, politie_format):
    a = generate(tmp_path / "a", seed=7, scale=0.02, politie_format=politie_format)
    b = generate(tmp_path / "b", seed=7, scale=0.02, politie_format=politie_format)
    assert a == b
    written = {p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    assert written == set(a)
    for rel in a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    generate(tmp_path / "c", seed=8, scale=0.02, politie_format=politie_format)
    assert (tmp_path / "c/bevolking/bevolking.csv").read_bytes() != (tmp_path / "a/bevolking/bevolking.csv").read_bytes()
    politie = sorted(rel for rel in a if rel.startswith("politie/"))
    assert any((tmp_path / "c" / rel).read_bytes() != (tmp_path / "a" / rel).read_bytes() for rel in politie)


def test_unknown_politie_format(tmp_path):
    with pytest.raises(ValueError, match="politievorm"):
        generate(tmp_path / "x", politie_format="xlsx")


def test_cli_passes_the_politie_format(tmp_path, monkeypatch):
    from pipeline.cli import main
    from pipeline.demo import generator

    calls = []
    monkeypatch.setattr(generator, "generate", lambda out, **kw: calls.append(kw) or {})
    for form in POLITIE_FORMATS:
        assert main(["demo-data", "--out", str(tmp_path), "--politie-format", form]) == 0
    assert main(["demo-data", "--out", str(tmp_path)]) == 0
    assert [c["politie_format"] for c in calls] == [*POLITIE_FORMATS, "odata-csv"]
    with pytest.raises(SystemExit):
        main(["demo-data", "--out", str(tmp_path), "--politie-format", "xlsx"])


# ---- the police files in their three forms ---------------------------------------------------
STEMS = ("geregistreerde_misdrijven_2015_2019", "geregistreerde_misdrijven_2020_2024",
         "geregistreerde_misdrijven_2024_revisie")
ODATA_COLUMNS = ("ID", "SoortMisdrijf", "WijkenEnBuurten", "Perioden", "GeregistreerdeMisdrijven_1")
STATLINE_COLUMNS = {"Soort misdrijf": "SoortMisdrijf", "Wijken en buurten": "WijkenEnBuurten", "Perioden": "Perioden",
                    "Geregistreerde misdrijven (aantal)": "GeregistreerdeMisdrijven_1"}
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """The demo raw folder in each police form (the police files do not depend on the scale)."""
    root = tmp_path_factory.mktemp("forms")
    return {f: (root / f, generate(root / f, seed=2024, scale=0.02, politie_format=f)) for f in POLITIE_FORMATS}


def _count(text: str | int | None) -> int | None:
    """A count as the spec reads it: a number, or None for not published ('.', empty, null)."""
    if text is None or isinstance(text, int):
        return text
    text = text.strip()
    return int(text) if text.isdigit() else None


def _stem(name: str) -> str:
    return re.sub(r"_p\d{3}$", "", name.rsplit(".", 1)[0])


def _read_odata_csv(folder: Path) -> dict[str, dict[tuple, int | None]]:
    out: dict[str, dict] = {}
    for f in sorted(folder.glob("*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter=";"))
        out[f.stem] = {(r["SoortMisdrijf"].split()[0], r["WijkenEnBuurten"].strip(), r["Perioden"]):
                       _count(r["GeregistreerdeMisdrijven_1"]) for r in rows}
    return out


def _read_odata_json(folder: Path) -> dict[str, dict[tuple, int | None]]:
    out: dict[str, dict] = {}
    for f in sorted(folder.glob("*.json")):
        page = json.loads(f.read_text(encoding="utf-8"))
        keys = out.setdefault(_stem(f.name), {})
        for r in page["value"]:
            key = (r["SoortMisdrijf"].strip(), r["WijkenEnBuurten"].strip(), r["Perioden"])
            assert key not in keys, (f.name, key)
            keys[key] = _count(r["GeregistreerdeMisdrijven_1"])
    return out


def _norm(name: str) -> str:
    """INPUTS.md: case folding, no accents, runs of spaces collapsed, no spaces around hyphens."""
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"\s*-\s*", "-", " ".join(text.casefold().split()))


def _statline_codes(areas: list[dict]) -> dict[str, str]:
    """StatLine name -> area code, in the spec's matching order (statline_naam, wijk_naam, gebied, gemeente)."""
    codes: dict[str, str] = {"rotterdam": "GM0599"}
    for a in areas:
        codes.setdefault(_norm(a["gebied_naam"]), a["gebied_code"])
    for a in areas:  # a wijk wins over a gebied of the same name
        codes[_norm(a["wijk_naam"])] = a["wijk_code"]
    for a in areas:
        if a["statline_naam"]:
            codes[_norm(a["statline_naam"])] = a["wijk_code"]
    return codes


def _read_statline(folder: Path, areas: list[dict]) -> dict[str, dict[tuple, int | None]]:
    codes = _statline_codes(areas)
    months = "|".join(MONTHS)
    out: dict[str, dict] = {}
    for f in sorted(folder.glob("*.csv")):
        with open(f, encoding="utf-8-sig", newline="") as fh:
            rows = [{STATLINE_COLUMNS[k]: v for k, v in r.items()} for r in csv.DictReader(fh, delimiter=";")]
        keys = out.setdefault(f.stem, {})
        for r in rows:
            if r["WijkenEnBuurten"] == "Nederland":
                continue
            soort = r["SoortMisdrijf"]
            code = "0.0.0" if soort == "Totaal misdrijven" else soort.split()[0]
            m = re.fullmatch(rf"(\d{{4}}) ({months})\*?", r["Perioden"])
            period = f"{m[1]}MM{MONTHS.index(m[2]) + 1:02d}"
            key = (code, codes[_norm(r["WijkenEnBuurten"])], period)
            assert key not in keys, (f.name, key, r)  # every label unambiguous
            keys[key] = _count(r["GeregistreerdeMisdrijven_1"])
    return out


def test_forms_write_the_same_downloads(forms):
    for form, (out, summary) in forms.items():
        files = sorted(p.name for p in (out / "politie").iterdir())
        assert files == sorted(rel.split("/", 1)[1] for rel in summary if rel.startswith("politie/")), form
        ext = ".json" if form == "odata-json" else ".csv"
        assert all(name.endswith(ext) for name in files), form
        stems = list(dict.fromkeys(_stem(name) for name in files))  # in file-name (reading) order
        assert stems == list(STEMS), form
        assert files[-1].startswith(STEMS[-1])  # the revision is read last
    # everything but the police files is the same whatever the form, areas.csv included
    others = {rel for rel in forms["odata-csv"][1] if not rel.startswith("politie/")}
    for form, (out, summary) in forms.items():
        assert {rel for rel in summary if not rel.startswith("politie/")} == others
        for rel in others:
            assert (out / rel).read_bytes() == (forms["odata-csv"][0] / rel).read_bytes(), (form, rel)


def test_odata_json_pages(forms):
    out, summary = forms["odata-json"]
    files = sorted((out / "politie").glob("*.json"))
    versions = set()
    for stem in STEMS:
        pages = [f for f in files if _stem(f.name) == stem]
        docs = [json.loads(f.read_text(encoding="utf-8")) for f in pages]
        assert len(pages) == 1 if stem.endswith("revisie") else len(pages) > 1
        if len(pages) > 1:
            assert [f.name for f in pages] == [f"{stem}_p{k:03d}.json" for k in range(1, len(pages) + 1)]
        version = 3 if "odata.metadata" in docs[0] else 4
        versions.add(version)
        context, link = ("odata.metadata", "odata.nextLink") if version == 3 else ("@odata.context", "@odata.nextLink")
        seen = 0
        for k, doc in enumerate(docs):
            assert set(doc) == ({context, "value", link} if k < len(docs) - 1 else {context, "value"}), pages[k].name
            assert doc[context].endswith("TypedDataSet")
            assert [r["ID"] for r in doc["value"]] == list(range(seen, seen + len(doc["value"])))  # IDs run on
            seen += len(doc["value"])
            if k < len(docs) - 1:
                assert len(doc["value"]) == 10_000
                assert doc[link].endswith(f"/TypedDataSet?$skip={seen}")
            for r in doc["value"]:
                assert set(r) == set(ODATA_COLUMNS)
                assert isinstance(r["ID"], int)
                assert r["GeregistreerdeMisdrijven_1"] is None or isinstance(r["GeregistreerdeMisdrijven_1"], int)
                assert r["SoortMisdrijf"].endswith(" ") and r["WijkenEnBuurten"].endswith(" ")
        assert seen == sum(summary[f"politie/{f.name}"] for f in pages)
    assert versions == {3, 4}
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    assert '"GeregistreerdeMisdrijven_1":null' in text and '"WijkenEnBuurten":"GM0599    "' in text


def test_statline_download(forms):
    out, summary = forms["statline"]
    orders = set()
    months = "|".join(MONTHS)
    for stem in STEMS:
        raw = (out / "politie" / f"{stem}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
        lines = raw[3:].decode("utf-8").split("\r\n")
        assert lines[-1] == "" and len(lines) == summary[f"politie/{stem}.csv"] + 2
        header = next(csv.reader([lines[0]], delimiter=";"))
        assert lines[0] == ";".join(f'"{h}"' for h in header)  # quoted
        assert set(header) == set(STATLINE_COLUMNS)
        order = tuple(STATLINE_COLUMNS[h] for h in header)
        assert order != ODATA_COLUMNS[1:]
        orders.add(order)
        for row in csv.DictReader(lines[1:-1], fieldnames=header, delimiter=";"):
            assert re.fullmatch(r"Totaal misdrijven|\d\.\d\.\d+ \S.*", row["Soort misdrijf"]), row
            assert re.fullmatch(rf"\d{{4}}( ({months})\*?)?", row["Perioden"]), row
            assert row["Perioden"].endswith("*") == (row["Perioden"] in ("2024 november*", "2024 december*"))
            count = row["Geregistreerde misdrijven (aantal)"]
            assert count == "." or re.fullmatch(r" *\d+", count) and len(count) == 8, row
            assert not re.fullmatch(r"[A-Z]{2}\d+", row["Wijken en buurten"])  # names, not codes
    assert len(orders) == len(STEMS)
    text = (out / "politie" / f"{STEMS[0]}.csv").read_text(encoding="utf-8-sig")
    labels = crime_labels()
    assert f'"1.2.3 {labels["1.2.3"]}"' in text and '"2.5.2 Winkeldiefstal"' in text
    assert '"Nederland";"Totaal misdrijven";"2015";' in text and '"Rotterdam"' in text
    assert '"Kop van Zuid - Entrepot"' in text and '"Cs Kwartier"' in text and '"."' in text


def test_same_figures_in_every_form(forms):
    areas = _rows(forms["odata-csv"][0] / "areas/areas.csv")
    canonical = _read_odata_csv(forms["odata-csv"][0] / "politie")
    assert list(canonical) == list(STEMS)
    assert _read_odata_json(forms["odata-json"][0] / "politie") == canonical
    statline = _read_statline(forms["statline"][0] / "politie", areas)
    # StatLine lacks only the WK rows of the gebieden that share their name with a buurt (ambiguous there)
    buurt_names = {_norm(a["wijk_naam"]) for a in areas}
    shared = {a["gebied_code"] for a in areas if _norm(a["gebied_naam"]) in buurt_names}
    assert shared == {"WK059903", "WK059904", "WK059910", "WK059913", "WK059919", "WK059927"}
    for stem, keys in canonical.items():
        expected = {k: v for k, v in keys.items() if k[1] not in shared}
        assert statline[stem] == expected, stem
        wijk_keys = {k for k in keys if k[1].startswith("BU")}
        assert wijk_keys <= set(statline[stem]) and len(wijk_keys) > 0
    # not published stays not published, in each form
    missing = {(stem, k) for stem, keys in canonical.items() for k, v in keys.items() if v is None}
    assert len(missing) == 6
