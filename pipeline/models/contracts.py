"""Model contracts: the YAML beside each SQL model, in dbt's shape (description, columns, data_tests).

One contract feeds three things, so they cannot drift apart: the Great Expectations suites that
check the model (GX stays the engine), the column schema Dagster shows, and docs/data.md
(`python -m pipeline.models.contracts > docs/data.md`). The tests are dbt's generic tests
(not_null, unique, accepted_values, relationships) and the dbt_utils / dbt_expectations ones
named below, so a later move to dbt-duckdb stays mechanical.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline import SQL_DIR


@dataclass(frozen=True)
class Test:
    kind: str  # e.g. "not_null", "dbt_utils.accepted_range"
    arguments: dict
    column: str | None = None  # None: a model-level test
    name: str | None = None  # dbt's optional test name; names the derived column of an expression


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    in_spec: bool  # part of METHOD.md's output contract (tag "contract")
    data_type: str | None = None  # DuckDB type name, given for the published marts (dbt's enforced contract)


@dataclass(frozen=True)
class Contract:
    model: str
    description: str
    columns: tuple[Column, ...]
    tests: tuple[Test, ...]
    meta: dict = field(default_factory=dict)

    def column_descriptions(self) -> dict[str, str]:
        return {c.name: c.description for c in self.columns}


def _tests(entries: list, column: str | None) -> list[Test]:
    tests = []
    for entry in entries or []:
        if isinstance(entry, str):
            tests.append(Test(entry, {}, column))
            continue
        (kind, body), = entry.items()
        body = body or {}
        tests.append(Test(kind, dict(body.get("arguments", {})), column, body.get("name")))
    return tests


@lru_cache(maxsize=None)
def load_contract(path: Path) -> Contract | None:
    """The contract in a model's .yml, None when the model has none."""
    if not path.exists():
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ten times faster when present
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    (model,) = document["models"]
    columns = tuple(Column(c["name"], " ".join(str(c.get("description", "")).split()), "contract" in c.get("tags", []),
                           c.get("data_type")) for c in model.get("columns", []))
    tests = _tests(model.get("data_tests"), None)
    for c in model.get("columns", []):
        tests += _tests(c.get("data_tests"), c["name"])
    return Contract(model["name"], " ".join(str(model.get("description", "")).split()), columns, tuple(tests),
                    (model.get("config") or {}).get("meta", {}))


def resolve_var(value, method: dict):
    """`{{ var('meldingen.statuses') }}` -> that entry of the method config (dbt's var())."""
    if isinstance(value, str):
        match = re.fullmatch(r"\{\{\s*var\('([a-z_.]+)'\)\s*\}\}", value.strip())
        if match:
            for key in match.group(1).split("."):
                method = method[key]
            return method
    return value


def gx_suite(contract: Contract, method: dict) -> tuple[str, list[tuple[str, dict]]]:
    """The query and GX expectations that check a model's contract tests.

    Column tests map one to one onto GX expectations; a model-level expression (and a
    relationship) becomes a boolean column of the query that must be true."""
    selected: list[str] = []
    expectations: list[tuple[str, dict]] = []

    def use(column: str) -> None:
        if column not in selected:
            selected.append(column)

    for n, t in enumerate(contract.tests, start=1):
        args = {k: resolve_var(v, method) for k, v in t.arguments.items()}
        if t.kind == "not_null":
            use(t.column)
            expectations.append(("ExpectColumnValuesToNotBeNull", {"column": t.column}))
        elif t.kind == "unique":
            use(t.column)
            expectations.append(("ExpectColumnValuesToBeUnique", {"column": t.column}))
        elif t.kind == "accepted_values":
            use(t.column)
            expectations.append(("ExpectColumnValuesToBeInSet", {"column": t.column, "value_set": list(args["values"])}))
        elif t.kind == "dbt_utils.accepted_range":
            use(t.column)
            strict = not args.get("inclusive", True)
            bounds = {k: args[k] for k in ("min_value", "max_value") if k in args}
            strictness = {f"strict_{k[:3]}": True for k in bounds} if strict else {}
            expectations.append(("ExpectColumnValuesToBeBetween", {"column": t.column, **bounds, **strictness}))
        elif t.kind == "dbt_expectations.expect_column_values_to_match_regex":
            use(t.column)
            expectations.append(("ExpectColumnValuesToMatchRegex", {"column": t.column, "regex": args["regex"]}))
        elif t.kind == "dbt_utils.unique_combination_of_columns":
            columns = list(args["combination_of_columns"])
            for c in columns:
                use(c)
            expectations.append(("ExpectCompoundColumnsToBeUnique", {"column_list": columns}))
        elif t.kind in ("dbt_utils.expression_is_true", "relationships"):
            name = t.name or f"check_{n}"
            if t.kind == "relationships":
                target = re.fullmatch(r"ref\('([a-z_0-9]+)'\)", args["to"]).group(1)
                expression = f'"{t.column}" IN (SELECT "{args["field"]}" FROM "{target}")'
            else:
                expression = args["expression"]
            use(f"({expression}) AS {name}")
            expectations.append(("ExpectColumnValuesToBeInSet", {"column": name, "value_set": [True]}))
        else:
            raise ValueError(f"{contract.model}: onbekende test {t.kind}")
    columns = ", ".join(c if " AS " in c else f'"{c}"' for c in selected)
    return f'SELECT {columns} FROM "{contract.model}"', expectations


