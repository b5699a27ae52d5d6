"""The Dagster project: everything loads, every check blocks, the sensor reacts to raw files."""


import dagster as dg

from pipeline.definitions import defs as load_defs
from pipeline.models.runner import discover_models
from tests.conftest import GOLDEN_RAW


defs = load_defs()


def test_definitions_load_with_one_asset_per_sql_model():
    dg.Definitions.validate_loadable(defs)
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert set(discover_models()) <= keys
    assert {"method_config", "publication", "raw_politie", "raw_enquete", "raw_meldingen"} <= keys


# Warnings (INPUTS.md): named in the run and on Datakwaliteit, but they publish.
WARNING_CHECKS = {"absent_police_codes", "meldingen_vocabulary_shift"}


def test_every_check_blocks_the_publication_except_the_warnings():
    assert len(defs.resolve_asset_graph().asset_check_keys) >= 11
    names = set()
    for check_def in defs.asset_checks:
        for spec in check_def.check_specs:
            names.add(spec.name)
            assert spec.blocking is (spec.name not in WARNING_CHECKS), spec.name
    assert WARNING_CHECKS <= names


def test_job_schedule_and_sensors_are_defined():
    assert defs.resolve_job_def("veiligheidsindex_job") is not None
    schedule = defs.resolve_schedule_def("maandelijks")
    assert schedule.cron_schedule == "0 6 2 * *"
    assert defs.resolve_sensor_def("raw_files_sensor") is not None
    assert isinstance(defs.resolve_sensor_def("volg_bronnen"), dg.AutomationConditionSensorDefinition)


def test_calibration_gate_is_a_visible_blocking_check():
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().asset_check_keys}
    assert "int_calibration:calibration_gate" in keys


def test_sql_assets_link_to_their_file():
    graph = defs.resolve_asset_graph()
    node = graph.get(dg.AssetKey("wijk_index"))
    refs = node.metadata["dagster/code_references"].code_references
    assert any(getattr(r, "file_path", "").endswith("sql/marts/wijk_index.sql") for r in refs)


def test_loading_the_definitions_has_no_side_effects(tmp_path, monkeypatch):
    """No folder or file is made when the definitions are loaded (only when a run starts)."""
    marts = tmp_path / "nergens" / "marts"
    monkeypatch.setenv("VI_MARTS_DIR", str(marts))
    monkeypatch.setenv("VI_RAW_DIR", str(tmp_path / "raw"))
    load_defs()
    assert not (tmp_path / "nergens").exists()


