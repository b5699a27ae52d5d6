"""The pipeline reproduces the golden sets of ../shared/golden (independent implementations of
METHOD.md) to 1e-6 on every number, and categorie, reden, verschil_significant, indicatief and
methode exactly: expected_v2/ with the default method, expected/ with `--method v1`."""

import math

import polars as pl
import pytest

from tests.conftest import GOLDEN_EXPECTED, GOLDEN_EXPECTED_V2

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


METHODS = {"v2": ("golden_run", GOLDEN_EXPECTED_V2), "v1": ("golden_run_v1", GOLDEN_EXPECTED)}


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("mart", sorted(MARTS))
def test_mart_matches_golden(request, method, mart):
    fixture, folder = METHODS[method]
    keys = MARTS[mart]
    expected = pl.read_csv(folder / f"{mart}.csv", infer_schema_length=None)
    got = request.getfixturevalue(fixture).mart(mart)
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
    for folder in (GOLDEN_EXPECTED, GOLDEN_EXPECTED_V2):
        assert pl.read_csv(folder / "quarantine.csv").height == 0


def test_every_row_accounted_for(golden_run):
    files = golden_run.mart("bestanden")
    assert files["sluitend"].all()
    assert (files["rijen_gelezen"] == files["rijen_gebruikt"] + files["rijen_quarantaine"]).all()


@pytest.mark.parametrize("method", sorted(METHODS))
def test_method_label_on_every_published_row(request, method):
    run = request.getfixturevalue(METHODS[method][0])
    for mart in ("wijk_index", "thema_scores", "indicator_scores", "stad_index", "groep_index", "calibratie"):
        assert run.mart(mart)["methode"].unique().to_list() == [f"veiligheidsindex-{method}"]


def test_point_estimates_equal_between_methods(golden_run, golden_run_v1):
    """METHOD.md: v2 changes only the uncertainty; every point estimate is v1's."""
    keys = ["wijk_code", "jaar"]
    v1, v2 = (r.mart("wijk_index").sort(keys) for r in (golden_run_v1, golden_run))
    for column in ("categorie", "reden"):
        assert v1[column].to_list() == v2[column].to_list(), column
    for column in ("index", "verschil"):  # equal up to the order of floating-point sums
        assert v1[column].is_null().to_list() == v2[column].is_null().to_list(), column
        assert (v1[column] - v2[column]).abs().max() < 1e-12, column
    assert v1["indicatief"].null_count() == v1.height  # v1 does not mark figures as indicatief
    assert (v2["se"].drop_nulls() > v1["se"].drop_nulls()).mean() > 0.9  # correlated answers widen it


def test_publication_records_method_and_hash(golden_run, golden_run_v1):
    from pipeline.method import load_method
    from pipeline.publish.publication import read_manifest, read_published_method

    for run, version in ((golden_run, "v2"), (golden_run_v1, "v1")):
        manifest = read_manifest(run.marts)
        config = read_published_method(run.marts)
        assert manifest["methode"] == config["method"]["label"] == f"veiligheidsindex-{version}"
        assert manifest["methode_hash"] == config["method"]["hash"] == load_method(version)["method"]["hash"]
        assert run.mart("run_info")["methode_hash"][0] == manifest["methode_hash"]
    assert read_manifest(golden_run.marts)["methode_hash"] != read_manifest(golden_run_v1.marts)["methode_hash"]


def test_all_checks_passed_and_published(golden_run):
    checks = golden_run.mart("controles")
    errors = checks.filter(pl.col("ernst") == "fout")
    assert errors.height >= 9 and errors["geslaagd"].all()
    # The golden police extract holds 12 of the 21 codes the method counts: a warning names the rest.
    warnings = checks.filter(pl.col("ernst") == "waarschuwing")
    assert set(warnings["controle"]) == {"absent_police_codes", "meldingen_vocabulary_shift"}
    absent = warnings.filter(pl.col("controle") == "absent_police_codes").row(0, named=True)
    assert not absent["geslaagd"] and "1.1.2" in absent["toelichting"]
    ids = {golden_run.mart(m)["publicatie_id"][0] for m in ("wijk_index", "thema_scores", "stad_index")}
    assert len(ids) == 1
