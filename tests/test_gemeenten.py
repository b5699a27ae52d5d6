"""Many gemeenten in one publication (issue 12): the gemeente of a wijk from its CBS code, the
base-year calibration over the whole publication (default) or per gemeente ([calibration] scope of
the method config), the city index per gemeente (gemeente_index) beside the total (stad_index).

The two-gemeente publication is the golden raw folder (gemeente A, GM0599) plus a copy of every
source under a second gemeente (B, GM0772) with other figures, so that A's scale moves when it is
calibrated together with B."""

import csv
import io
import math
import shutil
from pathlib import Path

import polars as pl
import pytest

import pipeline.method as method_module
from pipeline.method import load_method
from tests.conftest import GOLDEN_RAW, build_database

A, B = "GM0599", "GM0772"
B_NAME = "Gemeente B"
PER_GEMEENTE = "v2-per-gemeente"  # the default method with [calibration] scope = "gemeente"
TOLERANCE = 1e-9


def _as_b(text: str) -> str:
    """Every buurt and CBS-wijk code of gemeente A as one of gemeente B."""
    return text.replace("BU0599", "BU0772").replace("WK0599", "WK0772").replace("GM0599", "GM0772")


def _rows(path: Path, delimiter: str = ",") -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=delimiter)
    header, *rows = list(reader)
    return header, rows


def _write(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",", quote_all: bool = False) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n",
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def make_two_gemeenten(root: Path) -> Path:
    """The golden raw folder plus gemeente B in every source (as extra files beside A's): more
    inhabitants, twice the crime, more meldingen and other survey answers than A."""
    shutil.copytree(GOLDEN_RAW, root)

    header, rows = _rows(GOLDEN_RAW / "areas" / "areas.csv")
    # B names itself (the optional gemeente_naam column); A does not and is named by its code.
    _write(root / "areas" / "areas_b.csv", [*header, "gemeente_naam"],
           [[_as_b(v) for v in r] + [B_NAME] for r in rows])

    header, rows = _rows(GOLDEN_RAW / "bevolking" / "bevolking.csv")
    i = header.index("inwoners")
    _write(root / "bevolking" / "bevolking_b.csv", header,
           [[_as_b(v) for v in r[:i]] + [str(round(int(r[i]) * 1.3))] + r[i + 1:] for r in rows])

    (politie,) = (GOLDEN_RAW / "politie").glob("*.csv")
    header, rows = _rows(politie, ";")
    i = header.index("GeregistreerdeMisdrijven_1")
    _write(root / "politie" / "politie_b.csv", header,
           [[_as_b(v) for v in r[:i]] + [str(2 * int(r[i]) + 1) if r[i].strip().isdigit() else r[i]] + r[i + 1:]
            for r in rows], delimiter=";", quote_all=True)

    (meldingen,) = (GOLDEN_RAW / "meldingen").glob("*.csv")
    header, rows = _rows(meldingen)
    ident = header.index("melding_id")
    b_rows = []
    for n, r in enumerate(rows):
        r = [_as_b(v) for v in r]
        b_rows.append([*r[:ident], "B-" + r[ident], *r[ident + 1:]])
        if n % 2 == 0:  # every other melding twice (with its own id): B has more of them
            b_rows.append([*r[:ident], "B2-" + r[ident], *r[ident + 1:]])
    _write(root / "meldingen" / "meldingen_b.csv", header, b_rows)

    (enquete,) = (GOLDEN_RAW / "enquete").glob("*.csv")
    header, rows = _rows(enquete)
    ident, unsafe, overlast = (header.index(c) for c in ("respondent_id", "voelt_zich_onveilig", "vaak_overlast"))
    b_rows = []
    for n, r in enumerate(rows):
        r = [_as_b(v) for v in r]
        r[ident] = str(10_000_000 + int(r[ident]))
        if n % 3 == 0 and r[unsafe] in ("0", "1"):
            r[unsafe] = "1"
        if n % 4 == 0 and r[overlast] == "2":
            r[overlast] = "1"
        b_rows.append(r)
    _write(root / "enquete" / "enquete_b.csv", header, b_rows)
    return root


