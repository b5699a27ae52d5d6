"""Read one raw CSV file exactly as INPUTS.md describes, into a frame of strings.

Every value stays text here: typing and validation happen in the SQL staging models, so that
every rejected value can be quarantined with its file, line and column. This module only
refuses files that cannot be read at all (RawFileError, with a Dutch message for the analyst).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.ingest.sources import Source

CHUNK_ROWS = 200_000
DELIMITERS = (";", ",", "\t")
csv.field_size_limit(10_000_000)


class RawFileError(Exception):
    """A raw file that cannot be read at all; the message is Dutch and names the file."""


@dataclass
class FileInfo:
    source: str
    file_name: str
    file_order: int
    sha256: str
    size_bytes: int
    encoding: str = ""
    delimiter: str = ""
    rows_read: int = 0
    status: str = "gelezen"  # gelezen | duplicaat
    duplicate_of: str | None = None


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def list_csv_files(folder: Path, source: Source) -> list[Path]:
    """Every *.csv in the folder, in file-name order, filtered for sources sharing a folder."""
    if not folder.is_dir():
        return []
    files = sorted((p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv"),
                   key=lambda p: p.name)
    if source.file_prefix:
        files = [p for p in files if p.name.lower().startswith(source.file_prefix)]
    if source.exclude_prefix:
        files = [p for p in files if not p.name.lower().startswith(source.exclude_prefix)]
    return files


def decode(data: bytes, name: str) -> tuple[str, str]:
    """UTF-8 (BOM optional) first, else Windows-1252, as INPUTS.md prescribes."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise RawFileError(f"{name}: het bestand is UTF-16 (Excel 'Unicode-tekst'); sla het op als "
                           "'CSV UTF-8' of 'CSV (gescheiden door lijstscheidingsteken)'.")
    if b"\x00" in data[:65536]:
        raise RawFileError(f"{name}: dit is geen tekstbestand (binaire inhoud); verwacht een CSV-bestand.")
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], True
    else:
        bom = False
    try:
        return data.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise RawFileError(
            f"{name}, regel {line}: de tekens zijn noch UTF-8 noch Windows-1252 (byte 0x{data[exc.start]:02x}); "
            "sla het bestand op als CSV UTF-8.") from None


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that occurs most often in the header line, outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    in_quotes = False
    for ch in header_line:
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def normalise_header(names: list[str]) -> list[str]:
    return [n.strip().strip('"').strip().lower() for n in names]


def _check_text(text: str, name: str) -> str:
    stripped = text.lstrip()
    if not stripped:
        raise RawFileError(f"{name}: het bestand is leeg; verwacht een kopregel met kolomnamen.")
    if stripped[:1] == "<" or stripped[:15].lower().startswith(("<!doctype", "<html", "<?xml")):
        raise RawFileError(f"{name}: dit lijkt een HTML/XML-pagina, geen CSV-bestand "
                           "(is een downloadpagina opgeslagen in plaats van de data?).")
    return text


def read_csv_file(path: Path, source: Source, file_order: int, data: bytes | None = None
                  ) -> tuple[pl.DataFrame, FileInfo]:
    """Parse one file into strings plus _file, _file_order, _line (physical start line) and
    _fields (number of fields on that record, to quarantine ragged or truncated rows)."""
    name = f"{source.folder}/{path.name}"
    data = path.read_bytes() if data is None else data
    info = FileInfo(source.name, path.name, file_order, sha256_of(data), len(data))
    text, info.encoding = decode(data, name)
    text = _check_text(text, name)
    first_line = text.split("\n", 1)[0].rstrip("\r")
    info.delimiter = sniff_delimiter(first_line)

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=info.delimiter, quotechar='"')
    try:
        header = normalise_header(next(reader))
    except (StopIteration, csv.Error) as exc:
        raise RawFileError(f"{name}: de kopregel is onleesbaar ({exc}).") from None
    missing = [c for c in source.columns if c not in header]
    if missing:
        raise RawFileError(
            f"{name}: kolom(men) {', '.join(missing)} ontbreken. Verwacht voor "
            f"{source.description}: {', '.join(source.columns)} (scheidingsteken "
            f"'{info.delimiter}' herkend; gevonden kolommen: {', '.join(header) or '-'}).")
    # Columns beyond the header, or a repeated header name, are kept under a safe name.
    seen: dict[str, int] = {}
    columns = []
    for i, col in enumerate(header):
        col = col or f"kolom_{i + 1}"
        if col in seen:
            col = f"{col}_{i + 1}"
        seen[col] = i
        columns.append(col)
    width = len(columns)

    frame = None
    if reader.line_num == 1:  # the header is one physical line
        frame = parse_fast(text.split("\n", 1)[1] if "\n" in text else "", info.delimiter, columns)
    if frame is None:  # multi-line records, blank lines: the exact (slower) parser
        frame = parse_exact(text, info.delimiter, columns, name)
    info.rows_read = frame.height
    frame = frame.with_columns(
        pl.lit(path.name).alias("_file"),
        pl.lit(file_order, dtype=pl.Int32).alias("_file_order"),
        pl.lit(width, dtype=pl.Int32).alias("_expected_fields"),
    )
    return frame, info


