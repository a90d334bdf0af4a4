"""The JSON API, for case-management systems to send responses and analysts to fetch pseudonymised data.

Built with django-ninja rather than Django REST framework: its schemas are the request validation and the
OpenAPI document at once (one definition, no drift), it needs one package instead of two, and PINE needs no
browsable API, viewsets or serializers for models. Authentication is a bearer API key per organisation, with
scopes (`read`, `write`), revocable by the organisation's site lead; keys are stored only as SHA-256 hashes.

Permissions come from `pine.core.policy` (`api.read`, `api.write`) like everything else: another organisation's
project answers 404. Sent rows go through exactly the checks of a file import (`validation`), and are stored all
together or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from typing import Annotated, Any, Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import HttpError, Throttled
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle
from pydantic import AfterValidator

from pine.collection import exports, survey, validation
from pine.collection.imports import store_rows
from pine.collection.models import ApiToken, Instrument, Participant, Response, ResponseSource, Wave
from pine.core import audit, policy, ratelimit
from pine.core.models import AuditAction
from pine.core.policy import Action
from pine.core.text import single_line
from pine.journey import gates
from pine.journey.models import Project


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiKey(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        # Like HttpBearer, but never logs the header it did not understand (it may be a key).
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None
        return self.authenticate(request, value.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token or len(token) > 200:
            return None
        found = ApiToken.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True).first()
        if found is not None:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found


class PerKeyThrottle(BaseThrottle):
    """At most API_REQUESTS_PER_MINUTE requests per API key, counted in PINE's shared limiter (ninja's own
    throttles count in the cache, which is per process here, so each app server would allow the limit again).
    Refused requests get 429 with Retry-After. Runs after authentication, so `request.auth` is the key."""

    def __init__(self) -> None:
        self._last = threading.local()  # ninja asks wait() straight after allow_request(), in the same thread

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return True
        limit = ratelimit.Limit("api-key", count=settings.API_REQUESTS_PER_MINUTE, window=dt.timedelta(minutes=1))
        verdict = ratelimit.hit(limit, key=str(token.pk))
        self._last.retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self) -> float | None:
        return getattr(self._last, "retry_after", None)


api = NinjaAPI(
    title="PINE data collection API",
    version="1",
    description="Send questionnaire responses from your systems, and fetch pseudonymised responses for analysis. "
    "Authenticate with `Authorization: Bearer <API key>`; your organisation's site lead issues keys in PINE. "
    "Each key may make a limited number of requests a minute; beyond it the API answers 429 with a "
    "`Retry-After` header giving the seconds to wait.",
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
    auth=ApiKey(),
    throttle=PerKeyThrottle(),
)


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    when = ratelimit.Verdict(allowed=False, hits=0, retry_after=int(exc.wait or 60)).wait
    return api.create_response(
        request,
        {"detail": f"Too many requests with this API key. Try again {when}, and slow down your requests."},
        status=429,
    )


# Schemas


class ProjectOut(Schema):
    id: int
    title: str
    stage: int
    data_collection_open: bool


class ItemOut(Schema):
    code: str
    text: str
    kind: str
    required: bool
    options: list[str]
    scale_start: int
    minimum: float | None
    maximum: float | None
    reverse_scored: bool


class InstrumentOut(Schema):
    id: int
    name: str
    version: int
    scoring: str
    items: list[ItemOut]


class WaveOut(Schema):
    id: int
    name: str
    code: str
    opens_on: dt.date
    closes_on: dt.date
    status: str
    instruments: list[int]


class ParticipantOut(Schema):
    pseudonym: str
    group: str
    cluster: str
    consent: str


class Table(Schema):
    variables: list[str]
    labels: list[str]
    rows: list[list[Any]]


# PINE's one text rule (core/text.py) for every string in a request: no line breaks, no control characters.
# Answers are checked with the questions they answer, as in a file import (`validation`).
OneLine = Annotated[str, AfterValidator(single_line)]


class RowIn(Schema):
    participant: OneLine | None = Field(None, description="The participant's PINE pseudonym, like P-7K3Q9.")
    case_number: OneLine | None = Field(
        None, description="Or their case number, matched privately through a keyed hash (never stored in clear)."
    )
    group: OneLine | None = Field(None, description="intervention or comparison (optional)")
    team: OneLine | None = Field(None, description="team or site (optional)")
    answers: dict[str, Any] = Field(description="Answers by question short name, as numbers, labels or text.")


class ResponsesIn(Schema):
    instrument: int = Field(description="The questionnaire's id (see the instruments list).")
    wave: OneLine = Field(description="The wave's short name or name, like baseline.")
    create_participants: bool = Field(
        False, description="With case numbers: add people PINE does not know yet as new participants."
    )
    rows: list[RowIn] = Field(min_length=1, max_length=10000)


class Stored(Schema):
    stored: int
    participants_added: int
    late: int = Field(
        0, description="How many of them arrived after their wave had closed: kept, and marked as late data."
    )


class ProblemOut(Schema):
    row: int
    column: str
    value: str
    problem: str


class Problems(Schema):
    detail: str
    problems: list[ProblemOut]


class Message(Schema):
    detail: str


def _project(request: HttpRequest, project_id: int, action: Action) -> Project:
    token = request.auth  # type: ignore[attr-defined]
    project = policy.visible_api_projects(token).filter(pk=project_id).first()
    if project is None:
        raise HttpError(404, "Not found")
    if not policy.can(token, action, project):
        raise HttpError(403, "This API key may not do that: ask your site lead for a key with the right scope")
    return project


# Endpoints


@api.get("/projects", response=list[ProjectOut], summary="Your organisation's projects")
def list_projects(request: HttpRequest) -> list[dict[str, Any]]:
    token = request.auth  # type: ignore[attr-defined]
    if not (policy.can(token, Action.API_READ) or policy.can(token, Action.API_WRITE)):
        raise HttpError(403, "This API key may not do that")
    return [
        {
            "id": p.pk,
            "title": p.title,
            "stage": p.current_stage,
            "data_collection_open": gates.is_open(p, gates.Gate.COLLECT_DATA),
        }
        for p in policy.visible_api_projects(token)
    ]


@api.get("/projects/{project_id}/instruments", response=list[InstrumentOut], summary="Questionnaires and questions")
def list_instruments(request: HttpRequest, project_id: int) -> list[dict[str, Any]]:
    token = request.auth  # type: ignore[attr-defined]
    action = Action.API_READ if policy.can(token, Action.API_READ) else Action.API_WRITE
    project = _project(request, project_id, action)
    return [
        {
            "id": i.pk,
            "name": i.name,
            "version": i.version,
            "scoring": i.scoring,
            "items": list(i.items.all()),
        }
        for i in Instrument.objects.filter(project=project).prefetch_related("items")
    ]


@api.get("/projects/{project_id}/waves", response=list[WaveOut], summary="Waves (time points)")
def list_waves(request: HttpRequest, project_id: int) -> list[dict[str, Any]]:
    token = request.auth  # type: ignore[attr-defined]
    action = Action.API_READ if policy.can(token, Action.API_READ) else Action.API_WRITE
    project = _project(request, project_id, action)
    return [
        {
            "id": w.pk,
            "name": w.name,
            "code": w.code,
            "opens_on": w.opens_on,
            "closes_on": w.closes_on,
            "status": w.status,
            "instruments": [i.pk for i in w.instruments.all()],
        }
        for w in Wave.objects.filter(project=project).prefetch_related("instruments")
    ]


@api.get("/projects/{project_id}/participants", response=list[ParticipantOut], summary="Participants (pseudonyms)")
def list_participants(request: HttpRequest, project_id: int) -> list[dict[str, Any]]:
    project = _project(request, project_id, Action.API_READ)
    rows = Participant.objects.filter(project=project).values_list("pseudonym", "group", "cluster", "consent")
    return [{"pseudonym": p, "group": g, "cluster": c, "consent": s} for p, g, c, s in rows]


@api.get("/projects/{project_id}/responses", response=Table, summary="Pseudonymised responses, with scores")
def get_responses(request: HttpRequest, project_id: int, layout: Literal["long", "wide"] = "long") -> dict[str, Any]:
    project = _project(request, project_id, Action.API_READ)
    dataset = exports.build(project=project, layout=layout)
    token = request.auth  # type: ignore[attr-defined]
    audit.record(
        action=AuditAction.EXPORTED,
        obj=project,
        actor_label=f"API key {token.name} ({token.prefix}…)",
        changes={"export": ["", f"pseudonymised responses through the API ({layout})"]},
    )
    return {
        "variables": [v.name for v in dataset.variables],
        "labels": [v.label for v in dataset.variables],
        "rows": dataset.rows,
    }


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, str):
        return value.strip() or None
    return value


@api.post(
    "/projects/{project_id}/responses",
    response={201: Stored, 409: Message, 422: Problems},
    summary="Send responses (all are stored, or none)",
    description="Answers already in PINE for a participant and wave (sent by survey link, file or API) are never "
    "replaced: such rows are refused as duplicates. A closed wave still takes answers; they are kept, marked as late "
    "data and recorded in the audit log.",
)
def post_responses(request: HttpRequest, project_id: int, payload: ResponsesIn) -> Any:
    project = _project(request, project_id, Action.API_WRITE)
    token = request.auth  # type: ignore[attr-defined]
    if not gates.is_open(project, gates.Gate.COLLECT_DATA):
        return Status(409, {"detail": gates.GATE_MESSAGE[gates.Gate.COLLECT_DATA]})
    instrument = Instrument.objects.filter(project=project, pk=payload.instrument).prefetch_related("items").first()
    if instrument is None:
        return Status(422, {"detail": "Unknown questionnaire", "problems": []})
    codes = sorted({code for row in payload.rows for code in row.answers})
    who = "case_number" if any(r.case_number for r in payload.rows) else "participant"
    headers = [who, "group", "team", *codes]
    mapping = {who: who, "group": validation.GROUP, "team": validation.CLUSTER}
    unknown = [c for c in codes if c not in {i.code for i in instrument.items.all()}]
    if unknown:
        return Status(
            422,
            {
                "detail": "Some answers are for questions this questionnaire does not have",
                "problems": [{"row": 0, "column": c, "value": "", "problem": "unknown question"} for c in unknown],
            },
        )
    mapping.update({code: f"item:{code}" for code in codes})
    wave = (
        Wave.objects.filter(project=project, code__iexact=payload.wave).first()
        or Wave.objects.filter(project=project, name__iexact=payload.wave).first()
    )
    if wave is None:
        return Status(422, {"detail": "Unknown wave", "problems": []})
    plan = validation.make_plan(
        instrument=instrument,
        headers=headers,
        mapping=mapping,
        wave=wave,
        missing_codes=[],
        create_participants=payload.create_participants,
    )
    rows = [
        [_cell(getattr(r, who)), _cell(r.group), _cell(r.team), *(_cell(r.answers.get(c)) for c in codes)]
        for r in payload.rows
    ]
    result = validation.validate(rows, plan)
    if result.problem_count:
        return _problems(result)
    late = wave.status == "Closed"
    label = f"API key {token.name} ({token.prefix}…)"
    try:
        with transaction.atomic():
            # Lock the participants, then check again: a survey link or another request may have stored their
            # answers since the first check, and a submitted response is never replaced.
            survey.lock_participants(ids=[r.participant_id for r in result.rows if r.participant_id])
            result = validation.validate(rows, plan)
            if result.problem_count:
                return _problems(result)
            started = timezone.now()
            stored, added = store_rows(rows=result.rows, plan=plan, source=ResponseSource.API, actor_label=label)
            if late:
                _mark_late(wave=wave, instrument=instrument, since=started, stored=stored, label=label)
    except IntegrityError:
        return Status(
            409,
            {
                "detail": "Answers for some of these participants arrived at the same moment another way: nothing was "
                "stored. Send them again to see which are already in PINE."
            },
        )
    return Status(201, {"stored": stored, "participants_added": added, "late": stored if late else 0})


def _problems(result: validation.Checked) -> Status:
    problems = [{**p.as_dict(), "row": p.row - 1} for p in result.problems]
    return Status(422, {"detail": f"{result.problem_count} problems: nothing was stored", "problems": problems})


def _mark_late(*, wave: Wave, instrument: Instrument, since: dt.datetime, stored: int, label: str) -> None:
    """The wave had closed: keep the answers (a case system often sends in batches after the fact), flag each
    response as late data, and say so in the audit log."""
    Response.objects.filter(
        wave=wave, instrument=instrument, source=ResponseSource.API, late=False, submitted_at__gte=since
    ).update(late=True)
    audit.record(
        action=AuditAction.CHANGED,
        obj=wave,
        actor_label=label,
        changes={"late data": [0, stored], "wave": ["", "closed: answers sent through the API after it closed"]},
    )


def schema() -> dict[str, Any]:
    return api.get_openapi_schema(path_prefix="/api/v1")


def urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns, each marked for the URL walk test: the OpenAPI document is public; every endpoint
    decides by its API key, through the policy."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        public = getattr(pattern, "name", "") in {"openapi-json", "api-root"}
        setattr(pattern.callback, "pine_policy", "public" if public else "api-key")  # noqa: B010
    return patterns, app_name, namespace
