"""Scorecards to take to a meeting (issue 11): an A4 PDF per wijk-year and a booklet per year
(pipeline/presentation/scorecard_pdf.py), an xlsx beside the CSV (scorecard_xlsx.py). They show the
CSV's numbers (numbers as number cells in the xlsx), follow the privacy rule, show hostile names as
text, keep to one page whatever the number of agreements, and the CLI writes all three."""

from __future__ import annotations

import csv
import dataclasses
import io
import re

import openpyxl
import polars as pl
import pypdf
import pytest

from pipeline.cli import main
from pipeline.presentation import (TOO_FEW_ANSWERS, export_all_wijken, export_scorecard, read_marts)
from pipeline.presentation import scorecard_pdf as sp
from pipeline.presentation.scorecard_pdf import booklet_order, booklet_pdf, scorecard_pdf
from pipeline.presentation.scorecard_xlsx import all_wijken_xlsx, scorecard_xlsx
from pipeline.presentation.tables import EFFECT_KEY, EFFECT_NOTE_KEY
from tests.test_dashboard_apptest import SPANGEN, dutch, golden_marts_dir
from tests.test_dashboard_security import (FORMULA_OMSCHRIJVING, FORMULA_PARTNER, MIDDELLAND, WIJK_EVIL,
                                           _measured_text, hostile_marts_dir)

A4 = (595.276, 841.890)  # points
NUMBER = re.compile(r"[+-]?\d+(,\d+)?")


@pytest.fixture(scope="session")
def golden_dir(tmp_path_factory):
    return golden_marts_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def golden(golden_dir):
    return read_marts(golden_dir)


@pytest.fixture(scope="session")
def spangen_pdf(golden):
    return scorecard_pdf(golden, SPANGEN, 2022)


def pages(data: bytes) -> list[str]:
    """Text per page, whitespace collapsed (the layout breaks lines anywhere)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.5), "not A4"
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def sheet_rows(data: bytes, sheet: str | None = None) -> tuple[list[list], list[list[str]], object]:
    """(values, number formats, sheet) of one sheet of an xlsx."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    ws = workbook[sheet] if sheet else workbook.worksheets[0]
    cells = [list(r) for r in ws.iter_rows()]
    return [[c.value for c in r] for r in cells], [[c.number_format for c in r] for r in cells], ws


def decimals_of(number_format: str) -> int:
    first = number_format.split(";")[0]
    return len(first.partition(".")[2])


def shown(value, number_format: str) -> str:
    """A number cell as Dutch Excel shows it (decimal comma from the locale, '+' from the format)."""
    text = f"{value:.{decimals_of(number_format)}f}".replace(".", ",")
    return ("+" + text) if number_format.startswith("+") and value > 0 else text


# --- The PDF --------------------------------------------------------------------------------------


def test_scorecard_is_one_a4_page_with_the_headline(golden_dir, spangen_pdf):
    assert spangen_pdf.startswith(b"%PDF")
    texts = pages(spangen_pdf)
    assert len(texts) == 1
    text = texts[0]
    row = (pl.read_parquet(golden_dir / "wijk_index.parquet")
           .filter((pl.col("wijk_code") == SPANGEN) & (pl.col("jaar") == 2022)).row(0, named=True))
    assert text.startswith("Veiligheidsindex · scorekaart 2022 Spangen ")
    assert f"Index 2022 {dutch(row['index'])} indicatief" in text  # decimal comma, 90 respondents
    assert f"{row['index']:.1f}" not in text
    assert f"Categorie {row['categorie'].capitalize()}" in text
    assert f"95%-interval {dutch(row['ci_laag'])} – {dutch(row['ci_hoog'])}" in text
    assert f"aantoonbaar veiliger t.o.v. 2021 (+{dutch(row['verschil'])})" in text
    assert "minder dan 100 respondenten" in text  # the indicatief note
    for heading in ("Ontwikkeling van de index", "Thema’s in 2022", "Wat veranderde sinds 2021",
                    "Prestatieafspraken die in 2022 liepen", "Het meest bewogen:"):
        assert heading in text
    # the charts are the dashboard's (vl-convert SVG): the contribution labels and the year axis
    assert "Bijdrage aan de verandering van de index" in text and "2019 2020 2021 2022" in text


