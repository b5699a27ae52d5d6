"""Scorecards as A4 PDF: one page per wijk-year, and a booklet of every wijk of a year (a cover with
a reading guide and a table of contents, then one page per wijk).

What a page says comes from the CSV scorecard (tables.scorecard_rows: the same strings, so CSV, xlsx
and PDF show the same numbers); its charts are the dashboard's own Altair specs (dashboard/charts.py)
drawn to SVG by vl-convert, offline; Typst (scorecard_template.typ) sets the page. Why Typst, and
the measurements behind it: docs/scorecards.md.
"""

from __future__ import annotations

import importlib
import json
import math
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from pipeline import PROJECT_ROOT
from pipeline.presentation.export import dutch_number
from pipeline.presentation.formatting import (category_label, fmt_int, fmt_num, indicative_note,
                                              indicative_threshold, theme_labels)
from pipeline.presentation.publication import published_method
from pipeline.presentation.tables import (EFFECT_KEY, EFFECT_NOTE_KEY, TOO_FEW_ANSWERS, categories, index_row,
                                          index_series, min_answers, optional_frame, scorecard_rows, theme_values,
                                          years)

TEMPLATE = Path(__file__).with_name("scorecard_template.typ")
# The first of these that the machine has sets text and charts alike: Liberation Sans (metric-compatible
# with Arial) comes with Debian's chromium, DejaVu Sans with every Debian; Typst's own serif otherwise.
FONTS = ("Liberation Sans", "DejaVu Sans")
# Chart sizes in CSS pixels; the page scales them to its column width (about 0.8 pt per px, so
# Vega's 10–11 px labels print at 8–9 pt).
TREND_SIZE = (640, 125)
CONTRIBUTIONS_SIZE = (250, 140)
DRIVERS_SHOWN = 3  # themes named in the sentence under the contributions chart


def _chart_builders():
    """dashboard/charts.py (pure Altair, no Streamlit): the printed charts are the dashboard's specs.
    The editable install maps only the `pipeline` package, so outside the checkout (the CLI started
    elsewhere) the project root goes on the path once."""
    try:
        return importlib.import_module("dashboard.charts")
    except ModuleNotFoundError as exc:
        if exc.name != "dashboard":
            raise
        sys.path.append(str(PROJECT_ROOT))
        return importlib.import_module("dashboard.charts")


# --------------------------------------------------------------------------------------------------
# Charts


class _Charts:
    """The chart templates of one publication, built once (building a layered Altair chart costs
    0.1–0.4 s), and their SVG per wijk-year."""

    def __init__(self, marts):
        import vl_convert  # noqa: F401  (fail here, before any work, when the package is missing)

        charts = _chart_builders()
        self.charts = charts
        cats = categories(marts)
        order = list(theme_labels(marts).values())
        config = {"font": font()}
        self.trend = _with_config(charts.to_spec(charts.index_trend(cats, charts.year_domain(years(marts)),
                                                                    height=TREND_SIZE[1])), config)
        self.contributions = _with_config(charts.to_spec(charts.contributions(cats, order)), config)

    def trend_svg(self, series: pl.DataFrame, jaar: int) -> str:
        spec = self.charts.with_data(self.trend, {"points": self.charts.index_points(series, jaar)},
                                     width=TREND_SIZE[0], height=TREND_SIZE[1])
        return _svg(spec)

    def contributions_svg(self, themes: pl.DataFrame) -> str:
        frame, limit = self.charts.contributions_data(themes)
        spec = self.charts.with_data(self.contributions, {"contributions": frame}, params={"limit": limit},
                                     width=CONTRIBUTIONS_SIZE[0], height=CONTRIBUTIONS_SIZE[1])
        return _svg(spec)


def _with_config(spec: dict, config: dict) -> dict:
    return {**spec, "config": {**spec.get("config", {}), **config}}


def _svg(spec: dict) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)


_CHARTS: dict[str, _Charts] = {}
_CHARTS_LOCK = threading.Lock()


def _charts_of(marts) -> _Charts:
    """One _Charts per publication (the dashboard asks for many scorecards of the same one)."""
    key = getattr(marts, "publication_id", None) or str(id(marts))
    with _CHARTS_LOCK:
        if key not in _CHARTS:
            _CHARTS.clear()  # only the current publication is kept
            _CHARTS[key] = _Charts(marts)
        return _CHARTS[key]


