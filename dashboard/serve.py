"""Start the dashboard: `python -m dashboard.serve run dashboard/app.py [streamlit options]`.

Imports the heavy libraries before the server accepts visitors, so the first visitor after a
(re)start does not pay for them (about 1 s here); then hands over to Streamlit's own CLI.

The server listens on 127.0.0.1 only (this machine), unless told otherwise: `--server.address` on
the command line, else $VI_DASHBOARD_ADDRESS (e.g. 0.0.0.0 for a server deployment behind a proxy,
see docs/deployment.md), else Streamlit's own $STREAMLIT_SERVER_ADDRESS. Streamlit alone would
listen on every interface.

The page shell Streamlit serves (its index.html, for every page address) says lang="en" and
"Streamlit", and Streamlit 1.67 has no setting for either (streamlit/streamlit#15726). This starter
serves it in Dutch instead: lang="nl", the dashboard's title, a Dutch <noscript>, and the chart
library announced early (modulepreload: the landing page opens with charts). An address that is no
page of the dashboard (a typo, an old link, /stad for the default page) is sent to the root with its
query string, where Streamlit would show an English "Page not found" dialog. Streamlit's own paths
(/_stcore, /static, /media, /component, …) are not touched: only what would get the shell.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

PRELOAD = ("polars", "altair", "pipeline.presentation", "dashboard.ui", "dashboard.templates")
ADDRESS_ENV = "VI_DASHBOARD_ADDRESS"
DEFAULT_ADDRESS = "127.0.0.1"
LANG = "nl"
NOSCRIPT = ("<noscript><p>Het dashboard Veiligheidsindex heeft JavaScript nodig. Zet JavaScript aan in de "
            "browser en laad de pagina opnieuw.</p></noscript>")
# The front-end chunks of a Vega chart, fetched as soon as the shell is read and run while the page
# waits for the server's first elements, instead of after the first chart arrives over the websocket
# (names as built by Streamlit: <name>.<hash>.js). Not the table's chunk (DataFrame): since the
# landing page shows its ranking in a tab, parsing it there only delayed the first chart (paired
# runs, bench/bench_browser.py method: Vega chunks alone 1.17x a bare app, with the table's 1.31x).
CHART_CHUNKS = ("loadVegaEmbed", "ArrowVegaLiteChart", "embed", "vega-interpreter")


def preload() -> None:
    for name in PRELOAD:
        importlib.import_module(name)


def with_address(args: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    """The Streamlit CLI arguments with the listening address made explicit for `run`."""
    if not args or args[0] != "run":
        return list(args)
    if any(a == "--server.address" or a.startswith("--server.address=") for a in args):
        return list(args)
    address = environ.get(ADDRESS_ENV, "").strip()
    if not address and environ.get("STREAMLIT_SERVER_ADDRESS", "").strip():
        return list(args)
    return ["run", "--server.address", address or DEFAULT_ADDRESS, *args[1:]]


# ---------------------------------------------------------------------------------------------
# The Dutch page shell


def chart_chunks(static_dir: Path) -> list[str]:
    """The built file names of CHART_CHUNKS in Streamlit's static/js (absent ones are skipped)."""
    found = []
    for name in CHART_CHUNKS:
        matches = sorted(p.name for p in (static_dir / "static" / "js").glob(f"{name}.*.js")
                         if re.fullmatch(rf"{re.escape(name)}\.[\w-]+\.js", p.name))
        found += matches[:1]
    return found


def dutch_shell(html: str, title: str, chunks: list[str] = ()) -> str:
    """Streamlit's index.html in Dutch: lang, <title>, <noscript>, and the chart chunks preloaded."""
    from html import escape

    html = re.sub(r"<html\b[^>]*>", f'<html lang="{LANG}">', html, count=1)
    html = re.sub(r"<title>.*?</title>", f"<title>{escape(title)}</title>", html, count=1, flags=re.S)
    html = re.sub(r"<noscript>.*?</noscript>", NOSCRIPT, html, count=1, flags=re.S)
    links = "".join(f'<link rel="modulepreload" crossorigin href="./static/js/{c}">' for c in chunks)
    if chunks:  # run when the page is idle (waiting for the websocket), not in the way of the first paint
        names = ",".join(f'"./static/js/{c}"' for c in chunks)
        links += ('<script type="module">(window.requestIdleCallback || setTimeout)(() => { for (const c of '
                  f'[{names}]) import(c).catch(() => {{}}); }});</script>')
    return html.replace("</head>", f"{links}</head>", 1)


def is_shell_request(relative_path: str) -> bool:
    """Whether a path Streamlit answers with its shell is the root (rather than a page name)."""
    return relative_path.strip("/") in ("", ".", "index.html")


def install_dutch_shell(title: str, pages: set[str]) -> None:
    """Serve the Dutch shell for every page of the app and send other page addresses to the root.
    Wraps Streamlit's static file handler (Starlette server, Streamlit 1.67): its answer for the
    shell, a FileResponse of index.html, is replaced; every other answer is passed on as it is."""
    from starlette.responses import FileResponse, RedirectResponse, Response
    from streamlit.web.server.starlette import starlette_static_routes as routes

    create_plain = routes.create_streamlit_static_handler

    def create(directory: str, base_url: str | None):
        handler = create_plain(directory, base_url)
        index = Path(directory) / "index.html"
        body = dutch_shell(index.read_text(encoding="utf-8"), title, chart_chunks(Path(directory))).encode("utf-8")
        plain_response = handler.get_response

        async def get_response(path: str, scope):
            response = await plain_response(path, scope)
            if not (isinstance(response, FileResponse) and Path(response.path) == index):
                return response
            if not is_shell_request(path) and path.strip("/") not in pages:
                query = scope.get("query_string", b"").decode("latin-1")
                root = (scope.get("root_path") or "") + "/"
                return RedirectResponse(root + (f"?{query}" if query else ""), status_code=302,
                                        headers={"Cache-Control": "no-cache"})
            return Response(body, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})

        handler.get_response = get_response
        return handler

    routes.create_streamlit_static_handler = create


if __name__ == "__main__":
    preload()
    from dashboard import ui
    from streamlit.web import cli

    install_dutch_shell(ui.APP_TITLE, ui.page_paths())
    sys.argv = [sys.argv[0], *with_address(sys.argv[1:])]
    sys.exit(cli.main())
