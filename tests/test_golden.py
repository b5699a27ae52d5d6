"""The pipeline reproduces ../shared/golden/expected/ (an independent implementation of METHOD.md
v1) to 1e-6 on every number, and categorie, reden and verschil_significant exactly."""

import math

import polars as pl
import pytest

from tests.conftest import GOLDEN_EXPECTED

TOLERANCE = 1e-6
MARTS = {
    "wijk_index": ["wijk_code", "jaar"],
    "thema_scores": ["wijk_code", "jaar", "thema"],
    "indicator_scores": ["wijk_code", "jaar", "indicator"],
    "stad_index": ["jaar"],
    "calibratie": ["indicator"],
}


def _values_equal(expected, got, numeric: bool) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if numeric:
        return math.isclose(float(expected), float(got), rel_tol=0, abs_tol=TOLERANCE)
    return str(expected) == str(got)


@pytest.mark.parametrize("mart", sorted(MARTS))
def test_mart_matches_golden(golden_run, mart):
    keys = MARTS[mart]
    expected = pl.read_csv(GOLDEN_EXPECTED / f"{mart}.csv", infer_schema_length=None)
    got = golden_run.mart(mart)
    # Same keys, each once: rows are matched on keys, not on order.
    assert got.select(keys).is_duplicated().sum() == 0
    assert sorted(expected.select(keys).rows()) == sorted(got.select(keys).cast({k: expected[k].dtype for k in keys}).rows())
    joined = expected.join(got.cast({k: expected[k].dtype for k in keys}), on=keys, suffix="__got")
    problems = []
    for column in expected.columns:
        if column in keys:
            continue
        got_col = column + "__got" if column + "__got" in joined.columns else column
        assert got_col in joined.columns, f"{mart}: kolom {column} ontbreekt"
        numeric = expected[column].dtype.is_numeric() and expected[column].dtype != pl.Boolean
        for row in joined.select(*keys, column, got_col).iter_rows():
            exp, val = row[-2], row[-1]
            if isinstance(exp, bool) or isinstance(val, bool):
                exp, val = (None if exp is None else str(exp).lower()), (None if val is None else str(val).lower())
            if not _values_equal(exp, val, numeric):
                problems.append(f"{row[:len(keys)]} {column}: verwacht {exp}, kreeg {val}")
    assert not problems, f"{mart}: {len(problems)} afwijkingen, bv.\n" + "\n".join(problems[:20])


def test_golden_has_no_quarantine(golden_run):
    assert golden_run.mart("quarantaine").height == 0
    expected = pl.read_csv(GOLDEN_EXPECTED / "quarantine.csv")
    assert expected.height == 0


def test_every_row_accounted_for(golden_run):
    files = golden_run.mart("bestanden")
    assert files["sluitend"].all()
    assert (files["rijen_gelezen"] == files["rijen_gebruikt"] + files["rijen_quarantaine"]).all()


def test_method_label_on_every_published_row(golden_run):
    for mart in ("wijk_index", "thema_scores", "indicator_scores", "stad_index"):
        assert golden_run.mart(mart)["methode"].unique().to_list() == ["veiligheidsindex-v1"]


def test_all_checks_passed_and_published(golden_run):
    checks = golden_run.mart("controles")
    assert checks.height >= 9 and checks["geslaagd"].all()
    ids = {golden_run.mart(m)["publicatie_id"][0] for m in ("wijk_index", "thema_scores", "stad_index")}
    assert len(ids) == 1
