"""The modelling pages by request: forms and their messages, permissions, exports and the measures library."""

from __future__ import annotations

import io

from django.test import Client
from django.urls import reverse

from pine.modelling.models import Element, EvaluationPlan, Link, Measure, PlanVersion
from tests.conftest import sign_in
from tests.modelling.conftest import Setup
from tests.modelling.factories import MEASURE_DATA, build_plan, build_toc


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    return sign_in(Client(), user)


def url(name: str, setup: Setup, **kwargs: object) -> str:
    return reverse(f"modelling:{name}", kwargs={"pk": setup.project.pk, **kwargs})


def test_a_site_member_builds_the_model_through_the_forms(setup: Setup) -> None:
    client = client_for(setup.member)
    response = client.post(url("element-add", setup), {"kind": "activity", "text": ""})
    assert "Enter the statement" in response.content.decode()
    assert "There is a problem" in response.content.decode()
    response = client.post(url("element-add", setup), {"kind": "activity", "text": "x" * 201})
    assert "200 characters or fewer" in response.content.decode()
    client.post(url("element-add", setup), {"kind": "activity", "text": "Workshops"})
    client.post(url("element-add", setup), {"kind": "outcome_short", "text": "Confidence"})
    activity, outcome = Element.objects.order_by("pk")
    response = client.post(url("link-add", setup), {"source": activity.pk, "target": outcome.pk})
    assert response.status_code == 302
    page = client.get(url("toc", setup)).content.decode()
    assert "<svg" in page and "Workshops" in page and "leads to: Confidence" in page


def test_linking_to_an_element_deleted_meanwhile_shows_a_clear_message(setup: Setup) -> None:
    client = client_for(setup.lead)
    model = build_toc(setup.project, setup.lead)
    gone = model.elements["outcome_medium"]
    gone_pk = gone.pk
    Link.objects.filter(target=gone).delete()
    Link.objects.filter(source=gone).delete()
    gone.delete()
    response = client.post(url("link-add", setup), {"source": model.elements["activity"].pk, "target": gone_pk})
    assert "no longer in the theory of change" in response.content.decode()


def test_only_the_site_team_edits_and_other_organisations_get_404(setup: Setup) -> None:
    build_toc(setup.project, setup.lead)
    assert client_for(setup.dpo).get(url("element-add", setup)).status_code == 403
    assert client_for(setup.researcher).get(url("element-add", setup)).status_code == 403
    assert client_for(setup.researcher).get(url("toc", setup)).status_code == 200
    assert client_for(setup.other_lead).get(url("toc", setup)).status_code == 404
    assert client_for(setup.other_lead).get(url("plan", setup)).status_code == 404
    assert client_for(setup.other_lead).get(url("toc-pdf", setup)).status_code == 404
    response = client_for(setup.dpo).post(url("element-add", setup), {"kind": "activity", "text": "Sneaky"})
    assert response.status_code == 403 and not Element.objects.filter(text="Sneaky").exists()


