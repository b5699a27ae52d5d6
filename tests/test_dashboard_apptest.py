"""The Streamlit dashboard, rendered headless with streamlit.testing.v1.AppTest on the golden
publication: every page renders without an exception, and the numbers it shows are the marts'
numbers, rounded as displayed (and as exported)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import threading
import time
from html import unescape
from pathlib import Path
from typing import NamedTuple

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
    parts += [f"{m.label} {m.value} {m.help or ''}" for m in metrics(at)]
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


def ranking_table(at: AppTest):
    """The ranking on Stad, its tab opened (only the open tab runs): a pandas frame or Styler."""
    at.session_state["weergave"] = "Rangorde"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return next(df.value for df in at.dataframe if "Rang" in getattr(df.value, "columns", []))


class Figure(NamedTuple):
    label: str
    value: str
    help: str | None


_FIGURE = re.compile(r"<div class='vi-figure' data-label='([^']*)' data-value='([^']*)'>"
                     r"<div class='vi-figure-label'>[^<]*(?:<span class='vi-help'[^>]*aria-label='Uitleg: ([^']*)'>)?")


def metrics(at: AppTest) -> list[Figure]:
    """The headline figures of the page (ui.figures: one HTML block, its texts html-escaped)."""
    return [Figure(unescape(label), unescape(value), unescape(tip) if tip else None)
            for m in at.markdown if "class='vi-figures'" in m.value
            for label, value, tip in _FIGURE.findall(m.value)]


def metric(at: AppTest, label_start: str) -> Figure:
    found = [m for m in metrics(at) if m.label.startswith(label_start)]
    assert found, f"geen kopcijfer '{label_start}…' in {[m.label for m in metrics(at)]}"
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
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [str(m.value) for m in metrics(at)]
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
    at.button_group(key="jaar_select").set_value("2020").run()
    assert not at.exception
    stad = pl.read_parquet(golden_marts / "stad_index.parquet").filter(pl.col("jaar") == 2020).row(0, named=True)
    assert metric(at, "Stadsindex 2020").value == dutch(stad["index"])
    assert at.query_params["jaar"] == ["2020"] or at.query_params["jaar"] == "2020"


def test_stad_ranking_is_a_tab_that_runs_only_when_opened(golden_marts, monkeypatch):
    """The landing page sends the map and the changed wijken, not the table of every wijk (it was
    most of what the browser drew before the first chart); ?weergave=Rangorde opens the ranking by
    link, and the downloads of all wijken are under both tabs."""
    from pipeline.presentation import export_all_wijken
    at = start(golden_marts, monkeypatch)
    assert [t.label for t in at.tabs] == ["Overzicht", "Rangorde"]
    assert [h for h in at.subheader if h.value.startswith("Kaart ")]
    assert not [df for df in at.dataframe if "Rang" in getattr(df.value, "columns", [])]
    downloads = [d.proto.label for d in at.get("download_button")]
    assert any(label.startswith("Download alle wijken") for label in downloads)

    linked = start(golden_marts, monkeypatch, {"weergave": "Rangorde"})
    table = next(df.value for df in linked.dataframe if "Rang" in getattr(df.value, "columns", []))
    table = table.data if hasattr(table, "data") else table
    jaar = max(json.loads((golden_marts / "publicatie.json").read_text())["jaren"])
    assert len(table) == len(csv_rows(export_all_wijken(golden_marts, jaar))) - 1  # every wijk, as the CSV
    assert not [h for h in linked.subheader if h.value.startswith("Kaart ")]  # the other tab did not run
    assert [d.proto.label for d in linked.get("download_button")] == downloads


def test_stad_ranking_equals_all_wijken_csv(golden_marts, monkeypatch):
    from pipeline.presentation import export_all_wijken
    at = start(golden_marts, monkeypatch)
    jaar = max(json.loads((golden_marts / "publicatie.json").read_text())["jaren"])
    table = ranking_table(at)
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
    assert "niet aantoonbaar veranderd" not in page  # (an agreement's verdict may say "niet aantoonbaar")


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
    assert not [m.label for m in metrics(at) if "indicatief" in m.label]
    assert not [h.value for h in at.subheader if "indicatief" in h.value]
    assert not [m.value for m in at.markdown if "indicatief" in m.value]
    trend = next(c.value for c in at.caption if c.value.startswith("Index per jaar"))
    assert "indicatief (2019, 2020, 2021)" in trend  # the other years still are
    at.switch_page("views/stad.py").run()
    table = ranking_table(at)
    table = table.data if hasattr(table, "data") else table
    marks = dict(zip(table["Wijk"], table["Let op"]))
    assert marks["Spangen"] == "" and marks["Middelland"] == "indicatief"


def test_wijk_change_and_year_change_keep_selection(golden_marts, monkeypatch):
    at = start(golden_marts, monkeypatch)
    at.switch_page("views/wijk.py").run()
    at.selectbox(key="wijk_select").select(SPANGEN).run()
    assert at.title[0].value == "Spangen"
    at.button_group(key="jaar_select").set_value("2021").run()
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
    assert not [m for m in metrics(at) if m.label.startswith("Index 2021")]
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


# --------------------------------------------------------------------------------------------------
# From change to agreements (issue 11): the index change of an agreement's area, "did it help?"
# (mart prestatie_effecten) and the sensitivity to the weighting (gevoeligheid, gevoeligheid_wijk).
# The marts come from the pipeline; the display is tested on small frames whose values are set here,
# and once on the marts the pipeline publishes.

PROVENIERSWIJK = "BU05990516"
NOORD = "WK059905"
ANALYSIS_MARTS = ("prestatie_effecten", "gevoeligheid", "gevoeligheid_wijk")
FAKE_EFFECTS = {  # golden prestaties: P001 Spangen (wijk), P002 gebied Noord, P003 Middelland, P004 stad
    "P001": ("beter", 0.46, "Toelichting P001: beter dan de vergelijking."),
    "P002": ("slechter", -0.31, "Toelichting P002: slechter dan de vergelijking."),
    "P003": ("te_vroeg", None, "Toelichting P003: te vroeg om te zeggen."),
}


def effects_frame(prestaties: pl.DataFrame, rows: dict = FAKE_EFFECTS) -> pl.DataFrame:
    """A prestatie_effecten mart (schema of the agreed interface) with the verdicts given."""
    p = {r["prestatie_id"]: r for r in prestaties.to_dicts()}
    out = []
    for pid, (oordeel, verschil, toelichting) in rows.items():
        r = p[pid]
        out.append({"prestatie_id": pid, "wijk_code": r["wijk_code"], "niveau": r["niveau"],
                    "uitkomst_soort": "indicator" if r["indicator"] else "thema",
                    "uitkomst": r["indicator"] or r["thema"], "startjaar": r["startdatum"].year,
                    "voorjaar": r["startdatum"].year - 1, "laatste_jaar": 2022, "verandering": None,
                    "verandering_vergelijking": None, "vergelijkingswijken": 3, "vergelijking_op": "wijktype",
                    "verschil": verschil, "se": None, "ci_laag": None, "ci_hoog": None, "oordeel": oordeel,
                    "toelichting": toelichting, "methode": "veiligheidsindex-v2"})
    return pl.DataFrame(out, schema={
        "prestatie_id": pl.String, "wijk_code": pl.String, "niveau": pl.String, "uitkomst_soort": pl.String,
        "uitkomst": pl.String, "startjaar": pl.Int64, "voorjaar": pl.Int64, "laatste_jaar": pl.Int64,
        "verandering": pl.Float64, "verandering_vergelijking": pl.Float64, "vergelijkingswijken": pl.Int64,
        "vergelijking_op": pl.String, "verschil": pl.Float64, "se": pl.Float64, "ci_laag": pl.Float64,
        "ci_hoog": pl.Float64, "oordeel": pl.String, "toelichting": pl.String, "methode": pl.String})


def sensitivity_frames(wijk_index: pl.DataFrame, moved: dict) -> tuple[pl.DataFrame, pl.DataFrame]:
    """gevoeligheid and gevoeligheid_wijk for every published wijk-year under two variants: one
    weighting (counts for the verdict) and one separate index (does not); `moved` maps (wijk, jaar,
    variant) to the category it gets instead of the official one."""
    variants = {"objectief_50": ("50:50 objectief:subjectief", True), "registraties": ("Apart: registraties", False)}
    rows = []
    for w in wijk_index.filter(pl.col("index").is_not_null()).iter_rows(named=True):
        for variant in variants:
            other = moved.get((w["wijk_code"], w["jaar"], variant))
            rows.append({"wijk_code": w["wijk_code"], "jaar": w["jaar"], "variant": variant, "index": w["index"],
                         "categorie": other or w["categorie"], "rang": 1, "officiele_index": w["index"],
                         "officiele_categorie": w["categorie"], "officiele_rang": 1, "andere_categorie": bool(other)})
    per_wijk = pl.DataFrame(rows)
    decisive = [v for v, (_, counts) in variants.items() if counts]
    verdict = (per_wijk.filter(pl.col("variant").is_in(decisive)).group_by("wijk_code", "jaar")
               .agg(pl.when(pl.col("andere_categorie").any()).then(pl.lit("hangt_af_van_de_weging"))
                    .otherwise(pl.lit("robuust")).alias("oordeel")))
    per_wijk = per_wijk.join(verdict, on=["wijk_code", "jaar"]).with_columns(pl.lit("veiligheidsindex-v2").alias("methode"))
    summary = (per_wijk.group_by("jaar", "variant").agg(pl.len().alias("wijken"),
                                                        pl.col("andere_categorie").sum().cast(pl.Int64)
                                                        .alias("wijken_andere_categorie"))
               .with_columns(pl.col("variant").replace_strict({v: l for v, (l, _) in variants.items()}).alias("variant_label"),
                             pl.col("variant").replace_strict({v: c for v, (_, c) in variants.items()})
                             .alias("telt_voor_oordeel"),
                             pl.when(pl.col("variant") == "objectief_50").then(0.97).otherwise(0.81).alias("rangcorrelatie"),
                             pl.lit("veiligheidsindex-v2").alias("methode"))
               .select("jaar", "variant", "variant_label", "telt_voor_oordeel", "rangcorrelatie", "wijken",
                       "wijken_andere_categorie", "methode"))
    return summary, per_wijk


FAKE_MOVES = {(SPANGEN, 2022, "objectief_50"): "bedreigd", (PROVENIERSWIJK, 2022, "registraties"): "veilig",
              ("BU05990325", 2022, "registraties"): "aandachtswijk"}


def with_analysis_marts(golden: Path, target: Path, monkeypatch, effects: bool = True) -> Path:
    """A copy of the golden publication whose analysis marts are the small frames above (written
    over the pipeline's own when it publishes them), read by the dashboard."""
    marts = copy_publication(golden, target)
    new = republish(marts, "analyse-nep")
    prestaties = pl.read_parquet(new / "prestaties.parquet")
    summary, per_wijk = sensitivity_frames(pl.read_parquet(new / "wijk_index.parquet"), FAKE_MOVES)
    frames = {"gevoeligheid": summary, "gevoeligheid_wijk": per_wijk}
    if effects:
        frames["prestatie_effecten"] = effects_frame(prestaties)
    for name, frame in frames.items():
        frame.with_columns(pl.lit("analyse-nep").alias("publicatie_id")).write_parquet(new / f"{name}.parquet")
    from pipeline.presentation import publication
    names = tuple(n for n in publication.MART_NAMES if n in frames or n not in ANALYSIS_MARTS)
    monkeypatch.setattr(publication, "MART_NAMES", names + tuple(n for n in frames if n not in names))
    return marts


def without_analysis_marts(golden: Path, target: Path, monkeypatch) -> Path:
    """A publication as made before the analysis marts existed (and a reader that does not ask for them)."""
    marts = copy_publication(golden, target)
    new = republish(marts, "zonder-analyse")
    for name in ANALYSIS_MARTS:
        (new / f"{name}.parquet").unlink(missing_ok=True)
    from pipeline.presentation import publication
    monkeypatch.setattr(publication, "MART_NAMES", tuple(n for n in publication.MART_NAMES if n not in ANALYSIS_MARTS))
    return marts


def plain(at: AppTest) -> str:
    """The page's text as read: without the backslashes that keep data text literal in markdown (ui.md)."""
    return texts(at).replace("\\", "")


def table_of(at: AppTest, column: str):
    frame = next(df.value for df in at.dataframe if column in getattr(getattr(df.value, "data", df.value), "columns", []))
    return frame.data if hasattr(frame, "data") else frame


def page_links(at: AppTest) -> list[tuple[str, str, str]]:
    return [(p.proto.label, p.proto.page, p.proto.query_string) for p in at.get("page_link")]


def test_area_change_of_a_gebied_is_judged_like_a_wijk():
    """A gebied's change from groep_index: significant when |Δ| > z·√(se² + se_vorig²) (the
    pipeline's rule for a wijk), and none when other wijken were published in the two years."""
    from pipeline.method import load_method
    from pipeline.presentation import area_changes
    z = load_method()["params"]["z"]
    wi = pl.DataFrame({"wijk_code": ["A", "B", "A", "B", "C", "C"], "gebied_code": ["G", "G", "G", "G", "H", "H"],
                       "jaar": [2021, 2021, 2022, 2022, 2021, 2022], "index": [5.0, 6.0, 4.5, 5.5, 6.0, None],
                       "verschil": [None, None, -0.5, -0.5, None, None],
                       "verschil_significant": [None, None, True, False, None, None],
                       "detecteerbaar_verschil": [None, None, 0.4, 0.6, None, None]})
    se = 0.1
    groups = pl.DataFrame({"groep_soort": ["gebied"] * 4 + ["wijktype"], "groep_code": ["G", "G", "H", "H", "x"],
                           "jaar": [2021, 2022, 2021, 2022, 2022], "index": [5.5, 5.5 - 1.01 * z * se * 2 ** 0.5, 6.0, 5.0, 1.0],
                           "se": [se, se, 0.1, 0.1, 0.1]})
    stad = pl.DataFrame({"jaar": [2022], "verschil": [0.02], "verschil_significant": [False],
                         "detecteerbaar_verschil": [0.05]})
    changes = {r["wijk_code"]: r for r in area_changes({"wijk_index": wi, "groep_index": groups, "stad_index": stad},
                                                       2022).iter_rows(named=True)}
    assert changes["A"]["verschil_significant"] is True and changes["B"]["verschil_significant"] is False
    assert changes["G"]["niveau"] == "gebied" and changes["G"]["verschil_significant"] is True
    assert abs(changes["G"]["verschil"] + 1.01 * z * se * 2 ** 0.5) < 1e-9
    assert "H" not in changes  # C lost its index: the gebied's change would be a change of composition
    assert changes["stad"]["verschil"] == 0.02 and "x" not in changes
    just_under = groups.with_columns(pl.when(pl.col("jaar") == 2022).then(5.5 - 0.99 * z * se * 2 ** 0.5)
                                     .otherwise(pl.col("index")).alias("index"))
    again = area_changes({"wijk_index": wi, "groep_index": just_under, "stad_index": stad}, 2022)
    assert again.filter(pl.col("wijk_code") == "G")["verschil_significant"].item() is False


def test_change_and_verdict_cells():
    from pipeline.presentation import EFFECT_LABELS, change_cell, effect_label
    assert change_cell(-0.64, True, 0.3) == ("onveiliger (-0,6)", "ja", "-0,6")
    assert change_cell(0.44, True, 0.3) == ("veiliger (+0,4)", "ja", "+0,4")
    assert change_cell(-0.21, False, 0.5) == ("niet aantoonbaar (-0,2)", "nee", "-0,2")
    assert change_cell(None, None, None) == ("", "", "")
    assert effect_label("beter", 0.46) == "✓ beter (+0,5)" and effect_label("slechter", -0.31) == "✗ slechter (-0,3)"
    assert effect_label("niet_aantoonbaar", 0.1) == "niet aantoonbaar"  # no size beside a difference that may be noise
    assert effect_label("te_vroeg") == EFFECT_LABELS["te_vroeg"] == "te vroeg" and effect_label(None) == ""


def test_agreements_with_their_area_change_and_verdict(golden_marts):
    from pipeline.presentation import (NOT_RUN, changed_wijken, concerning_wijken, effect_counts, prestaties_frame,
                                       read_marts, with_outcomes)
    marts = read_marts(golden_marts)
    frames = {**marts.frames, "prestatie_effecten": effects_frame(marts["prestaties"])}
    prestaties = prestaties_frame(marts).with_columns(  # P004 as an agreement that never ran
        pl.when(pl.col("prestatie_id") == "P004").then(pl.lit("voorgesteld")).otherwise(pl.col("status")).alias("status"))
    shown = {r["prestatie_id"]: r for r in with_outcomes(frames, prestaties, 2022).iter_rows(named=True)}
    assert shown["P001"]["effect_label"] == "✓ beter (+0,5)" and shown["P001"]["effect_note"] == FAKE_EFFECTS["P001"][2]
    assert shown["P003"]["effect_label"] == "te vroeg" and shown["P004"]["effect_label"] == NOT_RUN
    wi = marts["wijk_index"].filter(pl.col("jaar") == 2022)
    spangen = wi.filter(pl.col("wijk_code") == SPANGEN).row(0, named=True)
    assert shown["P001"]["change_text"] == f"veiliger (+{dutch(spangen['verschil'])})"  # significant in 2022
    g = marts["groep_index"].filter((pl.col("groep_code") == NOORD) & (pl.col("groep_soort") == "gebied"))
    now, before = (g.filter(pl.col("jaar") == j).row(0, named=True) for j in (2022, 2021))
    delta = now["index"] - before["index"]
    significant = abs(delta) > 1.96 * (now["se"] ** 2 + before["se"] ** 2) ** 0.5
    assert shown["P002"]["change_significant"] == ("ja" if significant else "nee")
    assert shown["P002"]["change_value"] == pytest.approx(delta)
    stad = marts["stad_index"].filter(pl.col("jaar") == 2022).row(0, named=True)
    assert shown["P004"]["change_value"] == pytest.approx(stad["verschil"])
    worse = changed_wijken(marts, 2022, "verslechterd")
    assert worse == wi.filter(pl.col("verschil_significant") & (pl.col("verschil") < 0))["wijk_code"].to_list()
    assert worse == [PROVENIERSWIJK]
    mine = concerning_wijken(with_outcomes(frames, prestaties, 2022), marts["wijken"], worse)
    assert mine["prestatie_id"].to_list() == ["P002"]  # Provenierswijk's gebied; the city's agreement not
    counts = effect_counts(with_outcomes(frames, prestaties, 2022))
    assert (counts["beter"], counts["slechter"], counts["te_vroeg"], counts["beoordeeld"]) == (1, 1, 1, 2)


def test_sensitivity_shaped_for_methode_and_wijk(golden_marts):
    from pipeline.presentation import read_marts, sensitivity_table, sensitivity_verdict_counts, wijk_sensitivity
    marts = read_marts(golden_marts)
    summary, per_wijk = sensitivity_frames(marts["wijk_index"], FAKE_MOVES)
    frames = {**marts.frames, "gevoeligheid": summary, "gevoeligheid_wijk": per_wijk}
    table = {r["Variant"]: r for r in sensitivity_table(frames, 2022).iter_rows(named=True)}
    weging, apart = table["50:50 objectief:subjectief"], table["Apart: registraties"]
    assert weging["Soort"] == "andere weging" and apart["Soort"] == "aparte index"
    assert weging["Rangcorrelatie"] == "0,97" and weging["Andere categorie"] == "1 van 8"
    assert weging["Wijken met een andere categorie"] == "probleemwijk → bedreigd: Spangen"
    official = marts["wijk_index"].filter(pl.col("jaar") == 2022)
    cat = dict(zip(official["wijk_code"], official["categorie"]))
    assert apart["Wijken met een andere categorie"].count("→") == 2 and \
        f"{cat[PROVENIERSWIJK]} → veilig: Provenierswijk" in apart["Wijken met een andere categorie"]
    assert sensitivity_table(frames, 2021)["Wijken met een andere categorie"].to_list() == ["geen", "geen"]
    spangen = wijk_sensitivity(frames, SPANGEN, 2022, "Spangen")
    assert spangen["label"] == "hangt af van de weging"
    assert "1 van de 1 andere" in spangen["uitleg"] and "50:50 objectief:subjectief: bedreigd" in spangen["uitleg"]
    # a separate index that moves a wijk does not make it depend on the weighting
    assert wijk_sensitivity(frames, PROVENIERSWIJK, 2022, "Provenierswijk")["label"] == "robuust"
    assert sensitivity_verdict_counts(frames, 2022) == {"robuust": 7, "hangt_af_van_de_weging": 1}
    without = {k: v for k, v in frames.items() if k != "gevoeligheid_wijk"}
    assert wijk_sensitivity(without, SPANGEN, 2022, "Spangen") is None and sensitivity_table(without, 2022) is None


def test_stad_lists_link_to_wijk_pages_and_their_agreements(golden_marts, monkeypatch):
    at = start(golden_marts, monkeypatch, {"jaar": "2022"})
    wi = pl.read_parquet(golden_marts / "wijk_index.parquet").filter(pl.col("jaar") == 2022)
    links = page_links(at)
    for w in wi.filter(pl.col("verschil_significant")).iter_rows(named=True):
        link = next(link for link in links if w["wijk_naam"] in link[0])
        assert link[1] == "wijk" and link[2] == f"wijk={w['wijk_code']}&jaar=2022"
        assert ("▼" if w["verschil"] < 0 else "▲") in link[0] and dutch(abs(w["verschil"])) in link[0]
    to_agreements = [link for link in links if link[0] == "Bekijk de afspraken van deze wijken"]
    assert [(p, q) for _, p, q in to_agreements] == [("prestaties", "filter=verslechterd&jaar=2022"),
                                                     ("prestaties", "filter=verbeterd&jaar=2022")]


def test_prestaties_from_the_stad_link_shows_and_counts_only_their_agreements(golden_marts, tmp_path, monkeypatch):
    """?filter=verslechterd: the agreements of the wijken that got worse (Provenierswijk in 2022) and of
    their gebied, each with its area's change and verdict; the headline counts count only those."""
    marts = with_analysis_marts(golden_marts, tmp_path / "marts", monkeypatch)
    at = start(marts, monkeypatch, {"jaar": "2022", "filter": "verslechterd"})
    at.switch_page("views/prestaties.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.button_group(key="prestaties_filter").value == "verslechterd"
    table = table_of(at, "Omschrijving")
    assert len(table) == 1 and table.iloc[0]["Voor"] == "Gebied Noord"
    from pipeline.presentation import EFFECT_KEY, area_changes, change_cell, read_marts
    change = area_changes(read_marts(marts), 2022).filter(pl.col("wijk_code") == NOORD).row(0, named=True)
    text, significant, _ = change_cell(change["verschil"], change["verschil_significant"], change["detecteerbaar_verschil"])
    assert table.iloc[0]["Verandering 2022"].endswith(text if significant == "ja" else "niet aantoonbaar")
    assert table.iloc[0][EFFECT_KEY] == "✗ slechter (-0,3)"
    assert metric(at, "Afspraken").value == "1" and metric(at, "Meetbaar en op koers").value == "0 van 0"
    assert metric(at, "Aantoonbaar beter dan elders").value == "0 van 1"
    page = plain(at)
    assert "Provenierswijk (-0,8)" in page and FAKE_EFFECTS["P002"][2] in page and FAKE_EFFECTS["P001"][2] not in page
    # all agreements again: the counts follow
    at.button_group(key="prestaties_filter").set_value("alle").run()
    assert not at.exception
    prestaties = pl.read_parquet(marts / "prestaties.parquet")
    measured = prestaties.filter(pl.col("op_koers").is_not_null())
    assert metric(at, "Afspraken").value == str(prestaties.height)
    assert metric(at, "Meetbaar en op koers").value == f"{measured['op_koers'].sum()} van {measured.height}"
    assert metric(at, "Aantoonbaar beter dan elders").value == "1 van 2"
    assert len(table_of(at, "Omschrijving")) == prestaties.height
    assert "filter" not in at.query_params  # the default leaves the URL clean


def test_prestaties_wijken_from_the_url(golden_marts, monkeypatch):
    at = start(golden_marts, monkeypatch, {"wijken": f"{SPANGEN},BU00000000"})
    at.switch_page("views/prestaties.py").run()
    assert not at.exception
    assert at.multiselect(key="prestaties_wijken").value == [SPANGEN]  # an unknown code is ignored
    assert table_of(at, "Omschrijving")["Voor"].to_list() == ["Spangen"]


def test_wijk_page_agreements_first_with_status_on_track_verdict_and_sensitivity(golden_marts, tmp_path, monkeypatch):
    from pipeline.presentation import EFFECT_KEY
    marts = with_analysis_marts(golden_marts, tmp_path / "marts", monkeypatch)
    at = start(marts, monkeypatch, {"wijk": SPANGEN, "jaar": "2022"})
    at.switch_page("views/wijk.py").run()
    assert not at.exception, [e.value for e in at.exception]
    headers = [h.value for h in at.subheader]
    agreements = headers.index("Prestatieafspraken die in 2022 liepen")
    assert headers.index("Ontwikkeling en prestatieafspraken") < agreements < headers.index("Thema's in 2022 · indicatief")
    table = table_of(at, EFFECT_KEY)
    own = table[table["Voor"] == "Spangen"].iloc[0]
    assert own[EFFECT_KEY] == "✓ beter (+0,5)" and own["Op koers"] == "✗ nee" and own["Status"].startswith("in uitvoering")
    assert table[table["Voor"] == "Hele stad"].iloc[0][EFFECT_KEY] == "–"  # no verdict in the mart
    page = plain(at)
    assert FAKE_EFFECTS["P001"][2] in page
    weging = next(m.value for m in at.markdown if "Categorie en weging" in m.value).replace("\\", "")
    assert "hangt af van de weging" in weging and "50:50 objectief:subjectief: bedreigd" in weging
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Download scorekaart Spangen 2022 (CSV)" in labels
    from dashboard import data
    assert ("Scorekaart als Excel (.xlsx)" in labels) == data.export_available("scorecard_xlsx")
    assert ("Scorekaart als PDF (A4)" in labels) == data.export_available("scorecard_pdf")
    at.selectbox(key="wijk_select").select(PROVENIERSWIJK).run()
    weging = next(m.value for m in at.markdown if "Categorie en weging" in m.value).replace("\\", "")
    assert "robuust" in weging and "dezelfde categorie" in weging  # only a separate index moves it


def test_methode_page_sensitivity_per_year(golden_marts, tmp_path, monkeypatch):
    marts = with_analysis_marts(golden_marts, tmp_path / "marts", monkeypatch)
    at = start(marts, monkeypatch)
    at.switch_page("views/methode.py").run()
    assert not at.exception
    assert "Gevoeligheid voor de weging" in [h.value for h in at.subheader]
    table = next(t.value for t in at.table if "Rangcorrelatie" in t.value.columns)
    assert table.loc["50:50 objectief:subjectief", "Wijken met een andere categorie"] == "probleemwijk → bedreigd: Spangen"
    assert "In 2022 valt **7** van de 8 wijken" in texts(at)
    at.selectbox(key="gevoeligheid_jaar").select("2021").run()
    table = next(t.value for t in at.table if "Rangcorrelatie" in t.value.columns)
    assert set(table["Wijken met een andere categorie"]) == {"geen"} and "In 2021 valt **8** van de 8" in texts(at)


def test_pages_without_the_analysis_marts(golden_marts, tmp_path, monkeypatch):
    """An older publication: no verdict column or count, no sensitivity line or section — and no error."""
    from pipeline.presentation import EFFECT_KEY
    marts = without_analysis_marts(golden_marts, tmp_path / "marts", monkeypatch)
    at = start(marts, monkeypatch, {"wijk": SPANGEN, "jaar": "2022", "filter": "verslechterd"})
    at.switch_page("views/prestaties.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert EFFECT_KEY not in table_of(at, "Omschrijving").columns
    assert not [m for m in metrics(at) if m.label.startswith("Aantoonbaar beter")] and EFFECT_KEY not in texts(at)
    at.switch_page("views/wijk.py").run()
    assert not at.exception
    assert EFFECT_KEY not in table_of(at, "Laatste voortgang").columns and "Categorie en weging" not in texts(at)
    at.switch_page("views/methode.py").run()
    assert not at.exception and "Gevoeligheid voor de weging" not in [h.value for h in at.subheader]


def test_verdicts_of_the_published_marts_on_screen(golden_marts, monkeypatch):
    """The pipeline's own prestatie_effecten and gevoeligheid_wijk, as published, reach the pages."""
    from pipeline.presentation import EFFECT_KEY, MART_NAMES, effect_label
    if not set(ANALYSIS_MARTS) <= set(MART_NAMES):
        pytest.skip("de publicatie heeft (nog) geen prestatie_effecten/gevoeligheid: zie pipeline/publish/publication.py")
    effects = pl.read_parquet(golden_marts / "prestatie_effecten.parquet")
    at = start(golden_marts, monkeypatch, {"jaar": "2022"})
    at.switch_page("views/prestaties.py").run()
    assert not at.exception
    page = plain(at)
    table = table_of(at, EFFECT_KEY)
    for r in effects.iter_rows(named=True):
        assert r["toelichting"] in page
        omschrijving = pl.read_parquet(golden_marts / "prestaties.parquet").filter(
            pl.col("prestatie_id") == r["prestatie_id"])["omschrijving"].item()
        assert table[table["Omschrijving"] == omschrijving].iloc[0][EFFECT_KEY] == effect_label(r["oordeel"], r["verschil"])
    verdict = pl.read_parquet(golden_marts / "gevoeligheid_wijk.parquet").filter(
        (pl.col("wijk_code") == SPANGEN) & (pl.col("jaar") == 2022))["oordeel"].unique().item()
    at.switch_page("views/wijk.py").run()
    at.selectbox(key="wijk_select").select(SPANGEN).run()
    weging = next(m.value for m in at.markdown if "Categorie en weging" in m.value)
    assert {"robuust": "robuust", "hangt_af_van_de_weging": "hangt af van de weging"}[verdict] in weging


OLDER_PUBLICATION_LACKS = {  # mart -> columns added to it since (None: the whole mart is newer)
    "prestatie_effecten": None, "gevoeligheid": None, "gevoeligheid_wijk": None, "bestandswijzigingen": None,
    "politie_ontbrekende_codes": None, "quarantaine": ["regelsoort"], "bestanden": ["formaat"],
}


@pytest.mark.parametrize("page", list(PAGES))
def test_a_publication_from_before_the_newer_marts_and_columns(golden_marts, tmp_path, monkeypatch, page):
    """A publication written by an older version (its marts and columns as they were), read by the
    reader as shipped: every page renders without an error (the missing parts are empty, of the
    contract's types, so filters on year or wijk work)."""
    marts = copy_publication(golden_marts, tmp_path / "marts")

    def older(name, frame):
        lacks = OLDER_PUBLICATION_LACKS.get(name.removesuffix(".parquet"))
        return frame.drop(lacks, strict=False) if lacks else frame

    new = republish(marts, "oudere-versie", older)
    for name, lacks in OLDER_PUBLICATION_LACKS.items():
        if lacks is None:
            (new / f"{name}.parquet").unlink(missing_ok=True)
    at = start(marts, monkeypatch, {"wijk": SPANGEN, "jaar": "2022"})
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title
