"""Survey links and respondents' answers: making and finding links, sending and reminding, saving answers
page by page, and submitting (after which a link cannot change anything).

A link's token is an HMAC of its random salt under the service's secret key: PINE can write the same link
into a reminder, while the database holds only the token's SHA-256 (a copy of the database gives no link).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from pine.accounts.models import User
from pine.collection.models import (
    Instrument,
    LinkKind,
    Participant,
    Response,
    ResponseSource,
    ResponseStatus,
    Section,
    SurveyLink,
    Wave,
)
from pine.collection.services import CollectionError
from pine.core import audit, notify, ratelimit
from pine.core.models import AuditAction
from pine.journey import gates

# Failed link look-ups from one address in a quarter of an hour, before that address is refused for the rest of it.
GUESS_LIMIT = ratelimit.Limit("survey-link-guess", count=20, window=dt.timedelta(minutes=15))
RESPONDENT = "respondent (survey link)"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_token(link: SurveyLink) -> str:
    key = hashlib.sha256(f"pine.collection.link:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, link.salt.encode("ascii"), hashlib.sha256).hexdigest()[:40]


def link_path(link: SurveyLink) -> str:
    return reverse("collection:respond", kwargs={"token": link_token(link)})


def link_url(link: SurveyLink) -> str:
    return settings.SERVICE_BASE_URL + link_path(link)


def _new_link(wave: Wave, participant: Participant | None, kind: str = LinkKind.PERSONAL) -> SurveyLink:
    link = SurveyLink(wave=wave, participant=participant, kind=kind, salt=secrets.token_hex(16))
    link.token_hash = _hash(link_token(link))
    return link


def links_ensure(*, wave: Wave) -> int:
    """A personal link for every participant of the project who may be contacted and has none for this wave."""
    have = set(wave.links.filter(participant__isnull=False).values_list("participant_id", flat=True))
    missing = [
        p
        for p in Participant.objects.filter(project_id=wave.project_id).only("pk", "consent")
        if p.pk not in have and p.may_be_contacted
    ]
    SurveyLink.objects.bulk_create([_new_link(wave, p) for p in missing], batch_size=1000)
    return len(missing)


def link_for(*, wave: Wave, participant: Participant) -> SurveyLink:
    link = wave.links.filter(participant=participant).first()
    if link is None:
        link = _new_link(wave, participant)
        link.save()
    return link


@transaction.atomic
def open_link_create(*, actor: User, wave: Wave) -> SurveyLink:
    """The wave's one anonymous link, which anyone may answer (each visitor answers once, without a name)."""
    link = wave.links.filter(kind=LinkKind.OPEN, revoked_at__isnull=True).first()
    if link is None:
        link = _new_link(wave, None, LinkKind.OPEN)
        link.save()
        audit.record(action=AuditAction.CREATED, obj=wave, actor=actor, changes={"open link": ["", "created"]})
    return link


@transaction.atomic
def open_link_revoke(*, actor: User, link: SurveyLink) -> None:
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    audit.record(action=AuditAction.CHANGED, obj=link.wave, actor=actor, changes={"open link": ["open", "stopped"]})


def link_lookup(*, token: str) -> SurveyLink | None:
    if not token or len(token) > 100:
        return None
    return (
        SurveyLink.objects.select_related("wave", "wave__project", "wave__project__organisation", "participant")
        .filter(token_hash=_hash(token))
        .first()
    )


def guess_check(*, address: str | None) -> ratelimit.Verdict:
    """Whether this address may look up another link (every survey-link page asks before looking)."""
    return ratelimit.check(GUESS_LIMIT, key=address or "unknown")


def record_failed_guess(*, address: str | None) -> None:
    ratelimit.hit(GUESS_LIMIT, key=address or "unknown")


# Sending and reminding


@dataclass(frozen=True)
class SendResult:
    sent: int
    without_email: int