def test_pdf_shows_the_numbers_of_the_csv(golden, spangen_pdf):
    text = pages(spangen_pdf)[0]
    rows = csv_rows(export_scorecard(golden.directory, SPANGEN, 2022))[1:]
    themes: dict[str, dict] = {}
    for section, subject, key, value in rows:
        if section == "Thema":
            themes.setdefault(subject, {})[key] = value
    assert len(themes) == 8
    for label, v in themes.items():
        cells = [v["Themascore"], f"{v['Ondergrens 95%-interval']} – {v['Bovengrens 95%-interval']}",
                 v["Objectief"] or "–", v["Subjectief"] or "–"]
        assert f"{label} {' '.join(cells)}" in text, label
        assert f"({v['Bijdrage aan verschil']})" in text or v["Bijdrage aan verschil"] in text
    for section, subject, key, value in rows:
        if section == "Prestatie" and key in ("Status", "Op koers", "Partner"):
            assert value in text, (subject, key)
        if section == "Prestatie":
            assert subject in text


def test_booklet_has_a_cover_and_one_page_per_wijk(golden):
    texts = pages(booklet_pdf(golden, 2022))
    order = booklet_order(golden)
    assert len(texts) == 1 + len(order) == 9
    cover = texts[0]
    assert cover.startswith("Veiligheidsindex Scorekaarten veiligheidsindex 2022")
    assert "Zo leest u een scorekaart" in cover and "Inhoud" in cover
    names = dict(golden["wijken"].select("wijk_code", "wijk_naam").iter_rows())
    index = dict(golden["wijk_index"].filter(pl.col("jaar") == 2022).select("wijk_code", "index").iter_rows())
    for page, code in enumerate(order, start=2):
        assert texts[page - 1].startswith(f"Veiligheidsindex · scorekaart 2022 {names[code]} "), code
        # contents: name, index, category and the page it is on
        assert re.search(rf"{re.escape(names[code])} {dutch(index[code])} \w+ {page}\b", cover), code
    assert "pagina 2 van 9" in texts[1]


def test_a_wijk_year_without_index_says_why(golden):
    wi = golden["wijk_index"].with_columns(
        pl.when((pl.col("wijk_code") == SPANGEN) & (pl.col("jaar") == 2022)).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("index", "categorie", "ci_laag", "ci_hoog", "verschil", "verschil_significant"))
    wi = wi.with_columns(pl.when((pl.col("wijk_code") == SPANGEN) & (pl.col("jaar") == 2022))
                         .then(pl.lit("too_few_respondents")).otherwise(pl.col("reden")).alias("reden"))
    marts = dataclasses.replace(golden, frames={**golden.frames, "wijk_index": wi})
    texts = pages(scorecard_pdf(marts, SPANGEN, 2022))
    assert len(texts) == 1
    assert "Geen index voor 2022: te weinig respondenten (minder dan 50)." in texts[0]


def _more_agreements(marts, n: int):
    """n extra agreements for Spangen, running in 2022, each with a long description."""
    p = marts["prestaties"]
    base = p.filter(pl.col("prestatie_id") == "P001")
    extra = pl.concat([base.with_columns(pl.lit(f"P9{i:02d}").alias("prestatie_id"),
                                         pl.lit(f"Extra afspraak {i} met een lange omschrijving die over twee regels "
                                                "loopt als de kolom smal is").alias("omschrijving"))
                       for i in range(n)])
    return dataclasses.replace(marts, frames={**marts.frames, "prestaties": pl.concat([p, extra])})


def test_many_agreements_stay_on_one_page_and_say_how_many_are_left_out(golden):
    marts = _more_agreements(golden, 25)
    texts = pages(scorecard_pdf(marts, SPANGEN, 2022))
    assert len(texts) == 1
    left_out = re.search(r"… en nog (\d+) afspraken: alle afspraken staan in de scorekaart als CSV of xlsx", texts[0])
    assert left_out, texts[0][-600:]
    shown_ids = set(re.findall(r"\b(P\d{3}):", texts[0]))
    assert len(shown_ids) + int(left_out.group(1)) == 27  # P001, P004 and the 25 extra
    assert "Index: van 1 tot 10" in texts[0]  # the reading guide below them is still there


