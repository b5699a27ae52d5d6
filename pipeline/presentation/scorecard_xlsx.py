"""Scorecards as Excel workbooks (.xlsx) beside the CSV: the same strings as the CSV
(tables.scorecard_rows, tables.all_wijken_frame), but a number is a real number cell whose number
format has the decimals the CSV shows; Excel draws the decimal comma from its own locale. Text cells
that Excel could read as a formula get Excel's quote prefix (the rule of export.neutralise)."""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import polars as pl
import xlsxwriter

from pipeline.presentation.export import dutch_number, neutralise
from pipeline.presentation.tables import (EFFECT_KEY, EFFECT_NOTE_KEY, HEADLINE_COLUMNS, THEME_COLUMNS,
                                          all_wijken_frame, prestatie_effects, prestaties_display, scorecard_rows,
                                          theme_frame, wijk_prestaties)

# Which cells hold numbers: named, not guessed from the text, so a wijk called '1' or an all-digit
# method hash stays text.
_HEADLINE_NUMBERS = frozenset({"Index", "Ondergrens 95%-interval", "Bovengrens 95%-interval",
                               "Verschil met vorig jaar", "Pas aantoonbaar vanaf"})
assert _HEADLINE_NUMBERS <= set(HEADLINE_COLUMNS)
_THEME_NUMBERS = frozenset(THEME_COLUMNS[1:])  # all but the theme's name
_CARD_NUMBERS = _HEADLINE_NUMBERS | _THEME_NUMBERS | {"Jaar", "Inwoners", "Respondenten enquête", "Basisjaar"}
_CHANGE_PREFIX = "Verschil met "  # the scorecard names the year: 'Verschil met 2023'

MIN_WIDTH, MAX_WIDTH = 6, 60  # column widths in characters
SHEET_SCORECARD, SHEET_THEMES, SHEET_AGREEMENTS = "Scorekaart", "Thema's", "Prestaties"


