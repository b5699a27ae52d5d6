"""A large CSV file that is provably simple is parsed by DuckDB itself (pipeline/ingest/fast.py,
issue 12). It must give exactly what the piece reader gives: every column of raw_<source> (with
_line and the problem columns), raw_files and the quarantine; anything not provably simple falls
back to the piece reader. Checked on small files with the size threshold forced to 0."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from pipeline.ingest import fast, files, readers
from pipeline.ingest.sources import SOURCES_BY_NAME
from tests.conftest import build_database
from tests.test_streaming import TABLES, messy

POLITIE_HEADER = '"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"GeregistreerdeMisdrijven_1"'
MELDINGEN_HEADER = "melding_id,datum,hoofdcategorie,subcategorie,wijk_code,status,datum_afgehandeld"


def politie_lines(n: int = 60) -> list[str]:
    codes = ("0.0.0 Totaal misdrijven", "1.1.1 ", "1.2.3 Diefstal van brom-, snor-, fietsen", "3.7.4 ")
    return [POLITIE_HEADER] + [
        f'"{i}";"{codes[i % 4]}";"BU0599{i % 7:04d}  ";"2020MM{i % 12 + 1:02d}";"{i % 13}"' for i in range(n)]


def meldingen_lines(n: int = 60) -> list[str]:
    return [MELDINGEN_HEADER] + [
        f"M20-{i:06d},2020-01-{i % 28 + 1:02d},afval,grofvuil,BU0599{i % 7:04d},afgehandeld,2020-02-01"
        for i in range(n)]


@pytest.fixture
def small(monkeypatch):
    """Every CSV file counts as large; the scan, the pieces and the head are tiny, so that block
    boundaries fall everywhere and the per-block samples are checked."""
    monkeypatch.setattr(readers, "STREAM_BYTES", 0)
    monkeypatch.setattr(readers, "PIECE_BYTES", 997)
    monkeypatch.setattr(fast, "BLOCK_BYTES", 211)
    monkeypatch.setattr(fast, "HEAD_BYTES", 300)
    used = []
    real = fast._bulk
    monkeypatch.setattr(fast, "_bulk", lambda *a: (used.append(r := real(*a)), r)[1])
    return used


def load(root, source_name: str, enabled: bool, monkeypatch) -> tuple[pl.DataFrame, pl.DataFrame]:
    monkeypatch.setattr(fast, "ENABLED", enabled)
    con = duckdb.connect()
    source = SOURCES_BY_NAME[source_name]
    _, infos = files.load_source(con, root, source)
    raw_files = files.write_files(con, root, source, infos)
    table = con.sql(f"SELECT * FROM raw_{source_name}").pl().sort("_file_order", "_line")
    return table, raw_files


def write(root, folder: str, name: str, data: bytes):
    path = root / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def assert_same(root, source_name, monkeypatch, used, fast_expected: bool):
    try:
        slow_table, slow_files = load(root, source_name, False, monkeypatch)
    except readers.RawFileError as exc:  # a file the run refuses: refused alike, with the same message
        with pytest.raises(readers.RawFileError) as refused:
            load(root, source_name, True, monkeypatch)
        assert str(refused.value) == str(exc)
        assert not any(used)
        return None, None
    assert not used
    fast_table, fast_files = load(root, source_name, True, monkeypatch)
    assert fast_table.columns == slow_table.columns
    assert fast_table.equals(slow_table), (fast_table, slow_table)
    assert fast_files.equals(slow_files)
    assert any(used) == fast_expected, used
    return fast_table, fast_files


def text(lines: list[str], newline: str = "\n", encoding: str = "utf-8", bom: bool = False) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + (newline.join(lines) + newline).encode(encoding)


SIMPLE = {
    "politie ; quoted": ("politie", text(politie_lines())),
    "politie BOM and CRLF": ("politie", text(politie_lines(), "\r\n", bom=True)),
    "politie no line end at the end": ("politie", text(politie_lines())[:-1]),
    "politie escaped quotes and empty quoted": ("politie", text(
        politie_lines(30) + ['"";"1.1.1 ""inbraak"" ";"BU05990001";"2020MM01";""', '"7";"""";"BU05990001";"2020MM02";"."']
        + politie_lines(30)[1:])),
    "windows-1252": ("politie", text(politie_lines(20) + ['"1";"1.1.1 café ‘x’ €";"BU05990001";"2020MM01";"4"']
                                     + politie_lines(30)[1:], encoding="cp1252")),
    "windows-1252 CRLF with BOM bytes": ("meldingen", b"\xef\xbb\xbf" + text(
        meldingen_lines(20) + ["M20-é,2020-01-01,afval,grofvuil,BU05990001,gemeld,ü"] + meldingen_lines(20)[1:], "\r\n",
        encoding="cp1252")),
    "meldingen , unquoted": ("meldingen", text(meldingen_lines())),
    "meldingen quoted delimiters, empty fields, extra column": ("meldingen", text(
        [MELDINGEN_HEADER + ",omschrijving"]
        + [line + f',"Overlast, bij ""café"" {i}"' for i, line in enumerate(meldingen_lines()[1:])]
        + ["M20-999999,2020-03-01,afval,grofvuil,BU05990001,gemeld,,x"])),
    "meldingen empty last fields": ("meldingen", text([MELDINGEN_HEADER + ",omschrijving"] + [
        line + ",x" for line in meldingen_lines(30)[1:]] + ["M,2020-01-01,afval,grofvuil,BU05990001,gemeld,,"]
        + ["M,2020-01-01,afval,grofvuil,BU05990001,gemeld,2020-01-02,"])),
    "meldingen CRLF non-ASCII": ("meldingen", text(
        meldingen_lines(20) + ["M20-é,2020-01-01,afval,grofvuil,BU05990001,gemeld, "] + meldingen_lines(20)[1:], "\r\n")),
}


