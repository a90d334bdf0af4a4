"""Pages for waves and response tracking, and for participants."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pine.collection import selectors, services_waves, survey
from pine.collection.forms import AddManyForm, IdentifiersForm, ParticipantForm, ParticipantSearchForm, WaveForm
from pine.collection.models import IDENTIFIER_FIELDS, Participant, Wave
from pine.collection.services import CollectionError
from pine.collection.views import get_or_404, permissions, project_for
from pine.core import audit, policy
from pine.core.exports import csv_response
from pine.core.forms import posted
from pine.core.models import AuditAction
from pine.core.policy import Action
from pine.core.types import AuthenticatedRequest
from pine.journey.models import Project

# Waves


def _wave(project: Project, pk: int) -> Wave:
    wave: Wave = get_or_404(Wave, project=project, pk=pk)
    wave.project = project
    return wave


@policy.requires(Action.MANAGE_COLLECTION)
def wave_edit(request: AuthenticatedRequest, pk: int, wave: int | None = None) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    existing = _wave(project, wave) if wave is not None else None
    initial = (
        {
            "name": existing.name,
            "code": existing.code,
            "opens_on": existing.opens_on,
            "closes_on": existing.closes_on,
            "instruments": list(existing.instruments.all()),
            "reminder_every_days": existing.reminder_every_days,
        }
        if existing
        else None
    )
    form = WaveForm(posted(request), initial=initial, instruments=project.instruments.all())
    if request.method == "POST" and form.is_valid():
        try:
            saved = services_waves.wave_save(actor=request.user, project=project, wave=existing, **form.cleaned_data)
        except CollectionError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"{saved.name} has been saved")
            return redirect(saved)
    return render(
        request, "collection/wave_form.html", {"form": form, "wave": existing, **permissions(request, project)}
    )


@policy.requires(Action.VIEW_COLLECTION)
def wave_detail(request: AuthenticatedRequest, pk: int, wave: int) -> HttpResponse:
    """Response tracking: who has answered, rates per group, linkage with earlier waves."""
    project = project_for(request, pk)
    row = _wave(project, wave)
    tracking = selectors.tracking(wave=row)
    shown = [r for r in tracking.rows if request.GET.get("status") in (None, "", r.status)]
    page = Paginator(shown, 100).get_page(request.GET.get("page"))
    open_url = survey.link_url(tracking.open_link) if tracking.open_link else ""
    return render(
        request,
        "collection/wave.html",
        {
            "wave": row,
            "tracking": tracking,
            "page": page,
            "status_filter": request.GET.get("status", ""),
            "query": urlencode({"status": request.GET["status"]}) if request.GET.get("status") else "",
            "open_url": open_url,
            **permissions(request, project),
        },
    )


def _wave_action(request: AuthenticatedRequest, pk: int, wave: int, act: Any, success: Any) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _wave(project, wave)
    try:
        result = act(row)
    except CollectionError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, success(result))
    return redirect(row)


@policy.requires(Action.MANAGE_COLLECTION)
@require_POST
def wave_open(request: AuthenticatedRequest, pk: int, wave: int) -> HttpResponse:
    return _wave_action(
        request,
        pk,
        wave,
        lambda w: services_waves.wave_open(actor=request.user, wave=w),
        lambda w: f"{w.name} is open. Send the links, or download them to send yourselves.",
    )


@policy.requires(Action.MANAGE_COLLECTION)
@require_POST
def wave_close(request: AuthenticatedRequest, pk: int, wave: int) -> HttpResponse:
    return _wave_action(
        request,
        pk,
        wave,
        lambda w: services_waves.wave_close(actor=request.user, wave=w),
        lambda w: f"{w.name} is closed: its links no longer accept answers",
    )


def _sent_message(result: survey.SendResult, what: str) -> str:
    text = f"{result.sent} {what} emailed"
    if result.without_email:
        text += f". {result.without_email} people have no email address in PINE: download their links instead"
    return text


@policy.requires(Action.MANAGE_COLLECTION)
@require_POST
def wave_send(request: AuthenticatedRequest, pk: int, wave: int) -> HttpResponse:
    return _wave_action(
        request, pk, wave, lambda w: survey.links_send(actor=request.user, wave=w), lambda r: _sent_message(r, "links")
    )


@policy.requires(Action.MANAGE_COLLECTION)
@require_POST
def wave_remind(request: AuthenticatedRequest, pk: int, wave: int) -> HttpResponse:
    participant_pk = request.POST.get("participant")

    def remind(w: Wave) -> survey.SendResult:
        chosen = None
        if participant_pk:
            chosen = Participant.objects.filter(
                project_id=w.project_id, pk=participant_pk if participant_pk.isdigit() else 0
            )
            if not chosen.exists():
                raise Http404
        return survey.links_remind(actor=request.user, wave=w, participants=chosen)

    return _wave_action(request, pk, wave, remind, lambda r: _sent_message(r, "reminders"))


@policy.requires(Action.MANAGE_COLLECTION)
def wave_links_csv(request: AuthenticatedRequest, pk: int, wave: int) -> HttpResponseBase:
    """Every participant's link for this wave, for the site's own mail merge. Pseudonyms only: the site matches
    them to people in its own records (the site lead can look a pseudonym up in PINE)."""
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _wave(project, wave)
    survey.links_ensure(wave=row)
    rows: list[list[Any]] = [["participant", "group", "team_or_site", "link", "answered"]]
    for link in survey.personal_links(wave=row):
        person = link.participant
        assert person is not None
        rows.append(
            [
                person.pseudonym,
                person.get_group_display(),
                person.cluster,
                survey.link_url(link),
                "yes" if getattr(link, "answered", False) else "no",  # annotated by personal_links
            ]
        )
    audit.record(action=AuditAction.EXPORTED, obj=row, changes={"export": ["", "survey links CSV"]})
    return csv_response(rows, filename=f"pine-{row.code}-links.csv")


@policy.requires(Action.MANAGE_COLLECTION)
@require_POST
def wave_open_link(request: AuthenticatedRequest, pk: int, wave: int) -> HttpResponse:
    def act(w: Wave) -> str:
        existing = w.links.filter(kind="open", revoked_at__isnull=True).first()
        if request.POST.get("stop") and existing:
            survey.open_link_revoke(actor=request.user, link=existing)
            return "The open link has been stopped"
        survey.open_link_create(actor=request.user, wave=w)
        return "The open link is ready: anyone with it can answer, without giving their name"

    return _wave_action(request, pk, wave, act, lambda message: message)


# Participants


def _participant(project: Project, pk: int) -> Participant:
    participant: Participant = get_or_404(Participant, project=project, pk=pk)
    participant.project = project
    return participant


SEARCH_LIMIT = 100


@policy.requires(Action.VIEW_COLLECTION)
def participant_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Everyone, a page at a time; a search is posted (never a query string), because it may be a name, email
    address, case number or date of birth, which must not land in addresses, browser history or access logs."""
    project = project_for(request, pk)
    identifiers = policy.can(request.user, Action.VIEW_IDENTIFIERS, project)
    form = ParticipantSearchForm(posted(request), identifiers=identifiers)
    query = form.cleaned_data.get("q", "").strip() if form.is_bound and form.is_valid() else ""
    rows = selectors.participants(project=project, query=query, identifiers=identifiers)
    context: dict[str, Any] = {"form": form, "search": query, **permissions(request, project)}
    if query:
        found = list(rows[: SEARCH_LIMIT + 1])
        context.update(rows=found[:SEARCH_LIMIT], found=len(found[:SEARCH_LIMIT]), more=len(found) > SEARCH_LIMIT)
    else:
        context["page"] = context["rows"] = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "collection/participants.html", context)


