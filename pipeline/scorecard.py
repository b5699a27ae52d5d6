"""Reading a publication and exporting what the dashboard shows as CSV for Dutch Excel.

Pure functions (no Streamlit): the dashboard builds its tables from the same display frames as the
CSV exports, so what a bestuurder sees on screen and what lands in Excel cannot drift apart.

Public API (used by the dashboard and the CLI `export-scorecard`):
  read_marts(marts_dir)                       -> Marts (consistent: one publicatie_id)
  scorecard_rows(marts, wijk_code, jaar)      -> polars frame Sectie/Onderwerp/Kenmerk/Waarde
  all_wijken_frame(marts, jaar)               -> polars frame, one row per wijk
  to_dutch_csv(frame)                         -> bytes (UTF-8 BOM, ';', decimal comma)
  fmt_interval(low, high, centre)             -> '5,66 – 5,74' (as many decimals as it needs)
  change_judgement(verschil, significant, d)  -> 'niet aantoonbaar veranderd (+0,1; pas vanaf ±0,8 aantoonbaar)'
  export_scorecard(marts_dir, wijk_code, jaar) -> bytes
  export_all_wijken(marts_dir, jaar)          -> bytes
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Mapping

import polars as pl

from pipeline.labels import reden_label
from pipeline.method import load_method
from pipeline.publish import (MANIFEST, PublicationMissing, published_files, read_publication,
                              read_published_method)

# The files of one publication, as pipeline/publish.py writes them.
MART_NAMES = tuple(name.removesuffix(".parquet") for name in published_files())

# One rounding rule for screen and export: an index has one decimal (its 95% interval is about
# ±0.3, so a second decimal would suggest precision that is not there).
INDEX_DECIMALS = 1
# Per-theme contributions to a change are an eighth of a theme change: two decimals.
CONTRIBUTION_DECIMALS = 2
# An interval or a change gets more decimals only where one would hide the difference
# ('5,7 – 5,7'); never more than this.
MAX_DECIMALS = 3
INTERVAL_DASH = " – "


class MartsError(Exception):
    """The publication cannot be read (Dutch message for the user)."""


class MartsNotFound(MartsError):
    """There is no (complete) publication in the marts folder."""


class PublicationInProgress(MartsError):
    """The files kept carrying different publicatie_ids: a publication is being written."""


@dataclass(frozen=True)
class Marts:
    """One consistent publication: every frame carries manifest['publicatie_id']."""

    directory: Path
    manifest: dict
    frames: dict[str, pl.DataFrame] = field(repr=False)
    # The resolved method config the publication was computed with (publish.read_published_method),
    # not whatever the config files say today.
    method: dict = field(default_factory=dict, repr=False)

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.frames[name]

    @property
    def publication_id(self) -> str:
        return self.manifest["publicatie_id"]


# --------------------------------------------------------------------------------------------
# Reading


def read_marts(marts_dir: Path, attempts: int = 20) -> Marts:
    """Read one complete publication: the immutable directory `publicatie.json` points at (see
    pipeline/publish.py), so a publication in progress or a killed run is never seen half."""
    marts_dir = Path(marts_dir)
    if not (marts_dir / MANIFEST).exists():
        raise MartsNotFound(f"Er is nog geen publicatie in {marts_dir}.")
    try:
        manifest, frames = read_publication(marts_dir, list(MART_NAMES), attempts=attempts)
    except PublicationMissing as exc:
        raise PublicationInProgress(
            f"De publicatie in {marts_dir} kon niet in één keer gelezen worden ({exc}). "
            "Probeer het over een minuut opnieuw.") from None
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise MartsError(f"Een bestand in {marts_dir} is niet leesbaar ({exc}). Draai de pipeline opnieuw.") from None
    try:
        method = read_published_method(marts_dir, manifest)
    except (OSError, ValueError) as exc:
        raise MartsError(f"De methode van de publicatie in {marts_dir} is niet leesbaar ({exc}). "
                         "Draai de pipeline opnieuw.") from None
    return Marts(marts_dir, manifest, frames, method)


def published_method(marts) -> dict:
    """The method config of this publication; today's default config only for bare frame mappings."""
    return getattr(marts, "method", None) or load_method()


# --------------------------------------------------------------------------------------------
# Formatting: the same functions render the screen and the CSV.

_DUTCH_NUMBER = re.compile(r"[+-]?\d+(,\d+)?")


