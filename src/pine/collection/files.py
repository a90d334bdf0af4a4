"""Reading uploaded spreadsheets safely: CSV (any common encoding, with or without a byte order mark, comma,
semicolon or tab), XLSX and SPSS `.sav`.

Every format is read as a stream, one row at a time: the row, column and cell limits are checked while reading,
and reading stops at the first row past a limit, so a refused file costs little memory however it is made. A
file's own claims about its size (an XLSX `<dimension>`, an SPSS header's row count) are never trusted to bound
what is read, and no row is ever dropped without saying so: data in a column with no heading, or rows past a
limit, refuse the file with a message a person can act on.

XLSX files are opened only after their zip directory says they unpack to a sane size (Python's zipfile never
inflates an entry past the size its directory gives). Every XML part openpyxl reads passes first through expat,
a chunk ahead of it, to refuse DTDs, any one piece of text longer than a cell may hold, and too many shared
strings before openpyxl has built them. openpyxl itself parses through defusedxml (no entity expansion).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import os
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal

MAX_COLUMNS = 1000
MAX_ROWS = 200_000
MAX_CELLS = 5_000_000  # rows × columns: what one import may hold
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_BLANK_ROWS = 100_000  # empty rows read past the last row of data before PINE stops and says so
MAX_LINE_CHARS = 2_000_000  # one line of a CSV file
# An XLSX's distinct texts, which openpyxl keeps in memory (about 170 bytes each, plus the text): with the file
# itself, at most about 90 MB.
MAX_SHARED_STRINGS = 250_000
MAX_SHARED_CHARS = 25_000_000
MAX_UNPACKED = 300 * 1024 * 1024  # what an XLSX may unpack to
MAX_RATIO = 400  # how much one part of an XLSX may be compressed; zip bombs are compressed thousands of times
CHUNK = 1024 * 1024
FORMATS = {"csv": "CSV", "txt": "CSV", "xlsx": "Excel", "sav": "SPSS"}
Cell = Any


class FileRefused(Exception):
    """The file cannot be read; the message says why and what to do, for the person."""


@dataclass
class Sheet:
    """What a file holds, found by reading it to the end without keeping its rows."""

    headers: list[str]
    row_count: int
    file_format: str
    first_row: int = 2  # the spreadsheet's own number for the first row of data


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Cell]]
    file_format: str


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(1, round(size / 1024))} KB"


def file_format(filename: str) -> str:
    extension = os.path.splitext(filename.lower())[1].lstrip(".")
    if extension not in FORMATS:
        raise FileRefused("The file must be a CSV, an Excel file (.xlsx) or an SPSS file (.sav)")
    return "csv" if extension == "txt" else extension


def inspect(data: bytes, *, filename: str, max_bytes: int) -> Sheet:
    """The file's headings and number of rows, or FileRefused. Every row is read and checked; none is kept."""
    kind = _check_size(data, filename=filename, max_bytes=max_bytes)
    stream = _Stream(_raw_rows(data, kind))
    count = sum(1 for _ in stream)
    if not count:
        raise FileRefused("The file has column headings but no rows of data")
    return Sheet(stream.headers, count, kind, stream.first_row)


def stream(data: bytes, *, filename: str, max_bytes: int) -> tuple[Sheet, Iterator[list[Cell]]]:
    """The file's headings and an iterator of its rows (each as wide as the headings), read as they are used.

    The row count in the `Sheet` is 0 until the iterator is spent; the limits are checked as it goes.
    """
    kind = _check_size(data, filename=filename, max_bytes=max_bytes)
    rows = _Stream(_raw_rows(data, kind))
    rows.start()
    return Sheet(rows.headers, 0, kind, rows.first_row), iter(rows)


def read(data: bytes, *, filename: str, max_bytes: int) -> Table:
    """The whole file in memory: for small files and tests. Imports use `inspect` and `stream`."""
    sheet, rows = stream(data, filename=filename, max_bytes=max_bytes)
    kept = list(rows)
    if not kept:
        raise FileRefused("The file has column headings but no rows of data")
    return Table(sheet.headers, kept, sheet.file_format)


def _check_size(data: bytes, *, filename: str, max_bytes: int) -> str:
    kind = file_format(filename)
    if not data:
        raise FileRefused("The selected file is empty")
    if len(data) > max_bytes:
        raise FileRefused(f"The selected file must be smaller than {human_size(max_bytes)}")
    return kind


