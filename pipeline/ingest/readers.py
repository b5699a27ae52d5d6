"""Read one raw CSV file exactly as INPUTS.md describes, into a frame of strings.

Every value stays text here: typing and validation happen in the SQL staging models, so that
every rejected value can be quarantined with its file, line and column. This module only
refuses files that cannot be read at all (RawFileError, with a Dutch message for the analyst).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from pipeline.ingest import formats
from pipeline.ingest.sources import Source

CHUNK_ROWS = 200_000
DELIMITERS = (";", ",", "\t")

# File-format limits (not method numbers; docs/robustness.md). No input of INPUTS.md comes near
# them; beyond them a line or field is no usable data and would only cost memory.
MAX_LINE_BYTES = 1_000_000  # one physical line; longer -> quarantine line_too_long
MAX_FIELD_CHARS = 100_000  # one field (also one spanning lines); longer -> quarantine field_too_long
MAX_RECORD_CHARS = 16_000_000  # a quoted field spanning lines beyond this: the structure is lost, stop
EXCERPT_CHARS = 200  # at most this much of a line or value in a message or the quarantine
SCAN_BYTES = 1 << 24  # the line-length scan works in chunks of this size (bounded memory)
LINE_MARKER = b"#"  # stands in for a cut line: non-blank, no quote, no delimiter


class RawFileError(Exception):
    """A raw file that cannot be read at all; the message is Dutch and names the file."""


def excerpt(text: str, limit: int | None = None) -> str:
    """At most `limit` characters of a value for messages and the quarantine, with … when cut."""
    limit = EXCERPT_CHARS if limit is None else limit
    return text if len(text) <= limit else text[:limit] + "…"


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # Dutch thousands separator


def line_number(data: bytes, pos: int) -> int:
    """Physical line (1-based) of byte offset pos, with CRLF, LF and CR each ending a line."""
    return data.count(b"\n", 0, pos) + data.count(b"\r", 0, pos) - data.count(b"\r\n", 0, pos) + 1


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
    format_id: str = ""  # formats.Form.id, also raw_<source>._format
    format: str = ""  # Dutch, shown per file
    line_unit: str = "regel"  # regel (physical CSV line) | record (position in a JSON value list)
    headers: dict[str, str] = field(default_factory=dict)  # raw column -> its name in the file


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _outside_link(name: str, what: str) -> RawFileError:
    # Names the link only: never the target, never anything read from it.
    return RawFileError(f"{name} is een symbolische koppeling naar {what} buiten de ruwe map; die wordt "
                        "niet gevolgd. Zet het bestand zelf in de ruwe map.")


def list_csv_files(folder: Path, source: Source, root: Path | None = None) -> list[Path]:
    """Every file of the source's extensions (*.csv; politie also *.json) in the folder, in
    file-name order, filtered for sources sharing a folder.
    Confined to the raw folder `root`: a symbolic link (the source folder or a file) may point
    within it, never outside (RawFileError); a FIFO, device or socket named .csv is refused
    rather than opened (it could block the run or never end)."""
    real_root = os.path.realpath(root if root is not None else folder.parent)
    if folder.is_symlink() and not _inside(os.path.realpath(folder), real_root):
        raise _outside_link(f"{source.folder}/", "een map")
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except PermissionError:
        raise RawFileError(f"Bronmap {source.folder}/ is niet leesbaar (geen leesrechten).") from None
    files = []
    for entry in entries:
        path = Path(entry.path)
        if path.suffix.lower() not in source.extensions:
            continue
        name = f"{source.folder}/{entry.name}"
        if entry.is_symlink() and not _inside(os.path.realpath(path), real_root):
            raise _outside_link(name, "een bestand")
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            if entry.is_symlink():
                raise RawFileError(f"{name} is een symbolische koppeling naar een bestand dat niet bestaat.") from None
            continue  # removed while listing: it is no longer in the folder
        if stat.S_ISDIR(mode):
            continue  # a folder that happens to be called .csv
        if not stat.S_ISREG(mode):
            raise _not_regular(name)
        files.append(path)
    if source.file_prefix:
        files = [p for p in files if p.name.lower().startswith(source.file_prefix)]
    if source.exclude_prefix:
        files = [p for p in files if not p.name.lower().startswith(source.exclude_prefix)]
    return files


def _not_regular(name: str) -> RawFileError:
    return RawFileError(f"{name} is geen gewoon bestand (een named pipe, apparaat of socket); alleen "
                        "gewone CSV-bestanden worden gelezen.")


def open_raw(path: Path, name: str, root: Path) -> io.BufferedReader:
    """One listed file, opened without following a link out of the raw folder and without
    blocking on a FIFO; a file that vanished or cannot be opened is a Dutch RawFileError."""
    real = os.path.realpath(path)
    if not _inside(real, os.path.realpath(root)):
        raise _outside_link(name, "een bestand")
    try:
        # O_NOFOLLOW: a link swapped in after the check is refused; O_NONBLOCK: a FIFO never blocks.
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise RawFileError(f"{name} is verdwenen tijdens het lezen (verwijderd of verplaatst terwijl de run "
                           "liep); zet het bestand terug of start de run opnieuw.") from None
    except PermissionError:
        raise RawFileError(f"{name} is niet leesbaar (geen leesrechten voor dit bestand).") from None
    except OSError as exc:
        raise RawFileError(f"{name} kan niet worden geopend ({exc.strerror}).") from None
    handle = os.fdopen(fd, "rb")  # closes fd on every path
    try:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise _not_regular(name)
    except BaseException:
        handle.close()
        raise
    return handle


def read_raw_bytes(path: Path, name: str, root: Path, limit: int = -1) -> bytes:
    """The bytes of one listed file (at most `limit`), opened as open_raw does."""
    with open_raw(path, name, root) as handle:
        try:
            return handle.read(limit)
        except OSError as exc:
            raise RawFileError(f"{name} kan niet worden gelezen ({exc.strerror}).") from None


def cut_long_lines(data: bytes, name: str, first_line: int = 1) -> tuple[bytes, dict[int, str]]:
    """Physical lines longer than MAX_LINE_BYTES are replaced by LINE_MARKER (line numbers stay);
    returned with {line: excerpt} so the record can be quarantined. Scanned in chunks, so a
    100 MB line costs no more than the file itself. A long line with an unbalanced quote, or the
    header, leaves no recoverable record structure: the run stops."""
    arr = np.frombuffer(data, dtype=np.uint8)
    spans, start = [], 0
    for offset in range(0, len(arr), SCAN_BYTES):
        chunk = arr[offset:offset + SCAN_BYTES]
        ends = np.flatnonzero((chunk == 10) | (chunk == 13)) + offset
        if ends.size:
            starts = np.concatenate(([start], ends[:-1] + 1))
            long = np.flatnonzero(ends - starts > MAX_LINE_BYTES)
            spans.extend(zip(starts[long].tolist(), ends[long].tolist()))
            start = int(ends[-1]) + 1
    if len(arr) - start > MAX_LINE_BYTES:
        spans.append((start, len(arr)))
    if not spans:
        return data, {}
    cut, pieces, previous = {}, [], 0
    for begin, end in spans:
        line = line_number(data, begin) + first_line - 1  # first_line: where this piece starts in the file
        shown = excerpt(data[begin:begin + 4 * EXCERPT_CHARS].decode("utf-8", errors="replace"))
        if line == 1:
            raise RawFileError(f"{name}: de kopregel is langer dan {_n(MAX_LINE_BYTES)} bytes; dit is geen "
                               f"CSV-bestand met kolomnamen. Begin: {shown}")
        if data.count(b'"', begin, end) % 2:
            raise RawFileError(f"{name}, regel {line}: de regel is langer dan {_n(MAX_LINE_BYTES)} bytes en een "
                               "aanhalingsteken erin sluit niet; de regels daarna zijn niet betrouwbaar te lezen. "
                               f"Begin van de regel: {shown}")
        pieces += [data[previous:begin], LINE_MARKER]
        previous, cut[line] = end, shown
    pieces.append(data[previous:])
    return b"".join(pieces), cut


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """UTF-8 (BOM optional) first, else Windows-1252, as INPUTS.md prescribes. `encoding`: the
    whole file's, decided by fast.scan_file when a large file is read in pieces (a first piece that
    happens to be valid UTF-8 is still Windows-1252 when a later one is not)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise RawFileError(f"{name}: het bestand is UTF-16 (Excel 'Unicode-tekst'); sla het op als "
                           "'CSV UTF-8' of 'CSV (gescheiden door lijstscheidingsteken)'.")
    if b"\x00" in data[:65536]:
        raise RawFileError(f"{name}: dit is geen tekstbestand (binaire inhoud); verwacht een CSV-bestand.")
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], True
    else:
        bom = False
    if encoding != "windows-1252":
        try:
            return data.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise _undecodable(data, exc, name, 1) from None


