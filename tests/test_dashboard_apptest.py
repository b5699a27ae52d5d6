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


def golden_marts_dir(tmp_path_factory) -> Path:
    """The golden raw data run through the real pipeline once per test session (shared by the
    dashboard and scorecard tests)."""
    marts = tmp_path_factory.getbasetemp() / "dashboard_golden_marts"
    if not (marts / "publicatie.json").exists():
        assert GOLDEN_RAW.is_dir(), f"golden data ontbreekt: {GOLDEN_RAW}"
        from pipeline.cli import run_pipeline
        run_pipeline(GOLDEN_RAW, marts, quiet=True)
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


def republish(marts: Path, new_id: str, change=lambda name, frame: frame, switch: bool = True) -> Path:
    """A new publication as the pipeline makes one: a complete directory first, then the manifest."""
    manifest = json.loads((marts / "publicatie.json").read_text())
    old = marts / "publicaties" / manifest["publicatie_id"]
    new = marts / "publicaties" / new_id
    new.mkdir()
    for path in old.glob("*.parquet"):
        frame = pl.read_parquet(path)
        if "publicatie_id" in frame.columns:
            frame = frame.with_columns(pl.lit(new_id).alias("publicatie_id"))
        change(path.name, frame).write_parquet(new / path.name)
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


def test_stad_year_change_updates_numbers_and_url(golden_marts, monkeypatch):
    at = start(golden_marts, monkeypatch)
    at.selectbox(key="jaar_select").select("2020").run()
    assert not at.exception
    stad = pl.read_parquet(golden_marts / "stad_index.parquet").filter(pl.col("jaar") == 2020).row(0, named=True)
    assert metric(at, "Stadsindex 2020").value == dutch(stad["index"])
    assert at.query_params["jaar"] == ["2020"] or at.query_params["jaar"] == "2020"


def test_stad_ranking_equals_all_wijken_csv(golden_marts, monkeypatch):
    from pipeline.scorecard import export_all_wijken
    at = start(golden_marts, monkeypatch)
    jaar = max(json.loads((golden_marts / "publicatie.json").read_text())["jaren"])
    table = next(df.value for df in at.dataframe if "Rang" in getattr(df.value, "columns", []))
    if hasattr(table, "data"):  # a pandas Styler
        table = table.data
    rows = csv_rows(export_all_wijken(golden_marts, jaar))
    header, body = rows[0], rows[1:]
    exported = {r[header.index("Wijk")]: r for r in body}
    assert len(table) == len(body)
    for _, shown in table.iterrows():
        r = exported[shown["Wijk"]]
        assert shown["Index"] == r[header.index("Index")]
        assert shown["Categorie"] == r[header.index("Categorie")]
        assert shown["Verandering"].endswith(r[header.index("Verschil met vorig jaar")] or "–")
        significant = r[header.index("Verschil significant")] == "ja"
        assert shown["Verandering"][0] in (("▲", "▼") if significant else ("≈", "–"))
    # and the exported index is the mart's index, rounded as displayed
    wi = pl.read_parquet(golden_marts / "wijk_index.parquet").filter(pl.col("jaar") == jaar)
    for w in wi.iter_rows(named=True):
        code_row = next(r for r in body if r[header.index("Wijkcode")] == w["wijk_code"])
        assert code_row[header.index("Index")] == dutch(w["index"])


def test_wijk_page_reads_query_param_and_shows_wijk_index(golden_marts, monkeypatch):
    at = start(golden_marts, monkeypatch, {"wijk": SPANGEN, "jaar": "2022"})
    at.switch_page("views/wijk.py").run()
    assert not at.exception
    assert at.title[0].value == "Spangen"
    row = (pl.read_parquet(golden_marts / "wijk_index.parquet")
           .filter((pl.col("wijk_code") == SPANGEN) & (pl.col("jaar") == 2022)).row(0, named=True))
    m = metric(at, "Index 2022")
    assert m.value == dutch(row["index"])
    assert metric(at, "95%-interval").value == f"{dutch(row['ci_laag'])} – {dutch(row['ci_hoog'])}"
    # a significant change is shown as such, a non-significant one as noise
    delta = m.delta or ""
    assert ("significant" in delta) == bool(row["verschil_significant"])
    assert dutch(abs(row["verschil"])) in delta


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
    from pipeline.scorecard import export_scorecard
    at = start(golden_marts, monkeypatch, {"wijk": SPANGEN, "jaar": "2022"})
    at.switch_page("views/wijk.py").run()
    rows = csv_rows(export_scorecard(golden_marts, SPANGEN, 2022))
    assert rows[0] == ["Sectie", "Onderwerp", "Kenmerk", "Waarde"]
    values = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert values[("Index", "", "Index")] == metric(at, "Index 2022").value
    low, high = metric(at, "95%-interval").value.split(" – ")
    assert values[("Index", "", "Ondergrens 95%-interval")] == low
    assert values[("Index", "", "Bovengrens 95%-interval")] == high
    themes = next(df.value for df in at.dataframe if "Objectief" in getattr(df.value, "columns", []))
    for _, theme in themes.iterrows():
        for part in ("Objectief", "Subjectief", "Themascore", "Bijdrage aan verschil"):
            assert values[("Thema", theme["Thema"], part)] == theme[part]
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
    from pipeline.scorecard import read_marts
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
    from pipeline.scorecard import MartsError, read_marts
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
