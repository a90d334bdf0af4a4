"""Pages for the evaluation plan (stage 3): the plan and its sections, its versions and downloads, and the
power and sample size calculator. The plan's lists are in `views_plan_items`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pine.core import policy
from pine.core.forms import posted
from pine.core.policy import Action
from pine.core.types import AuthenticatedRequest
from pine.journey.models import Project
from pine.modelling import documents, selectors, services
from pine.modelling.calculator import Answer, CalculatorError, Question, calculate
from pine.modelling.forms_calculator import CalculatorForm, SampleSizeChangeForm
from pine.modelling.forms_plan import DataSourcesForm, DesignForm, ParticipantsForm, SharingForm
from pine.modelling.models import DataSource, Design, EvaluationPlan, PlanOutcome, PlanQuestion, TimePoint
from pine.modelling.views_common import _export, _may_work, _project
from pine.modelling.vocabulary import (
    EIF_SOURCE,
    EIF_URL,
    EVIDENCE,
    METHODS,
    NESTA_LEVELS,
    NESTA_SOURCE,
    NESTA_URL,
    Groups,
)

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


CALCULATOR_INITIAL = {"alpha": "0.05", "power": "0.8", "solve_for": "n", "two_sided": "yes", "attrition": "0"}


def _numbers(form: CalculatorForm) -> list[tuple[str, str]]:
    """The calculator's numbers as typed, to send on in hidden fields: only its own questions, never the CSRF
    token or anything else that came with the request."""
    typed = [(name, form.data.get(name)) for name in CalculatorForm.base_fields]
    return [(name, str(value)) for name, value in typed if value not in (None, "")]


def _calculator_page(
    request: AuthenticatedRequest, project: Project, form: CalculatorForm, answer: Answer | None, registered: bool
) -> HttpResponse:
    return render(
        request,
        "modelling/calculator.html",
        {
            "project": project,
            "form": form,
            "answer": answer,
            "hidden": _numbers(form) if answer else [],
            "may_work": _may_work(request, project),
            "registered": registered,
        },
    )


@policy.requires(Action.VIEW_PROJECT)
def calculator(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Working out is a GET (a page of numbers anyone may bookmark); putting them in the plan is a POST."""
    project = _project(request, pk)
    plan_row = EvaluationPlan.objects.filter(project=project).first()
    registered = plan_row is not None and _registered(plan_row)
    if request.method == "POST":
        policy.authorize(request.user, Action.WORK_ON_PROJECT, project)
        return _use_in_plan(request, project, registered)
    data = request.GET if "design" in request.GET else None
    form = CalculatorForm(data, initial=CALCULATOR_INITIAL)
    answer = _calculated(form) if data is not None else None
    return _calculator_page(request, project, form, answer, registered)


def _use_in_plan(request: AuthenticatedRequest, project: Project, registered: bool) -> HttpResponse:
    """Put the calculator's numbers in the plan. A registered plan first shows its values now beside the new ones
    and asks why; confirming records the change as a new version, listed as a deviation from the registered plan.
    """
    form = CalculatorForm(request.POST)
    answer = _calculated(form)
    if answer is None:
        return _calculator_page(request, project, form, None, registered)  # the problems, on their fields
    grouped = answer.question.design != "paired"
    intervention = answer.n_per_group_rounded if grouped else answer.n_recruit
    comparison = answer.n_per_group_rounded if grouped else None
    plans = reverse("modelling:plan", kwargs={"pk": project.pk})
    if not registered:
        try:
            services.plan_use_sample_size(
                actor=request.user,
                project=project,
                intervention=intervention,
                comparison=comparison,
                basis=answer.basis,
            )
        except services.ModellingError as problem:
            form.add_error(None, str(problem))
            return _calculator_page(request, project, form, answer, registered)
        messages.success(request, "The sample size has been added to the plan")
        return redirect(plans + "#participants")
    confirming = request.POST.get("step") == "confirm"
    review = SampleSizeChangeForm(request.POST if confirming else None)
    if confirming and review.is_valid():
        try:
            services.plan_use_sample_size(
                actor=request.user,
                project=project,
                intervention=intervention,
                comparison=comparison,
                basis=answer.basis,
                reason=review.reason,
                seen_version=review.cleaned_data["version"],
            )
        except services.ModellingError as problem:
            review.add_error(None, str(problem))
        else:
            messages.success(
                request, "The registered plan's sample size has been changed. The plan lists it as a deviation."
            )
            return redirect(plans + "#deviations")
    plan_row = services.plan_for(project)
    rows = selectors.sample_size_change(
        plan=plan_row, intervention=intervention, comparison=comparison, basis=answer.basis
    )
    if not any(row.changed for row in rows):
        messages.success(request, "The plan already has these numbers: nothing has changed")
        return redirect(plans + "#participants")
    query = urlencode(_numbers(form))
    return render(
        request,
        "modelling/calculator_confirm.html",
        {
            "project": project,
            "form": review,
            "rows": rows,
            "hidden": _numbers(form),
            "version": plan_row.version,
            "back": reverse("modelling:calculator", kwargs={"pk": project.pk}) + f"?{query}#answer",
        },
    )
