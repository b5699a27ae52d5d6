"""All data access of the dashboard: the published Parquet marts, nothing else (never the DuckDB).

The publication is read once per publicatie_id and shared by every session: frames are immutable
polars frames, so st.cache_resource can hand out the same objects without the copy st.cache_data
would make on every rerun. Reading follows publicatie.json to the immutable publication directory
(pipeline.publish.publication.read_publication via pipeline.presentation.read_marts, which the CLI export uses
too), so a publication in progress or a killed run is never seen half.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import date
from pathlib import Path

import polars as pl
import streamlit as st

from pipeline.presentation import (DEFAULT_MARTS_DIR, MANIFEST, Marts, MartsError, MartsNotFound,
                                PublicationInProgress, all_wijken_frame, concerning_wijken, prestaties_frame,
                                published_method, read_marts)

ENV_VAR = "VI_MARTS_DIR"

__all__ = ["ENV_VAR", "Marts", "MartsError", "MartsNotFound", "PublicationInProgress", "marts_dir", "load"]


def marts_dir() -> Path:
    """The marts folder: $VI_MARTS_DIR, else data/marts in the project."""
    configured = os.environ.get(ENV_VAR, "").strip()
    return Path(configured).expanduser().resolve() if configured else DEFAULT_MARTS_DIR


def _publication_key(directory: Path) -> tuple | None:
    """Cheap fingerprint of the current publication: the manifest's id (publication directories
    are immutable, so a new id is the only way the data can change) and its mtime."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        return manifest.get("publicatie_id"), (directory / MANIFEST).stat().st_mtime_ns
    except (FileNotFoundError, json.JSONDecodeError):
        return None


@st.cache_resource(max_entries=2, show_spinner="Cijfers laden…")
def _load(directory: str, key: tuple) -> Marts:  # key only makes the cache entry publication-specific
    return read_marts(Path(directory))


def load() -> Marts:
    """The current publication. Raises MartsNotFound / PublicationInProgress / MartsError."""
    directory = marts_dir()
    key = _publication_key(directory)
    if key is None:
        raise MartsNotFound(f"Er is nog geen publicatie in {directory}.")
    return _load(str(directory), key)


# ---------------------------------------------------------------------------------------------
# Small lookups (cached per publication; the frames are tiny, the point is not to redo them per rerun)


@st.cache_data(max_entries=4, show_spinner=False)
def wijk_names(_marts: Marts, publication: str) -> dict[str, str]:
    """wijk_code -> wijk_naam, sorted by name (the order of every wijk selector)."""
    frame = _marts["wijken"].select("wijk_code", "wijk_naam").sort("wijk_naam", "wijk_code")
    return dict(frame.iter_rows())


def years(marts: Marts) -> list[int]:
    return sorted(int(y) for y in marts["wijk_index"].get_column("jaar").unique().drop_nulls())


def categories(marts: Marts | None = None) -> list[dict]:
    """Category bounds and colours of the publication's method, in order onveilig -> veilig."""
    return [dict(c) for c in published_method(marts)["categories"]]


def method(marts: Marts) -> dict:
    """The resolved method config the publication was computed with (methode.json)."""
    return published_method(marts)


def wijk_info(marts: Marts, wijk_code: str) -> dict:
    rows = marts["wijken"].filter(pl.col("wijk_code") == wijk_code).to_dicts()
    return rows[0] if rows else {}


def stad_series(marts: Marts) -> pl.DataFrame:
    return marts["stad_index"].sort("jaar")


def wijk_series(marts: Marts, wijk_code: str) -> pl.DataFrame:
    return marts["wijk_index"].filter(pl.col("wijk_code") == wijk_code).sort("jaar")


