"""CSV exports for Dutch Excel (pipeline/scorecard.py): BOM, ';', decimal comma, Dutch headers,
no formula injection, and a Dutch ValueError for an unknown wijk or year."""

from __future__ import annotations

import csv
import io
import re

import polars as pl
import pytest

from pipeline.presentation import (all_wijken_frame, change_judgement, export_all_wijken, export_scorecard, fmt_interval,
                                fmt_num, interval_bounds, read_marts, scorecard_rows, to_dutch_csv)
from tests.test_dashboard_apptest import SPANGEN, copy_publication, dutch, golden_marts_dir, republish

BOM = b"\xef\xbb\xbf"
NUMBER = re.compile(r"[+-]?\d+,\d+")


@pytest.fixture(scope="session")
def golden_marts(tmp_path_factory):
    return golden_marts_dir(tmp_path_factory)


def parse(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_scorecard_is_excel_csv_with_dutch_headers_and_decimal_comma(golden_marts):
    data = export_scorecard(golden_marts, SPANGEN, 2022)
    assert data.startswith(BOM)
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "Sectie;Onderwerp;Kenmerk;Waarde"
    rows = parse(data)
    values = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    row = (pl.read_parquet(golden_marts / "wijk_index.parquet")
           .filter((pl.col("wijk_code") == SPANGEN) & (pl.col("jaar") == 2022)).row(0, named=True))
    assert values[("Wijk", "", "Wijk")] == "Spangen"
    assert values[("Index", "", "Index")] == dutch(row["index"])
    assert values[("Index", "", "Categorie")] == row["categorie"].capitalize()
    assert values[("Index", "", "Ondergrens 95%-interval")] == dutch(row["ci_laag"])
    assert values[("Index", "", "Verschil met 2021")] == ("+" if row["verschil"] > 0 else "") + dutch(row["verschil"])
    assert values[("Index", "", "Verandering aantoonbaar")] == ("ja" if row["verschil_significant"] else "nee")
    assert values[("Index", "", "Oordeel verandering")] == f"aantoonbaar veiliger t.o.v. 2021 (+{dutch(row['verschil'])})"
    assert values[("Index", "", "Pas aantoonbaar vanaf")] == ""  # only beside a change that is not aantoonbaar
    assert values[("Index", "", "Indicatief")] == "ja"  # 90 respondents
    assert "minder dan 100 respondenten" in values[("Index", "", "Toelichting indicatief")]
    # every theme with its 95% interval, as the mart has it
    themes_mart = (pl.read_parquet(golden_marts / "thema_scores.parquet")
                   .filter((pl.col("wijk_code") == SPANGEN) & (pl.col("jaar") == 2022)))
    for t in themes_mart.iter_rows(named=True):
        label = t["thema"].capitalize()
        assert values[("Thema", label, "Ondergrens 95%-interval")] == dutch(t["ci_laag"])
        assert values[("Thema", label, "Bovengrens 95%-interval")] == dutch(t["ci_hoog"])
    assert values[("Bron", "", "Methode")] == "veiligheidsindex-v2"
    assert len(values[("Bron", "", "Methodekenmerk")]) == 12
    # every theme with its objective and subjective part, Dutch labels
    themes = {k[1] for k in values if k[0] == "Thema"}
    assert themes == {"Diefstal", "Inbraak", "Geweld", "Vandalisme", "Overlast", "Drugs", "Vervuiling", "Beleving"}
    assert values[("Thema", "Beleving", "Objectief")] == ""  # beleving has no objective part
    # the wijk's own prestatie and the city's, with status and latest RAG
    prestaties = {k[1] for k in values if k[0] == "Prestatie"}
    assert any(p.startswith("P004:") for p in prestaties)  # a city-wide one
    p001 = next(p for p in prestaties if p.startswith("P001:"))  # Spangen's own
    assert values[("Prestatie", p001, "Status")] == "in uitvoering"
    assert values[("Prestatie", p001, "Laatste voortgang")].startswith("groen")
    # no decimal point anywhere in a number
    for r in rows[1:]:
        assert not re.fullmatch(r"[+-]?\d+\.\d+", r[3]), r


def test_all_wijken_csv(golden_marts):
    data = export_all_wijken(golden_marts, 2022)
    assert data.startswith(BOM)
    rows = parse(data)
    header = rows[0]
    for column in ("Rang", "Wijk", "Wijkcode", "Gebied", "Index", "Categorie", "Ondergrens 95%-interval",
                   "Bovengrens 95%-interval", "Indicatief", "Verschil met vorig jaar", "Verandering aantoonbaar",
                   "Pas aantoonbaar vanaf", "Oordeel verandering", "Reden geen index", "Thema Diefstal",
                   "Thema Diefstal ondergrens 95%", "Thema Diefstal bovengrens 95%", "Thema Beleving bovengrens 95%"):
        assert column in header
    assert "Verschil significant" not in header
    assert len(rows) - 1 == pl.read_parquet(golden_marts / "wijken.parquet").height
    for r in rows[1:]:
        assert NUMBER.fullmatch(r[header.index("Index")])
    ranks = [int(r[header.index("Rang")]) for r in rows[1:]]
    assert ranks == sorted(ranks)
    themes = pl.read_parquet(golden_marts / "thema_scores.parquet").filter(pl.col("jaar") == 2022)
    wi = pl.read_parquet(golden_marts / "wijk_index.parquet").filter(pl.col("jaar") == 2022)
    by_code = {r[header.index("Wijkcode")]: r for r in rows[1:]}
    for t in themes.filter(pl.col("thema") == "geweld").iter_rows(named=True):
        r = by_code[t["wijk_code"]]
        assert r[header.index("Thema Geweld ondergrens 95%")] == dutch(t["ci_laag"])
        assert r[header.index("Thema Geweld bovengrens 95%")] == dutch(t["ci_hoog"])
    for w in wi.iter_rows(named=True):
        r = by_code[w["wijk_code"]]
        assert r[header.index("Indicatief")] == ("ja" if w["indicatief"] else "nee")
        judgement = r[header.index("Oordeel verandering")]
        if w["verschil_significant"]:
            assert judgement.startswith("aantoonbaar ") and "pas vanaf" not in judgement
        else:
            assert judgement == (f"niet aantoonbaar veranderd ({r[header.index('Verschil met vorig jaar')]}; "
                                 f"pas vanaf ±{dutch(w['detecteerbaar_verschil'])} aantoonbaar)")
    assert b";" in data and b"\r\n" in data


def test_formula_injection_is_neutralised(golden_marts, tmp_path):
    marts = copy_publication(golden_marts, tmp_path / "marts")
    evil = '=HYPERLINK("http://x","klik")'

    def inject(name: str, frame: pl.DataFrame) -> pl.DataFrame:
        if name in ("wijken.parquet", "wijk_index.parquet"):
            return frame.with_columns(pl.when(pl.col("wijk_code") == SPANGEN).then(pl.lit(evil))
                                      .otherwise(pl.col("wijk_naam")).alias("wijk_naam"))
        if name == "prestaties.parquet":
            return frame.with_columns(
                pl.when(pl.col("prestatie_id") == "P001").then(pl.lit("+cmd|' /C calc'!A0"))
                .otherwise(pl.col("omschrijving")).alias("omschrijving"),
                pl.when(pl.col("prestatie_id") == "P001").then(pl.lit("@SUM(1+1)"))
                .otherwise(pl.col("partner")).alias("partner"))
        return frame

    republish(marts, "met-injectie", inject)

    rows = parse(export_scorecard(marts, SPANGEN, 2021))
    values = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert values[("Wijk", "", "Wijk")] == "'" + evil  # the quote in the text survived CSV quoting
    prestatie = next(k[1] for k in values if k[0] == "Prestatie" and "cmd" in k[1])
    assert prestatie == "P001: +cmd|' /C calc'!A0"  # starts with 'P', harmless
    assert values[("Prestatie", prestatie, "Partner")] == "'@SUM(1+1)"
    # a negative number stays a number (Excel reads it as -0,3, not as a formula)
    assert values[("Index", "", "Verschil met 2020")].startswith("-")
    for r in rows:
        for cell in r:
            assert not cell or cell[0] not in "=+@\t\r" or NUMBER.fullmatch(cell), cell

    all_rows = parse(export_all_wijken(marts, 2021))
    header = all_rows[0]
    names = [r[header.index("Wijk")] for r in all_rows[1:]]
    assert "'" + evil in names


def test_raw_csv_quoting_of_a_formula_with_quotes():
    frame = pl.DataFrame({"Naam": ['=HYPERLINK("x")', "-tekst", "\tTab", "gewoon; met puntkomma"],
                          "Waarde": [-0.3, 1.25, None, 10.0], "Aantal": [1, None, 3, 4],
                          "Vlag": [True, False, None, True]})
    text = to_dutch_csv(frame).decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Naam;Waarde;Aantal;Vlag"
    assert lines[1] == '"\'=HYPERLINK(""x"")";-0,3;1;ja'
    assert lines[2] == "'-tekst;1,25;;nee"
    assert lines[3] == "'\tTab;;3;"
    assert lines[4] == '"gewoon; met puntkomma";10,0;4;ja'


def test_unknown_wijk_or_year_is_a_dutch_value_error(golden_marts):
    with pytest.raises(ValueError, match="Onbekende wijk"):
        export_scorecard(golden_marts, "BU00000000", 2022)
    with pytest.raises(ValueError, match="Onbekend jaar 1999"):
        export_scorecard(golden_marts, SPANGEN, 1999)
    with pytest.raises(ValueError, match="Onbekend jaar"):
        export_all_wijken(golden_marts, 2100)


def test_page_and_export_share_rounding(golden_marts):
    marts = read_marts(golden_marts)
    frame = all_wijken_frame(marts, 2022)
    wi = marts["wijk_index"].filter(pl.col("jaar") == 2022)
    shown = dict(zip(frame["Wijkcode"], frame["Index"]))
    for code, index in wi.select("wijk_code", "index").iter_rows():
        assert shown[code] == fmt_num(index) == dutch(index)
    assert fmt_num(4.25) == "4,3" and fmt_num(-0.04, sign=True) == "0,0" and fmt_num(0.66, sign=True) == "+0,7"
    card = scorecard_rows(marts, SPANGEN, 2022)
    assert card.columns == ["Sectie", "Onderwerp", "Kenmerk", "Waarde"]


def test_interval_never_rounds_to_equal_bounds():
    """One formatter for every interval: as many decimals as the bounds need to differ from each
    other and from the estimate, at least one, at most three."""
    assert fmt_interval(4.296429, 5.052461, 4.674445) == "4,3 – 5,1"   # one decimal is enough
    assert fmt_interval(5.686438, 5.742608, 5.714523) == "5,69 – 5,74"  # would read '5,7 – 5,7'
    assert fmt_interval(5.66, 5.90, 5.70) == "5,66 – 5,90"  # lower bound would read as the index '5,7'
    assert fmt_interval(5.6551, 5.6649, 5.66) == "5,655 – 5,665"  # at most three decimals
    assert fmt_interval(9.95, 10.0, 10.0) == "9,95 – 10,00"  # clipped at 10: equal to the index is true
    assert interval_bounds(5.686438, 5.742608, 5.714523) == ("5,69", "5,74")
    assert fmt_interval(None, 5.0) == "" and interval_bounds(float("nan"), 5.0) == ("", "")


def test_change_judgement_wording():
    not_shown = change_judgement(0.1234, False, 0.4512)
    assert not_shown == "niet aantoonbaar veranderd (+0,1; pas vanaf ±0,5 aantoonbaar)"
    assert change_judgement(-0.305, False, 0.94, since=2020) == \
        "niet aantoonbaar veranderd t.o.v. 2020 (-0,3; pas vanaf ±0,9 aantoonbaar)"
    # a small threshold (the city) keeps its first digit, and the change its difference from it
    assert change_judgement(0.033914, False, 0.057522) == "niet aantoonbaar veranderd (+0,03; pas vanaf ±0,06 aantoonbaar)"
    assert change_judgement(0.26, False, 0.29) == "niet aantoonbaar veranderd (+0,26; pas vanaf ±0,29 aantoonbaar)"
    # a significant change never reads '+0,0' and carries no threshold (it may be below it)
    assert change_judgement(0.046912, True, 0.057734) == "aantoonbaar veiliger (+0,05)"
    assert change_judgement(-0.7966, True, 0.6697, since=2021) == "aantoonbaar onveiliger t.o.v. 2021 (-0,8)"
    assert change_judgement(None, None, None) == ""
    for text in (not_shown, change_judgement(0.0, False, 0.3)):
        assert "gelijk" not in text


def test_v1_scorecard_has_no_indicatief(tmp_path_factory):
    marts = golden_marts_dir(tmp_path_factory, method="v1")
    values = {(r[0], r[1], r[2]): r[3] for r in parse(export_scorecard(marts, SPANGEN, 2022))[1:]}
    assert values[("Index", "", "Indicatief")] == ""
    assert ("Index", "", "Toelichting indicatief") not in values
    assert values[("Bron", "", "Methode")] == "veiligheidsindex-v1"
    assert values[("Thema", "Geweld", "Ondergrens 95%-interval")]  # v1 has theme intervals too