@pytest.mark.parametrize("case", sorted(SIMPLE))
def test_simple_files_are_read_by_duckdb_with_the_same_result(tmp_path, monkeypatch, small, case):
    source, data = SIMPLE[case]
    write(tmp_path, source, "a.csv", data)
    table, _ = assert_same(tmp_path, source, monkeypatch, small, fast_expected=True)
    assert table.height == data.count(b"\n") - (0 if data.endswith(b"\n") else -1) - 1


def _politie(edit) -> bytes:
    lines = politie_lines()
    edit(lines)
    return text(lines)


def _long_field(lines):
    lines[20] = f'"1";"1.1.1 ";"BU05990001";"2020MM01";"{"9" * (readers.MAX_FIELD_CHARS + 5)}"'


FALLBACK = {
    "multi-line quoted field": ("politie", _politie(lambda l: l.insert(20, '"1";"1.1.2 Diefstal;\ninbraak";"BU05990001";"2020MM01";"4"'))),
    "not Windows-1252 either": ("politie", text(politie_lines(20) + ['"1";"1.1.1 café";"BU05990001";"2020MM01";"4"'])
                                + b'"2";"1.1.1 \x81";"BU05990001";"2020MM01";"4"\n'),
    "blank line": ("politie", _politie(lambda l: l.insert(25, ""))),
    "blank line with CRLF": ("politie", text(politie_lines(20) + [""] + politie_lines(20)[1:], "\r\n")),
    "row of delimiters": ("politie", _politie(lambda l: l.insert(25, ";;;;"))),
    "row of blanks in quotes": ("politie", _politie(lambda l: l.insert(25, '" ";"";"\t";"";""'))),
    "short row": ("politie", _politie(lambda l: l.insert(25, '"1";"1.1.1 ";"BU05990001";"2020MM01"'))),
    "long row": ("politie", _politie(lambda l: l.insert(25, '"1";"1.1.1 ";"BU05990001";"2020MM01";"4";"x"'))),
    "trailing delimiter": ("politie", _politie(lambda l: l.insert(25, '"1";"1.1.1 ";"BU05990001";"2020MM01";"4";'))),
    "one field too many, empty": ("meldingen", text(meldingen_lines(30) + ["M,2020-01-01,afval,grofvuil,BU05990001,gemeld,x,"])),
    "two fields too many, empty": ("meldingen", text(meldingen_lines(30) + ["M,2020-01-01,afval,grofvuil,BU05990001,gemeld,x,,"])),
    "one field short, empty": ("meldingen", text(meldingen_lines(30) + ["M,2020-01-01,afval,grofvuil,BU05990001,"])),
    "over-long line": ("politie", _politie(lambda l: l.insert(25, '"1";"' + "x" * (readers.MAX_LINE_BYTES + 10) + '";"a";"b";"4"'))),
    "over-long field": ("politie", _politie(_long_field)),
    "blank before a quote": ("politie", _politie(lambda l: l.insert(25, '"1"; "1.1.1 ";"BU05990001";"2020MM01";"4"'))),
    "blank after a quote": ("politie", _politie(lambda l: l.insert(25, '"1";"1.1.1 " ;"BU05990001";"2020MM01";"4"'))),
    "stray quote": ("politie", _politie(lambda l: l.insert(25, '"1";1.1"1;"BU05990001";"2020MM01";"4"'))),
    "text after a closing quote": ("politie", _politie(lambda l: l.insert(25, '"1";"1.1.1"x;"BU05990001";"2020MM01";"4"'))),
    "bare CR": ("meldingen", text(meldingen_lines(20)) + b"M,2020-01-01,afval,grofvuil,BU05990001,gemeld,x\r"
                + text(meldingen_lines(20)[1:])),
    "mixed line ends": ("meldingen", text(meldingen_lines(20)) + text(meldingen_lines(20)[1:], "\r\n")),
    "NUL byte": ("meldingen", text(meldingen_lines(40) + ["M,2020-01-01,afval,gro\x00fvuil,BU05990001,gemeld,x"])),
    "NUL byte far from the start": ("meldingen", text(meldingen_lines(1000) + ["M,2020-01-01,afval,gro\x00fvuil,BU05990001,gemeld,x"])),
    "bad value": ("politie", _politie(lambda l: l.insert(25, '"1";"1.1.1 ";"BU05990001";"2020MM01";"veel"'))),
}


