"""Exports for Dutch Excel: CSV (UTF-8 BOM, ';', decimal comma) with formula cells neutralised."""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.presentation.formatting import _DUTCH_NUMBER, fmt_bool, fmt_date
from pipeline.presentation.publication import read_marts
from pipeline.presentation.tables import all_wijken_frame, scorecard_rows


def neutralise(text: str) -> str:
    """Stop Excel from evaluating a cell as a formula (CSV injection). A plain Dutch number such
    as '-0,3' is left alone: Excel reads it as a number, not a formula."""
    if text and text[0] in "=+-@\t\r" and not _DUTCH_NUMBER.fullmatch(text):
        return "'" + text
    return text


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text cell through `neutralise`: for frames a user can copy or download as CSV
    outside this module (the dashboard's tables and their toolbar download). Numbers stay numbers."""
    return frame.with_columns(pl.col(name).map_elements(neutralise, return_dtype=pl.String)
                              for name, dtype in frame.schema.items() if dtype == pl.String)


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


def scorecard_filename(marts, wijk_code: str, jaar: int, extension: str = "csv") -> str:
    names = marts["wijken"].filter(pl.col("wijk_code") == wijk_code).get_column("wijk_naam").to_list()
    slug = re.sub(r"[^a-z0-9]+", "-", (names[0] if names else wijk_code).lower()).strip("-") or wijk_code
    return f"scorekaart_{slug}_{jaar}.{extension}"


def all_wijken_filename(jaar: int, extension: str = "csv") -> str:
    """'…_alle_wijken_2024.csv'; with extension 'pdf' the booklet, 'xlsx' the workbook."""
    return f"veiligheidsindex_alle_wijken_{jaar}.{extension}"


def dutch_number(text: str) -> tuple[float, int, bool] | None:
    """A number as the exports write it ('3,3', '-0,10', '+0,09', '12786') read back: (value,
    decimals, explicit sign), or None for any other text. The xlsx and PDF scorecards read the CSV's
    strings with this, so all three show the same numbers."""
    if not text or not _DUTCH_NUMBER.fullmatch(text):
        return None
    _, _, fraction = text.partition(",")
    return float(text.replace(",", ".")), len(fraction), text[0] in "+-"


def export_scorecard(marts_dir: Path, wijk_code: str, jaar: int) -> bytes:
    """CSV scorecard of one wijk-year from a marts folder (for `veiligheidsindex export-scorecard`)."""
    return to_dutch_csv(scorecard_rows(read_marts(Path(marts_dir)), wijk_code, int(jaar)))


def export_all_wijken(marts_dir: Path, jaar: int) -> bytes:
    """CSV with every wijk of one year from a marts folder."""
    return to_dutch_csv(all_wijken_frame(read_marts(Path(marts_dir)), int(jaar)))
