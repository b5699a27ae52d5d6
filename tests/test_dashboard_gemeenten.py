"""The dashboard on a publication of two gemeenten (issue 12): the golden raw data plus a copy under a
second gemeente (tests/test_gemeenten.make_two_gemeenten), run through the real pipeline. The gemeente
choice appears only with more than one gemeente; a chosen gemeente shows its gemeente_index and only its
wijken; "Alle gemeenten" shows stad_index; the choice lives in the URL (?gemeente=GM…) and a bad value
is ignored. A one-gemeente publication has no choice at all."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.test_dashboard_apptest import dutch, golden_marts_dir, metric, start, texts
from tests.test_gemeenten import B_NAME, A, B, make_two_gemeenten

GEMEENTE_SELECT = "gemeente_select"


@pytest.fixture(scope="session")
def golden_marts(tmp_path_factory) -> Path:
    return golden_marts_dir(tmp_path_factory)  # the one-gemeente publication, shared with the other tests


@pytest.fixture(scope="module")
def two_marts(tmp_path_factory) -> Path:
    from pipeline.cli import run_pipeline
    root = tmp_path_factory.mktemp("twee_gemeenten")
    marts = root / "marts"
    run_pipeline(make_two_gemeenten(root / "raw"), marts, quiet=True)
    return marts


def _mart(marts: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(marts / f"{name}.parquet")


def _latest(marts: Path) -> int:
    return int(_mart(marts, "stad_index")["jaar"].max())


def _gemeente_row(marts: Path, code: str, jaar: int) -> dict:
    return _mart(marts, "gemeente_index").filter((pl.col("gemeente_code") == code) & (pl.col("jaar") == jaar)).row(
        0, named=True)


def _codes_of(marts: Path, code: str) -> set[str]:
    return set(_mart(marts, "wijken").filter(pl.col("gemeente_code") == code)["wijk_code"].to_list())


def _ranking(at) -> pl.DataFrame:
    """The ranking on Stad: its tab opened (only the open tab runs), read, and closed again."""
    at.session_state["weergave"] = "Rangorde"
    at.run()
    table = next(df.value for df in at.dataframe if "Rang" in getattr(df.value, "columns", []))
    table = table.data if hasattr(table, "data") else table  # a pandas Styler
    at.session_state["weergave"] = "Overzicht"
    at.run()
    return pl.from_pandas(table)


def _expected_ranking(marts: Path, code: str | None, jaar: int) -> set[tuple[str, str]]:
    """(wijk name, index as displayed) of the wijken of one gemeente (None: all) in one year."""
    wijken = _mart(marts, "wijken")
    if code is not None:
        wijken = wijken.filter(pl.col("gemeente_code") == code)
    wi = _mart(marts, "wijk_index").filter(pl.col("jaar") == jaar)
    rows = wijken.select("wijk_code", "wijk_naam").join(wi, on="wijk_code", how="left")
    return {(r["wijk_naam"], dutch(r["index"]) if r["index"] is not None else "") for r in rows.iter_rows(named=True)}


def _choose(at, code: str):
    at.selectbox(key=GEMEENTE_SELECT).select(code).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _url(at, name: str):
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) and value else value


# --------------------------------------------------------------------------------------------------


def test_the_publication_has_two_named_gemeenten(two_marts):
    """The premise of the tests below: two gemeenten whose figures differ from each other and the total."""
    wijken = _mart(two_marts, "wijken")
    assert set(wijken["gemeente_code"].to_list()) == {A, B}
    jaar = _latest(two_marts)
    a, b = _gemeente_row(two_marts, A, jaar), _gemeente_row(two_marts, B, jaar)
    total = _mart(two_marts, "stad_index").filter(pl.col("jaar") == jaar).row(0, named=True)
    assert len({dutch(a["index"]), dutch(b["index"]), dutch(total["index"])}) == 3
    assert _expected_ranking(two_marts, A, jaar) != _expected_ranking(two_marts, B, jaar)


@pytest.mark.parametrize("page", ["views/stad.py", "views/wijk.py", "views/prestaties.py"])
def test_no_gemeente_choice_with_one_gemeente(golden_marts, monkeypatch, page):
    at = start(golden_marts, monkeypatch, {"gemeente": B})  # a parameter that means nothing here
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert GEMEENTE_SELECT not in [s.key for s in at.selectbox]
    assert not [s for s in at.selectbox if s.label == "Gemeente"]
    assert not [w.value for w in at.warning if "gemeente" in w.value.lower()]


def test_choice_lists_all_gemeenten_then_each_by_name(two_marts, monkeypatch):
    at = start(two_marts, monkeypatch)
    for page in ("views/stad.py", "views/wijk.py", "views/prestaties.py"):
        at.switch_page(page).run()
        choice = at.selectbox(key=GEMEENTE_SELECT)
        names = dict(_mart(two_marts, "wijken").select("gemeente_code", "gemeente_naam").unique().iter_rows())
        shown = {code: name or code for code, name in names.items()}  # A names none: its code stands in
        assert choice.options == ["Alle gemeenten", *sorted(shown.values())], page
        assert choice.value == "alle"
    assert B_NAME in at.selectbox(key=GEMEENTE_SELECT).options


def test_alle_gemeenten_shows_the_total_and_a_table_of_gemeenten(two_marts, monkeypatch):
    at = start(two_marts, monkeypatch)
    jaar = _latest(two_marts)
    total = _mart(two_marts, "stad_index").filter(pl.col("jaar") == jaar).row(0, named=True)
    assert at.title[0].value == "Veiligheid in alle gemeenten"
    assert metric(at, f"Index alle gemeenten {jaar}").value == dutch(total["index"])
    assert metric(at, "95%-interval").value == f"{dutch(total['ci_laag'])} – {dutch(total['ci_hoog'])}"
    all_wijken = _mart(two_marts, "wijk_index").filter(pl.col("jaar") == jaar)
    published = all_wijken.filter(pl.col("index").is_not_null()).height
    assert metric(at, "Wijken met een index").value == f"{published} van {all_wijken.height}"
    assert _url(at, "gemeente") is None  # the default leaves the link clean
    # instead of one map of every wijk: the gemeenten with their gemeente_index
    table = next(df.value for df in at.dataframe if "Gemeente" in getattr(df.value, "columns", [])
                 and "Rang" not in getattr(df.value, "columns", []))
    table = pl.from_pandas(table.data if hasattr(table, "data") else table)
    shown = dict(zip(table["Gemeente"], table["Index"]))
    assert shown == {"GM0599": dutch(_gemeente_row(two_marts, A, jaar)["index"]),
                     B_NAME: dutch(_gemeente_row(two_marts, B, jaar)["index"])}
    assert not [h for h in at.subheader if h.value.startswith("Kaart")]
    ranking = _ranking(at)
    assert ranking.height == all_wijken.height  # every wijk of both gemeenten, each with its gemeente
    assert set(ranking["Gemeente"].to_list()) == {"GM0599", B_NAME}
    assert set(zip(ranking["Wijk"], ranking["Index"])) == _expected_ranking(two_marts, None, jaar)


def test_choosing_a_gemeente_shows_its_gemeente_index_and_only_its_wijken(two_marts, monkeypatch):
    at = _choose(start(two_marts, monkeypatch), B)
    jaar = _latest(two_marts)
    row = _gemeente_row(two_marts, B, jaar)
    assert at.title[0].value == f"Veiligheid in {B_NAME}"
    assert metric(at, f"Stadsindex {jaar}").value == dutch(row["index"])
    assert metric(at, "95%-interval").value == f"{dutch(row['ci_laag'])} – {dutch(row['ci_hoog'])}"
    judgement = ("aantoonbaar" if row["verschil_significant"] else
                 f"niet aantoonbaar veranderd t.o.v. {jaar - 1} ({dutch(row['verschil'])}; "
                 f"pas vanaf ±{dutch(row['detecteerbaar_verschil'])} aantoonbaar)")
    assert judgement in texts(at)
    wijken_b = _mart(two_marts, "wijk_index").filter((pl.col("jaar") == jaar)
                                                     & pl.col("wijk_code").is_in(list(_codes_of(two_marts, B))))
    assert metric(at, "Wijken met een index").value == \
        f"{wijken_b.filter(pl.col('index').is_not_null()).height} van {wijken_b.height}"
    assert _url(at, "gemeente") == B
    ranking = _ranking(at)
    assert ranking.height == len(_codes_of(two_marts, B))
    assert set(zip(ranking["Wijk"], ranking["Index"])) == _expected_ranking(two_marts, B, jaar)
    assert ranking["Rang"].to_list()[0] == "1"  # ranked within the gemeente
    assert [h for h in at.subheader if h.value == f"Kaart {jaar}"]  # its own map

    # the Wijk page lists only B's wijken, and shows one of them
    at.switch_page("views/wijk.py").run()
    assert not at.exception, [e.value for e in at.exception]
    choice = at.selectbox(key="wijk_select")
    assert len(choice.options) == len(_codes_of(two_marts, B))
    assert choice.value in _codes_of(two_marts, B)
    assert _url(at, "wijk") in _codes_of(two_marts, B)

    # the Prestaties page: only the agreements for the gemeente's wijken and gebieden (B's raw data has none)
    at.switch_page("views/prestaties.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert metric(at, "Afspraken").value == "0"
    _choose(at, A)
    prestaties = _mart(two_marts, "prestaties")
    gebieden = set(_mart(two_marts, "wijken").filter(pl.col("gemeente_code") == A)["gebied_code"].to_list())
    mine = prestaties.filter(((pl.col("niveau") == "wijk") & pl.col("wijk_code").is_in(list(_codes_of(two_marts, A))))
                             | ((pl.col("niveau") == "gebied") & pl.col("wijk_code").is_in(list(gebieden))))
    assert mine.height > 0
    assert metric(at, "Afspraken").value == str(mine.height)
    _choose(at, "alle")
    assert metric(at, "Afspraken").value == str(prestaties.height)


def test_back_to_alle_gemeenten_shows_the_total_again(two_marts, monkeypatch):
    at = _choose(start(two_marts, monkeypatch, {"gemeente": A}), "alle")
    jaar = _latest(two_marts)
    total = _mart(two_marts, "stad_index").filter(pl.col("jaar") == jaar).row(0, named=True)
    assert metric(at, f"Index alle gemeenten {jaar}").value == dutch(total["index"])
    assert _url(at, "gemeente") is None
    at.switch_page("views/wijk.py").run()
    assert len(at.selectbox(key="wijk_select").options) == _mart(two_marts, "wijken").height


def test_gemeente_in_the_url_is_chosen_and_a_bad_one_ignored(two_marts, monkeypatch):
    jaar = _latest(two_marts)
    at = start(two_marts, monkeypatch, {"gemeente": A})
    assert at.selectbox(key=GEMEENTE_SELECT).value == A
    assert metric(at, f"Stadsindex {jaar}").value == dutch(_gemeente_row(two_marts, A, jaar)["index"])
    assert set(zip(_ranking(at)["Wijk"], _ranking(at)["Index"])) == _expected_ranking(two_marts, A, jaar)

    total = _mart(two_marts, "stad_index").filter(pl.col("jaar") == jaar).row(0, named=True)
    for bad in ("GM9999", "<script>alert(1)</script>", "GM0599x"):
        at = start(two_marts, monkeypatch, {"gemeente": bad})
        warnings = " ".join(w.value for w in at.warning)
        assert "De gemeente in de link" in warnings and "bestaat niet in deze publicatie" in warnings
        assert "<script>" not in warnings
        assert at.selectbox(key=GEMEENTE_SELECT).value == "alle"
        assert metric(at, f"Index alle gemeenten {jaar}").value == dutch(total["index"])
        assert _url(at, "gemeente") is None
    at = start(two_marts, monkeypatch, {"gemeente": "alle"})  # "Alle gemeenten" spelled out: no complaint
    assert not at.warning and at.selectbox(key=GEMEENTE_SELECT).value == "alle"


def test_a_wijk_from_the_url_sets_its_gemeente(two_marts, monkeypatch):
    b_wijk = min(_codes_of(two_marts, B))
    # a chosen gemeente that does not hold the linked wijk gives way to the wijk's own
    at = start(two_marts, monkeypatch, {"gemeente": A})
    at.query_params["wijk"] = b_wijk
    at.switch_page("views/wijk.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="wijk_select").value == b_wijk
    assert at.selectbox(key=GEMEENTE_SELECT).value == B
    assert _url(at, "gemeente") == B
    assert any(f"Gemeente {B_NAME}" in c.value for c in at.caption)
    # a conflicting link: the wijk wins
    at = start(two_marts, monkeypatch, {"gemeente": A, "wijk": b_wijk})
    assert at.selectbox(key=GEMEENTE_SELECT).value == B
    # a wijk link over all gemeenten keeps "Alle gemeenten" on the Stad page
    at = start(two_marts, monkeypatch, {"wijk": b_wijk})
    assert at.selectbox(key=GEMEENTE_SELECT).value == "alle"


def test_choosing_a_gemeente_moves_the_wijk_into_it(two_marts, monkeypatch):
    a_wijk = min(_codes_of(two_marts, A))
    at = start(two_marts, monkeypatch, {"wijk": a_wijk})
    at.switch_page("views/wijk.py").run()
    assert at.selectbox(key="wijk_select").value == a_wijk
    _choose(at, B)
    assert at.selectbox(key="wijk_select").value in _codes_of(two_marts, B)
    assert _url(at, "wijk") in _codes_of(two_marts, B) and _url(at, "gemeente") == B
    # the wijk is compared with its own gemeente, not with the total of both
    assert "Vergelijking met gebied, wijktype en gemeente" in [h.value for h in at.subheader]