def test_one_page_with_the_wider_fallback_font(golden, monkeypatch):
    """DejaVu Sans (every Debian) is wider than Liberation Sans; the page still fits."""
    import typst

    if "DejaVu Sans" not in typst.Fonts().families():
        pytest.skip("DejaVu Sans is niet geïnstalleerd")
    monkeypatch.setattr(sp, "_FONT", ["DejaVu Sans"])
    monkeypatch.setattr(sp, "_CHARTS", {})
    texts = pages(scorecard_pdf(_more_agreements(golden, 4), SPANGEN, 2022))
    assert len(texts) == 1 and "Spangen" in texts[0]


def test_did_it_help_only_when_the_publication_has_it(golden):
    without = dataclasses.replace(golden, frames={k: v for k, v in golden.frames.items() if k != "prestatie_effecten"})
    assert "Heeft het geholpen?" not in pages(scorecard_pdf(without, SPANGEN, 2022))[0]
    assert EFFECT_KEY not in {r[2] for r in csv_rows(export_scorecard_of(without, SPANGEN, 2022))}

    sentence = "Testzin: in Spangen daalde het aantal inbraken meer dan in vergelijkbare wijken."
    effects = pl.DataFrame({"prestatie_id": ["P001"], "oordeel": ["beter"], "verschil": [0.8],
                            "toelichting": [sentence]})
    marts = dataclasses.replace(golden, frames={**golden.frames, "prestatie_effecten": effects})
    text = pages(scorecard_pdf(marts, SPANGEN, 2022))[0]
    assert "Heeft het geholpen?" in text and sentence in text
    card = csv_rows(export_scorecard_of(marts, SPANGEN, 2022))
    notes = [r[3] for r in card if r[0] == "Prestatie" and r[1].startswith("P001") and r[2] == EFFECT_NOTE_KEY]
    assert notes == [sentence]
    values, _, _ = sheet_rows(scorecard_xlsx(marts, SPANGEN, 2022), "Prestaties")
    header = values[0]
    p001 = next(r for r in values[1:] if r[0] == "P001")
    assert p001[header.index(EFFECT_NOTE_KEY)] == sentence and p001[header.index(EFFECT_KEY)]


def export_scorecard_of(marts, wijk_code: str, jaar: int) -> bytes:
    from pipeline.presentation import scorecard_rows, to_dutch_csv

    return to_dutch_csv(scorecard_rows(marts, wijk_code, jaar))


# --- The xlsx -------------------------------------------------------------------------------------


def test_xlsx_scorecard_has_the_csv_rows_with_numbers_as_numbers(golden):
    card = csv_rows(export_scorecard(golden.directory, SPANGEN, 2022))
    values, formats, ws = sheet_rows(scorecard_xlsx(golden, SPANGEN, 2022), "Scorekaart")
    assert values[0] == card[0] == ["Sectie", "Onderwerp", "Kenmerk", "Waarde"]
    assert len(values) == len(card)
    numbers = 0
    for (section, subject, key, text), row, fmt in zip(card[1:], values[1:], formats[1:], strict=True):
        assert [c or "" for c in row[:3]] == [section, subject, key]
        value = row[3]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            numbers += 1
            assert value == pytest.approx(float(text.replace(",", "."))), key
            assert shown(value, fmt[3]) == text, key  # same decimals, '+' on a change
        else:
            assert (value or "") == text, key
            # every figure of the wijk, the index and the themes is a number cell
            assert not (section in ("Index", "Thema") and NUMBER.fullmatch(text)), key
    assert numbers >= 1 + 4 + 8 * 5  # index, its interval, change, threshold; themes
    index_row = next(r for r in values if r[2] == "Index")
    assert isinstance(index_row[3], float)
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b
    assert ws.column_dimensions["D"].width > 30  # the judgement text is readable


