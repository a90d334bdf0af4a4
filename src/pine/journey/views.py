from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pine.core import policy
from pine.core.forms import posted
from pine.core.policy import Action
from pine.core.types import AuthenticatedRequest
from pine.journey import gates, selectors, services
from pine.journey.forms import (
    ActionForm,
    AdvisersForm,
    AgendaForm,
    CancelForm,
    CheckpointRequestForm,
    DecisionForm,
    NotesForm,
    ProjectCreateForm,
    ProjectSettingsForm,
    ScheduleForm,
    StageSummaryForm,
    TeamMemberForm,
)
from pine.journey.models import Action as ProjectAction
from pine.journey.models import Checkpoint, CheckpointStatus, Project, ProjectMember, ProjectStage, StageStatus
from pine.journey.stages import BY_NUMBER
from pine.journey.stages import stage as stage_definition


def _project(request: AuthenticatedRequest, pk: int, action: Action = Action.VIEW_PROJECT) -> Project:
    scope = policy.visible_projects(request.user).select_related("organisation", "practice_adviser", "research_adviser")
    return policy.get_object_or_404(request.user, action, scope, pk=pk)


def _stage(project: Project, number: int) -> ProjectStage:
    if number not in BY_NUMBER:
        raise Http404
    stage = ProjectStage.objects.get(project=project, number=number)
    stage.project = project
    return stage


def _checkpoint(project: Project, pk: int) -> Checkpoint:
    try:
        checkpoint = Checkpoint.objects.select_related("stage").get(project=project, pk=pk)
    except Checkpoint.DoesNotExist as exc:
        raise Http404 from exc
    checkpoint.project = project
    return checkpoint


def _can(request: AuthenticatedRequest, project: Project) -> dict[str, bool]:
    user = request.user
    return {
        "may_work": policy.can(user, Action.WORK_ON_PROJECT, project),
        "may_change_settings": policy.can(user, Action.CHANGE_PROJECT_SETTINGS, project),
        "may_request": policy.can(user, Action.REQUEST_CHECKPOINT, project),
        "may_run": policy.can(user, Action.RUN_CHECKPOINT, project),
        "may_decide": policy.can(user, Action.DECIDE_CHECKPOINT, project),
        "may_manage_actions": policy.can(user, Action.MANAGE_ACTIONS, project),
        "may_assign": policy.can(user, Action.ASSIGN_ADVISERS, project),
        "may_approve": policy.can(user, Action.APPROVE_PUBLIC_SUMMARY, project),
    }


# Projects


@policy.requires(Action.LIST_PROJECTS)
def project_list(request: AuthenticatedRequest) -> HttpResponse:
    projects = selectors.project_list(projects=policy.visible_projects(request.user))
    return render(request, "journey/project_list.html", {"projects": projects})


@policy.requires(Action.CREATE_PROJECT)
def project_create(request: AuthenticatedRequest, organisation_pk: int) -> HttpResponse:
    organisation = policy.get_object_or_404(
        request.user, Action.VIEW_ORGANISATION, policy.visible_organisations(request.user), pk=organisation_pk
    )
    form = ProjectCreateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        project = services.project_create(actor=request.user, organisation=organisation, **form.cleaned_data)
        messages.success(request, f"The project {project.title} has been set up")
        return redirect(project)
    return render(request, "journey/project_create.html", {"form": form, "organisation": organisation})


@policy.requires(Action.VIEW_PROJECT)
def project_workspace(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    context = {
        "project": project,
        "rows": selectors.workspace(project=project),
        "actions": selectors.project_actions(project=project),
        "members": project.members.select_related("user"),
        "data_collection_open": gates.is_open(project, gates.Gate.COLLECT_DATA),
        **_can(request, project),
    }
    return render(request, "journey/workspace.html", context)


@policy.requires(Action.VIEW_PROJECT)
def project_settings(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, Action.CHANGE_PROJECT_SETTINGS)
    initial = {
        "title": project.title,
        "intervention_summary": project.intervention_summary,
        "priorities": project.priorities.all(),
        "start_date": project.start_date,
        "expected_end_date": project.expected_end_date,
        "public_summary": project.public_summary,
    }
    form = ProjectSettingsForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.project_update(actor=request.user, project=project, data=form.cleaned_data)
        messages.success(request, "The project's details have been saved")
        return redirect(project)
    return render(
        request, "journey/project_settings.html", {"form": form, "project": project, **_can(request, project)}
    )


@policy.requires(Action.ASSIGN_ADVISERS)
def project_advisers(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, Action.ASSIGN_ADVISERS)
    form = AdvisersForm(
        posted(request),
        initial={"practice_adviser": project.practice_adviser, "research_adviser": project.research_adviser},
    )
    if request.method == "POST" and form.is_valid():
        services.project_advisers_change(actor=request.user, project=project, **form.cleaned_data)
        messages.success(request, "The advisers have been assigned, and their checkpoint meetings updated")
        return redirect(project)
    return render(request, "journey/project_advisers.html", {"form": form, "project": project})


@policy.requires(Action.APPROVE_PUBLIC_SUMMARY)
@require_POST
def public_summary_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, Action.APPROVE_PUBLIC_SUMMARY)
    try:
        services.public_summary_approve(actor=request.user, project=project)
    except services.JourneyError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "The public summary is approved")
    return redirect(project)


