"""Altair chart builders, pure (no Streamlit), in two halves per chart:

* a *template*: an Altair chart whose data is a named dataset (and, where the scale depends on
  the data, a Vega-Lite parameter). It depends only on the publication (categories, years), so the
  dashboard builds it once and keeps its Vega-Lite dict;
* a *data* function: polars in, the small frame(s) for that dataset out.

`with_data(spec, datasets, params)` joins them. Why: building and validating a layered Altair
chart costs 100–400 ms, which would make every change of wijk or year slow; swapping a few
hundred rows into a cached spec costs about a millisecond.

Conventions: category colours come from the method config (never hard-coded here); the index axis
is the full 1–10 scale unless a chart compares lines, so a +0.2 looks as small as it is;
tooltips show the same Dutch-formatted strings as tables and CSV (pipeline.scorecard.fmt_num).
"""

from __future__ import annotations

import itertools
import math
from datetime import date

import altair as alt
import polars as pl

from pipeline.presentation import category_label, fmt_date, fmt_interval, fmt_num, join_interval, rag_text, status_label
from pipeline.presentation.maps import has_tiles, tile_grid_needed

NO_INDEX = "Geen index"
NO_INDEX_COLOUR = "#d9d9d9"
# Colours for lines and parts that do not clash with the red-to-green category colours.
SERIES_COLOURS = ["#1f4e79", "#7b3294", "#17a2b8", "#8c8c8c"]
THEME_SCORE = "Themascore met 95%-interval"
PART_COLOURS = {"Objectief": "#1f4e79", "Subjectief": "#9ab8d8", THEME_SCORE: "#1a1a1a"}
INDICATIEF_SUFFIX = " (indicatief)"  # beside a wijk-year figure from fewer than 100 respondents
LEVEL_COLOURS = {"Deze wijk": "#1f4e79", "Gebied": "#7b3294", "Hele stad": "#8c8c8c"}
INDEX_MIN, INDEX_MAX = 1.0, 10.0
INDEX_SCALE = alt.Scale(domain=[INDEX_MIN, INDEX_MAX], nice=False, zero=False)


# --------------------------------------------------------------------------------------------------
# Joining template and data


def records(frame: pl.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: dates as ISO strings, NaN as null."""
    casts = [pl.col(c).dt.strftime("%Y-%m-%d") for c, t in frame.schema.items() if t in (pl.Date, pl.Datetime)]
    if casts:
        frame = frame.with_columns(casts)
    rows = frame.to_dicts()
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and math.isnan(value):
                row[key] = None
    return rows


def with_data(spec: dict, datasets: dict[str, pl.DataFrame | list[dict]], params: dict | None = None, **top) -> dict:
    """A copy of a template spec with its named datasets filled in, parameter values set and
    top-level properties (e.g. height) replaced. The template itself is not modified. A dataset is
    a polars frame, or a list of ready JSON rows (the map's GeoJSON features)."""
    out = dict(spec)
    out["datasets"] = {**spec.get("datasets", {}),
                       **{name: records(f) if isinstance(f, pl.DataFrame) else list(f) for name, f in datasets.items()}}
    if params:
        out["params"] = [{**p, "value": params[p["name"]]} if p.get("name") in params else p
                         for p in spec.get("params", [])]
    out.update(top)
    return out


# Dutch number and date formatting inside the charts (axis labels such as "0,05", month names).
LOCALE = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]},
    "time": {"dateTime": "%a %e %B %Y %X", "date": "%d-%m-%Y", "time": "%H:%M:%S",
             "periods": ["AM", "PM"],
             "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
             "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
             "months": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                        "oktober", "november", "december"],
             "shortMonths": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]},
}


def to_spec(chart: alt.TopLevelMixin) -> dict:
    """The validated Vega-Lite dict of a template, with Dutch number and date formatting."""
    spec = chart.to_dict()
    spec["config"] = {**spec.get("config", {}), "locale": LOCALE}
    return spec


def _named(name: str) -> alt.NamedData:
    return alt.NamedData(name=name)


# --------------------------------------------------------------------------------------------------
# Shared pieces


def category_scale(categories: list[dict], with_missing: bool = False) -> alt.Scale:
    domain = [category_label(c["category"]) for c in categories]
    colours = [c["colour"] for c in categories]
    if with_missing:
        domain, colours = domain + [NO_INDEX], colours + [NO_INDEX_COLOUR]
    return alt.Scale(domain=domain, range=colours)


