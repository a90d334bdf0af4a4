"""Building a theory of change and an evaluation plan from scratch, in Chromium with axe-core on every page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from pine.journey import services as journey
from pine.modelling.models import Element, EvaluationPlan, Link, PlanVersion
from pine.modelling.seed import ensure_measures
from pine.programme.seed import ensure_priorities
from tests.browser.conftest import Browser
from tests.browser.test_journeys import sign_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.modelling.factories import build_plan, build_toc


def add_element(browser: Browser, part: str, text: str) -> None:
    page = browser.page
    page.get_by_role("link", name=f"Add to {part.lower()}").click()
    browser.check()
    page.get_by_label("Statement").fill(text)
    page.get_by_role("button", name="Add element").click()
    browser.check()
    expect(page.get_by_role("alert")).to_contain_text(text)


def submit(browser: Browser, button: str) -> Page:
    browser.page.get_by_role("button", name=button).click()
    browser.check()
    return browser.page


def test_a_site_lead_builds_a_theory_of_change_and_a_plan_from_scratch(browser: Browser) -> None:
    ensure_priorities()
    ensure_measures()
    organisation = OrganisationFactory(name="Hartwell")
    MembershipFactory(organisation=organisation, role="site_lead", user__email="lead@hartwell.test")
    adviser = UserFactory(programme_role="practice_adviser")
    project = journey.project_create(
        actor=adviser,
        organisation=organisation,
        title="Thematic practice weeks",
        practice_adviser=adviser,
        initial_consultation_done=True,
    )
    sign_in(browser, "lead@hartwell.test")
    page = browser.visit(f"/projects/{project.pk}/")
    page.get_by_role("link", name="Build your theory of change").click()
    browser.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Theory of change")
    expect(page.get_by_text("Describe the problem and its context.")).to_be_visible()

    # An empty statement is refused with the GOV.UK error summary.
    page.get_by_role("link", name="Add to activities").click()
    browser.check()
    submit(browser, "Add element")
    expect(page.get_by_role("alert")).to_contain_text("Enter the statement")
    page.get_by_role("link", name="Back", exact=True).click()
    browser.check()

    for part, text in (
        ("Problem and context", "Social workers lack confidence with domestic abuse"),
        ("Who the intervention is for", "Children's social workers"),
        ("Inputs", "Practice educators"),
        ("Activities", "Themed workshops"),
        ("Activities", "Group supervision"),
        ("Outputs", "Workshops attended"),
        ("Short-term outcomes", "More confidence"),
        ("Medium-term outcomes", "Better assessments"),
        ("Impact", "Fewer children in care"),
        ("Assumptions", "Managers release staff"),
    ):
        add_element(browser, part, text)

    # Reorder: group supervision goes first among the activities.
    page.get_by_role("button", name="move Group supervision up").click()
    browser.check()
    assert list(Element.objects.filter(kind="activity").values_list("text", flat=True)) == [
        "Group supervision",
        "Themed workshops",
    ]

    for source, target in (
        ("Practice educators", "Themed workshops"),
        ("Themed workshops", "Workshops attended"),
        ("Group supervision", "Better assessments"),
        ("Workshops attended", "More confidence"),
        ("More confidence", "Better assessments"),
        ("Better assessments", "Fewer children in care"),
    ):
        page.get_by_label("This element…").select_option(label=source)
        page.get_by_label("…leads to").select_option(label=target)
        submit(browser, "Add link")
        expect(page.get_by_role("alert")).to_contain_text(f"Linked: {source} leads to {target}")
    assert Link.objects.count() == 6
    expect(page.get_by_text("The check finds no gaps")).to_be_visible()
    diagram = page.get_by_role("img", name="Theory of change: Thematic practice weeks")
    expect(diagram).to_be_visible()
    expect(page.get_by_text("leads to: Better assessments").first).to_be_visible()

    page.get_by_role("link", name="See all versions and compare them").click()
    browser.check()
    page.get_by_label("Earlier version").select_option("10")
    page.get_by_label("Later version").select_option("17")
    submit(browser, "Compare")
    expect(page.get_by_role("heading", name="Version 10 and version 17 side by side")).to_be_visible()

    # The plan.
    page.get_by_role("link", name="Back to the theory of change").click()
    browser.check()
    page.get_by_role("link", name="Evaluation plan").first.click()
    browser.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation plan")
    expect(page.get_by_text("Add at least one evaluation question.")).to_be_visible()

    page.get_by_role("link", name="Add a question to 1. evaluation questions").click()
    browser.check()
    page.get_by_label("Evaluation question").fill("Do social workers become more confident?")
    submit(browser, "Save evaluation question")
    expect(page.get_by_role("alert")).to_contain_text("Select at least one outcome the question asks about")
    page.get_by_label("More confidence").check()
    submit(browser, "Save evaluation question")

    page.get_by_role("link", name="Add an outcome to 2. outcomes to measure").click()
    browser.check()
    page.get_by_label("Outcome", exact=True).select_option(label="More confidence")
    page.get_by_label("Measure", exact=True).select_option(label="PINE practice confidence scale")
    page.get_by_label("Practitioners, about themselves").check()
    page.get_by_label("Baseline (before the intervention)").check()
    page.get_by_label("3 months after").check()
    submit(browser, "Save outcome to measure")

    page.get_by_role("link", name="Change 3. design").click()
    browser.check()
    page.get_by_label("Before and after, with a comparison group").check()
    page.get_by_label("Why this design?").fill("Everyone takes part; the East team starts a year later.")
    submit(browser, "Save")
    expect(page.get_by_text("Level 3 of 5", exact=False)).to_be_visible()

    page.get_by_role("link", name="Sample size calculator").first.click()
    browser.check()
    page.get_by_label("Two groups compared: averages of scores").check()
    page.get_by_label("The smallest effect the study can detect").check()
    page.get_by_label("Sample size", exact=True).fill("60")
    page.get_by_label("Power", exact=True).fill("1.5")
    submit(browser, "Calculate")
    expect(page.get_by_role("alert")).to_contain_text("Power must be between 0 and 1")
    page.get_by_label("Power", exact=True).fill("0.8")
    submit(browser, "Calculate")
    expect(page.get_by_role("heading", name="The smallest effect this study can reliably detect")).to_be_visible()
    submit(browser, "Use these numbers in the plan")
    expect(page.get_by_role("alert")).to_contain_text("The sample size has been added to the plan")

    page.get_by_role("link", name="Change 4. participants and sample size").click()
    browser.check()
    page.get_by_label("Who will take part, and how will they be recruited?").fill("All 60 social workers.")
    page.get_by_label("Who is the comparison group? (if your design has one)").fill("The East team.")
    submit(browser, "Save")
    page.get_by_role("link", name="Change 5. data sources").click()
    browser.check()
    page.get_by_label("Surveys or questionnaires").check()
    submit(browser, "Save")

    page.get_by_role("link", name="Plan an analysis for 6. analysis plan").click()
    browser.check()
    page.get_by_label("Which question does it answer?").select_option(label="Do social workers become more confident?")
    page.get_by_label("Which outcome measure does it use?").select_option(
        label="More confidence (PINE practice confidence scale)"
    )
    page.get_by_label("Compare the groups afterwards, allowing for where they started (ANCOVA)").check()
    page.get_by_label("The intervention group compared with the comparison (or control) group").check()
    page.get_by_label("3 months after").check()
    submit(browser, "Save analysis")
    expect(page.get_by_role("alert")).to_contain_text("select 2 time points")
    page.get_by_label("Baseline (before the intervention)").check()
    submit(browser, "Save analysis")

    page.get_by_role("link", name="Add a date to 7. timeline").click()
    browser.check()
    group = page.get_by_role("group", name="Date")
    group.get_by_label("Day").fill("1")
    group.get_by_label("Month").fill("9")
    group.get_by_label("Year").fill("2027")
    page.get_by_label("What happens").fill("Baseline survey")
    submit(browser, "Save milestone")
    page.get_by_role("link", name="Add a risk to 8. risks and mitigations").click()
    browser.check()
    page.get_by_label("Risk", exact=True).fill("Few answers at follow-up")
    page.get_by_label("How you will reduce it").fill("Time in team meetings to answer")
    submit(browser, "Save risk")
    page.get_by_role("link", name="Change 9. sharing the findings").click()
    browser.check()
    page.get_by_label("How will you share the findings?").fill("A practice week on the findings.")
    submit(browser, "Save")

    expect(page.get_by_text("The plan check finds nothing missing.")).to_be_visible()
    plan = EvaluationPlan.objects.get(project=project)
    assert plan.sample_size_intervention == plan.sample_size_comparison == 60
    assert PlanVersion.objects.filter(plan=plan).count() == plan.version
    page.get_by_role("link", name="All versions", exact=True).click()
    browser.check()
    page.get_by_role("link", name="Version 1", exact=True).click()
    browser.check()
    expect(page.get_by_role("heading", name="Evaluation questions")).to_be_visible()


def test_new_sample_size_numbers_for_a_registered_plan_are_checked_side_by_side_first(browser: Browser) -> None:
    """A registered plan's sample size changes only after comparing old and new and giving a reason."""
    ensure_priorities()
    ensure_measures()
    organisation = OrganisationFactory(name="Hartwell")
    lead = MembershipFactory(organisation=organisation, role="site_lead", user__email="lead@hartwell.test").user
    adviser = UserFactory(programme_role="practice_adviser")
    project = journey.project_create(
        actor=adviser,
        organisation=organisation,
        title="Thematic practice weeks",
        practice_adviser=adviser,
        initial_consultation_done=True,
    )
    build_plan(project, lead, build_toc(project, lead))
    latest = EvaluationPlan.objects.get(project=project).version
    PlanVersion.objects.filter(plan__project=project, number=latest).update(registered_at="2027-01-01T10:00:00Z")

    sign_in(browser, "lead@hartwell.test")
    query = "design=two-group&solve_for=n&effect_size=0.5&alpha=0.05&power=0.8&two_sided=yes&attrition=20"
    page = browser.visit(f"/projects/{project.pk}/plan/sample-size/?{query}")
    submit(browser, "Use these numbers in the plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the change to the registered plan")
    table = page.get_by_role("table", name="Sample size")
    expect(table.get_by_role("row", name=re.compile("Intervention group"))).to_contain_text("60")
    expect(table.get_by_role("row", name=re.compile("Intervention group"))).to_contain_text("64")
    assert "csrfmiddlewaretoken" not in page.url

    submit(browser, "Change the registered plan")
    expect(page.get_by_role("alert")).to_contain_text("Say why you are changing the registered plan")
    expect(page.locator("#id_reason-error")).to_contain_text("Say why you are changing the registered plan")
    assert EvaluationPlan.objects.get(project=project).sample_size_intervention == 60

    page.get_by_label("Why are you changing the registered plan?").fill("The effect we expect is smaller.")
    submit(browser, "Change the registered plan")
    expect(page.get_by_role("heading", name="Changes since the registered plan")).to_be_visible()
    expect(page.get_by_text("The effect we expect is smaller.").first).to_be_visible()
    assert EvaluationPlan.objects.get(project=project).sample_size_intervention == 64
