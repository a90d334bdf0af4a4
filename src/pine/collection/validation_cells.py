"""Reading one spreadsheet cell as an answer: scale points and their labels, numbers, dates and text.

A cell that cannot be read raises `CellProblem`, saying what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from pine.collection.models import Item, ItemKind
from pine.core import text as text_rule

EXCEL_EPOCH = dt.date(1899, 12, 30)
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ \-]([A-Za-z]+)[ \-,]+(\d{4})$")
YES = {"yes", "y", "true", "1", "1.0"}
NO = {"no", "n", "false", "0", "0.0"}
FORMULA = re.compile(r"^(?:[=@]|[+\-](?![\d.\s]|$))")


class CellProblem(Exception):
    pass


# Cells


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour, value.minute) != (0, 0) else value.strftime("%d/%m/%Y")
    return str(value)


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise CellProblem("not a number")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"-?\d+,\d{1,2}", text):
        text = text.replace(",", ".")  # a decimal comma, as in 3,5
    elif re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")  # thousands, as in 1,200
    try:
        number = float(text)
    except ValueError as exc:
        raise CellProblem("not a number") from exc
    if number != number or number in (float("inf"), float("-inf")):
        raise CellProblem("not a number")
    return number


def _whole(number: float) -> int | float:
    return int(number) if number.is_integer() else number


def parse_date(value: Any) -> dt.date:
    """A date from a spreadsheet: a date cell, an Excel day number, or UK day/month/year, ISO or words."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellProblem("date in an impossible format: use day/month/year, like 27/03/2026")
    text = str(value).strip()
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    match = DAY_FIRST.match(text)
    if match:
        day, month, year = (int(p) for p in match.groups())
        if len(match.group(3)) == 2:
            year += 2000 if year < 70 else 1900
    elif match := ISO.match(text):
        year, month, day = (int(p) for p in match.groups())
    elif match := WORDS.match(text):
        month_number = MONTHS.get(match.group(2).casefold())
        if month_number is None:
            raise CellProblem("date in an impossible format: use day/month/year, like 27/03/2026")
        day, month, year = int(match.group(1)), month_number, int(match.group(3))
    else:
        raise CellProblem("date in an impossible format: use day/month/year, like 27/03/2026")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellProblem("not a real date (check the day and month: PINE reads dates as day/month/year)") from exc


def _converter(item: Item) -> Callable[[Any], Any]:
    """A function from a cell to the stored answer, raising CellProblem with what is wrong."""
    labels = item.value_labels()
    lookup: dict[str, Any] = {}
    for number, label in labels.items():
        lookup[str(number)] = number
        lookup[f"{number}.0"] = number
        lookup[label.casefold()] = number
        lookup[f"{number} - {label}".casefold()] = number
        lookup[f"{number} – {label}".casefold()] = number
    if item.kind == ItemKind.YES_NO:
        lookup = {**{w: 1 for w in YES}, **{w: 0 for w in NO}}
    bounds = item.scale_range

    if item.kind in {ItemKind.LIKERT, ItemKind.SINGLE, ItemKind.YES_NO}:
        low, high = bounds if bounds else (0.0, 0.0)

        def scale(cell: Any) -> Any:
            key = cell.casefold() if isinstance(cell, str) else _text(cell)
            found = lookup.get(key)
            if found is not None:
                return found
            try:
                number = _number(cell)
            except CellProblem:
                if item.kind == ItemKind.YES_NO:
                    raise CellProblem("not yes or no") from None
                raise CellProblem(
                    f"not on the scale: use a number from {low:g} to {high:g} or one of its labels"
                ) from None
            if not number.is_integer() or not low <= number <= high:
                raise CellProblem(f"outside the scale: answers go from {low:g} to {high:g}")
            return int(number)

        return scale
    if item.kind == ItemKind.MULTIPLE:

        def several(cell: Any) -> Any:
            parts = [p.strip() for p in re.split(r"[;|,]", _text(cell)) if p.strip()]
            chosen = set()
            for part in parts:
                found = lookup.get(part.casefold())
                if found is None:
                    raise CellProblem(f"“{part[:40]}” is not one of the options")
                chosen.add(found)
            return sorted(chosen)

        return several
    if item.kind == ItemKind.NUMBER:

        def in_range(cell: Any) -> Any:
            value = _number(cell)
            if item.minimum is not None and value < item.minimum:
                raise CellProblem(f"outside the range: the lowest allowed is {item.minimum:g}")
            if item.maximum is not None and value > item.maximum:
                raise CellProblem(f"outside the range: the highest allowed is {item.maximum:g}")
            return _whole(value)

        return in_range
    if item.kind == ItemKind.DATE:
        return lambda cell: parse_date(cell).isoformat()
    limit = 300 if item.kind == ItemKind.SHORT_TEXT else 5000

    def text(cell: Any) -> Any:
        value = _text(cell)
        check_text(value, multiline=item.kind != ItemKind.SHORT_TEXT)
        if len(value) > limit:
            raise CellProblem(f"too long: use {limit:,} characters or fewer")
        return value

    return text


def check_text(value: str, *, multiline: bool = False) -> None:
    """Refuse what could run as a spreadsheet formula when opened later, and what breaks PINE's one text rule
    (core/text.py): control characters anywhere, line breaks in a short answer or a team's name."""
    if FORMULA.match(value):
        raise CellProblem("starts like a spreadsheet formula (=, +, - or @): remove that first character")
    found = text_rule.problem(value, multiline=multiline)
    if found == "line_breaks":
        raise CellProblem("contains a line break: put the answer on one line")
    if found == "control_characters":
        raise CellProblem("contains invisible control characters: type the cell again")