@pytest.fixture(scope="module")
def per_gemeente_method(tmp_path_factory):
    """The default method with calibration per gemeente, as a gemeente would write it: a file that
    extends method_v2.toml (beside copies of the shipped files) and changes only that key."""
    folder = tmp_path_factory.mktemp("method")
    for name in ("method_v1.toml", "method_v2.toml"):
        shutil.copy(method_module.METHOD_DIR / name, folder / name)
    path = folder / "method_per_gemeente.toml"
    path.write_text('extends = "method_v2.toml"\n\n[calibration]\nscope = "gemeente"\n', encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(method_module.METHODS, PER_GEMEENTE, str(path))  # absolute: METHOD_DIR / path is path
        load_method.cache_clear()
        yield PER_GEMEENTE
    load_method.cache_clear()


@pytest.fixture(scope="module")
def two_raw(tmp_path_factory) -> Path:
    return make_two_gemeenten(tmp_path_factory.mktemp("gemeenten") / "raw")


def _marts(con, names=("wijk_index", "thema_scores", "indicator_scores", "stad_index", "gemeente_index",
                       "calibratie", "wijken")) -> dict[str, pl.DataFrame]:
    return {name: con.sql(f'SELECT * FROM "{name}"').pl() for name in names}


@pytest.fixture(scope="module")
def runs(two_raw, per_gemeente_method) -> dict[tuple[str, str], dict[str, pl.DataFrame]]:
    """(raw folder, calibration scope) -> marts: A alone and A + B, over the publication and per gemeente."""
    out = {}
    for raw_name, raw in (("A", GOLDEN_RAW), ("AB", two_raw)):
        for scope, method in (("publication", None), ("gemeente", per_gemeente_method)):
            con = build_database(raw, method=method)
            out[raw_name, scope] = _marts(con)
            con.close()
    return out


def _assert_frames_equal(expected: pl.DataFrame, got: pl.DataFrame, keys: list[str], what: str) -> None:
    """Same keys, same values: numbers to TOLERANCE, everything else exactly."""
    assert expected.columns == got.columns, what
    assert expected.height == got.height and expected.height > 0, what
    joined = expected.join(got, on=keys, how="full", suffix="__got", coalesce=True, nulls_equal=True)
    assert joined.height == expected.height, f"{what}: andere sleutels"
    problems = []
    for column in (c for c in expected.columns if c not in keys):
        numeric = expected[column].dtype.is_float()
        for row in joined.select(*keys, column, column + "__got").iter_rows():
            exp, val = row[-2], row[-1]
            same = (exp is None and val is None) if exp is None or val is None else (
                math.isclose(exp, val, rel_tol=0, abs_tol=TOLERANCE) if numeric else exp == val)
            if not same:
                problems.append(f"{row[:len(keys)]} {column}: verwacht {exp}, kreeg {val}")
    assert not problems, f"{what}: {len(problems)} afwijkingen, bv.\n" + "\n".join(problems[:10])


def _of_a(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("wijk_code").str.starts_with("BU0599"))


def test_the_two_gemeenten_publication_has_both_and_names_them(runs):
    wijken = runs["AB", "publication"]["wijken"]
    assert wijken.group_by("gemeente_code").len().sort("gemeente_code").rows() == [(A, 8), (B, 8)]
    names = dict(wijken.select("gemeente_code", "gemeente_naam").unique().rows())
    assert names == {A: A, B: B_NAME}  # A has no gemeente_naam in areas/: its code
    gemeenten = runs["AB", "publication"]["gemeente_index"]
    assert sorted(gemeenten["gemeente_code"].unique()) == [A, B]
    assert set(gemeenten.select("gemeente_code", "gemeente_naam").unique().rows()) == {(A, A), (B, B_NAME)}
    # Both gemeenten publish in every year, and B is not a copy of A.
    assert gemeenten.group_by("gemeente_code").len()["len"].to_list() == [4, 4]
    a, b = (gemeenten.filter(pl.col("gemeente_code") == g).sort("jaar")["index"] for g in (A, B))
    assert (a - b).abs().min() > 0.01


def test_per_gemeente_calibration_gives_each_gemeente_its_results_alone(runs):
    """(1) Per gemeente, gemeente A in the two-gemeente publication is exactly A published alone;
    calibrated over the publication it is not (B moves A's scale)."""
    alone, together = runs["A", "gemeente"], runs["AB", "gemeente"]
    keys = {"wijk_index": ["wijk_code", "jaar"], "thema_scores": ["wijk_code", "jaar", "thema"],
            "indicator_scores": ["wijk_code", "jaar", "indicator"]}
    for mart, key in keys.items():
        assert together[mart].filter(pl.col("wijk_code").str.starts_with("BU0772")).height > 0, mart
        _assert_frames_equal(alone[mart], _of_a(together[mart]), key, mart)
    city_a = together["gemeente_index"].filter(pl.col("gemeente_code") == A).drop("gemeente_code", "gemeente_naam")
    _assert_frames_equal(alone["stad_index"], city_a, ["jaar"], "gemeente_index A")
    calibration_a = together["calibratie"].filter(pl.col("gemeente_code") == A).drop("gemeente_code", "gemeente_naam")
    _assert_frames_equal(alone["calibratie"].drop("gemeente_code", "gemeente_naam"), calibration_a, ["indicator"],
                         "calibratie A")
    # One calibration per gemeente, and B's differs from A's.
    assert together["calibratie"].group_by("gemeente_code").len().sort("gemeente_code").rows() == [(A, 20), (B, 20)]
    mu = together["calibratie"].pivot(on="gemeente_code", index="indicator", values="mu")
    assert (mu[A] - mu[B]).abs().max() > 0.1

    # Over the publication the scale is shared: A's scores are not those of A alone.
    national = _of_a(runs["AB", "publication"]["wijk_index"]).join(
        alone["wijk_index"], on=["wijk_code", "jaar"], suffix="_alone").drop_nulls("index")
    assert national.height > 0 and (national["index"] - national["index_alone"]).abs().max() > 0.05
    assert runs["AB", "publication"]["calibratie"]["gemeente_code"].null_count() == 20
    assert runs["AB", "publication"]["calibratie"].height == 20


def test_with_one_gemeente_both_calibrations_are_the_same(runs):
    publication, per_gemeente = runs["A", "publication"], runs["A", "gemeente"]
    keys = {"wijk_index": ["wijk_code", "jaar"], "thema_scores": ["wijk_code", "jaar", "thema"],
            "indicator_scores": ["wijk_code", "jaar", "indicator"], "stad_index": ["jaar"],
            "gemeente_index": ["gemeente_code", "jaar"]}
    for mart, key in keys.items():
        _assert_frames_equal(publication[mart], per_gemeente[mart], key, mart)
    columns = ["indicator", "basisjaar", "mu", "sigma", "n"]
    _assert_frames_equal(publication["calibratie"].select(columns), per_gemeente["calibratie"].select(columns),
                         ["indicator"], "calibratie")


@pytest.mark.parametrize("scope", ["publication", "gemeente"])
def test_gemeente_index_of_one_gemeente_is_the_city_index(runs, scope):
    """(2) A publication of one gemeente: its gemeente_index is stad_index, column for column."""
    marts = runs["A", scope]
    gemeente = marts["gemeente_index"]
    assert gemeente.select("gemeente_code", "gemeente_naam").unique().rows() == [(A, A)]
    _assert_frames_equal(marts["stad_index"], gemeente.drop("gemeente_code", "gemeente_naam"), ["jaar"],
                         "gemeente_index = stad_index")


@pytest.mark.parametrize("scope", ["publication", "gemeente"])
def test_city_index_of_two_gemeenten_is_the_total(runs, scope):
    """(3) stad_index is the total over both gemeenten: the population-weighted mean over all
    published wijken, and the same as pooling the gemeente rows."""
    marts = runs["AB", scope]
    published = marts["wijk_index"].drop_nulls("index")
    total = (published.group_by("jaar").agg(
        index=(pl.col("inwoners") * pl.col("index")).sum() / pl.col("inwoners").sum(),
        se=(pl.col("inwoners").pow(2) * pl.col("se").pow(2)).sum().sqrt() / pl.col("inwoners").sum(),
        wijken=pl.len().cast(pl.Int64), inwoners=pl.col("inwoners").sum().cast(pl.Int64)).sort("jaar"))
    city = marts["stad_index"].sort("jaar")
    assert city["jaar"].to_list() == total["jaar"].to_list() == [2019, 2020, 2021, 2022]
    _assert_frames_equal(total, city.select(total.columns), ["jaar"], "stad_index = totaal van de wijken")
    assert (published.group_by("jaar").agg(pl.col("wijk_code").str.slice(0, 6).n_unique())["wijk_code"] == 2).all()

    pooled = marts["gemeente_index"].group_by("jaar").agg(
        index=(pl.col("inwoners") * pl.col("index")).sum() / pl.col("inwoners").sum(),
        se=(pl.col("inwoners").pow(2) * pl.col("se").pow(2)).sum().sqrt() / pl.col("inwoners").sum(),
        wijken=pl.col("wijken").sum(), inwoners=pl.col("inwoners").sum()).sort("jaar")
    _assert_frames_equal(pooled, city.select(pooled.columns), ["jaar"], "stad_index = gemeenten samen")
    # The change is the total's own, from the total of the year before.
    assert city["verschil"].to_list()[1:] == pytest.approx((city["index"] - city["index"].shift(1)).to_list()[1:],
                                                           abs=TOLERANCE)


def test_the_method_hash_differs_between_the_two_settings(per_gemeente_method):
    """(4) The setting is part of the method: another scope, another hash (and methode.json says which)."""
    default, per_gemeente = load_method("v2"), load_method(per_gemeente_method)
    assert default["calibration"]["scope"] == "publication"
    assert load_method("v1")["calibration"]["scope"] == "publication"
    assert per_gemeente["calibration"]["scope"] == "gemeente"
    assert default["method"]["hash"] != per_gemeente["method"]["hash"]
    # Only the setting differs: written back as "publication", the hash is the default's again.
    same = {**per_gemeente, "calibration": {"scope": "publication"}}
    assert method_module.config_hash(same) == default["method"]["hash"]


def test_an_unknown_calibration_scope_is_refused():
    config = {**load_method("v2"), "calibration": {"scope": "provincie"}}
    with pytest.raises(method_module.MethodError, match="onbekende kalibratie 'provincie'"):
        method_module.method_tables(config)


def test_per_gemeente_a_gemeente_too_small_to_calibrate_stops_the_run_naming_it(tmp_path, per_gemeente_method):
    """Over the publication B's two wijken are calibrated with A's; per gemeente they are too few
    (fewer than 3 values), and the calibration gate stops the run naming the gemeente."""
    from pipeline.core import StepFailed

    raw = make_two_gemeenten(tmp_path / "raw")
    areas = raw / "areas" / "areas_b.csv"
    header, *rows = areas.read_text(encoding="utf-8").splitlines()
    areas.write_text("\n".join([header, *rows[:2]]) + "\n", encoding="utf-8")
    build_database(raw).close()  # one scale: B's wijken count among all of them
    with pytest.raises(StepFailed, match=f"in gemeente {B}: 2 waarde"):
        build_database(raw, method=per_gemeente_method)