class _Formats:
    """The workbook's cell formats, made once each (xlsxwriter keeps every format it is given)."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self.workbook = workbook
        self.header = workbook.add_format({"bold": True, "bg_color": "#e8eef5", "bottom": 1, "text_wrap": True,
                                           "valign": "top"})
        self.text = workbook.add_format({"valign": "top"})
        self.quoted = workbook.add_format({"valign": "top", "quote_prefix": True})
        self._numbers: dict[tuple[int, bool], xlsxwriter.format.Format] = {}

    def number(self, decimals: int, signed: bool):
        key = (decimals, signed)
        if key not in self._numbers:
            code = "0" + ("." + "0" * decimals if decimals else "")
            # '+0,7' as in the CSV for a change; the third section keeps a zero without sign
            self._numbers[key] = self.workbook.add_format(
                {"num_format": f"+{code};-{code};{code}" if signed else code, "valign": "top"})
        return self._numbers[key]


def _text_cell(sheet, row: int, col: int, text: str, formats: _Formats) -> None:
    # written as a string, never a formula; the quote prefix keeps it text when someone edits the cell
    sheet.write_string(row, col, text, formats.quoted if neutralise(text) != text else formats.text)


def _write_frame(workbook: xlsxwriter.Workbook, formats: _Formats, name: str, frame: pl.DataFrame,
                 is_number: Callable[[str, dict], bool], freeze_columns: int = 0, autofilter: bool = True) -> None:
    """One sheet: the frame's Dutch headers frozen above its rows; a cell whose column (and row)
    `is_number` names and whose text is a Dutch number becomes a number cell with its decimals."""
    sheet = workbook.add_worksheet(name)
    columns = frame.columns
    widths = [max(MIN_WIDTH, *(len(w) for w in c.split())) for c in columns]
    for col, header in enumerate(columns):
        sheet.write_string(0, col, header, formats.header)
    for r, record in enumerate(frame.iter_rows(named=True), start=1):
        for col, column in enumerate(columns):
            value = record[column]
            if value is None or value == "":
                continue
            text = str(value)
            parsed = dutch_number(text) if is_number(column, record) else None
            if parsed is not None and math.isfinite(parsed[0]):
                number, decimals, signed = parsed
                sheet.write_number(r, col, number, formats.number(decimals, signed))
            else:
                _text_cell(sheet, r, col, text, formats)
            widths[col] = max(widths[col], len(text) + 1)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(MAX_WIDTH, width + 1))
    # headers wrap at their column's width; say how tall the header row must be
    lines = max(math.ceil(len(h) / max(1, min(MAX_WIDTH, w + 1) - 1)) for h, w in zip(columns, widths, strict=True))
    sheet.set_row(0, 15 * max(1, lines))
    sheet.freeze_panes(1, freeze_columns)
    if autofilter and frame.height:
        sheet.autofilter(0, 0, frame.height, len(columns) - 1)


def _workbook(title: str, publication: str) -> tuple[xlsxwriter.Workbook, io.BytesIO]:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    workbook.set_properties({"title": title, "subject": "Veiligheidsindex", "author": "Veiligheidsindex",
                             "comments": f"Publicatie {publication}"})
    return workbook, buffer


def _publication(marts) -> str:
    return (getattr(marts, "manifest", None) or {}).get("publicatie_id", "")


def _card_number(column: str, record: dict) -> bool:
    key = record.get("Kenmerk") or ""
    return column == "Waarde" and (key in _CARD_NUMBERS or key.startswith(_CHANGE_PREFIX))


def scorecard_xlsx(marts, wijk_code: str, jaar: int) -> bytes:
    """The scorecard of one wijk-year: sheet Scorekaart is the CSV (same rows, same strings, numbers
    as numbers); sheets Thema's and Prestaties hold the same figures as filterable tables."""
    card = scorecard_rows(marts, wijk_code, int(jaar))
    wijk = next((v for s, _, k, v in card.iter_rows() if s == "Wijk" and k == "Wijk"), wijk_code)
    workbook, buffer = _workbook(f"Scorekaart {wijk} {jaar}", _publication(marts))
    formats = _Formats(workbook)
    _write_frame(workbook, formats, SHEET_SCORECARD, card, _card_number, autofilter=False)
    _write_frame(workbook, formats, SHEET_THEMES, theme_frame(marts, wijk_code, int(jaar)),
                 lambda column, _: column in _THEME_NUMBERS, freeze_columns=1)
    raw = wijk_prestaties(marts, wijk_code, int(jaar))
    agreements = prestaties_display(raw, marts)
    effects = prestatie_effects(marts, raw, int(jaar))
    if effects is not None:  # the columns only where the publication has mart prestatie_effecten
        agreements = agreements.with_columns(
            pl.Series(key, [effects.get(p, ("", ""))[i] for p in agreements["Prestatie"]], dtype=pl.String)
            for i, key in enumerate((EFFECT_KEY, EFFECT_NOTE_KEY)))
    _write_frame(workbook, formats, SHEET_AGREEMENTS, agreements, lambda column, _: False, freeze_columns=2)
    workbook.close()
    return buffer.getvalue()


def _all_wijken_number(column: str, _record: dict) -> bool:
    return column in _HEADLINE_NUMBERS or column in ("Rang", "Jaar") or column.startswith("Thema ")


def all_wijken_xlsx(marts, jaar: int) -> bytes:
    """Every wijk of one year, as the all-wijken CSV (tables.all_wijken_frame), numbers as numbers."""
    frame = all_wijken_frame(marts, int(jaar))
    workbook, buffer = _workbook(f"Veiligheidsindex alle wijken {jaar}", _publication(marts))
    _write_frame(workbook, _Formats(workbook), f"Alle wijken {jaar}", frame, _all_wijken_number, freeze_columns=2)
    workbook.close()
    return buffer.getvalue()
