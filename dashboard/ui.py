"""Shared Streamlit helpers: loading the publication (or saying plainly why not), the selected
wijk and year (session state mirrored in the URL so links and page switches keep them), and the
way a change and an indicatief figure are marked (the words themselves come from
pipeline.scorecard, so screen and CSV say the same)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import polars as pl
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard import data
from pipeline.presentation import Marts, indicative_note, neutralise, neutralise_frame

try:  # the run status of the alerts (issue 11); without it the dashboard shows no banner, as before
    from pipeline.presentation.run_status import refusal_banner as _refusal_banner
except ImportError:
    _refusal_banner = None

APP_TITLE = "Veiligheidsindex"  # the browser tab, and the page shell of dashboard/serve.py

WIJK = "vi_wijk"  # canonical selection in st.session_state (widgets have their own keys)
JAAR = "vi_jaar"
GEMEENTE = "vi_gemeente"  # only with more than one gemeente: a gemeente code or data.ALL_GEMEENTEN
PARAM_WIJK, PARAM_JAAR, PARAM_GEMEENTE = "wijk", "jaar", "gemeente"
PARAM_WEERGAVE = "weergave"  # the tab of the Stad page (?weergave=Rangorde)
ALL_GEMEENTEN_LABEL = "Alle gemeenten"


# ---------------------------------------------------------------------------------------------
# Text from the data or the URL

# Every ASCII punctuation mark that can start markdown, HTML, a Streamlit directive (:red[..],
# :material/..:), LaTeX ($), an autolink (http://, www., a@b) or a list/heading at the start of a line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:@&])")


# GFM turns bare URLs and e-mail addresses into links after parsing, escapes or not: an invisible
# word joiner after the scheme, 'www' and '@' keeps them text (and looking the same).
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp|mailto|xmpp)(?=:)|\bwww(?=\.)|@)")
WORD_JOINER = "\u2060"


def md(value) -> str:
    """A user-controlled string (names, partners, descriptions, URL values, file names) as literal
    text inside markdown: st.markdown/caption/title/alerts, labels and help texts. Line breaks
    become spaces (no new paragraph, list or heading); markdown's own backslash escapes keep every
    character visible as itself, and the reader sees no backslashes; bare URLs are not linked.
    Also safe inside inline HTML of unsafe_allow_html markdown (an escaped '<' is text); for an
    HTML block use html.escape."""
    if value is None:
        return ""
    text = _AUTOLINK.sub(lambda m: m.group(1) + WORD_JOINER, " ".join(str(value).split()))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def dataframe(table, **kwargs):
    """st.dataframe with every text cell neutralised against formula injection (export.neutralise),
    because its toolbar offers the table as CSV and a copy pastes into Excel. Accepts a polars or
    pandas frame or a pandas Styler (whose data is neutralised in place; apply styles to
    neutralised text, as the style functions here only look at leading symbols such as ✓ and ●)."""
    if isinstance(table, pl.DataFrame):
        table = neutralise_frame(table).to_pandas()
    elif isinstance(table, Styler):
        _neutralise_pandas(table.data)
    elif isinstance(table, pd.DataFrame):
        table = table.copy()
        _neutralise_pandas(table)
    return st.dataframe(table, **kwargs)


def _neutralise_pandas(frame: pd.DataFrame) -> None:
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: neutralise(v) if isinstance(v, str) else v)


# ---------------------------------------------------------------------------------------------
# Sign-in (optional: only when [auth] is configured in .streamlit/secrets.toml, docs/deployment.md)


def auth_provider() -> str | None | bool:
    """False without an [auth] section in the secrets; otherwise the provider to pass to st.login:
    None for a single provider configured in [auth] itself, else the first [auth.<name>]."""
    try:
        section = st.secrets["auth"] if "auth" in st.secrets else None
    except Exception:  # no secrets file (StreamlitSecretNotFoundError) or an unreadable one
        return False
    if section is None:
        return False
    if "client_id" in section:
        return None
    named = [key for key, value in section.items() if hasattr(value, "keys")]
    return named[0] if named else None


def require_login() -> None:
    """With sign-in configured: stop the run (before any figure) until the visitor is signed in,
    and offer a sign-out in the sidebar. Without it: nothing, the dashboard is open as before."""
    provider = auth_provider()
    if provider is False:
        return
    if not st.user.to_dict().get("is_logged_in", False):
        st.title("Veiligheidsindex")
        st.info("Dit dashboard is alleen toegankelijk na inloggen met uw account van de organisatie.")
        st.button("Inloggen", type="primary", icon=":material/login:", on_click=st.login,
                  args=(provider,) if provider else ())
        st.stop()
    who = st.user.to_dict().get("email") or st.user.to_dict().get("name") or ""
    with st.sidebar:
        if who:
            st.caption(f"Ingelogd als {md(who)}")
        st.button("Uitloggen", icon=":material/logout:", on_click=st.logout)


def load_or_stop(ensure_selection: bool = True) -> Marts:
    """The publication, or a Dutch explanation and st.stop() — never a traceback. With
    `ensure_selection` a page run on its own still gets a selected wijk and year."""
    try:
        marts = data.load()
    except data.MartsNotFound:
        st.title("Veiligheidsindex")
        st.info(
            f"Er zijn nog geen gepubliceerde cijfers in `{str(data.marts_dir()).replace('`', '')}`.\n\n"
            "Draai eerst de pipeline, bijvoorbeeld met `make run` of "
            "`.venv/bin/veiligheidsindex run`, en ververs daarna deze pagina. "
            f"Staan de cijfers ergens anders, zet dan de omgevingsvariabele `{data.ENV_VAR}` op die map.")
        st.stop()
    except data.PublicationInProgress as exc:
        st.title("Veiligheidsindex")
        st.warning(md(exc))
        st.button("Opnieuw proberen")
        st.stop()
    except data.MartsError as exc:
        st.title("Veiligheidsindex")
        st.error(f"De cijfers kunnen niet worden gelezen. {md(exc)}")
        st.stop()
    if ensure_selection and (WIJK not in st.session_state or JAAR not in st.session_state
                             or (GEMEENTE not in st.session_state and data.is_multi(marts))):
        sync_selection(marts)
    return marts


def sync_selection(marts: Marts, page_path: str | None = None) -> list[str]:
    """Bring the selected wijk, year and (with more than one gemeente) gemeente in line with the URL
    (validated against the publication) and write them back to the URL. Returns Dutch notes about
    ignored URL values. `page_path` is the page shown ('wijk' lets a linked wijk set its gemeente)."""
    names = data.wijk_names(marts, marts.publication_id)
    years = [str(y) for y in data.years(marts)]
    previous_wijk, url_wijk = st.session_state.get(WIJK), st.query_params.get(PARAM_WIJK)
    notes = []
    notes += _sync(PARAM_WIJK, WIJK, list(names), default=next(iter(names), None), what="De wijk")
    notes += _sync(PARAM_JAAR, JAAR, years, default=years[-1] if years else None, what="Het jaar")
    if data.is_multi(marts):  # one gemeente: no choice, the URL parameter means nothing (as before)
        notes += _sync_gemeente(marts, linked_wijk=url_wijk in names and url_wijk != previous_wijk,
                                on_wijk_page=page_path == "wijk")
    return notes


def _sync_gemeente(marts: Marts, linked_wijk: bool, on_wijk_page: bool) -> list[str]:
    """The gemeente from the URL (a code of the publication; anything else is ignored with a note;
    absent keeps the session's choice, which starts as "Alle gemeenten"), made consistent with the wijk:
    a wijk that newly came from the URL sets its gemeente when it is opened on the Wijk page or when
    the chosen gemeente does not hold it; otherwise the wijk follows the gemeente (its first wijk)."""
    valid = data.gemeenten(marts, data.cache_key(marts))
    notes = []
    url_value = st.query_params.get(PARAM_GEMEENTE)
    if url_value is not None and (url_value in valid or url_value == data.ALL_GEMEENTEN):
        st.session_state[GEMEENTE] = url_value
    elif url_value is not None:
        notes.append(f"De gemeente in de link (‘{md(url_value[:40])}’) bestaat niet in deze publicatie en is "
                     "genegeerd.")
    if st.session_state.get(GEMEENTE) not in valid:  # also "alle" itself
        st.session_state[GEMEENTE] = data.ALL_GEMEENTEN
    chosen, wijk = st.session_state[GEMEENTE], st.session_state.get(WIJK)
    own = data.wijk_gemeente(marts, data.cache_key(marts)).get(wijk)
    if linked_wijk and own is not None and own != chosen and (on_wijk_page or chosen != data.ALL_GEMEENTEN):
        st.session_state[GEMEENTE] = chosen = own
    elif chosen != data.ALL_GEMEENTEN and own != chosen:
        _first_wijk_of(marts, chosen)
    _gemeente_to_url(chosen)
    return notes


def _first_wijk_of(marts: Marts, gemeente: str) -> None:
    codes = data.gemeente_wijken(marts, data.cache_key(marts)).get(gemeente, [])
    if codes and st.session_state.get(WIJK) not in codes:
        st.session_state[WIJK] = codes[0]
        st.query_params[PARAM_WIJK] = codes[0]


def _gemeente_to_url(gemeente: str) -> None:
    """A gemeente into the URL; "Alle gemeenten" leaves it out (the default, as a fresh link starts)."""
    if gemeente == data.ALL_GEMEENTEN:
        st.query_params.pop(PARAM_GEMEENTE, None)
    elif st.query_params.get(PARAM_GEMEENTE) != gemeente:
        st.query_params[PARAM_GEMEENTE] = gemeente


def selected_gemeente(marts: Marts) -> str | None:
    """The chosen gemeente code, data.ALL_GEMEENTEN, or None for a publication of one gemeente."""
    if not data.is_multi(marts):
        return None
    value = st.session_state.get(GEMEENTE, data.ALL_GEMEENTEN)
    return value if value in data.gemeenten(marts, data.cache_key(marts)) else data.ALL_GEMEENTEN


def gemeente_name(marts: Marts, gemeente: str | None) -> str:
    if gemeente in (None, data.ALL_GEMEENTEN):
        return ALL_GEMEENTEN_LABEL
    return data.gemeenten(marts, data.cache_key(marts)).get(gemeente, gemeente)


def scope(marts: Marts) -> tuple[Marts, str | None]:
    """What a page shows: (the marts of the chosen gemeente, its code); (the whole publication,
    data.ALL_GEMEENTEN) for "Alle gemeenten"; (the publication, None) with one gemeente."""
    gemeente = selected_gemeente(marts)
    if gemeente in (None, data.ALL_GEMEENTEN):
        return marts, gemeente
    return data.scoped(marts, gemeente), gemeente


GEMEENTE_WIDTH = 320  # px: long names ("Súdwest-Fryslân") fit, and it stays a box, not a bar


def gemeente_selector(marts: Marts, container=st, width: int | str = GEMEENTE_WIDTH) -> str:
    """The gemeente choice (only shown with more than one gemeente): "Alle gemeenten" first, then the
    gemeenten by name; typing filters them (st.selectbox), so 190 names stay easy to find."""
    names = data.gemeenten(marts, data.cache_key(marts))
    st.session_state["gemeente_select"] = selected_gemeente(marts)
    container.selectbox("Gemeente", [data.ALL_GEMEENTEN, *names], key="gemeente_select",
                        format_func=lambda c: ALL_GEMEENTEN_LABEL if c == data.ALL_GEMEENTEN else names.get(c, c),
                        on_change=adopt_gemeente, args=(marts,), width=width,
                        help="Typ om een gemeente te zoeken. 'Alle gemeenten' is het totaal van de publicatie.")
    return selected_gemeente(marts)


def adopt_gemeente(marts: Marts) -> None:
    value = st.session_state["gemeente_select"]
    st.session_state[GEMEENTE] = value
    _gemeente_to_url(value)
    if value != data.ALL_GEMEENTEN:  # the wijk follows: the Wijk page lists only this gemeente's wijken
        _first_wijk_of(marts, value)


def _sync(param: str, key: str, valid: list[str], default: str | None, what: str) -> list[str]:
    notes = []
    url_value = st.query_params.get(param)
    if url_value is not None and url_value in valid:
        st.session_state[key] = url_value
    elif url_value is not None:
        notes.append(f"{what} in de link (‘{md(url_value[:40])}’) bestaat niet in deze publicatie en is genegeerd.")
    if st.session_state.get(key) not in valid:
        st.session_state[key] = default
    if st.session_state[key] is not None and st.query_params.get(param) != st.session_state[key]:
        st.query_params[param] = st.session_state[key]
    return notes


def selected_wijk() -> str:
    return st.session_state[WIJK]


def selected_year() -> int:
    return int(st.session_state[JAAR])


def _adopt(widget_key: str, key: str, param: str) -> None:
    value = st.session_state[widget_key]
    st.session_state[key] = value
    st.query_params[param] = value


YEAR_WIDTH = "content"  # the year choice at the top of a page is as wide as its years, wrapping on a phone


def year_selector(marts: Marts, container=st, width: int | str = YEAR_WIDTH) -> int:
    """The year choice bound to the shared selection: one button a year, oldest to newest, one
    always chosen. Buttons, not a select box: every year in sight, one click to change, and the
    browser draws the landing page's first chart ~0.15 s sooner (paired runs, issue 11)."""
    years = [str(y) for y in data.years(marts)]
    st.session_state["jaar_select"] = st.session_state[JAAR]
    container.segmented_control("Jaar", years, key="jaar_select", required=True, wrap=True, on_change=_adopt,
                                args=("jaar_select", JAAR, PARAM_JAAR), width=width,
                                help="Het jaar van de cijfers. Het basisjaar van de methode blijft altijd hetzelfde.")
    return selected_year()


def wijk_selector(marts: Marts, container=st) -> str:
    """The wijk choice: every wijk, or with a gemeente chosen only its wijken (over all gemeenten a
    name two gemeenten share carries its gemeente)."""
    names = data.wijk_names(marts, marts.publication_id)
    options = list(names)
    gemeente = selected_gemeente(marts)
    if gemeente == data.ALL_GEMEENTEN:
        names = data.wijk_labels(marts, data.cache_key(marts))
    elif gemeente is not None:
        options = data.gemeente_wijken(marts, data.cache_key(marts)).get(gemeente) or options
        if st.session_state[WIJK] not in options:  # a page run on its own, before sync_selection
            st.session_state[WIJK] = options[0]
    st.session_state["wijk_select"] = st.session_state[WIJK]
    container.selectbox("Wijk", options, key="wijk_select", format_func=lambda c: names.get(c, c),
                        on_change=_adopt, args=("wijk_select", WIJK, PARAM_WIJK))
    return selected_wijk()


# ---------------------------------------------------------------------------------------------
# Charts

# What a chart shows, in Dutch, for a screen reader (the chart's accessible name; Vega's own is
# "Vega visualization"), by the named dataset of its template (dashboard/charts.py). A spec's own
# `description` comes first, then its title; a chart with neither and not listed here is "Grafiek".
CHART_DESCRIPTIONS = {
    "points": "Lijngrafiek van de veiligheidsindex per jaar op de schaal van 1 (zeer onveilig) tot 10 (zeer veilig), "
              "met de 95%-onzekerheidsmarge als band en de categorieën als gekleurde vlakken; het gekozen jaar is "
              "omcirkeld.",
    "counts": "Gestapelde staafgrafiek van het aantal wijken per categorie per jaar, van onveilig onder tot veilig boven.",
    "tiles": "Schematische kaart: elk vakje is een wijk, ongeveer op zijn plek in de stad, gekleurd naar de categorie "
             "van de veiligheidsindex. De cijfers per wijk staan in de rangorde.",
    "vlakken": "Kaart van de wijken met hun grenzen, gekleurd naar de categorie van de veiligheidsindex. De cijfers "
               "per wijk staan in de rangorde.",
    "agreements": "Tijdlijn van de prestatieafspraken: elke balk loopt van de start tot het eind van een afspraak, "
                  "gekleurd naar wijk, gebied of hele stad. De afspraken staan ook in de tabel.",
    "parts": "Staafgrafiek per thema: de score uit registraties (objectief) en uit de enquête (subjectief), en de "
             "themascore met zijn 95%-interval. De cijfers staan in de tabel Thema's.",
    "contributions": "Staafgrafiek van de bijdrage van elk thema aan de verandering van de index sinds vorig jaar: "
                     "rechts veiliger, links onveiliger.",
    "series": "Lijngrafiek van de index van de wijk naast het gemiddelde van haar gebied, van wijken van hetzelfde "
              "type en van de stad.",
    "months": "Lijngrafieken per soort: het aantal per maand en het gemiddelde over 12 maanden.",
}
CHART_FALLBACK = "Grafiek"


def _title_text(spec: dict) -> str:
    """The chart's own title (top level, or the row header of small multiples), if any."""
    facet = spec.get("facet") if isinstance(spec.get("facet"), dict) else {}
    row = (spec.get("encoding") or {}).get("row") or facet.get("row") or {}
    for title in (spec.get("title"), row.get("title") if isinstance(row, dict) else None):
        text = title.get("text") if isinstance(title, dict) else title
        if isinstance(text, list):
            text = " ".join(str(t) for t in text)
        if isinstance(text, str) and text.strip():
            return text.strip()
    return ""


def chart_description(spec: dict) -> str:
    """The Dutch description of a chart for screen readers (see CHART_DESCRIPTIONS)."""
    own = spec.get("description")
    if isinstance(own, str) and own.strip():
        return own.strip()
    title = _title_text(spec)
    known = next((CHART_DESCRIPTIONS[name] for name in spec.get("datasets", {}) if name in CHART_DESCRIPTIONS), "")
    if title and known:
        return f"{title.rstrip('.')}. {known}"
    return title or known or CHART_FALLBACK


def accessible(spec: dict) -> dict:
    """A copy of the spec without Vega's English labels for axes ("X-axis for a time scale…") and raw
    field dumps per mark, which a screen reader would read out inside the chart (config.aria false:
    guides aria-hidden, no generated mark descriptions; also less for the browser to draw)."""
    config = spec.get("config", {})
    # titles (also the row headers of small multiples) say "Title text '…'" unless told not to
    return {**spec, "config": {**config, "aria": False, "title": {**config.get("title", {}), "aria": False}}}


def show_chart(spec_dict: dict, description: str | None = None, **kwargs):
    """Every chart of the dashboard: full width unless told otherwise, announced by a Dutch
    description (`description`, else chart_description of the spec) through Streamlit's `alt`,
    which becomes the chart's accessible name (instead of "Vega visualization")."""
    kwargs.setdefault("width", "stretch")
    return st.vega_lite_chart(spec=accessible(spec_dict), alt=description or chart_description(spec_dict), **kwargs)


UP, DOWN = "▲", "▼"
INDICATIEF = "indicatief"


def change_marker(judgement: str, significant: str, verschil: str) -> str:
    """A change as shown in lists and tables, from the exported strings (scorecard.headline):
    '▲ aantoonbaar veiliger (+0,7)', or the plain 'niet aantoonbaar veranderd (...)'; '–' for none."""
    if not judgement:
        return "–"
    if significant != "ja":
        return judgement
    return f"{DOWN if verschil.startswith('-') else UP} {judgement}"


def change_line(summary: dict) -> str:
    """The judgement of a headline change (scorecard.headline) as a line under its metric, wrapped,
    never cut off: green/red with an arrow when aantoonbaar, grey otherwise."""
    text = change_marker(summary["Oordeel verandering"], summary["Verandering aantoonbaar"],
                         summary["Verschil met vorig jaar"])
    if text == "–":
        return ""
    return f"<div style='{change_style(text)};font-size:0.9rem;margin:-0.6rem 0 0.6rem;line-height:1.35'>{escape(text)}</div>"


@dataclass
class Figure:
    """One headline figure: a label, its value (text, or value_html: escaped HTML such as a category
    badge), an optional explanation and an optional line under the value (HTML, e.g. change_line)."""
    label: str
    value: object
    help: str | None = None
    below: str = ""
    value_html: str | None = None


def figures(items: list[Figure], widths: list[float] | None = None, container=st) -> None:
    """The headline figures of a page in one HTML block, looking like st.metric in columns. Four
    metrics in columns are a dozen React elements with tooltip popovers, all rendered before the
    first chart below them (issue 11: first chart within 1.5x a bare app); this is one. The
    explanation opens on hover and on focus (a tap on a phone), and is the "?"'s accessible name.
    Phones get two figures a row (PAGE_STYLE). Every text is html-escaped here."""
    cells = []
    for item in items:
        tip = ""
        if item.help:
            text = escape(item.help.strip()).replace("\n\n", "<br><br>").replace("\n", " ")
            tip = (f"<span class='vi-help' tabindex='0' role='button' aria-label='Uitleg: {escape(item.help, quote=True)}'>?"
                   f"<span class='vi-tip' role='tooltip'>{text}</span></span>")
        value = item.value_html if item.value_html is not None else escape(str(item.value))
        cells.append(f"<div class='vi-figure' data-label='{escape(item.label, quote=True)}' "
                     f"data-value='{escape(str(item.value), quote=True)}'>"
                     f"<div class='vi-figure-label'>{escape(item.label)}{tip}</div>"
                     f"<div class='vi-figure-value'>{value}</div>{item.below}</div>")
    columns = " ".join(f"minmax(0, {w}fr)" for w in (widths or [1] * len(items)))
    container.markdown(f"<div class='vi-figures' style='--vi-columns: {columns}'>{''.join(cells)}</div>",
                       unsafe_allow_html=True)


def change_style(text: str) -> str:
    """CSS for a change cell: colour only for a significant change, grey when it is not aantoonbaar."""
    if text.startswith(UP):
        return "color: #1e8449; font-weight: 600"
    if text.startswith(DOWN):
        return "color: #c0392b; font-weight: 600"
    return "color: #7a7a7a"


def indicatief_badge(marts: Marts) -> str:
    """An inline 'indicatief' label with its explanation on hover (markdown with inline HTML)."""
    return (f"<span title='{escape(indicative_note(marts), quote=True)}' style='background:#fdebd0;color:#7e5109;"
            "padding:1px 8px;border-radius:8px;font-size:0.8em;font-weight:600;cursor:help;white-space:nowrap'>"
            f"{INDICATIEF}</span>")


def category_badge(category: str | None, colour: str | None) -> str:
    """A coloured label for a category (HTML for inside an HTML block: html-escaped, not md)."""
    if not category:
        return ""
    return (f"<span style='background:{escape(str(colour), quote=True)};color:#1a1a1a;padding:2px 10px;"
            f"border-radius:10px;font-weight:600'>{escape(category)}</span>")


def colour_of(category: str | None, marts: Marts | None = None) -> str | None:
    for c in data.categories(marts):
        if c["category"] == category:
            return c["colour"]
    return None


# ---------------------------------------------------------------------------------------------
# Navigation

# Not "pages/": Streamlit treats a pages/ folder beside the entry point as a legacy multipage app and
# would run a directly opened page (/wijk?wijk=...) without app.py on a freshly started server.
PAGES_DIR = Path(__file__).resolve().parent / "views"
PAGE_SPECS = {  # url_path -> (file, title, icon)
    "stad": ("stad.py", "Stad", ":material/location_city:"),
    "wijk": ("wijk.py", "Wijk", ":material/home_pin:"),
    "prestaties": ("prestaties.py", "Prestaties", ":material/handshake:"),
    "datakwaliteit": ("datakwaliteit.py", "Datakwaliteit", ":material/fact_check:"),
    "methode": ("methode.py", "Methode", ":material/menu_book:"),
}
DEFAULT_PAGE = "stad"
# Streamlit serves the default page at the root only and reserves its url_path, so /stad would say
# "Page not found": the default page gets a name no link uses, and /stad a hidden page with the same script.
DEFAULT_PAGE_KEY = "start"
YEAR_PAGES = {"", "stad", "wijk"}  # pages that use the selected year ("" = the default page)
GEMEENTE_PAGES = YEAR_PAGES | {"prestaties"}  # pages that show one gemeente (with more than one)


def page(url_path: str) -> st.Page:
    """A page object (equal to the one in the navigation: same script) for links and switch_page."""
    file, title, icon = PAGE_SPECS[url_path]
    if url_path == DEFAULT_PAGE:
        return st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=DEFAULT_PAGE_KEY, default=True)
    return st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=url_path)


