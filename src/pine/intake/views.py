from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pine.core import audit, policy
from pine.core.exports import csv_response, xlsx_response
from pine.core.forms import posted
from pine.core.middleware import client_ip
from pine.core.models import AuditAction
from pine.core.policy import Action
from pine.core.types import AuthenticatedRequest
from pine.intake import selectors, services
from pine.intake.forms import (
    STEPS,
    AnswerForm,
    ConsultationForm,
    DeclineForm,
    DeclineTemplateForm,
    OutcomeForm,
    PriorityForm,
    PublicFilterForm,
    QuestionForm,
    QueueFilterForm,
    SaveForLaterForm,
    TriageForm,
    WithdrawForm,
)
from pine.intake.models import Consultation, ConsultationStatus, Proposal
from pine.journey.stages import STAGES
from pine.programme.models import Priority

SESSION_KEY = "pine_proposal"
STEP_NAMES = [name for name, _ in STEPS]


# Public pages


@policy.public
def programme_home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    return render(
        request,
        "intake/programme_home.html",
        {
            "stages": STAGES,
            "priorities": Priority.objects.filter(active=True),
            "supported": selectors.supported_projects()[:6],
        },
    )


@policy.public
def supported_projects(request: HttpRequest) -> HttpResponse:
    form = PublicFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    projects = selectors.supported_projects(priority=filters.get("priority"), region=filters.get("region", ""))
    return render(request, "intake/supported_projects.html", {"form": form, "projects": projects})