def _undecodable(data: bytes, exc: UnicodeDecodeError, name: str, first_line: int) -> RawFileError:
    line = line_number(data, exc.start) + first_line - 1
    return RawFileError(
        f"{name}, regel {line}: de tekens zijn noch UTF-8 noch Windows-1252 (byte 0x{data[exc.start]:02x}); "
        "sla het bestand op als CSV UTF-8.")


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
    """Trimmed, unquoted, lower case, runs of white space as one space (StatLine label headers)."""
    return [re.sub(r"\s+", " ", n.strip().strip('"').strip().lower()) for n in names]


def _check_text(text: str, name: str) -> str:
    stripped = text.lstrip()
    if not stripped:
        raise RawFileError(f"{name}: het bestand is leeg; verwacht een kopregel met kolomnamen.")
    if stripped[:1] == "<" or stripped[:15].lower().startswith(("<!doctype", "<html", "<?xml")):
        raise RawFileError(f"{name}: dit lijkt een HTML/XML-pagina, geen CSV-bestand "
                           "(is een downloadpagina opgeslagen in plaats van de data?).")
    return text


def read_csv_file(path: Path, source: Source, file_order: int, data: bytes | None = None,
                  encoding: str | None = None) -> tuple[pl.DataFrame, FileInfo]:
    """Parse one file into strings plus _file, _file_order, _line (physical start line) and
    _fields (number of fields on that record, to quarantine ragged or truncated rows), and
    _problem/_problem_column/_problem_value for a record over the line or field limit."""
    name = f"{source.folder}/{path.name}"
    data = read_raw_bytes(path, name, path.parent) if data is None else data
    info = FileInfo(source.name, path.name, file_order, sha256_of(data), len(data))
    data, long_lines = cut_long_lines(data, name)
    text, info.encoding = decode(data, name, encoding)
    del data  # only the text from here on
    text = _check_text(text, name)
    first = re.match(r"([^\r\n]*)(?:\r\n|\r|\n)?", text)  # the header line, with any line end
    info.delimiter = sniff_delimiter(first.group(1))

    csv.field_size_limit(MAX_RECORD_CHARS)  # process-wide in the csv module: set before every use
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=info.delimiter, quotechar='"')
    try:
        original = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise RawFileError(f"{name}: de kopregel is onleesbaar ({exc}).") from None
    columns = name_columns(source, original, info, name, f"scheidingsteken '{info.delimiter}' herkend")
    width = len(columns)

    frame = None
    if reader.line_num == 1:  # the header is one physical line
        frame = parse_fast(text[first.end():], info.delimiter, columns)
    if frame is None:  # multi-line records, blank lines, CR line ends: the exact (slower) parser
        frame = parse_exact(text, info.delimiter, columns, name)
    del text
    frame = mark_limits(frame, columns, long_lines, name, source)
    info.rows_read = frame.height
    return _with_file_columns(frame, info, width), info