def make_pages() -> list:
    file, title, icon = PAGE_SPECS[DEFAULT_PAGE]
    alias = st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=DEFAULT_PAGE, visibility="hidden")
    return [page(p) for p in PAGE_SPECS] + [alias]


def page_paths() -> set[str]:
    """The URL paths of the pages that are not the default page (dashboard/serve.py sends every other
    path, /stad included, to the root: one address per page and the menu shows where you are)."""
    return set(PAGE_SPECS) - {DEFAULT_PAGE}


def tab_title(current: st.Page) -> str:
    return f"{current.title} · {APP_TITLE}"


def go_to_wijk(wijk_code: str) -> None:
    """Select a wijk and open its page (the code is validated by the caller against the publication)."""
    st.session_state[WIJK] = wijk_code
    st.switch_page(page("wijk"))  # the next run writes wijk and jaar into the URL (sync_selection)


def local_time(value) -> str:
    """A publication timestamp in Dutch local time: '22-11-2026 18:37'."""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y %H:%M")
    except (ValueError, KeyError):
        return str(value)


def refusal_banner(marts: Marts) -> str | None:
    """The Dutch banner when the latest delivery on this publication's raw folder was refused
    (pipeline.presentation.run_status), else None."""
    return _refusal_banner(marts) if _refusal_banner is not None else None


