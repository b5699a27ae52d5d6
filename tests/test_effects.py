"""'Heeft de afspraak geholpen?' (docs/method.md): the difference-in-differences of
int_prestatie_effect_units and prestatie_effecten on hand-built wijken whose answer is known, run
through the project's own SQL; then on the golden and demo publications."""

import re
from datetime import date

import duckdb
import numpy as np
import pytest

from pipeline.method import MethodError, load_method, method_tables
from pipeline.models import runner

MODELS = ("int_prestatie_effect_units", "prestatie_effecten")
INDICATOR = "obj_inbraak"  # theme inbraak
LAST = 2024
T_QUANTILES = dict(load_method()["did_it_help"]["t_quantiles"])


class City:
    """Wijken, their published outcome per year and the agreements, as the models' input tables."""

    def __init__(self, method: str = "v2", config: dict | None = None):
        self.con = duckdb.connect()
        for name, frame in method_tables(config or load_method(method), base_year=2019).items():
            self.con.register("incoming", frame)
            self.con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
            self.con.unregister("incoming")
        self.con.execute("CREATE TABLE stg_areas (wijk_code VARCHAR, wijk_naam VARCHAR, gebied_code VARCHAR, "
                         "gebied_naam VARCHAR, wijktype VARCHAR)")
        self.con.execute("CREATE TABLE int_wijk_years (wijk_code VARCHAR, jaar INT, is_eligible BOOLEAN)")
        self.con.execute("CREATE TABLE int_indicator_scores (wijk_code VARCHAR, jaar INT, indicator VARCHAR, "
                         "part VARCHAR, score DOUBLE, n_valid BIGINT)")
        self.con.execute("CREATE TABLE int_variance (wijk_code VARCHAR, jaar INT, level VARCHAR, aggregate VARCHAR, "
                         "variance DOUBLE)")
        self.con.execute("CREATE TABLE int_theme_scores (wijk_code VARCHAR, jaar INT, theme VARCHAR, score DOUBLE, "
                         "var_score DOUBLE)")
        self.con.execute("CREATE TABLE stg_prestaties (prestatie_id VARCHAR, wijk_code VARCHAR, area_level VARCHAR, "
                         "thema VARCHAR, indicator VARCHAR, startdatum DATE, einddatum DATE, status VARCHAR)")

    def wijk(self, code: str, wijktype: str, gebied: str, scores: dict[int, float],
             variances: dict[int, float] | float = 0.01, indicator: str = INDICATOR, part: str = "objectief",
             n_valid: int | None = None) -> None:
        """A wijk with the given score of `indicator` (and, equal to it, of the theme inbraak) per year."""
        if not self.con.execute("SELECT count(*) FROM stg_areas WHERE wijk_code = ?", [code]).fetchall()[0][0]:
            self.con.execute("INSERT INTO stg_areas VALUES (?, ?, ?, ?, ?)", [code, f"Wijk {code}", gebied,
                                                                             f"Gebied {gebied}", wijktype])
        for jaar, score in scores.items():
            var = variances if isinstance(variances, float) else variances[jaar]
            self.con.execute("INSERT INTO int_wijk_years SELECT ?, ?, true WHERE NOT EXISTS "
                             "(SELECT 1 FROM int_wijk_years WHERE wijk_code = ? AND jaar = ?)", [code, jaar, code, jaar])
            self.con.execute("INSERT INTO int_indicator_scores VALUES (?, ?, ?, ?, ?, ?)",
                             [code, jaar, indicator, part, score, n_valid])
            self.con.execute("INSERT INTO int_variance VALUES (?, ?, 'indicator', ?, ?)", [code, jaar, indicator, var])
            self.con.execute("INSERT INTO int_theme_scores VALUES (?, ?, 'inbraak', ?, ?)", [code, jaar, score, var])

    def agreement(self, pid: str, area: str, level: str = "wijk", start: date | None = date(2022, 3, 1),
                  end: date | None = date(2025, 12, 31), indicator: str | None = INDICATOR, thema: str = "inbraak",
                  status: str = "in_uitvoering") -> None:
        self.con.execute("INSERT INTO stg_prestaties VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [pid, area, level, thema, indicator, start, end, status])

    def effects(self) -> dict[str, dict]:
        models = runner.discover_models()
        for name in MODELS:
            runner.build_model(self.con, models[name])
        rows = self.con.execute("SELECT * FROM prestatie_effecten").fetchall()
        columns = [d[0] for d in self.con.description]
        return {r[0]: dict(zip(columns, r)) for r in rows}


def expected_did(treated: tuple[float, float, float, float], comparisons: list[tuple[float, float, float, float]]):
    """(verschil, se, ci_laag, ci_hoog) by the method's formula, from (pre, post, var_pre, var_post)."""
    d_t = treated[1] - treated[0]
    v_t = treated[2] + treated[3]
    changes = np.array([c[1] - c[0] for c in comparisons])
    v_c = np.array([c[2] + c[3] for c in comparisons])
    k = len(comparisons)
    s2 = changes.var(ddof=1)
    se = np.sqrt(v_t + max(0.0, s2 - v_c.mean()) + s2 / k)
    did = d_t - changes.mean()
    t = T_QUANTILES[max(df for df in T_QUANTILES if df <= k - 1)]
    return did, se, did - t * se, did + t * se


def city_with_comparisons(changes: list[float], treated_change: float, var: float = 0.01) -> City:
    city = City()
    city.wijk("T", "naoorlogs", "G1", {2021: 5.0, LAST: 5.0 + treated_change}, var)
    for i, c in enumerate(changes):
        city.wijk(f"C{i}", "naoorlogs", "G2", {2021: 6.0, LAST: 6.0 + c}, var)
    return city


def test_known_improvement_gives_that_difference_and_interval():
    """A treated wijk that improves by 1.5 against four comparison wijken with known changes."""
    changes = [0.1, 0.3, -0.2, 0.2]
    city = city_with_comparisons(changes, 1.5, var=0.01)
    city.agreement("P1", "T")
    row = city.effects()["P1"]
    did, se, low, high = expected_did((5.0, 6.5, 0.01, 0.01), [(6.0, 6.0 + c, 0.01, 0.01) for c in changes])
    assert row["verschil"] == pytest.approx(1.5 - np.mean(changes), abs=1e-12) == pytest.approx(did)
    assert row["verandering"] == pytest.approx(1.5)
    assert row["verandering_vergelijking"] == pytest.approx(np.mean(changes))
    assert row["se"] == pytest.approx(se, rel=1e-12)
    assert (row["ci_laag"], row["ci_hoog"]) == (pytest.approx(low, rel=1e-12), pytest.approx(high, rel=1e-12))
    assert row["vergelijkingswijken"] == 4 and row["vergelijking_op"] == "wijktype"
    assert (row["voorjaar"], row["startjaar"], row["laatste_jaar"]) == (2021, 2022, LAST)
    assert row["oordeel"] == "beter"
    assert row["niveau"] == "wijk" and row["uitkomst_soort"] == "indicator" and row["uitkomst"] == INDICATOR
    # t with 3 degrees of freedom (3.182), not 1.96: with four comparison wijken the spread is uncertain
    assert (row["ci_hoog"] - row["verschil"]) / row["se"] == pytest.approx(3.182)
    text = row["toelichting"]
    assert "samenhang, geen bewijs" in text and "1,4 punt beter" in text and "+1,5 punt" in text
    assert "4 vergelijkbare wijken" in text and not re.search(r"\d\.\d{1,2}\b", text)  # decimal commas


def test_between_wijk_spread_counts_beyond_the_sampling_variances():
    """The counterfactual of one wijk varies like one comparison wijk: tau^2 = s^2 - mean sampling
    variance is added, and s^2/k for the comparison mean. With sampling variances alone the interval
    would exclude 0; with the spread it does not."""
    changes = [1.0, -1.0, 0.5, -0.5, 0.0]
    city = city_with_comparisons(changes, 0.9, var=0.005)
    city.agreement("P1", "T")
    row = city.effects()["P1"]
    s2 = np.var(changes, ddof=1)
    expected_se = np.sqrt(0.01 + (s2 - 0.01) + s2 / 5)
    assert row["se"] == pytest.approx(expected_se, rel=1e-12)
    assert 0.9 - 1.96 * np.sqrt(0.01 + 0.01 / 5) > 0  # sampling variances only: "beter"
    assert row["oordeel"] == "niet_aantoonbaar"
    assert "niet aantoonbaar" in row["toelichting"] and "samenhang, geen bewijs" in row["toelichting"]


def test_sampling_noise_larger_than_the_spread_is_not_counted_twice():
    """When the comparison changes vary less than their own sampling noise, tau^2 is 0 (not negative):
    Var = the treated's sampling variance + s^2/k."""
    changes = [0.05, -0.05, 0.0, 0.02]
    city = city_with_comparisons(changes, -2.0, var=0.5)
    city.agreement("P1", "T")
    row = city.effects()["P1"]
    assert row["se"] == pytest.approx(np.sqrt(1.0 + np.var(changes, ddof=1) / 4), rel=1e-12)
    assert row["oordeel"] == "niet_aantoonbaar"
    city2 = city_with_comparisons(changes, -5.0, var=0.05)
    city2.agreement("P1", "T")
    worse = city2.effects()["P1"]
    assert worse["oordeel"] == "slechter" and worse["ci_hoog"] < 0
    assert "punt slechter" in worse["toelichting"]


def test_too_early_without_a_full_year_after_the_start():
    city = city_with_comparisons([0.1, 0.2, 0.3], 1.0)
    city.agreement("P1", "T", start=date(LAST, 1, 1))
    city.agreement("P2", "T", start=date(LAST + 1, 2, 1), thema="geweld", indicator=None)
    city.agreement("P3", "T", start=date(LAST - 1, 12, 1), thema="drugs", indicator=None)
    rows = city.effects()
    for pid in ("P1", "P2"):
        assert rows[pid]["oordeel"] == "te_vroeg"
        assert rows[pid]["verschil"] is None and rows[pid]["verandering"] is None
        assert rows[pid]["vergelijking_op"] is None and rows[pid]["vergelijkingswijken"] is None
        assert rows[pid]["toelichting"].startswith("Te vroeg om te zeggen")
    assert rows["P3"]["oordeel"] != "te_vroeg"  # started in 2023: 2024 is a full year after


def test_no_comparison_for_the_city_or_too_few_wijken():
    city = City()
    city.wijk("T", "vooroorlogs", "G1", {2021: 5.0, LAST: 6.0})
    city.wijk("A", "vooroorlogs", "G2", {2021: 5.0, LAST: 5.2})
    city.wijk("B", "vooroorlogs", "G3", {2021: 5.0, LAST: 5.1})
    city.wijk("C", "naoorlogs", "G1", {2021: 5.0, LAST: 5.1})
    city.agreement("P1", "T")
    city.agreement("P2", "stad", level="stad", indicator=None)
    rows = city.effects()
    # two of its wijktype (fewer than 3), so its gebied is tried: one wijk
    assert rows["P1"]["oordeel"] == "geen_vergelijking"
    assert rows["P1"]["vergelijking_op"] == "gebied" and rows["P1"]["vergelijkingswijken"] == 1
    assert rows["P1"]["verandering"] == pytest.approx(1.0) and rows["P1"]["verschil"] is None
    assert "maar 1 wijk in hetzelfde gebied" in rows["P1"]["toelichting"]
    assert rows["P2"]["oordeel"] == "geen_vergelijking" and rows["P2"]["vergelijking_op"] is None
    assert rows["P2"]["verandering"] == pytest.approx(np.mean([1.0, 0.2, 0.1, 0.1]))
    assert "hele stad" in rows["P2"]["toelichting"]


def test_fallback_to_the_gebied_when_the_wijktype_has_too_few():
    city = City()
    city.wijk("T", "villawijk", "G1", {2021: 5.0, LAST: 6.0})
    city.wijk("V", "villawijk", "G2", {2021: 5.0, LAST: 9.0})
    for i, c in enumerate([0.1, 0.2, 0.3]):
        city.wijk(f"G{i}", "naoorlogs", "G1", {2021: 5.0, LAST: 5.0 + c})
    city.agreement("P1", "T")
    row = city.effects()["P1"]
    assert row["vergelijking_op"] == "gebied" and row["vergelijkingswijken"] == 3
    assert row["verandering_vergelijking"] == pytest.approx(0.2)
    assert "wijken in hetzelfde gebied" in row["toelichting"]


def test_wijken_with_an_agreement_on_the_same_theme_are_no_comparison():
    changes = [0.1, 0.2, 0.3, 0.4]
    city = city_with_comparisons(changes, 1.0)
    city.wijk("X", "naoorlogs", "G3", {2021: 5.0, LAST: 8.0})  # its own agreement on inbraak (theme only)
    city.wijk("Y", "naoorlogs", "G3", {2021: 5.0, LAST: 8.0})  # covered by a gebied agreement on inbraak
    city.wijk("Z", "naoorlogs", "G4", {2021: 5.0, LAST: 5.0})  # an agreement on another theme: still a comparison
    city.wijk("E", "naoorlogs", "G4", {2021: 5.0, LAST: 5.0})  # same theme, ended before the window
    city.wijk("R", "naoorlogs", "G4", {2021: 5.0, LAST: 5.0})  # same theme, rejected: never ran
    city.agreement("P1", "T")
    city.agreement("PX", "X", indicator=None, start=date(2019, 1, 1))
    city.agreement("PY", "G3", level="gebied", indicator=None, start=date(2023, 5, 1))
    city.agreement("PZ", "Z", thema="geweld", indicator=None)
    city.agreement("PE", "E", indicator=None, start=date(2018, 1, 1), end=date(2020, 12, 31))
    city.agreement("PR", "R", indicator=None, status="afgewezen")
    rows = city.effects()
    units = {r[0] for r in city.con.execute("SELECT wijk_code FROM int_prestatie_effect_units "
                                            "WHERE prestatie_id = 'P1' AND role = 'vergelijking'").fetchall()}
    assert units == {"C0", "C1", "C2", "C3", "Z", "E", "R"}
    assert rows["P1"]["vergelijkingswijken"] == 7
    assert rows["P1"]["verandering_vergelijking"] == pytest.approx(np.mean(changes + [0, 0, 0]))
    assert "PR" not in rows  # an agreement that never ran is not judged


def test_gebied_agreement_against_the_wijken_outside_it():
    city = City()
    city.wijk("A", "vooroorlogs", "G1", {2021: 4.0, LAST: 5.0}, 0.02)
    city.wijk("B", "naoorlogs", "G1", {2021: 6.0, LAST: 8.0}, 0.04)
    city.wijk("M", "naoorlogs", "G1", {LAST: 8.0})  # no score in the year before: not in the mean
    outside = [0.1, 0.0, 0.5, 0.2]
    for i, c in enumerate(outside):
        city.wijk(f"O{i}", "vooroorlogs", "G2", {2021: 5.0, LAST: 5.0 + c}, 0.01)
    city.agreement("P1", "G1", level="gebied", indicator=None)
    row = city.effects()["P1"]
    assert row["niveau"] == "gebied" and row["uitkomst_soort"] == "thema" and row["uitkomst"] == "inbraak"
    assert row["verandering"] == pytest.approx(1.5)
    assert row["vergelijking_op"] == "andere_gebieden" and row["vergelijkingswijken"] == 4
    s2 = np.var(outside, ddof=1)
    var_treated = (0.02 * 2 + 0.04 * 2) / 4  # the mean of two wijken
    assert row["se"] == pytest.approx(np.sqrt(var_treated + max(0, s2 - 0.02) + s2 / 4), rel=1e-12)
    assert "gemiddeld over 2 wijken" in row["toelichting"] and "buiten het gebied" in row["toelichting"]


def test_missing_outcome_and_hidden_survey_figures():
    min_respondents = load_method()["params"]["min_respondents"]
    city = city_with_comparisons([0.1, 0.2, 0.3], 1.0)
    city.wijk("S", "naoorlogs", "G9", {2021: 5.0, LAST: 7.0}, indicator="subj_vaak_inbraak", part="subjectief",
              n_valid=min_respondents - 1)
    city.wijk("N", "naoorlogs", "G9", {LAST: 7.0}, indicator="obj_diefstal")
    city.agreement("P1", "S", indicator="subj_vaak_inbraak")  # too few valid answers: shown nowhere
    city.agreement("P2", "N", indicator="obj_diefstal", thema="diefstal")  # no score in the year before
    city.agreement("P3", "T", start=None)
    rows = city.effects()
    for pid in ("P1", "P2", "P3"):
        assert rows[pid]["oordeel"] == "geen_gegevens" and rows[pid]["verschil"] is None
        assert rows[pid]["toelichting"].startswith("Geen gegevens")
    assert "geen startdatum" in rows["P3"]["toelichting"]


def test_min_comparison_must_allow_a_spread():
    config = {**load_method(), "did_it_help": {**load_method()["did_it_help"], "min_comparison": 1}}
    with pytest.raises(MethodError, match="min_comparison"):
        method_tables(config)


def test_t_quantiles_of_the_config_are_students_t():
    stats = pytest.importorskip("scipy.stats")
    for df, t in load_method()["did_it_help"]["t_quantiles"]:
        assert t == pytest.approx(stats.t.ppf(0.975, df), abs=6e-4)


# === the published marts ========================================================================

def test_golden_publication_has_effects_for_both_methods(golden_run, golden_run_v1):
    v2, v1 = golden_run.mart("prestatie_effecten"), golden_run_v1.mart("prestatie_effecten")
    prestaties = golden_run.mart("prestaties")
    assert sorted(v2["prestatie_id"]) == sorted(prestaties["prestatie_id"]) == sorted(v1["prestatie_id"])
    rows = {r["prestatie_id"]: r for r in v2.iter_rows(named=True)}
    assert rows["P004"]["niveau"] == "stad" and rows["P004"]["oordeel"] == "geen_vergelijking"
    # P001: Spangen against the three other vooroorlogse wijken (none has an agreement on inbraak)
    assert rows["P001"]["vergelijking_op"] == "wijktype" and rows["P001"]["vergelijkingswijken"] == 3
    assert rows["P001"]["oordeel"] in {"beter", "slechter", "niet_aantoonbaar"}
    assert (rows["P001"]["voorjaar"], rows["P001"]["laatste_jaar"]) == (2020, 2022)
    assert v2["methode"].unique().to_list() == ["veiligheidsindex-v2"]
    assert v1["methode"].unique().to_list() == ["veiligheidsindex-v1"]
    # the point estimates are the same in both methods; only the variances may differ
    # (to float precision: DuckDB's parallel sums may add in another order)
    a, b = v1.sort("prestatie_id")["verschil"].to_list(), v2.sort("prestatie_id")["verschil"].to_list()
    assert [x is None for x in a] == [y is None for y in b]
    assert all(x == pytest.approx(y, rel=1e-12, abs=1e-12) for x, y in zip(a, b) if x is not None)


def test_demo_agreements_that_work_are_never_judged_worse(demo_run):
    """The demo's measurable agreements really lower their indicator (pipeline/demo/generator.py):
    judged, they come out 'beter' or 'niet_aantoonbaar', never 'slechter'."""
    effects = demo_run.mart("prestatie_effecten").join(
        demo_run.mart("prestaties").select("prestatie_id", "status", "is_meetbaar"), on="prestatie_id")
    working = effects.filter(effects["is_meetbaar"] & effects["status"].is_in(["gerealiseerd", "in_uitvoering"])
                             & effects["oordeel"].is_in(["beter", "slechter", "niet_aantoonbaar"]))
    assert working.height >= 10
    assert "slechter" not in working["oordeel"].to_list()
    assert (working["oordeel"] == "beter").sum() >= 3
    assert (working["verschil"] > 0).mean() >= 0.8  # the point estimate mostly says "better"
    assert not effects["status"].is_in(["voorgesteld", "afgewezen"]).any()
    assert set(effects.filter(effects["startjaar"] > effects["laatste_jaar"] - 1)["oordeel"]) == {"te_vroeg"}
    judged = effects.filter(effects["oordeel"].is_in(["beter", "slechter", "niet_aantoonbaar"]))
    assert judged["toelichting"].str.contains("samenhang, geen bewijs").all()


def test_demo_placebo_agreements_are_rarely_judged(demo_run, tmp_path):
    """Placebo agreements (a wijk and theme without any agreement, start years 2017, 2020, 2022) on
    the demo: judged 'beter' or 'slechter' at most about as often as a 95% interval allows, although
    some demo wijken really slip or improve (the story). With the sampling variances alone the same
    differences would raise alarms far more often: the spread between wijken must count."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{demo_run.database}' AS demo (READ_ONLY)")
    models = runner.discover_models()
    for table in {d for m in MODELS for d in models[m].deps} - set(MODELS):
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM demo.{table}")
    con.execute("DETACH demo")
    con.execute("ALTER TABLE stg_prestaties RENAME TO real_agreements")
    wijken = [r[0] for r in con.execute("SELECT wijk_code FROM stg_areas ORDER BY wijk_code").fetchall()][::3]
    results = []
    for wijk in wijken:  # one wijk at a time: placebos must not keep each other out of a comparison
        con.execute("""
            CREATE OR REPLACE TABLE stg_prestaties AS
            SELECT * FROM real_agreements
            UNION ALL BY NAME
            SELECT 'placebo_' || t.theme || '_' || y.s AS prestatie_id, a.wijk_code, 'wijk' AS area_level,
                   t.theme AS thema, NULL::VARCHAR AS indicator, make_date(y.s, 3, 1) AS startdatum,
                   make_date(y.s + 1, 12, 31) AS einddatum, 'in_uitvoering' AS status
            FROM stg_areas a CROSS JOIN method_themes t CROSS JOIN (VALUES (2017), (2020), (2022)) y(s)
            WHERE a.wijk_code = ? AND NOT EXISTS (SELECT 1 FROM real_agreements p WHERE p.thema = t.theme
                  AND p.wijk_code IN (a.wijk_code, a.gebied_code))""", [wijk])
        for name in MODELS:
            runner.build_model(con, models[name])
        results += con.execute("""
            WITH c AS (SELECT prestatie_id, avg(var_change) AS mean_var_change FROM int_prestatie_effect_units
                       WHERE role = 'vergelijking' GROUP BY ALL),
                 t AS (SELECT prestatie_id, sum(var_change) / pow(count(*), 2) AS var_treated
                       FROM int_prestatie_effect_units WHERE role = 'behandeld' GROUP BY ALL)
            SELECT e.oordeel, abs(e.verschil) > 1.96 * sqrt(t.var_treated + c.mean_var_change / e.vergelijkingswijken)
            FROM prestatie_effecten e JOIN c USING (prestatie_id) JOIN t USING (prestatie_id)
            WHERE e.prestatie_id LIKE 'placebo_%' AND e.oordeel IN ('beter', 'slechter', 'niet_aantoonbaar')
            """).fetchall()
    assert len(results) >= 300
    alarms = np.mean([oordeel != "niet_aantoonbaar" for oordeel, _ in results])
    sampling_only = np.mean([flag for _, flag in results])
    assert alarms <= 0.06
    assert sampling_only >= 2 * max(alarms, 0.05)
