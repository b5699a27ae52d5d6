"""Reference data the product ships beside the method config (pipeline/method/data/): code
lists and mappings from the real systems analysts download from. Data, not code: a list is
written once, in its CSV, and read here.

- cbs_soortmisdrijf.csv: CBS/politie SoortMisdrijf codes with their real labels (47022NED/47018NED);
- signalen_categories.csv: Signalen's category tree (slugs and display names) and the default
  mapping onto the meldingen vocabulary of INPUTS.md;
- signalen_status.csv: Signalen's state codes and display names onto the four statuses;
- kwb_tables.csv: CBS Kerncijfers wijken en buurten table ids and the year of their peildatum.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")


@cache
def read_reference(name: str) -> tuple[dict[str, str], ...]:
    """The rows of one shipped reference file (UTF-8 CSV with a header), as dicts of text."""
    with (DATA_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return tuple({k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle))


def crime_labels() -> dict[str, str]:
    """SoortMisdrijf code -> the label CBS publishes with it (e.g. '1.3.1' -> 'Ongevallen (weg)')."""
    return {row["code"]: row["label"] for row in read_reference("cbs_soortmisdrijf")}
