"""Monte Carlo coverage benchmark of the published uncertainty (METHOD.md "Uncertainty" and "Method v2").

A simulated city with known true parameters is surveyed and counted R times; every replicate goes
through the project's own SQL models (sql/intermediate + the marts wijk_index and gemeente_index, run with
pipeline.models.runner.build_model), once under method v1 and once under v2. The variance formulas are
not repeated here: this file only makes data, computes the *true* index (the method applied to the
true parameters, scored with the μ, σ the run calibrated) and counts how often the published
95% intervals contain it and how often the change flag fires although nothing changed.

The simulated world (all parameters in WorldParams; printed by the bench)
-------------------------------------------------------------------------
- 71 wijken, two consecutive years (2023 = base year, 2024) with the SAME true parameters, so every
  `verschil_significant` in 2024 is a false alarm.
- Inhabitants per wijk: log-uniform on [1,500, 15,000], equal in both years (the true P).
- Wijk profile: a latent "problem level" z_w ~ N(0, 1) per wijk; per indicator an own deviation
  ε ~ N(0, 1). True rate per 1,000 inhabitants λ = base · exp(0.45 z_w + 0.30 ε); true survey
  proportion p = logistic(logit(base) + 0.45 z_w + 0.30 ε). Base rates per 1,000 (politie: diefstal 25,
  inbraak 4, geweld 8, vernieling 6, drugs 3; meldingen: graffiti 6, overlast 8, drugs 2,
  vervuiling 30) and base proportions (slachtoffer diefstal 8%, inbraak 4%, geweld 4%; vaak diefstal
  20%, inbraak 15%, geweld 10%, vernieling 20%, overlast 25%, drugs 20%, rommel 35%; onveilig 30%).
- Counts: Poisson(λ · P / 1000) per indicator and wijk-year, no overdispersion (v1 and v2 both assume
  Poisson counts). Police figures as year totals (period 'YYYYJJ00', period_kind 'jaar'), on the
  indicator's first SoortMisdrijf code; meldingen one row each, spread evenly over the indicator's
  subcategorieën, plus 5% extra 'geannuleerd' meldingen that must not count.
- Respondents per wijk: log-uniform on [60, 300], fixed per wijk (the survey design), so about a third
  of the wijken have fewer than 100 (METHOD.md: v2 covers only ~92% there; reported separately).
- Weights: lognormal with mean 1 and log-sd 0.5 (n_eff ≈ 0.78 n), capped at the method's max_weight.
- Answers: one latent Gaussian factor f_r per respondent; item latent = a_j f_r + √(1 − a_j²) ε_rj,
  answer "ja"/"vaak" when it exceeds Φ⁻¹(1 − p_jw), so P(yes) = p_jw exactly. Loadings: a = √0.60 for
  the perception items (vaak_* and voelt_zich_onveilig: latent correlation 0.60, which gives a
  within-wijk phi of 0.35 between them at this world's proportions; the bench prints the phi it
  measured) and a = 0.45 for the victim items (slachtoffer_*).
- Missing answers, independent of the answer: 6% "weet niet" (9) on frequency items, 2% empty on binary
  items; both are dropped by the method's own answer table (method_survey_answers.is_valid).

How it runs
-----------
Replicates sit side by side in one in-memory DuckDB as distinct wijken (wijk code BU<r><w>, so gemeente
GM<r>; gebied code R<r>), in batches of --batch-size replicates. The bench makes the stg_* tables the intermediate
models read (stg_areas, stg_bevolking, stg_politie, stg_meldingen, stg_enquete, stg_enquete_answers);
answer validity and "yes" come from method_survey_answers and whether a melding counts from
method_meldingen_status, as in the real staging. respondent_id is a BIGINT here (VARCHAR in the
pipeline): the models only join and group on it, and integers halve the time of int_variance. Then
every model that wijk_index and gemeente_index read, directly or not, down to staging, is built with
pipeline.models.runner.build_model in ordered_models() order; the file-bookkeeping models
int_quarantine and int_file_account (they read base_* and raw_files) are not needed and not run. The base-year calibration pools every replicate-wijk
of a batch (the method calibrates over the whole publication), so μ and σ are essentially fixed, as
METHOD.md v2 treats them. The city index of a replicate is its gemeente's row of the mart gemeente_index
(computed as stad_index, which is the total over all replicates). Random streams are
numpy default_rng([seed, ...]) per world and per replicate, so the figures depend only on --seed and
--replicates (and, through the pooled μ, σ, very slightly on --batch-size).

Targets (issue): v2 coverage of the wijk interval 93–96%, false alarms 3.5–6.5%. `--check` exits 1 when
v2 misses them; otherwise the exit code is 0 whatever the figures.

    .venv/bin/python bench/coverage.py [--replicates 300] [--seed 20250101] [--batch-size 20] [--check]

Smaller batches are faster, as int_variance's per-respondent aggregation grows faster than linearly
with the rows of one run: the default run took about 105 s on 2 cores with batches of 20, and batches
of 60 took about 1.8 times as long.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from statistics import NormalDist

import duckdb
import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.models import runner  # noqa: E402
from pipeline.method import load_method, method_tables  # noqa: E402

SEED = 20250101
DEFAULT_REPLICATES = 300
DEFAULT_BATCH = 20
METHODS = ("v1", "v2")
TARGET_COVERAGE = (0.93, 0.96)
TARGET_FALSE_ALARM = (0.035, 0.065)
# The marts whose closure is run per batch: one replicate is one gemeente, its city index a gemeente_index row.
WIJK_TARGET = "wijk_index"
CITY_TARGET = "gemeente_index"


@dataclass(frozen=True)
class WorldParams:
    n_wijken: int = 71
    years: tuple[int, int] = (2023, 2024)
    population: tuple[int, int] = (1500, 15000)      # log-uniform
    respondents: tuple[int, int] = (60, 300)         # log-uniform, fixed per wijk
    weight_log_sd: float = 0.5                       # lognormal weights, mean 1
    area_sd: float = 0.45                            # loading of the wijk's problem level z_w
    indicator_sd: float = 0.30                       # indicator's own wijk deviation
    perception_latent_corr: float = 0.60             # a² between perception items -> phi ≈ 0.35
    victim_loading: float = 0.45                     # a of the slachtoffer_* items
    missing_frequency: float = 0.06                  # "weet niet" (9)
    missing_binary: float = 0.02                     # empty answer
    cancelled_share: float = 0.05                    # extra geannuleerd meldingen
    rates: dict[str, float] = field(default_factory=lambda: {  # per 1,000 inhabitants
        "obj_diefstal": 25.0, "obj_inbraak": 4.0, "obj_geweld": 8.0, "obj_vernieling": 6.0,
        "obj_graffiti_meldingen": 6.0, "obj_overlast_meldingen": 8.0, "obj_drugs_politie": 3.0,
        "obj_drugs_meldingen": 2.0, "obj_vervuiling_meldingen": 30.0})
    proportions: dict[str, float] = field(default_factory=lambda: {  # by survey column
        "slachtoffer_diefstal": 0.08, "slachtoffer_inbraak": 0.04, "slachtoffer_geweld": 0.04,
        "vaak_diefstal": 0.20, "vaak_inbraak": 0.15, "vaak_geweld": 0.10, "vaak_vernieling": 0.20,
        "vaak_overlast": 0.25, "vaak_drugs": 0.20, "vaak_rommel": 0.35, "voelt_zich_onveilig": 0.30})

    def describe(self) -> list[str]:
        return [f"  {f.name} = {getattr(self, f.name)}" for f in fields(self)]


@dataclass
class World:
    """The true parameters, drawn once: the same for every replicate and both years."""
    params: WorldParams
    population: np.ndarray                 # (W,)
    respondents: np.ndarray                # (W,)
    rates: dict[str, np.ndarray]           # objective indicator -> true x = 1000 λ / P per wijk
    proportions: dict[str, np.ndarray]     # survey column -> true p per wijk
    objective: list[dict]                  # method indicators (objective), config order
    items: list[dict]                      # survey items: column, loading, answer codes

    @property
    def n_wijken(self) -> int:
        return len(self.population)


def _indicators(method: dict, part: str) -> list[dict]:
    return [i for i in method["indicators"] if i["part"] == part]


def _scale(indicator: dict, survey: dict) -> str:
    """The answer scale of a survey item (method config)."""
    return indicator["scale"]


def make_world(seed: int = SEED, params: WorldParams | None = None, method: dict | None = None) -> World:
    params = params or WorldParams()
    method = method or load_method("v2")
    rng = np.random.default_rng([seed, 0])
    W = params.n_wijken
    lo, hi = params.population
    population = np.rint(np.exp(rng.uniform(math.log(lo), math.log(hi), W))).astype(np.int64)
    lo, hi = params.respondents
    respondents = np.rint(np.exp(rng.uniform(math.log(lo), math.log(hi), W))).astype(np.int64)
    level = rng.standard_normal(W)
    objective = _indicators(method, "objectief")
    rates = {}
    for ind in objective:
        if ind["indicator"] not in params.rates:
            raise KeyError(f"WorldParams.rates mist een basisniveau voor {ind['indicator']}")
        rates[ind["indicator"]] = params.rates[ind["indicator"]] * np.exp(
            params.area_sd * level + params.indicator_sd * rng.standard_normal(W))
    survey = method["survey"]
    items, proportions = [], {}
    for ind in _indicators(method, "subjectief"):
        col = ind["column"]
        base = params.proportions[col]
        logit = math.log(base / (1 - base)) + params.area_sd * level + params.indicator_sd * rng.standard_normal(W)
        proportions[col] = 1 / (1 + np.exp(-logit))
        scale = _scale(ind, survey)
        yes = survey[f"{scale}_yes"]
        no = next(v for v in survey[f"{scale}_valid"] if v != yes)
        no_answer = survey.get(f"{scale}_no_answer") or [None]  # None: an empty answer
        victim = col.startswith("slachtoffer_")
        items.append({
            "column": col, "scale": scale,
            "loading": params.victim_loading if victim else math.sqrt(params.perception_latent_corr),
            "missing": params.missing_frequency if scale == "frequency" else params.missing_binary,
            "yes": yes, "no": no, "missing_answer": no_answer[0]})
    return World(params, population, respondents, rates, proportions, objective, items)


def exact_world(world: World) -> World:
    """The same world with parameters that data can equal exactly: λP/1000 and p·n integral."""
    rates = {k: np.maximum(np.rint(v * world.population / 1000), 1) * 1000 / world.population
             for k, v in world.rates.items()}
    proportions = {k: np.clip(np.rint(v * world.respondents), 1, world.respondents - 1) / world.respondents
                   for k, v in world.proportions.items()}
    return World(world.params, world.population, world.respondents, rates, proportions,
                 world.objective, world.items)


@dataclass
class Batch:
    """Simulated data of some replicates as compact frames, keyed by wijk_key = position * W + wijk."""
    replicates: list[int]
    areas: pl.DataFrame
    respondents: pl.DataFrame   # resp, wijk_key, year_idx, weegfactor
    answers: pl.DataFrame       # resp, wijk_key, year_idx, weegfactor, item, code (0 yes, 1 no, 2 missing)
    politie: pl.DataFrame       # wijk_key, year_idx, ind_idx, registered
    meldingen: pl.DataFrame     # melding_id, wijk_key, year_idx, code_idx, cancelled


def _replicate_survey(world: World, rng: np.random.Generator, exact: bool, max_weight: float):
    W, J = world.n_wijken, len(world.items)
    n = world.respondents
    wijk = np.tile(np.repeat(np.arange(W), n), 2)
    year = np.repeat(np.arange(2, dtype=np.int8), n.sum())
    N = len(wijk)
    p = np.stack([world.proportions[it["column"]] for it in world.items], axis=1)  # (W, J)
    if exact:
        # Deterministic: the first p·n respondents of each wijk-year say yes, weights 1, no missing.
        rank = np.concatenate([np.arange(k) for k in n] * 2)
        yes = rank[:, None] < np.rint(p[wijk] * n[wijk][:, None])
        missing = np.zeros((N, J), dtype=bool)
        weight = np.ones(N)
    else:
        s = world.params.weight_log_sd
        weight = np.minimum(np.exp(s * rng.standard_normal(N) - s * s / 2), max_weight)
        a = np.array([it["loading"] for it in world.items])
        latent = rng.standard_normal(N)[:, None] * a + rng.standard_normal((N, J)) * np.sqrt(1 - a * a)
        inv = NormalDist().inv_cdf
        threshold = np.vectorize(lambda q: inv(1 - q))(p)
        yes = latent > threshold[wijk]
        missing = rng.random((N, J)) < np.array([it["missing"] for it in world.items])
    code = np.where(missing, 2, np.where(yes, 0, 1)).astype(np.int8)
    return wijk, year, weight, code


def simulate(world: World, replicates, seed: int = SEED, exact: bool = False,
             max_weight: float | None = None) -> Batch:
    """Simulated data of the given replicates; replicate r always draws from default_rng([seed, 1, r])."""
    replicates = list(replicates)
    max_weight = max_weight if max_weight is not None else load_method("v2")["plausibility"]["max_weight"]
    W = world.n_wijken
    meldingen_inds = [i for i in world.objective if i["source"] == "meldingen"]
    code_of = [(k, c) for k, ind in enumerate(meldingen_inds) for c in ind["codes"]]
    resp_parts, ans_parts, pol_parts, mel_parts = [], [], [], []
    offset = 0
    for pos, r in enumerate(replicates):
        rng = np.random.default_rng([seed, 1, r])
        wijk, year, weight, code = _replicate_survey(world, rng, exact, max_weight)
        N, J = code.shape
        resp = offset + np.arange(N, dtype=np.int64)
        offset += N
        key = pos * W + wijk
        resp_parts.append(pl.DataFrame({"resp": resp, "wijk_key": key.astype(np.int64),
                                        "year_idx": year, "weegfactor": weight}))
        # The respondent's wijk, year and weight repeated per answer: cheaper than a join in DuckDB.
        ans_parts.append(pl.DataFrame({"resp": np.repeat(resp, J), "wijk_key": np.repeat(key, J).astype(np.int64),
                                       "year_idx": np.repeat(year, J), "weegfactor": np.repeat(weight, J),
                                       "item": np.tile(np.arange(J, dtype=np.int16), N), "code": code.ravel()}))
        # Objective counts per (wijk, year): expected λP/1000, Poisson (or exact).
        for k, ind in enumerate(world.objective):
            mean = np.tile(world.rates[ind["indicator"]] * world.population / 1000, 2)
            keys = pos * W + np.tile(np.arange(W), 2)
            years = np.repeat(np.arange(2, dtype=np.int8), W)
            if ind["source"] == "politie":
                counts = np.rint(mean) if exact else rng.poisson(mean)
                pol_parts.append(pl.DataFrame({"wijk_key": keys, "year_idx": years,
                                               "ind_idx": np.full(2 * W, k, dtype=np.int16),
                                               "registered": counts.astype(np.int64)}))
            else:
                # Spread evenly over the subcategorieën (a sum of Poissons is Poisson), plus cancelled ones.
                m = meldingen_inds.index(ind)
                own = [c_idx for c_idx, (mk, _) in enumerate(code_of) if mk == m]
                for c_idx in own:
                    share = 1 / len(own)
                    # exact: the whole count on the first subcategorie, so the sum stays exact
                    part = ((np.rint(mean) if c_idx == own[0] else np.zeros_like(mean)) if exact
                            else rng.poisson(mean * share)).astype(np.int64)
                    cancelled = (np.zeros_like(part) if exact  # exact: nothing to leave out
                                 else rng.poisson(mean * share * world.params.cancelled_share))
                    for n_rows, flag in ((part, False), (cancelled, True)):
                        mel_parts.append(pl.DataFrame({
                            "wijk_key": np.repeat(keys, n_rows), "year_idx": np.repeat(years, n_rows),
                            "code_idx": np.full(n_rows.sum(), c_idx, dtype=np.int16),
                            "cancelled": np.full(n_rows.sum(), flag)}))
    meldingen = pl.concat(mel_parts).with_row_index("melding_id", offset=1)
    pos = np.repeat(np.arange(len(replicates)), W)
    rep = np.repeat(np.array(replicates, dtype=np.int64), W)
    w = np.tile(np.arange(W), len(replicates))
    areas = pl.DataFrame({"wijk_key": pos * W + w, "replicate": rep, "wijk": w,
                          "population": np.tile(world.population, len(replicates))})
    return Batch(replicates, areas, pl.concat(resp_parts), pl.concat(ans_parts),
                 pl.concat(pol_parts), meldingen)


def benchmark_models() -> list[runner.SqlModel]:
    """The non-staging models wijk_index and gemeente_index need, in build order (staging is simulated)."""
    models = runner.discover_models()
    needed: set[str] = set()

    def visit(name: str) -> None:
        model = models.get(name)
        if model is None or model.layer == "staging" or name in needed:
            return
        needed.add(name)
        for dep in model.deps:
            visit(dep)

    visit(WIJK_TARGET)
    visit(CITY_TARGET)
    return [m for m in runner.ordered_models() if m.name in needed]


def load_method_tables(con: duckdb.DuckDBPyConnection, method: dict, base_year: int) -> None:
    for name, frame in method_tables(method, base_year).items():
        con.register("incoming", frame)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM incoming")
        con.unregister("incoming")


def load_staging(con: duckdb.DuckDBPyConnection, world: World, batch: Batch) -> None:
    """The stg_* tables the intermediate models read, made from the simulated arrays. Validity of
    answers and counting of meldingen come from the method tables, as in the real staging models."""
    y0, y1 = world.params.years
    con.register("sim_areas_in", batch.areas)
    con.execute("""CREATE OR REPLACE TABLE sim_areas AS
        SELECT *, 'BU' || lpad(CAST(replicate AS VARCHAR), 4, '0') || lpad(CAST(wijk AS VARCHAR), 4, '0') AS wijk_code,
               'R' || lpad(CAST(replicate AS VARCHAR), 4, '0') AS gebied_code
        FROM sim_areas_in""")
    con.execute(f"CREATE OR REPLACE TABLE sim_years AS SELECT * FROM (VALUES (0, {y0}::BIGINT), (1, {y1}::BIGINT)) t(year_idx, jaar)")
    # (item, code) -> survey_column and answer text; validity and "yes" come from the method below.
    con.register("sim_item_codes", pl.DataFrame(
        [{"item": k, "code": code, "survey_column": it["column"], "answer": answer}
         for k, it in enumerate(world.items)
         for code, answer in enumerate((it["yes"], it["no"], it["missing_answer"]))],
        schema={"item": pl.Int16, "code": pl.Int8, "survey_column": pl.String, "answer": pl.String}))
    politie_inds = [i for i in world.objective if i["source"] == "politie"]
    con.register("sim_police_codes", pl.DataFrame(
        {"ind_idx": [k for k, i in enumerate(world.objective) if i["source"] == "politie"],
         "crime_code": [i["codes"][0] for i in politie_inds]}, schema={"ind_idx": pl.Int16, "crime_code": pl.String}))
    meldingen_codes = [c for i in world.objective if i["source"] == "meldingen" for c in i["codes"]]
    con.register("sim_melding_codes", pl.DataFrame(
        {"code_idx": list(range(len(meldingen_codes))), "subcategorie": meldingen_codes},
        schema={"code_idx": pl.Int16, "subcategorie": pl.String}))
    for name in ("respondents", "answers", "politie", "meldingen"):
        con.register(f"sim_{name}", getattr(batch, name))

    con.execute("""CREATE OR REPLACE TABLE stg_areas AS
        SELECT wijk_code, 'Wijk ' || wijk AS wijk_naam, gebied_code, 'Replicaat ' || replicate AS gebied_naam,
               'simulatie' AS wijktype, wijk AS tile_x, replicate AS tile_y,
               'GM' || lpad(CAST(replicate AS VARCHAR), 4, '0') AS gemeente_code, NULL::VARCHAR AS gemeente_naam
        FROM sim_areas""")
    con.execute("""CREATE OR REPLACE TABLE stg_bevolking AS
        SELECT y.jaar, a.wijk_code, CAST(a.population AS BIGINT) AS inwoners FROM sim_areas a CROSS JOIN sim_years y""")
    con.execute("""CREATE OR REPLACE TABLE stg_politie AS
        SELECT c.crime_code, a.wijk_code AS area_code, 'buurt' AS area_level, y.jaar || 'JJ00' AS period,
               'jaar' AS period_kind, y.jaar, NULL::BIGINT AS maand, true AS is_published,
               CAST(p.registered AS BIGINT) AS registered
        FROM sim_politie p JOIN sim_areas a USING (wijk_key) JOIN sim_years y USING (year_idx)
        JOIN sim_police_codes c USING (ind_idx)""")
    # every simulated count is usable: no key is missing for an unusable count
    con.execute("""CREATE OR REPLACE TABLE stg_politie_unusable_counts AS
        SELECT crime_code, area_code, area_level, period, period_kind, jaar, maand, NULL::VARCHAR AS _file,
               NULL::BIGINT AS _line, NULL::VARCHAR AS reject_reason FROM stg_politie LIMIT 0""")
    con.execute("""CREATE OR REPLACE TABLE stg_meldingen AS
        WITH codes AS (
            SELECT c.code_idx, k.cancelled, c.subcategorie, v.hoofdcategorie, s.status, s.is_counted,
                   v.subcategorie IS NOT NULL AS in_vocabulary
            FROM sim_melding_codes c
            CROSS JOIN (VALUES (false, 'afgehandeld'), (true, 'geannuleerd')) k(cancelled, status)
            JOIN method_meldingen_status s ON s.status = k.status
            LEFT JOIN method_meldingen_vocabulary v ON v.subcategorie = c.subcategorie
        )
        SELECT m.melding_id, y.jaar, a.wijk_code, c.hoofdcategorie, c.subcategorie, c.status, c.is_counted,
               c.in_vocabulary
        FROM sim_meldingen m JOIN sim_areas a USING (wijk_key) JOIN sim_years y USING (year_idx)
        JOIN codes c USING (code_idx, cancelled)""")
    con.execute("""CREATE OR REPLACE TABLE stg_enquete AS
        SELECT r.resp AS respondent_id, y.jaar, a.wijk_code, r.weegfactor
        FROM sim_respondents r JOIN sim_areas a USING (wijk_key) JOIN sim_years y USING (year_idx)""")
    con.execute("""CREATE OR REPLACE TABLE stg_enquete_answers AS
        WITH valid AS (
            SELECT c.item, c.code, c.survey_column, c.answer, m.is_yes
            FROM sim_item_codes c JOIN method_survey_answers m USING (survey_column, answer)
            WHERE m.is_valid
        )
        SELECT y.jaar, a.wijk_code, s.resp AS respondent_id, s.weegfactor, v.survey_column, v.answer, v.is_yes
        FROM sim_answers s JOIN valid v USING (item, code)
        JOIN sim_areas a USING (wijk_key) JOIN sim_years y USING (year_idx)""")
    for name in ("sim_areas_in", "sim_item_codes", "sim_police_codes", "sim_melding_codes",
                 "sim_respondents", "sim_answers", "sim_politie", "sim_meldingen"):
        con.unregister(name)


@dataclass
class RunResult:
    wijk: pl.DataFrame          # replicate, wijk, jaar, index, ci_laag, ci_hoog, se, verschil_significant, respondenten
    city: pl.DataFrame          # replicate, jaar, index, se, ci_laag, ci_hoog, verschil_significant
    calibration: dict[str, tuple[float, float]]


def run_models(con: duckdb.DuckDBPyConnection) -> RunResult:
    """Build wijk_index and gemeente_index (with everything they read) for the whole batch: one
    city index per replicate (its gemeente), its change within itself."""
    for model in benchmark_models():
        runner.build_model(con, model)
    wijk = con.sql("""
        SELECT a.replicate, a.wijk, w.jaar, w."index", w.ci_laag, w.ci_hoog, w.se, w.verschil_significant,
               w.respondenten
        FROM wijk_index w JOIN sim_areas a USING (wijk_code) ORDER BY a.replicate, a.wijk, w.jaar""").pl()
    calibration = {ind: (mu, sigma) for ind, mu, sigma in
                   con.execute("SELECT indicator, mu, sigma FROM int_calibration").fetchall()}
    city = con.sql("""SELECT CAST(substr(gemeente_code, 3) AS BIGINT) AS replicate, jaar,
                             "index", se, ci_laag, ci_hoog, verschil_significant, wijken
                      FROM gemeente_index ORDER BY replicate, jaar""").pl()
    return RunResult(wijk, city, calibration)


def true_index(world: World, method: dict, calibration: dict[str, tuple[float, float]]) -> np.ndarray:
    """The method on the true parameters (x = 1000 λ/P, x = 100 p), scored with the run's μ, σ."""
    p = method["params"]
    scores: dict[tuple[str, str], list[np.ndarray]] = {}
    for ind in method["indicators"]:
        if ind["part"] == "objectief":
            y = np.log1p(world.rates[ind["indicator"]])
        else:
            y = 100 * world.proportions[ind["column"]]
        mu, sigma = calibration[ind["indicator"]]
        s = np.clip(p["score_centre"] - p["score_scale"] * (y - mu) / sigma, p["score_min"], p["score_max"])
        scores.setdefault((ind["theme"], ind["part"]), []).append(s)
    part_weight = {"objectief": p["weight_objective"], "subjectief": p["weight_subjective"]}
    total = np.zeros(world.n_wijken)
    theme_weights = 0.0
    for theme in method["themes"]:
        parts = [(part_weight[part], np.mean(v, axis=0)) for (t, part), v in scores.items() if t == theme["theme"]]
        score = sum(w * s for w, s in parts) / sum(w for w, _ in parts)
        total += theme["weight"] * score
        theme_weights += theme["weight"]
    return total / theme_weights


