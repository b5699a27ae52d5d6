"""The variance estimators of METHOD.md on hand-built wijk-years where the answer is known.

The project's own SQL (int_indicator_weights, int_respondent_influence, int_variance) runs on
small input tables written here: one wijk-year, a few survey items, chosen answers and weights.
"""

import duckdb
import numpy as np
import pytest

from pipeline.models import runner
from pipeline.method import load_method, method_tables

MODELS = ("int_indicator_weights", "int_respondent_influence", "int_variance")
SIGMA = 12.0  # calibration sigma of every survey item here
SCALE = load_method()["params"]["score_scale"]
GRADIENT = -SCALE / SIGMA  # ds/dy, the unclipped score lying inside (1, 10)


def run_variance(method: str, answers: dict[str, list[int]], weights: list[float],
                 objective_var: dict[str, float] | None = None) -> duckdb.DuckDBPyConnection:
    """One eligible wijk-year with the given 0/1 answers per survey indicator (None = no valid
    answer) and the given Var(s) for objective indicators; every other indicator is missing."""
    con = duckdb.connect()
    for name, frame in method_tables(load_method(method), base_year=2020).items():
        con.register("incoming", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
        con.unregister("incoming")
    n = len(weights)
    con.execute("CREATE TABLE int_wijk_years AS SELECT 'W' AS wijk_code, 2020 AS jaar, ?::BIGINT AS respondenten, "
                "true AS is_eligible", [n])
    con.execute("CREATE TABLE stg_enquete_answers (jaar INT, wijk_code VARCHAR, respondent_id VARCHAR, "
                "weegfactor DOUBLE, survey_column VARCHAR, answer VARCHAR, is_yes BOOLEAN)")
    con.execute("CREATE TABLE int_survey_results (wijk_code VARCHAR, jaar INT, indicator VARCHAR, n_valid BIGINT, "
                "sum_w DOUBLE, x DOUBLE)")
    con.execute("CREATE TABLE int_indicator_scores (wijk_code VARCHAR, jaar INT, indicator VARCHAR, theme VARCHAR, "
                "part VARCHAR, score DOUBLE, var_score DOUBLE, gradient DOUBLE)")
    indicators = {i["indicator"]: i for i in load_method(method)["indicators"]}
    for indicator, values in answers.items():
        column = indicators[indicator]["column"]
        valid = [(r, w, v) for r, (w, v) in enumerate(zip(weights, values)) if v is not None]
        for r, w, v in valid:
            con.execute("INSERT INTO stg_enquete_answers VALUES (2020, 'W', ?, ?, ?, ?, ?)",
                        [f"r{r}", w, column, str(v), bool(v)])
        w = np.array([w for _, w, _ in valid])
        yes = np.array([v for _, _, v in valid], dtype=float)
        p = (w * yes).sum() / w.sum()
        n_eff = w.sum() ** 2 / (w ** 2).sum()
        var_v1 = GRADIENT ** 2 * 100 ** 2 * p * (1 - p) / n_eff  # METHOD.md v1
        con.execute("INSERT INTO int_survey_results VALUES ('W', 2020, ?, ?, ?, ?)",
                    [indicator, len(valid), w.sum(), 100 * p])
        con.execute("INSERT INTO int_indicator_scores VALUES ('W', 2020, ?, ?, 'subjectief', 5.0, ?, ?)",
                    [indicator, indicators[indicator]["theme"], var_v1, GRADIENT])
    for indicator, var in (objective_var or {}).items():
        con.execute("INSERT INTO int_indicator_scores VALUES ('W', 2020, ?, ?, 'objectief', 5.0, ?, -0.5)",
                    [indicator, indicators[indicator]["theme"], var])
    models = runner.discover_models()
    for name in MODELS:
        runner.build_model(con, models[name])
    return con


def variance(con, level: str, aggregate: str) -> float:
    return con.execute("SELECT variance FROM int_variance WHERE level = ? AND aggregate = ?",
                       [level, aggregate]).fetchall()[0][0]


def linearised(weights: list[float], yes: list[int]) -> float:
    """The textbook linearised variance of a weighted proportion, on the score scale, with n/(n-1)."""
    w, y = np.array(weights), np.array(yes, dtype=float)
    p = (w * y).sum() / w.sum()
    e = w * (y - p) / w.sum()
    n = len(w)
    return (100 * GRADIENT) ** 2 * n / (n - 1) * (e ** 2).sum()


RNG = np.random.default_rng(7)
WEIGHTS = list(RNG.uniform(0.4, 2.5, 80))
YES = list(RNG.integers(0, 2, 80))
OTHER = list(RNG.integers(0, 2, 80))


def test_single_item_equals_the_linearised_variance():
    con = run_variance("v2", {"subj_onveilig": YES}, WEIGHTS)
    expected = linearised(WEIGHTS, YES)
    assert variance(con, "indicator", "subj_onveilig") == pytest.approx(expected, rel=1e-12)
    # beleving has one indicator and no objective part: theme = indicator; index = theme / 8
    assert variance(con, "theme", "beleving") == pytest.approx(expected, rel=1e-12)
    assert variance(con, "index", "index") == pytest.approx(expected / 64, rel=1e-12)


def test_v1_single_item_is_the_binomial_formula():
    """With equal weights the v2 estimate is v1's p(1-p)/n times n/(n-1): the two agree on one item."""
    n = 80
    v1 = variance(run_variance("v1", {"subj_onveilig": YES}, [1.0] * n), "indicator", "subj_onveilig")
    v2 = variance(run_variance("v2", {"subj_onveilig": YES}, [1.0] * n), "indicator", "subj_onveilig")
    p = np.mean(YES)
    assert v1 == pytest.approx((100 * GRADIENT) ** 2 * p * (1 - p) / n, rel=1e-12)
    assert v2 == pytest.approx(v1 * n / (n - 1), rel=1e-12)


def test_two_perfectly_correlated_items_double_the_variance():
    """Two items of one part with identical answers: the part score is one item counted twice.
    v1 (independence) gives Var/2; v2 gives the full Var: the cross term doubles it."""
    answers = {"subj_slachtoffer_diefstal": YES, "subj_vaak_diefstal": YES}
    v1 = variance(run_variance("v1", answers, [1.0] * 80), "theme", "diefstal")
    v2 = variance(run_variance("v2", answers, [1.0] * 80), "theme", "diefstal")
    single = variance(run_variance("v2", {"subj_vaak_diefstal": YES}, [1.0] * 80), "theme", "diefstal")
    assert v2 == pytest.approx(2 * v1 * 80 / 79, rel=1e-12)
    assert v2 == pytest.approx(single, rel=1e-12)


def test_opposite_answers_cancel():
    """Perfectly negatively correlated items: the mean of the two is the same for everyone."""
    flipped = [1 - y for y in YES]
    con = run_variance("v2", {"subj_slachtoffer_diefstal": YES, "subj_vaak_diefstal": flipped}, [1.0] * 80)
    assert variance(con, "theme", "diefstal") == pytest.approx(0, abs=1e-15)
    assert variance(con, "indicator", "subj_vaak_diefstal") > 0


def test_objective_part_and_missing_answers():
    """Objective indicators add c^2 Var(s); a respondent without a valid answer adds nothing to an
    item but still counts in n."""
    partial = [y if r % 4 else None for r, y in enumerate(OTHER)]
    con = run_variance("v2", {"subj_vaak_inbraak": partial}, WEIGHTS, {"obj_inbraak": 0.04})
    w_o, w_s = 1 / 3, 2 / 3
    valid = [(w, y) for w, y in zip(WEIGHTS, partial) if y is not None]
    wv, yv = np.array([w for w, _ in valid]), np.array([y for _, y in valid], dtype=float)
    p = (wv * yv).sum() / wv.sum()
    survey = (100 * GRADIENT) ** 2 * 80 / 79 * ((wv * (yv - p) / wv.sum()) ** 2).sum()  # n = 80, not 60
    expected = (w_o ** 2 * 0.04 + w_s ** 2 * survey) / (w_o + w_s) ** 2
    assert variance(con, "theme", "inbraak") == pytest.approx(expected, rel=1e-12)
    assert variance(con, "indicator", "obj_inbraak") == pytest.approx(0.04, rel=1e-12)


def test_clipped_score_has_no_survey_variance():
    """A score clipped at 1 or 10 does not move with the answers: gradient 0."""
    con = run_variance("v2", {"subj_onveilig": YES}, WEIGHTS)
    con.execute("UPDATE int_indicator_scores SET gradient = 0")
    for name in MODELS[1:]:
        runner.build_model(con, runner.discover_models()[name])
    assert variance(con, "indicator", "subj_onveilig") == 0
