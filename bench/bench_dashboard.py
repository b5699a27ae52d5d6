"""`make bench` (second part): dashboard render times on the demo publication.

Server-side render time per page with streamlit.testing's AppTest (the same script run a browser
triggers): the first render of each page in a fresh app (cold: imports, reading the publication,
building charts), and a change of wijk or year on the Wijk and Stad pages (warm). The browser adds
Streamlit's own front-end start on a cold server (~3 s here for an empty app) and chart drawing.
Targets (issue 3): first render of a page < 2 s, a change of wijk or year < 0.5 s.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARTS = ROOT / "bench" / "out" / "marts_v2"  # the default method, written by bench_pipeline.py
APP = ROOT / "dashboard" / "app.py"
PAGES = ["views/stad.py", "views/wijk.py", "views/prestaties.py", "views/datakwaliteit.py", "views/methode.py"]


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> int:
    if not (MARTS / "publicatie.json").exists():
        print(f"Geen demopublicatie in {MARTS}: draai eerst bench/bench_pipeline.py (make bench).")
        return 1
    os.environ["VI_MARTS_DIR"] = str(MARTS)
    from streamlit.testing.v1 import AppTest

    sys.path.insert(0, str(ROOT))
    from dashboard.serve import preload

    preload()  # as `make dashboard` does before the server accepts visitors

    # The first session after a server start pays the one-time cost (imports, reading the
    # publication, chart templates); every later session starts warm.
    print(f"\n{'eerste render (s)':<26}{'1e sessie na start':>20}{'nieuwe sessie':>15}")
    sessions = [AppTest.from_file(str(APP), default_timeout=120) for _ in range(2)]
    times = {page: [] for page in PAGES}
    for at in sessions:
        times[PAGES[0]].append(timed(at.run))
        for page in PAGES[1:]:
            times[page].append(timed(lambda: at.switch_page(page).run()))
    for page, (first, later) in times.items():
        print(f"{page.split('/')[1][:-3]:<26}{first:>20.2f}{later:>15.2f}")

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page("views/wijk.py").run()
    wijken = list(at.selectbox(key="wijk_select").options)
    import polars as pl

    jaren = [str(y) for y in sorted(pl.read_parquet(MARTS / "wijk_index.parquet")["jaar"].unique(), reverse=True)]
    wijk_changes = [timed(lambda w=w: at.selectbox(key="wijk_select").set_value(w).run())
                    for w in wijken[1:11]]
    year_changes = [timed(lambda j=j: at.button_group(key="jaar_select").set_value(j).run()) for j in jaren[:5]]
    at.switch_page("views/stad.py").run()
    stad_year = [timed(lambda j=j: at.button_group(key="jaar_select").set_value(j).run()) for j in jaren[5:10]]
    print(f"\n{'wissel (warm)':<26}{'mediaan (s)':>12}{'max (s)':>10}")
    for name, xs in (("wijk op Wijk", wijk_changes), ("jaar op Wijk", year_changes), ("jaar op Stad", stad_year)):
        print(f"{name:<26}{statistics.median(xs):>12.2f}{max(xs):>10.2f}")
    assert not at.exception, [e.value for e in at.exception]
    return 0


if __name__ == "__main__":
    sys.exit(main())
