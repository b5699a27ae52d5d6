"""`make bench` (last part): time to the first chart in a real browser, the dashboard against a
bare Streamlit app on the same machine.

Starts (a) a bare Streamlit app (one Altair chart, written to a temporary folder) with plain
`streamlit run`, and (b) the dashboard on the demo publication with `python -m dashboard.serve run`
(as `make dashboard`), both with the same server options. Each is opened N times in headless
Chromium (Playwright), every time in a new browser context (no cache, no cookies, a new Streamlit
session): the time from navigation start to the first Vega chart drawn (a `.vega-embed` with a
non-empty SVG or canvas) is taken in the page itself (performance.now() in a MutationObserver).
The first visit after a server start is shown apart (it also pays for the server's own warm-up).
Then N rounds, each one visit to either app in alternating order, so a busy moment on a shared
machine hits both alike: median and minimum per app, and the median of the per-round ratios. Then a
change of wijk on the Wijk page: from choosing the option to the new wijk's charts drawn.
Target (issue 11): the dashboard's first chart at most 1.5× the bare app's (median of the ratios).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
MARTS = OUT / "marts_v2"  # the default method, written by bench_pipeline.py (as bench_dashboard.py uses)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SERVER_OPTIONS = ["--server.headless", "true", "--browser.gatherUsageStats", "false",
                  "--server.fileWatcherType", "none", "--server.address", "127.0.0.1"]
TARGET_RATIO = 1.5
VISITS = 7
TIMEOUT_MS = 30_000

BARE_APP = textwrap.dedent("""\
    import altair as alt
    import pandas as pd
    import streamlit as st

    st.title("Kale app")
    frame = pd.DataFrame({"jaar": [2020, 2021, 2022, 2023, 2024], "index": [6.1, 6.3, 6.2, 6.5, 6.6]})
    st.altair_chart(alt.Chart(frame).mark_line(point=True).encode(x="jaar:O", y="index:Q"))
    """)

# Records the moment the first chart is drawn: a vega-embed element with size and marks in it. The
# check runs at most once per frame (in the frame after a change of the page), so the probe itself
# costs the page next to nothing.
FIRST_CHART_PROBE = """
window.__firstChart = null;
(() => {
  const drawn = () => {
    for (const el of document.querySelectorAll('.vega-embed')) {
      const box = el.getBoundingClientRect();
      if (box.width <= 0 || box.height <= 0) continue;
      const svg = el.querySelector('svg.marks');
      const canvas = el.querySelector('canvas');
      if ((svg && svg.querySelector('path, line, rect, text')) || (canvas && canvas.width > 0 && canvas.height > 0))
        return true;
    }
    return false;
  };
  let pending = false;
  const observer = new MutationObserver(() => {
    if (pending || window.__firstChart !== null) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      if (window.__firstChart === null && drawn()) {
        window.__firstChart = performance.now();
        observer.disconnect();
      }
    });
  });
  observer.observe(document, {childList: true, subtree: true, attributes: true});
})();
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(command: list[str], cwd: Path, env: dict, log: Path):
    """A Streamlit server in its own process group; yields its base URL once it accepts connections."""
    port = free_port()
    with open(log, "w") as out:
        process = subprocess.Popen([*command, "--server.port", str(port), *SERVER_OPTIONS], cwd=cwd, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"de server stopte direct:\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"de server startte niet binnen 60 s:\n{log.read_text()}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # only the group this bench started
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def first_chart(browser, url: str, width: int = 1400) -> float:
    """Seconds from navigation start to the first chart drawn, in a new browser context."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    try:
        context.add_init_script(FIRST_CHART_PROBE)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        try:
            page.wait_for_function("() => window.__firstChart !== null")
        except Exception:
            text = page.locator("body").inner_text()[:600]
            raise RuntimeError(f"geen grafiek op {url} binnen {TIMEOUT_MS // 1000} s; de pagina toont:\n{text}") from None
        return page.evaluate("window.__firstChart") / 1000
    finally:
        context.close()


def rounds(browser, urls: list[str], n: int) -> list[list[float]]:
    """n visits to each URL, interleaved (the order alternates per round): times per URL."""
    times: list[list[float]] = [[] for _ in urls]
    for i in range(n):
        order = list(range(len(urls))) if i % 2 == 0 else list(reversed(range(len(urls))))
        for j in order:
            times[j].append(first_chart(browser, urls[j]))
    return times


def wijk_changes(browser, url: str, n: int) -> list[float]:
    """Seconds from choosing another wijk on the Wijk page to its charts drawn (status widget gone,
    the new name in the heading, every chart drawn)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="nl-NL")
    times = []
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url + "/wijk")
        settle(page)
        box = page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text("Wijk", exact=True)).first
        box.click()
        names = [o.inner_text() for o in page.get_by_role("option").all()][1:n + 1]
        page.keyboard.press("Escape")
        for name in names:
            box.click()
            page.keyboard.type(name)
            option = page.get_by_role("option", name=name, exact=True)
            option.wait_for()
            start = page.evaluate("performance.now()")
            option.click()
            page.wait_for_function("(name) => { const h = document.querySelector('h1');"
                                   " return h && h.innerText.trim() === name; }", arg=name)
            settle(page)
            times.append((page.evaluate("window.__vi_settled") - start) / 1000)
    finally:
        context.close()
    return times


