"""Veiligheidsindex dashboard (entry point): `python -m dashboard.serve run dashboard/app.py` (as
`make dashboard`; plain `streamlit run` works too, without the Dutch page shell of serve.py).

Reads only the published Parquet marts ($VI_MARTS_DIR, default data/marts). This file sets up the
page, the optional sign-in, the navigation, the banner of a refused delivery, the year choice (with
many gemeenten also the gemeente choice) at the top of the pages that use it, and the sidebar; each
page lives in dashboard/views/.
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

from dashboard import data, templates, ui  # noqa: E402

st.set_page_config(page_title=ui.APP_TITLE, page_icon="🛡️", layout="wide", initial_sidebar_state="auto")
ui.page_style()  # phone layout and chart overflow (CSS only, takes no room)

ui.require_login()  # only when sign-in is configured ([auth] in .streamlit/secrets.toml); else open as before
marts = ui.load_or_stop(ensure_selection=False)
page = st.navigation(ui.make_pages())
st.set_page_config(page_title=ui.tab_title(page))  # the browser tab names the page: "Wijk · Veiligheidsindex"
notes = ui.sync_selection(marts, page.url_path)  # after st.navigation: URL updates must belong to the page shown

banner = ui.refusal_banner(marts)
if banner:  # the latest delivery was refused: said before anything else, on every page
    st.error(ui.md(banner), icon=":material/report:")
if page.url_path in ui.YEAR_PAGES:  # at the top of the page, not in the sidebar: a phone shows it first
    if data.is_multi(marts):  # many gemeenten: the gemeente above the year (the Prestaties page puts both itself)
        ui.gemeente_selector(marts, width=ui.GEMEENTE_WIDTH)
    ui.year_selector(marts)  # its own row: the year buttons wrap on a phone, inside a row they would be cut off
with st.sidebar:
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
