"""Hostile input round 2 (issue 10), the dashboard and its exports: names and texts from the data
and values from the URL are shown as text, never as HTML or markdown; the tables a visitor can copy
or download hold no formula cells; no survey figure on fewer valid answers than the method's
minimum; no respondent ids from the quarantine; the server listens on 127.0.0.1 unless told
otherwise; and a sign-in is required only when one is configured.

The hostile publication is the golden one with names replaced (as a run on hostile raw files would
publish them); the browser half of these checks is in tests/test_dashboard_browser.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pipeline.presentation import (
    HIDDEN,
    TOO_FEW_ANSWERS,
    export_all_wijken,
    export_scorecard,
    neutralise,
    read_marts,
)
from tests.test_dashboard_apptest import (
    APP,
    SPANGEN,
    copy_publication,
    csv_rows,
    golden_marts_dir,
    republish,
)

MIDDELLAND = "BU05990325"  # P003 measures the survey indicator subj_vaak_drugs here
DELFSHAVEN = "WK059903"
SURVEY_INDICATOR = "subj_vaak_drugs"
WIJK_EVIL = "Middel<img src=x onerror=alert(1)>land **vet** [Inloggen](http://evil.example/wijk)"
GEBIED_EVIL = '<a href="http://evil.example/gebied">Inloggen</a> Delfshaven'
PARTNER_EVIL = "<img src=x onerror=alert(2)>Woonstad"
OMSCHRIJVING_EVIL = "[Inloggen](http://evil.example/afspraak) **Aanpak** drugs `code` $x$"
TOELICHTING_EVIL = '<a href="http://evil.example/toelichting">Lees meer</a> www.evil.example'
FORMULA_PARTNER = "@SUM(1+1)"
FORMULA_OMSCHRIJVING = "=1+1 surveillance"
RESPONDENT_ID = "R-000123"
URL_EVIL = "[Inloggen](http://evil.example/url)"
PUBLICATION = "vijandig"
THIN_ANSWERS = 5  # the incident: a percentage from 5 valid answers (of 64 respondents)

# what must never reach a markdown text unescaped
RAW_MARKUP = ("<img", "<a ", "<a>", "](http", "**vet**", "**Aanpak**", "`code`", "$x$")


def _hostile(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    def replace(column: str, key: str, code: str, value: str) -> pl.Expr:
        return pl.when(pl.col(key) == code).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)

    if name in ("wijken.parquet", "wijk_index.parquet"):
        return frame.with_columns(replace("wijk_naam", "wijk_code", MIDDELLAND, WIJK_EVIL),
                                  replace("gebied_naam", "gebied_code", DELFSHAVEN, GEBIED_EVIL))
    if name == "groep_index.parquet":
        return frame.with_columns(replace("groep_naam", "groep_code", DELFSHAVEN, GEBIED_EVIL))
    if name == "prestaties.parquet":
        by_id = lambda column, values: (pl.col("prestatie_id")
                                        .replace_strict(values, default=pl.col(column)).alias(column))
        return frame.with_columns(
            by_id("partner", {"P003": PARTNER_EVIL, "P001": FORMULA_PARTNER}),
            by_id("omschrijving", {"P003": OMSCHRIJVING_EVIL, "P001": FORMULA_OMSCHRIJVING}),
            pl.lit(TOELICHTING_EVIL).alias("laatste_toelichting"),
            pl.when(pl.col("wijk_code") == MIDDELLAND).then(pl.lit(WIJK_EVIL))
            .when(pl.col("wijk_code") == DELFSHAVEN).then(pl.lit(GEBIED_EVIL))
            .otherwise(pl.col("gebied_of_wijk_naam")).alias("gebied_of_wijk_naam"))
    if name == "indicator_scores.parquet":
        thin = (pl.col("wijk_code") == MIDDELLAND) & (pl.col("indicator") == SURVEY_INDICATOR)
        return frame.with_columns(pl.when(thin).then(pl.lit(THIN_ANSWERS)).otherwise(pl.col("geldige_antwoorden"))
                                  .cast(frame.schema["geldige_antwoorden"]).alias("geldige_antwoorden"))
    if name == "quarantaine.parquet":  # the golden run has none: add a respondent id and a formula
        extra = pl.DataFrame({
            "bron": ["enquete", "enquete", "meldingen"],
            "bestand": ["enquete_2019_2022.csv", "enquete_2019_2022.csv", '=HYPERLINK("http://evil")'],
            "regel": [12, 13, 14],
            "regelsoort": ["regel", "regel", "regel"],
            "kolom": ["respondent_id", "weegfactor", "status"],
            "waarde": [RESPONDENT_ID, "abc", "-1+1"],
            "reden": ["duplicate_respondent", "invalid_weight", "invalid_status"],
            "publicatie_id": [PUBLICATION] * 3,
        }).select(pl.col(c).cast(t) for c, t in frame.schema.items())
        return pl.concat([frame, extra])
    return frame


def hostile_marts_dir(tmp_path_factory) -> Path:
    """The golden publication with hostile names, formula texts, a thin survey indicator and a
    respondent id in the quarantine (built once per session)."""
    marts = tmp_path_factory.getbasetemp() / "hostile_marts"
    if not (marts / "publicatie.json").exists():
        copy_publication(golden_marts_dir(tmp_path_factory), marts)
        republish(marts, PUBLICATION, _hostile)
    return marts


@pytest.fixture(scope="session")
def hostile_marts(tmp_path_factory) -> Path:
    return hostile_marts_dir(tmp_path_factory)


def run(marts: Path, monkeypatch, page: str | None = None, query: dict | None = None, secrets: dict | None = None,
        user: dict | None = None) -> AppTest:
    monkeypatch.setenv("VI_MARTS_DIR", str(marts))
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if secrets:
        at.secrets.update(secrets)
    if user is not None:
        at.user = user
    at.run()
    if page and page != "views/stad.py":  # Stad is the landing page: a switch would drop the URL's parameters
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown_texts(at: AppTest) -> list[tuple[str, str]]:
    """Every string on the page that Streamlit renders as markdown: bodies of markdown, titles,
    captions and alerts, and the labels and help texts of metrics, buttons, links and widgets."""
    found: list[tuple[str, str]] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            for field, value in proto.ListFields():
                if field.name in ("body", "label", "help") and isinstance(value, str):
                    found.append((type(node).__name__, value))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def unescaped(text: str) -> str:
    """The text without its backslash escapes: what markdown would still interpret."""
    return re.sub(r"\\.", "", text)


def assert_no_live_markup(at: AppTest) -> None:
    for kind, text in markdown_texts(at):
        visible = unescaped(text)
        for markup in RAW_MARKUP:
            assert markup not in visible, f"{kind}: {markup!r} onge-escaped in {text!r}"
        assert "http://evil" not in visible and "www.evil" not in visible, f"{kind}: link in {text!r}"


def all_text(at: AppTest) -> str:
    return "\n".join(text for _, text in markdown_texts(at))


# --- 1. Injection -----------------------------------------------------------------------------------


@pytest.mark.parametrize("page, query", [
    ("views/stad.py", {}),
    ("views/stad.py", {"weergave": "Rangorde"}),  # the ranking tab runs only when opened
    ("views/wijk.py", {"wijk": MIDDELLAND}),
    ("views/wijk.py", {"wijk": SPANGEN}),
    ("views/prestaties.py", {}),
    ("views/datakwaliteit.py", {}),
    ("views/methode.py", {}),
])
def test_hostile_names_render_as_text(hostile_marts, monkeypatch, page, query):
    at = run(hostile_marts, monkeypatch, page, query)
    assert_no_live_markup(at)
    if query.get("wijk") == MIDDELLAND:
        title = at.title[0].value
        assert unescaped(title) != title and "img" in title  # escaped, not dropped
        assert "Inloggen" in all_text(at) and "Delfshaven" in all_text(at)


def test_prestatie_details_render_as_text(hostile_marts, monkeypatch):
    """The details of a selected agreement (omschrijving, partner, toelichting) are markdown too."""
    at = run(hostile_marts, monkeypatch, "views/prestaties.py")
    names = at.dataframe[0].value["Omschrijving"].to_list()
    row = next(i for i, n in enumerate(names) if "Aanpak" in n)
    at.session_state["prestaties_tabel"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert "Aanpak" in all_text(at) and "Lees meer" in all_text(at)
    assert_no_live_markup(at)


# --- 2. Query parameters ------------------------------------------------------------------------------


def test_url_parameter_is_shown_escaped(hostile_marts, monkeypatch):
    at = run(hostile_marts, monkeypatch, query={"wijk": URL_EVIL, "jaar": "**2020**"})
    warnings = " ".join(w.value for w in at.warning)
    assert "De wijk in de link" in warnings and "Het jaar in de link" in warnings
    assert "Inloggen" in warnings
    assert "](http" not in unescaped(warnings) and "**2020**" not in unescaped(warnings)
    assert_no_live_markup(at)


# --- 3. Table downloads -------------------------------------------------------------------------------


FORMULA_START = tuple("=+-@\t\r")


@pytest.mark.parametrize("page, query", [
    ("views/stad.py", {"weergave": "Rangorde"}), ("views/wijk.py", {"wijk": SPANGEN}), ("views/prestaties.py", {}),
    ("views/datakwaliteit.py", {}), ("views/methode.py", {}),
])
def test_tables_hold_no_formula_cells(hostile_marts, monkeypatch, page, query):
    """What st.dataframe gets is what its toolbar downloads as CSV (and what a copy puts on the
    clipboard): every text cell is neutralised like the project's own CSV exports."""
    at = run(hostile_marts, monkeypatch, page, query)
    assert at.dataframe, "geen tabellen op de pagina"
    seen = []
    for table in at.dataframe:
        frame = table.value
        for column in frame.columns:
            for cell in frame[column].tolist():
                if isinstance(cell, str):
                    seen.append(cell)
                    assert cell == neutralise(cell), f"{page} kolom {column}: {cell!r}"
    if page == "views/prestaties.py":
        assert "'" + FORMULA_PARTNER in seen and "'" + FORMULA_OMSCHRIJVING in seen
    if page == "views/wijk.py":
        assert "'" + FORMULA_PARTNER in seen


