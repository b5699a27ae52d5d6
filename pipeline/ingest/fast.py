"""Large CSV files that are provably simple are parsed by DuckDB itself (issue 12).

The piece reader (readers.read_pieces) parses with numpy, polars and the csv module and hands
each piece to DuckDB; DuckDB's own CSV reader inserts straight into raw_<source> in about half
the time and memory. DuckDB gives no line number for an accepted row, so this path is only taken
when the file has provably one physical line per record: then the line is the row's ordinal + 1.

What scan_file checks, in the pass that hashes the file anyway: UTF-8 (BOM allowed) or
Windows-1252 (re-encoded to a temporary UTF-8 copy: one byte is one character, so no line moves);
no NUL byte; line ends all LF or all CRLF (no bare CR), no blank line; every line shorter than
SIMPLE_LINE_BYTES (below MAX_LINE_BYTES, and no field can exceed MAX_FIELD_CHARS: nothing for
mark_limits to mark); quotes only as RFC 4180 has them, an opening quote right after a delimiter
or line start, a closing one right before a delimiter, line end or escaped quote (DuckDB trims
blanks around quotes and reads stray quotes unlike polars), balanced at the end.

What DuckDB checks while reading (error() in the SQL stops the insert): every record has exactly
the header's number of fields (strict mode, and one column more than the header with
null_padding, because DuckDB silently drops one empty field after the last), and no record is
blank (the other parsers drop those). After the insert: exactly one row per line after the
header (so no quoted line end), and the first records plus one record after every scan block
equal what the piece reader makes of them (order and values). Anything else, or any doubt,
deletes the file's rows and reads it piece by piece as before: the result is the same either
way, only the time differs (tests/test_fast_ingest.py).
"""

from __future__ import annotations

import codecs
import hashlib
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from pipeline.ingest import formats, readers
from pipeline.ingest.readers import FileInfo, RawFileError
from pipeline.ingest.sources import Source

# The switch (VI_FAST_INGEST=0 in the environment, or False here): every large file piece by piece.
ENABLED = os.environ.get("VI_FAST_INGEST", "1") != "0"
BLOCK_BYTES = 16 << 20  # the scan reads this much at a time
SIMPLE_LINE_BYTES = 1 << 16  # a line this long or longer is not simple
HEAD_BYTES = 1 << 20  # the first records, read as before for header, form and the comparison
_LF, _CR, _QUOTE = 10, 13, 34
NO_VALUE = "\x1f\x1e"  # DuckDB's nullstr: a field of exactly this would be NULL, so ragged, so refused


@dataclass
class Scan:
    sha256: str
    size: int
    encoding: str
    reason: str = ""  # why the file is not simple ("" = simple)
    lines: int = 0  # physical lines
    delimiter: str = ""
    samples: list[tuple[int, bytes]] = field(default_factory=list)  # (line, its bytes) one per block

    @property
    def simple(self) -> bool:
        return not self.reason


_OPEN_AFTER = np.zeros(256, dtype=bool)  # bytes a quote may follow when it opens a field
_CLOSE_BEFORE = np.zeros(256, dtype=bool)  # bytes a quote may precede when it closes one
_OPEN_AFTER[[_LF, _QUOTE]] = True
_CLOSE_BEFORE[[_LF, _CR, _QUOTE]] = True


