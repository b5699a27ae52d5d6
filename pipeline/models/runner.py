"""The SQL models of sql/: one SELECT a file, materialised as a table of the same name (or, as
dbt's `{{ config(materialized='view') }}` at the top of the file says, as a view: a plain filter of
a large table is read by its few consumers instead of being copied).

Dependencies are read from the SQL text (every known table name it mentions), so adding a model
is adding a file. Layers follow dbt: staging -> intermediate -> marts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb

from pipeline import SQL_DIR
from pipeline.ingest.sources import SOURCES

LAYERS = ("staging", "intermediate", "marts")
METHOD_TABLES = ("method_params", "method_themes", "method_categories", "method_indicators",
                 "method_indicator_codes", "method_survey_answers", "method_meldingen_vocabulary",
                 "method_meldingen_status", "method_prestatie_domains",
                 "method_meldingen_status_codes", "method_meldingen_category_map", "method_crime_codes",
                 "method_did_it_help", "method_did_it_help_not_run", "method_t_quantiles",
                 "method_sensitivity", "method_sensitivity_weights", "method_sensitivity_indicators")
RAW_TABLES = tuple(f"raw_{s.name}" for s in SOURCES) + ("raw_files", "raw_file_columns")


@dataclass(frozen=True)
class SqlModel:
    name: str
    layer: str
    path: Path
    deps: tuple[str, ...]  # other models, raw tables and method tables it reads

    @property
    def sql(self) -> str:
        """The model's SELECT, with the registries filled in ({{ var('sources') }}, as dbt's var())."""
        return render(self.path.read_text(encoding="utf-8"))

    @property
    def materialized(self) -> str:
        """'table' (the default) or 'view', as the file's {{ config(materialized=...) }} says."""
        return model_config(self.path.read_text(encoding="utf-8")).get("materialized", "table")

    @property
    def contract(self):
        """The model's contract (sql/<layer>/<model>.yml), None when it has none."""
        from pipeline.models.contracts import load_contract

        return load_contract(self.path.with_suffix(".yml"))

    @property
    def description(self) -> str:
        """From the model's contract (every model has one; tests/test_definitions.py checks)."""
        return self.contract.description if self.contract else ""

    @property
    def column_descriptions(self) -> dict[str, str]:
        return self.contract.column_descriptions() if self.contract else {}


@lru_cache(maxsize=1)
def sql_vars() -> dict:
    """What models may ask with var(): the registers, written once (sources.py, the method config).
    The survey items are the same in every method version (v2 extends v1)."""
    from pipeline.ingest.formats import raw_columns
    from pipeline.method import survey_items

    return {"sources": [s.name for s in SOURCES], "survey_columns": list(survey_items()),
            "raw_columns": {s.name: list(raw_columns(s)) for s in SOURCES}}


@lru_cache(maxsize=1)
def _jinja():
    import jinja2

    return jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              trim_blocks=True, lstrip_blocks=True)


def render(text: str, config=None) -> str:
    return _jinja().from_string(text).render(var=lambda name: sql_vars()[name],
                                             config=config or (lambda **_: ""))


MATERIALIZATIONS = ("table", "view")


def model_config(text: str) -> dict:
    """What the model's {{ config(...) }} sets (dbt's in-file config), e.g. {'materialized': 'view'}."""
    found: dict = {}
    render(text, config=lambda **kw: found.update(kw) or "")
    if found.get("materialized", "table") not in MATERIALIZATIONS:
        raise ValueError(f"onbekende materialisatie {found['materialized']!r} (kan: {', '.join(MATERIALIZATIONS)})")
    return found


@lru_cache(maxsize=1)
def discover_models(sql_dir: Path = SQL_DIR) -> dict[str, SqlModel]:
    paths = {p.stem: (layer, p) for layer in LAYERS for p in sorted((sql_dir / layer).glob("*.sql"))}
    known = set(paths) | set(METHOD_TABLES) | set(RAW_TABLES)
    models = {}
    for name, (layer, path) in paths.items():
        text = re.sub(r"--[^\n]*", "", render(path.read_text(encoding="utf-8")))  # comments name no deps
        words = set(re.findall(r"\b(?:from|join|unpivot)\s+\(?\s*\"?(?=([a-z_][a-z0-9_]*))", text, re.I))
        deps = tuple(sorted((words & known) - {name}))
        models[name] = SqlModel(name, layer, path, deps)
    return models


def load_macros(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    con.execute((sql_dir / "macros.sql").read_text(encoding="utf-8"))


def build_model(con: duckdb.DuckDBPyConnection, model: SqlModel) -> int:
    """(Re)create the model's table (or view); returns its row count. A model that was the other
    kind in an earlier run is dropped first (DuckDB replaces a table only by a table)."""
    import logging
    import time

    start = time.perf_counter()
    load_macros(con)
    kind = "VIEW" if model.materialized == "view" else "TABLE"
    other = con.execute("SELECT table_type FROM information_schema.tables WHERE table_schema = current_schema() "
                        "AND table_name = ?", [model.name]).fetchall()
    if other and (other[0][0] == "VIEW") != (kind == "VIEW"):
        con.execute(f'DROP {"VIEW" if other[0][0] == "VIEW" else "TABLE"} "{model.name}"')
    con.execute(f'CREATE OR REPLACE {kind} "{model.name}" AS\n{model.sql}')
    rows = con.execute(f'SELECT count(*) FROM "{model.name}"').fetchall()[0][0]
    logging.getLogger("veiligheidsindex.models").info(
        "%s %s: %d rijen in %.2f s", kind.lower(), model.name, rows, time.perf_counter() - start)
    return rows


def ordered_models(models: dict[str, SqlModel] | None = None) -> list[SqlModel]:
    """The models in an order where every model comes after the models it reads."""
    models = models or discover_models()
    done: dict[str, SqlModel] = {}

    def visit(name: str, trail: tuple[str, ...] = ()) -> None:
        if name in done or name not in models:
            return
        if name in trail:
            raise ValueError(f"kringverwijzing in sql/: {' -> '.join((*trail, name))}")
        for dep in models[name].deps:
            visit(dep, (*trail, name))
        done[name] = models[name]

    for name in models:
        visit(name)
    return list(done.values())
