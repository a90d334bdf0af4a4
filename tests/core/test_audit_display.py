"""Audit entries read as plain English wherever they are shown: the kind of record in words, and choice labels
rather than the codes stored ("More information requested", not `more_information`; "Proposal", not
`intake.Proposal 3`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pine.core import audit
from pine.core.audit_display import object_type_label, value_text
from pine.core.models import AuditAction
from tests.conftest import World


def _status_change(world: World) -> None:
    audit.record(
        action=AuditAction.CHANGED,
        obj=world.proposal,
        changes={"status": ["new", "more_information"], "submitted_at": ["", "2026-03-01T10:00:00+00:00"]},
    )
    audit.record(
        action=AuditAction.CHANGED,
        obj=world.project,
        changes={"public_summary_status": ["submitted", "approved"]},
    )


def test_audit_log_names_the_kind_of_record_and_choice_labels(world: World, client_as: Any) -> None:
    """The audit log shows 'Proposal: …' and 'New → More information requested', never model names or codes."""
    _status_change(world)
    html = client_as("programme_manager").get(reverse("core:audit-log")).content.decode()
    assert "New → More information requested" in html
    assert "Waiting for approval → Approved" in html
    assert f"Proposal: {world.proposal}" in html
    for internal in ("more_information", "intake.Proposal", "journey.Project", "public_summary_status"):
        assert internal not in html


def test_proposal_history_and_project_timeline_show_choice_labels(world: World, client_as: Any) -> None:
    """A proposal's history and a project's timeline show status labels, not the codes stored."""
    _status_change(world)
    manager = client_as("programme_manager")
    history = manager.get(reverse("intake:proposal", args=[world.proposal.pk])).content.decode()
    assert "(New → More information requested)" in history
    timeline = manager.get(reverse("journey:timeline", args=[world.project.pk])).content.decode()
    assert "Approved" in timeline
    assert "public_summary_status" not in timeline and "approved</li>" not in timeline


def test_audit_csv_names_the_kind_of_record(world: World, client_as: Any) -> None:
    """The CSV's 'Record type' column holds the record's kind in words."""
    _status_change(world)
    body = b"".join(client_as("programme_manager").get(reverse("core:audit-export")).streaming_content).decode()
    assert ",Proposal," in body
    assert "intake.Proposal" not in body


def test_values_read_as_words() -> None:
    """Booleans, dates and missing values are written for people; a deleted model's events still read well."""
    assert value_text(True) == "Yes"
    assert value_text(None) == "(empty)"
    assert value_text("2026-03-01") == "1 March 2026"
    assert object_type_label("gone.Model") == "Record"
    assert object_type_label("journey.Decision") == "Decision"


def test_list_fields_are_kept_as_lists_and_shown_with_labels() -> None:
    """A plan's data sources are logged as a list and shown as labels, old text-form entries included."""
    from pine.core.audit_display import change_lines
    from pine.modelling.models import EvaluationPlan

    assert audit._jsonable(["routine", "case_records"]) == ["routine", "case_records"]
    lines = change_lines("modelling.EvaluationPlan", {"data_sources": ["[]", "['routine', 'case_records']"]})
    assert lines[0].before == "(empty)"
    assert lines[0].after == "Routine data (for example, monthly counts); Case records"
    assert EvaluationPlan.AUDIT_CHOICES