def test_the_diagram_downloads_as_svg_and_png_and_the_model_as_docx_and_pdf(setup: Setup) -> None:
    build_toc(setup.project, setup.lead)
    client = client_for(setup.member)
    svg = client.get(url("toc-svg", setup))
    assert svg["Content-Type"] == "image/svg+xml" and b"Themed workshops" in svg.content
    assert client.get(url("toc-png", setup)).content.startswith(b"\x89PNG")
    assert client.get(url("toc-svg", setup) + "?version=1").status_code == 200
    assert client.get(url("toc-svg", setup) + "?version=999").status_code == 404
    pdf = client.get(url("toc-pdf", setup))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    from docx import Document

    document = Document(io.BytesIO(client.get(url("toc-docx", setup)).content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Theory of change: Thematic practice weeks" in text and "Themed workshops" in text
    assert document.inline_shapes  # the diagram


def test_versions_are_compared_side_by_side(setup: Setup) -> None:
    build_toc(setup.project, setup.lead)
    client = client_for(setup.researcher)
    page = client.get(url("toc-versions", setup) + "?a=1&b=5").content.decode()
    assert "Version 1 and version 5 side by side" in page
    assert "Added" in page
    assert "Select two different versions" in client.get(url("toc-versions", setup) + "?a=2&b=2").content.decode()
    assert client.get(url("toc-version", setup, number=3)).status_code == 200


def test_the_plan_forms_give_specific_messages(setup: Setup) -> None:
    model = build_toc(setup.project, setup.lead)
    client = client_for(setup.lead)
    page = client.post(url("plan-design", setup), {"design": "mixed", "design_reasons": "Because"}).content.decode()
    assert "Select the design of the numbers part of the mixed methods" in page
    page = client.post(url("plan-question-add", setup), {"text": "Does it work?"}).content.decode()
    assert "Select at least one outcome the question asks about" in page
    client.post(
        url("plan-question-add", setup), {"text": "Does it work?", "outcomes": [model.elements["outcome_short"].pk]}
    )
    client.post(url("plan-design", setup), {"design": "pre_post", "design_reasons": "Everyone takes part"})
    page = client.post(url("plan-participants", setup), {"participants": "All", "sample_size_comparison": "40"})
    assert "Your design has no comparison group: leave this blank" in page.content.decode()
    page = client.post(url("plan-milestone-add", setup), {"due_0": "31", "due_1": "2", "due_2": "2027", "what": "x"})
    assert "Date must be a real date" in page.content.decode()
    assert client.get(url("plan", setup)).status_code == 200


def test_a_registered_plan_asks_why_it_changes(setup: Setup) -> None:
    model = build_toc(setup.project, setup.lead)
    plan = build_plan(setup.project, setup.lead, model)
    PlanVersion.objects.filter(pk=PlanVersion.objects.order_by("-number").first().pk).update(  # type: ignore[union-attr]
        registered_at="2027-01-01T10:00:00Z"
    )
    client = client_for(setup.lead)
    page = client.post(
        url("plan-risk", setup, item=plan.question.plan.risks.first().pk), {"risk": "R", "mitigation": "M"}
    )
    assert "Say why you are changing the registered plan" in page.content.decode()
    response = client.post(
        url("plan-risk", setup, item=plan.question.plan.risks.first().pk),
        {"risk": "R", "mitigation": "M", "reason": "We learned more."},
    )
    assert response.status_code == 302
    page = client.get(url("plan", setup)).content.decode()
    assert "Changes since the registered plan" in page and "We learned more." in page
    assert client.get(url("plan-pdf", setup)).content.startswith(b"%PDF")
    assert client.get(url("plan-versions", setup) + "?a=1&b=2").status_code == 200


def test_the_calculator_explains_and_fills_in_the_plan(setup: Setup) -> None:
    client = client_for(setup.lead)
    query = "?design=two-group&solve_for=n&effect_size=0.5&alpha=0.05&power=0.8&two_sided=yes&attrition=20"
    page = client.get(url("calculator", setup) + query).content.decode()
    assert "You need 64 people in each group, 128 in all." in page
    assert "aim to recruit 160" in page
    bad = client.get(url("calculator", setup) + "?design=two-group&solve_for=n&effect_size=-1&alpha=2&power=0.8")
    content = bad.content.decode()
    assert "Effect size must be more than 0" in content and "between 0 and 1" in content
    assert "<title>Error:" in content
    used = client.post(url("calculator", setup), dict(x.split("=") for x in query[1:].split("&")))
    assert used.status_code == 302 and used.url == url("plan", setup) + "#participants"
    plan = EvaluationPlan.objects.get(project=setup.project)
    assert (plan.sample_size_intervention, plan.sample_size_comparison) == (64, 64)
    assert "64 people in each group" in plan.sample_size_basis
    assert client_for(setup.dpo).post(url("calculator", setup), {}).status_code == 403


CALCULATED = {
    "design": "two-group",
    "solve_for": "n",
    "effect_size": "0.5",
    "alpha": "0.05",
    "power": "0.8",
    "two_sided": "yes",
    "attrition": "20",
}


def _registered_plan(setup: Setup) -> None:
    build_plan(setup.project, setup.lead, build_toc(setup.project, setup.lead))
    latest = PlanVersion.objects.order_by("-number").first()
    PlanVersion.objects.filter(pk=latest.pk).update(registered_at="2027-01-01T10:00:00Z")  # type: ignore[union-attr]


def test_bad_numbers_sent_to_the_plan_come_back_on_their_fields_not_in_a_url(setup: Setup) -> None:
    """A failed 'use these numbers' is shown on the page with field errors; nothing goes into a URL."""
    client = client_for(setup.lead)
    response = client.post(url("calculator", setup), {**CALCULATED, "power": "1.5", "reason": "secret"})
    content = response.content.decode()
    assert response.status_code == 200  # not a redirect carrying the CSRF token and the answers in its address
    assert "There is a problem" in content and 'href="#id_power"' in content
    assert 'id="id_power-error"' in content and "Power must be between 0 and 1" in content
    assert not EvaluationPlan.objects.filter(project=setup.project, sample_size_intervention__isnull=False).exists()


def test_a_registered_plan_shows_old_and_new_sample_size_before_changing(setup: Setup) -> None:
    """Before a registered plan changes, the person sees its values now beside the new ones; nothing changes yet."""
    _registered_plan(setup)
    versions = PlanVersion.objects.count()
    client = client_for(setup.lead)
    page = client.post(url("calculator", setup), CALCULATED)
    content = page.content.decode()
    assert page.status_code == 200 and "Check the change to the registered plan" in content
    assert "In the plan now" in content and "After the change" in content
    assert '<td class="govuk-table__cell">60</td>' in content and '<td class="govuk-table__cell">64</td>' in content
    assert "There is a problem" not in content  # no errors before the person has answered
    plan = EvaluationPlan.objects.get(project=setup.project)
    assert plan.sample_size_intervention == 60 and PlanVersion.objects.count() == versions


def test_confirming_without_a_reason_shows_the_error_on_the_reason_field(setup: Setup) -> None:
    """Confirming with no reason keeps the plan and shows the GOV.UK error summary and the field's own error."""
    _registered_plan(setup)
    plan = EvaluationPlan.objects.get(project=setup.project)
    client = client_for(setup.lead)
    data = {**CALCULATED, "step": "confirm", "version": plan.version, "reason": "  "}
    content = client.post(url("calculator", setup), data).content.decode()
    assert "<title>Error:" in content and 'href="#id_reason"' in content
    assert 'id="id_reason-error"' in content and "Say why you are changing the registered plan" in content
    assert EvaluationPlan.objects.get(project=setup.project).sample_size_intervention == 60


def test_confirming_with_a_reason_changes_the_registered_plan_as_a_deviation(setup: Setup) -> None:
    """Confirmed with a reason, the sample size changes in a new version listed as a deviation with its reason."""
    _registered_plan(setup)
    plan = EvaluationPlan.objects.get(project=setup.project)
    client = client_for(setup.lead)
    data = {**CALCULATED, "step": "confirm", "version": plan.version, "reason": "The effect we expect is smaller."}
    response = client.post(url("calculator", setup), data)
    assert response.status_code == 302 and response.url == url("plan", setup) + "#deviations"
    plan.refresh_from_db()
    assert (plan.sample_size_intervention, plan.sample_size_comparison) == (64, 64)
    assert plan.versions.first().reason == "The effect we expect is smaller."  # type: ignore[union-attr]
    page = client.get(url("plan", setup)).content.decode()
    assert "Changes since the registered plan" in page and "The effect we expect is smaller." in page


def test_a_plan_changed_meanwhile_is_not_overwritten(setup: Setup) -> None:
    """If the plan changed after the person compared the values, confirming changes nothing and says why."""
    _registered_plan(setup)
    plan = EvaluationPlan.objects.get(project=setup.project)
    seen = plan.version
    from pine.modelling import services

    services.plan_update_section(
        actor=setup.member, project=setup.project, section="sharing", data={"sharing": "A podcast"}, reason="Wider"
    )
    data = {**CALCULATED, "step": "confirm", "version": seen, "reason": "Smaller effect."}
    content = client_for(setup.lead).post(url("calculator", setup), data).content.decode()
    assert "Someone changed the plan while you were looking at it" in content
    assert f'name="version" value="{seen + 1}"' in content
    assert EvaluationPlan.objects.get(project=setup.project).sample_size_intervention == 60


def test_site_teams_add_their_own_measures_which_other_sites_cannot_see(setup: Setup) -> None:
    client = client_for(setup.lead)
    page = client.post(reverse("modelling:measure-add"), {"name": ""}).content.decode()
    assert "Enter the name of the measure" in page
    data = {**MEASURE_DATA, "validated": "no", "source_url": "not a web address"}
    page = client.post(reverse("modelling:measure-add"), data).content.decode()
    assert "Enter a web address" in page
    data["source_url"] = "https://example.org/tool"
    response = client.post(reverse("modelling:measure-add"), data)
    measure = Measure.objects.get(name="Hartwell audit tool")
    assert response.status_code == 302 and measure.organisation == setup.lead.memberships.get().organisation
    detail = reverse("modelling:measure", kwargs={"measure": measure.pk})
    assert client_for(setup.other_lead).get(detail).status_code == 404
    listed = client_for(setup.other_lead).get(reverse("modelling:measure-list")).content.decode()
    assert "Hartwell audit tool" not in listed and "Warwick-Edinburgh" in listed
    assert client_for(setup.member).get(detail).status_code == 200
    programme = Measure.objects.get(name="PINE practice confidence scale")
    page = client.get(reverse("modelling:measure", kwargs={"measure": programme.pk})).content.decode()
    assert "I feel confident" in page  # PINE's own items are shown
    edit = reverse("modelling:measure-edit", kwargs={"measure": programme.pk})
    assert client.get(edit).status_code == 403  # the programme's library is the manager's


def test_the_workspace_lists_the_new_tasks_and_the_agenda_mentions_the_model(setup: Setup) -> None:
    build_toc(setup.project, setup.lead)
    client = client_for(setup.lead)
    page = client.get(reverse("journey:project", kwargs={"pk": setup.project.pk})).content.decode()
    assert "Build your theory of change" in page and "Write your evaluation plan" in page
    assert page.index("Read the guidance for this stage") < page.index("Build your theory of change")
    from pine.journey.selectors import checkpoint_agenda

    assert "Theory of change, version" in checkpoint_agenda(checkpoint=setup.checkpoint)
