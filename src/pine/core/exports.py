"""Table downloads as CSV and XLSX, written once for every export in PINE.

Text a person typed can start with `=`, `+`, `-` or `@`, which spreadsheet programs run as a formula (CSV
injection); such cells are prefixed with an apostrophe so they are shown as text. XLSX cannot hold most control
characters at all (openpyxl refuses the whole file): `xlsx_cell` removes them from text stored before PINE's
text rule (core/text.py) refused them at input.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from pine.core.text import WORD_BREAKS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_cell(value: Any) -> Any:
    """A value for an XLSX cell: characters XLSX cannot hold removed, then safe from running as a formula."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", WORD_BREAKS.sub("\n", value))
    return safe_cell(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def csv_response(rows: Iterable[list[Any]], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows: Iterable[list[Any]], *, filename: str, sheet: str) -> HttpResponse:
    table = [[xlsx_cell(cell) for cell in row] for row in rows]
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    # Column widths must be set before the first row in a write-only workbook.
    for index in range(1, max((len(r) for r in table), default=0) + 1):
        width = max((len(str(r[index - 1])) for r in table if len(r) >= index), default=8)
        worksheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, width + 2))
    for cells in table:
        worksheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