def _with_file_columns(frame: pl.DataFrame, info: FileInfo, width: int) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(info.file_name).alias("_file"),
        pl.lit(info.file_order, dtype=pl.Int32).alias("_file_order"),
        pl.lit(width, dtype=pl.Int32).alias("_expected_fields"),
        pl.lit(info.format_id).alias("_format"),
    )


def name_columns(source: Source, original: list[str], info: FileInfo, name: str, found_how: str) -> list[str]:
    """The raw column name for each header position: the source's name where one of its forms
    (formats.py) recognises the header, else the header name itself (extra columns are kept).
    Records the form on info; a header that no form recognises stops the run."""
    header = normalise_header(original)
    match = formats.recognise(source, header)
    if match is None:
        first = formats.forms(source)[0]
        missing = [c for c in first.required if not any(re.fullmatch(first.columns[c], h) for h in header)]
        others = [f.label for f in formats.forms(source)[1:]]
        also = f"; ook herkend: {', '.join(others)}" if others else ""
        raise RawFileError(
            f"{name}: kolom(men) {', '.join(missing)} ontbreken. Verwacht voor "
            f"{source.description}: {', '.join(source.columns)}{also} ({found_how}; "
            f"gevonden kolommen: {excerpt(', '.join(header)) or '-'}).")
    form, found = match
    info.format_id, info.format = form.id, form.label
    named = set(found.values())
    seen: set[str] = set()
    columns = []
    for i, col in enumerate(header):
        if i in found:
            col = found[i]
            info.headers[col] = excerpt(original[i].strip())
        else:  # an extra column, a repeated name or an empty one: kept under a safe name
            col = col or f"kolom_{i + 1}"
            if col in seen or col in named or col.startswith("_"):
                col = f"{col}_{i + 1}"
        seen.add(col)
        columns.append(col)
    return columns