def true_city(world: World, truth: np.ndarray) -> float:
    return float(np.sum(world.population * truth) / np.sum(world.population))


def run_batch(world: World, replicates, seed: int, methods: dict[str, dict], exact: bool = False,
              timings: dict[str, float] | None = None) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    """One batch through every method: per method (wijk rows, city rows), each with its truth."""
    timings = timings if timings is not None else {}
    start = time.perf_counter()
    batch = simulate(world, replicates, seed, exact=exact)
    timings["simulatie"] = timings.get("simulatie", 0.0) + time.perf_counter() - start
    con = duckdb.connect()
    base_year = world.params.years[0]
    out = {}
    staged_for = None
    try:
        for version, method in methods.items():
            start = time.perf_counter()
            load_method_tables(con, method, base_year)
            # Staging reads the survey answer codes and meldingen statuses of the method.
            signature = (repr(method["survey"]), repr(method["meldingen"]))
            if signature != staged_for:
                load_staging(con, world, batch)
                staged_for = signature
                timings["staging"] = timings.get("staging", 0.0) + time.perf_counter() - start
                start = time.perf_counter()
            result = run_models(con)
            truth = true_index(world, method, result.calibration)
            truth_frame = pl.DataFrame({"wijk": np.arange(world.n_wijken, dtype=np.int64), "true_index": truth})
            wijk = result.wijk.join(truth_frame, on="wijk", how="left")
            city = result.city.with_columns(true_index=pl.lit(true_city(world, truth)))
            out[version] = (wijk, city)
            timings[version] = timings.get(version, 0.0) + time.perf_counter() - start
    finally:
        con.close()
    return out