def test_method_is_chosen_in_the_run_config(tmp_path):
    """The Dagster UI's Launchpad: `method: v1` in the settings resource's config runs method v1."""
    import polars as pl

    job = defs.resolve_job_def("veiligheidsindex_job")
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
        run_config={"resources": {
            "settings": {"config": {"raw_dir": str(GOLDEN_RAW), "marts_dir": str(tmp_path / "marts"), "method": "v1"}},
            "duckdb": {"config": {"database": str(tmp_path / "warehouse.duckdb")}}},
            "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}})
    assert result.success
    assert pl.read_parquet(tmp_path / "marts" / "wijk_index.parquet")["methode"].unique().to_list() == ["veiligheidsindex-v1"]
    bad = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
        run_config={"resources": {
            "settings": {"config": {"raw_dir": str(GOLDEN_RAW), "marts_dir": str(tmp_path / "m3"), "method": "v3"}},
            "duckdb": {"config": {"database": str(tmp_path / "w3.duckdb")}}},
            "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}})
    assert not bad.success
    failure = next(e for e in bad.all_events if e.event_type_value == "STEP_FAILURE")
    assert "Onbekende methode 'v3'" in failure.step_failure_data.user_failure_data.description


def test_every_model_has_a_contract_and_docs_are_generated_from_them():
    from pipeline import ROOT_DOCS
    from pipeline.models.contracts import render_docs

    missing = [name for name, model in discover_models().items() if model.contract is None]
    assert not missing, f"modellen zonder contract (.yml): {missing}"
    assert (ROOT_DOCS / "data.md").read_text(encoding="utf-8") == render_docs(), \
        "docs/data.md is verouderd: python -m pipeline.models.contracts > docs/data.md"


def test_contract_columns_match_the_built_tables(tmp_path):
    """Every contract names exactly the columns its model builds, in order."""
    from tests.conftest import build_database

    con = build_database(GOLDEN_RAW)
    wrong = {}
    for name, model in discover_models().items():
        built = [r[0] for r in con.execute(f'DESCRIBE "{name}"').fetchall()]
        if built != [c.name for c in model.contract.columns]:
            wrong[name] = built
    assert not wrong, wrong


def test_mart_contracts_are_enforced_with_the_built_types(tmp_path):
    """Each published mart's contract gives every column's type (dbt's enforced contract), equal to
    what DuckDB builds and to what the Parquet gives polars: an older publication's missing mart is
    made from it (pipeline/presentation/publication.py) and must filter like a real one."""
    import polars as pl

    from pipeline.presentation.publication import POLARS_TYPES, _empty_mart
    from tests.conftest import build_database

    con = build_database(GOLDEN_RAW)
    wrong = {}
    for name, model in discover_models().items():
        if model.layer != "marts":
            continue
        built = [(r[0], r[1].lower()) for r in con.execute(f'DESCRIBE "{name}"').fetchall()]
        declared = [(c.name, (c.data_type or "").lower()) for c in model.contract.columns]
        if built != declared:
            wrong[name] = sorted(set(built) - set(declared))
        parquet = tmp_path / f"{name}.parquet"  # published as pipeline/publish/publication.py does
        con.execute(f'COPY (SELECT * FROM "{name}") TO \'{parquet}\' (FORMAT parquet)')
        assert dict(_empty_mart(name).drop("publicatie_id").schema) == dict(pl.read_parquet(parquet).schema), name
    assert not wrong, wrong
    assert set(POLARS_TYPES) >= {t for m in discover_models().values() if m.layer == "marts"
                                 for t in (c.data_type for c in m.contract.columns)}


def test_a_new_source_or_survey_item_is_one_register_entry():
    """The SQL unions and the survey UNPIVOT are generated from the registers."""
    from pipeline.method import survey_items
    from pipeline.ingest.sources import SOURCES

    models = discover_models()
    for source in SOURCES:
        assert f"base_{source.name}" in models["int_quarantine"].deps
        assert f"base_{source.name}" in models["int_file_account"].deps
    unpivot = models["base_enquete_items"].sql
    assert all(column in unpivot for column in survey_items())
    enquete = next(s for s in SOURCES if s.name == "enquete")
    assert set(survey_items()) <= set(enquete.columns)


def test_a_re_read_source_makes_everything_downstream_follow(tmp_path):
    """The eager conditions, evaluated as the automation sensor does: after raw_politie is
    materialised again, its downstream models and the publication are requested; nothing else."""
    from tests.conftest import run_config

    instance = dg.DagsterInstance.ephemeral()
    config = {**run_config(GOLDEN_RAW, tmp_path / "marts"), "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    assert dg.materialize(list(defs.assets), resources=defs.resources, instance=instance, run_config=config).success
    first = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    assert first.total_requested == 0  # everything is up to date
    assert dg.materialize(list(defs.assets), selection=["raw_politie"], resources=defs.resources,
                          instance=instance, run_config=config).success
    after = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=first.cursor)
    keys = defs.resolve_asset_graph().get_all_asset_keys()
    requested = {k.to_user_string() for k in keys if after.get_num_requested(k)}
    assert {"base_politie", "stg_politie", "int_police_counts", "wijk_index", "publication"} <= requested
    assert not requested & {"raw_enquete", "raw_politie", "stg_enquete", "method_config"}