def _blank(row: Sequence[Cell]) -> bool:
    return all(_tidy_cell(c) is None for c in row)


class _Stream:
    """Raw rows in, tidy rows out: headings found, limits checked row by row, trailing empty rows left out."""

    def __init__(self, raw: Iterator[Sequence[Cell]]) -> None:
        self.raw = raw
        self.headers: list[str] = []
        self.first_row = 2
        self.started = False

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        position = 0
        for raw_headers in self.raw:
            position += 1
            if not _blank(raw_headers):
                break
            if position > MAX_BLANK_ROWS:
                raise FileRefused(f"The first {MAX_BLANK_ROWS:,} rows of the file are empty: delete them")
        else:
            raise FileRefused("The selected file is empty")
        headings = [_tidy_cell(h) for h in raw_headers]
        while headings and headings[-1] is None:
            headings.pop()  # trailing empty columns (common in spreadsheets)
        if len(headings) > MAX_COLUMNS:
            raise FileRefused(
                f"The file has {len(headings):,} columns. PINE reads up to {MAX_COLUMNS:,}: remove the columns you "
                "do not need and upload it again"
            )
        self.headers = [str(h) if h is not None else f"Column {i}" for i, h in enumerate(headings, start=1)]
        seen: set[str] = set()
        for header in self.headers:
            if header.casefold() in seen:
                raise FileRefused(f"Two columns are both called “{header[:60]}”: rename one and upload the file again")
            seen.add(header.casefold())
        self.first_row = position + 1

    def __iter__(self) -> Iterator[list[Cell]]:
        self.start()
        width = len(self.headers)
        most = min(MAX_ROWS, MAX_CELLS // max(width, 1))
        number = self.first_row - 1
        data_rows = 0
        blanks = 0  # empty rows not yet given out: only if a row of data follows them
        for raw in self.raw:
            number += 1
            row = [_tidy_cell(c) for c in raw[:width]]
            if len(raw) > width:
                for index, extra in enumerate(raw[width:], start=width + 1):
                    if _tidy_cell(extra) is not None:
                        raise FileRefused(
                            f"Row {number:,} has a value in column {index:,}, which has no heading. Give the column "
                            "a heading, or delete it, and upload the file again"
                        )
            if all(c is None for c in row):
                blanks += 1
                if blanks > MAX_BLANK_ROWS:
                    raise FileRefused(
                        f"The file has more than {MAX_BLANK_ROWS:,} empty rows after row {number - blanks:,}. "
                        "Delete the empty rows and upload it again"
                    )
                continue
            data_rows += blanks + 1
            if data_rows > most:
                raise FileRefused(_too_many(width, most))
            for _ in range(blanks):
                yield [None] * width
            blanks = 0
            if len(row) < width:
                row.extend([None] * (width - len(row)))
            yield row


def _too_many(width: int, most: int) -> str:
    if most < MAX_ROWS:
        return (
            f"The file has more than {most:,} rows of {width:,} columns. PINE imports up to {MAX_CELLS:,} cells at "
            "a time: remove the columns you do not need, or split the file"
        )
    return f"The file has more than {MAX_ROWS:,} rows. PINE imports up to {MAX_ROWS:,} at a time: split it"


def _tidy_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _raw_rows(data: bytes, kind: str) -> Iterator[Sequence[Cell]]:
    if kind == "xlsx":
        return _xlsx_rows(data)
    if kind == "sav":
        return _sav_rows(data)
    return _csv_rows(data)


# CSV


BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
UNREADABLE = "The file could not be read as text: save it as CSV UTF-8 and try again"


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether the whole file decodes, checked a megabyte at a time so no decoded copy is ever kept."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        return False
    try:
        for start in range(0, len(data), CHUNK):
            decoder.decode(data[start : start + CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def encoding(data: bytes) -> str:
    """The text encoding of a CSV file, or FileRefused."""
    for bom, name in BOMS:
        if data.startswith(bom):
            if not _decodes(data, name):
                raise FileRefused(UNREADABLE)
            return name
    if data.startswith(b"PK\x03\x04"):
        raise FileRefused(
            "The file is called .csv but it is an Excel or zip file. Upload it as .xlsx, or save it as CSV"
        )
    if b"\x00" in data[:65536]:
        raise FileRefused("The file is called .csv but it is not a text file. Save your spreadsheet as CSV")
    # Most files are UTF-8; most others in England come from Excel's "CSV" on Windows (cp1252).
    for name in ("utf-8", "cp1252"):
        if _decodes(data, name):
            return name
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262144]).best()
    if best is not None and _decodes(data, best.encoding):
        return best.encoding
    raise FileRefused(UNREADABLE)


def _lines(text: IO[str]) -> Iterator[str]:
    while True:
        line = text.readline(MAX_LINE_CHARS)
        if not line:
            return
        if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise FileRefused(
                f"A line of the file is longer than {MAX_LINE_CHARS:,} characters: check it is a spreadsheet "
                "saved as CSV"
            )
        yield line


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    name = encoding(data)
    first = ""
    with io.TextIOWrapper(io.BytesIO(data), encoding=name, newline="") as text:
        for line in _lines(text):
            if line.strip():
                first = line
                break
    if not first:
        raise FileRefused("The selected file is empty")
    if first.count(",") + first.count(";") + first.count("\t") + 1 > MAX_COLUMNS:
        raise FileRefused(
            f"The file has more than {MAX_COLUMNS:,} columns. Remove the columns you do not need and upload it again"
        )
    csv.field_size_limit(MAX_CELL_CHARS)
    with io.TextIOWrapper(io.BytesIO(data), encoding=name, newline="") as text:
        reader = csv.reader(_lines(text), delimiter=_delimiter(first))
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger" in str(exc):
                    raise FileRefused(
                        f"Row {reader.line_num:,} has a cell longer than {MAX_CELL_CHARS:,} characters, which is "
                        "more than a spreadsheet cell holds: check the file, and any quote marks in it"
                    ) from exc
                raise FileRefused(
                    f"The file could not be read as CSV ({exc}): check it opens in a spreadsheet"
                ) from exc
            yield row


# XLSX


def check_zip(data: bytes) -> zipfile.ZipFile:
    """Refuse a zip that would unpack to far more than it weighs before anything decompresses it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileRefused(
            "The file is called .xlsx but it is not an Excel file. Open it in Excel and save it as .xlsx"
        ) from exc
    if len(entries) > 5000:
        raise FileRefused("The Excel file has too many parts to be a spreadsheet PINE can read")
    total = sum(e.file_size for e in entries)
    if total > MAX_UNPACKED:
        raise FileRefused(
            "The Excel file unpacks to more than 300 MB, which is more than PINE reads. Save it as CSV instead"
        )
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise FileRefused("The Excel file is packed in a way PINE refuses (it could be a zip bomb). Save it as CSV")
    if "xl/workbook.xml" not in {e.filename for e in entries}:
        raise FileRefused(
            "The file is called .xlsx but it is not an Excel workbook. Open it in Excel and save it as .xlsx"
        )
    return archive


class _Refuse(Exception):
    pass


class _Scanner:
    """Expat, fed the same bytes as openpyxl a moment before it: refuses a DTD, any one piece of text longer than a
    cell may hold, and too many shared strings, before openpyxl has built them."""

    def __init__(self) -> None:
        from xml.parsers import expat

        self.parser = expat.ParserCreate()
        self.run = self.strings = self.chars = 0
        self.done = False
        self.parser.StartElementHandler = self._start
        self.parser.CharacterDataHandler = self._text
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._doctype

    def _start(self, tag: str, _attrs: Any) -> None:
        self.run = 0
        if tag == "si" or tag.endswith(":si"):
            self.strings += 1
            if self.strings > MAX_SHARED_STRINGS:
                raise _Refuse(
                    f"The Excel file holds more than {MAX_SHARED_STRINGS:,} different texts, which is more than PINE "
                    "reads. Save it as CSV instead"
                )

    def _text(self, chunk: str) -> None:
        self.run += len(chunk)
        if self.strings:
            self.chars += len(chunk)
            if self.chars > MAX_SHARED_CHARS:
                raise _Refuse(
                    f"The Excel file holds more than {MAX_SHARED_CHARS:,} characters of text, which is more than PINE "
                    "reads. Save it as CSV instead"
                )
        if self.run > MAX_CELL_CHARS:
            raise _Refuse(
                f"A cell of the Excel file holds more than {MAX_CELL_CHARS:,} characters, which is more than Excel "
                "itself allows. Check the file"
            )

    def _doctype(self, *_args: Any) -> None:
        raise _Refuse("The Excel file has parts PINE refuses to read (a DTD). Save it again from Excel as .xlsx")

    def feed(self, data: bytes, *, final: bool = False) -> None:
        if self.done:
            return
        self.done = final
        try:
            self.parser.Parse(data, final)
        except _Refuse as refused:
            raise FileRefused(str(refused)) from None
        except Exception as exc:  # noqa: BLE001 - expat raises many kinds; each means the same here
            raise FileRefused(UNREADABLE_XLSX) from exc


class _GuardedPart:
    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.scanner = _Scanner()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.scanner.feed(data, final=not data or size is None or size < 0)
        return data

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> _GuardedPart:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class _GuardedZip:
    """The workbook's zip as openpyxl sees it: every XML part it reads goes through a `_Scanner` first."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def open(self, name: Any, mode: Literal["r"] = "r") -> _GuardedPart:
        return _GuardedPart(self.archive.open(name, mode))

    def read(self, name: Any) -> bytes:
        data = self.archive.read(name)
        if str(name).endswith((".xml", ".rels")):
            _Scanner().feed(data, final=True)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self.archive, name)


