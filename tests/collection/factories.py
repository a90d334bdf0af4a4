"""Data collection objects for tests: questionnaires, waves, participants and links."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from pine.accounts.models import Organisation, User
from pine.collection import imports, services_waves, survey
from pine.collection.api import token_hash
from pine.collection.models import (
    ApiToken,
    ImportBatch,
    Instrument,
    Item,
    ItemKind,
    Participant,
    Section,
    Subscale,
    SurveyLink,
    Wave,
)
from pine.core import crypto
from pine.journey.models import Project, ProjectStage, StageStatus

AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


def open_gate(project: Project) -> None:
    """Move a project to stage 5 as if its data protection and ethics checkpoint had said proceed."""
    ProjectStage.objects.filter(project=project, number__lte=4).update(status=StageStatus.COMPLETED)
    ProjectStage.objects.filter(project=project, number=5).update(status=StageStatus.OPEN, opened_at=timezone.now())
    Project.objects.filter(pk=project.pk).update(current_stage=5)


def make_instrument(*, project: Project, actor: User | None, name: str = "Skills and confidence") -> Instrument:
    """Four agreement questions (the last reverse scored), a number, a choice, several choices, yes/no, a date and
    a comment; a 'confidence' subscale of the first two."""
    instrument = Instrument.objects.create(project=project, name=name, scoring="sum", min_answered=3, created_by=actor)
    section = Section.objects.create(instrument=instrument, title="Your practice", position=1)
    more = Section.objects.create(instrument=instrument, title="About you", position=2)
    rows = [
        (section, "q1", "I feel confident assessing risk", ItemKind.LIKERT, AGREE, {}),
        (section, "q2", "I know where to find guidance", ItemKind.LIKERT, AGREE, {}),
        (section, "q3", "I plan my visits well", ItemKind.LIKERT, AGREE, {}),
        (section, "q4", "I often feel unsure what to do", ItemKind.LIKERT, AGREE, {"reverse_scored": True}),
        (more, "years", "Years in social work", ItemKind.NUMBER, [], {"minimum": 0, "maximum": 50, "scored": False}),
        (more, "role", "Your role", ItemKind.SINGLE, ["Social worker", "Senior", "Manager"], {"scored": False}),
        (
            more,
            "topics",
            "Topics you want",
            ItemKind.MULTIPLE,
            ["Risk", "Domestic abuse", "Neglect"],
            {"required": False},
        ),
        (more, "mentor", "Do you have a mentor?", ItemKind.YES_NO, [], {"scored": False, "required": False}),
        (more, "started", "When did you start?", ItemKind.DATE, [], {"required": False}),
        (more, "comment", "Anything else?", ItemKind.LONG_TEXT, [], {"required": False}),
    ]
    for position, (where, code, text, kind, options, extra) in enumerate(rows, start=1):
        Item.objects.create(
            instrument=instrument,
            section=where,
            code=code,
            text=text,
            kind=kind,
            options=options,
            position=position,
            **extra,
        )
    subscale = Subscale.objects.create(instrument=instrument, name="Confidence", code="confidence", scoring="mean")
    subscale.items.set(Item.objects.filter(instrument=instrument, code__in=["q1", "q2"]))
    return instrument


def make_wave(
    *,
    project: Project,
    instruments: list[Instrument],
    code: str = "baseline",
    name: str = "Baseline",
    opened: bool = True,
    position: int = 1,
) -> Wave:
    today = timezone.localdate()
    wave = Wave.objects.create(
        project=project,
        name=name,
        code=code,
        position=position,
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=21),
        opened_at=timezone.now() - dt.timedelta(days=7) if opened else None,
    )
    wave.instruments.set(instruments)
    return wave


def make_participants(
    *, project: Project, count: int, group: str = "intervention", cluster: str = "North"
) -> list[Participant]:
    return [
        Participant.objects.create(project=project, pseudonym=p, group=group, cluster=cluster)
        for p in services_waves.new_pseudonyms(count)
    ]


def with_identifiers(participant: Participant, **values: str) -> Participant:
    for name, value in values.items():
        setattr(participant, name, value)
        setattr(participant, f"{name}_hash", crypto.blind_index(value))
    participant.save()
    return participant


def link_token_for(*, wave: Wave, participant: Participant) -> str:
    return survey.link_token(survey.link_for(wave=wave, participant=participant))


@dataclass
class CollectionWorld:
    instrument: Instrument
    section: Section
    item: Item
    subscale: Subscale
    wave: Wave
    participant: Participant
    link_token: str
    batch: ImportBatch
    api_token: ApiToken
    api_key: str


CSV = "participant,q1,q2,q3,q4\n{pseudonym},4,Agree,3,2\n"


def make_collection_world(*, project: Project, organisation: Organisation, lead: User) -> CollectionWorld:
    """One of everything, made directly (without the gate or audit events), for the URL walk and page checks."""
    instrument = make_instrument(project=project, actor=lead)
    wave = make_wave(project=project, instruments=[instrument])
    (participant,) = make_participants(project=project, count=1)
    with_identifiers(participant, name="Jamie Example", email="jamie@example.org", case_number="HC-0001")
    token = link_token_for(wave=wave, participant=participant)
    data = CSV.format(pseudonym=participant.pseudonym).encode()
    batch = ImportBatch.objects.create(
        project=project,
        uploaded_by=lead,
        filename="baseline.csv",
        file_format="csv",
        size=len(data),
        sha256="0" * 64,
        stored_name=imports._store_file(data),
        headers=["participant", "q1", "q2", "q3", "q4"],
        row_count=1,
        instrument=instrument,
        wave=wave,
        mapping=imports.suggest_mapping(headers=["participant", "q1", "q2", "q3", "q4"], instrument=instrument),
    )
    key = "pine_" + secrets.token_urlsafe(32)
    api_token = ApiToken.objects.create(
        organisation=organisation,
        name="Case system",
        prefix=key[:10],
        token_hash=token_hash(key),
        scopes=["read", "write"],
    )
    return CollectionWorld(
        instrument,
        instrument.sections.first(),  # type: ignore[arg-type]
        instrument.items.get(code="q1"),
        instrument.subscales.get(),
        wave,
        participant,
        token,
        batch,
        api_token,
        key,
    )


def answer_link(link: SurveyLink, answers: dict[str, Any]) -> None:
    """Answer every page of a link's wave and send (as a respondent would, through the services)."""
    for page in survey.pages(wave=link.wave):
        codes = {i.code for i in page.section.items.all()}
        survey.page_save(link=link, page=page, answers={k: v for k, v in answers.items() if k in codes})
    survey.submit(link=link)