def bands_frame(categories: list[dict], low: float = INDEX_MIN, high: float = INDEX_MAX) -> pl.DataFrame:
    rows = []
    for c in categories:
        lower = max(low, c["lower"] if math.isfinite(c["lower"]) else low)
        upper = min(high, c["upper"] if math.isfinite(c["upper"]) else high)
        if upper > lower:
            rows.append({"categorie": category_label(c["category"]), "lower": lower, "upper": upper,
                         "middle": (lower + upper) / 2})
    return pl.DataFrame(rows)


def _bands(categories: list[dict], axis: str = "y", scale: alt.Scale = INDEX_SCALE, labels: bool = True) -> list:
    """Faint bands, one per category (horizontal for axis='y'), with the category name at the left."""
    data = alt.InlineData(values=records(bands_frame(categories)))
    position = alt.X("lower:Q", scale=scale) if axis == "x" else alt.Y("lower:Q", scale=scale)
    rect = alt.Chart(data).mark_rect(opacity=0.18, clip=True).encode(
        **{axis: position, f"{axis}2": "upper:Q"},
        color=alt.Color("categorie:N", scale=category_scale(categories), legend=None))
    if not labels or axis != "y":
        return [rect]
    text = alt.Chart(data).mark_text(align="left", baseline="middle", dx=4, fontSize=10, color="#666",
                                     clip=True).encode(y=alt.Y("middle:Q", scale=scale), x=alt.value(0),
                                                       text="categorie:N")
    return [rect, text]


def year_domain(years: list[int], extra: list[date] | None = None) -> list[str]:
    dates = [date(min(years), 1, 1), date(max(years), 12, 31), *(extra or [])]
    return [min(dates).isoformat(), max(dates).isoformat()]


def timeline_domain(years: list[int], prestaties: pl.DataFrame | None = None, future_years: int = 2) -> list[str]:
    """Time axis of the wijk page: the published years plus the agreements' looptijd, at most
    `future_years` beyond the data (an agreement until 2035 must not squash ten years of index)
    and not before the first year. One domain for the whole publication keeps wijk pages alike."""
    extra = []
    if prestaties is not None and prestaties.height:
        limit = date(max(years) + future_years, 12, 31)
        extra = [min(d, limit) for d in prestaties.get_column("einddatum").drop_nulls().to_list()]
    return year_domain(years, extra)


def year_axis(domain: list[str] | None, **kwargs) -> alt.Axis:
    """Year labels in the middle of each year, under the yearly points (which sit on 1 July)."""
    if not domain:
        return alt.Axis(format="%Y", tickCount="year", grid=False, **kwargs)
    first, last = int(domain[0][:4]), int(domain[1][:4])
    values = [f"{y}-07-01" for y in range(first, last + 1)]
    return alt.Axis(format="%Y", values=values, grid=False, labelOverlap=True, **kwargs)


def _mid_year(year: int) -> str:
    return f"{int(year)}-07-01"  # a yearly figure sits in the middle of its year on a time axis


# --------------------------------------------------------------------------------------------------
# Index over time (city and wijk)


def index_points(series: pl.DataFrame, selected_year: int | None = None) -> pl.DataFrame:
    """Published years of one series with display strings; `segment` breaks the line at a year
    without index; `selected` marks the selected year; `indicatief` (wijk-years with few
    respondents) draws an open dot and says so in the tooltip."""
    frame = (series.sort("jaar").with_columns(pl.col("index").is_null().cum_sum().alias("segment"))
             .filter(pl.col("index").is_not_null()))
    rows = [{
        "date": _mid_year(r["jaar"]), "index": r["index"], "ci_laag": r["ci_laag"], "ci_hoog": r["ci_hoog"],
        "segment": r["segment"], "Jaar": str(r["jaar"]),
        "Index": fmt_num(r["index"]) + (INDICATIEF_SUFFIX if r.get("indicatief") else ""),
        "Interval": fmt_interval(r["ci_laag"], r["ci_hoog"], r["index"]),
        "selected": selected_year is not None and r["jaar"] == selected_year,
        "indicatief": bool(r.get("indicatief")),
        **({"Reeks": r["reeks"], "sort_key": r["sort_key"]} if "reeks" in r else {}),
    } for r in frame.to_dicts()]
    return pl.DataFrame(rows, schema={
        "date": pl.String, "index": pl.Float64, "ci_laag": pl.Float64, "ci_hoog": pl.Float64,
        "segment": pl.Int64, "Jaar": pl.String, "Index": pl.String, "Interval": pl.String, "selected": pl.Boolean,
        "indicatief": pl.Boolean,
        **({"Reeks": pl.String, "sort_key": pl.Int64} if "reeks" in series.columns else {})})


