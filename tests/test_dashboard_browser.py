"""The dashboard in a real browser: `python -m dashboard.serve run dashboard/app.py` (as `make dashboard`) on the golden publication,
driven by headless Chromium through Playwright. Visits every page, changes wijk and year, downloads
both CSVs and saves a screenshot per page in tests/screenshots/ (gitignored). A second server on a
publication with hostile names (tests/test_dashboard_security.py) checks that no element from the
data or the URL becomes a live <img> or <a>."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.test_dashboard_apptest import SPANGEN, golden_marts_dir

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 30_000

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt: "
                                "installeer het met `apt-get install -y chromium` om de browsertest te draaien")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(marts: Path, log_dir: Path, address: bool = True):
    """`python -m dashboard.serve run dashboard/app.py` on a marts folder; yields its base URL.
    Without `address` the server picks its own (dashboard/serve.py: 127.0.0.1)."""
    port = _free_port()
    log = log_dir / "server.log"
    env = dict(os.environ, VI_MARTS_DIR=str(marts), PYTHONUNBUFFERED="1")
    env.pop("VI_DASHBOARD_ADDRESS", None)
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard.serve", "run", str(ROOT / "dashboard" / "app.py"),
             "--server.headless", "true", "--server.port", str(port),
             *(["--server.address", "127.0.0.1"] if address else []),
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"streamlit stopte direct:\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"streamlit startte niet binnen 60 s:\n{log.read_text()}")
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the group we started: streamlit and its children
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve(golden_marts_dir(tmp_path_factory), tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def page(server, browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="nl-NL")
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    yield tab
    context.close()


def settle(page) -> None:
    """Wait until Streamlit has finished the run and the charts are drawn."""
    page.wait_for_selector("h1")
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    page.wait_for_timeout(800)
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]').first.inner_text()


def screenshot(page, name: str, width: int = 1440, height: int = 1000) -> None:
    """Streamlit scrolls inside its main section: grow the viewport to the content, then shoot."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    content = page.evaluate("() => (document.querySelector('[data-testid=\"stMain\"]') || document.body).scrollHeight")
    page.set_viewport_size({"width": width, "height": min(int(content) + 40, 8000)})
    page.wait_for_timeout(700)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": width, "height": height})


def choose(page, label: str, option: str, widget: str = "stSelectbox") -> None:
    if label == "Jaar":  # one button a year (ui.year_selector)
        group = page.locator('[data-testid="stButtonGroup"]').filter(has=page.get_by_text(label, exact=True)).first
        group.get_by_role("radio", name=option, exact=True).click()  # one always chosen: radio buttons
        return
    box = page.locator(f'[data-testid="{widget}"]').filter(has=page.get_by_text(label, exact=True)).first
    box.click()
    page.keyboard.type(option)  # long lists are virtualised: filter first
    page.get_by_role("option", name=option, exact=True).click()


def assert_no_equal_bounds(page) -> None:
    """No interval on the page reads like '5,7 – 5,7'."""
    text = page.locator('[data-testid="stMain"]').inner_text()
    same = re.findall(r"(?<![\d,])(\d+,\d+) – \1(?![\d,])", text)
    assert not same, same


def url(page) -> str:
    return page.evaluate("location.href")  # page.url can lag behind Streamlit's history updates


def download(page, button_name: re.Pattern) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=button_name).click()
    return Path(info.value.path()).read_bytes()


