"""The method config: one versioned TOML file, loaded into method_* tables for the SQL models."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import polars as pl

METHOD_FILE = Path(__file__).with_name("method_v1.toml")


class MethodError(Exception):
    """The method config is inconsistent or a run parameter is invalid (Dutch message)."""


@lru_cache(maxsize=4)
def load_method(path: Path = METHOD_FILE) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def method_label(method: dict | None = None) -> str:
    return (method or load_method())["method"]["label"]


def method_tables(method: dict, base_year: int | None = None) -> dict[str, pl.DataFrame]:
    """The method as small tables. `base_year` (from the run) overrides the config."""
    configured = method["method"]["base_year"]
    if base_year is None and configured != "auto":
        base_year = int(configured)
    params = {
        "method_label": method["method"]["label"],
        "method_version": method["method"]["version"],
        "base_year_fixed": base_year,
        **method["params"],
        **method["plausibility"],
        "stale_months": method["prestaties"]["stale_months"],
        "min_priority": method["prestaties"]["min_priority"],
        "max_priority": method["prestaties"]["max_priority"],
        "politie_total_code": method["politie"]["total_code"],
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
        [{"survey_column": col, "answer": val, "is_valid": True, "is_yes": val == survey["binary_yes"]}
         for col in survey["binary_columns"] for val in survey["binary_valid"]]
        + [{"survey_column": col, "answer": val, "is_valid": True, "is_yes": val == survey["frequency_yes"]}
           for col in survey["frequency_columns"] for val in survey["frequency_valid"]]
        + [{"survey_column": col, "answer": val, "is_valid": False, "is_yes": False}
           for col in survey["frequency_columns"] for val in survey["frequency_no_answer"]])
    vocabulary = pl.DataFrame(
        [{"hoofdcategorie": main, "subcategorie": sub}
         for main, subs in method["meldingen"]["vocabulary"].items() for sub in subs])
    statuses = pl.DataFrame(
        [{"status": s, "is_counted": s not in method["meldingen"]["not_counted_status"]}
         for s in method["meldingen"]["statuses"]])
    prest = method["prestaties"]
    domains = pl.DataFrame(
        [{"field": field, "value": v} for field in ("soorten", "statuses", "rag", "additioneel")
         for v in prest[field]])
    _validate(method, indicators, themes)
    return {
        "method_params": pl.DataFrame([params]).with_columns(
            pl.col("base_year_fixed").cast(pl.Int32)),
        "method_themes": themes,
        "method_categories": categories,
        "method_indicators": indicators,
        "method_indicator_codes": codes,
        "method_survey_answers": answers,
        "method_meldingen_vocabulary": vocabulary,
        "method_meldingen_status": statuses,
        "method_prestatie_domains": domains,
    }


def _validate(method: dict, indicators: pl.DataFrame, themes: pl.DataFrame) -> None:
    unknown = set(indicators["theme"]) - set(themes["theme"])
    if unknown:
        raise MethodError(f"Methodeconfiguratie: indicator(en) bij onbekend thema {sorted(unknown)}.")
    bounds = [(c["lower"], c["upper"]) for c in method["categories"]]
    if any(prev[1] != nxt[0] for prev, nxt in zip(bounds, bounds[1:])):
        raise MethodError("Methodeconfiguratie: de categoriegrenzen sluiten niet op elkaar aan.")