def wijk_year(marts: Marts, jaar: int) -> pl.DataFrame:
    """Every wijk (also those without tile or index) with its index row of one year."""
    wi = marts["wijk_index"].filter(pl.col("jaar") == jaar).select(
        "wijk_code", "index", "categorie", "ci_laag", "ci_hoog", "verschil", "verschil_significant",
        "detecteerbaar_verschil", "indicatief", "reden")
    return marts["wijken"].join(wi, on="wijk_code", how="left")


def category_counts(marts: Marts) -> pl.DataFrame:
    """Number of wijken per category per year; wijken without an index as categorie null."""
    return (marts["wijk_index"].group_by("jaar", "categorie").agg(pl.len().alias("wijken"))
            .sort("jaar", "categorie"))


def comparison(marts: Marts, wijk_code: str, city_label: str = "Stad") -> pl.DataFrame:
    """The wijk beside its gebied, its wijktype and the city: one line per series (given a gemeente's
    scope, the city is that gemeente, named by `city_label`)."""
    info = wijk_info(marts, wijk_code)
    wijk = wijk_series(marts, wijk_code).select(
        pl.lit(info.get("wijk_naam", wijk_code)).alias("reeks"), pl.lit(0).alias("sort_key"),
        "jaar", "index", "ci_laag", "ci_hoog", "indicatief")
    groups = marts["groep_index"]
    gebied = groups.filter((pl.col("groep_soort") == "gebied") & (pl.col("groep_code") == info.get("gebied_code")))
    wijktype = groups.filter((pl.col("groep_soort") == "wijktype") & (pl.col("groep_code") == info.get("wijktype")))
    parts = [
        wijk,
        gebied.select(pl.lit(f"Gebied {info.get('gebied_naam', '')}").alias("reeks"), pl.lit(1).alias("sort_key"),
                      "jaar", "index", "ci_laag", "ci_hoog"),
        wijktype.select(pl.lit(f"Wijktype {info.get('wijktype', '')}").alias("reeks"), pl.lit(2).alias("sort_key"),
                        "jaar", "index", "ci_laag", "ci_hoog"),
        stad_series(marts).select(pl.lit(city_label).alias("reeks"), pl.lit(3).alias("sort_key"),
                                  "jaar", "index", "ci_laag", "ci_hoog"),
    ]
    # only a wijk-year can be indicatief (a group or the city pools many respondents)
    return pl.concat([p.with_columns(pl.col("jaar").cast(pl.Int64), pl.col("sort_key").cast(pl.Int64),
                                     (pl.col("indicatief") if "indicatief" in p.columns
                                      else pl.lit(None)).cast(pl.Boolean).alias("indicatief"))
                      for p in parts]).sort("sort_key", "jaar")


def monthly(marts: Marts, source: str, wijk_code: str) -> pl.DataFrame:
    """Monthly counts of one wijk per indicator (politie_maand or meldingen_maand).
    Meldingen outside the index's indicators are summed as 'overig'."""
    labels = {i["indicator"]: i["label"] for i in published_method(marts)["indicators"]}
    frame = marts[f"{source}_maand"].filter(pl.col("wijk_code") == wijk_code)
    frame = frame.with_columns(pl.col("indicator").fill_null("overig"))
    out = frame.group_by("periode", "indicator").agg(pl.col("aantal").sum().cast(pl.Float64))
    if source == "meldingen" and out.height:
        # no melding in a month is a real zero (METHOD.md), so draw it instead of bridging the gap
        months = marts["meldingen_maand"].select(pl.col("periode").min().alias("a"), pl.col("periode").max().alias("b"))
        grid = pl.DataFrame({"periode": pl.date_range(months["a"][0], months["b"][0], "1mo", eager=True)}).join(
            out.select("indicator").unique(), how="cross")
        out = grid.join(out, on=["periode", "indicator"], how="left").with_columns(pl.col("aantal").fill_null(0.0))
    out = out.sort("indicator", "periode")
    short = {k: _short_indicator_label(v) for k, v in labels.items()}
    short["overig"] = "Overige meldingen (niet in de index)"
    return out.with_columns(pl.col("indicator").replace_strict(short, default=pl.col("indicator")).alias("reeks"))