def contracts(sql_dir: Path = SQL_DIR) -> list[tuple[str, Path, Contract | None]]:
    """(layer, sql file, contract) for every model, in layer order."""
    from pipeline.models.runner import discover_models

    return [(m.layer, m.path, m.contract) for m in discover_models(sql_dir).values()]


DOC_HEADER = """# De publicatie (`data/marts/`) en de modellen

Gegenereerd uit de contracten naast de SQL (`sql/<laag>/<model>.yml`) met
`python -m pipeline.models.contracts > docs/data.md`; niet met de hand bewerken (een test vergelijkt).

Geschreven door `pipeline/publish.py`: elke publicatie in een eigen map `publicaties/<id>/`,
daarna `publicatie.json` als commit-punt en de bestanden van het contract op het hoogste niveau.
Elke rij heeft `publicatie_id`; `methode` staat op elke rij van de indexmarts; de publicatie
bewaart ook `methode.json` (de volledige methodeconfiguratie) en `run_info.parquet`,
`controles.parquet`. Het dashboard leest alleen deze bestanden, nooit de DuckDB-database.

De DuckDB-database voor analisten staat **naast** deze map, in `data/warehouse/marts.duckdb` (zij
bevat respondentgegevens en gaat dus niet mee met de publicatie). Zij bevat alle tussenstappen
(`raw_*`, `base_*`, `stg_*`, `int_*`), de methodetabellen (`method_*`), de bestandsgeschiedenis
(`file_history`, `file_revisions`) en `run_state`: na een gestopte run (status `bezig of gestopt`)
kan de database deels nieuwe en deels oude tabellen bevatten; alleen de publicatie is
gegarandeerd één geheel.

Kolommen in **vet** zijn het uitvoercontract van METHOD.md.
"""

LAYER_TITLES = {"marts": "Marts (gepubliceerd)", "intermediate": "Intermediate (alleen in de database)",
                "staging": "Staging (alleen in de database)"}


def _test_text(t: Test) -> str:
    args = ", ".join(f"{k}={v}" for k, v in t.arguments.items())
    return t.name or (f"{t.kind}({args})" if args else t.kind)


def render_docs(sql_dir: Path = SQL_DIR) -> str:
    out = [DOC_HEADER]
    by_layer: dict[str, list] = {}
    for layer, path, contract in contracts(sql_dir):
        by_layer.setdefault(layer, []).append((path, contract))
    for layer in ("marts", "intermediate", "staging"):
        out.append(f"\n## {LAYER_TITLES[layer]}\n")
        for path, contract in sorted(by_layer.get(layer, []), key=lambda pc: pc[0].stem):
            out.append(f"\n### `{path.stem}`\n")
            if contract is None:
                out.append("(geen contract)\n")
                continue
            grain = contract.meta.get("grain")
            out.append(contract.description + (f" Eén rij per {grain}." if grain else "") + "\n")
            if contract.columns:
                typed = any(c.data_type for c in contract.columns)
                out.append("\n| kolom | type | betekenis | tests |\n|---|---|---|---|\n" if typed
                           else "\n| kolom | betekenis | tests |\n|---|---|---|\n")
                for c in contract.columns:
                    tests = ", ".join(_test_text(t) for t in contract.tests if t.column == c.name)
                    name = f"**{c.name}**" if c.in_spec else c.name
                    kind = f" {c.data_type} |" if typed else ""
                    out.append(f"| {name} |{kind} {c.description.replace('|', '/')} | {tests} |\n")
            model_tests = [t for t in contract.tests if t.column is None]
            if model_tests:
                out.append("\nTests op het hele model: " + "; ".join(
                    f"`{_test_text(t)}`" + (f" ({t.arguments['expression']})" if "expression" in t.arguments else "")
                    for t in model_tests) + "\n")
    return "".join(out)


if __name__ == "__main__":
    sys.stdout.write(render_docs())
