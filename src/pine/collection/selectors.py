"""Reads for data collection pages. Each returns what a page shows in a fixed, small number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from pine.collection import scoring
from pine.collection.models import (
    Group,
    ImportBatch,
    Instrument,
    LinkKind,
    Participant,
    Response,
    ResponseStatus,
    SurveyLink,
    Wave,
)
from pine.core import crypto
from pine.journey.models import Project


def instruments(*, project: Project) -> QuerySet[Instrument]:
    return project.instruments.annotate(
        item_count=Count("items", distinct=True), response_count=Count("responses", distinct=True)
    ).order_by("name", "-version")


def waves(*, project: Project) -> QuerySet[Wave]:
    return project.waves.prefetch_related("instruments").annotate(
        submitted=Count(
            "responses__participant",
            filter=Q(responses__status=ResponseStatus.SUBMITTED, responses__participant__isnull=False),
            distinct=True,
        ),
        anonymous=Count(
            "responses__respondent_key",
            filter=Q(responses__status=ResponseStatus.SUBMITTED, responses__participant__isnull=True),
            distinct=True,
        ),
    )


def overview(*, project: Project) -> dict[str, Any]:
    participants = project.participants.aggregate(
        total=Count("pk"),
        intervention=Count("pk", filter=Q(group=Group.INTERVENTION)),
        comparison=Count("pk", filter=Q(group=Group.COMPARISON)),
    )
    return {
        "instruments": instruments(project=project),
        "waves": waves(project=project),
        "participants": participants,
        "imports": project.import_batches.select_related("uploaded_by")[:5],
    }


@dataclass
class InstrumentDetail:
    instrument: Instrument
    sections: list[Any]
    rules: list[tuple[scoring.Rule, str]]
    versions: list[Instrument]
    locked: bool
    waves: list[Wave]


def instrument_detail(*, instrument: Instrument, locked: bool) -> InstrumentDetail:
    sections = list(instrument.sections.prefetch_related("items"))
    instrument_with_rows = Instrument.objects.prefetch_related("items", "subscales__items").get(pk=instrument.pk)
    items = {i.code: i for i in instrument_with_rows.items.all()}
    rules = [(rule, scoring.describe(rule, items)) for rule in scoring.rules_for(instrument_with_rows)]
    versions = list(Instrument.objects.filter(family=instrument.family).order_by("-version"))
    return InstrumentDetail(instrument, sections, rules, versions, locked, list(instrument.waves.all()))


@dataclass
class TrackingRow:
    pk: int
    pseudonym: str
    group: str
    cluster: str
    status: str
    sent_at: Any
    reminders: int
    contactable: bool
    earlier: list[bool] = field(default_factory=list)


@dataclass
class GroupRate:
    label: str
    invited: int
    submitted: int

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.invited) if self.invited else 0


@dataclass
class Tracking:
    wave: Wave
    rows: list[TrackingRow]
    rates: list[GroupRate]
    earlier_waves: list[Wave]
    linked: Counter[str]
    counts: Counter[str]
    open_link: SurveyLink | None
    anonymous: int

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        return sorted(self.counts.items())

    @property
    def linkage(self) -> list[tuple[str, int]]:
        """For each earlier wave: how many who answered this wave also answered that one (pre/post pairs)."""
        return [(w.name, self.linked[w.name]) for w in self.earlier_waves]


def tracking(*, wave: Wave) -> Tracking:
    """Who has answered this wave, response rates per group, and who also answered each earlier wave (linked by
    pseudonym). Five queries, however many participants."""
    participants = list(
        Participant.objects.filter(project_id=wave.project_id).values_list(
            "pk", "pseudonym", "group", "cluster", "consent"
        )
    )
    links = {
        pid: (sent, reminders)
        for pid, sent, reminders in SurveyLink.objects.filter(wave=wave, kind=LinkKind.PERSONAL).values_list(
            "participant_id", "sent_at", "reminders"
        )
    }
    status_of: dict[int, set[str]] = defaultdict(set)
    anonymous: set[str] = set()
    for pid, status, key in Response.objects.filter(wave=wave).values_list(
        "participant_id", "status", "respondent_key"
    ):
        if pid is None:
            if status == ResponseStatus.SUBMITTED:
                anonymous.add(key)
            continue
        status_of[pid].add(status)
    earlier_waves = list(
        Wave.objects.filter(project_id=wave.project_id, position__lt=wave.position).order_by("position")
    )
    answered_earlier = set(
        Response.objects.filter(wave__in=earlier_waves, status=ResponseStatus.SUBMITTED, participant__isnull=False)
        .values_list("participant_id", "wave_id")
        .distinct()
    )
    rows: list[TrackingRow] = []
    counts: Counter[str] = Counter()
    linked: Counter[str] = Counter()
    invited: Counter[str] = Counter()
    submitted: Counter[str] = Counter()
    for pk, pseudonym, group, cluster, consent in participants:
        statuses = status_of.get(pk, set())
        if ResponseStatus.SUBMITTED in statuses and ResponseStatus.IN_PROGRESS not in statuses:
            status = "Answered"
        elif statuses:
            status = "Started"
        else:
            status = "Not started"
        contactable = consent not in {"refused", "withdrawn"}
        sent, reminders = links.get(pk, (None, 0))
        earlier = [(pk, w.pk) in answered_earlier for w in earlier_waves]
        rows.append(TrackingRow(pk, pseudonym, group, cluster, status, sent, reminders, contactable, earlier))
        counts[status] += 1
        label = group or "none"
        if contactable:
            invited[label] += 1
            invited["all"] += 1
        if status == "Answered":
            submitted[label] += 1
            submitted["all"] += 1
            for w, done in zip(earlier_waves, earlier, strict=True):
                if done:
                    linked[w.name] += 1
    rates = [GroupRate(label, invited[key], submitted[key]) for key, label in (*Group.choices, ("none", "No group"))]
    rates = [r for r in rates if r.invited or r.submitted]
    rates.append(GroupRate("Everyone", invited["all"], submitted["all"]))
    open_link = wave.links.filter(kind=LinkKind.OPEN, revoked_at__isnull=True).first()
    return Tracking(wave, rows, rates, earlier_waves, linked, counts, open_link, len(anonymous))


def participants(*, project: Project, query: str = "", identifiers: bool = False) -> QuerySet[Participant]:
    """A project's participants; with a query, those whose pseudonym matches, or (for people who may see
    identifiers) whose name, email, date of birth or case number is exactly the query, through keyed hashes."""
    rows = project.participants.annotate(
        answered=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED))
    ).order_by("pseudonym")
    query = query.strip()
    if not query:
        return rows
    condition = Q(pseudonym__iexact=query) | Q(pseudonym__iexact=f"P-{query}")
    if identifiers:
        hashes = {crypto.blind_index(query)}
        date = _as_date(query)
        if date:
            hashes.add(crypto.blind_index(date))
        condition |= (
            Q(name_hash__in=hashes)
            | Q(email_hash__in=hashes)
            | Q(case_number_hash__in=hashes)
            | Q(date_of_birth_hash__in=hashes)
        )
    return rows.filter(condition)


def _as_date(text: str) -> str:
    from pine.collection.validation_cells import CellProblem, parse_date

    try:
        return parse_date(text).isoformat()
    except CellProblem:
        return ""


def participant_history(*, participant: Participant) -> list[dict[str, Any]]:
    waves_ = Wave.objects.filter(project_id=participant.project_id).order_by("position")
    responses = {
        (r.wave_id, r.instrument_id): r
        for r in Response.objects.filter(participant=participant).select_related("instrument")
    }
    links = {link.wave_id: link for link in SurveyLink.objects.filter(participant=participant)}
    rows = []
    for wave in waves_.prefetch_related("instruments"):
        for instrument in wave.instruments.all():
            response = responses.get((wave.pk, instrument.pk))
            rows.append(
                {
                    "wave": wave,
                    "instrument": instrument,
                    "response": response,
                    "link": links.get(wave.pk),
                }
            )
    return rows


def imports(*, project: Project) -> QuerySet[ImportBatch]:
    return project.import_batches.select_related("uploaded_by", "wave", "instrument")