def _short_indicator_label(label: str) -> str:
    # "Diefstallen (politie) per 1.000 inwoners" -> "Diefstallen": the chart shows counts, not rates
    for cut in (" (politie)", " per 1.000"):
        label = label.split(cut)[0]
    return label.removeprefix("Meldingen ").capitalize()


def prestaties(marts: Marts) -> pl.DataFrame:
    """All prestaties as they may be shown: a measurement on too few survey answers is blanked."""
    return prestaties_frame(marts)


def peildatum(marts: Marts) -> date | None:
    values = marts["prestaties"].get_column("peildatum").drop_nulls()
    return values.max() if values.len() else None


# ---------------------------------------------------------------------------------------------
# Printable scorecards (pipeline.presentation.scorecard_pdf / scorecard_xlsx). Imported only when a
# download is asked for: the PDF needs typst and the charts' renderer, which a page should not load,
# and a page keeps working without them. The calls run in the download button's own thread.

PDF_MIME = "application/pdf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_available(module: str) -> bool:
    """Whether pipeline.presentation.<module> (scorecard_pdf, scorecard_xlsx) is installed."""
    from importlib.util import find_spec
    try:
        return find_spec(f"pipeline.presentation.{module}") is not None
    except (ImportError, ValueError):
        return False


def scorecard_pdf(marts: Marts, wijk_code: str, jaar: int) -> bytes:
    from pipeline.presentation.scorecard_pdf import scorecard_pdf as build
    return build(marts, wijk_code, jaar)


def booklet_pdf(marts: Marts, jaar: int) -> bytes:
    from pipeline.presentation.scorecard_pdf import booklet_pdf as build
    return build(marts, jaar)


def scorecard_xlsx(marts: Marts, wijk_code: str, jaar: int) -> bytes:
    from pipeline.presentation.scorecard_xlsx import scorecard_xlsx as build
    return build(marts, wijk_code, jaar)


def all_wijken_xlsx(marts: Marts, jaar: int) -> bytes:
    from pipeline.presentation.scorecard_xlsx import all_wijken_xlsx as build
    return build(marts, jaar)


# ---------------------------------------------------------------------------------------------
# Many gemeenten in one publication (issue 12). A wijk's gemeente is wijken.gemeente_code; the
# city index per gemeente is gemeente_index, stad_index the total. Everything a page needs per
# gemeente is grouped once per publication (cached), never filtered out of the big marts per rerun.

def cache_key(marts: Marts) -> str:
    """The key of a cache entry per publication: its id, and its folder (a copy of a publication
    under the same id in another folder may differ: tests change copies)."""
    return f"{marts.directory}|{marts.publication_id}"


ALL_GEMEENTEN = "alle"  # the choice "Alle gemeenten" (never a gemeente code: those are GM + 4 digits)

# Marts with one row per wijk (and year, indicator, month …): limited to the gemeente's wijken.
_WIJK_MARTS = ("wijken", "wijk_index", "thema_scores", "indicator_scores", "politie_maand", "meldingen_maand",
               "wijk_geometrie", "gevoeligheid_wijk")


@st.cache_data(max_entries=4, show_spinner=False)
def gemeenten(_marts: Marts, publication: str) -> dict[str, str]:
    """gemeente_code -> its name (the code when it has none), sorted by name: the gemeente choice.
    Wijken without a gemeente (a wijk code that is no CBS buurtcode) belong to none."""
    frame = (_marts["wijken"].filter(pl.col("gemeente_code").is_not_null())
             .group_by("gemeente_code").agg(pl.col("gemeente_naam").drop_nulls().first())
             .with_columns(pl.col("gemeente_naam").fill_null(pl.col("gemeente_code")))
             .sort("gemeente_naam", "gemeente_code"))
    names = dict(frame.iter_rows())
    counts = Counter(names.values())
    # two gemeenten of one name (a copied areas file, or a name without its province) stay apart
    return {code: f"{name} ({code})" if counts[name] > 1 and name != code else name for code, name in names.items()}


