"""Writes for data collection's questionnaires, and what every write of data collection shares. Waves and
participants are in `services_waves`, survey links and answers in `survey`, imports in `imports`.

Every write is atomic and audited. Participants' identifying details never reach the audit log (only that
they changed), and neither do their keyed hashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models import Max

from pine.accounts.models import User
from pine.collection.models import IDENTIFIER_FIELDS, Instrument, Item, ItemKind, ScoringMethod, Section, Subscale
from pine.core import audit
from pine.core.models import AuditAction
from pine.journey.models import Project


class CollectionError(Exception):
    """A rule of data collection stops this change; the message says why, for the person."""


LIKERT_POINTS = range(4, 12)
CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
AGREEMENT = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
NOT_AUDITED = {f"{name}_hash" for name in IDENTIFIER_FIELDS}


def _audited(obj: models.Model) -> dict[str, Any]:
    return {k: v for k, v in audit.snapshot(obj).items() if k not in NOT_AUDITED and k.lstrip("_") not in NOT_AUDITED}


def _record_created(obj: models.Model, actor: Any) -> None:
    audit.record(action=AuditAction.CREATED, obj=obj, actor=actor, changes=audit.diff({}, _audited(obj)))


def _save_changes(obj: models.Model, actor: Any, before: dict[str, Any], fields: list[str]) -> None:
    obj.full_clean()
    obj.save(update_fields=fields)
    changes = audit.diff(before, _audited(obj))
    if changes:
        audit.record(action=AuditAction.CHANGED, obj=obj, actor=actor, changes=changes)


# Questionnaires


def instrument_is_locked(*, instrument: Instrument) -> bool:
    """A version is in use once a wave using it has opened or anyone has answered it: then it is frozen."""
    return instrument.waves.filter(opened_at__isnull=False).exists() or instrument.responses.exists()


def _require_editable(instrument: Instrument) -> None:
    if instrument_is_locked(instrument=instrument):
        raise CollectionError(
            f"Version {instrument.version} of {instrument.name} is in use, so it cannot change. Make a new version "
            "to change it: answers already given stay with the version they answered."
        )


@transaction.atomic
def instrument_create(
    *,
    actor: User,
    project: Project,
    name: str,
    description: str = "",
    scoring: str = ScoringMethod.SUM,
    min_answered: int | None = None,
    measure: Any = None,
) -> Instrument:
    instrument = Instrument(
        project=project,
        name=name.strip(),
        description=description.strip(),
        scoring=scoring,
        min_answered=min_answered,
        measure=measure,
        created_by=actor,
    )
    instrument.full_clean()
    instrument.save()
    section = Section.objects.create(instrument=instrument, title="Questions", position=1)
    if measure is not None:
        # A free measure from the library brings its items, as agreement scales to check one by one.
        lines = [line.strip(" -•\t") for line in (measure.items_text or "").splitlines()]
        for number, text in enumerate((line for line in lines if line), start=1):
            Item.objects.create(
                instrument=instrument,
                section=section,
                code=f"q{number}",
                text=text[:500],
                kind=ItemKind.LIKERT,
                options=AGREEMENT,
                position=number,
            )
    _record_created(instrument, actor)
    return instrument


@transaction.atomic
def instrument_update(*, actor: User, instrument: Instrument, data: dict[str, Any]) -> Instrument:
    _require_editable(instrument)
    before = _audited(instrument)
    fields = ["name", "description", "scoring", "min_answered"]
    for name in fields:
        if name in data:
            setattr(instrument, name, data[name].strip() if isinstance(data[name], str) else data[name])
    _save_changes(instrument, actor, before, fields)
    return instrument


@transaction.atomic
def instrument_new_version(*, actor: User, instrument: Instrument, change_note: str) -> Instrument:
    """Copy a version, with its pages, questions and subscales, as the next version to change."""
    latest = Instrument.objects.filter(family=instrument.family).aggregate(v=Max("version"))["v"] or 0
    copy = Instrument.objects.create(
        project=instrument.project,
        family=instrument.family,
        version=latest + 1,
        name=instrument.name,
        description=instrument.description,
        measure=instrument.measure,
        scoring=instrument.scoring,
        min_answered=instrument.min_answered,
        change_note=change_note.strip(),
        created_by=actor,
    )
    items: dict[int, Item] = {}
    for section in instrument.sections.prefetch_related("items"):
        new_section = Section.objects.create(
            instrument=copy, title=section.title, intro=section.intro, position=section.position
        )
        for item in section.items.all():
            old_pk = item.pk
            item.pk = None
            item.instrument = copy
            item.section = new_section
            item.save()
            items[old_pk] = item
    for subscale in instrument.subscales.prefetch_related("items"):
        members = [items[i.pk] for i in subscale.items.all() if i.pk in items]
        new = Subscale.objects.create(
            instrument=copy,
            name=subscale.name,
            code=subscale.code,
            scoring=subscale.scoring,
            min_answered=subscale.min_answered,
        )
        new.items.set(members)
    _record_created(copy, actor)
    return copy


@transaction.atomic
def section_save(
    *, actor: User, instrument: Instrument, section: Section | None = None, title: str, intro: str = ""
) -> Section:
    _require_editable(instrument)
    if section is None:
        position = (instrument.sections.aggregate(p=Max("position"))["p"] or 0) + 1
        section = Section(instrument=instrument, position=position)
    section.title, section.intro = title.strip(), intro.strip()
    section.full_clean()
    section.save()
    audit.record(action=AuditAction.CHANGED, obj=instrument, actor=actor, changes={"page": ["", section.title]})
    return section


@transaction.atomic
def section_delete(*, actor: User, section: Section) -> None:
    _require_editable(section.instrument)
    if section.instrument.sections.count() == 1:
        raise CollectionError("A questionnaire needs at least one page.")
    title = section.title
    section.delete()
    audit.record(action=AuditAction.CHANGED, obj=section.instrument, actor=actor, changes={"page": [title, ""]})


def _clean_item(item: Item) -> None:
    if not CODE_PATTERN.match(item.code):
        raise CollectionError(
            "The short name must start with a letter and use only letters, numbers and underscores (up to 32), "
            "like conf1"
        )
    options = [o.strip() for o in item.options if o and o.strip()]
    item.options = options
    if item.kind == ItemKind.LIKERT and len(options) not in LIKERT_POINTS:
        raise CollectionError("A rating scale needs a label for each point: between 4 and 11 points")
    if item.kind in {ItemKind.SINGLE, ItemKind.MULTIPLE} and len(options) < 2:
        raise CollectionError("A choice question needs at least 2 options")
    if item.kind in {ItemKind.SINGLE, ItemKind.MULTIPLE} and len(set(o.casefold() for o in options)) != len(options):
        raise CollectionError("Each option must be different")
    if item.kind not in {ItemKind.LIKERT, ItemKind.SINGLE, ItemKind.MULTIPLE}:
        item.options = []
    if item.kind == ItemKind.NUMBER:
        if item.minimum is not None and item.maximum is not None and item.minimum >= item.maximum:
            raise CollectionError("The lowest number allowed must be less than the highest")
    else:
        item.minimum = item.maximum = None
    if not item.is_scorable:
        item.scored = False
        item.reverse_scored = False
    if item.reverse_scored and item.scale_range is None:
        raise CollectionError("To reverse score a number question, give its lowest and highest numbers")


@transaction.atomic
def item_save(*, actor: User, section: Section, item: Item | None = None, data: dict[str, Any]) -> Item:
    instrument = section.instrument
    _require_editable(instrument)
    created = item is None
    if item is None:
        position = (section.items.aggregate(p=Max("position"))["p"] or 0) + 1
        item = Item(instrument=instrument, section=section, position=position)
    for name in (
        "code",
        "text",
        "help_text",
        "kind",
        "required",
        "options",
        "scale_start",
        "minimum",
        "maximum",
        "reverse_scored",
        "scored",
    ):
        if name in data:
            value = data[name]
            setattr(item, name, value.strip() if isinstance(value, str) else value)
    _clean_item(item)
    if Item.objects.filter(instrument=instrument, code=item.code).exclude(pk=item.pk).exists():
        raise CollectionError(f"Another question in this questionnaire already has the short name {item.code}")
    item.full_clean()
    item.save()
    audit.record(
        action=AuditAction.CHANGED,
        obj=instrument,
        actor=actor,
        changes={"question": ["" if created else item.code, item.code]},
    )
    return item


@transaction.atomic
def item_delete(*, actor: User, item: Item) -> None:
    _require_editable(item.instrument)
    code = item.code
    item.delete()
    audit.record(action=AuditAction.CHANGED, obj=item.instrument, actor=actor, changes={"question": [code, ""]})


@transaction.atomic
def item_move(*, actor: User, item: Item, up: bool) -> None:
    """Swap a question with the one above (or below) it on its page."""
    _require_editable(item.instrument)
    siblings = list(item.section.items.order_by("position", "pk"))
    index = siblings.index(item)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, row in enumerate(siblings, start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


@transaction.atomic
def subscale_save(
    *,
    actor: User,
    instrument: Instrument,
    subscale: Subscale | None = None,
    name: str,
    code: str,
    items: Iterable[Item],
    scoring: str,
    min_answered: int | None,
) -> Subscale:
    _require_editable(instrument)
    chosen = [i for i in items if i.instrument_id == instrument.pk and i.is_scorable]
    if not chosen:
        raise CollectionError("Choose at least one question that has a number for its answer")
    if not CODE_PATTERN.match(code):
        raise CollectionError("The short name must start with a letter and use only letters, numbers and underscores")
    if Subscale.objects.filter(instrument=instrument, code=code).exclude(pk=subscale.pk if subscale else 0).exists():
        raise CollectionError(f"Another subscale already has the short name {code}")
    if code == "total" or instrument.items.filter(code=code).exists():
        raise CollectionError(f"{code} is already the short name of a question or of the total score")
    subscale = subscale or Subscale(instrument=instrument)
    subscale.name, subscale.code, subscale.scoring, subscale.min_answered = name.strip(), code, scoring, min_answered
    subscale.full_clean()
    subscale.save()
    subscale.items.set(chosen)
    audit.record(action=AuditAction.CHANGED, obj=instrument, actor=actor, changes={"subscale": ["", subscale.name]})
    return subscale


@transaction.atomic
def subscale_delete(*, actor: User, subscale: Subscale) -> None:
    _require_editable(subscale.instrument)
    name = subscale.name
    subscale.delete()
    audit.record(action=AuditAction.CHANGED, obj=subscale.instrument, actor=actor, changes={"subscale": [name, ""]})