@policy.requires(Action.VIEW_PROJECT)
def project_team(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, Action.CHANGE_PROJECT_SETTINGS)
    form = TeamMemberForm(posted(request), project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_member_add(actor=request.user, project=project, **form.cleaned_data)
        except services.JourneyError as problem:
            form.add_error("user", str(problem))
        else:
            messages.success(request, f"{form.cleaned_data['user'].full_name} is in the project team")
            return redirect("journey:team", pk=project.pk)
    members = project.members.select_related("user")
    return render(request, "journey/team.html", {"form": form, "project": project, "members": members})


@policy.requires(Action.VIEW_PROJECT)
@require_POST
def project_team_remove(request: AuthenticatedRequest, pk: int, member: int) -> HttpResponse:
    project = _project(request, pk, Action.CHANGE_PROJECT_SETTINGS)
    try:
        row = ProjectMember.objects.select_related("user").get(project=project, pk=member)
    except ProjectMember.DoesNotExist as exc:
        raise Http404 from exc
    services.project_member_remove(actor=request.user, member=row)
    messages.success(request, f"{row.user.full_name} has left the project team")
    return redirect("journey:team", pk=project.pk)


@policy.requires(Action.VIEW_PROJECT)
def project_timeline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    events = selectors.project_timeline(project=project)
    return render(request, "journey/timeline.html", {"project": project, "events": events})


# Stages


@policy.requires(Action.VIEW_PROJECT)
def stage_detail(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    project = _project(request, pk)
    stage = _stage(project, number)
    row = next(r for r in selectors.workspace(project=project) if r.stage.pk == stage.pk)
    permissions = _can(request, project)
    form = StageSummaryForm(posted(request), initial={"summary": stage.summary, "version": stage.summary_version})
    if request.method == "POST":
        policy.authorize(request.user, Action.WORK_ON_PROJECT, project)
        if form.is_valid():
            try:
                services.stage_save_summary(
                    actor=request.user,
                    stage=stage,
                    summary=form.cleaned_data["summary"],
                    version=form.cleaned_data["version"],
                )
            except (services.JourneyError, gates.GateClosed) as problem:
                stage.refresh_from_db()
                form = StageSummaryForm({"summary": stage.summary, "version": stage.summary_version})
                form.is_valid()
                form.add_error(None, str(problem))
                form.conflicting_text = request.POST.get("summary", "")  # type: ignore[attr-defined]
            else:
                messages.success(request, "Your record of this stage has been saved")
                return redirect("journey:stage", pk=project.pk, number=number)
    context = {
        "project": project,
        "stage": stage,
        "row": row,
        "definition": BY_NUMBER[number],
        "form": form,
        "history": selectors.stage_history(stage=stage),
        "open_checkpoint": stage.checkpoints.filter(
            status__in=[CheckpointStatus.REQUESTED, CheckpointStatus.SCHEDULED]
        ).first(),
        **selectors.stage_revision(stage=stage),
        "is_open": stage.status in {StageStatus.OPEN, StageStatus.READY},
        **permissions,
    }
    return render(request, "journey/stage.html", context)


@policy.requires(Action.VIEW_PROJECT)
@require_POST
def stage_guidance_read(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    project = _project(request, pk, Action.WORK_ON_PROJECT)
    try:
        services.stage_mark_guidance_read(actor=request.user, stage=_stage(project, number))
    except gates.GateClosed as problem:
        messages.error(request, str(problem))
    return redirect("journey:stage", pk=project.pk, number=number)


@policy.requires(Action.VIEW_PROJECT)
def checkpoint_request(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    project = _project(request, pk, Action.REQUEST_CHECKPOINT)
    stage = _stage(project, number)
    form = CheckpointRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint = services.checkpoint_request(
                actor=request.user,
                stage=stage,
                proposed_times=form.proposed_times,
                message=form.cleaned_data["message"],
            )
        except (services.JourneyError, gates.GateClosed) as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "Your advisers have been asked to book the checkpoint meeting")
            return redirect(checkpoint)
    return render(request, "journey/checkpoint_request.html", {"form": form, "project": project, "stage": stage})


# Checkpoints


@policy.requires(Action.VIEW_PROJECT)
def checkpoint_detail(request: AuthenticatedRequest, pk: int, checkpoint: int) -> HttpResponse:
    project = _project(request, pk)
    meeting = _checkpoint(project, checkpoint)
    context = {
        "project": project,
        **selectors.checkpoint_detail(checkpoint=meeting),
        "notes_form": NotesForm(initial={"notes": meeting.notes, "version": meeting.notes_version}),
        **_can(request, project),
        "may_decide": policy.can(request.user, Action.DECIDE_CHECKPOINT, meeting),
        "decided_by": stage_definition(meeting.stage.number).decided_by,
    }
    return render(request, "journey/checkpoint.html", context)


def _checkpoint_form_page(
    request: AuthenticatedRequest,
    pk: int,
    checkpoint: int,
    *,
    action: Action,
    template: str,
    make_form: Any,
    save: Any,
    success: str,
) -> HttpResponse:
    project = _project(request, pk, action)
    meeting = _checkpoint(project, checkpoint)
    if not policy.can(request.user, action, meeting):
        raise PermissionDenied  # e.g. a stage whose decision is the research adviser's
    form = make_form(posted(request), meeting)
    if request.method == "POST" and form.is_valid():
        try:
            save(meeting, form)
        except services.NotesConflict as conflict:
            # The form now holds their version (and its number), so saving again is a deliberate merge.
            form = NotesForm({"notes": conflict.current.notes, "version": conflict.current.notes_version})
            form.is_valid()
            form.add_error(
                None,
                f"{conflict} Nothing has been overwritten. Their version is in the box; your "
                "version is shown below it. Combine them and save again.",
            )
            form.conflicting_text = request.POST.get("notes", "")  # type: ignore[attr-defined]
        except services.AlreadyDecided as decided:
            messages.error(request, str(decided))
            return redirect(meeting)
        except services.ChecksFailing as failing:
            # The work changed since the page was shown: show the checks failing now, and ask again.
            form = make_form(posted(request), meeting)
            form.is_valid()
            form.add_error(None, str(failing))
        except services.JourneyError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, success)
            return redirect(meeting)
    return render(request, template, {"form": form, "project": project, "checkpoint": meeting})


@policy.requires(Action.VIEW_PROJECT)
def checkpoint_schedule(request: AuthenticatedRequest, pk: int, checkpoint: int) -> HttpResponse:
    def make(data: Any, meeting: Checkpoint) -> ScheduleForm:
        initial: dict[str, Any] = {"location": meeting.location, "duration": str(meeting.duration_minutes)}
        if meeting.starts_at:
            local = timezone.localtime(meeting.starts_at)
            initial |= {"suggested": "other", "date": local.date(), "time": local.time().strftime("%H:%M")}
        suggested = selectors.checkpoint_suggested_times(checkpoint=meeting)
        return ScheduleForm(data, initial=initial, suggested_times=suggested)

    def save(meeting: Checkpoint, form: ScheduleForm) -> None:
        services.checkpoint_schedule(
            actor=request.user,
            checkpoint=meeting,
            starts_at=form.starts_at,
            duration_minutes=form.cleaned_data["duration"],
            location=form.cleaned_data["location"],
        )

    return _checkpoint_form_page(
        request,
        pk,
        checkpoint,
        action=Action.RUN_CHECKPOINT,
        template="journey/checkpoint_schedule.html",
        make_form=make,
        save=save,
        success="The meeting is booked and everyone has a calendar invitation",
    )


@policy.requires(Action.VIEW_PROJECT)
def checkpoint_cancel(request: AuthenticatedRequest, pk: int, checkpoint: int) -> HttpResponse:
    def save(meeting: Checkpoint, form: CancelForm) -> None:
        services.checkpoint_cancel(actor=request.user, checkpoint=meeting, reason=form.cleaned_data["reason"])

    return _checkpoint_form_page(
        request,
        pk,
        checkpoint,
        action=Action.RUN_CHECKPOINT,
        template="journey/checkpoint_cancel.html",
        make_form=lambda d, m: CancelForm(d),
        save=save,
        success="The checkpoint is cancelled",
    )


@policy.requires(Action.VIEW_PROJECT)
def checkpoint_agenda(request: AuthenticatedRequest, pk: int, checkpoint: int) -> HttpResponse:
    def save(meeting: Checkpoint, form: AgendaForm) -> None:
        services.checkpoint_save_agenda(actor=request.user, checkpoint=meeting, agenda=form.cleaned_data["agenda"])

    def make(data: Any, meeting: Checkpoint) -> AgendaForm:
        agenda = meeting.agenda or selectors.checkpoint_agenda(checkpoint=meeting)
        return AgendaForm(data, initial={"agenda": agenda})

    return _checkpoint_form_page(
        request,
        pk,
        checkpoint,
        action=Action.RUN_CHECKPOINT,
        template="journey/checkpoint_agenda.html",
        make_form=make,
        save=save,
        success="The agenda has been saved",
    )


@policy.requires(Action.VIEW_PROJECT)
def checkpoint_notes(request: AuthenticatedRequest, pk: int, checkpoint: int) -> HttpResponse:
    def save(meeting: Checkpoint, form: NotesForm) -> None:
        services.checkpoint_save_notes(
            actor=request.user,
            checkpoint=meeting,
            notes=form.cleaned_data["notes"],
            version=form.cleaned_data["version"],
        )

    def make(data: Any, meeting: Checkpoint) -> NotesForm:
        return NotesForm(data, initial={"notes": meeting.notes, "version": meeting.notes_version})

    return _checkpoint_form_page(
        request,
        pk,
        checkpoint,
        action=Action.RUN_CHECKPOINT,
        template="journey/checkpoint_notes.html",
        make_form=make,
        save=save,
        success="The notes have been saved",
    )


@policy.requires(Action.VIEW_PROJECT)
def checkpoint_decide(request: AuthenticatedRequest, pk: int, checkpoint: int) -> HttpResponse:
    def save(meeting: Checkpoint, form: DecisionForm) -> None:
        services.decision_record(
            actor=request.user,
            checkpoint=meeting,
            outcome=form.cleaned_data["outcome"],
            reasons=form.cleaned_data["reasons"],
            override_reason=form.cleaned_data.get("override_reason", ""),
        )

    def make(data: Any, meeting: Checkpoint) -> DecisionForm:
        return DecisionForm(data, failing_checks=selectors.stage_failing_checks(stage=meeting.stage))

    return _checkpoint_form_page(
        request,
        pk,
        checkpoint,
        action=Action.DECIDE_CHECKPOINT,
        template="journey/checkpoint_decide.html",
        make_form=make,
        save=save,
        success="The decision has been recorded and the team told",
    )


@policy.requires(Action.VIEW_PROJECT)
def checkpoint_calendar(request: AuthenticatedRequest, pk: int, checkpoint: int) -> HttpResponse:
    from pine.journey.calendar import checkpoint_calendar as build

    project = _project(request, pk)
    meeting = _checkpoint(project, checkpoint)
    if meeting.starts_at is None:
        raise Http404
    response = HttpResponse(
        build(meeting, cancelled=meeting.status == CheckpointStatus.CANCELLED),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="pine-checkpoint-{meeting.pk}.ics"'
    return response


# Actions


@policy.requires(Action.VIEW_PROJECT)
def action_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, Action.MANAGE_ACTIONS)
    meeting = None
    if request.GET.get("checkpoint", "").isdigit():
        meeting = _checkpoint(project, int(request.GET["checkpoint"]))
    form = ActionForm(posted(request), project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_create(actor=request.user, project=project, checkpoint=meeting, **form.cleaned_data)
        except services.JourneyError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "The action has been added")
            return redirect(meeting if meeting is not None else project)
    return render(request, "journey/action_form.html", {"form": form, "project": project, "checkpoint": meeting})


@policy.requires(Action.VIEW_PROJECT)
@require_POST
def action_status(request: AuthenticatedRequest, pk: int, action: int) -> HttpResponse:
    project = _project(request, pk, Action.MANAGE_ACTIONS)
    try:
        row = ProjectAction.objects.get(project=project, pk=action)
    except ProjectAction.DoesNotExist as exc:
        raise Http404 from exc
    done = request.POST.get("done") == "yes"
    services.action_set_done(actor=request.user, action=row, done=done)
    messages.success(request, "The action is done" if done else "The action is open again")
    target = request.POST.get("next", "")
    return redirect(
        target
        if target.startswith(f"/projects/{project.pk}/")
        else reverse("journey:project", kwargs={"pk": project.pk})
    )