# --- 4. Survey figures on too few answers ------------------------------------------------------------


def _measured_text(marts: Path) -> str:
    """'gemeten 14,6' as on_track_text would write P003's measurement."""
    from pipeline.presentation import fmt_num
    value = pl.read_parquet(marts / "prestaties.parquet").filter(pl.col("prestatie_id") == "P003")["gemeten_waarde"][0]
    assert value is not None
    return f"gemeten {fmt_num(value, 1)}"


def test_survey_value_on_too_few_answers_is_not_shown(hostile_marts, monkeypatch):
    measured = _measured_text(hostile_marts)
    marts = read_marts(hostile_marts)
    jaar = max(marts.manifest["jaren"])
    # the mart keeps the number for analysts
    scores = marts["indicator_scores"].filter((pl.col("wijk_code") == MIDDELLAND)
                                              & (pl.col("indicator") == SURVEY_INDICATOR))
    assert scores["geldige_antwoorden"].max() == THIN_ANSWERS and scores["waarde"].drop_nulls().len()

    for page, query in (("views/wijk.py", {"wijk": MIDDELLAND, "jaar": str(jaar)}), ("views/prestaties.py", {})):
        at = run(hostile_marts, monkeypatch, page, query)
        cells = [str(c) for t in at.dataframe for col in t.value.columns for c in t.value[col].tolist()]
        assert not [c for c in cells if measured in c], page
        assert any(TOO_FEW_ANSWERS in c for c in cells), page
        assert measured not in all_text(at)

    scorecard = csv_rows(export_scorecard(hostile_marts, MIDDELLAND, jaar))
    on_track = [r[3] for r in scorecard if r[0] == "Prestatie" and r[1].startswith("P003") and r[2] == "Op koers"]
    assert on_track == [TOO_FEW_ANSWERS]
    for data in (export_scorecard(hostile_marts, MIDDELLAND, jaar), export_all_wijken(hostile_marts, jaar)):
        assert measured not in data.decode("utf-8-sig")