def summarise(wijk: pl.DataFrame, city: pl.DataFrame, years: tuple[int, int], indicative_below: int) -> dict:
    def covered(df: pl.DataFrame) -> float:
        return df.select(((pl.col("ci_laag") <= pl.col("true_index")) & (pl.col("true_index") <= pl.col("ci_hoog")))
                         .mean()).item()

    second = years[1]
    small = wijk.filter(pl.col("respondenten") < indicative_below)
    large = wijk.filter(pl.col("respondenten") >= indicative_below)
    ratio = (wijk.group_by("wijk", "jaar").agg(pl.col("index").std() / pl.col("se").mean())
             .select(pl.col("index").mean()).item())
    city_ratio = (city.group_by("jaar").agg(pl.col("index").std() / pl.col("se").mean())
                  .select(pl.col("index").mean()).item())
    return {
        "wijkjaren": wijk.height,
        "gepubliceerd": wijk.filter(pl.col("index").is_not_null()).height,
        "dekking": covered(wijk),
        "dekking_klein": covered(small) if small.height else float("nan"),
        "dekking_groot": covered(large) if large.height else float("nan"),
        "n_klein": small.height, "n_groot": large.height,
        "vals_alarm": wijk.filter(pl.col("jaar") == second).select(pl.col("verschil_significant").mean()).item(),
        "stad_dekking": covered(city),
        "stad_vals_alarm": city.filter(pl.col("jaar") == second).select(pl.col("verschil_significant").mean()).item(),
        "se_ratio": ratio,
        "stad_se_ratio": city_ratio,
        "se_gemiddeld": wijk.select(pl.col("se").mean()).item(),
    }