def index_trend(categories: list[dict], domain: list[str], height: int = 260, colour: str = "#1f4e79",
                axis_extent: int | None = None) -> alt.LayerChart:
    """Template (dataset 'points' = index_points): index per year with its 95% band on the 1–10
    scale, category bands behind, the selected year ringed. `axis_extent` fixes the y-axis width so
    a chart below can line up its time axis."""
    points = _named("points")
    x = alt.X("date:T", title=None, axis=year_axis(domain), scale=alt.Scale(domain=domain))
    axis = alt.Axis(minExtent=axis_extent, maxExtent=axis_extent) if axis_extent else alt.Axis()
    y = alt.Y("index:Q", title=None if axis_extent else "Index (1–10)", scale=INDEX_SCALE, axis=axis)
    tooltip = [alt.Tooltip("Jaar:N"), alt.Tooltip("Index:N"), alt.Tooltip("Interval:N", title="95%-interval")]
    band = alt.Chart(points).mark_area(opacity=0.25, color=colour).encode(
        x=x, y=alt.Y("ci_laag:Q", scale=INDEX_SCALE, axis=axis, title=None), y2="ci_hoog:Q", detail="segment:N")
    line = alt.Chart(points).mark_line(color=colour, strokeWidth=2.5).encode(x=x, y=y, detail="segment:N")
    # an open dot: the year is indicatief (fewer than 100 respondents)
    dots = alt.Chart(points).mark_point(color=colour, filled=True, size=45, strokeWidth=1.5).encode(
        x=x, y=y, tooltip=tooltip, stroke=alt.value(colour),
        fill=alt.condition("datum.indicatief", alt.value("white"), alt.value(colour)))
    ring = alt.Chart(points).transform_filter("datum.selected").mark_point(
        color=colour, size=260, strokeWidth=2).encode(x=x, y=y, tooltip=tooltip)
    return alt.layer(*_bands(categories), band, line, dots, ring, height=height)


def category_counts_data(counts: pl.DataFrame, categories: list[dict]) -> pl.DataFrame:
    order = {category_label(c["category"]): i for i, c in enumerate(categories)}
    frame = counts.with_columns(
        pl.col("categorie").map_elements(category_label, return_dtype=pl.String).fill_null(NO_INDEX)
        .alias("Categorie"),
        pl.col("jaar").cast(pl.String).alias("Jaar"))
    return frame.with_columns(pl.col("Categorie").replace_strict(order, default=len(order)).alias("sort_key"))


