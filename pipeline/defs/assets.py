"""The pipeline's assets: the method, one raw asset per source, one asset per SQL model, and the
publication. Each asset is one step of pipeline/core.py; the SQL lives in sql/."""

import time

import dagster as dg

from pipeline.alerts.changes import changes_markdown

from pipeline import core
from pipeline.models import runner
from pipeline.defs.resources import PipelineSettings, Warehouse
from pipeline.publish.publication import MART_FILES, PublicationFailed
from pipeline.ingest.readers import RawFileError
from pipeline.ingest.sources import SOURCES, Source


def _failure(exc: Exception) -> dg.Failure:
    return dg.Failure(description=str(exc))


@dg.asset(group_name="method", kinds={"duckdb"},
          description="De parameters van de gekozen methodeversie (pipeline/method_v2.toml, standaard, of "
                      "method_v1.toml; instelling `method` van de resource settings) als tabellen voor de SQL-modellen.")
def method_config(context: dg.AssetExecutionContext, settings: PipelineSettings,
                  duckdb: Warehouse) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        try:
            method = core.start_run(con, settings.run_spec(duckdb.database), context.run.run_id)
        except core.StepFailed as exc:
            raise _failure(exc) from None
    return dg.MaterializeResult(metadata={"methode": method["method"]["label"],
                                          "methode_hash": method["method"]["hash"],
                                          "schatter": method["uncertainty"]["estimator"],
                                          "basisjaar": settings.base_year or method["method"]["base_year"]})


def build_raw_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(name=f"raw_{source.name}", group_name="ingest", kinds={"duckdb", "csv"},
              description=f"Ruwe bestanden van {source.description} ({source.folder}/), als tekst.")
    def _raw(context: dg.AssetExecutionContext, settings: PipelineSettings,
             duckdb: Warehouse) -> dg.MaterializeResult:
        start = time.perf_counter()
        with duckdb.get_connection() as con:
            try:
                rows, infos, files = core.ingest_source(con, settings.raw_path, source)
            except RawFileError as exc:
                raise _failure(exc) from None
        for info in infos:
            unit = "records" if info.line_unit == "record" else "rijen"
            how = ", ".join(x for x in (info.encoding, info.delimiter and f"'{info.delimiter}'", info.status) if x)
            context.log.info(f"{source.folder}/{info.file_name}: gelezen als {info.format or '-'}; "
                             f"{info.rows_read} {unit} ({how})")
        return dg.MaterializeResult(metadata={
            "dagster/row_count": rows, "bestanden": len(infos),
            "formaten": dg.MetadataValue.md("\n".join(f"- `{i.file_name}`: {i.format or '-'}" for i in infos) or "-"),
            "herzien": int(files["revised"].sum() or 0),
            "seconden": round(time.perf_counter() - start, 2)})
    return _raw


RAW_KEYS = {f"raw_{s.name}" for s in SOURCES}


def _dep_keys(model: runner.SqlModel) -> list[str]:
    keys = set()
    for dep in model.deps:
        if dep in ("raw_files", "raw_file_columns"):
            keys |= RAW_KEYS  # every raw asset writes its rows of raw_files
        elif dep.startswith("method_"):
            keys.add("method_config")
        else:
            keys.add(dep)
    return sorted(keys)


def build_sql_asset(model: runner.SqlModel) -> dg.AssetsDefinition:
    # Eager: when a raw source is re-read in the UI, everything downstream follows (the automation
    # sensor in automation.py evaluates the conditions).
    @dg.asset(name=model.name, group_name=model.layer, deps=_dep_keys(model), kinds={"duckdb", "sql"},
              description=f"{model.description}\n\nsql/{model.layer}/{model.path.name}",
              automation_condition=dg.AutomationCondition.eager(),
              metadata={"dagster/code_references": dg.CodeReferencesMetadataValue(code_references=[
                  dg.LocalFileCodeReference(file_path=str(model.path), label=f"sql/{model.layer}/{model.path.name}")])})
    def _model(context: dg.AssetExecutionContext, duckdb: Warehouse) -> dg.MaterializeResult:
        start = time.perf_counter()
        with duckdb.get_connection() as con:
            try:
                rows = core.build_model(con, model)
            except core.StepFailed as exc:
                raise _failure(exc) from None
            schema = _table_schema(con, model)
        return dg.MaterializeResult(metadata={
            "dagster/row_count": rows, "dagster/column_schema": schema,
            "seconden": round(time.perf_counter() - start, 2)})
    return _model


def _table_schema(con, model: runner.SqlModel) -> dg.TableSchema:
    """The built table's columns and types, with their descriptions from the model's contract."""
    described = model.column_descriptions
    return dg.TableSchema(columns=[
        dg.TableColumn(name=name, type=kind, description=described.get(name))
        for name, kind, *_ in con.execute(f'DESCRIBE "{model.name}"').fetchall()])


@dg.asset(group_name="publish", deps=sorted(MART_FILES), kinds={"parquet"},
          automation_condition=dg.AutomationCondition.eager(),
          description="Publiceert de marts als Parquet in de marts-map: eerst tijdelijk, dan atomair vervangen.")
def publication(context: dg.AssetExecutionContext, settings: PipelineSettings,
                duckdb: Warehouse) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        try:
            info = core.publish(con, settings.run_spec(duckdb.database), context.run.run_id)
        except PublicationFailed as exc:
            raise _failure(exc) from None
        changes = changes_markdown(con)
    context.log.info(f"Gepubliceerd naar {settings.marts_path}: publicatie {info['publicatie_id']}")
    context.log.info(f"Bestandswijzigingen sinds de vorige publicatie:\n{changes}")
    return dg.MaterializeResult(metadata={**{k: dg.MetadataValue.text(str(v)) for k, v in info.items()},
                                          "bestandswijzigingen": dg.MetadataValue.md(changes)})


def build_assets() -> list[dg.AssetsDefinition]:
    """Every asset, with links to its Python source (the SQL assets also to their .sql file)."""
    return list(dg.with_source_code_references([
        method_config, *(build_raw_asset(s) for s in SOURCES),
        *(build_sql_asset(m) for m in runner.discover_models().values()), publication]))