PROBLEM_COLUMNS = {"_problem": pl.String, "_problem_column": pl.String, "_problem_value": pl.String}


def mark_limits(frame: pl.DataFrame, columns: list[str], long_lines: dict[int, str], name: str,
                source: Source) -> pl.DataFrame:
    """Mark records over the limits: a cut line (line_too_long, on the record holding that line)
    and a field over MAX_FIELD_CHARS (field_too_long; only an excerpt of the value is kept).
    A source whose base model does not quarantine these yet stops instead: never wrong numbers."""
    n = frame.height
    lengths = frame.select(pl.col(columns).str.len_chars().max()).row(0) if n else ()
    too_long = [c for c, m in zip(columns, lengths) if m is not None and m > MAX_FIELD_CHARS]
    if not (too_long or long_lines):
        return frame.with_columns(pl.lit(None, dtype=t).alias(c) for c, t in PROBLEM_COLUMNS.items())
    problem, column, value = [None] * n, [None] * n, [None] * n
    for col in reversed(too_long):  # the first long column of a record is the one reported
        hits = frame.with_row_index("_i").filter(pl.col(col).str.len_chars() > MAX_FIELD_CHARS)
        for i, v in zip(hits["_i"], hits[col]):
            problem[i], column[i], value[i] = "field_too_long", col, excerpt(v)
    if too_long:
        frame = frame.with_columns(
            pl.when(pl.col(c).str.len_chars() > MAX_FIELD_CHARS)
            .then(pl.col(c).str.slice(0, EXCERPT_CHARS) + "…").otherwise(pl.col(c)).alias(c) for c in too_long)
    for line, shown in long_lines.items():
        i = int(frame["_line"].search_sorted(line, side="right")) - 1  # the record holding this line
        if i < 0:  # inside a header that spans lines
            raise RawFileError(f"{name}: de kopregel is langer dan {_n(MAX_LINE_BYTES)} bytes; dit is geen "
                               f"CSV-bestand met kolomnamen. Begin: {shown}")
        problem[i], column[i], value[i] = "line_too_long", None, shown
    frame = frame.with_columns(pl.Series(c, x, dtype=pl.String)
                               for c, x in zip(PROBLEM_COLUMNS, (problem, column, value)))
    if not source.quarantines_limits:
        row = frame.filter(pl.col("_problem").is_not_null()).row(0, named=True)
        limit = (f"regel te lang: meer dan {_n(MAX_LINE_BYTES)} bytes" if row["_problem"] == "line_too_long"
                 else f"veld {row['_problem_column']} te lang: meer dan {_n(MAX_FIELD_CHARS)} tekens")
        raise RawFileError(f"{name}, regel {row['_line']}: {limit}. Zo'n regel is geen bruikbare rij; kort hem in "
                           f"of verwijder hem. Begin: {row['_problem_value']}")
    return frame


