"""The audit log in plain English: what kind of record an event is about, and each change with field labels
and choice labels, never `journey.Decision 7` or `new → more_information`."""

from __future__ import annotations

import ast
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

EMPTY = "(empty)"
# Keys services write that are not model fields, where a plainer word exists.
KEY_LABELS = {"content hash": "Fingerprint of the plan", "filters": "Filters"}


@dataclass(frozen=True)
class ChangeLine:
    key: str
    label: str
    before: str
    after: str


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """'Decision' for 'journey.Decision', from the model's verbose name; 'Record' if the model has gone."""
    model = model_of(object_type)
    if model is None:
        return "Record" if object_type else ""
    return capfirst(str(model._meta.verbose_name))


def change_lines(object_type: str, changes: dict[str, Any]) -> list[ChangeLine]:
    model = model_of(object_type)
    lines = []
    for key, values in changes.items():
        before, after = (values + [None, None])[:2] if isinstance(values, list) else (None, values)
        field = _field(model, key)
        choices = getattr(model, "AUDIT_CHOICES", {}).get(key)
        labels = {str(k): str(v) for k, v in choices.choices} if choices is not None else None
        lines.append(
            ChangeLine(key, _label(key, field), value_text(before, field, labels), value_text(after, field, labels))
        )
    return lines


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _label(key: str, field: models.Field[Any, Any] | None) -> str:
    if field is not None:
        return capfirst(str(field.verbose_name))
    return KEY_LABELS.get(key, capfirst(key.replace("_", " ")))


def value_text(value: Any, field: models.Field[Any, Any] | None = None, labels: dict[str, str] | None = None) -> str:
    """One value as a person reads it: the label of a choice, Yes or No, a date written out."""
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        value = _old_list(value)
    if value is None or value == "" or value == []:
        return EMPTY
    if labels is None and field is not None and field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
    if labels is not None:
        if isinstance(value, list):
            return "; ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        return "; ".join(f"{capfirst(str(k).replace('_', ' '))}: {value_text(v)}" for k, v in value.items()) or EMPTY
    if isinstance(value, list):
        return "; ".join(value_text(v) for v in value)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        return _iso_text(value)
    return str(value)


def _old_list(value: str) -> Any:
    """Events written before lists were kept as lists hold them as their Python text, "['a', 'b']"."""
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value
    return parsed if isinstance(parsed, list) else value


def _iso_text(value: str) -> str:
    try:
        if len(value) == 10:
            return f"{dt.date.fromisoformat(value):%-d %B %Y}"
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment:%-d %B %Y, %H:%M}"
