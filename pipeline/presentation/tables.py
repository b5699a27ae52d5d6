"""Display frames: what the dashboard shows and the exports write, built from the marts with the
formatting functions (one source for screen and Excel)."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

import polars as pl

from pipeline.presentation.formatting import (CONTRIBUTION_DECIMALS, category_label, change_judgement, change_parts,
                                              fmt_bool, fmt_date, fmt_int, fmt_num, indicative_note, interval_bounds,
                                              status_label, theme_labels)
from pipeline.presentation.labels import reden_label
from pipeline.presentation.publication import Marts, published_method

# A survey indicator value (gewogen %) from fewer valid answers than the method's min_respondents is
# not shown anywhere, on screen or in an export; the indicator_scores mart keeps the number for
# analysts (docs/method.md).
TOO_FEW_ANSWERS = "te weinig antwoorden"
# The scorecard's lines with the 'did it help' verdict of an agreement (mart prestatie_effecten): the
# verdict in a few words and the mart's sentence with its caveat.
EFFECT_KEY = "Heeft het geholpen?"
EFFECT_NOTE_KEY = "Toelichting effect"


def _frame(marts: Marts | Mapping[str, pl.DataFrame], name: str) -> pl.DataFrame:
    return marts[name]


def years(marts) -> list[int]:
    return sorted(int(y) for y in _frame(marts, "wijk_index").get_column("jaar").unique().drop_nulls())


def _check(marts, wijk_code: str | None, jaar: int) -> None:
    known_years = years(marts)
    if jaar not in known_years:
        span = f"{known_years[0]}–{known_years[-1]}" if known_years else "geen"
        raise ValueError(f"Onbekend jaar {jaar}: de publicatie bevat de jaren {span}.")
    if wijk_code is not None:
        codes = set(_frame(marts, "wijken").get_column("wijk_code").to_list())
        if wijk_code not in codes:
            raise ValueError(f"Onbekende wijk '{wijk_code}': deze wijkcode staat niet in de publicatie.")


def index_row(marts, wijk_code: str, jaar: int) -> dict[str, Any]:
    """The wijk_index row of one wijk-year (raw values)."""
    _check(marts, wijk_code, jaar)
    rows = _frame(marts, "wijk_index").filter(
        (pl.col("wijk_code") == wijk_code) & (pl.col("jaar") == jaar)).to_dicts()
    if not rows:  # the contract says every wijk has every year; be explicit when it does not
        return {"wijk_code": wijk_code, "jaar": jaar, "index": None, "reden": None}
    return rows[0]


def index_summary(marts, wijk_code: str, jaar: int) -> dict[str, str]:
    """The headline figures of one wijk-year as displayed: index, category, interval, change."""
    return headline(index_row(marts, wijk_code, jaar))


HEADLINE_COLUMNS = ("Index", "Categorie", "Ondergrens 95%-interval", "Bovengrens 95%-interval", "Indicatief",
                    "Verschil met vorig jaar", "Verandering aantoonbaar", "Pas aantoonbaar vanaf",
                    "Oordeel verandering", "Reden geen index")


def headline(row: Mapping[str, Any], since: int | None = None) -> dict[str, str]:
    """A wijk_index (or stad_index) row's headline figures as displayed (scorecard, all-wijken CSV
    and pages). `since` puts the comparison year into the judgement text."""
    published = row.get("index") is not None
    verschil, significant = row.get("verschil"), row.get("verschil_significant")
    low, high = interval_bounds(row.get("ci_laag"), row.get("ci_hoog"), row.get("index")) if published else ("", "")
    change, threshold = change_parts(verschil, significant, row.get("detecteerbaar_verschil"))
    return {
        "Index": fmt_num(row.get("index")),
        "Categorie": category_label(row.get("categorie")) if published else "",
        "Ondergrens 95%-interval": low,
        "Bovengrens 95%-interval": high,
        "Indicatief": fmt_bool(row.get("indicatief")) if published else "",
        "Verschil met vorig jaar": change,
        "Verandering aantoonbaar": fmt_bool(significant) if change else "",
        "Pas aantoonbaar vanaf": threshold,
        "Oordeel verandering": change_judgement(verschil, significant, row.get("detecteerbaar_verschil"), since),
        "Reden geen index": "" if published else (reden_label(row.get("reden")) or "geen index gepubliceerd"),
    }


def theme_values(marts, wijk_code: str, jaar: int) -> pl.DataFrame:
    """The eight themes of one wijk-year as numbers (for charts), each with its display text."""
    _check(marts, wijk_code, jaar)
    labels = theme_labels(marts)
    scores = {r["thema"]: r for r in _frame(marts, "thema_scores").filter(
        (pl.col("wijk_code") == wijk_code) & (pl.col("jaar") == jaar)).to_dicts()}
    rows = []
    for theme, label in labels.items():  # method order
        r = scores.get(theme, {})
        low, high = interval_bounds(r.get("ci_laag"), r.get("ci_hoog"), r.get("score"))
        rows.append({
            "thema": theme, "label": label, "objectief": r.get("objectief"), "subjectief": r.get("subjectief"),
            "score": r.get("score"), "ci_laag": r.get("ci_laag"), "ci_hoog": r.get("ci_hoog"),
            "bijdrage": r.get("bijdrage"),
            "objectief_tekst": fmt_num(r.get("objectief")), "subjectief_tekst": fmt_num(r.get("subjectief")),
            "score_tekst": fmt_num(r.get("score")), "ci_laag_tekst": low, "ci_hoog_tekst": high,
            "bijdrage_tekst": fmt_num(r.get("bijdrage"), CONTRIBUTION_DECIMALS, sign=True),
        })
    numbers = {k: pl.Float64 for k in ("objectief", "subjectief", "score", "ci_laag", "ci_hoog", "bijdrage")}
    return pl.DataFrame(rows, schema={"thema": pl.String, "label": pl.String, **numbers,
                                      **{f"{k}_tekst": pl.String for k in numbers}})


def theme_frame(marts, wijk_code: str, jaar: int) -> pl.DataFrame:
    """The eight themes of one wijk-year as the table and the CSV show them."""
    values = theme_values(marts, wijk_code, jaar)
    return values.select(
        pl.col("label").alias("Thema"), pl.col("objectief_tekst").alias("Objectief"),
        pl.col("subjectief_tekst").alias("Subjectief"), pl.col("score_tekst").alias("Themascore"),
        pl.col("ci_laag_tekst").alias("Ondergrens 95%-interval"), pl.col("ci_hoog_tekst").alias("Bovengrens 95%-interval"),
        pl.col("bijdrage_tekst").alias("Bijdrage aan verschil"))


THEME_COLUMNS = ("Thema", "Objectief", "Subjectief", "Themascore", "Ondergrens 95%-interval",
                 "Bovengrens 95%-interval", "Bijdrage aan verschil")


def wijk_prestaties(marts, wijk_code: str, jaar: int | None = None) -> pl.DataFrame:
    """Raw prestaties that concern a wijk: its own, its gebied's and the city's; with `jaar`,
    only those whose looptijd overlaps that year."""
    wijk = _frame(marts, "wijken").filter(pl.col("wijk_code") == wijk_code)
    gebied = wijk.get_column("gebied_code").item() if wijk.height else None
    p = _frame(marts, "prestaties")
    mine = p.filter((pl.col("wijk_code") == wijk_code)
                    | ((pl.col("niveau") == "gebied") & (pl.col("wijk_code") == gebied))
                    | (pl.col("niveau") == "stad"))
    if jaar is not None:
        mine = mine.filter((pl.col("startdatum").is_null() | (pl.col("startdatum") <= date(jaar, 12, 31)))
                           & (pl.col("einddatum").is_null() | (pl.col("einddatum") >= date(jaar, 1, 1))))
    level_order = pl.col("niveau").replace_strict({"wijk": 0, "gebied": 1, "stad": 2}, default=3)
    mine = mine.with_columns(level_order.alias("_order")).sort("_order", "startdatum", "prestatie_id").drop("_order")
    return suppress_thin_survey(mine, marts)


def min_answers(marts) -> int:
    """The fewest valid answers behind a survey figure that may be shown: the published method's
    min_respondents (the same minimum as for a wijk-year's index)."""
    return int(published_method(marts)["params"]["min_respondents"])


def prestaties_frame(marts) -> pl.DataFrame:
    """All prestaties as they may be shown (survey measurements on too few answers suppressed)."""
    return suppress_thin_survey(_frame(marts, "prestaties"), marts)


def suppress_thin_survey(prestaties: pl.DataFrame, marts) -> pl.DataFrame:
    """Blank the measured value and the on-track verdict of an agreement whose measurement is a
    survey indicator from fewer than min_answers valid answers, and flag it (te_weinig_antwoorden).
    A subjective indicator without a count counts as too few."""
    if "te_weinig_antwoorden" in prestaties.columns:
        return prestaties
    scores = _frame(marts, "indicator_scores")
    thin = (scores.filter((pl.col("deel") == "subjectief")
                          & (pl.col("geldige_antwoorden").fill_null(0) < min_answers(marts)))
            .select("wijk_code", pl.col("jaar").cast(pl.Int64).alias("_meetjaar"), "indicator",
                    pl.lit(True).alias("te_weinig_antwoorden")).unique())
    out = (prestaties.with_columns(pl.col("meetjaar").cast(pl.Int64).alias("_meetjaar"))
           .join(thin, on=["wijk_code", "_meetjaar", "indicator"], how="left", nulls_equal=False)
           .drop("_meetjaar"))
    flag = pl.col("te_weinig_antwoorden").fill_null(False)
    return out.with_columns(flag.alias("te_weinig_antwoorden"),
                            *(pl.when(flag).then(None).otherwise(pl.col(c)).alias(c)
                              for c in ("gemeten_waarde", "op_koers")))


def level_label(niveau: str | None, name: str | None) -> str:
    if niveau == "stad":
        return "Hele stad"
    if niveau == "gebied":
        return f"Gebied {name}"
    return name or ""


def rag_text(rag: str | None, when: date | None) -> str:
    if not rag:
        return "nog geen voortgang"
    return f"{rag} ({fmt_date(when)})" if when else rag


def on_track_text(row: Mapping[str, Any]) -> str:
    """'ja'/'nee' with the measured value against the straight path, or why it cannot be judged."""
    if not row.get("is_meetbaar"):
        return "niet meetbaar"
    if row.get("te_weinig_antwoorden"):
        return TOO_FEW_ANSWERS
    if row.get("op_koers") is None:
        return "nog niet gemeten"
    decimals = 1
    return (f"{fmt_bool(row['op_koers'])} (gemeten {fmt_num(row.get('gemeten_waarde'), decimals)}, "
            f"pad {fmt_num(row.get('pad_waarde'), decimals)}, {row.get('meetjaar')})")


def prestaties_display(frame: pl.DataFrame, marts=None) -> pl.DataFrame:
    """Prestaties as shown on the Wijk and Prestaties pages and in the scorecard."""
    themes = theme_labels(marts)
    rows = []
    for r in frame.to_dicts():
        rows.append({
            "Prestatie": r["prestatie_id"],
            "Omschrijving": r.get("omschrijving") or "",
            "Voor": level_label(r.get("niveau"), r.get("gebied_of_wijk_naam")),
            "Thema": themes.get(r.get("thema"), r.get("thema") or ""),
            "Partner": r.get("partner") or "",
            "Status": status_label(r.get("status")),
            "Looptijd": f"{fmt_date(r.get('startdatum'))} t/m {fmt_date(r.get('einddatum'))}",
            "Laatste voortgang": rag_text(r.get("laatste_rag"), r.get("laatste_voortgang")),
            "Op koers": on_track_text(r),
            "Voortgang verouderd": fmt_bool(r.get("voortgang_verouderd")),
        })
    columns = ("Prestatie", "Omschrijving", "Voor", "Thema", "Partner", "Status", "Looptijd",
               "Laatste voortgang", "Op koers", "Voortgang verouderd")
    return pl.DataFrame(rows, schema={c: pl.String for c in columns})


def scorecard_rows(marts, wijk_code: str, jaar: int) -> pl.DataFrame:
    """The scorecard of one wijk-year, long format: Sectie, Onderwerp, Kenmerk, Waarde."""
    _check(marts, wijk_code, jaar)
    row = index_row(marts, wijk_code, jaar)
    wijk = _frame(marts, "wijken").filter(pl.col("wijk_code") == wijk_code).to_dicts()[0]
    out: list[tuple[str, str, str, str]] = []

    def add(section: str, subject: str, key: str, value: Any) -> None:
        out.append((section, subject, key, "" if value is None else str(value)))

    add("Wijk", "", "Wijk", wijk.get("wijk_naam"))
    add("Wijk", "", "Wijkcode", wijk_code)
    add("Wijk", "", "Gebied", wijk.get("gebied_naam"))
    add("Wijk", "", "Wijktype", wijk.get("wijktype"))
    add("Wijk", "", "Jaar", jaar)
    add("Wijk", "", "Inwoners", fmt_int(row.get("inwoners"), thousands=False))
    add("Wijk", "", "Respondenten enquête", fmt_int(row.get("respondenten"), thousands=False))
    for key, value in headline(row, since=jaar - 1).items():
        if key == "Verschil met vorig jaar":
            key = f"Verschil met {jaar - 1}"
        add("Index", "", key, value)
        if key == "Indicatief" and value == "ja":  # applies to every figure of this scorecard
            add("Index", "", "Toelichting indicatief", indicative_note(marts))
    for theme in theme_frame(marts, wijk_code, jaar).to_dicts():
        for key in THEME_COLUMNS[1:]:
            add("Thema", theme["Thema"], key, theme[key])
    agreements = wijk_prestaties(marts, wijk_code, jaar)
    effects = prestatie_effects(marts, agreements, jaar)
    for p in prestaties_display(agreements, marts).to_dicts():
        subject = f"{p['Prestatie']}: {p['Omschrijving']}"
        for key in ("Voor", "Thema", "Partner", "Status", "Looptijd", "Laatste voortgang", "Op koers",
                    "Voortgang verouderd"):
            add("Prestatie", subject, key, p[key])
        if effects is not None:  # only publications with mart prestatie_effecten
            label, note = effects.get(p["Prestatie"], ("", ""))
            add("Prestatie", subject, EFFECT_KEY, label)
            add("Prestatie", subject, EFFECT_NOTE_KEY, note)
    manifest = getattr(marts, "manifest", None) or {}
    add("Bron", "", "Methode", manifest.get("methode") or row.get("methode"))
    add("Bron", "", "Methodekenmerk", (manifest.get("methode_hash") or "")[:12])
    add("Bron", "", "Basisjaar", manifest.get("basisjaar") or row.get("basisjaar"))
    add("Bron", "", "Publicatie", manifest.get("publicatie_id") or row.get("publicatie_id"))
    return pl.DataFrame(out, schema={c: pl.String for c in ("Sectie", "Onderwerp", "Kenmerk", "Waarde")},
                        orient="row")


def all_wijken_frame(marts, jaar: int) -> pl.DataFrame:
    """Every wijk in one year, ranked by index (highest = safest first); unpublished ones last."""
    _check(marts, None, jaar)
    labels = theme_labels(marts)
    wi = _frame(marts, "wijk_index").filter(pl.col("jaar") == jaar)
    names = _frame(marts, "wijken").select("wijk_code", "wijk_naam", "gebied_naam", "wijktype")
    wi = (names.join(wi.drop("wijk_naam", "gebied_naam", "wijktype", strict=False), on="wijk_code", how="left")
          .sort(pl.col("index").is_null(), pl.col("index"), pl.col("wijk_naam"),
                descending=[False, True, False], nulls_last=True))
    themes = _frame(marts, "thema_scores").filter(pl.col("jaar") == jaar)
    by_wijk: dict[str, dict[str, dict]] = {}
    for r in themes.iter_rows(named=True):
        by_wijk.setdefault(r["wijk_code"], {})[r["thema"]] = r
    rows = []
    rank = 0
    for r in wi.to_dicts():
        published = r.get("index") is not None
        rank += published
        record = {
            "Rang": str(rank) if published else "",
            "Wijk": r.get("wijk_naam") or "",
            "Wijkcode": r["wijk_code"],
            "Gebied": r.get("gebied_naam") or "",
            "Wijktype": r.get("wijktype") or "",
            "Jaar": str(jaar),
            **headline(r),
        }
        scores = by_wijk.get(r["wijk_code"], {})
        for theme, label in labels.items():
            t = scores.get(theme, {}) if published else {}
            low, high = interval_bounds(t.get("ci_laag"), t.get("ci_hoog"), t.get("score"))
            record[f"Thema {label}"] = fmt_num(t.get("score"))
            record[f"Thema {label} ondergrens 95%"] = low
            record[f"Thema {label} bovengrens 95%"] = high
        rows.append(record)
    columns = ["Rang", "Wijk", "Wijkcode", "Gebied", "Wijktype", "Jaar", *HEADLINE_COLUMNS,
               *(f"Thema {lab}{part}" for lab in labels.values()
                 for part in ("", " ondergrens 95%", " bovengrens 95%"))]
    return pl.DataFrame(rows, schema={c: pl.String for c in columns})


# --------------------------------------------------------------------------------------------------
# For the printed scorecard and the xlsx (pipeline/presentation/scorecard_pdf.py, scorecard_xlsx.py)


def categories(marts) -> list[dict]:
    """Category bounds and colours of the publication's method, in order onveilig -> veilig (what
    the chart builders of dashboard/charts.py take)."""
    return [dict(c) for c in published_method(marts)["categories"]]


def index_series(marts, wijk_code: str) -> pl.DataFrame:
    """Every year of one wijk's wijk_index rows, oldest first (the trend chart's input)."""
    return _frame(marts, "wijk_index").filter(pl.col("wijk_code") == wijk_code).sort("jaar")


def optional_frame(marts, name: str) -> pl.DataFrame | None:
    """A mart that an older publication may not have (e.g. prestatie_effecten): None when absent."""
    frames = getattr(marts, "frames", marts)
    return frames[name] if name in frames else None


def prestatie_effects(marts, prestaties: pl.DataFrame, jaar: int) -> dict[str, tuple[str, str]] | None:
    """prestatie_id -> (verdict in a few words, the mart's plain-Dutch sentence) for these raw
    prestaties rows, as the dashboard shows them (agreements.with_outcomes); None when the
    publication has no mart prestatie_effecten."""
    if optional_frame(marts, "prestatie_effecten") is None:
        return None
    from pipeline.presentation.agreements import with_outcomes  # it builds on this module

    outcomes = with_outcomes(marts, prestaties, jaar)
    return {r["prestatie_id"]: (r["effect_label"] or "", r["effect_note"] or "")
            for r in outcomes.select("prestatie_id", "effect_label", "effect_note").to_dicts()}
