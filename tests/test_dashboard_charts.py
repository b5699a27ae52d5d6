"""Chart templates + data (dashboard/charts.py): the joined Vega-Lite specs are valid and carry the
mart values with the same Dutch rounding as the tables."""

from __future__ import annotations

import polars as pl
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema

from dashboard import charts, data
from pipeline.method import load_method
from pipeline.presentation import read_marts, theme_values, wijk_prestaties
from tests.test_dashboard_apptest import SPANGEN, dutch, golden_marts_dir

SCHEMA = load_schema()


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    return read_marts(golden_marts_dir(tmp_path_factory))


def valid(spec: dict) -> dict:
    validate_jsonschema(spec, SCHEMA)
    return spec


def test_templates_with_data_are_valid_vega_lite(marts):
    categories = data.categories(marts)
    years = data.years(marts)
    domain = charts.timeline_domain(years, marts["prestaties"])
    order = [t["label"] for t in load_method()["themes"]]
    themes = theme_values(marts, SPANGEN, 2022)  # numbers: charts never parse display text

    trend = valid(charts.with_data(charts.index_trend(categories, domain).to_dict(),
                                   {"points": charts.index_points(data.wijk_series(marts, SPANGEN), 2022)}))
    points = trend["datasets"]["points"]
    wi = data.wijk_series(marts, SPANGEN)
    # every golden wijk-year has fewer than 100 respondents: indicatief in the tooltip and an open dot
    assert [p["Index"] for p in points] == [f"{dutch(v)} (indicatief)" for v in wi["index"].to_list()]
    assert all(p["indicatief"] for p in points)
    assert [p["Interval"] for p in points] == [f"{dutch(lo)} – {dutch(hi)}"
                                               for lo, hi in zip(wi["ci_laag"].to_list(), wi["ci_hoog"].to_list())]
    assert [p["selected"] for p in points].count(True) == 1

    prestaties = wijk_prestaties(marts, SPANGEN)
    timeline = valid(charts.with_data(charts.prestaties_timeline(domain).to_dict(),
                                      {"agreements": charts.timeline_data(prestaties, domain, SPANGEN)},
                                      height=charts.timeline_height(prestaties.height)))
    assert {r["Niveau"] for r in timeline["datasets"]["agreements"]} <= {"Deze wijk", "Gebied", "Hele stad"}

    parts = valid(charts.with_data(charts.theme_parts(categories, order).to_dict(),
                                   {"parts": charts.theme_parts_data(themes)}))["datasets"]["parts"]
    # the theme score with its 95% interval from the mart, beside the two parts
    mart = marts["thema_scores"].filter((pl.col("wijk_code") == SPANGEN) & (pl.col("jaar") == 2022))
    scores = {r["Thema"]: r for r in parts if r["Deel"] == charts.THEME_SCORE}
    assert len(scores) == len(order)
    for t in mart.iter_rows(named=True):
        shown = scores[t["thema"].capitalize()]
        assert shown["Interval"] == f"{dutch(t['ci_laag'])} – {dutch(t['ci_hoog'])}"
        assert abs(shown["low"] - t["ci_laag"]) < 0.051 and abs(shown["high"] - t["ci_hoog"]) < 0.051
    frame, limit = charts.contributions_data(themes)
    spec = valid(charts.with_data(charts.contributions(categories, order).to_dict(), {"contributions": frame},
                                  params={"limit": limit}))
    assert [p["value"] for p in spec["params"] if p["name"] == "limit"] == [limit]
    total = sum(r["contribution"] for r in spec["datasets"]["contributions"])
    verschil = wi.filter(pl.col("jaar") == 2022)["verschil"].item()
    assert abs(total - verschil) < 0.01 * len(order)  # contributions (rounded to 0,01) add up to the change

    points, low, high = charts.comparison_data(data.comparison(marts, SPANGEN))
    valid(charts.with_data(charts.comparison_lines(categories, charts.year_domain(years)).to_dict(),
                           {"series": points}, params={"y_low": low, "y_high": high}))
    assert low <= points["index"].min() and high >= points["index"].max()

    for source in ("politie", "meldingen"):
        valid(charts.with_data(charts.monthly_lines("x").to_dict(),
                               {"months": charts.monthly_data(data.monthly(marts, source, SPANGEN))}))

    tiles = charts.tile_positions(marts["wijken"])
    tile_spec = valid(charts.with_data(
        charts.tile_map(categories, int(tiles["tile_x"].max()) + 1, int(tiles["tile_y"].max()) + 1).to_dict(),
        {"tiles": charts.tile_data(data.wijk_year(marts, 2022))}))
    assert len(tile_spec["datasets"]["tiles"]) == marts["wijken"].height
    assert all(t["Index"].endswith(" (indicatief)") for t in tile_spec["datasets"]["tiles"])
    valid(charts.with_data(charts.category_counts(categories).to_dict(),
                           {"counts": charts.category_counts_data(data.category_counts(marts), categories)}))


def test_category_colours_come_from_the_method():
    categories = data.categories()
    scale = charts.category_scale(categories).to_dict()
    assert scale["range"] == [c["colour"] for c in load_method()["categories"]]
    assert scale["domain"][0] == "Onveilig" and scale["domain"][-1] == "Veilig"


def test_tile_map_falls_back_to_a_grid(marts):
    wijken = marts["wijken"].with_columns(pl.lit(None, pl.Int64).alias("tile_x"))
    grid = charts.tile_positions(wijken)
    assert grid["tile_x"].null_count() == 0 and grid.select("tile_x", "tile_y").is_duplicated().sum() == 0
    assert charts.tile_positions(marts["wijken"].drop("tile_x", "tile_y")).height == marts["wijken"].height


def test_template_is_not_modified_by_with_data(marts):
    template = charts.contributions(data.categories(), ["Diefstal"]).to_dict()
    before = repr(template)
    charts.with_data(template, {"contributions": pl.DataFrame({"Thema": ["Diefstal"], "bijdrage": [0.1]})},
                     params={"limit": 0.5}, height=100)
    assert repr(template) == before


def _exprs(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["expr"]] if isinstance(node.get("expr"), str) else []
        return found + [e for v in node.values() for e in _exprs(v)]
    if isinstance(node, list):
        return [e for v in node for e in _exprs(v)]
    return []


def test_expressions_only_use_declared_parameters():
    """A scale domain driven by a parameter must name a parameter that exists (a typo draws nothing)."""
    import re
    categories = data.categories()
    domain = ["2019-01-01", "2022-12-31"]
    for chart in (charts.contributions(categories, ["Diefstal"]), charts.comparison_lines(categories, domain)):
        spec = chart.to_dict()
        declared = {p["name"] for p in spec.get("params", [])}
        for expr in _exprs(spec):
            assert set(re.findall(r"[A-Za-z_]\w*", expr)) <= declared, expr
