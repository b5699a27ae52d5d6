"""Veiligheidsindex dashboard (entry point): `streamlit run dashboard/app.py`.

Reads only the published Parquet marts ($VI_MARTS_DIR, default data/marts). This file sets up the
page, the optional sign-in, the navigation and the shared sidebar; each page lives in dashboard/views/.
Every string from the data or the URL goes through ui.md (markdown) or html.escape (HTML blocks), every
table through ui.dataframe (formula cells neutralised); see docs/deployment.md.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ on the path, not the project root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import templates, ui  # noqa: E402

st.set_page_config(page_title="Veiligheidsindex", page_icon="🛡️", layout="wide",
                   initial_sidebar_state="auto")

ui.require_login()  # only when sign-in is configured ([auth] in .streamlit/secrets.toml); else open as before
marts = ui.load_or_stop(ensure_selection=False)
page = st.navigation(ui.make_pages())
notes = ui.sync_selection(marts)  # after st.navigation: URL updates must belong to the page shown

with st.sidebar:
    if page.url_path in ui.YEAR_PAGES:
        ui.year_selector(marts, st.sidebar)
    st.caption(ui.publication_caption(marts))

for note in notes:
    st.warning(note)
started = time.perf_counter()
try:
    page.run()
finally:
    if os.environ.get("VI_DASHBOARD_TIMING"):  # server-side render time per run, for tuning
        print(f"[timing] {page.url_path or 'stad'}: {time.perf_counter() - started:.3f} s", file=sys.stderr, flush=True)
templates.warm_up(marts)  # the page is out: build the other pages' chart templates in the background
