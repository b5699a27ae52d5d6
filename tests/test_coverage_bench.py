"""Smoke test of bench/coverage.py on a few replicates: its pipeline (the project's own SQL models on
simulated staging tables) gives every simulated wijk-year an index and an interval, v2 widens v1's
intervals on correlated answers, and its truth computation equals the published index when the
simulated data equal the true parameters exactly."""

import importlib.util
import sys

import numpy as np
import polars as pl
import pytest

from pipeline.method import load_method
from tests.conftest import ROOT

REPLICATES = range(3)


def _load_bench():
    # bench/ is no package, and the name "coverage" belongs to coverage.py: load it under its own name.
    spec = importlib.util.spec_from_file_location("coverage_bench", ROOT / "bench" / "coverage.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


cb = _load_bench()


@pytest.fixture(scope="module")
def world():
    return cb.make_world(cb.SEED)


@pytest.fixture(scope="module")
def methods():
    return {v: load_method(v) for v in cb.METHODS}


@pytest.fixture(scope="module")
def small_run(world, methods):
    return cb.run_batch(world, REPLICATES, cb.SEED, methods)


def test_bench_runs_the_variance_models():
    names = {m.name for m in cb.benchmark_models()}
    assert {"int_calibration", "int_indicator_scores", "int_indicator_weights", "int_respondent_influence",
            "int_variance", "int_theme_scores", "wijk_index", "int_city_index", "gemeente_index"} <= names
    assert all(m.layer != "staging" for m in cb.benchmark_models())


def test_every_simulated_wijk_year_has_an_index_and_interval(world, small_run):
    expected_rows = len(REPLICATES) * world.n_wijken * 2
    for version, (wijk, city) in small_run.items():
        assert wijk.height == expected_rows, version
        for column in ("index", "ci_laag", "ci_hoog", "se", "true_index"):
            assert wijk[column].null_count() == 0, (version, column)
        assert (wijk["ci_laag"] <= wijk["index"]).all() and (wijk["index"] <= wijk["ci_hoog"]).all()
        second = wijk.filter(pl.col("jaar") == world.params.years[1])
        assert second["verschil_significant"].null_count() == 0, version
        # One city index per replicate and year, over that replicate's wijken only; no change in its first year.
        assert city.height == len(REPLICATES) * 2 and city["index"].null_count() == 0, version
        assert (city["wijken"] == world.n_wijken).all(), version
        first = city.filter(pl.col("jaar") == world.params.years[0])
        assert first["verschil_significant"].null_count() == len(REPLICATES), version
        assert city.filter(pl.col("jaar") == world.params.years[1])["verschil_significant"].null_count() == 0


def test_v2_se_larger_than_v1_on_correlated_answers(small_run):
    v1, v2 = (small_run[v][0].sort("replicate", "wijk", "jaar") for v in ("v1", "v2"))
    # Same data, same point estimates: only the uncertainty differs between the methods.
    assert np.allclose(v1["index"].to_numpy(), v2["index"].to_numpy(), rtol=0, atol=1e-9)
    se1, se2 = v1["se"].to_numpy(), v2["se"].to_numpy()
    assert se2.mean() > 1.3 * se1.mean()
    assert (se2 > se1).mean() > 0.9
    c1, c2 = (small_run[v][1].sort("replicate", "jaar")["se"].to_numpy() for v in ("v1", "v2"))
    assert (c2 > c1).all()


def test_v2_covers_more_often_than_v1(world, small_run, methods):
    below = methods["v2"]["params"]["indicative_below"]
    summary = {v: cb.summarise(w, c, world.params.years, below) for v, (w, c) in small_run.items()}
    assert summary["v2"]["dekking"] > summary["v1"]["dekking"] + 0.1
    assert summary["v2"]["vals_alarm"] < summary["v1"]["vals_alarm"]


def test_truth_reproduces_published_index_on_exact_data(world, methods):
    exact = cb.exact_world(world)
    result = cb.run_batch(exact, range(2), cb.SEED, {"v2": methods["v2"]}, exact=True)
    wijk, city = result["v2"]
    assert wijk.height == 2 * exact.n_wijken * 2
    diff = (wijk["index"] - wijk["true_index"]).abs().max()
    assert diff < 1e-9, f"truth and published index differ by {diff}"
    assert (city["index"] - city["true_index"]).abs().max() < 1e-9
    # Exact data are no sample: the truth must not be trivially constant either.
    assert wijk["true_index"].std() > 0.3