class _Shape:
    """The line checks, block by block, with numpy on the line-end positions (state carried
    across block boundaries)."""

    def __init__(self):
        self.reason = ""
        self.lf = self.cr = self.crlf = 0
        self.delimiter = 0
        self.last_lf = -1  # position of the last line end, counted from the start of the current block
        self.tail = b"\n"  # the last bytes before the current block (a line start at the beginning)
        self.samples: list[tuple[int, bytes]] = []
        self.quotes = 0  # quotes seen: its parity says whether the next one opens or closes
        self.prev = _LF  # the byte before the pending one (a line start at the beginning of the file)
        self.pending = b""  # the last byte of the previous block, checked once its successor is known

    def fail(self, reason: str) -> None:
        self.reason = self.reason or reason

    def header(self, block: bytes) -> bytes:
        """The first block without its BOM; the delimiter from the header line, as readers sniffs it."""
        body = block[3:] if block.startswith(readers.UTF8_BOM) else block
        end = min((i for i in (body.find(b"\n"), body.find(b"\r")) if i >= 0), default=-1)
        if end <= 0:
            self.fail("kopregel")
            return body
        # only ASCII counts for the delimiter: latin-1 reads any byte, UTF-8 or Windows-1252 alike
        self.delimiter = ord(readers.sniff_delimiter(body[:end].decode("latin-1")))
        return body

    def _bytes_at(self, buf: np.ndarray, positions: np.ndarray) -> np.ndarray:
        values = buf[np.maximum(positions, 0)]
        for i in np.flatnonzero(positions < 0):  # before the block: at most two
            offset = len(self.tail) + int(positions[i])
            values[i] = self.tail[offset] if offset >= 0 else _LF
        return values

    def block(self, data: bytes) -> None:
        if self.reason or not data:
            return
        if b"\x00" in data:
            return self.fail("nul-byte")
        buf = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(buf == _LF)
        has_cr = b"\r" in data
        if has_cr:
            self.cr += data.count(b"\r")
        if ends.size:
            lengths = np.diff(ends, prepend=self.last_lf)  # line end to line end: the line's bytes + 1
            if lengths.max() > SIMPLE_LINE_BYTES:
                return self.fail("lange regel")
            if (lengths == 1).any():
                return self.fail("lege regel")
            if has_cr or self.tail[-1:] == b"\r":
                with_cr = self._bytes_at(buf, ends - 1) == _CR
                self.crlf += int(np.count_nonzero(with_cr))
                if (with_cr & (lengths == 2)).any():
                    return self.fail("lege regel")
            if self.lf and ends.size > 1:  # a sample: the first whole line in this block, for the order check
                self.samples.append((self.lf + 2, data[ends[0] + 1:ends[1]].rstrip(b"\r")))
            self.lf += ends.size
            self.last_lf = int(ends[-1]) - len(data)
        else:
            self.last_lf -= len(data)
            if -self.last_lf > SIMPLE_LINE_BYTES:
                return self.fail("lange regel")
        self.tail = (self.tail + data[-2:])[-2:]
        if b'"' in data or self.pending == b'"':
            self._quotes(self.pending + data, final=False)
        else:
            if len(data) > 1:
                self.prev = data[-2]
            elif self.pending:
                self.prev = self.pending[0]
            self.pending = data[-1:]

    def finish(self) -> None:
        if self.reason:
            return
        self._quotes(self.pending, final=True)
        if self.quotes % 2:
            return self.fail("aanhalingsteken open")
        if self.cr != self.crlf or (self.crlf and self.crlf != self.lf):
            return self.fail("regeleinden")  # bare CR, or LF and CRLF mixed
        if -self.last_lf > SIMPLE_LINE_BYTES:
            return self.fail("lange regel")


    def _quotes(self, data: bytes, final: bool) -> None:
        """Every quote opens a field (after a delimiter, line end or quote) or closes one (before a
        delimiter, CR, line end, quote or the end of the file): DuckDB trims blanks around quotes
        and reads stray quotes unlike polars. The last byte waits for its successor."""
        if not data:
            return
        buf = np.frombuffer(data, dtype=np.uint8)
        checked = len(buf) if final else len(buf) - 1
        positions = np.flatnonzero(buf[:checked] == _QUOTE)
        if positions.size:
            parity = self.quotes % 2
            opening, closing = positions[parity::2], positions[1 - parity::2]
            before = buf[np.maximum(opening - 1, 0)]
            if opening.size and opening[0] == 0:
                before[0] = self.prev
            after = buf[np.minimum(closing + 1, len(buf) - 1)]
            if final and closing.size and closing[-1] == len(buf) - 1:
                after[-1] = _LF  # the end of the file
            open_after, close_before = _OPEN_AFTER.copy(), _CLOSE_BEFORE.copy()
            open_after[self.delimiter] = close_before[self.delimiter] = True
            if not (open_after[before].all() and close_before[after].all()):
                self.fail("aanhalingstekens")
            self.quotes += positions.size
        if checked:
            self.prev = int(buf[checked - 1])
        self.pending = data[checked:]