# --------------------------------------------------------------------------------------------------
# Content of one page (JSON for the template)


def _lookup(card: pl.DataFrame) -> tuple[dict, dict[str, dict], dict[str, dict]]:
    """scorecard_rows split into its sections: (wijk+index+bron by Kenmerk, themes by label,
    agreements by subject), each in the order the CSV has them."""
    plain: dict[str, str] = {}
    themes: dict[str, dict] = {}
    agreements: dict[str, dict] = {}
    for section, subject, key, value in card.iter_rows():
        if section == "Thema":
            themes.setdefault(subject, {})[key] = value
        elif section == "Prestatie":
            agreements.setdefault(subject, {})[key] = value
        else:
            plain[key] = value
    return plain, themes, agreements


def _integer(text: str) -> str:
    """'12786' (the CSV, for Excel) as '12.786' on paper."""
    parsed = dutch_number(text)
    return fmt_int(parsed[0]) if parsed else text


def _change_colour(plain: dict, jaar: int, marts) -> str | None:
    """The colour of a change that is aantoonbaar: the method's safest category colour for better,
    its least safe for worse (as the contributions chart); None when not aantoonbaar."""
    if plain.get("Verandering aantoonbaar") != "ja":
        return None
    cats = categories(marts)
    worse = plain.get(f"Verschil met {jaar - 1}", "").startswith("-")
    return cats[0]["colour"] if worse else cats[-1]["colour"]


def change_drivers(themes: dict[str, dict], plain: dict, jaar: int, marts) -> str:
    """Which themes moved the index most since last year, in one sentence, from the scorecard's
    own contributions ('Bijdrage aan verschil')."""
    if not plain.get(f"Verschil met {jaar - 1}"):
        if jaar - 1 not in years(marts):
            return f"Geen vergelijking mogelijk: {jaar} is het eerste jaar in de publicatie."
        return f"Geen vergelijking mogelijk: geen index in {jaar - 1} of {jaar}."
    moved = []
    for label, values in themes.items():
        parsed = dutch_number(values.get("Bijdrage aan verschil", ""))
        if parsed and parsed[0] != 0:
            moved.append((abs(parsed[0]), label, values["Bijdrage aan verschil"]))
    moved.sort(key=lambda m: -m[0])
    if not moved:
        sentence = "Geen thema droeg zichtbaar bij aan de verandering."
    else:
        named = [f"{label} ({text})" for _, label, text in moved[:DRIVERS_SHOWN]]
        listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " en " + named[-1]
        sentence = (f"Het meest bewogen: {listed}. Groen = veiliger, rood = onveiliger; samen tellen ze op tot de "
                    "verandering.")
    if plain.get("Verandering aantoonbaar") != "ja":
        sentence += " Omdat de verandering niet aantoonbaar is, kunnen ook de bijdragen toeval zijn."
    return sentence


def trend_caption(marts, wijk_code: str, jaar: int) -> str:
    """What the trend chart shows, with the years it has no index and the years that are indicatief
    (as the Wijk page says it)."""
    series = index_series(marts, wijk_code)
    text = (f"Index per jaar met de 95%-band; omcirkeld: {jaar}. De gekleurde vlakken zijn de categorieën.")
    missing = series.filter(pl.col("index").is_null()).get_column("jaar").to_list()
    if missing:
        text += " Geen index in " + ", ".join(str(y) for y in missing) + "."
    open_years = series.filter(pl.col("index").is_not_null() & pl.col("indicatief").fill_null(False)
                               ).get_column("jaar").to_list()
    if open_years:
        text += (" Open rondje = indicatief (" + ", ".join(str(y) for y in open_years) + "): minder dan "
                 f"{indicative_threshold(marts)} respondenten, de onzekerheid is groter dan de band laat zien.")
    return text


def _agreement(subject: str, values: dict) -> dict[str, str]:
    ident, _, description = subject.partition(": ")
    details = " · ".join(v for v in (values.get("Voor"), values.get("Thema"), values.get("Partner"),
                                     values.get("Looptijd")) if v)
    return {
        "id": ident, "omschrijving": description or subject, "details": details,
        "status": values.get("Status", ""), "voortgang": values.get("Laatste voortgang", ""),
        "verouderd": values.get("Voortgang verouderd") == "ja", "op_koers": values.get("Op koers", ""),
        "effect": values.get(EFFECT_KEY, ""), "effect_toelichting": values.get(EFFECT_NOTE_KEY, ""),
    }


