"""The bestuurder's question, walked in a real browser on the demo publication (issue 11):
"which wijken got worse, and did their agreements deliver?" — from the landing page, at 1,400 px and
on a phone (390 px). Counts the clicks, times the clicks and waits (not the reading), checks that the
answer is on screen and equals the marts, and saves screenshots in tests/screenshots/journey_*.png.

The demo story has wijken that slip and agreements that work (pipeline/demo/generator.py)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import polars as pl
import pytest

from tests.test_dashboard_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, TIMEOUT_MS, serve, settle, url

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt: "
                                "installeer het met `apt-get install -y chromium` om de browsertest te draaien")

MAX_CLICKS = 3
MAX_WAIT_S = 30.0  # clicks and waits together: half of the minute the issue allows, the rest is reading
# "Heeft het geholpen?" as the table says it (written here, independent of the code under test)
VERDICT_WORDS = {"beter": "✓ beter", "slechter": "✗ slechter", "niet_aantoonbaar": "niet aantoonbaar",
                 "te_vroeg": "te vroeg", "geen_vergelijking": "geen vergelijking", "geen_gegevens": "geen gegevens"}


@pytest.fixture(scope="module")
def demo_marts(demo_run) -> Path:
    from pipeline.presentation import MART_NAMES
    assert "prestatie_effecten" in MART_NAMES, "de publicatie hoort mart prestatie_effecten te bevatten (issue 11)"
    return demo_run.marts


@pytest.fixture(scope="module")
def demo_server(demo_marts, tmp_path_factory):
    with serve(demo_marts, tmp_path_factory.mktemp("streamlit_demo")) as address:
        yield address


def expected_answer(marts: Path) -> tuple[int, list[str], dict[str, dict]]:
    """From the marts themselves: the latest year, the wijken that got demonstrably worse (names) and
    the agreements that concern them — their own and their gebied's — with the mart's verdict."""
    wi = pl.read_parquet(marts / "wijk_index.parquet")
    jaar = int(wi["jaar"].max())
    worse = wi.filter((pl.col("jaar") == jaar) & pl.col("verschil_significant").fill_null(False)
                      & (pl.col("verschil") < 0)).sort("verschil")  # most worsened first, as listed
    gebieden = worse["gebied_code"].unique().to_list()
    prestaties = pl.read_parquet(marts / "prestaties.parquet").filter(
        ((pl.col("niveau") == "wijk") & pl.col("wijk_code").is_in(worse["wijk_code"].to_list()))
        | ((pl.col("niveau") == "gebied") & pl.col("wijk_code").is_in(gebieden)))
    effects = pl.read_parquet(marts / "prestatie_effecten.parquet")
    agreements = {r["omschrijving"]: r for r in prestaties.join(effects.select("prestatie_id", "oordeel", "toelichting"),
                                                               on="prestatie_id", how="left").iter_rows(named=True)}
    return jaar, worse["wijk_naam"].to_list(), agreements


def grid_rows(page) -> list[dict[str, str]]:
    """The rows of the first table as its accessible grid offers them (header names -> cell texts)."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    # the table's code may still be loading: its (visually hidden) header cells come with it
    grid.locator('[role="columnheader"]').first.wait_for(state="attached", timeout=TIMEOUT_MS)
    headers = grid.locator('[role="columnheader"]').all_inner_texts()
    rows = []
    for row in grid.locator('[role="row"]').all()[1:]:
        cells = row.locator('[role="gridcell"]').all_inner_texts()
        if cells:
            rows.append(dict(zip(headers[-len(cells):], cells)))
    return rows