@pytest.mark.parametrize("case", sorted(FALLBACK))
def test_files_that_are_not_provably_simple_fall_back_to_the_piece_reader(tmp_path, monkeypatch, small, case):
    source, data = FALLBACK[case]
    write(tmp_path, source, "a.csv", data)
    expect_fast = case == "bad value"  # a value the SQL quarantines is still a simple file
    assert_same(tmp_path, source, monkeypatch, small, fast_expected=expect_fast)


def test_a_file_whose_header_spans_lines_falls_back(tmp_path, monkeypatch, small):
    lines = politie_lines()
    lines[0] = lines[0].replace('"ID"', '"I\nD"')
    write(tmp_path, "politie", "a.csv", text(lines))
    with pytest.raises(readers.RawFileError):  # both paths refuse the header alike
        load(tmp_path, "politie", True, monkeypatch)
    with pytest.raises(readers.RawFileError):
        load(tmp_path, "politie", False, monkeypatch)


def test_duplicates_by_content_and_several_files(tmp_path, monkeypatch, small):
    write(tmp_path, "politie", "a.csv", text(politie_lines(50)))
    write(tmp_path, "politie", "b.csv", text(politie_lines(50)))  # same content: duplicaat
    write(tmp_path, "politie", "c.csv", text(politie_lines(20) + ['"1";"1.1.1 ";"BU05990001";"2020MM01"']))  # falls back
    write(tmp_path, "politie", "d.csv", text(politie_lines(70), "\r\n"))
    _, raw_files = assert_same(tmp_path, "politie", monkeypatch, small, fast_expected=True)
    assert raw_files.filter(pl.col("file_name") == "b.csv")["status"].to_list() == ["duplicaat"]
    assert raw_files.filter(pl.col("file_name") == "b.csv")["duplicate_of"].to_list() == ["a.csv"]
    assert small == [True, False, True]


@pytest.mark.parametrize("block", [1, 2, 3, 7, 64, 1 << 20])
def test_the_scan_says_the_same_whatever_the_block_size(tmp_path, monkeypatch, block):
    cases = {**{k: v[1] for k, v in SIMPLE.items()}, **{k: v[1] for k, v in FALLBACK.items()}}
    whole = {}
    for name, data in cases.items():
        if len(data) > 20_000 and block < 64:
            continue  # a block of a few bytes costs numpy calls per byte
        path = write(tmp_path, "politie", f"{abs(hash(name))}.csv", data)
        monkeypatch.setattr(fast, "BLOCK_BYTES", 1 << 24)
        whole[name] = fast.scan_file(path, name, tmp_path)
        monkeypatch.setattr(fast, "BLOCK_BYTES", block)
        got = fast.scan_file(path, name, tmp_path)
        assert (got.sha256, got.size, got.encoding, got.delimiter, got.reason) == (
            whole[name].sha256, whole[name].size, whole[name].encoding, whole[name].delimiter, whole[name].reason), name
        if got.simple:
            assert got.lines == whole[name].lines, name
            physical = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
            assert all(physical[line - 1].rstrip(b"\r") == sample for line, sample in got.samples), name
            assert len(got.samples) >= (len(data) // block - 2 if block > 200 else 0), name
        assert got.sha256 == readers.sha256_of(data)
        if name in SIMPLE:
            assert got.simple, (name, got.reason)


def tables(con) -> dict[str, pl.DataFrame]:
    out = {}
    for name in (*TABLES, "raw_files"):
        frame = con.sql(f'SELECT * FROM "{name}"').pl()
        keys = [c for c, t in frame.schema.items() if not t.is_float()]
        out[name] = frame.sort(keys, nulls_last=True)
    return out


def assert_tables_equal(left, right):
    for name in left:
        a, b = left[name], right[name]
        assert a.columns == b.columns, name
        assert a.equals(b) or all(
            a[c].equals(b[c]) or (a[c].dtype.is_float() and (a[c] - b[c]).abs().max() < 1e-9) for c in a.columns), name


@pytest.mark.parametrize("quirks", [False, True])
def test_golden_run_is_the_same_through_duckdb(raw, monkeypatch, small, quirks):
    """The golden data (and with quirks: the messy golden of test_streaming, part of which must
    fall back) through the whole pipeline: raw tables, quarantine and marts are what reading every
    file whole gives, and raw_files what the piece reader gives (its format label lacks the
    delimiter that read_file adds for a small file)."""
    if quirks:
        messy(raw)
    monkeypatch.setattr(readers, "STREAM_BYTES", 1 << 62)
    whole = tables(build_database(raw.root))
    monkeypatch.setattr(readers, "STREAM_BYTES", 0)
    monkeypatch.setattr(fast, "ENABLED", False)
    pieces = tables(build_database(raw.root))
    assert not small
    monkeypatch.setattr(fast, "ENABLED", True)
    got = tables(build_database(raw.root))
    assert small.count(True) >= (4 if quirks else 7), small
    assert not quirks or False in small
    assert_tables_equal({k: v for k, v in whole.items() if k != "raw_files"}, got)
    assert_tables_equal(pieces, got)
