"""Writes for waves and participants.

Every write is atomic and audited. Participants' identifying details never reach the audit log (only that
they changed), and neither do their keyed hashes.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from pine.accounts.models import User
from pine.collection.models import IDENTIFIER_FIELDS, Consent, Instrument, Participant, ResponseStatus, Wave
from pine.collection.services import CODE_PATTERN, CollectionError, _audited, _save_changes
from pine.core import audit, crypto
from pine.core.models import AuditAction
from pine.journey import gates
from pine.journey.models import Project

# Crockford-style: no 0/O, 1/I/L or U, so a pseudonym read aloud or typed is not mistaken for another.
PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


# Waves


@transaction.atomic
def wave_save(
    *,
    actor: User,
    project: Project,
    wave: Wave | None = None,
    name: str,
    code: str,
    opens_on: Any,
    closes_on: Any,
    instruments: Iterable[Instrument],
    reminder_every_days: int | None = None,
) -> Wave:
    chosen = list(instruments)
    if closes_on < opens_on:
        raise CollectionError("The closing date must be the same as or after the opening date")
    if any(i.project_id != project.pk for i in chosen):
        raise CollectionError("Choose questionnaires from this project")
    if not CODE_PATTERN.match(code) or len(code) > 20:
        raise CollectionError(
            "The short name must start with a letter and use only letters, numbers and underscores, like baseline"
        )
    if Wave.objects.filter(project=project, code=code).exclude(pk=wave.pk if wave else 0).exists():
        raise CollectionError(f"Another wave already has the short name {code}")
    created = wave is None
    if wave is None:
        position = (project.waves.aggregate(p=Max("position"))["p"] or 0) + 1
        wave = Wave(project=project, position=position)
        before: dict[str, Any] = {}
    else:
        before = _audited(wave)
        if wave.opened_at and {i.pk for i in chosen} != set(wave.instruments.values_list("pk", flat=True)):
            raise CollectionError("The questionnaires of a wave that has opened cannot change")
    wave.name, wave.code, wave.opens_on, wave.closes_on = name.strip(), code, opens_on, closes_on
    wave.reminder_every_days = reminder_every_days
    wave.full_clean()
    wave.save()
    wave.instruments.set(chosen)
    audit.record(
        action=AuditAction.CREATED if created else AuditAction.CHANGED,
        obj=wave,
        actor=actor,
        changes=audit.diff(before, _audited(wave)),
    )
    return wave


@transaction.atomic
def wave_open(*, actor: User, wave: Wave) -> Wave:
    """Open a wave for answers: only once the data protection and ethics checkpoint has said proceed."""
    try:
        gates.require(wave.project, gates.Gate.COLLECT_DATA)
    except gates.GateClosed as closed:
        raise CollectionError(str(closed)) from closed
    if wave.opened_at is not None and wave.closed_at is None:
        return wave
    instruments = list(wave.instruments.all())
    if not instruments:
        raise CollectionError("Choose at least one questionnaire for this wave before opening it")
    empty = [i.name for i in instruments if not i.items.exists()]
    if empty:
        raise CollectionError(f"Add questions to {', '.join(empty)} before opening the wave")
    wave.opened_at = wave.opened_at or timezone.now()
    wave.closed_at = None
    wave.save(update_fields=["opened_at", "closed_at"])
    audit.record(action=AuditAction.CHANGED, obj=wave, actor=actor, changes={"status": ["Not open yet", "Open"]})
    return wave


@transaction.atomic
def wave_close(*, actor: User, wave: Wave) -> Wave:
    if wave.opened_at is None or wave.closed_at is not None:
        raise CollectionError("Only an open wave can be closed")
    wave.closed_at = timezone.now()
    wave.save(update_fields=["closed_at"])
    audit.record(action=AuditAction.CHANGED, obj=wave, actor=actor, changes={"status": ["Open", "Closed"]})
    return wave


# Participants


def new_pseudonym() -> str:
    return "P-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(5))


def new_pseudonyms(count: int) -> list[str]:
    """`count` pseudonyms not yet used anywhere in PINE."""
    chosen: set[str] = set()
    while len(chosen) < count:
        wanted = {new_pseudonym() for _ in range(count - len(chosen))}
        taken = set()
        for start in range(0, len(wanted), 500):
            chunk = list(wanted)[start : start + 500]
            taken |= set(Participant.objects.filter(pseudonym__in=chunk).values_list("pseudonym", flat=True))
        chosen |= wanted - taken
    return sorted(chosen)[:count]


def _set_identifiers(participant: Participant, identifiers: dict[str, Any]) -> list[str]:
    changed = []
    for name in IDENTIFIER_FIELDS:
        if name not in identifiers:
            continue
        value = identifiers[name]
        value = value.isoformat() if hasattr(value, "isoformat") else (value or "").strip()
        setattr(participant, name, value)
        setattr(participant, f"{name}_hash", crypto.blind_index(value) if value else "")
        changed += [name, f"{name}_hash"]
    return changed


@transaction.atomic
def participant_create(
    *,
    actor: User | None,
    project: Project,
    group: str = "",
    cluster: str = "",
    consent: str = Consent.NOT_ASKED,
    consent_date: Any = None,
    identifiers: dict[str, Any] | None = None,
    actor_label: str = "",
) -> Participant:
    participant = Participant(
        project=project,
        pseudonym=new_pseudonyms(1)[0],
        group=group,
        cluster=cluster.strip(),
        consent=consent,
        consent_date=consent_date,
    )
    _set_identifiers(participant, identifiers or {})
    participant.full_clean()
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:  # two people took the same new pseudonym at the same moment: draw again
        participant.pseudonym = new_pseudonyms(1)[0]
        participant.save()
    audit.record(
        action=AuditAction.CREATED,
        obj=participant,
        actor=actor,
        actor_label=actor_label,
        changes=audit.diff({}, _audited(participant)),
    )
    return participant


@transaction.atomic
def participants_add_many(
    *, actor: User, project: Project, count: int, group: str, cluster: str, consent: str = Consent.NOT_ASKED
) -> list[Participant]:
    """Add several participants at once (a team of social workers, say), each with a new pseudonym."""
    if not 1 <= count <= 1000:
        raise CollectionError("Add between 1 and 1,000 participants at a time")
    rows = [
        Participant(project=project, pseudonym=p, group=group, cluster=cluster.strip(), consent=consent)
        for p in new_pseudonyms(count)
    ]
    Participant.objects.bulk_create(rows)
    audit.record(
        action=AuditAction.CREATED,
        obj=project,
        actor=actor,
        changes={"participants": ["", f"{count} added ({group or 'no group'}, {cluster or 'no team'})"]},
    )
    return rows


@transaction.atomic
def participant_update(*, actor: User, participant: Participant, data: dict[str, Any]) -> Participant:
    before = _audited(participant)
    fields: list[str] = [f for f in ("group", "cluster", "consent", "consent_date") if f in data]
    for name in fields:
        setattr(participant, name, data[name].strip() if isinstance(data[name], str) else data[name])
    _save_changes(participant, actor, before, fields)
    return participant


@transaction.atomic
def participant_set_identifiers(*, actor: User, participant: Participant, identifiers: dict[str, Any]) -> Participant:
    """Change identifying details. The audit log says which changed, never what they were or became."""
    before = audit.snapshot(participant, fields=IDENTIFIER_FIELDS)
    fields = _set_identifiers(participant, identifiers)
    participant.full_clean()
    participant.save(update_fields=fields)
    changes = audit.diff(before, audit.snapshot(participant, fields=IDENTIFIER_FIELDS))
    if changes:
        audit.record(action=AuditAction.CHANGED, obj=participant, actor=actor, changes=changes)
    return participant


@transaction.atomic
def participant_delete(*, actor: User, participant: Participant) -> None:
    """Remove a participant and their answers (for example, on withdrawal with a request to erase)."""
    answered = participant.responses.filter(status=ResponseStatus.SUBMITTED).count()
    audit.record(
        action=AuditAction.DELETED,
        obj=participant,
        actor=actor,
        changes={"responses deleted": [answered, 0]},
    )
    participant.delete()
