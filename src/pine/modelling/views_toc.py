"""Pages for the theory of change (stage 2): its elements and links, its versions and its downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pine.core import policy
from pine.core.forms import posted
from pine.core.policy import Action
from pine.core.types import AuthenticatedRequest
from pine.journey.models import Project
from pine.modelling import diagram, documents, selectors, services
from pine.modelling.forms_toc import ConfirmForm, ElementForm, LinkForm
from pine.modelling.models import Element, ElementKind, TheoryOfChange
from pine.modelling.views_common import _download, _export, _form_page, _may_work, _project
from pine.modelling.vocabulary import KIND_HINTS

# Theory of change


@policy.requires(Action.VIEW_PROJECT)
def toc(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    detail = selectors.toc_detail(project=project)
    may_work = _may_work(request, project)
    context = {
        "project": project,
        "detail": detail,
        "svg": diagram.render_svg(detail.snapshot, title=f"Theory of change: {project.title}", standalone=False),
        "text": diagram.text_alternative(detail.snapshot),
        "may_work": may_work,
        "link_form": LinkForm(elements=detail.chain_elements) if may_work else None,
        "hints": KIND_HINTS,
    }
    return render(request, "modelling/toc.html", context)


TOC_GUIDANCE = [
    "A theory of change says how your intervention is meant to work: what you put in (inputs), what you do "
    "(activities), what that produces (outputs), what changes for people as a result (outcomes, from the first "
    "changes to the lasting ones) and the difference it makes in the end (impact).",
    "Write each element as one short statement. You can change the words, the order and the links at any time; "
    "each save is kept as a version.",
]


@policy.requires(Action.VIEW_PROJECT)
def element_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, Action.WORK_ON_PROJECT)
    kind = request.GET.get("kind", "")
    form = ElementForm(posted(request), initial={"kind": kind if kind in ElementKind.values else ""})
    if request.method == "POST" and form.is_valid():
        try:
            element = services.element_add(actor=request.user, project=project, **form.cleaned_data)
        except services.ModellingError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"Added to {element.get_kind_display().lower()}: {element.text}")
            return redirect("modelling:toc", pk=project.pk)
    return _form_page(
        request,
        {
            "project": project,
            "form": form,
            "caption": "Theory of change",
            "title": "Add an element",
            "guidance": TOC_GUIDANCE,
            "submit": "Add element",
            "back": reverse("modelling:toc", kwargs={"pk": project.pk}),
        },
    )


def _element(project: Project, element: int) -> Element:
    found = Element.objects.filter(toc__project=project, pk=element).first()
    if found is None:
        raise Http404
    return found


@policy.requires(Action.VIEW_PROJECT)
def element_edit(request: AuthenticatedRequest, pk: int, element: int) -> HttpResponse:
    project = _project(request, pk, Action.WORK_ON_PROJECT)
    row = _element(project, element)
    form = ElementForm(posted(request), initial={"kind": row.kind, "text": row.text})
    if request.method == "POST" and form.is_valid():
        try:
            _, dropped = services.element_update(
                actor=request.user, project=project, element_id=row.pk, **form.cleaned_data
            )
        except services.ModellingError as problem:
            form.add_error(None, str(problem))
        else:
            note = f" {dropped} link{'s' if dropped != 1 else ''} no longer fitted and were removed." if dropped else ""
            messages.success(request, f"The element has been saved.{note}")
            return redirect("modelling:toc", pk=project.pk)
    return _form_page(
        request,
        {
            "project": project,
            "form": form,
            "caption": "Theory of change",
            "title": "Change an element",
            "guidance": [
                "Moving an element to another part of the model removes any of its links that would then run "
                "backwards (from right to left)."
            ],
            "submit": "Save element",
            "back": reverse("modelling:toc", kwargs={"pk": project.pk}),
        },
    )


@policy.requires(Action.VIEW_PROJECT)
def element_remove(request: AuthenticatedRequest, pk: int, element: int) -> HttpResponse:
    project = _project(request, pk, Action.WORK_ON_PROJECT)
    row = _element(project, element)
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.element_remove(actor=request.user, project=project, element_id=row.pk)
        except services.ModellingError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"Removed: {row.text}")
            return redirect("modelling:toc", pk=project.pk)
    return render(
        request,
        "modelling/confirm.html",
        {
            "project": project,
            "form": form,
            "caption": "Theory of change",
            "title": f"Remove '{row.text}'?",
            "body": "Its links are removed too. The earlier versions of the theory of change keep it.",
            "submit": "Remove element",
            "back": reverse("modelling:toc", kwargs={"pk": project.pk}),
        },
    )


@policy.requires(Action.VIEW_PROJECT)
@require_POST
def element_move(request: AuthenticatedRequest, pk: int, element: int) -> HttpResponse:
    project = _project(request, pk, Action.WORK_ON_PROJECT)
    row = _element(project, element)
    try:
        services.element_move(
            actor=request.user, project=project, element_id=row.pk, direction=request.POST.get("direction", "")
        )
    except services.ModellingError as problem:
        messages.error(request, str(problem))
    return redirect(reverse("modelling:toc", kwargs={"pk": project.pk}) + f"#element-{row.pk}")


@policy.requires(Action.VIEW_PROJECT)
def link_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, Action.WORK_ON_PROJECT)
    form = LinkForm(posted(request), elements=selectors.chain_elements(project=project))
    if request.method == "POST" and form.is_valid():
        try:
            link = services.link_add(
                actor=request.user,
                project=project,
                source_id=form.cleaned_data["source"],
                target_id=form.cleaned_data["target"],
            )
        except services.ModellingError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"Linked: {link.source.text} leads to {link.target.text}")
            return redirect(reverse("modelling:toc", kwargs={"pk": project.pk}) + "#links")
    return _form_page(
        request,
        {
            "project": project,
            "form": form,
            "caption": "Theory of change",
            "title": "Link two elements",
            "guidance": [
                "A link says that one element leads to another: this activity produces that output; that output "
                "brings about this outcome. Links run from left to right in the diagram, from inputs to impact.",
                "Link every activity to what it produces, and every outcome to what brings it about.",
            ],
            "submit": "Add link",
            "back": reverse("modelling:toc", kwargs={"pk": project.pk}),
        },
    )


@policy.requires(Action.VIEW_PROJECT)
@require_POST
def link_remove(request: AuthenticatedRequest, pk: int, link: int) -> HttpResponse:
    project = _project(request, pk, Action.WORK_ON_PROJECT)
    try:
        services.link_remove(actor=request.user, project=project, link_id=link)
    except services.ModellingError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "The link has been removed")
    return redirect(reverse("modelling:toc", kwargs={"pk": project.pk}) + "#links")


def _toc_snapshot(project: Project, version: str | None) -> tuple[dict[str, Any], int | None]:
    toc_row = TheoryOfChange.objects.filter(project=project).first()
    if version:
        if not version.isdigit() or toc_row is None:
            raise Http404
        found = toc_row.versions.filter(number=int(version)).first()
        if found is None:
            raise Http404
        return found.snapshot, found.number
    detail = selectors.toc_detail(project=project)
    return detail.snapshot, detail.latest.number if detail.latest else None


@policy.requires(Action.VIEW_PROJECT)
def toc_download(request: AuthenticatedRequest, pk: int, fmt: str) -> HttpResponse:
    project = _project(request, pk)
    snapshot, number = _toc_snapshot(project, request.GET.get("version"))
    title = f"Theory of change: {project.title}"
    name = f"{project.reference}-theory-of-change" + (f"-v{number}" if number else "")
    if fmt == "svg":
        return _download(diagram.render_svg(snapshot, title=title), "image/svg+xml", f"{name}.svg")
    if fmt == "png":
        return _download(diagram.render_png(snapshot, title=title), "image/png", f"{name}.png")
    document = documents.toc_document(project=project, snapshot=snapshot, number=number)
    return _export(request, project, document, fmt, name)


@policy.requires(Action.VIEW_PROJECT)
def toc_versions(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    toc_row = TheoryOfChange.objects.filter(project=project).first()
    rows = list(selectors.toc_versions(toc=toc_row)) if toc_row else []
    numbers = [row.number for row in rows]
    comparison = None
    error = ""
    first, second = request.GET.get("a", ""), request.GET.get("b", "")
    if first or second:
        if not (first.isdigit() and second.isdigit() and int(first) in numbers and int(second) in numbers):
            error = "Select two versions from the lists"
        elif first == second:
            error = "Select two different versions"
        else:
            assert toc_row is not None
            older, newer = sorted([int(first), int(second)])
            snapshots = {v.number: v.snapshot for v in toc_row.versions.filter(number__in=[older, newer])}
            from pine.modelling.versions import toc_comparison

            comparison = {"older": older, "newer": newer, "groups": toc_comparison(snapshots[older], snapshots[newer])}
    context = {
        "project": project,
        "versions": rows,
        "comparison": comparison,
        "error": error,
        "a": first or (str(numbers[1]) if len(numbers) > 1 else ""),
        "b": second or (str(numbers[0]) if numbers else ""),
    }
    return render(request, "modelling/toc_versions.html", context)


@policy.requires(Action.VIEW_PROJECT)
def toc_version(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    project = _project(request, pk)
    toc_row = TheoryOfChange.objects.filter(project=project).first()
    version = (
        toc_row.versions.select_related("created_by", "approved_decision__decided_by").filter(number=number).first()
        if toc_row
        else None
    )
    if version is None:
        raise Http404
    title = f"Theory of change: {project.title}, version {number}"
    context = {
        "project": project,
        "version": version,
        "svg": diagram.render_svg(version.snapshot, title=title, standalone=False),
        "text": diagram.text_alternative(version.snapshot),
    }
    return render(request, "modelling/toc_version.html", context)
