"""The Streamlit dashboard, rendered headless with streamlit.testing.v1.AppTest on the golden
publication: every page renders without an exception, and the numbers it shows are the marts'
numbers, rounded as displayed (and as exported)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import threading
import time
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_RAW = ROOT.parent / "shared" / "golden" / "raw"
APP = ROOT / "dashboard" / "app.py"
PAGES = {  # page file -> its Dutch title (None: the title is the wijk name)
    "views/stad.py": "Veiligheid in de stad",
    "views/wijk.py": None,
    "views/prestaties.py": "Prestatieafspraken",
    "views/datakwaliteit.py": "Datakwaliteit",
    "views/methode.py": "Methode",
}
SPANGEN = "BU05990323"


def golden_marts_dir(tmp_path_factory, method: str | None = None) -> Path:
    """The golden raw data run through the real pipeline once per test session (shared by the
    dashboard and scorecard tests); `method="v1"` for a publication with the old method."""
    marts = tmp_path_factory.getbasetemp() / ("dashboard_golden_marts" + (f"_{method}" if method else ""))
    if not (marts / "publicatie.json").exists():
        assert GOLDEN_RAW.is_dir(), f"golden data ontbreekt: {GOLDEN_RAW}"
        from pipeline.cli import run_pipeline
        run_pipeline(GOLDEN_RAW, marts, quiet=True, method=method)
    return marts


def copy_publication(source: Path, target: Path) -> Path:
    """The published files only (Parquet, manifest, publication directories): the dashboard must
    never need the DuckDB file, which lives outside the marts folder anyway."""
    target.mkdir(parents=True)
    for path in source.iterdir():
        if path.suffix == ".parquet" or path.name == "publicatie.json":
            shutil.copy2(path, target / path.name)
    shutil.copytree(source / "publicaties", target / "publicaties")
    return target


def republish(marts: Path, new_id: str, change=lambda name, frame: frame, switch: bool = True,
              method=lambda config: config) -> Path:
    """A new publication as the pipeline makes one: a complete directory first, then the manifest.
    `change` edits a mart, `method` the published method config (methode.json)."""
    manifest = json.loads((marts / "publicatie.json").read_text())
    old = marts / "publicaties" / manifest["publicatie_id"]
    new = marts / "publicaties" / new_id
    new.mkdir()
    for path in old.glob("*.parquet"):
        frame = pl.read_parquet(path)
        if "publicatie_id" in frame.columns:
            frame = frame.with_columns(pl.lit(new_id).alias("publicatie_id"))
        change(path.name, frame).write_parquet(new / path.name)
    if (old / "methode.json").exists():
        config = method(json.loads((old / "methode.json").read_text()))
        (new / "methode.json").write_text(json.dumps(config))
    if switch:
        tmp = marts / ".publicatie.json.tmp"
        tmp.write_text(json.dumps({**manifest, "publicatie_id": new_id}))
        os.replace(tmp, marts / "publicatie.json")
    return new


def dutch(value: float, decimals: int = 1) -> str:
    """Independent of the code under test: round half up, decimal comma."""
    from decimal import ROUND_HALF_UP, Decimal
    q = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{abs(q) if q == 0 else q:.{decimals}f}".replace(".", ",")


@pytest.fixture(scope="session")
def golden_marts(tmp_path_factory) -> Path:
    return golden_marts_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def golden_marts_v1(tmp_path_factory) -> Path:
    return golden_marts_dir(tmp_path_factory, method="v1")


def texts(at: AppTest) -> str:
    """Everything readable on the page (markdown, captions, metrics and their help, subheaders)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
    parts += [e.value for e in at.error] + [h.value for h in at.subheader] + [i.value for i in at.info]
    parts += [f"{m.label} {m.value} {m.help or ''}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def wijk_row(marts: Path, code: str, jaar: int) -> dict:
    return (pl.read_parquet(marts / "wijk_index.parquet")
            .filter((pl.col("wijk_code") == code) & (pl.col("jaar") == jaar)).row(0, named=True))


def start(marts: Path, monkeypatch, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("VI_MARTS_DIR", str(marts))
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label_start: str):
    found = [m for m in at.metric if m.label.startswith(label_start)]
    assert found, f"geen metric '{label_start}…' in {[m.label for m in at.metric]}"
    return found[0]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders(golden_marts, monkeypatch, page):
    at = start(golden_marts, monkeypatch)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "pagina zonder titel"
    wijken = pl.read_parquet(golden_marts / "wijken.parquet")
    expected = PAGES[page] or sorted(wijken["wijk_naam"].to_list())[0]
    assert at.title[0].value == expected
    # nothing on screen says 'None', 'nan' or shows a Python error text
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [str(m.value) for m in at.metric]
    assert not any(t in ("None", "nan") for t in texts)


def test_stad_shows_city_index_of_latest_year(golden_marts, monkeypatch):
    at = start(golden_marts, monkeypatch)
    stad = pl.read_parquet(golden_marts / "stad_index.parquet").sort("jaar")
    latest = stad.row(-1, named=True)
    m = metric(at, f"Stadsindex {latest['jaar']}")
    assert m.value == dutch(latest["index"])
    interval = metric(at, "95%-interval")
    assert interval.value == f"{dutch(latest['ci_laag'])} – {dutch(latest['ci_hoog'])}"
    wijk_index = pl.read_parquet(golden_marts / "wijk_index.parquet").filter(pl.col("jaar") == latest["jaar"])
    published = wijk_index.filter(pl.col("index").is_not_null()).height
    assert metric(at, "Wijken met een index").value == f"{published} van {wijk_index.height}"
    # the golden city change of the latest year is not significant: judged, with its detectable change
    assert latest["verschil_significant"] is False
    page = texts(at)
    assert f"niet aantoonbaar veranderd t.o.v. {latest['jaar'] - 1}" in page
    assert f"pas vanaf ±{dutch(latest['detecteerbaar_verschil'])} aantoonbaar" in page
    assert "gelijk gebleven" not in page and "ruis" not in page


def test_city_interval_never_reads_equal_bounds(golden_marts, tmp_path, monkeypatch):
    """A narrow city interval (many wijken) that rounds to '5,7 – 5,7' at one decimal gets two."""
    marts = copy_publication(golden_marts, tmp_path / "marts")
    latest = pl.read_parquet(golden_marts / "stad_index.parquet")["jaar"].max()

    def narrow(name: str, frame: pl.DataFrame) -> pl.DataFrame:
        if name != "stad_index.parquet":
            return frame
        now = pl.col("jaar") == latest
        return frame.with_columns(pl.when(now).then(pl.lit(v)).otherwise(pl.col(c)).alias(c)
                                  for c, v in (("index", 5.714523), ("ci_laag", 5.686438), ("ci_hoog", 5.742608)))

    republish(marts, "smal-interval", narrow)
    at = start(marts, monkeypatch)
    assert metric(at, f"Stadsindex {latest}").value == "5,7"
    assert metric(at, "95%-interval").value == "5,69 – 5,74"


def test_stad_year_change_updates_numbers_and_url(golden_marts, monkeypatch):
    at = start(golden_marts, monkeypatch)
    at.selectbox(key="jaar_select").select("2020").run()
    assert not at.exception
    stad = pl.read_parquet(golden_marts / "stad_index.parquet").filter(pl.col("jaar") == 2020).row(0, named=True)
    assert metric(at, "Stadsindex 2020").value == dutch(stad["index"])
    assert at.query_params["jaar"] == ["2020"] or at.query_params["jaar"] == "2020"


def test_stad_ranking_equals_all_wijken_csv(golden_marts, monkeypatch):
    from pipeline.presentation import export_all_wijken
    at = start(golden_marts, monkeypatch)
    jaar = max(json.loads((golden_marts / "publicatie.json").read_text())["jaren"])
    table = next(df.value for df in at.dataframe if "Rang" in getattr(df.value, "columns", []))
    if hasattr(table, "data"):  # a pandas Styler
        table = table.data
    rows = csv_rows(export_all_wijken(golden_marts, jaar))
    header, body = rows[0], rows[1:]
    exported = {r[header.index("Wijk")]: r for r in body}
    assert len(table) == len(body)
    seen_not_significant = False
    for _, shown in table.iterrows():
        r = exported[shown["Wijk"]]
        assert shown["Index"] == r[header.index("Index")]
        assert shown["Categorie"] == r[header.index("Categorie")]
        judgement = r[header.index("Oordeel verandering")]
        assert shown["Verandering"].endswith(judgement or "–")
        significant = r[header.index("Verandering aantoonbaar")] == "ja"
        if significant:
            assert shown["Verandering"][0] in ("▲", "▼") and "aantoonbaar" in judgement
        elif judgement:
            seen_not_significant = True
            assert judgement.startswith("niet aantoonbaar veranderd (")
            assert f"pas vanaf ±{r[header.index('Pas aantoonbaar vanaf')]} aantoonbaar" in judgement
        # every golden wijk-year has fewer than 100 respondents: marked in the table and the CSV
        assert shown["Let op"] == "indicatief" and r[header.index("Indicatief")] == "ja"
    assert seen_not_significant
    # and the exported index is the mart's index, rounded as displayed
    wi = pl.read_parquet(golden_marts / "wijk_index.parquet").filter(pl.col("jaar") == jaar)
    for w in wi.iter_rows(named=True):
        code_row = next(r for r in body if r[header.index("Wijkcode")] == w["wijk_code"])
        assert code_row[header.index("Index")] == dutch(w["index"])
        if not w["verschil_significant"]:
            assert code_row[header.index("Pas aantoonbaar vanaf")] == dutch(w["detecteerbaar_verschil"])


def test_wijk_page_reads_query_param_and_shows_wijk_index(golden_marts, monkeypatch):
    at = start(golden_marts, monkeypatch, {"wijk": SPANGEN, "jaar": "2022"})
    at.switch_page("views/wijk.py").run()
    assert not at.exception
    assert at.title[0].value == "Spangen"
    row = wijk_row(golden_marts, SPANGEN, 2022)
    m = metric(at, "Index 2022")
    assert m.value == dutch(row["index"])
    assert metric(at, "95%-interval").value == f"{dutch(row['ci_laag'])} – {dutch(row['ci_hoog'])}"
    # Spangen 2022 improved significantly: judged as such, without a detectable-change remark
    assert row["verschil_significant"] is True and row["verschil"] > 0
    page = texts(at)
    assert f"▲ aantoonbaar veiliger t.o.v. 2021 (+{dutch(row['verschil'])})" in page
    assert "niet aantoonbaar" not in page


def test_wijk_non_significant_change_reads_not_demonstrable(golden_marts, monkeypatch):
    at = start(golden_marts, monkeypatch, {"wijk": SPANGEN, "jaar": "2021"})
    at.switch_page("views/wijk.py").run()
    assert not at.exception
    row = wijk_row(golden_marts, SPANGEN, 2021)
    assert row["verschil_significant"] is False
    expected = (f"niet aantoonbaar veranderd t.o.v. 2020 ({dutch(row['verschil'])}; "
                f"pas vanaf ±{dutch(row['detecteerbaar_verschil'])} aantoonbaar)")
    page = texts(at)
    assert expected in page
    assert "gelijk gebleven" not in page and "ruis" not in page and "▲" not in page


def test_indicatief_beside_figures_below_100_respondents(golden_marts, tmp_path, monkeypatch):
    """Golden wijk-years all have fewer than 100 respondents (indicatief); a copy where Spangen 2022
    has 150 shows no marker for it, while another wijk keeps its own."""
    at = start(golden_marts, monkeypatch, {"wijk": SPANGEN, "jaar": "2022"})
    at.switch_page("views/wijk.py").run()
    assert wijk_row(golden_marts, SPANGEN, 2022)["indicatief"] is True
    assert "indicatief" in metric(at, "Index 2022").label and "indicatief" in metric(at, "95%-interval").label
    assert "minder dan 100 respondenten" in metric(at, "Index 2022").help
    assert "indicatief" in " ".join(h.value for h in at.subheader)
    assert any("de onzekerheid is groter dan het 95%-interval laat zien" in m.value for m in at.markdown)

    marts = copy_publication(golden_marts, tmp_path / "marts")
    spangen = (pl.col("wijk_code") == SPANGEN) & (pl.col("jaar") == 2022)

    def enough(name: str, frame: pl.DataFrame) -> pl.DataFrame:
        if name != "wijk_index.parquet":
            return frame
        return frame.with_columns(pl.when(spangen).then(pl.lit(150)).otherwise(pl.col("respondenten")).alias("respondenten"),
                                  pl.when(spangen).then(pl.lit(False)).otherwise(pl.col("indicatief")).alias("indicatief"))

    republish(marts, "genoeg-respondenten", enough)
    at = start(marts, monkeypatch, {"wijk": SPANGEN, "jaar": "2022"})
    at.switch_page("views/wijk.py").run()
    assert not at.exception
    assert not [m.label for m in at.metric if "indicatief" in m.label]
    assert not [h.value for h in at.subheader if "indicatief" in h.value]
    assert not [m.value for m in at.markdown if "indicatief" in m.value]
    trend = next(c.value for c in at.caption if c.value.startswith("Index per jaar"))
    assert "indicatief (2019, 2020, 2021)" in trend  # the other years still are
    at.switch_page("views/stad.py").run()
    table = next(df.value for df in at.dataframe if "Rang" in getattr(df.value, "columns", []))
    table = table.data if hasattr(table, "data") else table
    marks = dict(zip(table["Wijk"], table["Let op"]))
    assert marks["Spangen"] == "" and marks["Middelland"] == "indicatief"


def test_wijk_change_and_year_change_keep_selection(golden_marts, monkeypatch):
    at = start(golden_marts, monkeypatch)
    at.switch_page("views/wijk.py").run()
    at.selectbox(key="wijk_select").select(SPANGEN).run()
    assert at.title[0].value == "Spangen"
    at.selectbox(key="jaar_select").select("2021").run()
    assert not at.exception
    assert at.title[0].value == "Spangen"  # the wijk survives a year change
    assert metric(at, "Index 2021")
    at.switch_page("views/stad.py").run()
    at.switch_page("views/wijk.py").run()
    assert at.title[0].value == "Spangen"  # and a round trip over another page


def test_untrusted_query_params_are_ignored(golden_marts, monkeypatch):
    at = start(golden_marts, monkeypatch, {"wijk": "<script>alert(1)</script>", "jaar": "1850"})
    warnings = " ".join(w.value for w in at.warning)
    assert "De wijk in de link" in warnings and "Het jaar in de link" in warnings
    assert "bestaat niet in deze publicatie" in warnings
    latest = max(json.loads((golden_marts / "publicatie.json").read_text())["jaren"])
    assert metric(at, f"Stadsindex {latest}")  # the invalid year fell back to the latest
    at.switch_page("views/wijk.py").run()
    assert not at.exception
    names = sorted(pl.read_parquet(golden_marts / "wijken.parquet")["wijk_naam"].to_list())
    assert at.title[0].value == names[0]


def test_scorecard_csv_equals_wijk_page(golden_marts, monkeypatch):
    from pipeline.presentation import export_scorecard
    at = start(golden_marts, monkeypatch, {"wijk": SPANGEN, "jaar": "2022"})
    at.switch_page("views/wijk.py").run()
    rows = csv_rows(export_scorecard(golden_marts, SPANGEN, 2022))
    assert rows[0] == ["Sectie", "Onderwerp", "Kenmerk", "Waarde"]
    values = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert values[("Index", "", "Index")] == metric(at, "Index 2022").value
    low, high = metric(at, "95%-interval").value.split(" – ")
    assert values[("Index", "", "Ondergrens 95%-interval")] == low
    assert values[("Index", "", "Bovengrens 95%-interval")] == high
    assert values[("Index", "", "Indicatief")] == "ja"
    assert "minder dan 100 respondenten" in values[("Index", "", "Toelichting indicatief")]
    themes = next(df.value for df in at.dataframe if "Objectief" in getattr(df.value, "columns", []))
    for _, theme in themes.iterrows():
        for part in ("Objectief", "Subjectief", "Themascore", "Bijdrage aan verschil"):
            assert values[("Thema", theme["Thema"], part)] == theme[part]
        low, high = theme["95%-interval"].split(" – ")
        assert values[("Thema", theme["Thema"], "Ondergrens 95%-interval")] == low
        assert values[("Thema", theme["Thema"], "Bovengrens 95%-interval")] == high
        assert theme["Let op"] == "indicatief"
    prestaties = next(df.value for df in at.dataframe if "Laatste voortgang" in getattr(df.value, "columns", []))
    exported = {k[1].split(": ", 1)[1]: v for k, v in values.items()
                if k[0] == "Prestatie" and k[2] == "Laatste voortgang"}
    for _, p in prestaties.iterrows():
        assert exported[p["Omschrijving"]] == p["Laatste voortgang"]


def test_unpublished_wijk_year_shows_reason_not_number(golden_marts, tmp_path, monkeypatch):
    marts = copy_publication(golden_marts, tmp_path / "marts")
    hole = (pl.col("wijk_code") == SPANGEN) & (pl.col("jaar") == 2021)

    def make_hole(name: str, wi: pl.DataFrame) -> pl.DataFrame:
        if name != "wijk_index.parquet":
            return wi
        return wi.with_columns(*(pl.when(hole).then(None).otherwise(pl.col(c)).alias(c)
                                 for c in ("index", "categorie", "ci_laag", "ci_hoog", "verschil", "verschil_significant")),
                               pl.when(hole).then(pl.lit("too_few_respondents")).otherwise(pl.col("reden")).alias("reden"))

    republish(marts, "met-gat", make_hole)
    at = start(marts, monkeypatch, {"wijk": SPANGEN, "jaar": "2021"})
    at.switch_page("views/wijk.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [m for m in at.metric if m.label.startswith("Index 2021")]
    assert any("te weinig respondenten" in w.value for w in at.warning)


def test_no_publication_explains_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("VI_MARTS_DIR", str(tmp_path / "leeg"))
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    assert not at.exception
    text = " ".join(i.value for i in at.info)
    assert "make run" in text and "veiligheidsindex run" in text


def test_reader_follows_the_manifest_not_half_refreshed_top_level_files(golden_marts, tmp_path):
    """A new publication is being written (its directory exists, the manifest not yet switched)
    and the top-level files are mixed (a run killed while refreshing them): the reader returns the
    committed publication, whole; after the switch it returns the new one, whole."""
    from pipeline.presentation import read_marts
    marts = copy_publication(golden_marts, tmp_path / "marts")
    committed = json.loads((marts / "publicatie.json").read_text())["publicatie_id"]
    republish(marts, "nieuwe-publicatie", switch=False)
    stad = pl.read_parquet(marts / "stad_index.parquet")
    stad.with_columns(pl.lit("nieuwe-publicatie").alias("publicatie_id")).write_parquet(marts / "stad_index.parquet")
    result = read_marts(marts)
    assert result.publication_id == committed
    assert all(set(f["publicatie_id"].to_list()) <= {committed} for f in result.frames.values())

    def switch() -> None:
        time.sleep(0.2)
        tmp = marts / ".publicatie.json.tmp"
        tmp.write_text(json.dumps({**json.loads((marts / "publicatie.json").read_text()),
                                   "publicatie_id": "nieuwe-publicatie"}))
        os.replace(tmp, marts / "publicatie.json")

    worker = threading.Thread(target=switch)
    worker.start()
    seen = set()
    for _ in range(40):
        result = read_marts(marts)
        ids = {i for f in result.frames.values() for i in f["publicatie_id"].to_list()}
        assert ids <= {result.publication_id}  # never a mix
        seen.add(result.publication_id)
        time.sleep(0.02)
    worker.join()
    assert seen == {committed, "nieuwe-publicatie"}


def test_unreadable_file_is_reported_in_dutch(golden_marts, tmp_path):
    from pipeline.presentation import MartsError, read_marts
    marts = copy_publication(golden_marts, tmp_path / "marts")
    manifest = json.loads((marts / "publicatie.json").read_text())
    (marts / "publicaties" / manifest["publicatie_id"] / "stad_index.parquet").write_bytes(b"geen parquet")
    with pytest.raises(MartsError, match="niet leesbaar"):
        read_marts(marts, attempts=2)


def test_new_publication_is_picked_up(golden_marts, tmp_path, monkeypatch):
    marts = copy_publication(golden_marts, tmp_path / "marts")
    at = start(marts, monkeypatch)
    caption = " ".join(c.value for c in at.sidebar.caption)
    assert "basisjaar" in caption
    republish(marts, "herpublicatie", lambda name, frame: frame.with_columns(pl.lit(9.87).alias("index"))
              if name == "stad_index.parquet" else frame)
    at.run()
    assert not at.exception
    assert metric(at, "Stadsindex").value == "9,9"


def test_methode_page_shows_the_published_method(golden_marts, tmp_path, monkeypatch):
    """The page reads the publication's methode.json, not today's config files: a publication whose
    config differs (another label, hash and threshold) shows those."""
    from pipeline.method import load_method
    at = start(golden_marts, monkeypatch)
    at.switch_page("views/methode.py").run()
    assert not at.exception
    manifest = json.loads((golden_marts / "publicatie.json").read_text())
    page = texts(at)
    facts = at.table[0].value
    assert facts.loc["Methode", "Waarde"] == manifest["methode"] == "veiligheidsindex-v2"
    assert facts.loc["Kenmerk", "Waarde"] == manifest["methode_hash"][:12]
    assert "per respondent" in facts.loc["Onzekerheid berekend", "Waarde"]
    assert facts.loc["Indicatief", "Waarde"] == "minder dan 100 respondenten"
    assert "76%" in page and "23%" in page and "94%" in page and "5%" in page
    assert "maatlat" in page and "niet aantoonbaar veranderd" in page
    assert "Deze publicatie gebruikt methode v1" not in page

    marts = copy_publication(golden_marts, tmp_path / "marts")

    def other(config: dict) -> dict:
        config["method"] = {**config["method"], "label": "veiligheidsindex-v2-proef", "hash": "f" * 64}
        config["params"] = {**config["params"], "indicative_below": 80}
        return config

    republish(marts, "andere-methode", method=other)
    at = start(marts, monkeypatch)
    at.switch_page("views/methode.py").run()
    facts = at.table[0].value
    assert facts.loc["Methode", "Waarde"] == "veiligheidsindex-v2-proef" != load_method()["method"]["label"]
    assert facts.loc["Kenmerk", "Waarde"] == "f" * 12
    assert facts.loc["Indicatief", "Waarde"] == "minder dan 80 respondenten"


def test_methode_page_under_a_v1_publication(golden_marts_v1, monkeypatch):
    at = start(golden_marts_v1, monkeypatch)
    at.switch_page("views/methode.py").run()
    assert not at.exception
    manifest = json.loads((golden_marts_v1 / "publicatie.json").read_text())
    facts = at.table[0].value
    assert facts.loc["Methode", "Waarde"] == manifest["methode"] == "veiligheidsindex-v1"
    assert facts.loc["Kenmerk", "Waarde"] == manifest["methode_hash"][:12]
    assert "onafhankelijke vragen" in facts.loc["Onzekerheid berekend", "Waarde"]
    errors = " ".join(e.value for e in at.error)
    assert "Deze publicatie gebruikt methode v1" in errors and "76%" in errors and "23%" in errors
    assert "(methode v1)" in " ".join(h.value for h in at.subheader)


def test_v1_publication_marks_nothing_indicatief(golden_marts_v1, monkeypatch):
    at = start(golden_marts_v1, monkeypatch, {"wijk": SPANGEN, "jaar": "2021"})
    at.switch_page("views/wijk.py").run()
    assert not at.exception
    page = texts(at)
    assert "indicatief" not in page.lower()
    assert "niet aantoonbaar veranderd t.o.v. 2020" in page
