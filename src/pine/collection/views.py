"""Pages for the site team and its advisers: the collection overview and the questionnaire builder."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pine.collection import selectors, services
from pine.collection.answer_forms import page_form
from pine.collection.forms import (
    InstrumentCreateForm,
    InstrumentForm,
    ItemForm,
    NewVersionForm,
    SectionForm,
    SubscaleForm,
)
from pine.collection.models import Instrument, Item, Section, Subscale
from pine.collection.services import CollectionError
from pine.core import policy
from pine.core.forms import posted
from pine.core.policy import Action
from pine.core.types import AuthenticatedRequest
from pine.journey import gates
from pine.journey.models import Project


def project_for(request: AuthenticatedRequest, pk: int, action: Action = Action.VIEW_COLLECTION) -> Project:
    scope = policy.visible_projects(request.user).select_related("organisation")
    return policy.get_object_or_404(request.user, action, scope, pk=pk)


def permissions(request: AuthenticatedRequest, project: Project) -> dict[str, Any]:
    user = request.user
    return {
        "project": project,
        "may_manage": policy.can(user, Action.MANAGE_COLLECTION, project),
        "may_identify": policy.can(user, Action.VIEW_IDENTIFIERS, project),
        "may_export": policy.can(user, Action.EXPORT_RESPONSES, project),
        "may_export_identifiable": policy.can(user, Action.EXPORT_IDENTIFIABLE, project),
        "may_manage_keys": policy.can(user, Action.MANAGE_API_TOKENS, project.organisation),
        "collection_open": gates.is_open(project, gates.Gate.COLLECT_DATA),
        "gate_message": gates.GATE_MESSAGE[gates.Gate.COLLECT_DATA],
    }


def get_or_404(model: Any, **lookup: Any) -> Any:
    try:
        return model.objects.get(**lookup)
    except (model.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def _instrument(project: Project, pk: int) -> Instrument:
    instrument: Instrument = get_or_404(Instrument, project=project, pk=pk)
    instrument.project = project
    return instrument


@policy.requires(Action.VIEW_COLLECTION)
def overview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk)
    return render(
        request, "collection/overview.html", {**permissions(request, project), **selectors.overview(project=project)}
    )


# Questionnaires


@policy.requires(Action.MANAGE_COLLECTION)
def instrument_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    from pine.modelling.models import Measure

    measures = Measure.objects.filter(plan_outcomes__plan__project=project).distinct().order_by("name")
    form = InstrumentCreateForm(posted(request), measures=measures)
    if request.method == "POST" and form.is_valid():
        instrument = services.instrument_create(actor=request.user, project=project, **form.cleaned_data)
        messages.success(request, f"{instrument.name} has been created. Add its questions.")
        return redirect(instrument)
    return render(request, "collection/instrument_form.html", {"form": form, **permissions(request, project)})


@policy.requires(Action.VIEW_COLLECTION)
def instrument_detail(request: AuthenticatedRequest, pk: int, instrument: int) -> HttpResponse:
    project = project_for(request, pk)
    row = _instrument(project, instrument)
    detail = selectors.instrument_detail(instrument=row, locked=services.instrument_is_locked(instrument=row))
    return render(
        request,
        "collection/instrument.html",
        {"detail": detail, "instrument": row, "version_form": NewVersionForm(), **permissions(request, project)},
    )


def _builder_form(
    request: AuthenticatedRequest,
    *,
    project: Project,
    instrument: Instrument,
    form: Any,
    save: Any,
    title: str,
    success: str,
    template: str = "collection/builder_form.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except CollectionError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, success)
            return redirect(instrument)
    context = {"form": form, "instrument": instrument, "title": title, **(extra or {}), **permissions(request, project)}
    return render(request, template, context)


@policy.requires(Action.MANAGE_COLLECTION)
def instrument_edit(request: AuthenticatedRequest, pk: int, instrument: int) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _instrument(project, instrument)
    initial = {f: getattr(row, f) for f in ("name", "description", "scoring", "min_answered")}
    return _builder_form(
        request,
        project=project,
        instrument=row,
        form=InstrumentForm(posted(request), initial=initial),
        save=lambda data: services.instrument_update(actor=request.user, instrument=row, data=data),
        title="Name, introduction and scoring",
        success="The questionnaire's details have been saved",
    )


@policy.requires(Action.MANAGE_COLLECTION)
@require_POST
def instrument_version(request: AuthenticatedRequest, pk: int, instrument: int) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _instrument(project, instrument)
    form = NewVersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what you will change in the new version")
        return redirect(row)
    copy = services.instrument_new_version(
        actor=request.user, instrument=row, change_note=form.cleaned_data["change_note"]
    )
    messages.success(request, f"Version {copy.version} is ready to change. Waves keep the version they use.")
    return redirect(copy)


@policy.requires(Action.VIEW_COLLECTION)
def instrument_preview(request: AuthenticatedRequest, pk: int, instrument: int) -> HttpResponse:
    """The questionnaire exactly as respondents see it, a page at a time; nothing is saved."""
    project = project_for(request, pk)
    row = _instrument(project, instrument)
    sections = [s for s in row.sections.prefetch_related("items") if s.items.all()]
    if not sections:
        return render(request, "collection/preview_empty.html", {"instrument": row, **permissions(request, project)})
    try:
        number = max(1, min(len(sections), int(request.GET.get("page", "1"))))
    except ValueError:
        number = 1
    section = sections[number - 1]
    form = page_form(list(section.items.all()), data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        form.is_valid()  # shows the error messages respondents would see
    return render(
        request,
        "collection/preview.html",
        {
            "instrument": row,
            "section": section,
            "form": form,
            "number": number,
            "total": len(sections),
            "organisation": project.organisation,
            **permissions(request, project),
        },
    )


@policy.requires(Action.MANAGE_COLLECTION)
def section_edit(request: AuthenticatedRequest, pk: int, instrument: int, section: int | None = None) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _instrument(project, instrument)
    existing: Section | None = get_or_404(Section, instrument=row, pk=section) if section is not None else None
    initial = {"title": existing.title, "intro": existing.intro} if existing else None
    return _builder_form(
        request,
        project=project,
        instrument=row,
        form=SectionForm(posted(request), initial=initial),
        save=lambda data: services.section_save(actor=request.user, instrument=row, section=existing, **data),
        title="Change the page" if existing else "Add a page",
        success="The page has been saved",
    )


@policy.requires(Action.MANAGE_COLLECTION)
@require_POST
def section_delete(request: AuthenticatedRequest, pk: int, instrument: int, section: int) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _instrument(project, instrument)
    try:
        services.section_delete(actor=request.user, section=get_or_404(Section, instrument=row, pk=section))
    except CollectionError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "The page and its questions have been removed")
    return redirect(row)


@policy.requires(Action.MANAGE_COLLECTION)
def item_edit(
    request: AuthenticatedRequest, pk: int, instrument: int, section: int | None = None, item: int | None = None
) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _instrument(project, instrument)
    existing: Item | None = get_or_404(Item, instrument=row, pk=item) if item is not None else None
    target: Section = existing.section if existing else get_or_404(Section, instrument=row, pk=section)
    target.instrument = row
    if existing:
        initial = ItemForm.initial_for(existing)
    else:
        initial = {"required": True, "scored": True, "scale_start": 1, "code": f"q{row.items.count() + 1}"}
    return _builder_form(
        request,
        project=project,
        instrument=row,
        form=ItemForm(posted(request), initial=initial),
        save=lambda data: services.item_save(actor=request.user, section=target, item=existing, data=data),
        title="Change the question" if existing else f"Add a question to “{target.title}”",
        success="The question has been saved",
        template="collection/item_form.html",
    )


@policy.requires(Action.MANAGE_COLLECTION)
@require_POST
def item_delete(request: AuthenticatedRequest, pk: int, instrument: int, item: int) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _instrument(project, instrument)
    try:
        services.item_delete(actor=request.user, item=get_or_404(Item, instrument=row, pk=item))
    except CollectionError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "The question has been removed")
    return redirect(row)


@policy.requires(Action.MANAGE_COLLECTION)
@require_POST
def item_move(request: AuthenticatedRequest, pk: int, instrument: int, item: int) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _instrument(project, instrument)
    try:
        services.item_move(
            actor=request.user, item=get_or_404(Item, instrument=row, pk=item), up=request.POST.get("to") == "up"
        )
    except CollectionError as problem:
        messages.error(request, str(problem))
    return redirect(row)


@policy.requires(Action.MANAGE_COLLECTION)
def subscale_edit(request: AuthenticatedRequest, pk: int, instrument: int, subscale: int | None = None) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _instrument(project, instrument)
    existing: Subscale | None = get_or_404(Subscale, instrument=row, pk=subscale) if subscale is not None else None
    initial = (
        {
            "name": existing.name,
            "code": existing.code,
            "items": list(existing.items.all()),
            "scoring": existing.scoring,
            "min_answered": existing.min_answered,
        }
        if existing
        else {"scoring": "mean"}
    )
    return _builder_form(
        request,
        project=project,
        instrument=row,
        form=SubscaleForm(posted(request), initial=initial, instrument=row),
        save=lambda data: services.subscale_save(actor=request.user, instrument=row, subscale=existing, **data),
        title="Change the subscale" if existing else "Add a subscale",
        success="The subscale has been saved",
    )


@policy.requires(Action.MANAGE_COLLECTION)
@require_POST
def subscale_delete(request: AuthenticatedRequest, pk: int, instrument: int, subscale: int) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _instrument(project, instrument)
    try:
        services.subscale_delete(actor=request.user, subscale=get_or_404(Subscale, instrument=row, pk=subscale))
    except CollectionError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "The subscale has been removed")
    return redirect(row)