@policy.requires(Action.MANAGE_COLLECTION)
def participant_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    identifiers = policy.can(request.user, Action.VIEW_IDENTIFIERS, project)
    form = ParticipantForm(posted(request), prefix="p")
    details = IdentifiersForm(posted(request), prefix="id") if identifiers else None
    if request.method == "POST" and form.is_valid() and (details is None or details.is_valid()):
        participant = services_waves.participant_create(
            actor=request.user,
            project=project,
            identifiers=details.cleaned_data if details is not None else None,
            **form.cleaned_data,
        )
        messages.success(request, f"Participant {participant.pseudonym} has been added")
        return redirect(participant)
    return render(
        request,
        "collection/participant_form.html",
        {"form": form, "details": details, "participant": None, **permissions(request, project)},
    )


@policy.requires(Action.MANAGE_COLLECTION)
def participant_add_many(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    form = AddManyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            rows = services_waves.participants_add_many(actor=request.user, project=project, **form.cleaned_data)
        except CollectionError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"{len(rows)} participants have been added, each with a new pseudonym")
            return redirect("collection:participants", pk=project.pk)
    return render(request, "collection/participant_add_many.html", {"form": form, **permissions(request, project)})


@policy.requires(Action.VIEW_COLLECTION)
def participant_detail(request: AuthenticatedRequest, pk: int, participant: int) -> HttpResponse:
    project = project_for(request, pk)
    row = _participant(project, participant)
    context = permissions(request, project)
    identifiers = None
    if context["may_identify"]:
        identifiers = [(IdentifiersForm.base_fields[name].label, getattr(row, name)) for name in IDENTIFIER_FIELDS]
    return render(
        request,
        "collection/participant.html",
        {
            "participant": row,
            "identifiers": identifiers,
            "history": selectors.participant_history(participant=row),
            **context,
        },
    )