def parse_fast(body: str, delimiter: str, columns: list[str], first_line: int = 2) -> pl.DataFrame | None:
    """Vectorised parse of the records after the header, for the common case that every record
    is on one physical line and no line is blank; None when that does not hold. The number of
    fields per line is counted here too (outside quotes), so ragged rows are still caught. Line
    ends, quotes and delimiters are found with numpy on the bytes (a national police file has
    millions of lines)."""
    if not body.strip():
        return None if body.strip("\r\n") else _frame(columns, [], [], [])
    if body.count("\r") != body.count("\r\n"):
        return None  # a bare CR ends a line too (old Mac export, mixed line ends): exact parser
    data = body.encode("utf-8")
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    if not data.endswith(b"\n"):
        ends = np.append(ends, len(buf))
    starts = np.concatenate(([0], ends[:-1] + 1))
    content_ends = ends - (buf[np.maximum(ends - 1, 0)] == 13) * (ends > starts)  # without a CR before LF
    if (content_ends <= starts).any():
        return None  # a blank line
    quotes = np.flatnonzero(buf == 34)  # positions, sorted: counts per line by binary search
    if ((np.searchsorted(quotes, content_ends) - np.searchsorted(quotes, starts)) % 2).any():
        return None  # a quote spanning lines
    def per_line(positions):
        return np.searchsorted(positions, content_ends) - np.searchsorted(positions, starts)

    delimiters = np.flatnonzero(buf == ord(delimiter))
    # a line of only delimiters, quotes and blanks is no record (below); counted exactly, cheaply
    filler = per_line(delimiters) + per_line(quotes) + per_line(np.flatnonzero((buf == 32) | (buf == 9)))
    maybe_empty = filler == content_ends - starts
    delimiters = delimiters[np.searchsorted(quotes, delimiters) % 2 == 0]  # outside quotes
    fields = per_line(delimiters) + 1
    try:
        frame = pl.read_csv(data, has_header=False, schema={c: pl.String for c in columns},
                            separator=delimiter, quote_char='"', truncate_ragged_lines=True,
                            missing_columns="insert", empty_string_is_null=False)
    except pl.exceptions.PolarsError:
        return None
    if frame.height != len(starts):
        return None
    frame = frame.with_columns(pl.int_range(first_line, frame.height + first_line, dtype=pl.Int64).alias("_line"),
                               pl.Series("_fields", fields, dtype=pl.Int32))
    if not maybe_empty.any():
        return frame
    # A row of only delimiters (Excel writes ;;;; for an empty row) is no record, like a blank line.
    empty = pl.Series(maybe_empty) & frame.select(pl.all_horizontal(pl.col(c).fill_null("").str.strip_chars() == ""
                                                                    for c in columns)
                                                  ).to_series().fill_null(False)
    return frame.filter(~empty)


def parse_exact(text: str, delimiter: str, columns: list[str], name: str, has_header: bool = True,
                first_line: int = 1) -> pl.DataFrame:
    """The csv module, record by record: exact physical start lines for records that span
    lines (quoted newlines) and files with blank lines. Parsed strictly first: a quote still open
    at the end of the file would silently swallow every later line into one field, so it stops
    the run; other strict complaints (a stray quote after a closing quote) are parsed leniently."""
    try:
        return _parse_records(text, delimiter, columns, strict=True, has_header=has_header, first_line=first_line)
    except _OpenQuote as exc:
        raise RawFileError(f"{name}, regel {exc.line}: een aanhalingsteken wordt niet gesloten (afgebroken "
                           "bestand of regel?); alles daarna zou in één veld belanden.") from None
    except _FieldTooLarge as exc:
        raise _field_too_large(name, exc.line) from None
    except csv.Error:
        try:
            return _parse_records(text, delimiter, columns, strict=False, has_header=has_header,
                                  first_line=first_line)
        except _FieldTooLarge as exc:
            raise _field_too_large(name, exc.line) from None
        except csv.Error as exc:
            raise RawFileError(f"{name}: onleesbare CSV ({excerpt(str(exc))}).") from None


def _field_too_large(name: str, line: int) -> RawFileError:
    return RawFileError(f"{name}, regel {line}: een veld tussen aanhalingstekens loopt over meer dan "
                        f"{_n(MAX_RECORD_CHARS)} tekens door; de regels daarna zijn niet betrouwbaar te lezen "
                        "(ontbreekt er een sluitend aanhalingsteken?).")


class _FieldTooLarge(Exception):
    def __init__(self, line: int):
        self.line = line


