"""A model whose file starts with {{ config(materialized='view') }} is built as a view (dbt's in-file
config; pipeline/models/runner.py); a model that changes kind between runs replaces the other."""

import duckdb
import pytest

from pipeline.models import runner


def model(tmp_path, name, text):
    path = tmp_path / f"{name}.sql"
    path.write_text(text, encoding="utf-8")
    return runner.SqlModel(name, "staging", path, ("t",))


def kind(con, name):
    return con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()


def test_a_view_model_is_a_view_and_follows_its_table(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT range AS i FROM range(10)")
    view = model(tmp_path, "m", "{{ config(materialized='view') }}\nSELECT i FROM t WHERE i % 2 = 0\n")
    assert view.materialized == "view" and "config" not in view.sql
    assert runner.build_model(con, view) == 5
    assert kind(con, "m") == [("VIEW",)]
    con.execute("CREATE OR REPLACE TABLE t AS SELECT range AS i FROM range(20)")  # the table it reads is rebuilt
    assert con.execute("SELECT count(*) FROM m").fetchall() == [(10,)]


def test_a_model_that_changes_kind_replaces_the_other(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT range AS i FROM range(10)")
    table = model(tmp_path, "m", "SELECT i FROM t\n")
    assert table.materialized == "table"
    runner.build_model(con, table)
    assert kind(con, "m") == [("BASE TABLE",)]
    runner.build_model(con, model(tmp_path, "m", "{{ config(materialized='view') }}\nSELECT i FROM t\n"))
    assert kind(con, "m") == [("VIEW",)]
    runner.build_model(con, model(tmp_path, "m", "SELECT i FROM t WHERE i > 4\n"))
    assert kind(con, "m") == [("BASE TABLE",)] and con.execute("SELECT count(*) FROM m").fetchall() == [(5,)]


def test_an_unknown_materialization_is_refused(tmp_path):
    with pytest.raises(ValueError, match="materialisatie"):
        model(tmp_path, "m", "{{ config(materialized='incremental') }}\nSELECT 1\n").materialized


def test_only_the_filters_of_large_tables_are_views():
    views = {m.name for m in runner.discover_models().values() if m.materialized == "view"}
    assert views == {"stg_politie"}