def test_dashboard_in_browser(server, page):
    from playwright.sync_api import expect

    # Stad (landing page)
    page.goto(server + "/")
    settle(page)
    expect(page.get_by_role("heading", name="Veiligheid in de stad")).to_be_visible()
    expect(page.get_by_text("Stadsindex 2022")).to_be_visible()
    # the city change of 2022 is not significant: said so, with the change that would have been detected
    expect(page.get_by_text(re.compile(r"niet aantoonbaar veranderd t\.o\.v\. 2021 \(.*pas vanaf ±\d")).first).to_be_visible()
    assert_no_equal_bounds(page)
    screenshot(page, "stad")

    # change the year in the sidebar
    choose(page, "Jaar", "2020")
    expect(page.get_by_text("Stadsindex 2020")).to_be_visible()
    settle(page)
    assert "jaar=2020" in url(page)
    data = download(page, re.compile("Download alle wijken 2020"))
    assert data.startswith(b"\xef\xbb\xbf") and b";" in data and "Spangen".encode() in data

    # Wijk: the year is kept; change the wijk
    page.get_by_role("link", name="Wijk").first.click()
    settle(page)
    choose(page, "Wijk", "Spangen")
    expect(page.get_by_role("heading", name="Spangen", exact=True)).to_be_visible()
    settle(page)
    assert f"wijk={SPANGEN}" in url(page) and "/wijk" in url(page)
    expect(page.get_by_text("Index 2020")).to_be_visible()
    choose(page, "Jaar", "2022")
    expect(page.get_by_text("Index 2022")).to_be_visible()
    settle(page)
    scorecard = download(page, re.compile("Download scorekaart Spangen 2022"))
    assert scorecard.startswith(b"\xef\xbb\xbf")
    text = scorecard.decode("utf-8-sig")
    assert text.startswith("Sectie;Onderwerp;Kenmerk;Waarde") and "Wijk;;Wijk;Spangen" in text
    assert "Index;;Indicatief;ja" in text and "Thema;Geweld;Ondergrens 95%-interval;" in text
    # 90 respondents: 'indicatief' beside the figures, explained on hover
    badge = page.locator("span[title^='Indicatief: minder dan 100 respondenten']").first
    expect(badge).to_be_visible()
    expect(page.get_by_text("Index 2022 · indicatief")).to_be_visible()
    assert_no_equal_bounds(page)
    screenshot(page, "wijk")

    # a direct link to a wijk page (e.g. from the Prestaties page) selects that wijk
    page.goto(server + "/wijk?wijk=BU05990325")
    settle(page)
    expect(page.get_by_role("heading", name="Middelland", exact=True)).to_be_visible()

    for path, title in (("prestaties", "Prestatieafspraken"), ("datakwaliteit", "Datakwaliteit"),
                        ("methode", "Methode")):
        page.get_by_role("link", name=title if path != "prestaties" else "Prestaties").first.click()
        settle(page)
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        screenshot(page, path)
    expect(page.get_by_text("Bekende beperking")).to_be_visible()
    expect(page.get_by_role("cell", name="veiligheidsindex-v2", exact=True)).to_be_visible()  # the published method

    # Prestaties: select a row of a wijk agreement and follow its link to the wijk page
    page.get_by_role("link", name="Prestaties").first.click()
    settle(page)
    choose(page, "Wijk", "Spangen", widget="stMultiSelect")  # the filter leaves Spangen's own agreement
    page.keyboard.press("Escape")
    settle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    page.mouse.click(grid["x"] + 14, grid["y"] + 35 + 17)  # the selection checkbox of the first row
    link = page.get_by_text("Naar de wijkpagina van Spangen")
    expect(link).to_be_visible()
    link.click()
    settle(page)
    expect(page.get_by_role("heading", name="Spangen", exact=True)).to_be_visible()
    assert "/wijk?" in url(page) and f"wijk={SPANGEN}" in url(page)


# --------------------------------------------------------------------------------------------------
# Fit and finish (issue 11): pages by URL, Dutch page, described charts, the phone layout

PHONE = {"width": 390, "height": 844}
MIDDELLAND = "BU05990325"
PAGE_PATHS = {"": "Veiligheid in de stad", "wijk": None, "prestaties": "Prestatieafspraken",
              "datakwaliteit": "Datakwaliteit", "methode": "Methode"}


def assert_no_page_not_found(page, where: str) -> None:
    """Streamlit's English 'Page not found' dialog is never shown."""
    assert page.get_by_text("Page not found").count() == 0, where
    assert page.locator('[role="dialog"]').count() == 0, where


