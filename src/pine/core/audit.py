"""Writing to the audit log. Services call `record` for every change they make; sign-ins arrive by signal.

The request's address, user agent and user are taken from the request context (set by
`RequestContextMiddleware`), so services need not pass the request down.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models

from pine.core.fields import EncryptedTextField
from pine.core.models import AuditAction, AuditEvent


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None
    user_agent: str
    user: Any


_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("pine_request", default=None)
REDACTED = "(changed)"


@contextmanager
def request_context(context: RequestContext) -> Iterator[None]:
    token = _context.set(context)
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> RequestContext | None:
    return _context.get()


def record(
    *,
    action: AuditAction,
    obj: models.Model | None = None,
    actor: Any = None,
    actor_label: str = "",
    organisation: Any = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event. `actor` defaults to the signed-in user of the current request."""
    context = current_context()
    if actor is None and context is not None and getattr(context.user, "is_authenticated", False):
        actor = context.user
    if organisation is None and obj is not None:
        organisation = _organisation_of(obj)
    event = AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label or (getattr(actor, "email", "") if actor is not None else ""),
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=label(obj)[:200] if obj is not None else "",
        organisation=organisation,
        project_id=_project_of(obj) if obj is not None else None,
        changes=changes or {},
        ip_address=context.ip_address if context else None,
        user_agent=(context.user_agent if context else "")[:300],
    )
    event.save()
    return event


def label(obj: models.Model) -> str:
    """How the log names a record: its `audit_label()` where `str()` would hold a name or an email address."""
    audit_label = getattr(obj, "audit_label", None)
    return str(audit_label() if callable(audit_label) else obj)


def _personal(obj: models.Model, field: models.Field[Any, Any]) -> bool:
    """Encrypted fields, and those a model lists in AUDIT_PERSONAL_FIELDS (names, email addresses, free text
    about people), are logged only as "(changed)": the append-only log can never be deleted, so it keeps none."""
    return isinstance(field, EncryptedTextField) or field.name in getattr(obj, "AUDIT_PERSONAL_FIELDS", ())


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audit-relevant values of a record, to compare before and after a change."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password", "last_login"}:
            continue
        raw = getattr(obj, field.attname)
        personal = _personal(obj, field)
        values[field.name] = REDACTED if personal and raw else _jsonable(raw)
        if personal:
            # Keep a comparable fingerprint in memory only; it is never written to the log.
            values[f"__{field.name}"] = raw
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [before, after]}` for each field that changed; identifying values are never included."""
    changes: dict[str, list[Any]] = {}
    for name, new in after.items():
        if name.startswith("__"):
            continue
        secret = f"__{name}"
        if secret in after:
            if before.get(secret) != after[secret]:
                changes[name] = [REDACTED if before.get(secret) else "", REDACTED if after[secret] else ""]
            continue
        if before.get(name) != new:
            changes[name] = [before.get(name), new]
    return changes


def created_changes(obj: models.Model) -> dict[str, list[Any]]:
    return diff({}, snapshot(obj))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    # A JSON list or object stays one (not "['a', 'b']"), so the log can show each value's label.
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def _organisation_of(obj: models.Model) -> Any:
    from pine.accounts.models import Organisation

    if isinstance(obj, Organisation):
        return obj
    if hasattr(obj, "organisation_id"):
        return getattr(obj, "organisation", None)
    project = getattr(obj, "project", None)
    return getattr(project, "organisation", None) if project is not None else None


def _project_of(obj: models.Model) -> int | None:
    if obj._meta.label == "journey.Project":
        return obj.pk
    project_id = getattr(obj, "project_id", None)
    return project_id if isinstance(project_id, int) else None
