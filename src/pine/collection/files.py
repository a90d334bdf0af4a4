"""Reading uploaded spreadsheets safely: CSV (any common encoding, with or without a byte order mark, comma,
semicolon or tab), XLSX and SPSS `.sav`.

A file is refused with a message a person can act on when it is not what its name claims, too big, empty, a
zip bomb, or too wide. XLSX files are opened only after their zip directory says they unpack to a sane size,
and openpyxl parses their XML through defusedxml (no entity expansion).
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
from dataclasses import dataclass
from typing import Any

MAX_COLUMNS = 1000
MAX_ROWS = 200_000
MAX_UNPACKED = 300 * 1024 * 1024  # what an XLSX may unpack to
MAX_RATIO = 400  # how much one part of an XLSX may be compressed; zip bombs are compressed thousands of times
FORMATS = {"csv": "CSV", "txt": "CSV", "xlsx": "Excel", "sav": "SPSS"}
Cell = Any


class FileRefused(Exception):
    """The file cannot be read; the message says why and what to do, for the person."""


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


def read(data: bytes, *, filename: str, max_bytes: int) -> Table:
    """The file's column headings and rows, or FileRefused."""
    kind = file_format(filename)
    if not data:
        raise FileRefused("The selected file is empty")
    if len(data) > max_bytes:
        raise FileRefused(f"The selected file must be smaller than {human_size(max_bytes)}")
    if kind == "xlsx":
        headers, rows = _read_xlsx(data)
    elif kind == "sav":
        headers, rows = _read_sav(data)
    else:
        headers, rows = _read_csv(data)
    return _tidy(headers, rows, kind)


def _tidy(raw_headers: list[Any], raw_rows: list[list[Cell]], kind: str) -> Table:
    if not raw_headers or all(h in (None, "") for h in raw_headers):
        raise FileRefused("The file has no column headings: the first row must name each column")
    # Trailing empty columns (common in spreadsheets) are dropped.
    while raw_headers and raw_headers[-1] in (None, ""):
        raw_headers.pop()
    if len(raw_headers) > MAX_COLUMNS:
        raise FileRefused(
            f"The file has {len(raw_headers):,} columns. PINE reads up to {MAX_COLUMNS:,}: remove the columns you do "
            "not need and upload it again"
        )
    headers = [str(h).strip() if h not in (None, "") else f"Column {i}" for i, h in enumerate(raw_headers, start=1)]
    seen: set[str] = set()
    for header in headers:
        if header.casefold() in seen:
            raise FileRefused(f"Two columns are both called “{header[:60]}”: rename one and upload the file again")
        seen.add(header.casefold())
    width = len(headers)
    rows: list[list[Cell]] = []
    for raw in raw_rows:
        row = [_tidy_cell(c) for c in raw[:width]]
        if len(row) < width:
            row.extend([None] * (width - len(row)))
        rows.append(row)
    # Blank rows at the end are not data; blank rows in between are kept (and skipped) so row numbers match.
    while rows and all(c is None for c in rows[-1]):
        rows.pop()
    if not rows:
        raise FileRefused("The file has column headings but no rows of data")
    if len(rows) > MAX_ROWS:
        raise FileRefused(f"The file has {len(rows):,} rows. PINE imports up to {MAX_ROWS:,} at a time: split it")
    return Table(headers, rows, kind)


def _tidy_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# CSV


BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> str:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise FileRefused("The file could not be read as text: save it as CSV UTF-8 and try again") from exc
    if data.startswith(b"PK\x03\x04"):
        raise FileRefused(
            "The file is called .csv but it is an Excel or zip file. Upload it as .xlsx, or save it as CSV"
        )
    if b"\x00" in data[:65536]:
        raise FileRefused("The file is called .csv but it is not a text file. Save your spreadsheet as CSV")
    for encoding in ("utf-8", "cp1252"):
        # Most files are UTF-8; most others in England come from Excel's "CSV" on Windows (cp1252).
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262144]).best()
    encoding = best.encoding if best is not None else "cp1252"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise FileRefused("The file could not be read as text: save it as CSV UTF-8 and try again") from exc


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> tuple[list[Any], list[list[Cell]]]:
    text = decode(data)
    if not text.strip():
        raise FileRefused("The selected file is empty")
    first = text.lstrip("\r\n").split("\n", 1)[0]
    if first.count(",") + first.count(";") + first.count("\t") + 1 > MAX_COLUMNS:
        raise FileRefused(
            f"The file has more than {MAX_COLUMNS:,} columns. Remove the columns you do not need and upload it again"
        )
    csv.field_size_limit(1_000_000)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise FileRefused(f"The file could not be read as CSV ({exc}): check it opens in a spreadsheet") from exc
    while rows and not any(c.strip() for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise FileRefused("The selected file is empty")
    return list(rows[0]), [list(r) for r in rows[1:]]


# XLSX


def check_zip(data: bytes) -> None:
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


def _read_xlsx(data: bytes) -> tuple[list[Any], list[list[Cell]]]:
    check_zip(data)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise FileRefused(
                f"The file has {sheet.max_column:,} columns. PINE reads up to {MAX_COLUMNS:,}: remove the columns you "
                "do not need and upload it again"
            )
        if (sheet.max_row or 0) > MAX_ROWS + 1:
            raise FileRefused(
                f"The file has {sheet.max_row:,} rows. PINE imports up to {MAX_ROWS:,} at a time: split it"
            )
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
    except FileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds; each means the same to the person
        raise FileRefused(
            "The Excel file could not be read. Open it in Excel, save it again as .xlsx (or as CSV), and upload it"
        ) from exc
    while rows and all(c in (None, "") for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise FileRefused("The selected file is empty")
    return rows[0], rows[1:]


# SPSS


def _read_sav(data: bytes) -> tuple[list[Any], list[list[Cell]]]:
    if not data.startswith((b"$FL2", b"$FL3")):
        raise FileRefused("The file is called .sav but it is not an SPSS data file. Save it from SPSS as .sav")
    import pyreadstat

    with tempfile.NamedTemporaryFile(suffix=".sav") as handle:
        handle.write(data)
        handle.flush()
        try:
            frame, _meta = pyreadstat.read_sav(handle.name, apply_value_formats=False)
        except Exception as exc:  # noqa: BLE001 - any failure to parse means the same to the person
            raise FileRefused("The SPSS file could not be read. Save it again from SPSS as .sav and upload it") from exc
    headers = [str(c) for c in frame.columns]
    if len(headers) > MAX_COLUMNS:
        raise FileRefused(f"The file has {len(headers):,} columns. PINE reads up to {MAX_COLUMNS:,}")
    rows: list[list[Cell]] = []
    for record in frame.itertuples(index=False, name=None):
        rows.append([_from_pandas(v) for v in record])
    return headers, rows


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