def test_every_page_opens_by_url_in_dutch(server, page):
    from playwright.sync_api import expect

    page.goto(server + "/stad?jaar=2021")  # the default page by its name: the root, the year kept
    settle(page)
    assert_no_page_not_found(page, "/stad")
    expect(page.get_by_role("heading", name="Veiligheid in de stad")).to_be_visible()
    expect(page.get_by_text("Stadsindex 2021")).to_be_visible()
    assert page.evaluate("location.pathname") == "/" and "jaar=2021" in url(page)
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert page.title() == "Stad · Veiligheidsindex"

    page.goto(server + f"/wijk?wijk={MIDDELLAND}&jaar=2021")
    settle(page)
    assert_no_page_not_found(page, "/wijk")
    expect(page.get_by_role("heading", name="Middelland", exact=True)).to_be_visible()
    expect(page.get_by_text("Index 2021")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "nl" and page.title() == "Wijk · Veiligheidsindex"

    for path, title in (("prestaties", "Prestatieafspraken"), ("datakwaliteit", "Datakwaliteit"), ("methode", "Methode")):
        page.goto(f"{server}/{path}")
        settle(page)
        assert_no_page_not_found(page, path)
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == "nl"

    page.goto(server + "/bestaat-niet?jaar=2020")  # a wrong address lands on Stad, in Dutch
    settle(page)
    assert_no_page_not_found(page, "/bestaat-niet")
    expect(page.get_by_text("Stadsindex 2020")).to_be_visible()
    assert page.evaluate("location.pathname") == "/"


def charts_drawn(page, least: int = 1) -> list[dict]:
    """Every chart once at least `least` are drawn: its accessible name and what a screen reader finds
    inside (on a busy machine the page may still be adding its later charts after it settled)."""
    page.wait_for_function("(least) => { const charts = [...document.querySelectorAll("
                           "'[data-testid=\"stVegaLiteChart\"]')]; return charts.length >= least && "
                           "charts.every(c => c.querySelector('svg.marks path, canvas')); }", arg=least)
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(c => ({
        role: c.getAttribute('role'), name: c.getAttribute('aria-label'),
        inner: [...c.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label'))}))""")


def test_every_chart_is_announced_in_dutch(server, page):
    from dashboard.ui import CHART_DESCRIPTIONS, CHART_FALLBACK

    for path, least in (("/", 3), (f"/wijk?wijk={SPANGEN}", 5)):
        page.goto(server + path)
        settle(page)
        charts = charts_drawn(page, least)
        assert len(charts) >= least, path
        for chart in charts:
            assert chart["role"] == "graphics-document"
            assert chart["name"] and chart["name"] not in ("Vega visualization", CHART_FALLBACK), (path, chart)
            assert any(text in chart["name"] for text in CHART_DESCRIPTIONS.values()), chart["name"]
            assert not [t for t in chart["inner"] if t.startswith(("X-axis", "Y-axis", "Legend"))], (path, chart["inner"])


# HTML elements in the page that stick out at the right or left without a box that scrolls them
# (Streamlit's hover toolbar of an element sits outside it on purpose and is skipped).
CUT_OFF = """() => {
  const width = document.documentElement.clientWidth, cut = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    if (el.closest('svg') || el.closest('[data-testid="stElementToolbar"]')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || (box.right <= width + 1 && box.left >= -1)) continue;
    let up = el.parentElement, scrolls = false;
    while (up && !scrolls) {
      const style = getComputedStyle(up);
      scrolls = ['auto', 'scroll'].includes(style.overflowX) && up.scrollWidth > up.clientWidth;
      up = up.parentElement;
    }
    if (!scrolls) cut.push(`${el.tagName} ${(el.innerText || '').slice(0, 40)} ${Math.round(box.left)}–${Math.round(box.right)}`);
  }
  return cut;
}"""


def test_phone_layout(server, browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(TIMEOUT_MS)
    try:
        for path, title in PAGE_PATHS.items():
            phone.goto(f"{server}/{path}" + (f"?wijk={SPANGEN}" if path == "wijk" else ""))
            settle(phone)
            assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
            assert not phone.evaluate(CUT_OFF), (path, phone.evaluate(CUT_OFF)[:5])
            # the sidebar stays closed: nothing covers the page
            assert phone.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "true", path
            heading = phone.get_by_role("heading", name=title or "Spangen", exact=True)
            expect(heading).to_be_visible()
            if path in ("", "wijk"):
                # year (and wijk) choice first, on the first screen, without opening the sidebar
                choices = ["Jaar", "Wijk"] if path == "wijk" else ["Jaar"]
                for label in choices:
                    widget = "stButtonGroup" if label == "Jaar" else "stSelectbox"
                    box = phone.locator(f'[data-testid="stMain"] [data-testid="{widget}"]').filter(
                        has=phone.get_by_text(label, exact=True)).first
                    expect(box).to_be_visible()
                    assert box.bounding_box()["y"] + box.bounding_box()["height"] <= heading.bounding_box()["y"], label
                assert heading.bounding_box()["y"] < PHONE["height"], path
            screenshot(phone, f"{path or 'stad'}_390", **PHONE)
        # the year choice at the top works like the one before it
        phone.goto(server + "/")
        settle(phone)
        choose(phone, "Jaar", "2020")
        expect(phone.get_by_text("Stadsindex 2020")).to_be_visible()
    finally:
        context.close()


def test_screenshots_at_1400(server, browser):
    """Every page at 1,400 px (tests/screenshots/*_1400.png), with nothing sticking out sideways."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    try:
        for path in PAGE_PATHS:
            tab.goto(f"{server}/{path}" + (f"?wijk={SPANGEN}" if path == "wijk" else ""))
            settle(tab)
            assert tab.evaluate("document.documentElement.scrollWidth") <= 1400, path
            screenshot(tab, f"{path or 'stad'}_1400", width=1400)
    finally:
        context.close()


# --------------------------------------------------------------------------------------------------
# Hostile names (issue 10): text, never elements


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    from tests.test_dashboard_security import hostile_marts_dir
    # no --server.address: the default of dashboard/serve.py (127.0.0.1) must be reachable
    with serve(hostile_marts_dir(tmp_path_factory), tmp_path_factory.mktemp("streamlit_vijandig"),
               address=False) as url:
        yield url


def assert_no_elements_from_data(page, where: str) -> None:
    """No <img> from a name (the app's own images have a real src) and no link to the hostile site."""
    main = page.locator("body")
    assert main.locator("img[src='x']").count() == 0, where
    links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    own = page.evaluate("location.origin")
    assert not [href for href in links if not href.startswith(own + "/")], (where, links)
    assert page.evaluate("() => window.__vi_alert === undefined"), where


def visible_text(page) -> str:
    """The page's text as read (without the invisible word joiners that keep bare URLs unlinked)."""
    return page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")


def test_hostile_names_in_browser(hostile_server, page):
    from playwright.sync_api import expect

    from tests.test_dashboard_security import MIDDELLAND, URL_EVIL

    page.add_init_script("window.alert = () => { window.__vi_alert = true; };")
    page.goto(hostile_server + f"/wijk?wijk={MIDDELLAND}&jaar=2022")
    settle(page)
    heading = page.locator("h1").first
    expect(heading).to_contain_text("Middel<img src=x onerror=alert(1)>land **vet** [Inloggen]")  # as text
    assert 'Gebied <a href="http://evil.example/gebied">Inloggen</a> Delfshaven' in visible_text(page)
    assert_no_elements_from_data(page, "wijk")
    # the charts' tooltips (vega-tooltip) show names as text too: hover the agreements' timeline
    timeline = page.locator('[data-testid="stVegaLiteChart"]').nth(1)
    timeline.scroll_into_view_if_needed()
    box = timeline.bounding_box()
    shown = ""
    for fx in (0.3, 0.5, 0.7, 0.9):
        for fy in (0.1, 0.2, 0.3, 0.4):
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            page.wait_for_timeout(150)
            tooltip = page.locator("#vg-tooltip-element")
            if tooltip.count() and tooltip.is_visible():
                shown += tooltip.inner_text()
                assert page.locator("#vg-tooltip-element img, #vg-tooltip-element a").count() == 0
    assert "Omschrijving" in shown, "geen tooltip gevonden op de tijdlijn"
    assert_no_elements_from_data(page, "wijk (tooltips)")
    screenshot(page, "wijk_vijandig")

    for path in ("", "prestaties", "datakwaliteit"):
        page.goto(hostile_server + "/" + path)
        settle(page)
        assert_no_elements_from_data(page, path or "stad")

    # the details of a selected agreement with a hostile description and partner
    page.goto(hostile_server + "/prestaties")
    settle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    details = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="**Aanpak**")
    for row in range(4):
        page.mouse.click(grid["x"] + 14, grid["y"] + 35 + 17 + 35 * row)
        settle(page)
        if details.count():
            break
    expect(details.first).to_be_visible()
    assert "<img src=x onerror=alert(2)>Woonstad" in visible_text(page)
    assert_no_elements_from_data(page, "prestaties (details)")

    # a crafted link: its value is shown in the warning as text, not as a link
    page.goto(hostile_server + "/wijk?wijk=" + URL_EVIL.replace("(", "%28").replace(")", "%29"))
    settle(page)
    expect(page.get_by_text("De wijk in de link").first).to_be_visible()
    assert "‘[Inloggen](http://evil.example/url)’" in visible_text(page)
    assert_no_elements_from_data(page, "link")