# Phone layout (every page; a <style> block only, which st.html puts out of the flow). Below 640 px
# Streamlit stacks the columns itself; what it leaves: a chart of fixed size (the tile map, the monthly
# small multiples) makes its column as wide as itself, which the page then cuts off at the right,
# captions beside it included. Columns may shrink to the screen and such a chart scrolls sideways in
# its own box (its names stay readable and a tap still hits the wijk). On a wide screen nothing changes.
PAGE_STYLE = """<style>
/* headline figures (figures()): the look of st.metric */
.vi-figures { display: grid; grid-template-columns: var(--vi-columns); gap: 1rem; margin-bottom: 0.5rem; }
.vi-figure-label { font-size: 0.875rem; line-height: 1.6; color: rgb(49, 51, 63); position: relative; }
.vi-figure-value { font-size: 2.25rem; line-height: 1.3; padding-bottom: 0.25rem; white-space: nowrap; }
.vi-help { display: inline-block; margin-left: 0.35rem; width: 1rem; height: 1rem; line-height: 0.95rem;
  border: 1px solid #a3a8b8; border-radius: 50%; color: #6b6f7b; font-size: 0.7rem; text-align: center;
  cursor: help; vertical-align: 0.05rem; }
.vi-tip { display: none; position: absolute; left: 0; top: 1.6rem; z-index: 10; width: min(22rem, 80vw);
  padding: 0.5rem 0.75rem; background: #fff; color: rgb(49, 51, 63); border-radius: 0.5rem;
  box-shadow: 0 2px 10px rgba(0, 0, 0, 0.2); font-size: 0.875rem; line-height: 1.45; text-align: left; }
.vi-help:hover .vi-tip, .vi-help:focus .vi-tip { display: block; }
.vi-figure:last-child .vi-tip { left: auto; right: 0; }  /* stays on the screen */
@media (max-width: 640px) {
  .vi-figures { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .vi-figure-value { font-size: 1.6rem; white-space: normal; }
  .vi-figure:nth-child(odd) .vi-tip { left: 0; right: auto; }
  .vi-figure:nth-child(even) .vi-tip { left: auto; right: 0; }
  [data-testid="stColumn"] { max-width: 100%; }
  [data-testid="stVerticalBlock"], [data-testid="stElementContainer"] { min-width: 0; max-width: 100%; }
  [data-testid="stVegaLiteChart"] { max-width: 100%; overflow-x: auto; overflow-y: hidden; }
  [data-testid="stMainBlockContainer"] { padding-left: 0.75rem; padding-right: 0.75rem; overflow-wrap: anywhere; }
  /* Streamlit's own heading rule is more specific than a bare h1; a heading never breaks mid-word */
  [data-testid="stMain"] [data-testid="stHeading"] h1 { font-size: 1.9rem !important; overflow-wrap: normal; }
}
</style>"""


def page_style() -> None:
    st.html(PAGE_STYLE)


PHONE_WIDTHS = (640, 480, 420, 390, 360, 320)  # px: the narrow viewports, widest first (later rules win)


def fit_on_phone(key: str, chart_width: int) -> None:
    """A chart of fixed size (the tile map) shrinks to the screen on a phone instead of being cut
    off: CSS zoom per viewport band, so a tap still hits the tile under the finger (the zoom is
    applied to layout, unlike a transform). Wider screens show it at its own size."""
    rules = []
    for width in PHONE_WIDTHS:
        zoom = min(1.0, (width - 40) / chart_width)  # less the page's side padding
        if zoom < 1.0:
            rules.append(f"@media (max-width: {width}px) {{ .st-key-{key} [data-testid=\"stVegaLiteChart\"] "
                         f"{{ zoom: {zoom:.3f}; overflow: visible; }} }}")
    if rules:
        st.html("<style>" + "\n".join(rules) + "</style>")


def publication_caption(marts: Marts) -> str:
    m = marts.manifest
    return (f"Cijfers gepubliceerd op {md(local_time(m.get('gepubliceerd_op', '')))} · methode "
            f"{md(m.get('methode', '?'))} · basisjaar {md(m.get('basisjaar', '?'))}")
