"""Intake's pages as the public and the programme team use them, including bad input of every kind."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pine.core.models import AuditAction, AuditEvent
from pine.intake import services
from pine.intake.models import Consultation, Proposal, ProposalDraft, ProposalStatus
from pine.journey.models import Project
from pine.programme.models import Priority
from pine.programme.seed import ensure_priorities
from tests.conftest import World
from tests.intake.factories import book, held, make_proposal

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


def step_answers() -> dict[str, dict[str, Any]]:
    safeguarding = Priority.objects.get(name__startswith="Safeguarding")
    return {
        "organisation": {
            "organisation_name": "Westbrook Borough Council",
            "organisation_kind": "local_authority",
            "organisation_region": "west_midlands",
        },
        "contact": {
            "contact_name": "Jo Carter",
            "contact_role": "Principal social worker",
            "contact_email": "jo@westbrook.test",
            "contact_phone": "01632 960123",
        },
        "intervention": {
            "intervention_name": "Dads matter groups",
            "intervention_what": "Weekly groups for fathers.",
            "intervention_who": "Fathers of babies.",
            "intervention_why": "Engaged fathers keep babies safer.",
            "intervention_stage": "pilot",
        },
        "priorities": {
            "priorities": [str(safeguarding.pk)],
            "involves_under_ones": "yes",
            "involves_male_carers": "yes",
        },
        "evaluation": {
            "want_to_find_out": "Whether fathers engage more.",
            "data_already_collected": "",
            "timescale": "A year",
            "heard_about": "",
            "website": "",
        },
    }


def answer_every_step(client: Client, **changes: dict[str, Any]) -> None:
    for step, data in step_answers().items():
        response = client.post(reverse("intake:step", kwargs={"step": step}), {**data, **changes.get(step, {})})
        assert response.status_code == 302, response.content.decode()[:3000]


def send(client: Client) -> Any:
    check = client.get(reverse("intake:check"))
    key = check.context["submission_key"]
    return client.post(reverse("intake:send"), {"submission_key": key}), key


@pytest.fixture
def public(db: Any) -> Client:
    ensure_priorities()
    return Client()


def test_the_programme_home_page_shows_offer_stages_and_active_priorities(public: Client) -> None:
    Priority.objects.filter(name="Residential care").update(active=False)
    page = public.get(reverse("intake:home")).content.decode()
    assert "a checkpoint meeting with a practice adviser and a research adviser" in page
    assert "Describe your intervention" in page and "Publish" in page
    assert "Domestic abuse" in page and "Residential care" not in page
    assert "children's social care in England" in page


def test_the_proposal_form_goes_question_by_question_to_a_reference(public: Client) -> None:
    start = public.get(reverse("intake:propose")).content.decode()
    assert "Start now" in start or "Start" in start
    answer_every_step(public)
    check = public.get(reverse("intake:check")).content.decode()
    assert "Check your answers before sending your proposal" in check
    assert "Westbrook Borough Council" in check and "West Midlands" in check and "A pilot" in check
    assert "Safeguarding children under one" in check
    assert reverse("intake:step", kwargs={"step": "contact"}) + "?change=1" in check
    response, _key = send(public)
    assert response.status_code == 302 and response.url == reverse("intake:sent")
    proposal = Proposal.objects.get()
    sent = public.get(reverse("intake:sent")).content.decode()
    assert proposal.reference in sent and "Proposal sent" in sent
    assert proposal.involves_under_ones and proposal.involves_male_carers
    assert proposal.contact_phone == "01632 960123"
    assert mail.outbox[-1].to == ["jo@westbrook.test"] and proposal.reference in mail.outbox[-1].body


def test_changing_an_answer_returns_to_the_check_page(public: Client) -> None:
    answer_every_step(public)
    url = reverse("intake:step", kwargs={"step": "contact"}) + "?change=1"
    page = public.get(url).content.decode()
    assert 'value="Jo Carter"' in page and "Save and return to your answers" in page
    data = {**step_answers()["contact"], "contact_name": "Jo Carter-Smith"}
    response = public.post(url, data)
    assert response.url == reverse("intake:check")
    assert "Jo Carter-Smith" in public.get(reverse("intake:check")).content.decode()


def test_sending_twice_double_click_refresh_or_back_makes_one_proposal(public: Client) -> None:
    answer_every_step(public)
    first, key = send(public)
    again = public.post(reverse("intake:send"), {"submission_key": key})
    assert again.status_code == 302 and again.url == reverse("intake:sent")
    assert Proposal.objects.count() == 1
    assert len([m for m in mail.outbox if m.to == ["jo@westbrook.test"]]) == 1


def test_the_check_page_sends_unanswered_questions_back_to_the_first_gap(public: Client) -> None:
    public.post(reverse("intake:step", kwargs={"step": "organisation"}), step_answers()["organisation"])
    response = public.get(reverse("intake:check"))
    assert response.url == reverse("intake:step", kwargs={"step": "contact"})
    assert public.post(reverse("intake:send"), {"submission_key": "forged"}).url == reverse("intake:check")
    assert not Proposal.objects.exists()


def test_missing_and_invalid_answers_get_the_error_summary_and_keep_what_was_typed(public: Client) -> None:
    url = reverse("intake:step", kwargs={"step": "contact"})
    page = public.post(url, {"contact_name": "Jo", "contact_email": "not-an-email", "contact_phone": "call me"})
    content = page.content.decode()
    assert page.status_code == 200 and "govuk-error-summary" in content
    assert "Enter the contact&#x27;s job title or role" in content
    assert "Enter an email address in the correct format, like name@example.com" in content
    assert 'value="not-an-email"' in content and 'value="Jo"' in content
    bad_choice = public.post(reverse("intake:step", kwargs={"step": "organisation"}), {"organisation_kind": "secret"})
    assert "Select the type of organisation" in bad_choice.content.decode()
    priorities = public.post(reverse("intake:step", kwargs={"step": "priorities"}), {"priorities": ["99999"]})
    assert "Select priorities from the list" in priorities.content.decode()


def test_over_long_answers_are_refused_with_their_limit(public: Client) -> None:
    url = reverse("intake:step", kwargs={"step": "intervention"})
    data = {**step_answers()["intervention"], "intervention_what": "x" * 3001}
    content = public.post(url, data).content.decode()
    assert "The description must be 3,000 characters or fewer" in content


def test_a_robot_filling_the_hidden_field_cannot_get_past_it(public: Client) -> None:
    for step, data in list(step_answers().items())[:-1]:
        public.post(reverse("intake:step", kwargs={"step": step}), data)
    url = reverse("intake:step", kwargs={"step": "evaluation"})
    response = public.post(url, {**step_answers()["evaluation"], "website": "http://spam.example"})
    assert response.status_code == 200 and "Leave this field empty" in response.content.decode()
    assert public.get(reverse("intake:check")).url == url
    assert not Proposal.objects.exists()


def test_too_many_proposals_from_one_address_get_a_clear_page(public: Client) -> None:
    """The proposal after the limit from one address gets a 429 page saying when to try again."""
    for n in range(services.PROPOSAL_LIMIT.count):
        services.proposal_submit(answers=make_answers(), priorities=[], submission_key=f"k{n}", address="127.0.0.1")
    answer_every_step(public)
    response, _ = send(public)
    assert response.status_code == 429
    assert "Try again in" in response.content.decode()
    assert Proposal.objects.count() == services.PROPOSAL_LIMIT.count
    # The answers are kept, so nothing typed is lost.
    assert public.get(reverse("intake:check")).status_code == 200


def make_answers() -> dict[str, Any]:
    from tests.intake.factories import ANSWERS

    return dict(ANSWERS)


def test_answers_can_be_saved_and_continued_from_an_emailed_link(public: Client) -> None:
    public.post(reverse("intake:step", kwargs={"step": "organisation"}), step_answers()["organisation"])
    contact = {**step_answers()["contact"], "contact_role": "", "save_for_later": "1"}
    response = public.post(reverse("intake:step", kwargs={"step": "contact"}), contact)
    assert response.url == reverse("intake:save")
    page = public.get(reverse("intake:save")).content.decode()
    assert 'value="jo@westbrook.test"' in page
    bad = public.post(reverse("intake:save"), {"email": "nope"}).content.decode()
    assert "Enter an email address in the correct format" in bad
    saved = public.post(reverse("intake:save"), {"email": "jo@westbrook.test"}).content.decode()
    assert "jo@westbrook.test" in saved
    link = mail.outbox[-1].body.split("http://")[1].split()[0]
    path = link[link.index("/propose/resume/") :]

    later = Client()  # another browser, another day
    resumed = later.get(path)
    assert resumed.url == reverse("intake:step", kwargs={"step": "contact"})
    page = later.get(resumed.url).content.decode()
    # The saved answers are back, without error messages until the person sends the page.
    assert 'value="Jo Carter"' in page and 'value="jo@westbrook.test"' in page
    assert "There is a problem" not in page and "Enter the contact&#x27;s job title or role" not in page
    again = later.post(resumed.url, {**step_answers()["contact"], "contact_role": ""}).content.decode()
    assert "There is a problem" in again and "Enter the contact&#x27;s job title or role" in again
    unusable = later.get(reverse("intake:resume", kwargs={"token": "wrong"}))
    assert unusable.status_code == 404 and "expired or is not valid" in unusable.content.decode()


def _save_for_later(client: Client) -> str:
    """Save the answers so far and return the path of the emailed link."""
    client.post(reverse("intake:save"), {"email": "jo@westbrook.test"})
    link = mail.outbox[-1].body.split("http://")[1].split()[0]
    return link[link.index("/propose/resume/") :]


def test_a_saved_link_after_sending_says_it_was_sent_and_makes_no_second_proposal(public: Client) -> None:
    """After the proposal is sent, its saved link shows the date and reference, not the form again."""
    answer_every_step(public)
    path = _save_for_later(public)
    send(public)
    proposal = Proposal.objects.get()
    later = Client()
    page = later.get(path)
    content = page.content.decode()
    assert page.status_code == 200
    sent_on = timezone.localtime(proposal.submitted_at).strftime("%-d %B %Y")
    assert f"This proposal was sent on {sent_on} with reference <strong>{proposal.reference}</strong>" in content
    assert "There is a problem" not in content
    # Nothing of the form was loaded into the new browser: there is nothing to send again.
    assert later.get(reverse("intake:check")).status_code == 302
    assert Proposal.objects.count() == 1
    # The draft's answers are emptied once sent: the proposal holds them.
    assert ProposalDraft.objects.get().answers == {}


def test_a_saved_link_opened_in_two_browsers_sends_one_proposal(public: Client) -> None:
    """Two browsers sending the same saved form make one proposal; the second is told it was already sent."""
    answer_every_step(public)
    path = _save_for_later(public)
    first, second = Client(), Client()
    for browser in (first, second):
        assert browser.get(path).url == reverse("intake:check")
    send(first)
    proposal = Proposal.objects.get()
    check = second.get(reverse("intake:check"))
    assert check.status_code == 200 and f"reference <strong>{proposal.reference}</strong>" in check.content.decode()
    again = second.post(reverse("intake:send"), {"submission_key": proposal.submission_key})
    assert again.url == reverse("intake:sent") and Proposal.objects.count() == 1


def test_a_link_saved_again_after_resuming_also_says_it_was_sent(public: Client) -> None:
    """Every saved link of one form (saved, reopened, saved again) shows the one proposal it became."""
    public.post(reverse("intake:step", kwargs={"step": "organisation"}), step_answers()["organisation"])
    first_path = _save_for_later(public)
    later = Client()
    later.get(first_path)
    answer_every_step(later)
    second_path = _save_for_later(later)
    send(later)
    reference = Proposal.objects.get().reference
    for path in (first_path, second_path):
        assert f"reference <strong>{reference}</strong>" in Client().get(path).content.decode()
    assert Proposal.objects.count() == 1


def test_a_sent_link_keeps_another_form_in_progress_in_the_same_browser(public: Client) -> None:
    """Opening an old, sent link does not throw away a different proposal being written in that browser."""
    answer_every_step(public)
    path = _save_for_later(public)
    send(public)
    public.post(reverse("intake:step", kwargs={"step": "organisation"}), step_answers()["organisation"])
    public.get(path)
    page = public.get(reverse("intake:step", kwargs={"step": "organisation"})).content.decode()
    assert 'value="Westbrook Borough Council"' in page


def test_html_typed_in_answers_is_shown_as_text_on_pages_emails_and_exports(world: World, client_as: Any) -> None:
    public = Client()
    answer_every_step(public, intervention={"intervention_name": SCRIPT, "intervention_why": f"=HYPERLINK({SCRIPT})"})
    check = public.get(reverse("intake:check")).content.decode()
    assert SCRIPT not in check and "&lt;script&gt;" in check
    send(public)
    proposal = Proposal.objects.get(intervention_name=SCRIPT)
    manager = client_as("programme_manager")
    page = manager.get(proposal.get_absolute_url()).content.decode()
    assert SCRIPT not in page and "&lt;script&gt;alert" in page
    queue = manager.get(reverse("intake:queue")).content.decode()
    assert SCRIPT not in queue
    # Emails are plain text: the words arrive as typed, and nothing is rendered as HTML.
    assert SCRIPT in mail.outbox[-1].body and mail.outbox[-1].content_subtype == "plain"
    rows = list(csv.reader(io.StringIO(b"".join(manager.get(export_url("csv")).streaming_content).decode("utf-8-sig"))))
    why = rows[0].index("Why it might work")
    exported = next(row for row in rows if row[0] == proposal.reference)
    assert exported[why] == f"'=HYPERLINK({SCRIPT})"


def export_url(kind: str, query: str = "") -> str:
    return reverse("intake:export", kwargs={"kind": kind}) + query


def test_exports_neutralise_formulas_and_are_audited(world: World, client_as: Any) -> None:
    make_proposal(organisation_name="+SUM(A1)", contact_role="-1", intervention_name="@cmd")
    manager = client_as("programme_manager")
    response = manager.get(export_url("xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    row = next(r for r in rows if r[header.index("Intervention")] == "'@cmd")
    assert row[header.index("Organisation")] == "'+SUM(A1)" and row[header.index("Role")] == "'-1"
    assert "Phone" not in " ".join(header)  # identifying and not needed: left out
    assert AuditEvent.objects.filter(action=AuditAction.EXPORTED, changes__export__1="proposals XLSX").exists()
    assert manager.get(reverse("intake:export", kwargs={"kind": "pdf"})).status_code == 404


def test_the_export_follows_the_queue_filters(world: World, client_as: Any) -> None:
    make_proposal(intervention_name="Declined one")
    services.proposal_decline(
        actor=world.users["programme_manager"],
        proposal=Proposal.objects.get(intervention_name="Declined one"),
        reason="No",
        message="No",
    )
    content = b"".join(client_as("programme_manager").get(export_url("csv", "?status=declined")).streaming_content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r[rows[0].index("Intervention")] for r in rows[1:]] == ["Declined one"]


def test_the_queue_counts_filters_and_sorts_without_a_query_per_row(
    world: World, client_as: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        make_proposal(organisation_name=f"Org {n:02d}", intervention_name=f"Idea {n}")
    manager = client_as("programme_manager")
    with django_assert_max_num_queries(15):
        page = manager.get(reverse("intake:queue")).content.decode()
    assert "New: <strong>12</strong>" in page and "Consultation booked: <strong>1</strong>" in page
    by_org = manager.get(reverse("intake:queue") + "?sort=organisation").content.decode()
    assert by_org.index("Org 00") < by_org.index("Org 11") < by_org.index("Westbrook")
    booked = manager.get(reverse("intake:queue") + "?status=consultation_booked").content.decode()
    assert world.proposal.reference in booked and "Org 03" not in booked
    bad = manager.get(reverse("intake:queue") + "?status=nonsense&sort=sideways").content.decode()
    assert "Select a status from the list" in bad


def test_the_proposal_page_flags_priorities_and_earlier_or_similar_proposals(world: World, client_as: Any) -> None:
    earlier = make_proposal(intervention_name="Something else")
    similar = make_proposal(organisation_name="Another Council", intervention_name="Dads matter circles")
    proposal = make_proposal()
    page = client_as("programme_manager").get(proposal.get_absolute_url()).content.decode()
    assert "Matches 1 of the programme&#x27;s priorities" in page
    assert "Involves children under one" in page and "male carers" in page
    assert f"Earlier proposal from the same organisation: {earlier.reference}" in page
    assert f"Similar intervention: {similar.reference}" in page
    assert "We have your proposal" in page  # the acknowledgement, kept on the proposal
    assert "Created" in page or "created" in page


def test_the_manager_triages_asks_and_declines_from_the_proposal(world: World, client_as: Any) -> None:
    manager = client_as("programme_manager")
    proposal = make_proposal()
    triage = reverse("intake:triage", kwargs={"pk": proposal.pk})
    assert "Assign advisers and add notes" in manager.get(triage).content.decode()
    response = manager.post(
        triage, {"practice_adviser": world.users["practice_adviser"].pk, "research_adviser": "", "triage_notes": "Hi"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.practice_adviser == world.users["practice_adviser"] and proposal.triage_notes == "Hi"
    wrong = manager.post(triage, {"practice_adviser": world.users["research_adviser"].pk})
    assert "Select a practice adviser from the list" in wrong.content.decode()

    question = reverse("intake:question", kwargs={"pk": proposal.pk})
    assert "Enter your question" in manager.post(question, {"question": ""}).content.decode()
    manager.post(question, {"question": "How many fathers?"})
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.MORE_INFORMATION

    decline = reverse("intake:decline", kwargs={"pk": proposal.pk})
    form = manager.get(decline).content.decode()
    assert "Dear Jo Carter" in form and proposal.reference in form
    manager.post(decline, {"reason": "Out of scope", "message": "Dear Jo, not this time."})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED and mail.outbox[-1].body == "Dear Jo, not this time."
    closed = manager.post(question, {"question": "Another?"}).content.decode()
    assert "This proposal is declined, so it cannot be changed" in closed


def test_the_answer_link_takes_one_answer(world: World) -> None:
    client = Client()
    url = reverse("intake:respond", kwargs={"token": world.question_token})
    page = client.get(url).content.decode()
    assert "How many fathers?" in page
    assert "Enter your answer" in client.post(url, {"answer": "  "}).content.decode()
    done = client.post(url, {"answer": "About twenty."})
    assert done.status_code == 200 and "Thank you" in done.content.decode()
    again = client.get(url)
    assert again.status_code == 410 and "already been answered" in again.content.decode()
    assert client.get(reverse("intake:respond", kwargs={"token": "guess"})).status_code == 404


def test_booking_a_consultation_refuses_past_and_impossible_dates(world: World, client_as: Any) -> None:
    manager = client_as("programme_manager")
    proposal = make_proposal()
    url = reverse("intake:consultation", kwargs={"pk": proposal.pk})
    past = timezone.localdate() - dt.timedelta(days=1)
    content = manager.post(
        url,
        {
            "date_0": past.day,
            "date_1": past.month,
            "date_2": past.year,
            "time": "10:00",
            "duration": "60",
            "location": "Town hall",
        },
    ).content.decode()
    assert "The consultation must be in the future" in content
    impossible = manager.post(
        url, {"date_0": "31", "date_1": "2", "date_2": "2030", "time": "25:00", "duration": "60", "location": "x"}
    ).content.decode()
    assert "must be a real date" in impossible and "Enter a time, like 10:00 or 2:30pm" in impossible
    assert not Consultation.objects.filter(proposal=proposal).exists()
    when = timezone.localdate() + dt.timedelta(days=4)
    ok = manager.post(
        url,
        {
            "date_0": when.day,
            "date_1": when.month,
            "date_2": when.year,
            "time": "2:30pm",
            "duration": "90",
            "location": "Town hall",
            "advisers": [world.users["practice_adviser"].pk],
        },
    )
    assert ok.status_code == 302
    consultation = Consultation.objects.get(proposal=proposal)
    assert timezone.localtime(consultation.starts_at).hour == 14 and consultation.duration_minutes == 90


def test_the_assigned_adviser_records_the_outcome_and_the_project_appears(world: World, client_as: Any) -> None:
    """An outcome follows the consultation: refused before it starts, then recorded, and the project appears."""
    adviser = client_as("practice_adviser")
    url = reverse("intake:consultation-outcome", kwargs={"pk": world.proposal.pk})
    consultation = Consultation.objects.get(proposal=world.proposal, status="booked")
    Consultation.objects.filter(pk=consultation.pk).update(starts_at=timezone.now() + dt.timedelta(days=2))
    early = adviser.post(url, {"notes": "Met.", "outcome": "accept", "reasons": ""}).content.decode()
    assert "The outcome can only be recorded once the consultation has started" in early
    assert not Project.objects.filter(proposal=world.proposal).exists()
    held(consultation)
    missing = adviser.post(url, {"notes": "Met.", "outcome": "decline", "reasons": ""}).content.decode()
    assert "Say why, for the email to the contact" in missing
    response = adviser.post(url, {"notes": "Scope agreed.", "outcome": "accept", "reasons": ""})
    assert response.status_code == 302
    project = Project.objects.get(proposal=world.proposal)
    page = adviser.get(world.proposal.get_absolute_url()).content.decode()
    assert "Go to the project" in page and project.get_absolute_url() in page
    assert client_as("research_adviser").post(url, {"notes": "x", "outcome": "accept"}).status_code == 404


def test_an_invited_adviser_finds_the_consultation_and_records_it_without_being_assigned(
    world: World, client_as: Any
) -> None:
    """Invited but not assigned: the home page, the proposal and the outcome page all work; the project is theirs."""
    proposal = make_proposal(intervention_name="Family group conferences")
    consultation = book(proposal, actor=world.users["programme_manager"], advisers=[world.users["other_adviser"]])
    invite = next(m for m in mail.outbox if m.to == ["other.adviser@pine.test"])
    assert proposal.get_absolute_url() in invite.body
    invited = client_as("other_adviser")
    home = invited.get(reverse("core:home")).content.decode()
    assert "initial consultation for Family group conferences" in home
    assert "invited to the initial consultation for, 1 open proposal" in home
    page = invited.get(proposal.get_absolute_url())
    url = reverse("intake:consultation-outcome", kwargs={"pk": proposal.pk})
    assert page.status_code == 200 and f'href="{url}">Record the consultation' in page.content.decode()
    assert f"Advisers invited: {world.users['other_adviser'].full_name}." in page.content.decode()
    assert invited.get(url).status_code == 200
    held(consultation)
    response = invited.post(url, {"notes": "Scope agreed.", "outcome": "accept", "reasons": ""})
    assert response.status_code == 302
    project = Project.objects.get(proposal=proposal)
    # The adviser who held the consultation advises the project it became, and can open it.
    assert project.practice_adviser == world.users["other_adviser"]
    assert invited.get(project.get_absolute_url()).status_code == 200


def test_an_adviser_neither_invited_nor_assigned_still_gets_404(world: World, client_as: Any) -> None:
    """An adviser with no part in the consultation cannot see the proposal or record its outcome."""
    proposal = make_proposal(intervention_name="Family group conferences")
    book(proposal, actor=world.users["programme_manager"], advisers=[world.users["other_adviser"]])
    outsider = client_as("research_adviser")
    url = reverse("intake:consultation-outcome", kwargs={"pk": proposal.pk})
    assert outsider.get(proposal.get_absolute_url()).status_code == 404
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, {"notes": "x", "outcome": "accept", "reasons": ""}).status_code == 404
    assert "Family group conferences" not in outsider.get(reverse("core:home")).content.decode()
    assert not Project.objects.filter(proposal=proposal).exists()


def test_cancelling_the_consultation_tells_everyone(world: World, client_as: Any) -> None:
    url = reverse("intake:consultation-cancel", kwargs={"pk": world.proposal.pk})
    assert client_as("programme_manager").post(url).status_code == 302
    assert mail.outbox[-1].subject.startswith("Cancelled")
    assert client_as("programme_manager").post(url).status_code == 404  # nothing booked now


def test_the_dashboard_shows_pipeline_median_days_and_upcoming_consultations(world: World, client_as: Any) -> None:
    manager = world.users["programme_manager"]
    for days in (4, 10, 30):
        proposal = make_proposal(intervention_name=f"Decided after {days}")
        services.proposal_decline(actor=manager, proposal=proposal, reason="r", message="m")
        Proposal.objects.filter(pk=proposal.pk).update(
            submitted_at=timezone.now() - dt.timedelta(days=days), decided_at=timezone.now()
        )
    page = client_as("programme_manager").get(reverse("intake:dashboard")).content.decode()
    assert "<strong>10 days</strong> (3 decided)" in page
    assert timezone.localdate().strftime("%B %Y") in page
    assert world.proposal.intervention_name in page  # its consultation is upcoming


def test_staff_home_pages_show_proposals_and_consultations(world: World, client_as: Any) -> None:
    manager = client_as("programme_manager").get(reverse("core:home")).content.decode()
    assert "new proposal" in manager and "initial consultation for Dads matter groups" in manager
    adviser = client_as("practice_adviser").get(reverse("core:home")).content.decode()
    assert "invited to the initial consultation for, 1 open proposal" in adviser
    assert "initial consultation for Dads matter" in adviser
    other = client_as("research_adviser").get(reverse("core:home")).content.decode()
    assert "Dads matter groups" not in other


def test_the_manager_edits_the_decline_email_and_unknown_placeholders_are_refused(world: World, client_as: Any) -> None:
    manager = client_as("programme_manager")
    url = reverse("intake:decline-template")
    assert "$contact_name" in manager.get(url).content.decode()
    bad = manager.post(url, {"body": "Dear $name, no."}).content.decode()
    assert "$name is not a placeholder PINE knows" in bad
    assert manager.post(url, {"body": "Dear $contact_name, sorry ($reference)."}).status_code == 302
    form = manager.get(reverse("intake:decline", kwargs={"pk": world.proposal.pk})).content.decode()
    assert f"Dear Jo Carter, sorry ({world.proposal.reference})." in form


def test_priorities_are_edited_by_the_manager_and_inactive_ones_leave_the_form(world: World, client_as: Any) -> None:
    manager = client_as("programme_manager")
    priority = Priority.objects.get(name="Residential care")
    url = reverse("intake:priority-edit", kwargs={"pk": priority.pk})
    assert "Order must be a number, like 3" in manager.post(url, {"name": "x", "order": "first"}).content.decode()
    duplicate = manager.post(url, {"name": "domestic abuse", "order": "2"}).content.decode()
    assert "A priority with this name already exists" in duplicate
    manager.post(url, {"name": "Residential and secure care", "description": "", "order": "3"})
    priority.refresh_from_db()
    assert priority.name == "Residential and secure care" and priority.active is False
    form = Client().get(reverse("intake:step", kwargs={"step": "priorities"})).content.decode()
    assert "Residential and secure care" not in form and "Domestic abuse" in form
    assert manager.get(reverse("intake:priority-edit", kwargs={"pk": 99999})).status_code == 404


def test_supported_projects_are_only_approved_ones_and_filter_by_priority_and_region(world: World) -> None:
    hidden = Project.objects.create(
        organisation=world.org_b, title="Not yet approved", public_summary="Secret", public_summary_status="pending"
    )
    client = Client()
    page = client.get(reverse("intake:supported")).content.decode()
    assert world.project.title in page and "Not yet approved" not in page
    assert client.get(reverse("intake:supported-project", kwargs={"pk": hidden.pk})).status_code == 404
    east = client.get(reverse("intake:supported") + "?region=east").content.decode()
    assert world.project.title not in east and "No projects match" in east
    domestic = Priority.objects.get(name="Domestic abuse")
    world.project.priorities.set([domestic])
    assert world.project.title in client.get(reverse("intake:supported") + f"?priority={domestic.pk}").content.decode()
    bad = client.get(reverse("intake:supported") + "?priority=abc&region=mars").content.decode()
    assert "Select a priority from the list" in bad and "Select a region from the list" in bad


def test_save_and_come_back_later_is_refused_after_the_limit_with_a_time_to_try_again(public: Client) -> None:
    """Asking for more links than the limit gets a GOV.UK error on the email field, a 429, and no email."""
    for _ in range(services.DRAFT_LIMIT_PER_EMAIL.count):
        assert public.post(reverse("intake:save"), {"email": "jo@westbrook.test"}).status_code == 200
    sent = len(mail.outbox)
    response = public.post(reverse("intake:save"), {"email": "JO@westbrook.test"})
    content = response.content.decode()
    assert response.status_code == 429
    assert "There is a problem" in content and "You have asked for several links in the last hour" in content
    assert "Try again in" in content
    assert len(mail.outbox) == sent