def measured_phi(world: World, seed: int, replicates=range(20)) -> float:
    """Within-wijk phi between perception items, pooled per wijk over a few replicates' answers."""
    batch = simulate(world, replicates, seed)
    perception = [k for k, it in enumerate(world.items) if not it["column"].startswith("slachtoffer_")]
    J = len(world.items)
    code = batch.answers["code"].to_numpy().reshape(-1, J)
    wijk = batch.respondents["wijk_key"].to_numpy() % world.n_wijken
    phis = []
    for w in range(world.n_wijken):
        sub = code[wijk == w]
        for i, a in enumerate(perception):
            for b in perception[i + 1:]:
                ok = (sub[:, a] != 2) & (sub[:, b] != 2)
                x, y = sub[ok, a] == 0, sub[ok, b] == 0
                if x.std() > 0 and y.std() > 0:
                    phis.append(np.corrcoef(x, y)[0, 1])
    return float(np.mean(phis))


def run_benchmark(replicates: int = DEFAULT_REPLICATES, seed: int = SEED, batch_size: int = DEFAULT_BATCH,
                  params: WorldParams | None = None, progress: bool = True) -> dict:
    world = make_world(seed, params)
    methods = {v: load_method(v) for v in METHODS}
    timings: dict[str, float] = {}
    collected: dict[str, tuple[list, list]] = {v: ([], []) for v in METHODS}
    start = time.perf_counter()
    for first in range(0, replicates, batch_size):
        reps = range(first, min(first + batch_size, replicates))
        for version, (wijk, city) in run_batch(world, reps, seed, methods, timings=timings).items():
            collected[version][0].append(wijk)
            collected[version][1].append(city)
        if progress:
            print(f"  replicaten {reps.start}-{reps.stop - 1} klaar ({time.perf_counter() - start:.0f} s)",
                  file=sys.stderr, flush=True)
    indicative_below = methods["v2"]["params"]["indicative_below"]
    summary = {v: summarise(pl.concat(w), pl.concat(c), world.params.years, indicative_below)
               for v, (w, c) in collected.items()}
    return {"world": world, "summary": summary, "timings": timings,
            "seconds": time.perf_counter() - start, "indicative_below": indicative_below}