def category_counts(categories: list[dict], height: int = 260) -> alt.Chart:
    """Template (dataset 'counts' = category_counts_data): stacked bars, wijken per category
    per year, onveilig at the bottom, veilig on top (and first in the legend)."""
    scale = category_scale(categories, with_missing=True)
    scale = alt.Scale(domain=scale.domain[::-1], range=scale.range[::-1])
    return alt.Chart(_named("counts")).mark_bar().encode(
        x=alt.X("Jaar:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("wijken:Q", title="Aantal wijken", stack="zero"),
        color=alt.Color("Categorie:N", scale=scale, legend=alt.Legend(title=None, orient="right")),
        order=alt.Order("sort_key:Q", sort="ascending"),
        tooltip=[alt.Tooltip("Jaar:N"), alt.Tooltip("Categorie:N"), alt.Tooltip("wijken:Q", title="Wijken")],
    ).properties(height=height)


# --------------------------------------------------------------------------------------------------
# Tile map


def tile_positions(wijken: pl.DataFrame) -> pl.DataFrame:
    """tile_x/tile_y from wijken.parquet. A wijk without a tile position is left out (the page names
    it under the map: presentation.maps.without_tile); only when no wijk has one does a plain grid
    (by gebied, then name) place them all."""
    if not tile_grid_needed(wijken):
        return wijken.filter(has_tiles())
    ordered = wijken.sort("gebied_naam", "wijk_naam")
    columns = max(1, math.ceil(math.sqrt(ordered.height * 1.5)))
    return ordered.with_row_index("_i").with_columns(
        (pl.col("_i") % columns).cast(pl.Int64).alias("tile_x"),
        (pl.col("_i") // columns).cast(pl.Int64).alias("tile_y")).drop("_i")


def _map_fields() -> list[pl.Expr]:
    """The fields of a wijk on either map: selection key, tooltip texts and the category colour."""
    return [
        "wijk_code",
        pl.col("wijk_naam").alias("Wijk"), pl.col("gebied_naam").alias("Gebied"),
        pl.col("categorie").map_elements(category_label, return_dtype=pl.String).fill_null(NO_INDEX).alias("Categorie"),
        (pl.col("index").map_elements(fmt_num, return_dtype=pl.String)
         + pl.when(pl.col("indicatief")).then(pl.lit(INDICATIEF_SUFFIX)).otherwise(pl.lit(""))
         ).fill_null("–").alias("Index"),
    ]


MAP_TOOLTIP = ("Wijk:N", "Gebied:N", "Index:N", "Categorie:N")


def _map_tooltip() -> list[alt.Tooltip]:
    return [alt.Tooltip(field) for field in MAP_TOOLTIP]


def tile_data(wijken_year: pl.DataFrame) -> pl.DataFrame:
    frame = tile_positions(wijken_year)
    return frame.select(
        *_map_fields(),
        (pl.col("tile_x") + 0.04).alias("x0"), (pl.col("tile_x") + 0.96).alias("x1"),
        (pl.col("tile_y") + 0.04).alias("y0"), (pl.col("tile_y") + 0.96).alias("y1"),
        (pl.col("tile_x") + 0.5).alias("xm"), (pl.col("tile_y") + 0.5).alias("ym"),
        pl.col("wijk_naam").map_elements(_tile_label, return_dtype=pl.String).alias("short"),
    )


TILE = 50  # px per tile: a two-line wijk name stays readable


def tile_map(categories: list[dict], columns: int, rows: int, tile: int = TILE) -> alt.LayerChart:
    """Template (dataset 'tiles' = tile_data): one square per wijk, coloured by category; a click
    selects the wijk (selection 'wijk' on wijk_code)."""
    xs = alt.Scale(domain=[0, columns], nice=False, zero=False)
    ys = alt.Scale(domain=[0, rows], nice=False, zero=False, reverse=True)
    select = alt.selection_point(name="wijk", fields=["wijk_code"], on="click", clear="dblclick")
    tooltip = _map_tooltip()
    base = alt.Chart(_named("tiles"))
    rect = base.mark_rect(cornerRadius=3, stroke="white", strokeWidth=1, cursor="pointer").encode(
        x=alt.X("x0:Q", scale=xs, axis=None), x2="x1:Q",
        y=alt.Y("y0:Q", scale=ys, axis=None), y2="y1:Q",
        color=alt.Color("Categorie:N", scale=category_scale(categories, with_missing=True),
                        legend=alt.Legend(title=None, orient="bottom", direction="horizontal", columns=3)),
        tooltip=tooltip,
    ).add_params(select)
    text = base.mark_text(fontSize=9, color="#1a1a1a", lineBreak="\n", cursor="pointer").encode(
        x=alt.X("xm:Q", scale=xs, axis=None), y=alt.Y("ym:Q", scale=ys, axis=None), text="short:N", tooltip=tooltip)
    return alt.layer(rect, text, width=columns * tile, height=rows * tile)


# --------------------------------------------------------------------------------------------------
# Map of the real wijk boundaries (mart wijk_geometrie, from areas/*.geojson)


def _ring_area(ring: list) -> float:
    """Twice the signed area of a ring in lon/lat: positive = counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(ring))


def _d3_polygon(rings: list) -> list:
    """One polygon wound as Vega's d3-geo wants it: the exterior clockwise, holes counter-clockwise
    (the opposite of RFC 7946; a wrongly wound ring is drawn as the whole globe minus the wijk)."""
    out = []
    for i, ring in enumerate(rings):
        clockwise = _ring_area(ring) < 0
        out.append(ring if clockwise == (i == 0) else ring[::-1])
    return out


def d3_geometry(geometry: dict) -> dict:
    """A GeoJSON Polygon/MultiPolygon (wijk_geometrie: RFC 7946) rewound for d3-geo."""
    if geometry.get("type") == "Polygon":
        return {"type": "Polygon", "coordinates": _d3_polygon(geometry["coordinates"])}
    if geometry.get("type") == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [_d3_polygon(p) for p in geometry["coordinates"]]}
    raise ValueError(f"geen vlak: {geometry.get('type')}")


def geo_shapes(geometry: pl.DataFrame) -> dict[str, dict]:
    """wijk_code -> its boundary ready for the map (parsed and rewound once per publication).
    A geometry that is not readable polygon JSON is left out (the mart's checks rule it out)."""
    import json

    shapes = {}
    for code, text in geometry.select("wijk_code", "geometry").iter_rows():
        try:
            shapes[code] = d3_geometry(json.loads(text))
        except (TypeError, ValueError, KeyError, IndexError):
            continue
    return shapes


def geo_data(wijken_year: pl.DataFrame, shapes: dict[str, dict]) -> list[dict]:
    """Dataset 'vlakken' of geo_map: one GeoJSON Feature per wijk with a boundary; the map fields
    (wijk_code, Wijk, Gebied, Index, Categorie, as on the tile map) sit beside its geometry, so the
    tooltips and the click selection read them as on the tile map."""
    frame = wijken_year.filter(pl.col("wijk_code").is_in(list(shapes))).select(*_map_fields())
    return [{"type": "Feature", "geometry": shapes[row["wijk_code"]], "properties": {}, **row}
            for row in records(frame)]


def geo_map(categories: list[dict], height: int = 480) -> alt.Chart:
    """Template (dataset 'vlakken' = geo_data): the real wijk boundaries, Mercator projection fitted
    to the city, coloured by category like the tile map, with the same tooltips; a click selects the
    wijk (selection 'wijk' on wijk_code), as on the tile map."""
    select = alt.selection_point(name="wijk", fields=["wijk_code"], on="click", clear="dblclick")
    return alt.Chart(_named("vlakken")).mark_geoshape(stroke="white", strokeWidth=0.8, cursor="pointer").encode(
        color=alt.Color("Categorie:N", scale=category_scale(categories, with_missing=True),
                        legend=alt.Legend(title=None, orient="bottom", direction="horizontal", columns=3,
                                          symbolType="square")),
        tooltip=_map_tooltip(),
    ).add_params(select).project(type="mercator").properties(
        height=height,
        description="Kaart van de wijken met hun echte grenzen, gekleurd naar de categorie van de veiligheidsindex.")


# Endings of Dutch place-name compounds: a long name breaks there ("Tussen-dijken"), not mid-syllable.
_NAME_PARTS = ("kwartier", "polder", "eiland", "dijken", "dijen", "noorden", "westen", "buurt", "hoven", "haven",
               "flank", "sluis", "plein", "drecht", "berg", "burg", "wijk", "land", "hoek", "dorp", "mond", "oord",
               "werk")


def _split_word(word: str) -> list[str]:
    lower = word.lower()
    for part in _NAME_PARTS:
        if lower.endswith(part) and len(word) - len(part) >= 3:
            return [word[: -len(part)] + "-", word[-len(part):]]
    return [word[: len(word) // 2 + 1] + "-", word[len(word) // 2 + 1:]]


def _tile_label(name: str, width: int = 10) -> str:
    """Long names wrap on a word boundary (a long single word is split) to fit a ~50 px tile."""
    if len(name) <= width:
        return name
    words: list[str] = []
    for word in name.replace("-", "- ").split():
        words += _split_word(word) if len(word) > width else [word]
    lines, current = [], ""
    for word in words:
        candidate = current + word if current.endswith("-") else f"{current} {word}".strip()
        if len(candidate) > width and current:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return "\n".join(lines[:3])


# --------------------------------------------------------------------------------------------------
# Prestaties on the timeline


def timeline_data(prestaties: pl.DataFrame, domain: list[str], wijk_code: str) -> pl.DataFrame:
    start, end = date.fromisoformat(domain[0]), date.fromisoformat(domain[1])
    right_half = start + (end - start) * 0.55
    rows = []
    for order, r in enumerate(prestaties.to_dicts()):
        level = ("Deze wijk" if r["wijk_code"] == wijk_code else "Gebied" if r["niveau"] == "gebied"
                 else "Hele stad")
        begin = max(r["startdatum"] or start, start)
        finish = min(r["einddatum"] or end, end)
        rows.append({
            "lane": r["prestatie_id"], "sort_key": order, "Niveau": level,
            "Omschrijving": r["omschrijving"], "Partner": r["partner"], "Status": status_label(r["status"]),
            "Looptijd": f"{fmt_date(r['startdatum'])} t/m {fmt_date(r['einddatum'])}",
            "Laatste voortgang": rag_text(r["laatste_rag"], r["laatste_voortgang"]),
            "start": begin.isoformat(), "end": finish.isoformat(),
            "right_half": (r["startdatum"] or start) > right_half,
            "label": f"{r['omschrijving']} — {r['partner']}"
                     + ("" if level == "Deze wijk" else f" ({level.lower()})"),
        })
    return pl.DataFrame(rows, schema={
        "lane": pl.String, "sort_key": pl.Int64, "Niveau": pl.String, "Omschrijving": pl.String,
        "Partner": pl.String, "Status": pl.String, "Looptijd": pl.String, "Laatste voortgang": pl.String,
        "start": pl.String, "end": pl.String, "right_half": pl.Boolean, "label": pl.String})


def timeline_height(lanes: int) -> int:
    return 32 * lanes + 8


def prestaties_timeline(domain: list[str], axis_extent: int | None = None) -> alt.LayerChart:
    """Template (dataset 'agreements' = timeline_data; set height=timeline_height(n)): one bar per
    agreement from start to end, its description above it; colour says whether it is on this wijk,
    its gebied or the whole city; hover for partner, status and latest progress."""
    data = _named("agreements")
    x_scale = alt.Scale(domain=domain)
    y = alt.Y("lane:N", sort=alt.EncodingSortField(field="sort_key", op="min"), title=None,
              axis=alt.Axis(labels=False, ticks=False, domain=False, minExtent=axis_extent or 0,
                            maxExtent=axis_extent or 200))
    tooltip = ["Omschrijving:N", "Partner:N", "Niveau:N", "Status:N", "Looptijd:N", "Laatste voortgang:N"]
    bars = alt.Chart(data).mark_bar(cornerRadius=3, height=9, yOffset=6, clip=True).encode(
        x=alt.X("start:T", title=None, scale=x_scale, axis=year_axis(domain)), x2="end:T", y=y,
        color=alt.Color("Niveau:N", scale=alt.Scale(domain=list(LEVEL_COLOURS), range=list(LEVEL_COLOURS.values())),
                        legend=alt.Legend(title="Afspraak voor", orient="bottom", direction="horizontal")),
        tooltip=tooltip)
    # Labels stay inside the plot (clip); an agreement that starts in the right half of the axis
    # gets its label right-aligned at its end, so the text runs into the free part on the left.
    text = dict(y=y, text="label:N", tooltip=tooltip)
    left = alt.Chart(data).transform_filter("!datum.right_half").mark_text(
        align="left", baseline="bottom", dy=1, fontSize=11, color="#333", clip=True).encode(
        x=alt.X("start:T", scale=x_scale), **text)
    right = alt.Chart(data).transform_filter("datum.right_half").mark_text(
        align="right", baseline="bottom", dy=1, fontSize=11, color="#333", clip=True).encode(
        x=alt.X("end:T", scale=x_scale), **text)
    # fit-x: the width follows the container, the height stays the lanes' height
    return alt.layer(bars, left, right, height=timeline_height(1),
                     autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


# --------------------------------------------------------------------------------------------------
# Themes


def theme_parts_data(themes: pl.DataFrame) -> pl.DataFrame:
    """From presentation.theme_values (numbers with their display texts): one row per theme and part
    with a value, and one row per theme for its score with its 95% interval (low/high, 'Interval')."""
    parts = pl.concat([
        themes.filter(pl.col(part).is_not_null()).select(
            pl.col("label").alias("Thema"), pl.lit(title).alias("Deel"), pl.col(f"{part}_tekst").alias("Score"),
            pl.col(part).alias("value"), pl.lit(None, pl.Float64).alias("low"), pl.lit(None, pl.Float64).alias("high"),
            pl.lit("").alias("Interval"))
        for part, title in (("objectief", "Objectief"), ("subjectief", "Subjectief"))])
    scores = themes.filter(pl.col("score").is_not_null()).select(
        pl.col("label").alias("Thema"), pl.lit(THEME_SCORE).alias("Deel"), pl.col("score_tekst").alias("Score"),
        pl.col("score").alias("value"), pl.col("ci_laag").alias("low"), pl.col("ci_hoog").alias("high"),
        pl.struct("ci_laag_tekst", "ci_hoog_tekst").map_elements(
            lambda r: join_interval(r["ci_laag_tekst"], r["ci_hoog_tekst"]), return_dtype=pl.String).alias("Interval"))
    return pl.concat([parts, scores])


def theme_parts(categories: list[dict], theme_order: list[str]) -> alt.LayerChart:
    """Template (dataset 'parts' = theme_parts_data): per theme the objective and subjective part
    score (1–10) as bars and the theme score as a dot with its 95% interval, category bands behind."""
    data = _named("parts")
    y = alt.Y("Thema:N", sort=theme_order, title=None)
    offset = alt.YOffset("Deel:N", sort=list(PART_COLOURS))
    colour = alt.Color("Deel:N", scale=alt.Scale(domain=list(PART_COLOURS), range=list(PART_COLOURS.values())),
                       legend=alt.Legend(title=None, orient="bottom", direction="vertical", labelLimit=260))  # never clipped on a phone
    bars = alt.Chart(data).transform_filter(f"datum.Deel != '{THEME_SCORE}'").mark_bar(height=9, clip=True).encode(
        # bars grow from 1, the bottom of the scale, not from 0
        x=alt.X("value:Q", title="Score (1–10)", scale=INDEX_SCALE), x2=alt.X2(datum=INDEX_MIN),
        y=y, yOffset=offset, color=colour,
        tooltip=[alt.Tooltip("Thema:N"), alt.Tooltip("Deel:N"), alt.Tooltip("Score:N")],
    )
    score = alt.Chart(data).transform_filter(f"datum.Deel == '{THEME_SCORE}'")
    tooltip = [alt.Tooltip("Thema:N"), alt.Tooltip("Score:N", title="Themascore"),
               alt.Tooltip("Interval:N", title="95%-interval")]
    interval = score.mark_rule(strokeWidth=2, clip=True).encode(
        x=alt.X("low:Q", scale=INDEX_SCALE), x2="high:Q", y=y, yOffset=offset, color=colour, tooltip=tooltip)
    dot = score.mark_point(filled=True, size=36, opacity=1, clip=True).encode(
        x=alt.X("value:Q", scale=INDEX_SCALE), y=y, yOffset=offset, color=colour, tooltip=tooltip)
    # one inner layer, so parts and theme score share one colour legend (the bands have their own scale)
    return alt.layer(*_bands(categories, axis="x", labels=False), alt.layer(bars, interval, dot),
                     height=380).resolve_scale(color="independent")


def contributions_data(themes: pl.DataFrame) -> tuple[pl.DataFrame, float]:
    """Per theme its contribution (from presentation.theme_values) and the half-width of a
    symmetric axis around 0."""
    frame = themes.filter(pl.col("bijdrage").is_not_null()).select(
        pl.col("label").alias("Thema"), pl.col("bijdrage_tekst").alias("Bijdrage aan verschil"),
        pl.col("bijdrage").alias("contribution"), (pl.col("bijdrage") >= 0).alias("better"))
    limit = max(0.05, float(frame.get_column("contribution").abs().max() or 0) * 1.3) if frame.height else 0.05
    return frame, limit


def contributions(categories: list[dict], theme_order: list[str]) -> alt.LayerChart:
    """Template (dataset 'contributions' and param 'limit' from contributions_data): per theme its
    contribution to the change of the index since last year; together they add up to the change."""
    data = _named("contributions")
    limit = alt.param(name="limit", value=0.1)
    x = alt.X("contribution:Q", title="Bijdrage aan de verandering van de index",
              scale=alt.Scale(domainMin=alt.ExprRef("-limit"), domainMax=alt.ExprRef("limit")))
    y = alt.Y("Thema:N", sort=theme_order, title=None)
    good, bad = categories[-1]["colour"], categories[0]["colour"]
    bars = alt.Chart(data).mark_bar(height=16).encode(
        x=x, y=y,
        color=alt.Color("better:N", scale=alt.Scale(domain=[True, False], range=[good, bad]), legend=None),
        tooltip=[alt.Tooltip("Thema:N"), alt.Tooltip("Bijdrage aan verschil:N", title="Bijdrage")],
    ).add_params(limit)
    text = dict(x=alt.X("contribution:Q"), y=y, text="Bijdrage aan verschil:N")
    up = alt.Chart(data).transform_filter("datum.better").mark_text(fontSize=11, align="left", dx=4).encode(**text)
    down = alt.Chart(data).transform_filter("!datum.better").mark_text(fontSize=11, align="right", dx=-4).encode(**text)
    zero = alt.Chart(alt.InlineData(values=[{"x": 0}])).mark_rule(color="#333").encode(x="x:Q")
    return alt.layer(bars, zero, up, down, height=260)


# --------------------------------------------------------------------------------------------------
# Comparison and monthly series


def comparison_data(frame: pl.DataFrame) -> tuple[pl.DataFrame, float, float]:
    """Points of every series (wijk first, city last) and a zoomed y range around them."""
    series = frame.get_column("reeks").unique(maintain_order=True).to_list()
    points = pl.concat([index_points(frame.filter(pl.col("reeks") == s)) for s in series]) if series else \
        index_points(frame)
    values = points.get_column("index")
    low = max(INDEX_MIN, math.floor(float(values.min()) - 0.5)) if values.len() else INDEX_MIN
    high = min(INDEX_MAX, math.ceil(float(values.max()) + 0.5)) if values.len() else INDEX_MAX
    return points, float(low), float(high)


def comparison_lines(categories: list[dict], domain: list[str]) -> alt.LayerChart:
    """Template (dataset 'series', params 'y_low'/'y_high' from comparison_data): the wijk (thick)
    beside its gebied, its wijktype and the city (dashed)."""
    data = _named("series")
    low, high = alt.param(name="y_low", value=3.0), alt.param(name="y_high", value=8.0)
    scale = alt.Scale(domainMin=alt.ExprRef("y_low"), domainMax=alt.ExprRef("y_high"), nice=False, zero=False)
    x = alt.X("date:T", title=None, axis=year_axis(domain), scale=alt.Scale(domain=domain))
    y = alt.Y("index:Q", title="Index", scale=scale)
    colour = alt.Color("Reeks:N", sort=alt.EncodingSortField(field="sort_key", op="min"),
                       scale=alt.Scale(range=SERIES_COLOURS),
                       legend=alt.Legend(title=None, orient="bottom", direction="horizontal"))
    tooltip = [alt.Tooltip("Reeks:N"), alt.Tooltip("Jaar:N"), alt.Tooltip("Index:N"),
               alt.Tooltip("Interval:N", title="95%-interval")]
    groups = alt.Chart(data).transform_filter("datum.sort_key == 1 || datum.sort_key == 2").mark_line(
        strokeWidth=1.6).encode(x=x, y=y, color=colour, detail="segment:N")
    wijk = alt.Chart(data).transform_filter("datum.sort_key == 0").mark_line(strokeWidth=3).encode(
        x=x, y=y, color=colour, detail="segment:N")
    city = alt.Chart(data).transform_filter("datum.sort_key == 3").mark_line(strokeWidth=1.6, strokeDash=[4, 3]).encode(
        x=x, y=y, color=colour, detail="segment:N")
    dots = alt.Chart(data).mark_point(filled=True, size=30).encode(x=x, y=y, color=colour, tooltip=tooltip)
    lines = alt.layer(groups, wijk, city, dots).add_params(low, high)
    return alt.layer(*_bands(categories, scale=scale), lines, height=300).resolve_scale(color="independent")


def monthly_data(frame: pl.DataFrame) -> pl.DataFrame:
    """Monthly counts per series with a 12-month moving average (data.monthly gives the counts)."""
    order = {s: i for i, s in enumerate(frame.get_column("reeks").unique(maintain_order=True).to_list())}
    return frame.sort("reeks", "periode").with_columns(
        pl.col("aantal").rolling_mean(12, min_samples=6).over("reeks").alias("average"),
        pl.col("periode").dt.strftime("%m-%Y").alias("Maand"),
        pl.col("aantal").cast(pl.Int64).alias("Aantal"),
        pl.col("reeks").alias("Reeks"),
        pl.col("reeks").replace_strict(order, return_dtype=pl.Int64).alias("sort_key"),
    ).select("periode", "aantal", "average", "Maand", "Aantal", "Reeks", "sort_key")


def monthly_lines(title_y: str, width: int = 390) -> alt.FacetChart:
    """Template (dataset 'months' = monthly_data): one small panel per indicator with its own y
    scale, the monthly count light and the 12-month average dark. Five overlapping noisy lines
    in one panel would hide every trend."""
    x = alt.X("periode:T", title=None, axis=alt.Axis(format="%Y", tickCount="year", grid=False))
    base = alt.Chart().encode(x=x)
    monthly = base.mark_line(strokeWidth=1, color="#9ab8d8").encode(
        y=alt.Y("aantal:Q", title=None, axis=alt.Axis(tickCount=3, tickMinStep=1, format="d")),  # counts
        tooltip=["Reeks:N", "Maand:N", "Aantal:Q"])
    average = base.mark_line(strokeWidth=2, color="#1f4e79").encode(y=alt.Y("average:Q"))
    return alt.layer(monthly, average, data=_named("months")).properties(width=width, height=60).facet(
        row=alt.Row("Reeks:N", sort=alt.EncodingSortField(field="sort_key", op="min"), title=title_y,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top",
                                      labelFontSize=11, labelFontWeight="bold", titleFontSize=11)),
        spacing=6,
    ).resolve_scale(y="independent")