def test_xlsx_all_wijken_equals_the_csv(golden):
    table = csv_rows(export_all_wijken(golden.directory, 2022))
    values, formats, ws = sheet_rows(all_wijken_xlsx(golden, 2022))
    assert values[0] == table[0]  # Dutch headers
    assert len(values) == len(table) == 9
    header = table[0]
    text_columns = {"Wijk", "Wijkcode", "Gebied", "Wijktype", "Categorie", "Indicatief", "Verandering aantoonbaar",
                    "Oordeel verandering", "Reden geen index"}
    for row_csv, row, fmt in zip(table[1:], values[1:], formats[1:], strict=True):
        for column, text, value, number_format in zip(header, row_csv, row, fmt, strict=True):
            if column in text_columns or not text:
                assert (value or "") == text, column
            else:
                assert isinstance(value, (int, float)), (column, value)
                assert shown(value, number_format) == text, column
    assert ws.freeze_panes == "C2"  # header and Rang, Wijk stay in view
    assert ws.auto_filter.ref


def test_xlsx_text_that_looks_like_a_formula_stays_text(tmp_path_factory):
    marts = read_marts(hostile_marts_dir(tmp_path_factory))
    jaar = max(marts.manifest["jaren"])
    data = scorecard_xlsx(marts, SPANGEN, jaar)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    found = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if cell.value in (FORMULA_PARTNER,) or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate)
                    found.append(cell.value)
    assert FORMULA_PARTNER in found
    prestaties, _, _ = sheet_rows(data, "Prestaties")
    assert any(r[1] == FORMULA_OMSCHRIJVING for r in prestaties[1:])


# --- Privacy and hostile names --------------------------------------------------------------------


def test_too_few_answers_shows_the_words_not_the_number(tmp_path_factory):
    directory = hostile_marts_dir(tmp_path_factory)
    marts = read_marts(directory)
    jaar = max(marts.manifest["jaren"])
    measured = _measured_text(directory)  # 'gemeten 12,3': what the agreement would show
    text = pages(scorecard_pdf(marts, MIDDELLAND, jaar))[0]
    assert TOO_FEW_ANSWERS in text and measured not in text
    values, _, _ = sheet_rows(scorecard_xlsx(marts, MIDDELLAND, jaar), "Prestaties")
    header = values[0]
    p003 = next(r for r in values[1:] if r[0] == "P003")
    assert p003[header.index("Op koers")] == TOO_FEW_ANSWERS
    card, _, _ = sheet_rows(scorecard_xlsx(marts, MIDDELLAND, jaar), "Scorekaart")
    assert not [r for r in card if isinstance(r[3], str) and measured in r[3]]
    assert all(measured not in page for page in pages(booklet_pdf(marts, jaar)))


def test_hostile_names_are_printed_as_text(tmp_path_factory):
    marts = read_marts(hostile_marts_dir(tmp_path_factory))
    jaar = max(marts.manifest["jaren"])
    data = scorecard_pdf(marts, MIDDELLAND, jaar)
    text = pages(data)[0]
    assert " ".join(WIJK_EVIL.split()) in text  # markup characters shown, not obeyed
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:  # and no link made of a URL in a name
        assert not [a for a in page.get("/Annots") or [] if "/URI" in str(a.get_object().get("/A", {}))]


# --- CLI ------------------------------------------------------------------------------------------


def test_cli_writes_csv_xlsx_and_pdf(golden_dir, tmp_path, capsys):
    base = ["export-scorecard", "--jaar", "2022", "--marts", str(golden_dir)]
    for name, magic in (("kaart.csv", b"\xef\xbb\xbf"), ("kaart.xlsx", b"PK"), ("kaart.pdf", b"%PDF")):
        assert main([*base, "--wijk", SPANGEN, "--out", str(tmp_path / name)]) == 0
        assert (tmp_path / name).read_bytes().startswith(magic), name
    assert main([*base, "--wijk", SPANGEN, "--formaat", "xlsx", "--out", str(tmp_path / "kaart.dat")]) == 0
    assert (tmp_path / "kaart.dat").read_bytes().startswith(b"PK")
    assert main([*base, "--alle-wijken", "--out", str(tmp_path / "boekje.pdf")]) == 0
    assert len(pages((tmp_path / "boekje.pdf").read_bytes())) == 9
    assert main([*base, "--alle-wijken", "--out", str(tmp_path / "alle.xlsx")]) == 0
    values, _, _ = sheet_rows((tmp_path / "alle.xlsx").read_bytes())
    assert len(values) == 9
    capsys.readouterr()
    assert main([*base, "--wijk", "BU00000000", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "Onbekende wijk" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