def fmt_num(value: float | None, decimals: int = INDEX_DECIMALS, sign: bool = False) -> str:
    """Dutch decimal, rounded half up as people (and Excel) do: 4.25 -> '4,3', 4.674 -> '4,7'.
    With sign: '+0,7' / '-0,3'; a value that rounds to 0 gets no sign."""
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return ""
    # repr() is the shortest decimal that reads back as this float, so 2.675 rounds to 2,68, not 2,67
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    text = f"{rounded:.{decimals}f}"
    if sign and rounded > 0:
        text = "+" + text
    return text.replace(".", ",")


def _finite(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and (math.isnan(value) or math.isinf(value)))


def decimals_needed(values, decimals: int = INDEX_DECIMALS, most: int = MAX_DECIMALS) -> int:
    """The fewest decimals (at least `decimals`, at most `most`) at which values that differ stay
    different once rounded. Values equal at `most` decimals (an interval clipped at 10) do not count."""
    values = [v for v in values if _finite(v)]
    for d in range(decimals, most):
        texts = [fmt_num(v, d) for v in values]
        if all(texts[i] != texts[j] or fmt_num(values[i], most) == fmt_num(values[j], most)
               for i in range(len(values)) for j in range(i + 1, len(values))):
            return d
    return most


def interval_bounds(low: float | None, high: float | None, centre: float | None = None,
                    decimals: int = INDEX_DECIMALS) -> tuple[str, str]:
    """Both bounds of a 95% interval with the decimals they need to differ from each other and from
    the estimate: (5.686, 5.743) around 5.71 is ('5,69', '5,74'), never ('5,7', '5,7')."""
    if not (_finite(low) and _finite(high)):
        return "", ""
    d = decimals_needed((low, high, centre), decimals)
    return fmt_num(low, d), fmt_num(high, d)


def fmt_interval(low: float | None, high: float | None, centre: float | None = None,
                 decimals: int = INDEX_DECIMALS) -> str:
    """'5,69 – 5,74' (see interval_bounds); '' without an interval."""
    return join_interval(*interval_bounds(low, high, centre, decimals))


def join_interval(low: str, high: str) -> str:
    """Two formatted bounds as one interval text ('' when there is none)."""
    return f"{low}{INTERVAL_DASH}{high}" if low and high else ""


def change_parts(verschil: float | None, significant: bool | None,
                 detectable: float | None) -> tuple[str, str]:
    """The change and, when it is not significant, the smallest change that would have been
    detected (80% power), with the same decimals: at least the first digit of that threshold
    (the city's ±0,06 is not ±0,1), and enough that a real change does not read '+0,0' and the
    two do not round to the same number. The threshold is left out beside a significant change:
    it can be larger than a change that was detected, which would read as a contradiction."""
    if not _finite(verschil):
        return "", ""
    threshold = detectable if _finite(detectable) and detectable > 0 and not significant else None
    base = INDEX_DECIMALS
    if threshold is not None:
        base = min(MAX_DECIMALS, max(base, -math.floor(math.log10(threshold))))
    values = [abs(verschil), threshold] + ([0.0] if significant and verschil else [])
    d = decimals_needed(values, base)
    return fmt_num(verschil, d, sign=True), fmt_num(threshold, d) if threshold is not None else ""


def change_judgement(verschil: float | None, significant: bool | None, detectable: float | None,
                     since: int | None = None) -> str:
    """How a change since last year reads for a bestuurder. Not significant is 'niet aantoonbaar
    veranderd' (not 'gelijk gebleven': the data cannot tell), with the change that would have
    been detected beside it."""
    change, threshold = change_parts(verschil, significant, detectable)
    if not change:
        return ""
    when = f" t.o.v. {since}" if since is not None else ""
    if significant:
        return f"aantoonbaar {'veiliger' if verschil > 0 else 'onveiliger'}{when} ({change})"
    limit = f"; pas vanaf ±{threshold} aantoonbaar" if threshold else ""
    return f"niet aantoonbaar veranderd{when} ({change}{limit})"


def indicative_threshold(marts) -> int | None:
    """Respondents below which a published figure is indicatief (method v2); None under v1."""
    return published_method(marts)["params"].get("indicative_below")


def indicative_note(marts) -> str:
    """What 'indicatief' means, for hover texts, captions and the scorecard."""
    n = indicative_threshold(marts) or 100
    return (f"Indicatief: minder dan {n} respondenten in de enquête. De onzekerheid is dan groter dan het "
            "95%-interval laat zien; lees het cijfer als een aanwijzing, niet als een vaststelling.")