class _OpenQuote(Exception):
    def __init__(self, line: int):
        self.line = line


def _parse_records(text: str, delimiter: str, columns: list[str], strict: bool, has_header: bool = True,
                   first_line: int = 1) -> pl.DataFrame:
    width = len(columns)
    csv.field_size_limit(MAX_RECORD_CHARS)  # fields up to MAX_FIELD_CHARS are quarantined, beyond this: stop
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=strict)
    if has_header:
        next(reader)  # the header, already checked
    offset = first_line - 1  # a piece of a large file: its lines continue the file's numbering
    chunks: list[pl.DataFrame] = []
    lines: list[int] = []
    fields: list[int] = []
    rows: list[list[str]] = []
    end_of_previous = reader.line_num
    try:
        for row in reader:
            start = end_of_previous + 1 + offset
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
            raise _OpenQuote(end_of_previous + 1 + offset) from None
        if "field larger than field limit" in str(exc):
            raise _FieldTooLarge(end_of_previous + 1 + offset) from None
        raise
    if rows or not chunks:
        chunks.append(_frame(columns, rows, lines, fields))
    return pl.concat(chunks) if len(chunks) > 1 else chunks[0]


def _frame(columns: list[str], rows: list[list[str]], lines: list[int], fields: list[int]) -> pl.DataFrame:
    data = dict(zip(columns, map(list, zip(*rows)))) if rows else {c: [] for c in columns}
    frame = pl.DataFrame(data, schema={c: pl.String for c in columns})
    return frame.with_columns(pl.Series("_line", lines, dtype=pl.Int64),
                              pl.Series("_fields", fields, dtype=pl.Int32))


def read_json_file(path: Path, source: Source, file_order: int, data: bytes) -> tuple[pl.DataFrame, FileInfo]:
    """An OData answer (INPUTS.md: CBS TypedDataSet as JSON, v3 `odata.metadata` or v4
    `@odata.context`, a page of a larger download per file) into the same strings as a CSV: a
    string value as it stands, a number as JSON writes it, null as NULL (not published). The
    'line' of a record is its 1-based position in `value` (line_unit record)."""
    name = f"{source.folder}/{path.name}"
    info = FileInfo(source.name, path.name, file_order, sha256_of(data), len(data), line_unit="record")
    text, info.encoding = decode(data, name)
    del data
    if not text.strip():
        raise RawFileError(f"{name}: het bestand is leeg; verwacht een OData-antwoord (JSON met 'value').")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RawFileError(f"{name}, regel {exc.lineno}: geen geldige JSON ({exc.msg}); verwacht een "
                           "OData-antwoord van de CBS-API (JSON met 'value').") from None
    del text
    records = document.get("value") if isinstance(document, dict) else None
    if not isinstance(records, list):
        keys = ", ".join(map(str, document)) if isinstance(document, dict) else type(document).__name__
        raise RawFileError(f"{name}: dit is geen OData-antwoord met een lijst 'value' (gevonden: "
                           f"{excerpt(keys)}). Download de TypedDataSet van de tabel.")
    version = "v4" if "@odata.context" in document else "v3" if "odata.metadata" in document else ""
    bad = next((i for i, r in enumerate(records, 1) if not isinstance(r, dict)), None)
    if bad is not None:
        raise RawFileError(f"{name}, record {bad}: geen object met velden; verwacht records zoals "
                           "{\"SoortMisdrijf\": ..., \"WijkenEnBuurten\": ..., ...}.")
    original = list(dict.fromkeys(k for record in records for k in record))
    columns = name_columns(source, original, info, name, f"OData JSON {version}".strip())
    info.format = f"{info.format}, JSON {version}".rstrip(" ,") if version else f"{info.format}, JSON"
    info.delimiter = ""

    def text_of(value):
        return value if isinstance(value, str) or value is None else json.dumps(value, ensure_ascii=False)

    frame = pl.DataFrame({col: [text_of(r.get(key)) for r in records] for col, key in zip(columns, original)},
                         schema={c: pl.String for c in columns})
    del records, document
    frame = frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("_line"),
                               pl.lit(len(columns), dtype=pl.Int32).alias("_fields"))
    frame = mark_limits(frame, columns, {}, name, source)
    info.rows_read = frame.height
    return _with_file_columns(frame, info, len(columns)), info