def is_multi(marts: Marts) -> bool:
    """More than one gemeente: only then is there a gemeente choice (one gemeente stays as it was)."""
    return len(gemeenten(marts, cache_key(marts))) > 1


@st.cache_resource(max_entries=4, show_spinner=False)  # read-only; 14,000 entries are not copied per call
def wijk_gemeente(_marts: Marts, publication: str) -> dict[str, str | None]:
    """wijk_code -> gemeente_code (None for a wijk without one)."""
    return dict(_marts["wijken"].select("wijk_code", "gemeente_code").iter_rows())


@st.cache_resource(max_entries=4, show_spinner=False)  # read-only; 14,000 entries are not copied per call
def gemeente_wijken(_marts: Marts, publication: str) -> dict[str, list[str]]:
    """gemeente_code -> its wijk codes in the order of the wijk choice (by name), grouped once."""
    out: dict[str, list[str]] = {}
    of = wijk_gemeente(_marts, publication)
    for code in wijk_names(_marts, publication):
        if of.get(code) is not None:
            out.setdefault(of[code], []).append(code)
    return out


@st.cache_resource(max_entries=4, show_spinner=False)  # read-only; 14,000 entries are not copied per call
def wijk_labels(_marts: Marts, publication: str) -> dict[str, str]:
    """The wijk choice's texts over all gemeenten: the name, and where two gemeenten have a wijk of
    that name (a national publication has many a 'Centrum') the gemeente beside it."""
    names = wijk_names(_marts, publication)
    counts = Counter(names.values())
    of, gm = wijk_gemeente(_marts, publication), gemeenten(_marts, publication)
    return {code: f"{name} · {gm.get(of.get(code), of.get(code) or 'geen gemeente')}" if counts[name] > 1 else name
            for code, name in names.items()}


def calibrated_per_gemeente(marts: Marts) -> bool:
    """Whether the method calibrated each gemeente on its own base year: then the indices of two
    gemeenten do not lie on one scale (docs/method.md) and the pages say so beside a comparison."""
    return published_method(marts).get("calibration", {}).get("scope") == "gemeente"


def scoped(marts: Marts, gemeente: str) -> Marts:
    """The publication as seen for one gemeente: its wijken (and their rows in every wijk mart), its
    gebieden's groep_index rows, its agreements, and its gemeente_index as the stad_index, so that the
    pages and exports written for one city work unchanged. Cached per publication and gemeente."""
    return _scoped(cache_key(marts), gemeente, marts)


