"""Pages for the evaluation plan's lists (questions, outcomes to measure, analyses, timeline and risks), which
share one add/change/remove view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pine.core import policy
from pine.core.forms import posted
from pine.core.policy import Action
from pine.core.types import AuthenticatedRequest
from pine.journey.models import Project
from pine.modelling import selectors, services
from pine.modelling.forms_plan import AnalysisForm, MilestoneForm, PlanOutcomeForm, QuestionForm, RemoveForm, RiskForm
from pine.modelling.models import EvaluationPlan, PlanAnalysis, PlanMilestone, PlanOutcome, PlanQuestion, PlanRisk
from pine.modelling.views_common import _form_page, _project
from pine.modelling.views_plan import _registered
from pine.modelling.vocabulary import METHODS


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
