"""Pages for the theory of change (stage 2), the evaluation plan (stage 3) and the measures library.

Thin views: the policy decides who may, forms check the answers, services write, selectors read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
from pine.modelling.calculator import Answer, CalculatorError, Question, calculate
from pine.modelling.forms import (
    AnalysisForm,
    CalculatorForm,
    ConfirmForm,
    DataSourcesForm,
    DesignForm,
    ElementForm,
    LinkForm,
    MeasureForm,
    MilestoneForm,
    ParticipantsForm,
    PlanOutcomeForm,
    QuestionForm,
    RemoveForm,
    RiskForm,
    SharingForm,
)
from pine.modelling.models import (
    DataSource,
    Design,
    Element,
    ElementKind,
    EvaluationPlan,
    Measure,
    PlanAnalysis,
    PlanMilestone,
    PlanOutcome,
    PlanQuestion,
    PlanRisk,
    Reporter,
    TheoryOfChange,
    TimePoint,
)
from pine.modelling.vocabulary import (
    EIF_SOURCE,
    EIF_URL,
    EVIDENCE,
    KIND_HINTS,
    METHODS,
    NESTA_LEVELS,
    NESTA_SOURCE,
    NESTA_URL,
    Groups,
)


def _project(request: AuthenticatedRequest, pk: int, action: Action = Action.VIEW_PROJECT) -> Project:
    scope = policy.visible_projects(request.user).select_related("organisation", "practice_adviser", "research_adviser")
    return policy.get_object_or_404(request.user, action, scope, pk=pk)


def _may_work(request: AuthenticatedRequest, project: Project) -> bool:
    return policy.can(request.user, Action.WORK_ON_PROJECT, project)


def _form_page(request: AuthenticatedRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "modelling/form_page.html", context)


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


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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


def _export(
    request: AuthenticatedRequest, project: Project, document: documents.Document, fmt: str, name: str
) -> HttpResponse:
    services.record_export(actor=request.user, project=project, filename=f"{name}.{fmt}")
    if fmt == "docx":
        return _download(
            documents.to_docx(document),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            f"{name}.docx",
        )
    return _download(documents.to_pdf(document), "application/pdf", f"{name}.pdf")


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


# Evaluation plan


@dataclass(frozen=True)
class AnalysisRow:
    pk: int
    question: PlanQuestion
    outcome: PlanOutcome | None
    label: str
    groups_label: str
    times: list[str]
    notes: str


def _plan_context(request: AuthenticatedRequest, project: Project) -> dict[str, Any]:
    detail = selectors.plan_detail(project=project)
    groups = dict(Groups.CHOICES)
    analyses = [
        AnalysisRow(
            a.pk,
            a.question,
            a.outcome,
            METHODS[a.method].label if a.method in METHODS else a.method,
            groups.get(a.groups, a.groups),
            [TimePoint(t).label for t in a.time_points if t in TimePoint.values],
            a.notes,
        )
        for a in detail.plan.analyses.all()
    ]
    return {
        "project": project,
        "detail": detail,
        "plan": detail.plan,
        "analyses": analyses,
        "data_source_labels": [DataSource(v).label for v in detail.plan.data_sources if v in DataSource.values],
        "may_work": _may_work(request, project),
        "methods": METHODS,
        "nesta_source": NESTA_SOURCE,
        "nesta_url": NESTA_URL,
        "eif_source": EIF_SOURCE,
        "eif_url": EIF_URL,
    }


@policy.requires(Action.VIEW_PROJECT)
def plan(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return render(request, "modelling/plan.html", _plan_context(request, project))


@dataclass
class Section:
    """One plain section of the plan (fields on the plan itself)."""

    slug: str
    title: str
    form: type[Any]
    guidance: list[str]
    template: str = "modelling/form_page.html"
    form_kwargs: Callable[[EvaluationPlan], dict[str, Any]] = field(default=lambda plan: {})


SECTIONS = {
    "design": Section(
        "design",
        "Design",
        DesignForm,
        [
            "The design is how you will tell whether the intervention made a difference. Stronger designs compare "
            "people who had the intervention with similar people who did not.",
            "Each design can show some things and not others: the page lists what each can show, with its level on "
            "the Nesta Standards of Evidence.",
        ],
        template="modelling/plan_design.html",
    ),
    "participants": Section(
        "participants",
        "Participants and sample size",
        ParticipantsForm,
        [
            "Say who will take part and how you will invite them. The sample size calculator works out how many "
            "people you need to have a good chance of finding a difference, if there is one.",
        ],
        form_kwargs=lambda plan: {"design": plan.quantitative_design},
    ),
    "data-sources": Section(
        "data-sources",
        "Data sources",
        DataSourcesForm,
        [
            "Where your data will come from. Use data you already collect where you can: it costs less and nobody "
            "has to fill in another form."
        ],
    ),
    "sharing": Section(
        "sharing",
        "Sharing the findings",
        SharingForm,
        ["Plan now how you will share what you find, whatever it is: results that show no change are useful too."],
    ),
}


def _registered(plan_row: EvaluationPlan) -> bool:
    return services.plan_is_registered(plan_row)


@policy.requires(Action.VIEW_PROJECT)
def plan_section(request: AuthenticatedRequest, pk: int, section: str) -> HttpResponse:
    project = _project(request, pk, Action.WORK_ON_PROJECT)
    spec = SECTIONS[section]
    plan_row = services.plan_for(project)
    fields = services.SECTION_FIELDS[section]
    initial = {name: getattr(plan_row, name) for name in fields}
    form = spec.form(posted(request), initial=initial, registered=_registered(plan_row), **spec.form_kwargs(plan_row))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in fields if name in form.cleaned_data}
        try:
            services.plan_update_section(
                actor=request.user, project=project, section=section, data=data, reason=form.reason
            )
        except services.ModellingError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"{spec.title} saved")
            return redirect(reverse("modelling:plan", kwargs={"pk": project.pk}) + f"#{section}")
    context = {
        "project": project,
        "form": form,
        "caption": "Evaluation plan",
        "title": spec.title,
        "guidance": spec.guidance,
        "submit": "Save",
        "back": reverse("modelling:plan", kwargs={"pk": project.pk}) + f"#{section}",
        "evidence": [(Design(choice).label, note) for choice, note in EVIDENCE.items()],
        "nesta_levels": NESTA_LEVELS,
        "nesta_source": NESTA_SOURCE,
        "nesta_url": NESTA_URL,
        "calculator": reverse("modelling:calculator", kwargs={"pk": project.pk}) if section == "participants" else "",
    }
    return render(request, spec.template, context)


@dataclass
class ItemKind:
    slug: str  # in URLs and in services.PLAN_ITEMS
    model: type[Any]
    singular: str
    form: type[Any]
    guidance: list[str]
    initial: Callable[[Any], dict[str, Any]]
    save: Callable[..., Any]
    form_kwargs: Callable[[Project, EvaluationPlan], dict[str, Any]] = field(default=lambda project, plan: {})
    id_name: str = ""


def _outcome_kwargs(project: Project, plan_row: EvaluationPlan) -> dict[str, Any]:
    return {
        "outcomes": selectors.outcome_elements(project=project),
        "measures": selectors.measures_for_project(project=project),
    }


ITEMS = {
    "questions": ItemKind(
        "questions",
        PlanQuestion,
        "evaluation question",
        QuestionForm,
        [
            "Evaluation questions say what you want to find out. Good questions are few (two to five), answerable "
            "with the data you can get, and each is about outcomes in your theory of change.",
        ],
        lambda q: {"text": q.text, "outcomes": list(q.outcomes.all())},
        services.question_save,
        lambda project, plan_row: {"outcomes": selectors.outcome_elements(project=project)},
        "question_id",
    ),
    "outcomes": ItemKind(
        "outcomes",
        PlanOutcome,
        "outcome to measure",
        PlanOutcomeForm,
        [
            "For each outcome you will measure, choose how: a questionnaire or scale from the measures library, "
            "or a record you already keep. Measure before the intervention (baseline) and after it, so you can see "
            "change.",
        ],
        lambda o: {
            "outcome": o.outcome,
            "measure": o.measure,
            "reported_by": o.reported_by,
            "time_points": o.time_points,
            "scoring": o.scoring,
        },
        services.outcome_save,
        _outcome_kwargs,
        "outcome_id",
    ),
    "analyses": ItemKind(
        "analyses",
        PlanAnalysis,
        "analysis",
        AnalysisForm,
        [
            "Plan one analysis for each question before you collect data, so that the results cannot steer the "
            "choice. The analysis stage runs these analyses for you.",
        ],
        lambda a: {
            "question": a.question,
            "outcome": a.outcome,
            "method": a.method,
            "groups": a.groups,
            "time_points": a.time_points,
            "notes": a.notes,
        },
        services.analysis_save,
        lambda project, plan_row: {"plan": plan_row},
        "analysis_id",
    ),
    "timeline": ItemKind(
        "timeline",
        PlanMilestone,
        "milestone",
        MilestoneForm,
        ["The main dates: baseline, the intervention, follow-ups, analysis and the report."],
        lambda m: {"due": m.due, "what": m.what},
        services.milestone_save,
        id_name="milestone_id",
    ),
    "risks": ItemKind(
        "risks",
        PlanRisk,
        "risk",
        RiskForm,
        [
            "What could stop the evaluation giving a clear answer, and what you will do about it: few people "
            "answering, staff changes, the comparison team changing how it works."
        ],
        lambda r: {"risk": r.risk, "mitigation": r.mitigation},
        services.risk_save,
        id_name="risk_id",
    ),
}


def _plan_item(plan_row: EvaluationPlan, kind: ItemKind, item: int) -> Any:
    found = kind.model.objects.filter(plan=plan_row, pk=item).first()
    if found is None:
        raise Http404
    return found


@policy.requires(Action.VIEW_PROJECT)
def plan_item(request: AuthenticatedRequest, pk: int, kind: str, item: int | None = None) -> HttpResponse:
    project = _project(request, pk, Action.WORK_ON_PROJECT)
    spec = ITEMS[kind]
    plan_row = services.plan_for(project)
    row = _plan_item(plan_row, spec, item) if item is not None else None
    form = spec.form(
        posted(request),
        initial=spec.initial(row) if row is not None else {},
        registered=_registered(plan_row),
        **spec.form_kwargs(project, plan_row),
    )
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "reason"}
        if spec.id_name and row is not None:
            data[spec.id_name] = row.pk
        try:
            spec.save(actor=request.user, project=project, reason=form.reason, **data)
        except services.ModellingError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"The {spec.singular} has been saved")
            return redirect(reverse("modelling:plan", kwargs={"pk": project.pk}) + f"#{kind}")
    return _form_page(
        request,
        {
            "project": project,
            "form": form,
            "caption": "Evaluation plan",
            "title": f"{'Change the' if row else 'Add an' if spec.singular[0] in 'aeiou' else 'Add a'} {spec.singular}",
            "guidance": spec.guidance,
            "submit": f"Save {spec.singular}",
            "back": reverse("modelling:plan", kwargs={"pk": project.pk}) + f"#{kind}",
            "analysis_help": METHODS if kind == "analyses" else None,
        },
    )


@policy.requires(Action.VIEW_PROJECT)
def plan_item_remove(request: AuthenticatedRequest, pk: int, kind: str, item: int) -> HttpResponse:
    project = _project(request, pk, Action.WORK_ON_PROJECT)
    spec = ITEMS[kind]
    plan_row = services.plan_for(project)
    row = _plan_item(plan_row, spec, item)
    form = RemoveForm(posted(request), registered=_registered(plan_row))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_remove(
                actor=request.user, project=project, kind=kind, item_id=row.pk, reason=form.reason
            )
        except services.ModellingError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"The {spec.singular} has been removed")
            return redirect(reverse("modelling:plan", kwargs={"pk": project.pk}) + f"#{kind}")
    return render(
        request,
        "modelling/confirm.html",
        {
            "project": project,
            "form": form,
            "caption": "Evaluation plan",
            "title": f"Remove this {spec.singular}?",
            "body": str(row),
            "submit": f"Remove {spec.singular}",
            "back": reverse("modelling:plan", kwargs={"pk": project.pk}) + f"#{kind}",
        },
    )


@policy.requires(Action.VIEW_PROJECT)
def plan_versions(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    plan_row = services.plan_for(project)
    rows = list(selectors.plan_versions(plan=plan_row))
    numbers = [row.number for row in rows]
    first, second = request.GET.get("a", ""), request.GET.get("b", "")
    comparison, error = None, ""
    if first or second:
        if not (first.isdigit() and second.isdigit() and int(first) in numbers and int(second) in numbers):
            error = "Select two versions from the lists"
        elif first == second:
            error = "Select two different versions"
        else:
            from pine.modelling.versions import plan_differences

            older, newer = sorted([int(first), int(second)])
            snapshots = {v.number: v.snapshot for v in plan_row.versions.filter(number__in=[older, newer])}
            comparison = {
                "older": older,
                "newer": newer,
                "changes": plan_differences(snapshots[older], snapshots[newer]),
            }
    context = {
        "project": project,
        "versions": rows,
        "comparison": comparison,
        "error": error,
        "a": first or (str(numbers[1]) if len(numbers) > 1 else ""),
        "b": second or (str(numbers[0]) if numbers else ""),
    }
    return render(request, "modelling/plan_versions.html", context)


@policy.requires(Action.VIEW_PROJECT)
def plan_version(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    project = _project(request, pk)
    plan_row = services.plan_for(project)
    version = plan_row.versions.select_related("created_by", "registered_by").filter(number=number).first()
    if version is None:
        raise Http404
    return render(
        request,
        "modelling/plan_version.html",
        {"project": project, "version": version, "document": documents.plan_snapshot_sections(version.snapshot)},
    )


@policy.requires(Action.VIEW_PROJECT)
def plan_download(request: AuthenticatedRequest, pk: int, fmt: str) -> HttpResponse:
    project = _project(request, pk)
    detail = selectors.plan_detail(project=project)
    document = documents.plan_document(project=project, detail=detail)
    name = f"{project.reference}-evaluation-plan" + (f"-v{detail.latest.number}" if detail.latest else "")
    return _export(request, project, document, fmt, name)


# Power and sample size


def _question(data: dict[str, Any]) -> Question:
    def number(name: str) -> float | None:
        value = data.get(name)
        return float(value) if value is not None else None

    size = number("cluster_size")
    return Question(
        design=data["design"],
        solve_for=data["solve_for"],
        effect_size=number("effect_size"),
        p1=number("p1"),
        p2=number("p2"),
        alpha=number("alpha"),
        power=number("power"),
        n=number("n"),
        two_sided=bool(data.get("two_sided", True)),
        cluster_size=int(size) if size is not None else None,
        icc=number("icc"),
        attrition=(number("attrition") or 0.0) / 100,
    )


def _calculated(form: CalculatorForm) -> Answer | None:
    if not form.is_valid():
        return None
    try:
        return calculate(_question(form.cleaned_data))
    except CalculatorError as problem:
        form.add_error(None, str(problem))
        return None


@policy.requires(Action.VIEW_PROJECT)
def calculator(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    plan_row = EvaluationPlan.objects.filter(project=project).first()
    registered = plan_row is not None and _registered(plan_row)
    if request.method == "POST":
        policy.authorize(request.user, Action.WORK_ON_PROJECT, project)
        form = CalculatorForm(request.POST)
        answer = _calculated(form)
        reason = request.POST.get("reason", "").strip()
        if answer is None:
            messages.error(request, "The calculation could not be repeated: check the numbers and try again")
        elif registered and not reason:
            messages.error(request, "Say why you are changing the registered plan")
        else:
            grouped = answer.question.design != "paired"
            try:
                services.plan_use_sample_size(
                    actor=request.user,
                    project=project,
                    intervention=answer.n_per_group_rounded if grouped else answer.n_recruit,
                    comparison=answer.n_per_group_rounded if grouped else None,
                    basis=answer.basis,
                    reason=reason,
                )
            except services.ModellingError as problem:
                messages.error(request, str(problem))
            else:
                messages.success(request, "The sample size has been added to the plan")
                return redirect(reverse("modelling:plan", kwargs={"pk": project.pk}) + "#participants")
        return redirect(reverse("modelling:calculator", kwargs={"pk": project.pk}) + "?" + request.POST.urlencode())
    data = request.GET if "design" in request.GET else None
    form = CalculatorForm(
        data, initial={"alpha": "0.05", "power": "0.8", "solve_for": "n", "two_sided": "yes", "attrition": "0"}
    )
    answer = _calculated(form) if data is not None else None
    hidden = [(k, v) for k, v in request.GET.items() if k in form.fields] if answer else []
    return render(
        request,
        "modelling/calculator.html",
        {
            "project": project,
            "form": form,
            "answer": answer,
            "hidden": hidden,
            "may_work": _may_work(request, project),
            "registered": registered,
        },
    )


# Measures library


@policy.requires(Action.LIST_MEASURES)
def measure_list(request: AuthenticatedRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    completed_by = request.GET.get("completed_by", "")
    if completed_by not in Reporter.values:
        completed_by = ""
    measures = selectors.measure_list(
        measures=policy.visible_measures(request.user), search=search, completed_by=completed_by
    )
    return render(
        request,
        "modelling/measure_list.html",
        {
            "measures": measures,
            "search": search,
            "completed_by": completed_by,
            "reporters": Reporter.choices,
            "may_add": policy.can(request.user, Action.ADD_MEASURE),
        },
    )


def _measure(request: AuthenticatedRequest, measure: int, action: Action) -> Measure:
    return policy.get_object_or_404(
        request.user, action, policy.visible_measures(request.user).select_related("organisation"), pk=measure
    )


@policy.requires(Action.LIST_MEASURES)
def measure_detail(request: AuthenticatedRequest, measure: int) -> HttpResponse:
    row = _measure(request, measure, Action.LIST_MEASURES)
    return render(
        request,
        "modelling/measure_detail.html",
        {
            "measure": row,
            "priorities": row.priorities.all(),
            "may_change": policy.can(request.user, Action.CHANGE_MEASURE, row),
        },
    )


MEASURE_GUIDANCE = [
    "Describe the measure and link to where it comes from. Do not copy a copyrighted questionnaire's questions "
    "into PINE: check its licence allows your use, and get the forms from the source.",
]


def _organisation_choices(request: AuthenticatedRequest) -> list[tuple[str, str]]:
    from pine.accounts.models import Organisation

    if policy.can(request.user, Action.ADD_MEASURE) and request.user.programme_role == "programme_manager":
        return []
    ids = policy.measure_organisations(request.user)
    return [(str(o.pk), o.name) for o in Organisation.objects.filter(pk__in=ids).order_by("name")]


@policy.requires(Action.ADD_MEASURE)
def measure_add(request: AuthenticatedRequest) -> HttpResponse:
    from pine.accounts.models import Organisation

    choices = _organisation_choices(request)
    form = MeasureForm(posted(request), organisations=choices if len(choices) > 1 else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = None
        if choices:
            chosen = data.pop("organisation", choices[0][0])
            organisation = Organisation.objects.get(pk=int(chosen))
            policy.authorize(request.user, Action.ADD_MEASURE, organisation)
        measure = services.measure_create(
            actor=request.user, organisation=organisation, data=data, priorities=data.pop("priorities")
        )
        messages.success(request, f"{measure.name} has been added to the measures library")
        return redirect(measure)
    return _form_page(
        request,
        {
            "form": form,
            "caption": "Measures library",
            "title": "Add a measure",
            "guidance": MEASURE_GUIDANCE
            + (
                [f"It is added to {choices[0][1]}'s library, which your organisation's projects can use."]
                if len(choices) == 1
                else []
            ),
            "submit": "Add measure",
            "back": reverse("modelling:measure-list"),
        },
    )


@policy.requires(Action.CHANGE_MEASURE)
def measure_edit(request: AuthenticatedRequest, measure: int) -> HttpResponse:
    row = _measure(request, measure, Action.CHANGE_MEASURE)
    initial = {name: getattr(row, name) for name in services.MEASURE_FIELDS}
    initial["validated"] = "yes" if row.validated else "no"
    initial["priorities"] = list(row.priorities.all())
    form = MeasureForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.measure_update(actor=request.user, measure=row, data=data, priorities=data.pop("priorities"))
        messages.success(request, f"{row.name} has been saved")
        return redirect(row)
    return _form_page(
        request,
        {
            "form": form,
            "caption": "Measures library",
            "title": f"Change {row.name}",
            "guidance": MEASURE_GUIDANCE,
            "submit": "Save measure",
            "back": row.get_absolute_url(),
        },
    )
