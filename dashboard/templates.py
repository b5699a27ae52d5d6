"""The chart templates of the dashboard, one function each, built once per publication.

Pages call these instead of building Altair charts themselves, so the cache keys are defined in one
place and `warm_up` can build everything in the background right after the first page is shown
(building a layered Altair chart takes 0.1–0.4 s; the first visitor of the Wijk page should not
wait for six of them).
"""

from __future__ import annotations

import threading

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from dashboard import charts, data
from pipeline.presentation import Marts


@st.cache_resource(max_entries=512, show_spinner=False)  # 190 gemeenten have their own category chart
def _spec(key: tuple, _build) -> dict:
    built = _build()
    return built if isinstance(built, dict) else charts.to_spec(built)  # validated once, here


def _get(marts: Marts, key: tuple, build) -> dict:
    """Read-only Vega-Lite dict; charts.with_data makes the per-selection copy."""
    return _spec((marts.publication_id, *key), build)


def _theme_order(marts: Marts) -> list[str]:
    return [t["label"] for t in data.method(marts)["themes"]]


def wijk_domain(marts: Marts) -> list[str]:
    """One time axis for every wijk page of a publication (years plus the agreements' looptijd)."""
    build = lambda: {"d": charts.timeline_domain(data.years(marts), marts["prestaties"])}  # noqa: E731
    return _get(marts, ("wijk_domein",), build)["d"]


def stad_trend(marts: Marts) -> dict:
    return _get(marts, ("stad_trend",), lambda: charts.index_trend(
        data.categories(marts), charts.year_domain(data.years(marts))))


def category_counts(marts: Marts, gemeente: str | None = None) -> dict:
    """Fully built (the data is the same for every selection); with a gemeente, of its wijken only."""
    categories = data.categories(marts)
    source = data.scoped(marts, gemeente) if gemeente not in (None, data.ALL_GEMEENTEN) else marts
    key = ("categorie_aantallen",) if gemeente in (None, data.ALL_GEMEENTEN) else ("categorie_aantallen", gemeente)
    return _get(marts, key, lambda: charts.with_data(
        charts.to_spec(charts.category_counts(categories)),
        {"counts": charts.category_counts_data(data.category_counts(source), categories)}))


def tile_grid(marts: Marts) -> tuple[int, int]:
    tiles = charts.tile_positions(marts["wijken"])
    return int(tiles["tile_x"].max()) + 1, int(tiles["tile_y"].max()) + 1


def tile_map(marts: Marts) -> dict:
    columns, rows = tile_grid(marts)
    return _get(marts, ("kaart", columns, rows), lambda: charts.tile_map(data.categories(marts), columns, rows))


def wijk_trend(marts: Marts) -> dict:
    return _get(marts, ("wijk_trend",), lambda: charts.index_trend(
        data.categories(marts), wijk_domain(marts), axis_extent=48))


def timeline(marts: Marts) -> dict:
    return _get(marts, ("tijdlijn",), lambda: charts.prestaties_timeline(wijk_domain(marts), axis_extent=48))


def theme_parts(marts: Marts) -> dict:
    return _get(marts, ("themas",), lambda: charts.theme_parts(data.categories(marts), _theme_order(marts)))


def contributions(marts: Marts) -> dict:
    return _get(marts, ("bijdragen",), lambda: charts.contributions(data.categories(marts), _theme_order(marts)))


def comparison(marts: Marts) -> dict:
    return _get(marts, ("vergelijking",), lambda: charts.comparison_lines(
        data.categories(marts), charts.year_domain(data.years(marts))))


MONTHLY_TITLES = {"politie": "Politie: misdrijven per maand", "meldingen": "Meldingen openbare ruimte per maand"}


def monthly(marts: Marts, source: str) -> dict:
    return _get(marts, ("maand", source), lambda: charts.monthly_lines(MONTHLY_TITLES[source]))


_warmed: set[str] = set()
_warm_lock = threading.Lock()


def warm_up(marts: Marts) -> None:
    """Build every template of this publication in a background thread (once per process)."""
    with _warm_lock:
        if marts.publication_id in _warmed:
            return
        _warmed.add(marts.publication_id)

    def build() -> None:
        for make in (stad_trend, category_counts, tile_map, wijk_trend, timeline, theme_parts, contributions,
                     comparison):
            make(marts)
        for source in MONTHLY_TITLES:
            monthly(marts, source)

    thread = threading.Thread(target=build, name="vi-sjablonen", daemon=True)
    ctx = get_script_run_ctx()
    if ctx is not None:  # lets st.cache_resource run in the thread without warnings
        add_script_run_ctx(thread, ctx)
    thread.start()
