"""Fit and finish of the dashboard (issue 11): the Dutch page shell of dashboard/serve.py (lang, title,
pages by URL, unknown addresses to the root), a Dutch description on every chart, the year choice at
the top of the page, the banner of a refused delivery, and no page output by Streamlit's "magic".
The same in a real browser, at 1,400 and 390 px: tests/test_dashboard_browser.py."""

from __future__ import annotations

import ast
import json
import re
import tomllib
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from dashboard import serve, ui
from tests.test_dashboard_apptest import APP, SPANGEN, copy_publication, golden_marts, start  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
STATIC = Path(streamlit.__file__).parent / "static"
VEGA_DEFAULT = "Vega visualization"


# --------------------------------------------------------------------------------------------------
# The page shell


def test_shell_is_dutch_and_preloads_the_chart_library():
    chunks = serve.chart_chunks(STATIC)
    # the names follow Streamlit's build; an upgrade that renames them must be noticed here
    assert any(c.startswith("embed.") for c in chunks) and any(c.startswith("ArrowVegaLiteChart.") for c in chunks)
    assert not any(c.startswith("DataFrame.") for c in chunks)  # no table on the landing page: not in its way
    assert all((STATIC / "static" / "js" / c).is_file() for c in chunks)
    html = serve.dutch_shell((STATIC / "index.html").read_text(encoding="utf-8"), "Veiligheid & index", chunks)
    assert '<html lang="nl">' in html and 'lang="en"' not in html
    assert "<title>Veiligheid &amp; index</title>" in html and "<title>Streamlit</title>" not in html
    assert "You need to enable JavaScript" not in html and "JavaScript nodig" in html
    for chunk in chunks:
        assert f'href="./static/js/{chunk}"' in html
    assert html.index("modulepreload\" crossorigin href=\"./static/js/embed.") < html.index("</head>")
    # and run while the page waits for the server: one module script importing each chunk
    script = re.search(r'<script type="module">(.*?)</script>', html, flags=re.S).group(1)
    assert "requestIdleCallback" in script and all(f'"./static/js/{c}"' in script for c in chunks)
    assert '<div id="root"></div>' in html  # the app itself is untouched


def test_only_the_root_and_the_pages_get_the_shell():
    assert serve.is_shell_request(".") and serve.is_shell_request("") and serve.is_shell_request("index.html")
    assert not serve.is_shell_request("stad") and not serve.is_shell_request("wijk")
    assert ui.page_paths() == {"wijk", "prestaties", "datakwaliteit", "methode"}  # /stad goes to the root


def _get(url: str) -> tuple[int, dict, bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:  # a 302 without following it
        return exc.code, dict(exc.headers), b""


def test_served_shell_and_addresses(golden_marts, tmp_path):
    from tests.test_dashboard_browser import serve as serving

    with serving(golden_marts, tmp_path) as base:
        for path in ("/", f"/wijk?wijk={SPANGEN}&jaar=2021", "/prestaties", "/methode", "/index.html"):
            status, headers, body = _get(base + path)
            assert status == 200, path
            assert b'<html lang="nl">' in body and b"<title>Veiligheidsindex</title>" in body, path
        for path, target in (("/stad", "/"), ("/stad?jaar=2020", "/?jaar=2020"), ("/bestaat-niet?wijk=x", "/?wijk=x"),
                             ("/Wijk", "/")):
            status, headers, _ = _get(base + path)
            assert status == 302 and headers["location"] == target, (path, status, headers.get("location"))
        status, headers, _ = _get(base + "/favicon.png")  # Streamlit's own files as before
        assert status == 200 and headers["content-type"] == "image/png"
        status, _, body = _get(base + "/_stcore/health")
        assert status == 200 and body == b"ok"


def test_config_switches_magic_off_and_no_page_relies_on_it():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["magicEnabled"] is False
    shown = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(body[0]) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                      and (body := node.body) and isinstance(body[0], ast.Expr)}
        shown += [f"{path.name}:{node.lineno}" for node in ast.walk(tree)
                  if isinstance(node, ast.Expr) and id(node) not in docstrings
                  and not isinstance(node.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom))]
    assert not shown, f"een kale expressie zou met magic op de pagina komen, zonder niet: {shown}"


# --------------------------------------------------------------------------------------------------
# Charts


def test_chart_description_from_the_spec_its_title_or_its_dataset():
    base = {"config": {"locale": {"number": {"decimal": ","}}}, "datasets": {"counts": []}, "mark": "bar"}
    assert ui.chart_description(base) == ui.CHART_DESCRIPTIONS["counts"]
    assert ui.chart_description({**base, "description": "Eigen tekst"}) == "Eigen tekst"
    titled = ui.chart_description({**base, "title": {"text": "Wijken per jaar"}})
    assert titled == f"Wijken per jaar. {ui.CHART_DESCRIPTIONS['counts']}"
    faceted = {"datasets": {"months": []}, "facet": {"row": {"field": "Reeks", "title": "Politie per maand"}}}
    assert ui.chart_description(faceted).startswith("Politie per maand. ")
    assert ui.chart_description({"datasets": {"iets_nieuws": []}}) == ui.CHART_FALLBACK
    spec = ui.accessible(base)
    assert spec["config"]["aria"] is False and spec["config"]["title"]["aria"] is False
    assert spec["config"]["locale"] == base["config"]["locale"]  # the rest of the config is kept
    assert "aria" not in base["config"]  # the cached template is not touched