def read_file(path: Path, source: Source, file_order: int, data: bytes) -> tuple[pl.DataFrame, FileInfo]:
    """One raw file by its kind: JSON when it is an OData answer, else CSV (by content, not name)."""
    if ".json" in source.extensions and (path.suffix.lower() == ".json"
                                          or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")):
        return read_json_file(path, source, file_order, data)
    frame, info = read_csv_file(path, source, file_order, data)
    if info.delimiter == ",":
        info.format += ", CSV met komma's (cbsodata/R)" if info.format_id == "odata" else ", CSV met komma's"
    else:
        info.format += f", CSV met '{info.delimiter}'"
    return frame, info


def peek_header(path: Path, name: str, root: Path) -> list[str]:
    """The normalised header of a CSV file from its first bytes only (routing files of a folder
    shared by sources, INPUTS.md: a mapping file is recognised by its header, whatever its name).
    An unreadable start gives an empty header: the file is then read, and judged, as usual."""
    data = read_raw_bytes(path, name, root, limit=65536)
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    line = re.match(r"[^\r\n]*", text).group(0)
    try:
        return normalise_header(next(csv.reader([line], delimiter=sniff_delimiter(line), quotechar='"')))
    except (StopIteration, csv.Error):
        return []


# --- Large files: read in pieces, so that memory stays flat however large the input -----------
# A file above STREAM_BYTES is read twice in blocks: once for its hash, encoding and shape
# (fast.scan_file), then by DuckDB when it is simple, else piece by piece, each piece ending at
# a line end outside quotes (a record boundary), so the same parsers and checks apply to every
# piece as to a small file, with the file's line numbers.
STREAM_BYTES = 64 << 20
PIECE_BYTES = 16 << 20
UTF8_BOM = b"\xef\xbb\xbf"


def line_ends(data: bytes) -> int:
    """Physical line ends in data (CRLF, LF and CR each end a line), as line_number counts them."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def pieces(handle, size: int = PIECE_BYTES):
    """(piece, its first line) for a file: each piece ends at a line end with an even number of
    quotes before it, so that no quoted field is cut; a quote left open to the end of the file
    makes the rest one piece (the parser then stops the run, naming the line)."""
    pending, line = b"", 1
    while True:
        block = handle.read(size)
        pending += block
        cut = pending.rfind(b"\n") if block else len(pending) - 1
        if block and (cut < 0 or pending.count(b'"', 0, cut + 1) % 2):
            continue  # no line end yet, or inside a quoted field: read on
        piece, pending = pending[:cut + 1], pending[cut + 1:]
        if piece:
            yield piece, line
            line += line_ends(piece)
        if not block:
            return


def read_pieces(path: Path, source: Source, info: FileInfo, root: Path, sink) -> None:
    """The pieces of a scanned file (info: its sha256, size and whole-file encoding) into sink."""
    name = f"{source.folder}/{path.name}"
    encoding, file_order = info.encoding, info.file_order
    columns: list[str] | None = None
    with open_raw(path, name, root) as handle:
        for piece, first_line in pieces(handle):
            if columns is None:
                frame, first = read_csv_file(path, source, file_order, piece, encoding=encoding)
                for key in ("delimiter", "format_id", "format", "headers"):
                    setattr(info, key, getattr(first, key))
                info.encoding = first.encoding
                columns = [c for c in frame.columns if not c.startswith("_")]
            else:
                data, long_lines = cut_long_lines(piece, name, first_line)
                try:
                    text = data.decode("cp1252" if encoding == "windows-1252" else "utf-8")
                except UnicodeDecodeError as exc:
                    raise _undecodable(data, exc, name, first_line) from None
                del data
                frame = parse_fast(text, info.delimiter, columns, first_line)
                if frame is None:  # multi-line records, blank lines, bare CR: the exact parser
                    frame = parse_exact(text, info.delimiter, columns, name, has_header=False, first_line=first_line)
                del text
                frame = mark_limits(frame, columns, long_lines, name, source)
                frame = _with_file_columns(frame, info, len(columns))
            info.rows_read += frame.height
            sink(frame, info)
            del frame
