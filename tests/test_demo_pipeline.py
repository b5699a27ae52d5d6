"""The main job's pipeline part on the built-in demo data (issue 2's acceptance criterion)."""

import polars as pl
import pytest


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


# --- The police file as CBS hands it out: the same figures in each of its three forms ---------------
# (issue 9: demo-data --politie-format; INPUTS.md "Real exports as downloaded"). Every mart that does
# not describe the files themselves is the same as the canonical run's; floats within 1e-9
# (DuckDB sums in parallel, so the last bits may differ between any two runs).
FILE_MARTS = {"bestanden", "quarantaine", "bronnen", "politie_maand", "run_info", "controles", "bestandswijzigingen"}
RUN_COLUMNS = ["publicatie_id"]  # which run, not what it found


def _same(left: pl.DataFrame, right: pl.DataFrame, name: str) -> None:
    from polars.testing import assert_frame_equal

    left, right = left.drop(RUN_COLUMNS, strict=False), right.drop(RUN_COLUMNS, strict=False)
    keys = [c for c, t in left.schema.items() if not t.is_float()]
    assert_frame_equal(left.sort(keys, nulls_last=True), right.sort(keys, nulls_last=True),
                       check_exact=False, rel_tol=0, abs_tol=1e-9), name


@pytest.mark.parametrize("form", ["statline", "odata-json"])
def test_each_police_form_publishes_the_same_numbers_as_the_canonical_one(demo_run, tmp_path, form):
    from pipeline.demo.generator import generate
    from pipeline.publish.publication import published_files
    from tests.conftest import materialize

    generate(tmp_path / "raw", politie_format=form)
    files = sorted(p.name for p in (tmp_path / "raw" / "politie").iterdir())
    assert files and all(p.endswith(".json" if form == "odata-json" else ".csv") for p in files)
    run = materialize(tmp_path / "raw", tmp_path / "marts")
    assert run.success, run.failure_messages()
    formats = run.mart("bestanden").filter(pl.col("bron") == "politie")["formaat"].to_list()
    assert all(("StatLine" in f) if form == "statline" else ("JSON v" in f) for f in formats), formats
    for name in (n.removesuffix(".parquet") for n in published_files()):
        if name in FILE_MARTS:
            continue
        _same(demo_run.mart(name), run.mart(name), name)
    # Monthly police figures too (the StatLine form leaves out the CBS-wijk rows named like a buurt,
    # which are roll-ups no wijk figure uses) and the reasons of the quarantine.
    buurt = pl.col("wijk_code").str.starts_with("BU")
    _same(demo_run.mart("politie_maand").filter(buurt), run.mart("politie_maand").filter(buurt), "politie_maand")
    reasons = [m.mart("quarantaine").group_by("bron", "reden").len().sort("bron", "reden") for m in (demo_run, run)]
    assert reasons[0].equals(reasons[1])
