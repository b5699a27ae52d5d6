"""GX checks on tables too large for one pandas frame run in batches (issue 12); a uniqueness rule
still sees every pair of equal keys (batches split by the key's hash)."""

import duckdb

from pipeline.checks import gx


def table(con):
    con.execute("CREATE TABLE t AS SELECT 'k' || i AS k, CASE WHEN i = 500 THEN NULL ELSE i END AS v, "
                "i % 7 AS g FROM range(1000) r(i)")
    con.execute("INSERT INTO t VALUES ('k3', 3, 3)")  # the first key again, at the very end


SUITE = gx.Suite("t", "test", "SELECT k, v, g FROM t", [
    ("ExpectColumnValuesToBeUnique", {"column": "k"}),
    ("ExpectCompoundColumnsToBeUnique", {"column_list": ["k", "g"]}),
    ("ExpectColumnValuesToNotBeNull", {"column": "v"}),
    ("ExpectColumnValuesToBeBetween", {"column": "g", "min_value": 0, "max_value": 6}),
])


def test_batches_find_what_the_whole_frame_finds(monkeypatch):
    con = duckdb.connect()
    table(con)
    whole = gx.validate(con, SUITE)
    monkeypatch.setattr(gx, "BATCH_ROWS", 400)  # three batches (each GX run costs about a second)
    batched = gx.validate(con, SUITE)
    assert whole[0] is batched[0] is False and whole[2] == batched[2] == 1001
    counts = {line.split(":")[0]: line.split(":")[1].split("afwijkende")[0].strip() for line in batched[1]}
    assert counts == {"expect_column_values_to_be_unique op k": "2",
                      "expect_compound_columns_to_be_unique op ['k', 'g']": "2",
                      "expect_column_values_to_not_be_null op v": "1"}, batched[1]
    assert sorted(line.split(",")[0] for line in whole[1]) == sorted(line.split(",")[0] for line in batched[1])
    con.execute("DELETE FROM t WHERE rowid = (SELECT max(rowid) FROM t)")
    con.execute("UPDATE t SET v = 0 WHERE v IS NULL")
    assert gx.validate(con, SUITE)[:2] == (True, [])