def within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def v2_on_target(summary: dict) -> bool:
    s = summary["v2"]
    return within(s["dekking"], TARGET_COVERAGE) and within(s["vals_alarm"], TARGET_FALSE_ALARM)


def report(result: dict, replicates: int, seed: int, batch_size: int, phi: float) -> None:
    world, summary, below = result["world"], result["summary"], result["indicative_below"]
    print("Dekkingsbenchmark veiligheidsindex (Monte Carlo, eigen SQL-modellen)")
    print(f"seed = {seed}, replicaten = {replicates}, batchgrootte = {batch_size}")
    print("Gesimuleerde wereld (WorldParams):")
    print("\n".join(world.params.describe()))
    print(f"  -> respondenten per wijk: min {world.respondents.min()}, mediaan {int(np.median(world.respondents))}, "
          f"max {world.respondents.max()}; {int((world.respondents < below).sum())} van {world.n_wijken} wijken < {below}")
    print(f"  -> inwoners per wijk: min {world.population.min()}, max {world.population.max()}")
    print(f"  -> gemeten phi tussen belevingsitems (binnen wijk): {phi:.3f}")
    n = summary["v2"]["wijkjaren"]
    print(f"\nwijkjaren per methode: {n} ({summary['v2']['n_klein']} met < {below} respondenten), "
          f"gepubliceerd: {summary['v2']['gepubliceerd']}; stadsjaren: {2 * replicates}")
    header = (f"{'methode':<8}{'dekking':>9}{'<' + str(below) + ' resp':>10}{'≥' + str(below) + ' resp':>10}"
              f"{'vals alarm':>12}{'stad dekking':>14}{'stad v.a.':>11}{'se-ratio':>10}{'stad se-r.':>12}{'SQL (s)':>10}")
    print(header)
    print("-" * len(header))
    for v in METHODS:
        s = summary[v]
        print(f"{v:<8}{s['dekking']:>9.1%}{s['dekking_klein']:>10.1%}{s['dekking_groot']:>10.1%}"
              f"{s['vals_alarm']:>12.1%}{s['stad_dekking']:>14.1%}{s['stad_vals_alarm']:>11.1%}"
              f"{s['se_ratio']:>10.2f}{s['stad_se_ratio']:>12.2f}{result['timings'].get(v, 0):>10.1f}")
    print("(dekking = aandeel wijkjaren waarvan [ci_laag, ci_hoog] de ware index bevat; vals alarm = aandeel "
          f"wijken met verschil_significant in {world.params.years[1]} terwijl niets veranderde; se-ratio = "
          "empirische sd van de index over replicaten / gemiddelde gepubliceerde se)")
    mc = math.sqrt(0.95 * 0.05 / n)
    mc_fa = math.sqrt(0.05 * 0.95 / (n / 2))
    print(f"Monte-Carlofout (1 sd) bij 95% / 5%: dekking ±{mc:.1%}, vals alarm ±{mc_fa:.1%}; "
          f"stad ±{math.sqrt(0.95 * 0.05 / (2 * replicates)):.1%} / ±{math.sqrt(0.05 * 0.95 / replicates):.1%}")
    s = summary["v2"]
    cov_ok, fa_ok = within(s["dekking"], TARGET_COVERAGE), within(s["vals_alarm"], TARGET_FALSE_ALARM)
    print(f"Doel v2: dekking {TARGET_COVERAGE[0]:.0%}–{TARGET_COVERAGE[1]:.0%}: {'binnen' if cov_ok else 'BUITEN'} "
          f"({s['dekking']:.1%}); vals alarm {TARGET_FALSE_ALARM[0]:.1%}–{TARGET_FALSE_ALARM[1]:.1%}: "
          f"{'binnen' if fa_ok else 'BUITEN'} ({s['vals_alarm']:.1%})")
    t = result["timings"]
    print(f"Tijd: simulatie {t.get('simulatie', 0):.1f} s, staging {t.get('staging', 0):.1f} s, "
          f"SQL v1 {t.get('v1', 0):.1f} s, SQL v2 {t.get('v2', 0):.1f} s; totaal {result['seconds']:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicates", type=int, default=DEFAULT_REPLICATES)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    parser.add_argument("--check", action="store_true", help="exit 1 when v2 misses its targets")
    args = parser.parse_args(argv)
    wall = time.perf_counter()
    result = run_benchmark(args.replicates, args.seed, args.batch_size)
    phi = measured_phi(result["world"], args.seed)
    report(result, args.replicates, args.seed, args.batch_size, phi)
    print(f"Wandkloktijd incl. phi-meting: {time.perf_counter() - wall:.1f} s")
    return 1 if args.check and not v2_on_target(result["summary"]) else 0


if __name__ == "__main__":
    sys.exit(main())