def _require_collecting(wave: Wave) -> None:
    try:
        gates.require(wave.project, gates.Gate.COLLECT_DATA)
    except gates.GateClosed as closed:
        raise CollectionError(str(closed)) from closed
    if not wave.accepting:
        raise CollectionError(f"{wave.name} is not open for answers, so its links cannot be sent")


def _send(link: SurveyLink, *, reminder: bool) -> bool:
    participant = link.participant
    if participant is None or not participant.email or not participant.may_be_contacted:
        return False
    notify.queue(send_survey_link, link_id=link.pk, reminder=reminder)
    return True


@task()
def send_survey_link(*, link_id: int, reminder: bool = False) -> None:
    """Email a participant their link, built now from the link's id: the address and the link itself never wait
    in the task table. Nothing is sent if the participant was deleted, withdrew consent or has answered."""
    link = (
        SurveyLink.objects.select_related("participant", "wave__project__organisation")
        .filter(pk=link_id, submitted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    participant = link.participant if link is not None else None
    if (
        link is None
        or participant is None
        or not participant.email
        or not participant.may_be_contacted
        or not link.wave.accepting
        or not _unanswered(SurveyLink.objects.filter(pk=link.pk)).exists()
    ):
        notify.skipped("survey link", link_id=link_id)
        return
    organisation = link.wave.project.organisation.name
    notify.deliver(
        to=participant.email,
        subject=("Reminder: " if reminder else "") + f"{organisation} would like your views",
        body=notify.render_email(
            "email/survey_link.txt",
            {"organisation": organisation, "wave": link.wave, "url": link_url(link), "reminder": reminder},
        ),
    )


def _unanswered(links: QuerySet[SurveyLink]) -> QuerySet[SurveyLink]:
    """Leave out links whose participant's answers for the wave are already in PINE (by file or API too): nobody
    is asked, or reminded, to answer again."""
    answered = Response.objects.filter(
        wave_id=OuterRef("wave_id"), participant_id=OuterRef("participant_id"), status=ResponseStatus.SUBMITTED
    )
    return links.exclude(Exists(answered))


def personal_links(*, wave: Wave) -> QuerySet[SurveyLink]:
    """The wave's personal links by pseudonym, each with `answered`: the participant's answers for the wave are in
    PINE, sent by this link or by a file or the API."""
    answered = Response.objects.filter(
        wave_id=OuterRef("wave_id"), participant_id=OuterRef("participant_id"), status=ResponseStatus.SUBMITTED
    )
    return (
        wave.links.filter(participant__isnull=False)
        .annotate(answered=Exists(answered))
        .select_related("participant")
        .order_by("participant__pseudonym")
    )


@transaction.atomic
def links_send(*, actor: User, wave: Wave) -> SendResult:
    """Email each participant who has an email address and has not been sent this wave's link yet."""
    _require_collecting(wave)
    links_ensure(wave=wave)
    sent = without = 0
    now = timezone.now()
    for link in _unanswered(
        wave.links.filter(kind=LinkKind.PERSONAL, sent_at__isnull=True, submitted_at__isnull=True)
    ).select_related("participant", "wave__project__organisation"):
        if _send(link, reminder=False):
            link.sent_at = now
            link.save(update_fields=["sent_at"])
            sent += 1
        else:
            without += 1
    audit.record(action=AuditAction.CHANGED, obj=wave, actor=actor, changes={"links emailed": [0, sent]})
    return SendResult(sent, without)


@transaction.atomic
def links_remind(
    *, actor: User | None, wave: Wave, participants: Iterable[Participant] | None = None, actor_label: str = ""
) -> SendResult:
    """Email the link again to those who have not submitted (all of them, or the participants given)."""
    _require_collecting(wave)
    links = _unanswered(wave.links.filter(kind=LinkKind.PERSONAL, submitted_at__isnull=True)).select_related(
        "participant", "wave__project__organisation"
    )
    if participants is not None:
        links = links.filter(participant__in=list(participants))
    sent = without = 0
    now = timezone.now()
    for link in links:
        if _send(link, reminder=True):
            link.reminded_at = now
            link.reminders += 1
            link.sent_at = link.sent_at or now
            link.save(update_fields=["reminded_at", "reminders", "sent_at"])
            sent += 1
        else:
            without += 1
    audit.record(
        action=AuditAction.CHANGED,
        obj=wave,
        actor=actor,
        actor_label=actor_label,
        changes={"reminders emailed": [0, sent]},
    )
    return SendResult(sent, without)


def reminders_due(*, now: dt.datetime | None = None) -> int:
    """Scheduled reminders: for each open wave that asks for them, remind those whose last email is old enough.

    Safe to run as often as you like: a person is reminded at most once per interval."""
    now = now or timezone.now()
    total = 0
    for wave in Wave.objects.filter(
        opened_at__isnull=False, closed_at__isnull=True, reminder_every_days__isnull=False
    ).select_related("project"):
        if not wave.accepting or not gates.is_open(wave.project, gates.Gate.COLLECT_DATA):
            continue
        cutoff = now - dt.timedelta(days=wave.reminder_every_days or 0)
        due = [
            link.participant
            for link in _unanswered(
                wave.links.filter(
                    kind=LinkKind.PERSONAL, submitted_at__isnull=True, sent_at__isnull=False, sent_at__lte=cutoff
                )
            ).select_related("participant")
            if (link.reminded_at is None or link.reminded_at <= cutoff) and link.participant is not None
        ]
        if due:
            total += links_remind(actor=None, wave=wave, participants=due, actor_label="PINE (scheduled)").sent
    return total


# Answering


@dataclass(frozen=True)
class Page:
    """One page of a wave's questionnaires as a respondent sees them: a section of one instrument."""

    number: int
    instrument: Instrument
    section: Section


def pages(*, wave: Wave) -> list[Page]:
    found: list[Page] = []
    instruments = wave.instruments.order_by("pk").prefetch_related("sections__items")
    for instrument in instruments:
        for section in instrument.sections.all():
            if section.items.all():
                found.append(Page(len(found) + 1, instrument, section))
    return found


ALREADY_ANSWERED = "These answers have already been sent. Thank you: there is nothing more to do."


def already_answered(link: SurveyLink) -> bool:
    """Has this link's participant already answered its wave, through this link or any other way (an imported
    file, the API)? Then the link shows nothing and changes nothing."""
    if link.submitted_at is not None:
        return True
    if link.kind != LinkKind.PERSONAL or link.participant_id is None:
        return False
    return Response.objects.filter(
        wave_id=link.wave_id, participant_id=link.participant_id, status=ResponseStatus.SUBMITTED
    ).exists()


def link_state(link: SurveyLink) -> str:
    """Why a link cannot be used now ("" when it can)."""
    if link.revoked_at is not None:
        return "This link has been stopped by the team that sent it."
    if already_answered(link):
        return ALREADY_ANSWERED
    if link.participant_id and link.participant and not link.participant.may_be_contacted:
        return "This link no longer works."
    wave = link.wave
    if wave.opened_at is None or timezone.localdate() < wave.opens_on:
        return f"This questionnaire is not open yet. It opens on {wave.opens_on:%-d %B %Y}."
    if not wave.accepting:
        return "This questionnaire has closed. Thank you for your interest."
    return ""


def responses_of(*, link: SurveyLink, respondent_key: str = "") -> dict[int, Response]:
    """The respondent's answers so far, by instrument."""
    if link.kind == LinkKind.OPEN:
        if not respondent_key:
            return {}
        rows = Response.objects.filter(link=link, respondent_key=respondent_key)
    else:
        rows = Response.objects.filter(wave=link.wave, participant=link.participant)
    # Only answers still being written: a submitted response (from any source) is never shown or changed here.
    return {r.instrument_id: r for r in rows.filter(status=ResponseStatus.IN_PROGRESS)}


def _lock(link: SurveyLink, respondent_key: str, *related: str) -> SurveyLink:
    """Lock the link's row, then its participant's row, and check the link may still be used.

    Every writer of a participant's responses (links here, the API) locks the participant's row first, so a
    response sent another way cannot arrive between this check and the write. Only each table's own row is
    locked: PostgreSQL cannot lock the nullable side of an outer join (open links have no participant)."""
    link = SurveyLink.objects.select_for_update(of=("self",)).select_related(*related).get(pk=link.pk)
    if link.participant_id is not None:
        lock_participants(ids=[link.participant_id])
    problem = link_state(link)
    if not problem and link.kind == LinkKind.OPEN and respondent_finished(link=link, respondent_key=respondent_key):
        problem = ALREADY_ANSWERED
    if problem:
        raise CollectionError(problem)
    return link


def lock_participants(*, ids: Iterable[int]) -> None:
    """Lock these participants' rows (in a fixed order, so two writers never wait for each other). Call inside a
    transaction before checking for and writing their responses."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 900):
        list(
            Participant.objects.select_for_update()
            .filter(pk__in=wanted[start : start + 900])
            .order_by("pk")
            .values_list("pk", flat=True)
        )


@transaction.atomic
def page_save(*, link: SurveyLink, page: Page, answers: dict[str, Any], respondent_key: str = "") -> Response:
    """Keep one page's answers (so a respondent can stop and come back). Nothing changes once submitted."""
    link = _lock(link, respondent_key, "wave__project__organisation", "participant")
    existing = responses_of(link=link, respondent_key=respondent_key).get(page.instrument.pk)
    created = existing is None
    if existing is None:
        existing = Response(
            wave=link.wave,
            instrument=page.instrument,
            participant=link.participant,
            link=link,
            respondent_key=respondent_key if link.kind == LinkKind.OPEN else "",
            source=ResponseSource.OPEN_LINK if link.kind == LinkKind.OPEN else ResponseSource.LINK,
        )
    codes = {item.code for item in page.section.items.all()}
    before = dict(existing.answers)
    kept = {k: v for k, v in existing.answers.items() if k not in codes}
    kept.update({k: v for k, v in answers.items() if k in codes and v not in (None, "", [])})
    existing.answers = kept
    if created:
        existing.save()
    else:
        existing.save(update_fields=["answers"])
    changed = sorted(code for code in codes if before.get(code) != kept.get(code))
    if created or changed:
        # Which questions changed, never the answers themselves.
        audit.record(
            action=AuditAction.CREATED if created else AuditAction.CHANGED,
            obj=existing,
            actor_label=RESPONDENT,
            organisation=link.wave.project.organisation,
            changes={"answers saved": [len(before), len(kept)], "questions": ["", ", ".join(changed)]},
        )
    if link.opened_at is None:
        link.opened_at = timezone.now()
        link.save(update_fields=["opened_at"])
    return existing


@transaction.atomic
def submit(*, link: SurveyLink, respondent_key: str = "") -> list[Response]:
    """Send the answers: every questionnaire of the wave is marked submitted; a personal link is then used up."""
    link = _lock(link, respondent_key, "wave__project__organisation", "participant")
    responses = list(responses_of(link=link, respondent_key=respondent_key).values())
    if not responses:
        raise CollectionError("Answer the questions before sending")
    now = timezone.now()
    for response in responses:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = now
        response.save(update_fields=["status", "submitted_at"])
        audit.record(
            action=AuditAction.CHANGED,
            obj=response,
            actor_label=RESPONDENT,
            organisation=link.wave.project.organisation,
            changes={
                "status": [ResponseStatus.IN_PROGRESS.label, ResponseStatus.SUBMITTED.label],
                "answers": ["", f"{len(response.answers)} answered"],
            },
        )
    if link.kind == LinkKind.PERSONAL:
        link.submitted_at = now
        link.save(update_fields=["submitted_at"])
    return responses


def respondent_finished(*, link: SurveyLink, respondent_key: str) -> bool:
    """Has this anonymous respondent (on an open link) already sent their answers?"""
    return Response.objects.filter(link=link, respondent_key=respondent_key, status=ResponseStatus.SUBMITTED).exists()