def settle(page) -> None:
    """Wait until the run is over and every chart has its marks; note the moment in the page."""
    page.wait_for_function("""() => {
        if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
        const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
        if (!charts.length || !charts.every(c => c.querySelector('svg.marks path, canvas'))) return false;
        if (document.querySelector('[data-stale="true"]')) return false;
        window.__vi_settled = performance.now();
        return true;
    }""")


def ensure_marts(marts: Path) -> None:
    """The demo publication, built as bench_pipeline.py builds it when `make bench` has not yet."""
    if (marts / "publicatie.json").exists():
        return
    from pipeline.cli import run_pipeline
    from pipeline.demo.generator import generate

    raw = OUT / "raw"
    if not (raw / "areas" / "areas.csv").exists():
        generate(raw)
    print(f"demopublicatie bouwen in {marts} …", flush=True)
    run_pipeline(raw, marts, quiet=True, method="v2")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--marts", type=Path, default=MARTS, help="gepubliceerde marts (standaard bench/out/marts_v2)")
    parser.add_argument("--n", type=int, default=VISITS, help="aantal bezoeken per app (na het eerste)")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} ontbreekt: installeer chromium (make browser) voor de browserbench.")
        return 1
    ensure_marts(args.marts)
    from playwright.sync_api import sync_playwright

    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("VI_DASHBOARD_TIMING", None)
    with tempfile.TemporaryDirectory(prefix="vi_bench_browser_") as tmp, sync_playwright() as p:
        tmp = Path(tmp)
        (tmp / "kaal.py").write_text(BARE_APP)
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # the bare app runs in the temporary folder: no project .streamlit/config.toml
            with server([sys.executable, "-m", "streamlit", "run", str(tmp / "kaal.py")], tmp, env,
                        tmp / "kaal.log") as bare_url, \
                 server([sys.executable, "-m", "dashboard.serve", "run", str(ROOT / "dashboard" / "app.py")], ROOT,
                        dict(env, VI_MARTS_DIR=str(args.marts.resolve())), tmp / "dashboard.log") as dash_url:
                bare_first, dash_first = first_chart(browser, bare_url), first_chart(browser, dash_url)
                bare, dash = rounds(browser, [bare_url, dash_url], args.n)
                by_url = first_chart(browser, dash_url + "/wijk")
                changes = wijk_changes(browser, dash_url, 5)
        finally:
            browser.close()

    ratios = [d / b for b, d in zip(bare, dash)]
    ratio = statistics.median(ratios)
    print(f"\nEerste grafiek in de browser (s), nieuw browsercontext per bezoek, {args.n} rondes na het eerste bezoek:")
    print(f"{'':<30}{'1e bezoek na start':>20}{'mediaan':>10}{'min':>8}")
    print(f"{'kale Streamlit-app':<30}{bare_first:>20.2f}{statistics.median(bare):>10.2f}{min(bare):>8.2f}")
    print(f"{'dashboard (Stad)':<30}{dash_first:>20.2f}{statistics.median(dash):>10.2f}{min(dash):>8.2f}")
    print(f"{'verhouding dashboard/kaal':<30}{dash_first / bare_first:>20.2f}{ratio:>10.2f}{min(dash) / min(bare):>8.2f}"
          "   (mediaan: van de verhouding per ronde)")
    print(f"{'dashboard (Wijk, per link)':<30}{by_url:>20.2f}")
    print(f"\nWissel van wijk op Wijk (s): mediaan {statistics.median(changes):.2f}, max {max(changes):.2f} "
          f"({len(changes)} wissels)")
    verdict = "binnen" if ratio <= TARGET_RATIO else "BOVEN"
    print(f"Doel: eerste grafiek hooguit {TARGET_RATIO:.1f}× de kale app — {verdict} het doel ({ratio:.2f}×).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