def shoot(page, name: str, width: int) -> None:
    """The whole page at this width (Streamlit scrolls inside its main section: grow the viewport)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("() => (document.querySelector('[data-testid=\"stMain\"]') || document.body).scrollHeight")
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 9000)})
    page.wait_for_timeout(700)
    page.screenshot(path=str(SCREENSHOTS / f"journey_{name}_{width}.png"), full_page=True)
    page.set_viewport_size({"width": width, "height": 900})


@pytest.mark.parametrize("width", [1400, 390])
def test_which_wijken_got_worse_and_did_their_agreements_deliver(demo_server, demo_marts, width):
    from playwright.sync_api import expect, sync_playwright

    jaar, worse, agreements = expected_answer(demo_marts)
    assert worse and agreements, "het demoverhaal heeft wijken die achteruitgaan, met afspraken"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)
        try:
            tab = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL").new_page()
            tab.set_default_timeout(TIMEOUT_MS)
            clicks, waited = 0, 0.0

            # 1. The landing page, and on it: which wijken got worse
            started = time.perf_counter()
            tab.goto(demo_server + "/")
            settle(tab)
            expect(tab.get_by_text("Onveiliger geworden", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
            to_agreements = tab.locator("a[href*='filter=verslechterd']:visible").first  # the list is complete
            expect(to_agreements).to_be_visible(timeout=TIMEOUT_MS)
            # the lists may still be filling in when their last link shows: read until they are stable
            named, deadline = None, time.perf_counter() + TIMEOUT_MS / 1000
            while time.perf_counter() < deadline:
                links = tab.locator("a[href*='wijk?wijk=']").all_inner_texts()  # '▼ -0,9 Hoogvliet Noord (nu 3,1, …)'
                named = [m.group(1) for m in (re.search(r"▼\s*-\d+,\d+\s+(.+?)\s*\(nu", t) for t in links) if m]
                if named == worse:
                    break
                tab.wait_for_timeout(250)
            assert named == worse
            waited += time.perf_counter() - started  # the answer is on screen
            shoot(tab, "stad", width)

            # 2. One click: the agreements of these wijken
            started = time.perf_counter()
            to_agreements.click()
            clicks += 1
            settle(tab)
            expect(tab.get_by_role("heading", name="Prestatieafspraken", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
            expect(tab.locator('[data-testid="stExpander"]').filter(has_text="Heeft het geholpen?")).to_be_visible(
                timeout=TIMEOUT_MS)  # the last part of the page: the run is complete
            waited += time.perf_counter() - started
            assert "/prestaties" in url(tab) and "filter=verslechterd" in url(tab) and f"jaar={jaar}" in url(tab)

            # 3. The answer on screen: per agreement the change of its wijk (or gebied) and the verdict —
            # in the table (all its columns at 1,400 px) and, whole, in the list under it (open when filtered;
            # on a phone the table shows only its first columns)
            rows = grid_rows(tab)
            assert {r["Omschrijving"] for r in rows} == set(agreements)
            for r in rows:
                if width >= 1400:
                    assert r[f"Verandering {jaar}"].startswith(("▼ onveiliger", "▲ veiliger", "niet aantoonbaar"))
                    judged = agreements[r["Omschrijving"]]["oordeel"]
                    verdict = r["Heeft het geholpen?"]
                    assert verdict.startswith(VERDICT_WORDS[judged]) if judged else verdict in ("liep niet", "–")
            for omschrijving, expected in agreements.items():
                if not expected["oordeel"]:  # not judged (it never ran): no sentence
                    continue
                line = tab.locator("li").filter(has_text=expected["toelichting"]).first
                expect(line).to_be_visible()
                text = line.inner_text()
                assert text.startswith(f"{omschrijving} · {expected['partner']}")
                assert VERDICT_WORDS[expected["oordeel"]] in text
                assert re.search(rf"index {jaar - 1}→{jaar}: (onveiliger|veiliger|niet aantoonbaar) \(", text), text
            wijken_line = tab.get_by_text(f"aantoonbaar onveiliger dan in {jaar - 1}").first
            expect(wijken_line).to_be_visible()
            for name in worse:
                assert name in wijken_line.inner_text()
            count = tab.locator('.vi-figure[data-label="Afspraken"] .vi-figure-value')
            expect(count).to_have_text(str(len(rows)))  # the headline count follows the filter
            shoot(tab, "prestaties", width)
        finally:
            browser.close()
    print(f"\n[{width} px] wijken onveiliger in {jaar}: {', '.join(worse)}; {len(rows)} afspraken; "
          f"{clicks} klik(ken), {waited:.1f} s klikken en wachten")
    assert clicks <= MAX_CLICKS
    assert waited < MAX_WAIT_S, f"{waited:.1f} s"


def test_scorecards_download_from_the_wijk_and_stad_pages(demo_server, demo_marts):
    """The Excel and PDF scorecards (built only when clicked) arrive as real files; what is in them is
    tested with their builders (tests/test_scorecard_pdf.py)."""
    from playwright.sync_api import sync_playwright

    from dashboard import data
    if not (data.export_available("scorecard_pdf") and data.export_available("scorecard_xlsx")):
        pytest.skip("pipeline.presentation.scorecard_pdf/scorecard_xlsx ontbreken")
    jaar, worse, _ = expected_answer(demo_marts)
    code = pl.read_parquet(demo_marts / "wijken.parquet").filter(pl.col("wijk_naam") == worse[0])["wijk_code"].item()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)
        try:
            tab = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True,
                                      locale="nl-NL").new_page()
            tab.set_default_timeout(TIMEOUT_MS)

            def download(name: str, timeout: int = 120_000) -> tuple[str, bytes]:
                with tab.expect_download(timeout=timeout) as info:
                    tab.get_by_role("button", name=name).click()
                return info.value.suggested_filename, Path(info.value.path()).read_bytes()

            tab.goto(f"{demo_server}/wijk?wijk={code}&jaar={jaar}")
            settle(tab)
            name, pdf = download("Scorekaart als PDF (A4)")
            assert name.endswith(f"_{jaar}.pdf") and pdf.startswith(b"%PDF")
            name, xlsx = download("Scorekaart als Excel (.xlsx)")
            assert name.endswith(f"_{jaar}.xlsx") and xlsx.startswith(b"PK")  # a zip: the xlsx container
            tab.goto(f"{demo_server}/?jaar={jaar}")
            settle(tab)
            name, xlsx = download(f"Alle wijken {jaar} als Excel (.xlsx)")
            assert name.endswith(f"{jaar}.xlsx") and xlsx.startswith(b"PK")
        finally:
            browser.close()


def test_the_map_fits_a_phone_and_a_tap_opens_the_wijk(demo_server, demo_marts):
    """At 390 px the whole tile map is on screen (not cut off, no sideways scrolling) and a tap on a
    tile still opens the wijk under the finger — the one its tooltip names: the shrinking
    (ui.fit_on_phone) keeps taps on their tiles."""
    from playwright.sync_api import sync_playwright

    from dashboard.charts import TILE
    wijken = pl.read_parquet(demo_marts / "wijken.parquet").filter(pl.col("tile_x").is_not_null())
    assert (int(wijken["tile_x"].max()) + 1) * TILE > 390, "de demokaart past zo al op een telefoon: de test zegt niets"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)
        try:
            page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                       locale="nl-NL").new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(demo_server + "/")
            settle(page)
            # the drawing itself: its container would scroll sideways and so always seem to fit
            chart = page.locator(".st-key-stad_kaart svg.marks, .st-key-stad_kaart canvas").first
            chart.scroll_into_view_if_needed()
            box = chart.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            names = set(wijken["wijk_naam"].to_list())
            tooltip = page.locator("#vg-tooltip-element")
            for fx, fy in [(0.5, 0.5), (0.4, 0.45), (0.6, 0.55), (0.3, 0.6), (0.45, 0.3)]:
                x, y = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
                page.mouse.move(x, y)
                page.wait_for_timeout(400)
                text = tooltip.inner_text() if tooltip.count() and tooltip.is_visible() else ""
                name = next((n for n in names if re.search(rf"Wijk\s+{re.escape(n)}\s*\n", text + "\n")), None)
                if name:
                    break
            else:
                pytest.fail("geen vakje met tooltip gevonden midden op de kaart")
            page.mouse.click(x, y)
            page.wait_for_function("(name) => { const h = document.querySelector('h1');"
                                   " return h && h.innerText.trim() === name; }", arg=name)
            code = wijken.filter(pl.col("wijk_naam") == name)["wijk_code"].item()
            assert f"wijk={code}" in url(page)
        finally:
            browser.close()