@policy.public
def supported_project(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.supported_projects().filter(pk=pk).first()
    if project is None:
        raise Http404
    return render(request, "intake/supported_project.html", {"project": project})


# The proposal form: short question pages, answers kept in the session until sent


def _answers(request: HttpRequest) -> dict[str, Any]:
    return request.session.setdefault(SESSION_KEY, {})


def _first_unanswered(answers: dict[str, Any]) -> str | None:
    for name, form_class in STEPS:
        form = form_class(answers.get(name))
        if not form.is_valid():
            return name
    return None


@policy.public
def propose_start(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/propose_start.html", {"priorities": Priority.objects.filter(active=True)})


@policy.public
def propose_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in STEP_NAMES:
        raise Http404
    form_class = dict(STEPS)[step]
    answers = _answers(request)
    changing = request.GET.get("change") == "1"
    # Saved answers are shown as they were typed; their problems only once the person sends the page again.
    form = form_class(posted(request), initial=answers.get(step))
    if request.method == "POST":
        data = {
            key: request.POST.getlist(key) if key == "priorities" else request.POST.get(key, "")
            for key in form_class.base_fields
        }
        if "save_for_later" in request.POST:
            answers[step] = data
            request.session.modified = True
            return redirect("intake:save")
        if form.is_valid():
            answers[step] = data
            request.session.modified = True
            index = STEP_NAMES.index(step)
            if changing or index == len(STEP_NAMES) - 1:
                return redirect("intake:check")
            return redirect("intake:step", step=STEP_NAMES[index + 1])
    index = STEP_NAMES.index(step)
    back = (
        reverse("intake:check")
        if changing
        else (reverse("intake:step", kwargs={"step": STEP_NAMES[index - 1]}) if index else reverse("intake:propose"))
    )
    return render(
        request,
        "intake/propose_step.html",
        {
            "form": form,
            "title": form_class.title,
            "step": step,
            "number": index + 1,
            "total": len(STEPS),
            "back": back,
            "changing": changing,
        },
    )


def _check_rows(answers: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, form_class in STEPS:
        form = form_class(answers.get(name))
        form.is_valid()
        for field_name, field in form.fields.items():
            if field_name == "website":
                continue
            value = form.cleaned_data.get(field_name) if hasattr(form, "cleaned_data") else None
            rows.append(
                {"label": field.label, "value": _shown(field_name, field, value), "step": name, "field": field_name}
            )
    return rows


def _shown(field_name: str, field: Any, value: Any) -> Any:
    """An answer as the check-your-answers page shows it: choice labels, Yes/No, priority names."""
    if field_name == "priorities":
        return [p.name for p in value] if value else ["None selected"]
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(field, "choices") and value not in (None, ""):
        return dict(field.choices).get(value, value)
    return value


def _submission_key(request: HttpRequest) -> str:
    """A key per filled-in form: sending the same form twice (double click, refresh, back, or from a saved link
    opened in two browsers) makes one proposal."""
    key = _answers(request).setdefault("_submission_key", secrets.token_hex(16))
    request.session.modified = True
    return str(key)


def _already_sent(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    if request.session.get(SESSION_KEY, {}).get("_submission_key") == proposal.submission_key:
        request.session.pop(SESSION_KEY)  # that form is done; another one in progress in this browser is kept
    return render(request, "intake/propose_already_sent.html", {"proposal": proposal})


@policy.public
def propose_check(request: HttpRequest) -> HttpResponse:
    answers = _answers(request)
    missing = _first_unanswered(answers)
    if missing is not None:
        return redirect("intake:step", step=missing)
    key = _submission_key(request)
    sent = Proposal.objects.filter(submission_key=key).first()
    if sent is not None:
        return _already_sent(request, sent)  # sent meanwhile, from another browser that had the same saved form
    return render(request, "intake/propose_check.html", {"rows": _check_rows(answers), "submission_key": key})


@policy.public
@require_POST
def propose_send(request: HttpRequest) -> HttpResponse:
    answers = _answers(request)
    key = request.POST.get("submission_key", "")
    if not key or len(key) > 64:
        return redirect("intake:check")
    existing = Proposal.objects.filter(submission_key=key).first()
    if existing is None:
        if _first_unanswered(answers) is not None or answers.get("_submission_key") != key:
            return redirect("intake:check")
        flat: dict[str, Any] = {}
        priorities: Any = []
        for name, form_class in STEPS:
            form = form_class(answers[name])
            form.is_valid()
            flat |= {k: v for k, v in form.cleaned_data.items() if k not in {"priorities", "website"}}
            priorities = form.cleaned_data.get("priorities", priorities)
        try:
            existing = services.proposal_submit(
                answers=flat, priorities=priorities, submission_key=key, address=client_ip(request)
            )
        except services.TooManyProposals as problem:
            return render(request, "intake/propose_refused.html", {"reason": str(problem)}, status=429)
        except (services.IntakeError, ValidationError) as problem:
            messages.error(request, " ".join(getattr(problem, "messages", [str(problem)])))
            return redirect("intake:check")
    services.drafts_sent(submission_key=key)
    request.session.pop(SESSION_KEY, None)
    request.session["pine_sent_reference"] = existing.reference
    return redirect("intake:sent")


@policy.public
def propose_sent(request: HttpRequest) -> HttpResponse:
    reference = request.session.get("pine_sent_reference")
    if not reference:
        return redirect("intake:propose")
    return render(request, "intake/propose_sent.html", {"reference": reference})


@policy.public
def propose_save(request: HttpRequest) -> HttpResponse:
    answers = _answers(request)
    initial_email = (answers.get("contact") or {}).get("contact_email", "")
    form = SaveForLaterForm(posted(request), initial={"email": initial_email})
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_save(
                email=form.cleaned_data["email"],
                answers={k: v for k, v in answers.items() if not k.startswith("_")},
                submission_key=_submission_key(request),
                address=client_ip(request),
            )
        except services.TooManyDrafts as problem:
            form.add_error("email", str(problem))
            return render(request, "intake/propose_save.html", {"form": form}, status=429)
        return render(request, "intake/propose_saved.html", {"email": form.cleaned_data["email"]})
    return render(request, "intake/propose_save.html", {"form": form})


@policy.public
def propose_resume(request: HttpRequest, token: str) -> HttpResponse:
    draft = services.draft_load(token=token)
    if draft is None:
        return render(
            request,
            "intake/link_unusable.html",
            {"reason": "This link has expired or is not valid. Saved answers are kept for 30 days."},
            status=404,
        )
    sent = services.draft_proposal(draft=draft)
    if sent is not None:
        return _already_sent(request, sent)
    request.session[SESSION_KEY] = {**draft.answers, "_submission_key": draft.key}
    missing = _first_unanswered(draft.answers)
    return redirect("intake:step", step=missing) if missing else redirect("intake:check")


@policy.public
def respond(request: HttpRequest, token: str) -> HttpResponse:
    info = services.information_request_for_token(token=token)
    if info is None:
        return render(request, "intake/link_unusable.html", {"reason": "This link is not valid."}, status=404)
    if info.answered_at is not None:
        return render(
            request,
            "intake/link_unusable.html",
            {"reason": "This question has already been answered. Thank you."},
            status=410,
        )
    form = AnswerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.information_answer(request=info, answer=form.cleaned_data["answer"])
        except services.IntakeError as problem:
            return render(request, "intake/link_unusable.html", {"reason": str(problem)}, status=410)
        return render(request, "intake/respond_done.html", {"proposal": info.proposal})
    return render(request, "intake/respond.html", {"form": form, "info": info})


# Triage (the programme team)


def _proposal(request: AuthenticatedRequest, pk: int, action: Action = Action.VIEW_PROPOSAL) -> Proposal:
    scope = policy.visible_proposals(request.user)
    return policy.get_object_or_404(request.user, action, scope, pk=pk)


@policy.requires(Action.TRIAGE)
def proposal_queue(request: AuthenticatedRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    proposals = selectors.queue(
        status=filters.get("status", ""), priority=filters.get("priority"), sort=filters.get("sort") or "oldest"
    )
    page = Paginator(proposals, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "intake/queue.html",
        {"form": form, "page": page, "counts": selectors.status_counts(), "query": query.urlencode()},
    )


@policy.requires(Action.TRIAGE)
def proposal_export(request: AuthenticatedRequest, kind: str) -> HttpResponseBase:
    if kind not in {"csv", "xlsx"}:
        raise Http404
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    proposals = selectors.queue(status=filters.get("status", ""), priority=filters.get("priority"))
    rows = selectors.export_rows(proposals=proposals)
    audit.record(action=AuditAction.EXPORTED, changes={"export": ["", f"proposals {kind.upper()}"]})
    if kind == "xlsx":
        return xlsx_response(rows, filename="pine-proposals.xlsx", sheet="Proposals")
    return csv_response(rows, filename="pine-proposals.csv")


@policy.requires(Action.TRIAGE)
def intake_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "intake/dashboard.html", selectors.dashboard())


@policy.requires(Action.VIEW_PROPOSAL)
def proposal_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    user = request.user
    return render(
        request,
        "intake/proposal.html",
        {
            "proposal": proposal,
            "flags": selectors.flags(proposal=proposal),
            "history": selectors.history(proposal=proposal),
            "emails": proposal.emails.all(),
            "questions": proposal.information_requests.all(),
            "consultations": proposal.consultations.prefetch_related("advisers"),
            "booked": proposal.consultations.filter(status=ConsultationStatus.BOOKED).first(),
            "may_triage": policy.can(user, Action.TRIAGE),
            "may_record": policy.can(user, Action.RECORD_CONSULTATION, proposal),
        },
    )


def _form_page(
    request: AuthenticatedRequest,
    pk: int,
    *,
    title: str,
    intro: str,
    form_class: Any,
    template: str,
    save: Any,
    success: str,
    initial: Any = None,
    action: Action = Action.TRIAGE,
) -> HttpResponse:
    proposal = _proposal(request, pk, action)
    form = form_class(posted(request), initial=initial(proposal) if initial else None)
    if request.method == "POST" and form.is_valid():
        try:
            save(proposal, form)
        except services.IntakeError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, success)
            return redirect(proposal)
    return render(request, template, {"form": form, "proposal": proposal, "title": title, "intro": intro})


@policy.requires(Action.TRIAGE)
def proposal_triage(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        form_class=TriageForm,
        template="intake/form_page.html",
        initial=lambda p: {
            "practice_adviser": p.practice_adviser,
            "research_adviser": p.research_adviser,
            "triage_notes": p.triage_notes,
        },
        save=lambda p, f: services.proposal_assign(actor=request.user, proposal=p, **f.cleaned_data),
        success="Advisers and notes saved",
        title="Assign advisers and add notes",
        intro=(
            "The advisers you assign can see this proposal and hold its initial consultation. Notes are for the "
            "programme team only."
        ),
    )


@policy.requires(Action.TRIAGE)
def proposal_question(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        form_class=QuestionForm,
        template="intake/form_page.html",
        save=lambda p, f: services.proposal_request_information(
            actor=request.user, proposal=p, question=f.cleaned_data["question"]
        ),
        success="The question has been emailed to the contact",
        title="Ask for more information",
        intro=(
            "The contact gets your question by email, with a link to a page where they can answer it. The "
            "proposal shows as waiting for more information until they do."
        ),
    )


@policy.requires(Action.TRIAGE)
def proposal_decline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        form_class=DeclineForm,
        template="intake/form_page.html",
        initial=lambda p: {"message": services.decline_message(p)},
        save=lambda p, f: services.proposal_decline(actor=request.user, proposal=p, **f.cleaned_data),
        success="The proposal is declined and the contact has been emailed",
        title="Decline the proposal",
        intro=(
            "The email starts from the programme's decline template. Change it as you need: it is sent exactly as"
            " shown, and a copy is kept on the proposal."
        ),
    )


@policy.requires(Action.TRIAGE)
def proposal_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        form_class=WithdrawForm,
        template="intake/form_page.html",
        save=lambda p, f: services.proposal_withdraw(actor=request.user, proposal=p, **f.cleaned_data),
        success="The proposal is marked as withdrawn",
        title="Mark the proposal as withdrawn",
        intro=(
            "Use this when the organisation tells you it no longer wants to go ahead. A booked consultation is "
            "cancelled and everyone attending is told."
        ),
    )


@policy.requires(Action.TRIAGE)
def consultation_book(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def initial(proposal: Proposal) -> dict[str, Any]:
        advisers = [a for a in (proposal.practice_adviser, proposal.research_adviser) if a]
        booked = proposal.consultations.filter(status=ConsultationStatus.BOOKED).first()
        if booked is None:
            return {"advisers": advisers, "duration": "60"}
        local = booked.starts_at.astimezone()
        return {
            "date": local.date(),
            "time": local.strftime("%H:%M"),
            "duration": str(booked.duration_minutes),
            "location": booked.location,
            "advisers": list(booked.advisers.all()),
        }

    def save(proposal: Proposal, form: ConsultationForm) -> None:
        services.consultation_book(
            actor=request.user,
            proposal=proposal,
            starts_at=form.starts_at,
            duration_minutes=form.cleaned_data["duration"],
            location=form.cleaned_data["location"],
            advisers=form.cleaned_data["advisers"],
        )

    return _form_page(
        request,
        pk,
        form_class=ConsultationForm,
        template="intake/form_page.html",
        initial=initial,
        save=save,
        success="The consultation is booked and everyone has a calendar invitation",
        title="Book the initial consultation",
        intro=(
            "Everyone attending gets an email with a calendar invitation. If a consultation is already booked, "
            "this moves it and sends everyone an update."
        ),
    )


def _booked(proposal: Proposal) -> Consultation:
    consultation = proposal.consultations.filter(status=ConsultationStatus.BOOKED).first()
    if consultation is None:
        raise Http404
    return consultation


@policy.requires(Action.TRIAGE)
@require_POST
def consultation_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk, Action.TRIAGE)
    services.consultation_cancel(actor=request.user, consultation=_booked(proposal))
    messages.success(request, "The consultation is cancelled and everyone has been told")
    return redirect(proposal)


@policy.requires(Action.VIEW_PROPOSAL)
def consultation_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def save(proposal: Proposal, form: OutcomeForm) -> None:
        services.consultation_record(actor=request.user, consultation=_booked(proposal), **form.cleaned_data)

    return _form_page(
        request,
        pk,
        form_class=OutcomeForm,
        template="intake/form_page.html",
        save=save,
        success="The consultation's outcome is recorded",
        title="Record the consultation's outcome",
        intro=(
            "Record this once the consultation has started. Accepting creates the project (and the organisation, "
            "if it is new to PINE), completes stage 1 with your notes and invites the contact as site lead. Asking "
            "for changes or declining emails your reasons to the contact."
        ),
        action=Action.RECORD_CONSULTATION,
    )


@policy.requires(Action.TRIAGE)
def decline_template_edit(request: AuthenticatedRequest) -> HttpResponse:
    form = DeclineTemplateForm(posted(request), initial={"body": services.decline_template()})
    if request.method == "POST" and form.is_valid():
        services.decline_template_save(actor=request.user, body=form.cleaned_data["body"])
        messages.success(request, "The decline email has been saved. New declines start from it.")
        return redirect("intake:decline-template")
    return render(request, "intake/decline_template.html", {"form": form})


# Priorities


@policy.requires(Action.MANAGE_PRIORITIES)
def priority_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "intake/priorities.html", {"priorities": Priority.objects.all()})


@policy.requires(Action.MANAGE_PRIORITIES)
def priority_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    priority = None
    if pk is not None:
        priority = Priority.objects.filter(pk=pk).first()
        if priority is None:
            raise Http404
    initial = (
        {"name": priority.name, "description": priority.description, "order": priority.order, "active": priority.active}
        if priority
        else {"active": True, "order": Priority.objects.count() + 1}
    )
    form = PriorityForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_save(actor=request.user, priority=priority, **form.cleaned_data)
        except ValidationError as problem:
            form.add_error("name", " ".join(problem.messages))
        else:
            messages.success(request, "The priority has been saved")
            return redirect("intake:priorities")
    return render(request, "intake/priority_form.html", {"form": form, "priority": priority})