def parse_fast(body: str, delimiter: str, columns: list[str]) -> pl.DataFrame | None:
    """Vectorised parse of the records after the header, for the common case that every record
    is on one physical line and no line is blank; None when that does not hold. The number of
    fields per line is counted here too (outside quotes), so ragged rows are still caught."""
    if not body.strip():
        return None if body.strip("\r\n") else _frame(columns, [], [], [])
    lines = pl.Series("line", [body]).str.split("\n").explode()
    if body.endswith("\n"):
        lines = lines.head(-1)
    lines = lines.str.strip_suffix("\r")
    if (lines.str.len_bytes() == 0).any() or (lines.str.count_matches('"', literal=True) % 2 == 1).any():
        return None  # a blank line or a quote spanning lines
    fields = lines.str.replace_all('"[^"]*"', "").str.count_matches(delimiter, literal=True) + 1
    try:
        frame = pl.read_csv(body.encode("utf-8"), has_header=False, schema={c: pl.String for c in columns},
                            separator=delimiter, quote_char='"', truncate_ragged_lines=True,
                            missing_columns="insert", empty_string_is_null=False)
    except pl.exceptions.PolarsError:
        return None
    if frame.height != len(lines):
        return None
    frame = frame.with_columns(pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias("_line"),
                               fields.cast(pl.Int32).alias("_fields"))
    # A row of only delimiters (Excel writes ;;;; for an empty row) is no record, like a blank line.
    return frame.filter(~pl.all_horizontal(pl.col(c).str.strip_chars() == "" for c in columns))


def parse_exact(text: str, delimiter: str, columns: list[str], name: str) -> pl.DataFrame:
    """The csv module, record by record: exact physical start lines for records that span
    lines (quoted newlines) and files with blank lines. Parsed strictly first: a quote still open
    at the end of the file would silently swallow every later line into one field, so it stops
    the run; other strict complaints (a stray quote after a closing quote) are parsed leniently."""
    try:
        return _parse_records(text, delimiter, columns, strict=True)
    except _OpenQuote as exc:
        raise RawFileError(f"{name}, regel {exc.line}: een aanhalingsteken wordt niet gesloten (afgebroken "
                           "bestand of regel?); alles daarna zou in één veld belanden.") from None
    except csv.Error:
        try:
            return _parse_records(text, delimiter, columns, strict=False)
        except csv.Error as exc:
            raise RawFileError(f"{name}: onleesbare CSV ({exc}).") from None


class _OpenQuote(Exception):
    def __init__(self, line: int):
        self.line = line


def _parse_records(text: str, delimiter: str, columns: list[str], strict: bool) -> pl.DataFrame:
    width = len(columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=strict)
    next(reader)  # the header, already checked
    chunks: list[pl.DataFrame] = []
    lines: list[int] = []
    fields: list[int] = []
    rows: list[list[str]] = []
    end_of_previous = reader.line_num
    try:
        for row in reader:
            start = end_of_previous + 1
            end_of_previous = reader.line_num
            if not any(field.strip() for field in row):  # a blank line, or Excel's ;;;; row: no record
                continue
            lines.append(start)
            fields.append(len(row))
            rows.append(row if len(row) == width else (row + [None] * width)[:width])
            if len(rows) >= CHUNK_ROWS:
                chunks.append(_frame(columns, rows, lines, fields))
                rows, lines, fields = [], [], []
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise _OpenQuote(end_of_previous + 1) from None
        raise
    if rows or not chunks:
        chunks.append(_frame(columns, rows, lines, fields))
    return pl.concat(chunks) if len(chunks) > 1 else chunks[0]


def _frame(columns: list[str], rows: list[list[str]], lines: list[int], fields: list[int]) -> pl.DataFrame:
    data = dict(zip(columns, map(list, zip(*rows)))) if rows else {c: [] for c in columns}
    frame = pl.DataFrame(data, schema={c: pl.String for c in columns})
    return frame.with_columns(pl.Series("_line", lines, dtype=pl.Int64),
                              pl.Series("_fields", fields, dtype=pl.Int32))