UNREADABLE_XLSX = (
    "The Excel file could not be read. Open it in Excel, save it again as .xlsx (or as CSV), and upload it"
)


def _reader(data: bytes) -> Any:
    """openpyxl's reader, but its read-only sheets never look for a <dimension>: without one, openpyxl parses the
    whole sheet to find out, keeping every row (over a gigabyte for a 6 MB file), and PINE never uses it."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Sheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            pass

    class Reader(ExcelReader):
        def read_worksheets(self) -> None:
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    worksheet = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                    worksheet.sheet_state = sheet.state
                    self.wb._sheets.append(worksheet)

    return Reader(io.BytesIO(data), read_only=True, data_only=True)


def _xlsx_rows(data: bytes) -> Iterator[tuple[Cell, ...]]:
    check_zip(data).close()
    try:
        reader = _reader(data)
        reader.archive = _GuardedZip(reader.archive)
        reader.read()
        workbook = reader.wb
    except FileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds; each means the same to the person
        raise FileRefused(UNREADABLE_XLSX) from exc
    try:
        sheet = workbook.worksheets[0]
        # The file's own <dimension> may be missing or wrong: read every row and cell that is really there.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except FileRefused:
                raise
            except Exception as exc:  # noqa: BLE001 - as above
                raise FileRefused(UNREADABLE_XLSX) from exc
            yield row
    finally:
        workbook.close()


# SPSS


def _sav_rows(data: bytes) -> Iterator[list[Cell]]:
    if not data.startswith((b"$FL2", b"$FL3")):
        raise FileRefused("The file is called .sav but it is not an SPSS data file. Save it from SPSS as .sav")
    import pyreadstat

    unreadable = "The SPSS file could not be read. Save it again from SPSS as .sav and upload it"
    with tempfile.NamedTemporaryFile(suffix=".sav") as handle:
        handle.write(data)
        handle.flush()
        try:
            _empty, meta = pyreadstat.read_sav(handle.name, metadataonly=True)
        except Exception as exc:  # noqa: BLE001 - any failure to parse means the same to the person
            raise FileRefused(unreadable) from exc
        headers = [str(c) for c in meta.column_names]
        if len(headers) > MAX_COLUMNS:
            raise FileRefused(f"The file has {len(headers):,} columns. PINE reads up to {MAX_COLUMNS:,}")
        claimed = meta.number_rows or 0  # the header's claim: enough to refuse early, never to stop reading
        if claimed > min(MAX_ROWS, MAX_CELLS // max(len(headers), 1)):
            raise FileRefused(_too_many(len(headers), min(MAX_ROWS, MAX_CELLS // max(len(headers), 1))))
        yield headers
        size = max(1, 200_000 // max(len(headers), 1))
        offset = 0
        while True:
            try:
                frame, _meta = pyreadstat.read_sav(
                    handle.name, apply_value_formats=False, row_offset=offset, row_limit=size
                )
            except Exception as exc:  # noqa: BLE001 - as above
                raise FileRefused(unreadable) from exc
            if not len(frame):
                return
            offset += len(frame)
            for record in frame.itertuples(index=False, name=None):
                yield [_from_pandas(v) for v in record]


def _from_pandas(value: Any) -> Cell:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "to_pydatetime"):
        try:
            return value.to_pydatetime()
        except ValueError:
            return None
    if isinstance(value, dt.date | str | int | float):
        return value
    return str(value)