def card_content(marts, wijk_code: str, jaar: int, charts: _Charts | None = None) -> dict[str, Any]:
    """Everything one scorecard page shows, as JSON-ready strings (and two SVG charts)."""
    jaar = int(jaar)
    card = scorecard_rows(marts, wijk_code, jaar)  # checks wijk and year (Dutch ValueError)
    plain, themes, agreements = _lookup(card)
    charts = charts or _charts_of(marts)
    published = bool(plain.get("Index"))
    colour = next((c["colour"] for c in categories(marts) if category_label(c["category"]) == plain.get("Categorie")),
                  None)
    low, high = plain.get("Ondergrens 95%-interval", ""), plain.get("Bovengrens 95%-interval", "")
    row = index_row(marts, wijk_code, jaar)
    numbers = theme_values(marts, wijk_code, jaar)
    return {
        "code": wijk_code, "naam": plain.get("Wijk", wijk_code), "jaar": jaar, "gebied": plain.get("Gebied", ""),
        "ondertitel": " · ".join(p for p in (
            f"Gebied {plain['Gebied']}" if plain.get("Gebied") else "",
            f"wijktype {plain['Wijktype']}" if plain.get("Wijktype") else "",
            f"CBS-code {wijk_code}",
            f"{_integer(plain['Inwoners'])} inwoners" if plain.get("Inwoners") else "",
            f"{_integer(plain['Respondenten enquête'])} respondenten" if plain.get("Respondenten enquête") else "",
        ) if p),
        "kop": {
            "gepubliceerd": published, "index": plain.get("Index", ""), "categorie": plain.get("Categorie", ""),
            "kleur": colour or "#d9d9d9", "interval": f"{low} – {high}" if low and high else "",
            "verschil": plain.get(f"Verschil met {jaar - 1}", ""), "oordeel": plain.get("Oordeel verandering", ""),
            "aantoonbaar": plain.get("Verandering aantoonbaar") == "ja",
            "verschil_kleur": _change_colour(plain, jaar, marts),
            "indicatief": plain.get("Indicatief") == "ja", "reden": plain.get("Reden geen index", ""),
        },
        "indicatief_noot": plain.get("Toelichting indicatief", ""),
        "themas": [{"thema": label, "score": v.get("Themascore", ""),
                    "interval": (f"{v['Ondergrens 95%-interval']} – {v['Bovengrens 95%-interval']}"
                                 if v.get("Ondergrens 95%-interval") else ""),
                    "objectief": v.get("Objectief", ""), "subjectief": v.get("Subjectief", "")}
                   for label, v in themes.items()],
        "trend_uitleg": trend_caption(marts, wijk_code, jaar),
        "heeft_themas": any(v.get("Themascore") for v in themes.values()),
        "drijvers": change_drivers(themes, plain, jaar, marts),
        "afspraken": [_agreement(subject, values) for subject, values in agreements.items()],
        "grafieken": {
            "trend": charts.trend_svg(index_series(marts, wijk_code), jaar),
            "bijdragen": charts.contributions_svg(numbers) if row.get("verschil") is not None else "",
        },
    }


# --------------------------------------------------------------------------------------------------
# Texts shared by every page of a publication


