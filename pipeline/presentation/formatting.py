"""Dutch formatting: numbers stay numbers until these functions turn them into what a bestuurder
reads, on screen and in every export alike."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal


from pipeline.presentation.publication import published_method

# One rounding rule for screen and export: an index has one decimal (its 95% interval is about
# ±0.3, so a second decimal would suggest precision that is not there).
INDEX_DECIMALS = 1
# Per-theme contributions to a change are an eighth of a theme change: two decimals.
CONTRIBUTION_DECIMALS = 2
# An interval or a change gets more decimals only where one would hide the difference
# ('5,7 – 5,7'); never more than this.
MAX_DECIMALS = 3
INTERVAL_DASH = " – "


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
