"""A large table is checked on its distinct values (pipeline/checks/gx.py): every row still counts.
One bad row among many identical good ones is found, and the reported counts are rows, not values."""

import duckdb

from pipeline.checks import gx


def suite(query):
    return gx.Suite("t", "test", query, [
        ("ExpectColumnValuesToNotBeNull", {"column": "v"}),
        ("ExpectColumnValuesToBeBetween", {"column": "v", "min_value": 0, "max_value": 6}),
        ("ExpectColumnValuesToBeInSet", {"column": "s", "value_set": ["a", "b"]}),
        ("ExpectColumnValuesToMatchRegex", {"column": "s", "regex": "^[a-z]$"}),
        ("ExpectColumnValuesToBeInSet", {"column": "ok", "value_set": [True]}),
        ("ExpectColumnValuesToBeUnique", {"column": "k"}),
        ("ExpectCompoundColumnsToBeUnique", {"column_list": ["g", "h"]}),
    ])


QUERY = "SELECT k, v, s, g, h, (v IS NULL OR v >= 0) AS ok FROM t"


def table(con):
    con.execute("CREATE TABLE t AS SELECT 'k' || i AS k, i % 7 AS v, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS s, "
                "i AS g, i % 3 AS h FROM range(5000) r(i)")


def counts(failures):
    return {line.split(":")[0]: line.split(":")[1].split("afwijkende")[0].strip() for line in failures}


def test_a_clean_large_table_passes(monkeypatch):
    con = duckdb.connect()
    table(con)
    monkeypatch.setattr(gx, "BATCH_ROWS", 100)
    assert gx.validate(con, suite(QUERY)) == (True, [], 5000)


def test_every_bad_row_is_found_and_counted_as_rows(monkeypatch):
    con = duckdb.connect()
    table(con)
    con.execute("UPDATE t SET v = NULL WHERE g IN (10, 11, 12)")  # three rows, one distinct value
    con.execute("UPDATE t SET v = -1 WHERE g = 4000")  # a single row: out of range and the check column
    con.execute("UPDATE t SET s = 'c' WHERE g IN (7, 9)")  # two rows outside the set
    con.execute("UPDATE t SET s = 'XY' WHERE g = 8")  # outside the set and the pattern
    con.execute("INSERT INTO t VALUES ('k4999', 1, 'a', 1, 1)")  # k again; (g, h) = (1, 1) again
    con.execute("INSERT INTO t VALUES ('k5001', 1, 'a', NULL, NULL), ('k5002', 1, 'a', NULL, NULL)")
    whole = gx.validate(con, suite(QUERY))  # the small-table path: every row as a pandas frame
    monkeypatch.setattr(gx, "BATCH_ROWS", 100)
    distinct = gx.validate(con, suite(QUERY))
    assert whole[0] is distinct[0] is False and whole[2] == distinct[2] == 5003
    assert counts(distinct[1]) == counts(whole[1]) == {
        "expect_column_values_to_not_be_null op v": "3",
        "expect_column_values_to_be_between op v": "1",
        "expect_column_values_to_be_in_set op s": "3",
        "expect_column_values_to_match_regex op s": "1",
        "expect_column_values_to_be_in_set op ok": "1",
        "expect_column_values_to_be_unique op k": "2",
        "expect_compound_columns_to_be_unique op ['g', 'h']": "2",
    }, (whole[1], distinct[1])