def _reading_guide(marts) -> dict[str, Any]:
    """Short explanations for the foot of each page and the booklet's cover; the category bounds
    and thresholds come from the publication's method."""
    cats = categories(marts)
    bounds = []
    for c in cats:
        low, high = c["lower"], c["upper"]
        label = category_label(c["category"])
        if not math.isfinite(low):
            bounds.append(f"{label} onder {fmt_num(high)}")
        elif not math.isfinite(high):
            bounds.append(f"{label} vanaf {fmt_num(low)}")
        else:
            bounds.append(f"{label} {fmt_num(low)} tot {fmt_num(high)}")
    has_effects = optional_frame(marts, "prestatie_effecten") is not None
    indicative = indicative_note(marts) if published_method(marts)["params"].get("indicative_below") else ""
    items = [
        ["Index", ("van 1 tot 10, hoger is veiliger; het gemiddelde van de themascores. Categorieën: "
                   + "; ".join(bounds) + ".")],
        ["95%-interval", "met 95% zekerheid ligt de werkelijke waarde tussen deze grenzen."],
        ["Aantoonbaar veranderd", ("de verandering is groter dan de onzekerheid van beide jaren samen. Niet "
                                   "aantoonbaar: de cijfers onderscheiden het verschil niet van toeval; erbij staat "
                                   "vanaf welk verschil het wel aantoonbaar was geweest.")],
        ["Op koers", ("de laatst gemeten waarde van een afspraak vergeleken met de rechte lijn van basiswaarde "
                      "naar streefwaarde.")],
        ["Privacy", (f"enquêtecijfers op minder dan {min_answers(marts)} geldige antwoorden worden niet getoond "
                     f"(\u201c{TOO_FEW_ANSWERS}\u201d).")],
    ]
    if indicative:
        items.insert(3, ["Indicatief", indicative.removeprefix("Indicatief: ")])
    if has_effects:
        items.append(["Heeft het geholpen?", ("de verandering in de wijk (of het gebied) sinds de start van de "
                                              "afspraak naast die van vergelijkbare wijken zonder zo\u2019n "
                                              "afspraak: een samenhang, geen bewijs dat de afspraak het verschil "
                                              "maakte.")])
    return {"items": items}


def _footer(marts) -> str:
    manifest = getattr(marts, "manifest", None) or {}
    parts = ["Veiligheidsindex", f"methode {manifest.get('methode', '')}".strip(),
             f"basisjaar {manifest['basisjaar']}" if manifest.get("basisjaar") else "",
             f"publicatie {manifest['publicatie_id']}" if manifest.get("publicatie_id") else "",
             f"gemaakt op {date.today().strftime('%d-%m-%Y')}"]
    return " · ".join(p for p in parts if p)


_FONT: list[str] = []


def font() -> str:
    """The first family of FONTS that this machine has (Typst's and Vega's text alike)."""
    if not _FONT:
        import typst

        families = set(typst.Fonts().families())
        _FONT.append(next((f for f in FONTS if f in families), "Libertinus Serif"))
    return _FONT[0]


# --------------------------------------------------------------------------------------------------
# Typesetting


_COMPILER: list = []
_COMPILER_LOCK = threading.Lock()


def _typeset(document: dict) -> bytes:
    """The template with this document as its input; one compiler (and font book) per process,
    used by one caller at a time."""
    import typst

    with _COMPILER_LOCK:
        if not _COMPILER:
            _COMPILER.append(typst.Compiler(str(TEMPLATE), root=str(TEMPLATE.parent)))
        return _COMPILER[0].compile(sys_inputs={"data": json.dumps(document, ensure_ascii=False)})


def _document(marts, title: str, cards: list[dict], cover: dict | None = None) -> dict:
    return {"titel": title, "lettertype": font(), "voet": _footer(marts), "leeswijzer": _reading_guide(marts),
            "omslag": cover, "kaarten": cards}


def scorecard_pdf(marts, wijk_code: str, jaar: int) -> bytes:
    """One A4 page: the scorecard of one wijk-year."""
    card = card_content(marts, wijk_code, jaar)
    return _typeset(_document(marts, f"Scorekaart {card['naam']} {int(jaar)}", [card]))


def booklet_order(marts) -> list[str]:
    """The wijken of the booklet: by gebied, then by name (how people look them up)."""
    return (marts["wijken"].sort("gebied_naam", "wijk_naam", "wijk_code", nulls_last=True)
            .get_column("wijk_code").to_list())


def booklet_pdf(marts, jaar: int) -> bytes:
    """Every wijk of one year: a cover (reading guide, contents with index and category), then one
    page per wijk."""
    jaar = int(jaar)
    charts = _charts_of(marts)
    cards = [card_content(marts, code, jaar, charts) for code in booklet_order(marts)]
    manifest = getattr(marts, "manifest", None) or {}
    cover = {
        "titel": f"Scorekaarten veiligheidsindex {jaar}",
        "ondertitel": f"Alle {len(cards)} wijken, per gebied · publicatie {manifest.get('publicatie_id', '')}",
        "inhoud": [{"code": c["code"], "naam": c["naam"], "gebied": c["gebied"],
                    "index": c["kop"]["index"] or "–", "categorie": c["kop"]["categorie"] or "geen index",
                    "kleur": c["kop"]["kleur"]} for c in cards],
    }
    return _typeset(_document(marts, cover["titel"], cards, cover))