def scan_file(path: Path, name: str, root: Path) -> Scan:
    """(sha256, size, encoding: UTF-8 when all of it is, else Windows-1252, INPUTS.md) and
    whether the file is simple, in one pass over the file. The hash runs in a second thread
    (hashlib releases the GIL)."""
    digest, size, head = hashlib.sha256(), 0, b""
    decoder, utf8 = codecs.getincrementaldecoder("utf-8")(), True
    shape = _Shape()
    hashing = None
    with readers.open_raw(path, name, root) as handle, ThreadPoolExecutor(1) as pool:
        try:
            first = b""  # the start of the file until the header line is complete
            while block := handle.read(BLOCK_BYTES):
                if hashing is not None:
                    hashing.result()
                hashing = pool.submit(digest.update, block)
                if first is not None:
                    first += block
                    if b"\n" in first or b"\r" in first or len(first) > SIMPLE_LINE_BYTES:
                        head = first[:3]
                        shape.block(shape.header(first))
                        first = None
                else:
                    shape.block(block)
                size += len(block)
                # ASCII needs no decoding, unless a sequence from the previous block is pending
                if utf8 and not (block.isascii() and not decoder.getstate()[0]):
                    try:
                        decoder.decode(block)
                    except UnicodeDecodeError:
                        utf8 = False
            if first is not None:  # no line end at all
                head = first[:3]
                shape.block(shape.header(first))
            if utf8:
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
        except OSError as exc:
            raise RawFileError(f"{name} kan niet worden gelezen ({exc.strerror}).") from None
        finally:
            if hashing is not None:
                hashing.result()
    shape.finish()
    encoding = ("utf-8-sig" if head.startswith(readers.UTF8_BOM) else "utf-8") if utf8 else "windows-1252"
    lines = shape.lf + (0 if shape.tail[-1:] == b"\n" else 1)
    return Scan(digest.hexdigest(), size, encoding, shape.reason, lines,
                chr(shape.delimiter) if shape.delimiter else "", shape.samples)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_large(table, path: Path, source: Source, file_order: int, root: Path, sink, seen: dict) -> FileInfo:
    """A large CSV file into table (files._Table): by DuckDB when it is simple, else piece by
    piece (readers.read_pieces). A file whose content was read before is a duplicate."""
    name = f"{source.folder}/{path.name}"
    scan = scan_file(path, name, root)
    info = FileInfo(source.name, path.name, file_order, scan.sha256, scan.size, encoding=scan.encoding)
    if scan.sha256 in seen:
        info.status, info.duplicate_of = "duplicaat", seen[scan.sha256]
        return info
    if not (ENABLED and scan.simple and _bulk(table, path, source, info, scan, root)):
        readers.read_pieces(path, source, info, root, sink)
    seen[scan.sha256] = path.name
    return info


