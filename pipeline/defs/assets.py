"""The pipeline's assets: method config, one raw asset per source, one asset per SQL model,
and the publication of the marts. Each is one clear step; the SQL lives in sql/."""


import time

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline import sql_models
from pipeline.ingest import read_source, record_published_files, write_source
from pipeline.method import MethodError, method_tables
from pipeline.publish import MART_FILES, publish_marts
from pipeline.readers import RawFileError
from pipeline.sources import SOURCES, Source
from pipeline.defs.resources import PipelineSettings


@dg.asset(group_name="method", kinds={"duckdb"},
          description="De parameters van de gekozen methodeversie (pipeline/method_v2.toml, standaard, of "
                      "method_v1.toml; instelling `method` van de resource settings) als tabellen voor de SQL-modellen.")
def method_config(context: dg.AssetExecutionContext, settings: PipelineSettings,
                  duckdb: DuckDBResource) -> dg.MaterializeResult:
    try:
        method = settings.method_config()
    except MethodError as exc:
        raise dg.Failure(description=str(exc)) from None
    with duckdb.get_connection() as con:
        # The warehouse tables are rebuilt step by step; run_state tells analysts whether what they
        # see belongs to a completed publication or to a run that is busy or stopped.
        con.execute("CREATE TABLE IF NOT EXISTS run_state (run_id VARCHAR, raw_dir VARCHAR, "
                    "started_at TIMESTAMP, status VARCHAR, publicatie_id VARCHAR)")
        con.execute("INSERT INTO run_state VALUES (?, ?, now()::TIMESTAMP, 'bezig of gestopt', NULL)",
                    [context.run.run_id, str(settings.raw_path)])
        for name, frame in method_tables(method, settings.base_year).items():
            con.register("incoming", frame)
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM incoming")
            con.unregister("incoming")
    return dg.MaterializeResult(metadata={"methode": method["method"]["label"],
                                          "methode_hash": method["method"]["hash"],
                                          "schatter": method["uncertainty"]["estimator"],
                                          "basisjaar": settings.base_year or method["method"]["base_year"]})


def build_raw_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(name=f"raw_{source.name}", group_name="ingest", kinds={"duckdb", "csv"},
              description=f"Ruwe bestanden van {source.description} ({source.folder}/), als tekst.")
    def _raw(context: dg.AssetExecutionContext, settings: PipelineSettings,
             duckdb: DuckDBResource) -> dg.MaterializeResult:
        start = time.perf_counter()
        try:
            frame, infos = read_source(settings.raw_path, source)
        except RawFileError as exc:
            raise dg.Failure(description=str(exc)) from None
        with duckdb.get_connection() as con:
            files = write_source(con, settings.raw_path, source, frame, infos)
        for info in infos:
            context.log.info(f"{source.folder}/{info.file_name}: {info.rows_read} rijen gelezen "
                             f"({info.encoding}, '{info.delimiter}', {info.status})")
        return dg.MaterializeResult(metadata={
            "bestanden": len(infos), "rijen": frame.height,
            "herzien": int(files["revised"].sum() or 0),
            "seconden": round(time.perf_counter() - start, 2)})
    return _raw


raw_assets = [build_raw_asset(s) for s in SOURCES]
RAW_KEYS = {f"raw_{s.name}" for s in SOURCES}


def _dep_keys(model: sql_models.SqlModel) -> list[str]:
    keys = set()
    for dep in model.deps:
        if dep == "raw_files":
            keys |= RAW_KEYS  # every raw asset writes its rows of raw_files
        elif dep.startswith("method_"):
            keys.add("method_config")
        else:
            keys.add(dep)
    return sorted(keys)


def build_sql_asset(model: sql_models.SqlModel) -> dg.AssetsDefinition:
    first_line = model.sql.splitlines()[0].lstrip("- ").strip()

    # Eager: when a raw source is re-read in the UI, everything downstream follows by itself.
    @dg.asset(name=model.name, group_name=model.layer, deps=_dep_keys(model), kinds={"duckdb", "sql"},
              description=f"{first_line}\n\nsql/{model.layer}/{model.path.name}",
              automation_condition=dg.AutomationCondition.eager())
    def _model(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
        start = time.perf_counter()
        with duckdb.get_connection() as con:
            rows = sql_models.build_model(con, model)
            if model.name == "int_calibration":
                check_calibration(con)
        return dg.MaterializeResult(metadata={"rijen": rows, "seconden": round(time.perf_counter() - start, 2)})
    return _model


def check_calibration(con) -> None:
    """METHOD.md: fewer than 3 values or sigma = 0 is a calibration error that stops the run."""
    base = con.execute("SELECT basisjaar, is_fixed FROM int_base_year").fetchall()[0]
    if base[0] is None:
        raise dg.Failure(description=(
            "Kalibratie onmogelijk: er is geen jaar waarin politie, meldingen, enquête en bevolking "
            "alle gegevens hebben en het politiejaar compleet is. Kies een basisjaar met --base-year."))
    minimum = con.execute("SELECT min_calibration_values FROM method_params").fetchall()[0][0]
    bad = con.execute(
        "SELECT indicator, n, sigma FROM int_calibration WHERE n < ? OR sigma IS NULL OR sigma = 0 "
        "ORDER BY indicator", [minimum]).fetchall()
    if bad:
        details = "; ".join(f"{ind}: {n} waarde(n), sigma {'-' if s is None else f'{s:.4g}'}" for ind, n, s in bad)
        raise dg.Failure(description=(
            f"Kalibratiefout in basisjaar {base[0]}: te weinig waarden (minimaal {minimum}) of geen "
            f"spreiding voor indicator {details}. De run stopt; kies een ander basisjaar of controleer de bronnen."))


sql_assets = [build_sql_asset(m) for m in sql_models.discover_models().values()]


@dg.asset(group_name="publish", deps=sorted(MART_FILES), kinds={"parquet"},
          automation_condition=dg.AutomationCondition.eager(),
          description="Publiceert de marts als Parquet in de marts-map: eerst tijdelijk, dan atomair vervangen.")
def publication(context: dg.AssetExecutionContext, settings: PipelineSettings,
                duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        info = publish_marts(con, settings, run_id=context.run.run_id)
        record_published_files(con, settings.raw_path)
        con.execute("UPDATE run_state SET status = 'gepubliceerd', publicatie_id = ? WHERE run_id = ?",
                    [info["publicatie_id"], context.run.run_id])
    context.log.info(f"Gepubliceerd naar {settings.marts_path}: publicatie {info['publicatie_id']}")
    return dg.MaterializeResult(metadata={k: dg.MetadataValue.text(str(v)) for k, v in info.items()})


all_assets = [method_config, *raw_assets, *sql_assets, publication]
