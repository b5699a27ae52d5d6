"""From change to agreements: the index change of the area an agreement is for, the "did it help?"
verdict (mart prestatie_effecten) and the sensitivity of a wijk's category to the weighting (marts
gevoeligheid, gevoeligheid_wijk), shaped for the Stad, Prestaties, Wijk and Methode pages.

A publication made before these marts existed simply lacks them: every function here then returns
None or leaves its columns empty, and the pages leave the section out.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import polars as pl

from pipeline.presentation.formatting import change_parts, fmt_bool, fmt_int, fmt_num
from pipeline.presentation.publication import published_method
from pipeline.presentation.tables import EFFECT_KEY, optional_frame

EFFECTS = "prestatie_effecten"
SENSITIVITY = "gevoeligheid"
SENSITIVITY_WIJK = "gevoeligheid_wijk"

# The change filter of the Prestaties page and its URL parameter: the Stad page links with ?filter=verslechterd.
FILTER_PARAM = "filter"
WORSE, BETTER = "verslechterd", "verbeterd"

# "Heeft het geholpen?" in a few words (table cells); the mart's toelichting is the full sentence.
EFFECT_LABELS = {
    "beter": "✓ beter",
    "slechter": "✗ slechter",
    "niet_aantoonbaar": "niet aantoonbaar",
    "te_vroeg": "te vroeg",
    "geen_vergelijking": "geen vergelijking",
    "geen_gegevens": "geen gegevens",
}
JUDGED = ("beter", "slechter", "niet_aantoonbaar")  # verdicts that compare with other wijken
NOT_RUN = "liep niet"  # an agreement that never ran (voorgesteld, afgewezen) is not judged

SENSITIVITY_LABELS = {"robuust": "robuust", "hangt_af_van_de_weging": "hangt af van de weging"}


# ---------------------------------------------------------------------------------------------
# The change of a wijk, gebied or the city from one year to the next


def _params(marts) -> dict:
    return published_method(marts)["params"]


def area_changes(marts, jaar: int) -> pl.DataFrame:
    """The index change from jaar - 1 to jaar of every wijk, every gebied and the city, keyed as
    prestaties.wijk_code is (a wijk code, a gebied code or 'stad'): verschil, verschil_significant,
    detecteerbaar_verschil. Wijk and city come from their marts; a gebied's change is judged the way
    the pipeline judges a wijk's (|verschil| > z · √(se² + se_vorig²)), and only when the same wijken
    were published in both years, else the change would partly be a change of composition."""
    wi = marts["wijk_index"]
    wijk = wi.filter(pl.col("jaar") == jaar).select(
        "wijk_code", pl.lit("wijk").alias("niveau"), "verschil", "verschil_significant", "detecteerbaar_verschil")
    stad = marts["stad_index"].filter(pl.col("jaar") == jaar).select(
        pl.lit("stad").alias("wijk_code"), pl.lit("stad").alias("niveau"), "verschil", "verschil_significant",
        "detecteerbaar_verschil")
    params = _params(marts)
    z, factor = params["z"], params.get("detectable_change_factor")
    groups = marts["groep_index"].filter(pl.col("groep_soort") == "gebied")
    now = groups.filter(pl.col("jaar") == jaar).select("groep_code", "index", "se")
    before = groups.filter(pl.col("jaar") == jaar - 1).select("groep_code", pl.col("index").alias("_vorig"),
                                                              pl.col("se").alias("_se_vorig"))
    members = (wi.filter(pl.col("index").is_not_null() & pl.col("jaar").is_in([jaar, jaar - 1]))
               .group_by("gebied_code", "jaar").agg(pl.col("wijk_code").sort().alias("_leden")))
    same = (members.filter(pl.col("jaar") == jaar).join(members.filter(pl.col("jaar") == jaar - 1),
                                                        on="gebied_code", suffix="_vorig")
            .filter(pl.col("_leden") == pl.col("_leden_vorig")).select(pl.col("gebied_code").alias("groep_code")))
    se_diff = (pl.col("se").pow(2) + pl.col("_se_vorig").pow(2)).sqrt()
    gebied = (now.join(before, on="groep_code").join(same, on="groep_code", how="semi")
              .select(pl.col("groep_code").alias("wijk_code"), pl.lit("gebied").alias("niveau"),
                      (pl.col("index") - pl.col("_vorig")).alias("verschil"),
                      ((pl.col("index") - pl.col("_vorig")).abs() > z * se_diff).alias("verschil_significant"),
                      (factor * se_diff if factor else pl.lit(None, pl.Float64)).alias("detecteerbaar_verschil")))
    schema = {"wijk_code": pl.String, "niveau": pl.String, "verschil": pl.Float64, "verschil_significant": pl.Boolean,
              "detecteerbaar_verschil": pl.Float64}
    return pl.concat([part.cast(schema) for part in (wijk, gebied, stad)])


def changed_wijken(marts, jaar: int, direction: str) -> list[str]:
    """The wijken whose index changed demonstrably (verschil_significant) from jaar - 1 to jaar,
    worse (WORSE) or better (BETTER): the lists on the Stad page, most changed first."""
    rows = marts["wijk_index"].filter((pl.col("jaar") == jaar) & pl.col("verschil_significant").fill_null(False))
    rows = rows.filter(pl.col("verschil") < 0) if direction == WORSE else rows.filter(pl.col("verschil") > 0)
    return rows.sort("verschil", descending=direction == BETTER).get_column("wijk_code").to_list()


def change_cell(verschil: float | None, significant: bool | None, detectable: float | None) -> tuple[str, str, str]:
    """A change as a short cell: ('onveiliger (-0,6)' | 'veiliger (+0,4)' | 'niet aantoonbaar (-0,2)',
    'ja'/'nee', the signed change); ('', '', '') without a comparison. The page adds the ▲/▼ marker
    of a demonstrable change (dashboard.ui.change_marker)."""
    change, _ = change_parts(verschil, significant, detectable)
    if not change:
        return "", "", ""
    if significant:
        return f"{'veiliger' if verschil > 0 else 'onveiliger'} ({change})", fmt_bool(True), change
    return f"niet aantoonbaar ({change})", fmt_bool(False), change


# ---------------------------------------------------------------------------------------------
# Agreements with the change of their area and their "did it help?" verdict


def _finite(value) -> bool:
    return value is not None and not (isinstance(value, float) and (math.isnan(value) or math.isinf(value)))


def effect_label(oordeel: str | None, verschil: float | None = None) -> str:
    """The verdict in a few words; a demonstrable difference with its size in score points."""
    if not oordeel:
        return ""
    label = EFFECT_LABELS.get(oordeel, oordeel.replace("_", " "))
    if oordeel in ("beter", "slechter") and _finite(verschil):
        label += f" ({fmt_num(verschil, sign=True)})"
    return label


def _not_run(marts) -> set[str]:
    return set(published_method(marts).get("did_it_help", {}).get("statuses_not_run", []))


def with_outcomes(marts, prestaties: pl.DataFrame, jaar: int) -> pl.DataFrame:
    """Prestaties (raw rows) with the change of their area from jaar - 1 to jaar and their verdict:
    change_text/change_significant/change (see change_cell), change_value (number),
    change_short (the same without the number when not demonstrable: for a narrow column),
    effect_verdict (prestatie_effecten.oordeel), effect_label, effect_note (the mart's sentence),
    effect_difference (verschil). Without the mart the effect columns are empty."""
    changes = area_changes(marts, jaar).drop("niveau")
    out = prestaties.join(changes.rename({"verschil": "_v", "verschil_significant": "_s",
                                          "detecteerbaar_verschil": "_d"}),
                          on="wijk_code", how="left")
    cells = [change_cell(v, s, d) for v, s, d in zip(out["_v"].to_list(), out["_s"].to_list(), out["_d"].to_list())]
    out = out.with_columns(
        pl.Series("change_text", [c[0] for c in cells], dtype=pl.String),
        pl.Series("change_significant", [c[1] for c in cells], dtype=pl.String),
        pl.Series("change", [c[2] for c in cells], dtype=pl.String),
        pl.col("_v").alias("change_value"),
    ).drop("_v", "_s", "_d")
    out = out.with_columns(pl.when(pl.col("change_significant") == fmt_bool(False)).then(pl.lit("niet aantoonbaar"))
                           .otherwise(pl.col("change_text")).alias("change_short"))
    effects = optional_frame(marts, EFFECTS)
    if effects is None:
        return out.with_columns(pl.lit(None, pl.String).alias("effect_verdict"),
                                pl.lit(None, pl.String).alias("effect_label"),
                                pl.lit(None, pl.String).alias("effect_note"),
                                pl.lit(None, pl.Float64).alias("effect_difference"))
    out = out.join(effects.select("prestatie_id", pl.col("oordeel").alias("effect_verdict"),
                                  pl.col("toelichting").alias("effect_note"),
                                  pl.col("verschil").cast(pl.Float64).alias("effect_difference")),
                   on="prestatie_id", how="left")
    not_run = _not_run(marts)
    labels = [effect_label(o, d) if o else (NOT_RUN if s in not_run else "")
              for o, d, s in zip(out["effect_verdict"].to_list(), out["effect_difference"].to_list(),
                                 out["status"].to_list())]
    return out.with_columns(pl.Series("effect_label", labels, dtype=pl.String))


def has_effects(marts) -> bool:
    return optional_frame(marts, EFFECTS) is not None


def concerning_wijken(prestaties: pl.DataFrame, wijken: pl.DataFrame, codes: list[str]) -> pl.DataFrame:
    """The agreements for these wijken: their own and their gebied's (an agreement for the whole
    city concerns every wijk, so it says nothing about these ones in particular)."""
    gebieden = wijken.filter(pl.col("wijk_code").is_in(codes)).get_column("gebied_code").unique().to_list()
    return prestaties.filter(((pl.col("niveau") == "wijk") & pl.col("wijk_code").is_in(codes))
                             | ((pl.col("niveau") == "gebied") & pl.col("wijk_code").is_in(gebieden)))


def effect_counts(frame: pl.DataFrame) -> dict[str, int]:
    """How many of these agreements got each verdict (with_outcomes' effect_verdict); 'beoordeeld'
    counts those compared with other wijken."""
    counts = dict(frame.get_column("effect_verdict").drop_nulls().value_counts().iter_rows()) if frame.height else {}
    counts = {k: int(v) for k, v in counts.items()}
    counts["beoordeeld"] = sum(counts.get(k, 0) for k in JUDGED)
    return counts


def on_track_short(row: Mapping[str, Any]) -> str:
    """'✓ ja' / '✗ nee' / why not judged, for a narrow column (the full text: tables.on_track_text)."""
    if row.get("op_koers") is not None and not row.get("te_weinig_antwoorden"):
        return ("✓ " if row["op_koers"] else "✗ ") + fmt_bool(row["op_koers"])
    if not row.get("is_meetbaar"):
        return "niet meetbaar"
    return "te weinig antwoorden" if row.get("te_weinig_antwoorden") else "nog niet gemeten"


# ---------------------------------------------------------------------------------------------
# Sensitivity to the weighting


def sensitivity_years(marts) -> list[int]:
    frame = optional_frame(marts, SENSITIVITY)
    return sorted(int(y) for y in frame.get_column("jaar").unique().drop_nulls()) if frame is not None else []


def _counts_for_verdict(marts) -> dict[str, bool]:
    """variant -> whether it decides 'robuust' (an other weighting) or not (a separate index that
    measures something else): gevoeligheid.telt_voor_oordeel, else the method config's kind."""
    summary = optional_frame(marts, SENSITIVITY)
    if summary is not None and "telt_voor_oordeel" in summary.columns:
        return dict(summary.select("variant", "telt_voor_oordeel").unique("variant", keep="first").iter_rows())
    return {v["variant"]: v.get("kind", "weighting") != "separate"
            for v in published_method(marts).get("sensitivity", [])}


def sensitivity_table(marts, jaar: int) -> pl.DataFrame | None:
    """Per variant of one year, as the Methode page shows it: Variant, Soort, Rangcorrelatie,
    'Andere categorie' ('3 van 71') and the wijken whose category changes, per move ('bedreigd →
    aandachtswijk: Naam, Naam; …'). None without the marts."""
    summary, per_wijk = optional_frame(marts, SENSITIVITY), optional_frame(marts, SENSITIVITY_WIJK)
    if summary is None or per_wijk is None:
        return None
    decides = _counts_for_verdict(marts)
    order = {v["variant"]: n for n, v in enumerate(published_method(marts).get("sensitivity", []))}
    names = dict(marts["wijken"].select("wijk_code", "wijk_naam").iter_rows())
    moved = (per_wijk.filter((pl.col("jaar") == jaar) & pl.col("andere_categorie").fill_null(False))
             .with_columns(pl.col("wijk_code").replace_strict(names, default=pl.col("wijk_code")).alias("_naam"))
             .sort("variant", "_naam"))
    # grouped by move, in the method's category order: 'bedreigd → aandachtswijk: A, B; …'
    rank = {c["category"]: n for n, c in enumerate(published_method(marts)["categories"])}
    moves: dict[str, dict[tuple, list[str]]] = {}
    for r in moved.iter_rows(named=True):
        key = (rank.get(r["officiele_categorie"], 99), rank.get(r["categorie"], 99), r["officiele_categorie"],
               r["categorie"])
        moves.setdefault(r["variant"], {}).setdefault(key, []).append(r["_naam"])
    by_variant = {variant: [f"{key[2]} → {key[3]}: {', '.join(wijken)}" for key, wijken in sorted(groups.items())]
                  for variant, groups in moves.items()}
    rows = []
    for r in summary.filter(pl.col("jaar") == jaar).sort(
            pl.col("variant").replace_strict(order, default=len(order))).iter_rows(named=True):
        rows.append({
            "Variant": r["variant_label"],
            "Soort": "andere weging" if decides.get(r["variant"], True) else "aparte index",
            "Rangcorrelatie": fmt_num(r["rangcorrelatie"], 2),
            "Andere categorie": f"{fmt_int(r['wijken_andere_categorie'])} van {fmt_int(r['wijken'])}",
            "Wijken met een andere categorie": "; ".join(by_variant.get(r["variant"], [])) or "geen",
        })
    columns = ("Variant", "Soort", "Rangcorrelatie", "Andere categorie", "Wijken met een andere categorie")
    return pl.DataFrame(rows, schema={c: pl.String for c in columns})


def _wijk_verdicts(marts) -> pl.DataFrame | None:
    """wijk_code, jaar, oordeel: a column of gevoeligheid_wijk, or a mart of its own
    (gevoeligheid_*) with those columns."""
    per_wijk = optional_frame(marts, SENSITIVITY_WIJK)
    if per_wijk is not None and "oordeel" in per_wijk.columns:
        return per_wijk.select("wijk_code", "jaar", "oordeel").unique(["wijk_code", "jaar"])
    frames = getattr(marts, "frames", marts)
    for name, frame in (frames.items() if hasattr(frames, "items") else []):
        if name.startswith(SENSITIVITY) and {"wijk_code", "jaar", "oordeel"} <= set(frame.columns):
            return frame.select("wijk_code", "jaar", "oordeel").unique(["wijk_code", "jaar"])
    return None


def wijk_sensitivity(marts, wijk_code: str, jaar: int, wijk_name: str) -> dict[str, str] | None:
    """The per-wijk verdict of one year: {'oordeel', 'label', 'uitleg'} in plain Dutch, or None
    (no marts, or the wijk-year has no index)."""
    verdicts, per_wijk = _wijk_verdicts(marts), optional_frame(marts, SENSITIVITY_WIJK)
    if verdicts is None or per_wijk is None:
        return None
    row = verdicts.filter((pl.col("wijk_code") == wijk_code) & (pl.col("jaar") == jaar)).to_dicts()
    if not row or not row[0]["oordeel"]:
        return None
    oordeel = row[0]["oordeel"]
    decides = _counts_for_verdict(marts)
    mine = per_wijk.filter((pl.col("wijk_code") == wijk_code) & (pl.col("jaar") == jaar))
    if decides:  # the separate indexes measure something else: they do not decide
        mine = mine.filter(pl.col("variant").is_in([v for v, d in decides.items() if d]))
    labels = {}
    summary = optional_frame(marts, SENSITIVITY)
    if summary is not None:
        labels = dict(summary.filter(pl.col("jaar") == jaar).select("variant", "variant_label").iter_rows())
    official = next(iter(mine.get_column("officiele_categorie").drop_nulls().to_list()), None)
    others = mine.filter(pl.col("andere_categorie").fill_null(False))
    if oordeel == "robuust" or not others.height:
        uitleg = (f"Met elk van de {mine.height} andere verdedigbare wegingen (zie Methode) valt {wijk_name} in "
                  f"{jaar} in dezelfde categorie" + (f": {official}." if official else "."))
    else:
        shifts = "; ".join(f"{labels.get(r['variant'], r['variant'])}: {r['categorie']}"
                           for r in others.iter_rows(named=True))
        uitleg = (f"Met {others.height} van de {mine.height} andere verdedigbare wegingen valt {wijk_name} in {jaar} "
                  f"in een andere categorie dan {official or 'de officiële'} ({shifts}). Lees de categorie als "
                  "een grensgeval.")
    return {"oordeel": oordeel, "label": SENSITIVITY_LABELS.get(oordeel, oordeel.replace("_", " ")), "uitleg": uitleg}


def sensitivity_verdict_counts(marts, jaar: int) -> dict[str, int] | None:
    """How many wijken of one year are 'robuust' and how many 'hangt_af_van_de_weging' (None without
    the marts)."""
    verdicts = _wijk_verdicts(marts)
    if verdicts is None:
        return None
    counts = dict(verdicts.filter(pl.col("jaar") == jaar).get_column("oordeel").drop_nulls().value_counts().iter_rows())
    return {k: int(counts.get(k, 0)) for k in SENSITIVITY_LABELS}
