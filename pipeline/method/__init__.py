"""The method config: one TOML file a version, loaded into method_* tables for the SQL models.

A version file may `extends` an earlier one and then holds only what it changes (v2 changes the
variance estimator, not the indicators), so every list of the method is written once.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from functools import lru_cache
from pathlib import Path

import polars as pl

from pipeline.method.reference import DATA_DIR, read_reference

METHOD_DIR = Path(__file__).parent
METHODS = {"v1": "method_v1.toml", "v2": "method_v2.toml"}
DEFAULT_METHOD = "v2"
# [calibration] scope: one scale over all wijken of the publication, or one per gemeente.
CALIBRATION_SCOPES = ("publication", "gemeente")


class MethodError(Exception):
    """The method config is inconsistent or a run parameter is invalid (Dutch message)."""


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return merged


def _read(path: Path) -> dict:
    with open(path, "rb") as fh:
        config = tomllib.load(fh)
    parent = config.pop("extends", None)
    return _merge(_read(path.with_name(parent)), config) if parent else config


@lru_cache(maxsize=8)
def load_method(version: str = DEFAULT_METHOD) -> dict:
    """The resolved config of a method version ("v1", "v2"), with its hash under method.hash."""
    if version not in METHODS:
        raise MethodError(f"Onbekende methode {version!r}; kies uit {', '.join(METHODS)}.")
    config = _read(METHOD_DIR / METHODS[version])
    # The shipped reference data (code lists, Signalen mapping) changes results too: its content
    # is part of the hash, and methode.json names each file's sha256.
    config["reference"] = reference_hashes()
    config["method"]["hash"] = config_hash(config)
    return config


def config_hash(config: dict) -> str:
    """sha256 of the resolved config (without its own hash): a publication names exactly the numbers it used."""
    content = {k: ({kk: vv for kk, vv in v.items() if kk != "hash"} if k == "method" else v) for k, v in config.items()}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def reference_hashes() -> dict[str, str]:
    return {path.stem: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(DATA_DIR.glob("*.csv"))}


def method_label(method: dict | None = None) -> str:
    return (method or load_method())["method"]["label"]


def survey_items(method: dict | None = None) -> dict[str, str]:
    """The survey columns in method order, each with its answer scale ("binary" or "frequency")."""
    return {i["column"]: i["scale"] for i in (method or load_method())["indicators"] if i.get("column")}


def method_tables(method: dict, base_year: int | None = None) -> dict[str, pl.DataFrame]:
    """The method as small tables. `base_year` (from the run) overrides the config."""
    configured = method["method"]["base_year"]
    if base_year is None and configured != "auto":
        base_year = int(configured)
    params = {
        "method_label": method["method"]["label"],
        "method_version": method["method"]["version"],
        "base_year_fixed": base_year,
        "indicative_below": None,  # v1 does not mark figures as indicatief
        **method["params"],
        "variance_estimator": method["uncertainty"]["estimator"],
        "calibration_scope": method["calibration"]["scope"],
        **method["plausibility"],
        "stale_months": method["prestaties"]["stale_months"],
        "min_priority": method["prestaties"]["min_priority"],
        "max_priority": method["prestaties"]["max_priority"],
        "politie_total_code": method["politie"]["total_code"],
        "max_outside_share_change": method["meldingen"]["max_outside_share_change"],
    }
    themes = pl.DataFrame(method["themes"]).with_row_index("theme_order", offset=1)
    categories = pl.DataFrame(method["categories"]).with_row_index("category_order", offset=1)
    indicators = pl.DataFrame(
        [{k: ind.get(k) for k in ("indicator", "theme", "part", "source", "column", "label")}
         for ind in method["indicators"]],
        schema={k: pl.String for k in ("indicator", "theme", "part", "source", "column", "label")},
    ).rename({"column": "survey_column"}).with_row_index("indicator_order", offset=1)
    codes = pl.DataFrame(
        [{"indicator": ind["indicator"], "code": code}
         for ind in method["indicators"] for code in ind.get("codes", [])],
        schema={"indicator": pl.String, "code": pl.String})
    survey = method["survey"]
    answers = pl.DataFrame(
        [{"survey_column": col, "answer": val, "is_valid": True, "is_yes": val == survey[f"{scale}_yes"]}
         for col, scale in survey_items(method).items() for val in survey[f"{scale}_valid"]]
        + [{"survey_column": col, "answer": val, "is_valid": False, "is_yes": False}
           for col, scale in survey_items(method).items() for val in survey.get(f"{scale}_no_answer", [])])
    vocabulary = pl.DataFrame(
        [{"hoofdcategorie": main, "subcategorie": sub}
         for main, subs in method["meldingen"]["vocabulary"].items() for sub in subs])
    statuses = pl.DataFrame(
        [{"status": s, "is_counted": s not in method["meldingen"]["not_counted_status"]}
         for s in method["meldingen"]["statuses"]])
    # Reference data beside the method (pipeline/method/data): CBS crime labels, and the statuses
    # and categories of real systems (Signalen) onto the four statuses and the vocabulary.
    crime_codes = pl.DataFrame(list(read_reference("cbs_soortmisdrijf")), schema={"code": pl.String, "label": pl.String})
    status_codes = pl.DataFrame(
        [{"bron_status": s, "status": s} for s in method["meldingen"]["statuses"]]
        + [{"bron_status": row[key], "status": row["status"]} for row in read_reference("signalen_status")
           for key in ("code", "naam")],
        schema={"bron_status": pl.String, "status": pl.String})
    category_map = pl.DataFrame(
        [{"bron_categorie": row[key], "subcategorie": row["vocabulaire"] or None}
         for row in read_reference("signalen_categories") for key in ("subcategorie", "subcategorie_naam")],
        schema={"bron_categorie": pl.String, "subcategorie": pl.String})
    prest = method["prestaties"]
    domains = pl.DataFrame(
        [{"field": field, "value": v} for field in ("soorten", "statuses", "rag", "additioneel")
         for v in prest[field]])
    _validate(method, indicators, themes)
    return {
        "method_params": pl.DataFrame([params]).with_columns(
            pl.col("base_year_fixed").cast(pl.Int32), pl.col("indicative_below").cast(pl.Int64)),
        "method_themes": themes,
        "method_categories": categories,
        "method_indicators": indicators,
        "method_indicator_codes": codes,
        "method_survey_answers": answers,
        "method_meldingen_vocabulary": vocabulary,
        "method_meldingen_status": statuses,
        "method_meldingen_status_codes": status_codes,
        "method_meldingen_category_map": category_map,
        "method_crime_codes": crime_codes,
        "method_prestatie_domains": domains,
        **_did_it_help_tables(method),
        **_sensitivity_tables(method, indicators),
    }


def _did_it_help_tables(method: dict) -> dict[str, pl.DataFrame]:
    """[did_it_help]: its thresholds (one row), the statuses of agreements that never ran, and the
    t quantiles of the 95% interval by degrees of freedom."""
    did = method["did_it_help"]
    if did["min_comparison"] < 2:
        raise MethodError("Methodeconfiguratie: did_it_help.min_comparison moet minstens 2 zijn "
                          "(de spreiding van de vergelijkingswijken vraagt er twee).")
    quantiles = pl.DataFrame([{"df": int(df), "t": float(t)} for df, t in did["t_quantiles"]],
                             schema={"df": pl.Int64, "t": pl.Float64})
    if quantiles["df"].min() != 1 or not quantiles["df"].is_sorted() or not quantiles["t"].is_sorted(descending=True):
        raise MethodError("Methodeconfiguratie: did_it_help.t_quantiles begint bij 1 vrijheidsgraad en daalt.")
    if set(did["statuses_not_run"]) - set(method["prestaties"]["statuses"]):
        raise MethodError(f"Methodeconfiguratie: did_it_help.statuses_not_run noemt onbekende statussen "
                          f"{sorted(set(did['statuses_not_run']) - set(method['prestaties']['statuses']))}.")
    return {
        "method_did_it_help": pl.DataFrame([{"min_comparison": did["min_comparison"],
                                             "min_years_after_start": did["min_years_after_start"]}]),
        "method_did_it_help_not_run": pl.DataFrame({"status": did["statuses_not_run"]}, schema={"status": pl.String}),
        "method_t_quantiles": quantiles,
    }


def _sensitivity_tables(method: dict, indicators: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """[[sensitivity]]: the variants (a weighting variant with the official weights for what it
    does not name), the theme weights of each weighting variant and the indicators of each
    separate index."""
    variants, weights, members = [], [], []
    official = {t["theme"]: t["weight"] for t in method["themes"]}
    for order, v in enumerate(method["sensitivity"], start=1):
        if v["kind"] not in ("weighting", "separate"):
            raise MethodError(f"Methodeconfiguratie: onbekende soort variant {v['kind']!r} ({v['variant']}).")
        weighting = v["kind"] == "weighting"
        variants.append({"variant": v["variant"], "variant_order": order, "label": v["label"], "kind": v["kind"],
                         "weight_objective": v.get("weight_objective", method["params"]["weight_objective"]) if weighting else None,
                         "weight_subjective": v.get("weight_subjective", method["params"]["weight_subjective"]) if weighting else None})
        if weighting:
            named = v.get("theme_weights", {})
            if set(named) - set(official):
                raise MethodError(f"Methodeconfiguratie: variant {v['variant']} weegt onbekende thema's "
                                  f"{sorted(set(named) - set(official))}.")
            weights += [{"variant": v["variant"], "theme": t, "weight": float(named.get(t, w))} for t, w in official.items()]
        else:
            unknown = set(v["indicators"]) - set(indicators["indicator"])
            if unknown or not v["indicators"]:
                raise MethodError(f"Methodeconfiguratie: variant {v['variant']} noemt onbekende of geen indicatoren "
                                  f"{sorted(unknown)}.")
            members += [{"variant": v["variant"], "indicator": i} for i in v["indicators"]]
    if len({v["variant"] for v in variants}) != len(variants):
        raise MethodError("Methodeconfiguratie: twee gevoeligheidsvarianten met dezelfde naam.")
    return {
        "method_sensitivity": pl.DataFrame(variants, schema={
            "variant": pl.String, "variant_order": pl.Int64, "label": pl.String, "kind": pl.String,
            "weight_objective": pl.Float64, "weight_subjective": pl.Float64}),
        "method_sensitivity_weights": pl.DataFrame(weights, schema={"variant": pl.String, "theme": pl.String,
                                                                    "weight": pl.Float64}),
        "method_sensitivity_indicators": pl.DataFrame(members, schema={"variant": pl.String, "indicator": pl.String}),
    }


def _validate(method: dict, indicators: pl.DataFrame, themes: pl.DataFrame) -> None:
    scales = {i["scale"] for i in method["indicators"] if i.get("column")}
    if not scales <= {"binary", "frequency"}:
        raise MethodError(f"Methodeconfiguratie: onbekende antwoordschaal {sorted(scales - {'binary', 'frequency'})}.")
    if method["uncertainty"]["estimator"] not in ("independent", "per_respondent"):
        raise MethodError(f"Methodeconfiguratie: onbekende schatter {method['uncertainty']['estimator']!r}.")
    if method["calibration"]["scope"] not in CALIBRATION_SCOPES:
        raise MethodError(f"Methodeconfiguratie: onbekende kalibratie {method['calibration']['scope']!r}; "
                          f"kies uit {', '.join(CALIBRATION_SCOPES)}.")
    unknown = set(indicators["theme"]) - set(themes["theme"])
    if unknown:
        raise MethodError(f"Methodeconfiguratie: indicator(en) bij onbekend thema {sorted(unknown)}.")
    bounds = [(c["lower"], c["upper"]) for c in method["categories"]]
    if any(prev[1] != nxt[0] for prev, nxt in zip(bounds, bounds[1:])):
        raise MethodError("Methodeconfiguratie: de categoriegrenzen sluiten niet op elkaar aan.")