def test_threshold_is_the_published_min_respondents(hostile_marts, tmp_path):
    """Lower the published method's minimum below the 5 answers: the value is shown again."""
    marts = copy_publication(hostile_marts, tmp_path / "marts")
    republish(marts, "lage-drempel", method=lambda c: {**c, "params": {**c["params"], "min_respondents": 5}})
    jaar = max(json.loads((marts / "publicatie.json").read_text())["jaren"])
    text = export_scorecard(marts, MIDDELLAND, jaar).decode("utf-8-sig")
    assert _measured_text(marts) in text and TOO_FEW_ANSWERS not in text


# --- 5. Respondent ids in the quarantine --------------------------------------------------------------


def test_quarantine_hides_respondent_ids(hostile_marts, monkeypatch):
    at = run(hostile_marts, monkeypatch, "views/datakwaliteit.py")
    detail = next(t.value for t in at.dataframe if "Waarde" in t.value.columns)
    values = detail["Waarde"].tolist()
    assert RESPONDENT_ID not in values and HIDDEN in values
    assert "abc" in values  # other quarantined values stay visible: they explain the reason
    assert all(RESPONDENT_ID not in str(c) for t in at.dataframe for col in t.value.columns for c in t.value[col])


# --- 6. Listening address and sign-in -----------------------------------------------------------------


