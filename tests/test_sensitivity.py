"""Gevoeligheid voor de weging (docs/method.md): the index under the variants of [[sensitivity]] on
hand-built wijk-years whose answer is known, through the project's own SQL (int_theme_scores and
wijk_index for the official index, then int_sensitivity_index, gevoeligheid_wijk, gevoeligheid)."""

import copy

import duckdb
import pytest

from pipeline.method import MethodError, load_method, method_tables
from pipeline.models import runner

MODELS = ("int_theme_scores", "wijk_index", "int_sensitivity_index", "gevoeligheid_wijk", "gevoeligheid")
JAAR = 2022


def build(wijken: dict[str, tuple[float, float]], config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """One year; in wijk w every objective indicator scores O and every survey indicator S."""
    method = config or load_method()
    con = duckdb.connect()
    for name, frame in method_tables(method, base_year=JAAR).items():
        con.register("incoming", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
        con.unregister("incoming")
    con.execute("CREATE TABLE stg_areas (wijk_code VARCHAR, wijk_naam VARCHAR, gebied_code VARCHAR, "
                "gebied_naam VARCHAR, wijktype VARCHAR)")
    con.execute("CREATE TABLE int_wijk_years (wijk_code VARCHAR, jaar INT, inwoners BIGINT, respondenten BIGINT, "
                "reden_eligibility VARCHAR, is_eligible BOOLEAN)")
    con.execute("CREATE TABLE int_indicator_scores (wijk_code VARCHAR, jaar INT, indicator VARCHAR, theme VARCHAR, "
                "part VARCHAR, score DOUBLE)")
    con.execute("CREATE TABLE int_variance (wijk_code VARCHAR, jaar INT, level VARCHAR, aggregate VARCHAR, "
                "variance DOUBLE)")
    con.execute(f"CREATE TABLE int_base_year AS SELECT {JAAR} AS basisjaar")
    for code, (objective, subjective) in wijken.items():
        con.execute("INSERT INTO stg_areas VALUES (?, ?, 'G', 'Gebied', 'naoorlogs')", [code, f"Wijk {code}"])
        con.execute("INSERT INTO int_wijk_years VALUES (?, ?, 5000, 300, NULL, true)", [code, JAAR])
        for ind in method["indicators"]:
            score = objective if ind["part"] == "objectief" else subjective
            con.execute("INSERT INTO int_indicator_scores VALUES (?, ?, ?, ?, ?, ?)",
                        [code, JAAR, ind["indicator"], ind["theme"], ind["part"], score])
    models = runner.discover_models()
    for name in MODELS:
        runner.build_model(con, models[name])
    return con


def by_wijk(con, variant: str) -> dict[str, dict]:
    rows = con.execute("SELECT * FROM gevoeligheid_wijk WHERE variant = ?", [variant]).fetchall()
    columns = [d[0] for d in con.description]
    return {r[0]: dict(zip(columns, r)) for r in rows}


def summary(con, variant: str) -> dict:
    row = con.execute("SELECT * FROM gevoeligheid WHERE variant = ?", [variant]).fetchall()[0]
    return dict(zip([d[0] for d in con.description], row))


# Under the official 1/3 : 2/3 weighting B (7.08) ranks above A (7.01); under 50:50 A (7.21, veilig)
# ranks above B (7.03). Beleving has only a survey part, so it is S in every weighting.
WIJKEN = {"A": (8.0, 6.6), "B": (6.8, 7.2), "C": (5.0, 5.0), "D": (3.0, 3.0)}


def official(objective: float, subjective: float, w_o: float = 1 / 3, w_s: float = 2 / 3,
             theme_weights: dict[str, float] | None = None) -> float:
    weights = theme_weights or {t["theme"]: 1.0 for t in load_method()["themes"]}
    theme = {t: subjective if t == "beleving" else (w_o * objective + w_s * subjective) / (w_o + w_s) for t in weights}
    return sum(weights[t] * theme[t] for t in weights) / sum(weights.values())


def test_fifty_fifty_flips_a_category_and_swaps_a_rank():
    con = build(WIJKEN)
    rows = by_wijk(con, "objectief_50")
    assert rows["A"]["officiele_index"] == pytest.approx(official(*WIJKEN["A"]), rel=1e-12)
    assert rows["A"]["index"] == pytest.approx(official(*WIJKEN["A"], 0.5, 0.5), rel=1e-12)
    assert (rows["A"]["officiele_categorie"], rows["A"]["categorie"]) == ("aandachtswijk", "veilig")
    assert rows["A"]["andere_categorie"] and not rows["B"]["andere_categorie"]
    assert (rows["A"]["officiele_rang"], rows["A"]["rang"], rows["B"]["officiele_rang"], rows["B"]["rang"]) == (2, 1, 1, 2)
    # one adjacent swap among four wijken: Spearman = 1 - 6 * 2 / (4 * 15) = 0.8
    s = summary(con, "objectief_50")
    assert s["rangcorrelatie"] == pytest.approx(0.8, abs=1e-12)
    assert (s["wijken"], s["wijken_andere_categorie"], s["telt_voor_oordeel"]) == (4, 1, True)
    assert rows["A"]["oordeel"] == "hangt_af_van_de_weging"
    assert {rows[w]["oordeel"] for w in "BCD"} == {"robuust"}


def test_priorities_weight_the_themes():
    con = build(WIJKEN)
    weights = load_method()["sensitivity"][1]["theme_weights"]
    rows = by_wijk(con, "prioriteiten")
    for w, (o, s) in WIJKEN.items():
        assert rows[w]["index"] == pytest.approx(official(o, s, theme_weights=weights), rel=1e-12)
    assert summary(con, "prioriteiten")["rangcorrelatie"] == pytest.approx(1.0)


def test_a_variant_with_the_official_weights_changes_nothing():
    config = copy.deepcopy(load_method())
    config["sensitivity"].append({"variant": "kopie", "label": "De officiële weging", "kind": "weighting"})
    con = build(WIJKEN, config)
    rows = by_wijk(con, "kopie")
    for row in rows.values():
        assert row["index"] == pytest.approx(row["officiele_index"], rel=1e-12)
        assert row["categorie"] == row["officiele_categorie"] and row["rang"] == row["officiele_rang"]
    s = summary(con, "kopie")
    assert s["rangcorrelatie"] == pytest.approx(1.0, abs=1e-12) and s["wijken_andere_categorie"] == 0


def test_separate_indexes_are_reported_but_decide_nothing():
    """E: 5.79 officially (bedreigd), bedreigd under both weighting variants, but its police
    registrations alone (6.5) are aandachtswijk: robuust all the same."""
    con = build({**WIJKEN, "E": (6.5, 5.5)})
    registraties = by_wijk(con, "registraties")
    assert registraties["E"]["index"] == pytest.approx(6.5)
    assert (registraties["E"]["categorie"], registraties["E"]["officiele_categorie"]) == ("aandachtswijk", "bedreigd")
    assert registraties["E"]["andere_categorie"] and registraties["E"]["oordeel"] == "robuust"
    assert by_wijk(con, "slachtofferschap")["E"]["index"] == pytest.approx(5.5)
    assert not summary(con, "registraties")["telt_voor_oordeel"]


def test_only_published_wijk_years_count():
    con = build(WIJKEN)
    con.execute("UPDATE int_indicator_scores SET score = NULL WHERE wijk_code = 'D' AND theme = 'beleving'")
    for name in MODELS:
        runner.build_model(con, runner.discover_models()[name])
    assert "D" not in by_wijk(con, "objectief_50")  # no index without every theme
    assert summary(con, "objectief_50")["wijken"] == 3


def test_a_variant_naming_an_unknown_indicator_or_theme_is_refused():
    config = copy.deepcopy(load_method())
    config["sensitivity"][2]["indicators"] = ["obj_bestaat_niet"]
    with pytest.raises(MethodError, match="onbekende"):
        method_tables(config)
    config = copy.deepcopy(load_method())
    config["sensitivity"][1]["theme_weights"] = {"verkeer": 2.0}
    with pytest.raises(MethodError, match="onbekende thema"):
        method_tables(config)


# === the published marts ========================================================================

def test_golden_publication_has_the_sensitivity_marts(golden_run, golden_run_v1):
    variants = [v["variant"] for v in load_method()["sensitivity"]]
    for run in (golden_run, golden_run_v1):
        summary_mart, wijk = run.mart("gevoeligheid"), run.mart("gevoeligheid_wijk")
        published = run.mart("wijk_index").filter(run.mart("wijk_index")["index"].is_not_null())
        assert wijk.height == published.height * len(variants)
        assert summary_mart.height == published["jaar"].n_unique() * len(variants)
        assert summary_mart["rangcorrelatie"].is_between(-1, 1).all()
        verdicts = wijk.unique(["wijk_code", "jaar"])
        assert verdicts.height == published.height
        assert set(verdicts["oordeel"]) <= {"robuust", "hangt_af_van_de_weging"}


def test_demo_weightings_keep_the_ranking(demo_run):
    """Another defensible weighting reorders a few neighbours, not the city: in the demo the rank
    correlation stays high and most wijken are robuust."""
    summary_mart = demo_run.mart("gevoeligheid")
    weighting = summary_mart.filter(summary_mart["telt_voor_oordeel"])
    assert weighting["rangcorrelatie"].min() > 0.9
    verdicts = demo_run.mart("gevoeligheid_wijk").unique(["wijk_code", "jaar"])
    assert (verdicts["oordeel"] == "robuust").mean() > 0.7
    assert (verdicts["oordeel"] == "hangt_af_van_de_weging").sum() > 0
