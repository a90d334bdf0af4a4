"""What stages 2 and 3 ask of a project, registered with the journey: tasks, agenda lines and proceed hooks."""

from __future__ import annotations

from django.urls import reverse

from pine.journey.models import Project, ProjectStage
from pine.journey.registry import StageState, StageTask, TaskStatus, on_check, on_proceed, register
from pine.modelling import selectors, services
from pine.modelling.models import EvaluationPlan, TheoryOfChange
from pine.modelling.vocabulary import NESTA_SOURCE


def _toc_url(stage: ProjectStage) -> str:
    return reverse("modelling:toc", kwargs={"pk": stage.project_id})


def _plan_url(stage: ProjectStage) -> str:
    return reverse("modelling:plan", kwargs={"pk": stage.project_id})


def _calculator_url(stage: ProjectStage) -> str:
    return reverse("modelling:calculator", kwargs={"pk": stage.project_id})


def _toc_status(state: StageState) -> TaskStatus:
    toc = TheoryOfChange.objects.filter(project_id=state.stage.project_id).first()
    if toc is None or not toc.elements.exists():
        return TaskStatus.NOT_STARTED
    detail = selectors.toc_detail(project=state.stage.project)
    return TaskStatus.IN_PROGRESS if detail.problems else TaskStatus.COMPLETED


def _toc_agenda(state: StageState) -> list[str]:
    detail = selectors.toc_detail(project=state.stage.project)
    if detail.latest is None:
        return ["The theory of change has not been started in PINE."]
    lines = [
        f"Theory of change, version {detail.latest.number}: {detail.element_count} elements and "
        f"{len(detail.links)} links. A proceed decision approves this version."
    ]
    if detail.problems:
        lines.append("The check points out: " + " ".join(p.message for p in detail.problems[:6]))
    return lines


def _plan_status(state: StageState) -> TaskStatus:
    plan = EvaluationPlan.objects.filter(project_id=state.stage.project_id).first()
    if plan is None or plan.version == 0:
        return TaskStatus.NOT_STARTED
    detail = selectors.plan_detail(project=state.stage.project)
    return TaskStatus.IN_PROGRESS if detail.problems else TaskStatus.COMPLETED


def _plan_agenda(state: StageState) -> list[str]:
    if not EvaluationPlan.objects.filter(project_id=state.stage.project_id, version__gt=0).exists():
        return ["The evaluation plan has not been started in PINE."]
    detail = selectors.plan_detail(project=state.stage.project)
    if detail.latest is None:
        return ["The evaluation plan has not been started in PINE."]
    lines = [
        f"Evaluation plan, version {detail.latest.number}. A proceed decision registers this version: it is "
        "frozen, and later changes need a reason."
    ]
    if detail.evidence is not None:
        lines.append(
            f"Design: {detail.plan.get_design_display()}. Strength of evidence: Nesta level "
            f"{detail.evidence.nesta_level} ({NESTA_SOURCE.split(' (')[0]})."
        )
    if detail.problems:
        lines.append("The plan check points out: " + " ".join(p.message for p in detail.problems[:8]))
    return lines


def _sample_size_status(state: StageState) -> TaskStatus:
    """Worked out means both recorded in the plan: the planned size and how it was calculated."""
    plan = EvaluationPlan.objects.filter(project_id=state.stage.project_id).first()
    if plan is None:
        return TaskStatus.NOT_STARTED
    has_size, has_basis = bool(plan.sample_size_intervention), bool(plan.sample_size_basis.strip())
    if has_size and has_basis:
        return TaskStatus.COMPLETED
    return TaskStatus.IN_PROGRESS if has_size or has_basis else TaskStatus.NOT_STARTED


def toc_failing_checks(*, project: Project) -> list[str]:
    """What the theory of change check finds missing, for the stage 2 decision."""
    if not TheoryOfChange.objects.filter(project=project, elements__isnull=False).exists():
        return ["The theory of change has not been started in PINE."]
    return [problem.message for problem in selectors.toc_detail(project=project).problems]


def plan_failing_checks(*, project: Project) -> list[str]:
    """What the evaluation plan check finds missing, for the stage 3 decision."""
    if not EvaluationPlan.objects.filter(project=project, version__gt=0).exists():
        return ["The evaluation plan has not been started in PINE."]
    return [problem.message for problem in selectors.plan_detail(project=project).problems]


register(StageTask(2, "theory-of-change", "Build your theory of change", _toc_status, _toc_url, _toc_agenda))
register(StageTask(3, "evaluation-plan", "Write your evaluation plan", _plan_status, _plan_url, _plan_agenda))
register(StageTask(3, "sample-size", "Work out your sample size", _sample_size_status, _calculator_url))
on_proceed(2, services.toc_approve)
on_proceed(3, services.plan_register)
on_check(2, toc_failing_checks)
on_check(3, plan_failing_checks)
