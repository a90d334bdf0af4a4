"""The form a respondent fills in for one page of a questionnaire, built from its questions.

The same form renders the builder's preview, so the preview is exactly what respondents see. Answers are kept
as `{item code: value}`: the number of a rating scale's point or a chosen option, 1 or 0 for yes or no, a list
of numbers for several options, an ISO date, or text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms

from pine.collection.models import Item, ItemKind
from pine.core.forms import GovukDateField, GovukForm


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77].rstrip() + "…"


def _field(item: Item) -> forms.Field:
    label = item.text + ("" if item.required else " (optional)")
    common: dict[str, Any] = {"label": label, "help_text": item.help_text, "required": item.required}
    what = _short(item.text)
    if item.kind in {ItemKind.LIKERT, ItemKind.SINGLE}:
        labels = item.value_labels()
        return forms.TypedChoiceField(
            choices=[(str(v), text) for v, text in labels.items()],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": f"Select an answer to: {what}"},
            **common,
        )
    if item.kind == ItemKind.YES_NO:
        return forms.TypedChoiceField(
            choices=[("1", "Yes"), ("0", "No")],
            coerce=int,
            widget=forms.RadioSelect(attrs={"inline": True}),
            error_messages={"required": f"Select yes or no: {what}"},
            **common,
        )
    if item.kind == ItemKind.MULTIPLE:
        return forms.TypedMultipleChoiceField(
            choices=[(str(v), text) for v, text in item.value_labels().items()],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": f"Select at least one answer to: {what}"},
            **common,
        )
    if item.kind == ItemKind.NUMBER:
        low, high = item.minimum, item.maximum
        messages = {
            "required": f"Enter a number: {what}",
            "invalid": f"Enter a number, like 3: {what}",
            "min_value": f"Enter a number of {low:g} or more" if low is not None else "",
            "max_value": f"Enter a number of {high:g} or less" if high is not None else "",
        }
        return forms.FloatField(
            min_value=low,
            max_value=high,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
            error_messages=messages,
            **common,
        )
    if item.kind == ItemKind.DATE:
        common.pop("label")
        date = GovukDateField(label=label, help_text=item.help_text or "For example, 27 3 2026", required=item.required)
        date.name_for_errors = item.text  # "When did you start? must include a year", without "(optional)"
        return date
    if item.kind == ItemKind.LONG_TEXT:
        return forms.CharField(
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 5}),
            error_messages={
                "required": f"Enter your answer: {what}",
                "max_length": "Use 5,000 characters or fewer",
                "control_characters": f"Remove the invisible control characters from your answer: {what}",
            },
            **common,
        )
    return forms.CharField(
        max_length=300,
        error_messages={
            "required": f"Enter your answer: {what}",
            "max_length": "Use 300 characters or fewer",
            "line_breaks": f"Put your answer on one line: {what}",
            "control_characters": f"Remove the invisible control characters from your answer: {what}",
        },
        **common,
    )


def page_form(items: Iterable[Item], data: Any = None, saved: dict[str, Any] | None = None) -> GovukForm:
    """A form for these questions, filled in with the answers saved so far."""
    form = GovukForm(data, initial={item.code: to_initial(item, (saved or {}).get(item.code)) for item in items})
    for item in items:
        form.fields[item.code] = _field(item)
    return form


def to_stored(item: Item, value: Any) -> Any:
    if value in (None, "", []):
        return None
    if item.kind == ItemKind.DATE and isinstance(value, dt.date):
        return value.isoformat()
    if item.kind == ItemKind.NUMBER:
        return int(value) if float(value).is_integer() else float(value)
    if item.kind == ItemKind.MULTIPLE:
        return sorted(int(v) for v in value)
    return value


def to_initial(item: Item, stored: Any) -> Any:
    if stored is None:
        return None
    if item.kind == ItemKind.DATE:
        try:
            return dt.date.fromisoformat(stored)
        except (TypeError, ValueError):
            return None
    if item.kind == ItemKind.MULTIPLE:
        return [str(v) for v in stored]
    if item.kind in {ItemKind.LIKERT, ItemKind.SINGLE, ItemKind.YES_NO}:
        return str(stored)
    return stored


def shown(item: Item, stored: Any) -> str:
    """An answer as a person reads it (check your answers, previews of imports)."""
    if stored is None or stored == "" or stored == []:
        return "Not answered"
    labels = item.value_labels()
    if item.kind == ItemKind.MULTIPLE:
        return ", ".join(labels.get(v, str(v)) for v in stored)
    if item.kind in {ItemKind.LIKERT, ItemKind.SINGLE, ItemKind.YES_NO}:
        text = labels.get(int(stored), str(stored)) if isinstance(stored, int | float) else str(stored)
        return f"{stored:g} – {text}" if item.kind == ItemKind.LIKERT and isinstance(stored, int | float) else text
    if item.kind == ItemKind.DATE:
        try:
            return dt.date.fromisoformat(stored).strftime("%-d %B %Y")
        except (TypeError, ValueError):
            return str(stored)
    if isinstance(stored, float):
        return f"{stored:g}"
    return str(stored)