def _bulk(table, path: Path, source: Source, info: FileInfo, scan: Scan, root: Path) -> bool:
    """DuckDB reads the whole file into the table; False (and nothing inserted) when the result
    is not provably what the piece reader gives."""
    name = f"{source.folder}/{path.name}"
    with readers.open_raw(path, name, root) as handle:
        piece, _ = next(readers.pieces(handle, HEAD_BYTES))
        piece_header = piece[:SIMPLE_LINE_BYTES]
        real = os.path.realpath(f"/proc/self/fd/{handle.fileno()}")  # the file opened, not a link swapped in
    head, first = readers.read_csv_file(path, source, info.file_order, piece, encoding=info.encoding)
    del piece
    if first.delimiter != scan.delimiter or formats.complete(head, first, source) is not head:
        return False  # complete() adds a column from the file name (KWB): the piece reader does that
    for key in ("delimiter", "format_id", "format", "headers", "encoding"):
        setattr(info, key, getattr(first, key))
    columns = [c for c in head.columns if not c.startswith("_")]
    width = len(columns)
    header = piece_header.split(b"\n", 1)[0].rstrip(b"\r").removeprefix(readers.UTF8_BOM).decode("latin-1")
    if not all(_clean(f) for f in header.split(info.delimiter)):
        return False  # a quoted delimiter or line end in the header: DuckDB would skip only its first line
    # One column more than the header: DuckDB pads a short record with NULL (null_padding) and
    # silently drops one empty field after the last; with no value read as NULL (nullstr), a NULL
    # or a value in the extra column is a record of another width. That, and a record of blanks
    # only (no record for the other parsers), stops the insert (error()): the piece reader decides.
    types = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width + 1))
    ragged = " OR ".join(f"c{i} IS NULL" for i in range(width)) + f" OR c{width} IS NOT NULL"
    blank = " AND ".join(f"trim(c{i}, ' \t') = ''" for i in range(width))
    select = (
        f"SELECT {', '.join(f'c{i} AS {_quote(c)}' for i, c in enumerate(columns))}, "
        "CAST(ordinality + 1 AS BIGINT) AS _line, "
        f"CAST(CASE WHEN {ragged} THEN error('ragged record') WHEN {blank} THEN error('blank record') "
        f"ELSE {width} END AS INTEGER) AS _fields, "
        f"CAST({width} AS INTEGER) AS _expected_fields, CAST(? AS VARCHAR) AS _file, CAST(? AS INTEGER) AS _file_order, "
        "CAST(? AS VARCHAR) AS _format, "
        + ", ".join(f"CAST(NULL AS VARCHAR) AS {c}" for c in readers.PROBLEM_COLUMNS)
        + f" FROM read_csv(?, columns = {{{types}}}, delim = ?, quote = '\"', escape = '\"', header = true, "
        "auto_detect = false, strict_mode = true, null_padding = true, ignore_errors = false, "
        f"allow_quoted_nulls = false, nullstr = '{NO_VALUE}', encoding = 'utf-8') WITH ORDINALITY")
    with tempfile.TemporaryDirectory(prefix="vi-ingest-") as folder:
        if info.encoding == "windows-1252":  # DuckDB reads UTF-8 only: the same text, re-encoded
            real = _to_utf8(path, name, root, Path(folder) / "utf8.csv")
            if real is None:
                return False  # not Windows-1252 either: the piece reader names the line
        params = [info.file_name, info.file_order, info.format_id, real, info.delimiter]
        try:
            rows = table.insert_select(select, params, columns)
        except Exception:  # noqa: BLE001 - DuckDB refused the file (strict mode): the piece reader decides
            table.delete_file(info.file_order)
            return False
    if rows != scan.lines - 1 or not _same(table, info, columns, head, scan, source):
        table.delete_file(info.file_order)
        return False
    info.rows_read = rows
    return True


def _to_utf8(path: Path, name: str, root: Path, target: Path) -> str | None:
    """A Windows-1252 file as UTF-8 (owner-only, removed after the insert): one byte is one
    character, and line ends, quotes and delimiters stay where they are, so lines do not move."""
    decoder = codecs.getincrementaldecoder("cp1252")()
    try:
        with readers.open_raw(path, name, root) as source, open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                                                                      0o600), "wb") as out:
            while block := source.read(BLOCK_BYTES):
                out.write(decoder.decode(block).encode("utf-8"))
    except UnicodeDecodeError:
        return None
    return str(target)


def _clean(value: str) -> bool:
    """A field as the SQL above accepts it: no quote, or wholly quoted with quotes inside doubled."""
    if '"' not in value:
        return True
    return len(value) >= 2 and value[0] == value[-1] == '"' and '"' not in value[1:-1].replace('""', '')


def _same(table, info: FileInfo, columns: list[str], head: pl.DataFrame, scan: Scan, source: Source) -> bool:
    """The first records, and one record per scan block, as the piece reader reads them."""
    con, raw = table.con, _quote(table.name)
    expected = [head]
    samples = [(line, data) for line, data in scan.samples if line > (head["_line"].max() or 1)]
    if samples:
        encoding = "cp1252" if info.encoding == "windows-1252" else "utf-8"
        text = b"\n".join(data for _, data in samples).decode(encoding) + "\n"
        frame = readers.parse_fast(text, info.delimiter, columns, 1)
        if frame is None or frame.height != len(samples):
            return False
        frame = frame.with_columns(pl.Series("_line", [line for line, _ in samples], dtype=pl.Int64))
        frame = readers.mark_limits(frame, columns, {}, "", source)
        expected.append(readers._with_file_columns(frame, info, len(columns)))
    expected = pl.concat(expected, how="vertical_relaxed").select(head.columns)
    lines = expected["_line"].to_list()
    got = pl.from_arrow(con.sql(
        f"SELECT {', '.join(_quote(c) for c in head.columns)} FROM {raw} WHERE _file_order = ? "
        "AND _line IN (SELECT unnest(?)) ORDER BY _line", params=[info.file_order, lines]).to_arrow_table())
    return got.cast(dict(expected.schema)).equals(expected)
