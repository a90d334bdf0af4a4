"""Theory of change and plan services: versions, links, the checkpoint hooks, registration and deviations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pine.core.models import AuditEvent
from pine.journey import services as journey
from pine.journey.models import ProjectStage
from pine.modelling import services, versions
from pine.modelling.models import Element, Link, PlanVersion, TheoryOfChange
from pine.modelling.selectors import plan_detail, toc_detail
from tests.journey.factories import meeting_started
from tests.modelling.conftest import Setup
from tests.modelling.factories import build_plan, build_toc


def test_each_save_of_the_theory_of_change_is_a_version(setup: Setup) -> None:
    element = services.element_add(actor=setup.lead, project=setup.project, kind="activity", text=" Workshops ")
    services.element_update(
        actor=setup.lead, project=setup.project, element_id=element.pk, kind="activity", text="Themed workshops"
    )
    toc = TheoryOfChange.objects.get(project=setup.project)
    numbers = list(toc.versions.order_by("number").values_list("number", "change"))
    assert numbers == [(1, "Added to activities: Workshops"), (2, "Changed: Themed workshops")]
    assert toc.versions.get(number=1).snapshot["elements"][0]["text"] == "Workshops"
    assert AuditEvent.objects.filter(project_id=setup.project.pk, object_type="modelling.TheoryOfChange").count() == 2


def test_a_link_to_an_element_removed_meanwhile_is_refused(setup: Setup) -> None:
    activity = services.element_add(actor=setup.lead, project=setup.project, kind="activity", text="Workshops")
    outcome = services.element_add(actor=setup.lead, project=setup.project, kind="outcome_short", text="Confidence")
    services.element_remove(actor=setup.member, project=setup.project, element_id=outcome.pk)
    with pytest.raises(services.ModellingError, match="has been removed from the theory of change"):
        services.link_add(actor=setup.lead, project=setup.project, source_id=activity.pk, target_id=outcome.pk)
    assert not Link.objects.exists()


def test_links_run_from_left_to_right_once(setup: Setup) -> None:
    activity = services.element_add(actor=setup.lead, project=setup.project, kind="activity", text="Workshops")
    outcome = services.element_add(actor=setup.lead, project=setup.project, kind="outcome_short", text="Confidence")
    problem = services.element_add(actor=setup.lead, project=setup.project, kind="problem", text="Low confidence")
    with pytest.raises(services.ModellingError, match="left to right"):
        services.link_add(actor=setup.lead, project=setup.project, source_id=outcome.pk, target_id=activity.pk)
    with pytest.raises(services.ModellingError, match="not linked"):
        services.link_add(actor=setup.lead, project=setup.project, source_id=problem.pk, target_id=activity.pk)
    services.link_add(actor=setup.lead, project=setup.project, source_id=activity.pk, target_id=outcome.pk)
    with pytest.raises(services.ModellingError, match="already leads to"):
        services.link_add(actor=setup.lead, project=setup.project, source_id=activity.pk, target_id=outcome.pk)


def test_another_projects_element_cannot_be_linked(setup: Setup) -> None:
    from tests.journey.factories import make_project

    other, *_ = make_project(
        organisation=setup.other_lead.memberships.get().organisation,
        practice_adviser=setup.adviser,
        research_adviser=setup.researcher,
        lead=setup.other_lead,
        title="Other",
    )
    theirs = services.element_add(actor=setup.other_lead, project=other, kind="outcome_short", text="Theirs")
    ours = services.element_add(actor=setup.lead, project=setup.project, kind="activity", text="Ours")
    with pytest.raises(services.ModellingError, match="removed"):
        services.link_add(actor=setup.lead, project=setup.project, source_id=ours.pk, target_id=theirs.pk)


def test_changing_an_elements_part_drops_links_that_would_run_backwards(setup: Setup) -> None:
    model = build_toc(setup.project, setup.lead)
    output = model.elements["output"]
    _, dropped = services.element_update(
        actor=setup.lead, project=setup.project, element_id=output.pk, kind="input", text=output.text
    )
    assert dropped == 1  # activity -> output ran forwards; activity -> input would not
    assert not Link.objects.filter(source=model.elements["activity"], target=output).exists()
    assert Link.objects.filter(source=output, target=model.elements["outcome_short"]).exists()


def test_elements_move_up_and_down_within_their_part(setup: Setup) -> None:
    first = services.element_add(actor=setup.lead, project=setup.project, kind="activity", text="First")
    second = services.element_add(actor=setup.lead, project=setup.project, kind="activity", text="Second")
    services.element_move(actor=setup.lead, project=setup.project, element_id=second.pk, direction="up")
    assert list(Element.objects.filter(kind="activity").values_list("text", flat=True)) == ["Second", "First"]
    services.element_move(actor=setup.lead, project=setup.project, element_id=second.pk, direction="up")  # top
    assert TheoryOfChange.objects.get().version == 3
    assert first.pk


def test_an_element_the_plan_measures_cannot_be_removed(setup: Setup) -> None:
    model = build_toc(setup.project, setup.lead)
    build_plan(setup.project, setup.lead, model)
    with pytest.raises(services.ModellingError, match="evaluation plan measures"):
        services.element_remove(actor=setup.lead, project=setup.project, element_id=model.elements["outcome_short"].pk)


def test_work_starts_after_the_initial_consultation(setup: Setup) -> None:
    ProjectStage.objects.filter(project=setup.project, number=2).update(status="locked")
    with pytest.raises(services.ModellingError, match="initial consultation"):
        services.element_add(actor=setup.lead, project=setup.project, kind="activity", text="Too early")


def _proceed(setup: Setup, number: int) -> None:
    stage = ProjectStage.objects.get(project=setup.project, number=number)
    checkpoint = stage.checkpoints.filter(status__in=["requested", "scheduled"]).first()
    when = timezone.now() + dt.timedelta(days=3)
    if checkpoint is None:
        checkpoint = journey.checkpoint_request(actor=setup.lead, stage=stage, proposed_times=[when])
    if checkpoint.status == "requested":
        journey.checkpoint_schedule(
            actor=setup.researcher, checkpoint=checkpoint, starts_at=when, duration_minutes=60, location="Video"
        )
    meeting_started(checkpoint)
    journey.decision_record(
        actor=setup.researcher,
        checkpoint=checkpoint,
        outcome="proceed",
        reasons="Good.",
        override_reason="Any gaps the checks find were agreed at the meeting.",
    )


def test_the_stage_2_proceed_decision_records_the_approved_version(setup: Setup) -> None:
    build_toc(setup.project, setup.lead)
    _proceed(setup, 2)
    detail = toc_detail(project=setup.project)
    assert detail.approved is not None and detail.approved.number == detail.latest.number  # type: ignore[union-attr]
    assert detail.approved.approved_decision.stage_number == 2  # type: ignore[union-attr]
    services.element_add(actor=setup.lead, project=setup.project, kind="activity", text="Later")
    assert toc_detail(project=setup.project).approved.number == detail.approved.number  # type: ignore[union-attr]


def test_the_stage_3_proceed_decision_registers_the_plan_and_later_changes_need_a_reason(setup: Setup) -> None:
    model = build_toc(setup.project, setup.lead)
    _proceed(setup, 2)
    plan = build_plan(setup.project, setup.lead, model)
    _proceed(setup, 3)
    registered = PlanVersion.objects.get(registered_at__isnull=False)
    assert registered.registered_by == setup.researcher
    assert registered.content_hash == versions.content_hash(registered.snapshot)
    assert len(registered.content_hash) == 64
    frozen = dict(registered.snapshot)

    with pytest.raises(services.ModellingError, match="say why"):
        services.question_save(actor=setup.lead, project=setup.project, text="New question?", outcomes=[])
    services.question_save(
        actor=setup.lead,
        project=setup.project,
        question_id=plan.question.pk,
        text="Are social workers more confident after six months?",
        outcomes=[model.elements["outcome_short"]],
        reason="The follow-up moved.",
    )
    registered.refresh_from_db()
    assert registered.snapshot == frozen  # the registered version never changes
    detail = plan_detail(project=setup.project)
    assert detail.registered == registered
    assert [(c.section, c.kind) for c in detail.deviations] == [("questions", "changed"), ("analyses", "changed")]
    assert detail.reasons[-1].reason == "The follow-up moved."


def test_a_plan_nobody_wrote_is_not_registered(setup: Setup) -> None:
    plan_detail(project=setup.project)  # reading the plan page creates an empty plan
    _proceed(setup, 2)
    _proceed(setup, 3)
    assert not PlanVersion.objects.exists()


def test_saving_an_unchanged_plan_makes_no_new_version(setup: Setup) -> None:
    data = {"sharing": "A briefing"}
    services.plan_update_section(actor=setup.lead, project=setup.project, section="sharing", data=data)
    services.plan_update_section(actor=setup.lead, project=setup.project, section="sharing", data=data)
    assert PlanVersion.objects.count() == 1


def test_an_analysis_that_does_not_fit_the_design_is_refused(setup: Setup) -> None:
    model = build_toc(setup.project, setup.lead)
    plan = build_plan(setup.project, setup.lead, model)
    services.plan_update_section(actor=setup.lead, project=setup.project, section="design", data={"design": "pre_post"})
    with pytest.raises(services.ModellingError, match="no comparison group"):
        services.analysis_save(
            actor=setup.lead,
            project=setup.project,
            question=plan.question,
            outcome=plan.outcome,
            method="two_group",
            groups="compared",
            time_points=["3m"],
            notes="",
        )