def _charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


@pytest.mark.parametrize("page", ["views/stad.py", "views/wijk.py"])
def test_every_chart_has_a_dutch_description(golden_marts, monkeypatch, page):
    at = start(golden_marts, monkeypatch, {"wijk": SPANGEN})
    at.switch_page(page).run()
    charts = _charts(at)
    assert len(charts) >= (3 if page.endswith("stad.py") else 5)
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        alt = chart.proto.alt  # Streamlit's accessible name of the chart
        assert alt and alt not in (VEGA_DEFAULT, ui.CHART_FALLBACK), spec.get("datasets", {}).keys()
        assert any(alt.endswith(text) for text in ui.CHART_DESCRIPTIONS.values()), alt
        assert spec["config"]["aria"] is False  # no English axis descriptions inside
    assert len({c.proto.alt for c in charts}) >= len(charts) - 1  # said apart (the monthly two share a text)


def test_every_chart_is_named_by_chart_description(golden_marts, monkeypatch):
    monkeypatch.setattr(ui, "chart_description", lambda spec: "Van de spec")
    at = start(golden_marts, monkeypatch)
    assert {c.proto.alt for c in _charts(at)} == {"Van de spec"}


# --------------------------------------------------------------------------------------------------
# Page layout: the year first, the banner of a refused delivery above everything


def _main(at: AppTest) -> list:
    return list(at.main.children.values())


@pytest.mark.parametrize("page", ["views/stad.py", "views/wijk.py"])
def test_year_choice_is_at_the_top_of_the_page_not_in_the_sidebar(golden_marts, monkeypatch, page):
    at = start(golden_marts, monkeypatch)
    at.switch_page(page).run()
    assert not [w for w in at.sidebar.button_group if w.label == "Jaar"]
    first = _main(at)[0]
    assert first.type == "button_group" and first.label == "Jaar"
    at.button_group(key="jaar_select").set_value("2020").run()
    assert at.query_params["jaar"] == "2020" and at.session_state[ui.JAAR] == "2020"
    assert "basisjaar" in " ".join(c.value for c in at.sidebar.caption)


def test_tab_title_names_the_page():
    assert ui.tab_title(SimpleNamespace(title="Wijk")) == "Wijk · Veiligheidsindex"
    assert ui.PAGE_SPECS[ui.DEFAULT_PAGE][1] == "Stad"


def _refused(marts: Path, minutes_after: int = 30, raw_dir: str | None = None) -> None:
    status = pytest.importorskip("pipeline.alerts.status")
    manifest = json.loads((marts / "publicatie.json").read_text(encoding="utf-8"))
    published = datetime.fromisoformat(manifest["gepubliceerd_op"])
    if published.tzinfo is None:
        published = published.replace(tzinfo=timezone.utc)
    status.write_run_status(marts, run_id="r1", started_at=published + timedelta(minutes=minutes_after),
                            status=status.FAILED, raw_dir=Path(raw_dir or manifest["ruwe_map"]),
                            reason="politie/export.csv is geen CSV maar een webpagina (HTML)")


@pytest.mark.parametrize("page", ["views/stad.py", "views/wijk.py", "views/prestaties.py", "views/datakwaliteit.py",
                                  "views/methode.py"])
def test_refused_delivery_banner_on_top_of_every_page(golden_marts, tmp_path, monkeypatch, page):
    marts = copy_publication(golden_marts, tmp_path / "marts")
    _refused(marts)
    at = start(marts, monkeypatch)
    at.switch_page(page).run()
    assert not at.exception
    assert _main(at)[0].proto == at.error[0].proto  # the first element of the page
    text = at.error[0].value.replace("\\", "")
    assert text.startswith("De levering van ") and "is niet verwerkt: politie/export" in text
    assert "geen CSV maar een webpagina (HTML); u ziet de publicatie van " in text


def test_no_banner_without_a_refusal_or_after_a_newer_publication(golden_marts, tmp_path, monkeypatch):
    marts = copy_publication(golden_marts, tmp_path / "marts")
    at = start(marts, monkeypatch)
    assert not at.error
    _refused(marts, minutes_after=-30)  # refused before this publication: the publication is newer
    at.run()
    assert not at.error
    _refused(marts, raw_dir=str(tmp_path / "andere_map"))  # another raw folder's run says nothing about this one
    at.run()
    assert not at.error
    _refused(marts)
    at.run()
    assert at.error and at.error[0].value.replace("\\", "").startswith("De levering van ")


def test_banner_text_stays_text(golden_marts, tmp_path, monkeypatch):
    """The reason comes from a file name or a message: markdown in it is shown, not followed."""
    marts = copy_publication(golden_marts, tmp_path / "marts")
    monkeypatch.setattr(ui, "_refusal_banner", lambda m: "De levering is niet verwerkt: [klik](http://evil.example) **x**")
    at = start(marts, monkeypatch)
    assert at.error[0].value == ui.md("De levering is niet verwerkt: [klik](http://evil.example) **x**")
