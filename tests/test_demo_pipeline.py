"""The main job's pipeline part on the built-in demo data (issue 2's acceptance criterion)."""

import polars as pl


def test_demo_publishes_at_least_60_wijken_in_at_least_8_years_with_every_category(demo_run):
    index = demo_run.mart("wijk_index")
    published = index.filter(pl.col("index").is_not_null())
    per_year = published.group_by("jaar").agg(pl.col("wijk_code").n_unique().alias("wijken"))
    assert per_year.filter(pl.col("wijken") >= 60).height >= 8
    assert set(published["categorie"]) == {"onveilig", "probleemwijk", "bedreigd", "aandachtswijk", "veilig"}


def test_demo_tells_its_story(demo_run):
    stad = demo_run.mart("stad_index").sort("jaar")
    assert stad["index"][-1] > stad["index"][0]  # most wijken improve
    changes = demo_run.mart("wijk_index").group_by("wijk_code").agg(
        (pl.col("index").drop_nulls().last() - pl.col("index").drop_nulls().first()).alias("delta")).drop_nulls()
    assert (changes["delta"] > 0).sum() > (changes["delta"] < 0).sum() > 0  # ... and a few slip
    # The demo shows a quarantine, and every row is accounted for.
    assert demo_run.mart("quarantaine").height > 0
    assert demo_run.mart("bestanden")["sluitend"].all()
    # Measurable prestaties: most linked indicators move toward the target.
    prestaties = demo_run.mart("prestaties").filter(pl.col("op_koers").is_not_null())
    assert prestaties.height >= 10 and prestaties["op_koers"].mean() > 0.5


def test_demo_reasons_are_explained(demo_run):
    reasons = set(demo_run.mart("wijk_index")["reden"].drop_nulls())
    assert "population_below_minimum" in reasons