def fmt_int(value: int | float | None, thousands: bool = True) -> str:
    """Whole number, Dutch thousands separator on screen: 10371 -> '10.371'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{int(round(value)):,}".replace(",", ".") if thousands else str(int(round(value)))


def fmt_date(value: date | datetime | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def fmt_bool(value: bool | None) -> str:
    return "" if value is None else ("ja" if value else "nee")


def category_label(category: str | None) -> str:
    return category.capitalize() if category else ""


def status_label(status: str | None) -> str:
    return status.replace("_", " ") if status else ""


def theme_labels(marts=None) -> dict[str, str]:
    return {t["theme"]: t["label"] for t in published_method(marts)["themes"]}


def indicator_labels(marts=None) -> dict[str, str]:
    return {i["indicator"]: i["label"] for i in published_method(marts)["indicators"]}


# --------------------------------------------------------------------------------------------
# Display frames (all values are the strings the dashboard shows)


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


def theme_frame(marts, wijk_code: str, jaar: int) -> pl.DataFrame:
    """The eight themes of one wijk-year: objective, subjective, theme score, contribution."""
    _check(marts, wijk_code, jaar)
    labels = theme_labels(marts)
    order = {t: i for i, t in enumerate(labels)}
    scores = {r["thema"]: r for r in _frame(marts, "thema_scores").filter(
        (pl.col("wijk_code") == wijk_code) & (pl.col("jaar") == jaar)).to_dicts()}
    rows = []
    for theme in sorted(labels, key=order.get):
        r = scores.get(theme, {})
        low, high = interval_bounds(r.get("ci_laag"), r.get("ci_hoog"), r.get("score"))
        rows.append({
            "Thema": labels[theme],
            "Objectief": fmt_num(r.get("objectief")),
            "Subjectief": fmt_num(r.get("subjectief")),
            "Themascore": fmt_num(r.get("score")),
            "Ondergrens 95%-interval": low,
            "Bovengrens 95%-interval": high,
            "Bijdrage aan verschil": fmt_num(r.get("bijdrage"), CONTRIBUTION_DECIMALS, sign=True),
        })
    return pl.DataFrame(rows, schema={k: pl.String for k in THEME_COLUMNS})


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
    return mine.with_columns(level_order.alias("_order")).sort("_order", "startdatum", "prestatie_id").drop("_order")


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
    for p in prestaties_display(wijk_prestaties(marts, wijk_code, jaar), marts).to_dicts():
        subject = f"{p['Prestatie']}: {p['Omschrijving']}"
        for key in ("Voor", "Thema", "Partner", "Status", "Looptijd", "Laatste voortgang", "Op koers",
                    "Voortgang verouderd"):
            add("Prestatie", subject, key, p[key])
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


# --------------------------------------------------------------------------------------------
# CSV for Dutch Excel


def neutralise(text: str) -> str:
    """Stop Excel from evaluating a cell as a formula (CSV injection). A plain Dutch number such
    as '-0,3' is left alone: Excel reads it as a number, not a formula."""
    if text and text[0] in "=+-@\t\r" and not _DUTCH_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return fmt_bool(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value).replace(".", ",")
    if isinstance(value, (date, datetime)):
        return fmt_date(value)
    return neutralise(str(value))


def to_dutch_csv(frame: pl.DataFrame) -> bytes:
    """UTF-8 with BOM (Excel detects the encoding), ';' separator, decimal comma, quoted where needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in frame.columns])
    for row in frame.iter_rows():
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def scorecard_filename(marts, wijk_code: str, jaar: int) -> str:
    names = _frame(marts, "wijken").filter(pl.col("wijk_code") == wijk_code).get_column("wijk_naam").to_list()
    slug = re.sub(r"[^a-z0-9]+", "-", (names[0] if names else wijk_code).lower()).strip("-") or wijk_code
    return f"scorekaart_{slug}_{jaar}.csv"


def all_wijken_filename(jaar: int) -> str:
    return f"veiligheidsindex_alle_wijken_{jaar}.csv"


def export_scorecard(marts_dir: Path, wijk_code: str, jaar: int) -> bytes:
    """CSV scorecard of one wijk-year from a marts folder (for `veiligheidsindex export-scorecard`)."""
    return to_dutch_csv(scorecard_rows(read_marts(Path(marts_dir)), wijk_code, int(jaar)))


def export_all_wijken(marts_dir: Path, jaar: int) -> bytes:
    """CSV with every wijk of one year from a marts folder."""
    return to_dutch_csv(all_wijken_frame(read_marts(Path(marts_dir)), int(jaar)))