def test_server_binds_to_localhost_by_default():
    from dashboard.serve import ADDRESS_ENV, with_address

    base = ["run", "dashboard/app.py", "--server.port", "8501"]
    assert with_address(base, {}) == ["run", "--server.address", "127.0.0.1", *base[1:]]
    assert with_address(base, {ADDRESS_ENV: "0.0.0.0"}) == ["run", "--server.address", "0.0.0.0", *base[1:]]
    explicit = [*base, "--server.address", "10.0.0.5"]
    assert with_address(explicit, {ADDRESS_ENV: "0.0.0.0"}) == explicit  # the command line wins
    assert with_address([*base, "--server.address=10.0.0.5"], {}) == [*base, "--server.address=10.0.0.5"]
    assert with_address(base, {"STREAMLIT_SERVER_ADDRESS": "10.0.0.6"}) == base  # Streamlit's own setting
    assert with_address(["hello"], {}) == ["hello"]  # only `run` starts a server


AUTH = {"auth": {"redirect_uri": "https://veiligheid.example.nl/oauth2callback", "cookie_secret": "test-geheim",
                 "client_id": "veiligheidsindex", "client_secret": "geheim",
                 "server_metadata_url": "https://login.example.nl/.well-known/openid-configuration"}}


def test_without_auth_configured_the_dashboard_is_open(hostile_marts, monkeypatch):
    at = run(hostile_marts, monkeypatch)
    assert at.title[0].value == "Veiligheid in de stad"
    assert not [b for b in at.button if b.label == "Inloggen"]


def test_with_auth_configured_a_sign_in_is_required(hostile_marts, monkeypatch):
    at = run(hostile_marts, monkeypatch, secrets=AUTH, user={"is_logged_in": False})
    assert [b for b in at.button if b.label == "Inloggen"]
    assert not at.metric and not at.dataframe  # no figures before signing in
    at = run(hostile_marts, monkeypatch, secrets=AUTH, user={"is_logged_in": True, "email": "a@gemeente.nl"})
    assert at.title[0].value == "Veiligheid in de stad"
    assert [b for b in at.sidebar.button if b.label == "Uitloggen"]