@st.cache_resource(max_entries=16, show_spinner=False)
def _scoped(publication: str, gemeente: str, _marts: Marts) -> Marts:
    codes = gemeente_wijken(_marts, publication).get(gemeente, [])
    frames = dict(_marts.frames)
    for name in _WIJK_MARTS:
        if name in frames and "wijk_code" in frames[name].columns:
            frames[name] = frames[name].filter(pl.col("wijk_code").is_in(codes))
    wijken = frames["wijken"]
    # Each gemeente's map starts at its own corner: a national raw folder may place the gemeenten's
    # tile grids side by side (make_national.py), which would leave the map of one of them mostly empty.
    if wijken.height and wijken.get_column("tile_x").drop_nulls().len():
        wijken = wijken.with_columns(pl.col("tile_x") - pl.col("tile_x").min(), pl.col("tile_y") - pl.col("tile_y").min())
    frames["wijken"] = wijken
    gebieden = wijken.get_column("gebied_code").drop_nulls().unique().to_list()
    groups = frames["groep_index"]
    frames["groep_index"] = groups.filter((pl.col("groep_soort") != "gebied") | pl.col("groep_code").is_in(gebieden))
    stad_columns = _marts["stad_index"].columns
    frames["stad_index"] = (_marts["gemeente_index"].filter(pl.col("gemeente_code") == gemeente)
                            .select([c for c in stad_columns if c in _marts["gemeente_index"].columns]).sort("jaar"))
    frames["gemeente_index"] = _marts["gemeente_index"].filter(pl.col("gemeente_code") == gemeente)
    # An agreement for 'the whole city' has no gemeente in a publication of many (prestaties.csv names
    # none): it is shown under "Alle gemeenten" only, never attributed to one gemeente by guess.
    mine = concerning_wijken(_marts["prestaties"], wijken, codes)
    frames["prestaties"] = mine
    ids = mine.get_column("prestatie_id").to_list()
    for name in ("voortgang", "prestatie_effecten"):
        if name in frames and "prestatie_id" in frames[name].columns:
            frames[name] = frames[name].filter(pl.col("prestatie_id").is_in(ids))
    calibration = frames["calibratie"]
    frames["calibratie"] = calibration.filter(pl.col("gemeente_code").is_null() | (pl.col("gemeente_code") == gemeente))
    return Marts(_marts.directory, _marts.manifest, frames, _marts.method)


def unattributed_prestaties(marts: Marts) -> int:
    """Agreements for 'the whole city' in a publication of many gemeenten: they belong to none."""
    return marts["prestaties"].filter(pl.col("niveau") == "stad").height


@st.cache_resource(max_entries=8, show_spinner=False)
def all_wijken(publication: str, gemeente: str, jaar: int, _marts: Marts) -> pl.DataFrame:
    """The ranking of one year (presentation.all_wijken_frame, also the CSV) of the marts given
    (the whole publication or one gemeente's scope), built once: it loops over every wijk in Python,
    which for a national publication takes seconds."""
    frame = all_wijken_frame(_marts, jaar)
    if gemeente == ALL_GEMEENTEN and is_multi(_marts):  # over all gemeenten: say whose wijk it is
        of, names = wijk_gemeente(_marts, publication), gemeenten(_marts, publication)
        frame = frame.with_columns(pl.col("Wijkcode").replace_strict(
            {c: names.get(g, "") for c, g in of.items()}, default="", return_dtype=pl.String).alias("Gemeente"))
    return frame


@st.cache_resource(max_entries=8, show_spinner=False)
def gemeente_year(publication: str, jaar: int, _marts: Marts) -> pl.DataFrame:
    """Per gemeente of one year: its gemeente_index row, its number of wijken, and how many of them
    changed demonstrably for the better or worse (one grouping of wijk_index, not one per gemeente)."""
    wi = _marts["wijk_index"].filter(pl.col("jaar") == jaar).select(
        "wijk_code", "index", "verschil", pl.col("verschil_significant").fill_null(False).alias("sig"))
    per_wijk = _marts["wijken"].select("wijk_code", "gemeente_code").join(wi, on="wijk_code", how="left")
    counts = per_wijk.filter(pl.col("gemeente_code").is_not_null()).group_by("gemeente_code").agg(
        pl.len().alias("wijken_totaal"),
        (pl.col("sig") & (pl.col("verschil") > 0)).sum().alias("veiliger"),
        (pl.col("sig") & (pl.col("verschil") < 0)).sum().alias("onveiliger"))
    names = pl.DataFrame({"gemeente_code": list(gemeenten(_marts, publication)),
                          "naam": list(gemeenten(_marts, publication).values())},
                         schema={"gemeente_code": pl.String, "naam": pl.String})
    index = _marts["gemeente_index"].filter(pl.col("jaar") == jaar).drop("gemeente_naam", strict=False)
    return (names.join(counts, on="gemeente_code", how="left").join(index, on="gemeente_code", how="left")
            .sort("naam", "gemeente_code"))

