"""Large files are read piece by piece (issue 12: memory stays flat as the input grows). The
pieces must give exactly what reading the file whole gives: the same raw rows with the same line
numbers, the same quarantine, the same marts. Checked by reading every file in tiny pieces."""

from __future__ import annotations

import io

import duckdb
import polars as pl
import pytest

from pipeline.ingest import readers
from tests.conftest import build_database
from tests.test_quirks import politie_row

WIJK = "BU05990535"
POLITIE = "politie/geregistreerde_misdrijven_2019_2022.csv"
MELDINGEN = "meldingen/meldingen_2019_2022.csv"
VOORTGANG = "prestaties/voortgang.csv"
TABLES = ("raw_politie", "raw_meldingen", "raw_enquete", "raw_bevolking", "raw_voortgang", "int_quarantine",
          "wijk_index", "thema_scores", "indicator_scores", "stad_index")


def messy(raw) -> None:
    """Golden plus what pieces could get wrong: a quoted field over several lines, a blank line,
    Windows-1252 with CRLF (a non-ASCII byte far from the start), an over-long line, bad values."""
    raw.append(POLITIE, politie_row("1.1.2 Diefstal;\ninbraak box", WIJK, "2019MM01", "4"),
               politie_row("1.1.1", WIJK, "2019MM02", "veel"))
    raw.write(VOORTGANG, raw.path(VOORTGANG).read_text(encoding="utf-8")
              + 'P002,2022-06-30,,groen,"Twee regels,\nmet ""quotes"""\n\nP002,2022-07-31,,paars,x\n')
    lines = [line + "," for line in raw.lines(MELDINGEN)]
    lines[0] += "omschrijving"
    lines[-3] += '"Overlast bij café"'
    raw.write(MELDINGEN, lines, encoding="cp1252", newline="\r\n")


def tables(con) -> dict[str, pl.DataFrame]:
    out = {}
    for name in TABLES:
        frame = con.sql(f'SELECT * FROM "{name}"').pl()
        keys = [c for c, t in frame.schema.items() if not t.is_float()]
        out[name] = frame.sort(keys, nulls_last=True)
    return out


@pytest.mark.parametrize("piece", [301, 8192])
def test_reading_in_pieces_gives_what_reading_whole_gives(raw, monkeypatch, piece):
    messy(raw)
    whole = tables(build_database(raw.root))
    assert whole["raw_meldingen"].height > 400 and "omschrijving" in whole["raw_meldingen"].columns
    monkeypatch.setattr(readers, "STREAM_BYTES", 0)  # every CSV file in pieces
    monkeypatch.setattr(readers, "PIECE_BYTES", piece)
    calls = []
    real = readers.pieces
    monkeypatch.setattr(readers, "pieces", lambda handle, size=piece: (calls.append(1), real(handle, size))[1])
    con = build_database(raw.root)
    assert len(calls) >= 6  # every CSV file went through the piece reader
    assert con.execute("SELECT encoding FROM raw_files WHERE file_name = 'meldingen_2019_2022.csv'").fetchall() == [
        ("windows-1252",)]
    pieces = tables(con)
    for name in TABLES:
        left, right = whole[name], pieces[name]
        assert left.columns == right.columns, name
        assert left.equals(right) or all(
            left[c].equals(right[c]) or (left[c].dtype.is_float() and (left[c] - right[c]).abs().max() < 1e-9)
            for c in left.columns), name


def test_pieces_end_only_at_record_boundaries():
    data = b'h;v\n1;"a\nb"\n2;"c""\nd"\n3;x\n'
    got = list(readers.pieces(io.BytesIO(data), size=3))
    assert b"".join(p for p, _ in got) == data
    assert [line for _, line in got] == [1 + sum(readers.line_ends(p) for p, _ in got[:i]) for i in range(len(got))]
    for piece, _ in got:
        assert piece.endswith(b"\n") and piece.count(b'"') % 2 == 0


def test_an_open_quote_in_a_large_file_stops_naming_its_line(raw, monkeypatch):
    monkeypatch.setattr(readers, "STREAM_BYTES", 0)
    monkeypatch.setattr(readers, "PIECE_BYTES", 512)
    lines = raw.lines(MELDINGEN)
    lines[200] = lines[200].replace(",afgehandeld,", ',afgehandeld,"', 1)
    raw.write(MELDINGEN, lines)
    with pytest.raises(readers.RawFileError, match=r"meldingen_2019_2022.csv, regel 201"):
        build_database(raw.root)