@policy.requires(Action.MANAGE_COLLECTION)
def participant_edit(request: AuthenticatedRequest, pk: int, participant: int) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _participant(project, participant)
    initial = {"group": row.group, "cluster": row.cluster, "consent": row.consent, "consent_date": row.consent_date}
    form = ParticipantForm(posted(request), initial=initial, prefix="p")
    if request.method == "POST" and form.is_valid():
        services_waves.participant_update(actor=request.user, participant=row, data=form.cleaned_data)
        messages.success(request, f"{row.pseudonym} has been updated")
        return redirect(row)
    return render(
        request,
        "collection/participant_form.html",
        {"form": form, "details": None, "participant": row, **permissions(request, project)},
    )


@policy.requires(Action.VIEW_IDENTIFIERS)
def participant_identifiers(request: AuthenticatedRequest, pk: int, participant: int) -> HttpResponse:
    project = project_for(request, pk, Action.VIEW_IDENTIFIERS)
    row = _participant(project, participant)
    initial: dict[str, Any] = {name: getattr(row, name) for name in IDENTIFIER_FIELDS}
    if initial["date_of_birth"]:
        initial["date_of_birth"] = date.fromisoformat(initial["date_of_birth"])
    form = IdentifiersForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services_waves.participant_set_identifiers(actor=request.user, participant=row, identifiers=form.cleaned_data)
        messages.success(request, f"The identifying details of {row.pseudonym} have been saved")
        return redirect(row)
    return render(
        request,
        "collection/participant_identifiers.html",
        {"form": form, "participant": row, **permissions(request, project)},
    )


@policy.requires(Action.VIEW_IDENTIFIERS)
def participant_delete(request: AuthenticatedRequest, pk: int, participant: int) -> HttpResponse:
    """Erase a participant and all their answers (a withdrawal with a request to erase): site lead or DPO."""
    project = project_for(request, pk, Action.VIEW_IDENTIFIERS)
    row = _participant(project, participant)
    if request.method == "POST":
        services_waves.participant_delete(actor=request.user, participant=row)
        messages.success(request, f"{row.pseudonym} and their answers have been deleted")
        return redirect("collection:participants", pk=project.pk)
    return render(request, "collection/participant_delete.html", {"participant": row, **permissions(request, project)})
