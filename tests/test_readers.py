"""The two CSV parsers (vectorised fast path, exact csv-module path) give the same frame."""

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipeline.ingest.readers import decode, parse_exact, parse_fast, sniff_delimiter
from tests.conftest import GOLDEN_RAW

CASES = {
    "quoted_cbs": '"ID";"Code";"Area"\n"0";"1.1.1 ";"BU05990535  "\n"1";"1.2.3 Diefstal";"GM0599"\n',
    "crlf_and_empty_fields": "a,b,c\r\n1,,3\r\n4,5,\r\n",
    "embedded_delimiters_and_escaped_quotes": 'a,b,c\n1,"x, y",3\n2,"say ""hi""",4\n',
    "ragged_rows": "a,b,c\n1,2\n1,2,3,4\n1,2,3\n",
    "no_trailing_newline": "a;b\n1;2\n3;4",
    "header_only": "a,b,c\n",
}


def parse_both(text: str):
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    columns = [c.strip('"').lower() for c in text.split("\n", 1)[0].rstrip("\r").split(delimiter)]
    fast = parse_fast(text.split("\n", 1)[1] if "\n" in text else "", delimiter, columns)
    exact = parse_exact(text, delimiter, columns, "test.csv")
    return fast, exact


def _comparable(frame: pl.DataFrame) -> pl.DataFrame:
    # Padding of ragged rows may differ (NULL vs ''); those rows are quarantined on _fields anyway.
    width = len([c for c in frame.columns if not c.startswith("_")])
    data_cols = [c for c in frame.columns if not c.startswith("_")]
    return frame.with_columns(
        [pl.when(pl.col("_fields") == width).then(pl.col(c)).otherwise(None).alias(c) for c in data_cols])


@pytest.mark.parametrize("case", sorted(CASES))
def test_fast_and_exact_parsers_agree(case):
    fast, exact = parse_both(CASES[case])
    assert fast is not None, "deze invoer hoort via het snelle pad te gaan"
    assert_frame_equal(_comparable(fast), _comparable(exact))


@pytest.mark.parametrize("text", [
    'a,b\n1,"twee\nregels"\n3,4\n',   # a record spanning two lines
    "a,b\n1,2\n\n3,4\n",              # a blank line
])
def test_fast_path_declines_what_it_cannot_number_exactly(text):
    fast, exact = parse_both(text)
    assert fast is None
    assert exact["_line"].to_list() == [2, 4] if "twee" in text else [2, 4]


@pytest.mark.parametrize("path", sorted(GOLDEN_RAW.rglob("*.csv")), ids=lambda p: p.name)
def test_parsers_agree_on_the_golden_files(path: Path):
    text, _ = decode(path.read_bytes(), path.name)
    fast, exact = parse_both(text)
    assert fast is not None
    assert_frame_equal(fast, exact)
