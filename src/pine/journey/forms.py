"""Questions and error messages for projects, stages, checkpoints and actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from pine.accounts.models import User
from pine.core.forms import GovukDateField, GovukForm, GovukTimeField
from pine.journey.models import DecisionOutcome, Project, ProjectRole
from pine.programme.models import Priority


def _choice(field: forms.Field) -> forms.ChoiceField:
    assert isinstance(field, forms.ChoiceField)
    return field


def _people_field(label: str, queryset: Any, required: bool, empty: str, message: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=queryset,
        required=required,
        empty_label=empty,
        error_messages={"required": message, "invalid_choice": message},
    )


class ProjectDetailsForm(GovukForm):
    title = forms.CharField(
        label="Project title",
        max_length=200,
        help_text="A short name people will recognise, like 'Thematic practice weeks'",
        error_messages={
            "required": "Enter the project title",
            "max_length": "Project title must be 200 characters or fewer",
        },
    )
    intervention_summary = forms.CharField(
        label="What is the intervention?",
        help_text="Who it is for, what happens, and why you think it might help. A few sentences.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "The description must be 5,000 characters or fewer"},
    )
    priorities = forms.ModelMultipleChoiceField(
        label="Which of the programme's priorities does it relate to?",
        help_text="Select all that apply",
        queryset=Priority.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Select priorities from the list",
            "invalid_pk_value": "Select priorities from the list",
        },
    )


class ProjectCreateForm(ProjectDetailsForm):
    practice_adviser = _people_field(
        "Practice adviser",
        User.objects.filter(programme_role="practice_adviser", is_active=True),
        False,
        "Not assigned yet",
        "Select a practice adviser from the list",
    )
    research_adviser = _people_field(
        "Research adviser",
        User.objects.filter(programme_role="research_adviser", is_active=True),
        False,
        "Not assigned yet",
        "Select a research adviser from the list",
    )
    initial_consultation_done = forms.BooleanField(
        label="The initial consultation has been held and the project has joined the programme",
        help_text="Stage 1 is then completed and stage 2 opens",
        required=False,
    )


class ProjectSettingsForm(ProjectDetailsForm):
    start_date = GovukDateField(label="Start date", required=False, help_text="For example, 1 4 2027")
    expected_end_date = GovukDateField(label="Expected end date", required=False, help_text="For example, 31 3 2028")
    public_summary = forms.CharField(
        label="Public summary",
        help_text=(
            "A few sentences for the programme's public page. Do not name or describe any child, family or "
            "member of staff. The programme manager approves it before it appears."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "The public summary must be 2,000 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("expected_end_date")
        if start and end and end <= start:
            self.add_error("expected_end_date", "Expected end date must be after the start date")
        return data


class AdvisersForm(GovukForm):
    practice_adviser = ProjectCreateForm.base_fields["practice_adviser"]
    research_adviser = ProjectCreateForm.base_fields["research_adviser"]


class TeamMemberForm(GovukForm):
    user = _people_field("Person", User.objects.none(), True, "Select a person", "Select a person from the list")
    role = forms.ChoiceField(
        label="Role in the project",
        choices=ProjectRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their role in the project", "invalid_choice": "Select their role"},
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            memberships__organisation_id=project.organisation_id, is_active=True
        ).order_by("full_name")


class StageSummaryForm(GovukForm):
    summary = forms.CharField(
        label="What did you produce in this stage?",
        help_text="Describe the work and where to find it. Your advisers read this before the checkpoint.",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Describe what you produced in this stage",
            "max_length": "The description must be 20,000 characters or fewer",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


TIME_INVALID = "Enter a time, like 10:00 or 2:30pm"


def _future(date: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(date, time))


class CheckpointRequestForm(GovukForm):
    date_1 = GovukDateField(label="First suggested date", help_text="For example, 14 6 2027")
    time_1 = GovukTimeField(
        label="Time",
        help_text="For example, 10:00 or 2:30pm",
        error_messages={"required": "Enter the time", "invalid": "Enter a time, like 10:00 or 2:30pm"},
    )
    date_2 = GovukDateField(label="Second suggested date (optional)", required=False)
    time_2 = GovukTimeField(
        label="Time (optional)", required=False, error_messages={"invalid": "Enter a time, like 10:00 or 2:30pm"}
    )
    date_3 = GovukDateField(label="Third suggested date (optional)", required=False)
    time_3 = GovukTimeField(
        label="Time (optional)", required=False, error_messages={"invalid": "Enter a time, like 10:00 or 2:30pm"}
    )
    message = forms.CharField(
        label="Anything your advisers should know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The message must be 2,000 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.proposed_times: list[dt.datetime] = []
        now = timezone.now()
        for index in (1, 2, 3):
            date, time = data.get(f"date_{index}"), data.get(f"time_{index}")
            if date and not time and f"time_{index}" not in self.errors:
                self.add_error(f"time_{index}", "Enter the time for this date")
            elif time and not date and f"date_{index}" not in self.errors:
                self.add_error(f"date_{index}", "Enter the date for this time")
            elif date and time:
                when = _future(date, time)
                if when <= now:
                    self.add_error(f"date_{index}", "The suggested date must be in the future")
                else:
                    self.proposed_times.append(when)
        return data


DURATIONS = [
    ("30", "30 minutes"),
    ("45", "45 minutes"),
    ("60", "1 hour"),
    ("90", "1 hour 30 minutes"),
    ("120", "2 hours"),
]


OTHER_TIME = "other"


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M}"


class ScheduleForm(GovukForm):
    suggested = forms.ChoiceField(
        label="When is the meeting?",
        help_text="The times the site suggested, or another date and time",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select one of the suggested times, or another date and time",
            "invalid_choice": "Select one of the suggested times, or another date and time",
        },
    )
    date = GovukDateField(
        label="Date of the meeting",
        required=False,
        help_text="If you chose another date and time. For example, 14 6 2027",
    )
    time = GovukTimeField(
        label="Start time",
        required=False,
        help_text="If you chose another date and time. For example, 10:00 or 2:30pm",
        error_messages={"invalid": "Enter a time, like 10:00 or 2:30pm"},
    )
    duration = forms.TypedChoiceField(
        label="Length",
        choices=DURATIONS,
        coerce=int,
        widget=forms.RadioSelect,
        initial="60",
        error_messages={
            "required": "Select how long the meeting is",
            "invalid_choice": "Select how long the meeting is",
        },
    )
    location = forms.CharField(
        label="Place or video link",
        max_length=300,
        help_text="For example, a room and address, or the Teams or Zoom link",
        error_messages={
            "required": "Enter where the meeting is, or its video link",
            "max_length": "Place or video link must be 300 characters or fewer",
        },
    )

    def __init__(self, *args: Any, suggested_times: Sequence[dt.datetime] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        now = timezone.now()
        # Only times still to come can be booked; times already past are not offered.
        self.suggested_times = {t.isoformat(): t for t in suggested_times if t > now}
        field = _choice(self.fields["suggested"])
        field.choices = [
            *((key, _when(moment)) for key, moment in self.suggested_times.items()),
            (OTHER_TIME, "Another date and time"),
        ]
        if not self.suggested_times:
            field.initial = OTHER_TIME

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("suggested")
        if choice and choice != OTHER_TIME:
            self.starts_at = self.suggested_times[choice]
            if self.starts_at <= timezone.now():
                self.add_error("suggested", "That time has passed: choose another")
            return data
        if choice == OTHER_TIME:
            if not data.get("date") and "date" not in self.errors:
                self.add_error("date", "Enter the date of the meeting")
            if not data.get("time") and "time" not in self.errors:
                self.add_error("time", "Enter the start time")
        if data.get("date") and data.get("time"):
            when = _future(data["date"], data["time"])
            if when <= timezone.now():
                self.add_error("date", "The meeting must be in the future")
            self.starts_at = when
        return data


class CancelForm(GovukForm):
    reason = forms.CharField(
        label="Why is the meeting cancelled?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why the meeting is cancelled",
            "max_length": "The reason must be 1,000 characters or fewer",
        },
    )


class AgendaForm(GovukForm):
    agenda = forms.CharField(
        label="Agenda",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={"required": "Enter the agenda", "max_length": "The agenda must be 20,000 characters or fewer"},
    )


class NotesForm(GovukForm):
    notes = forms.CharField(
        label="Meeting notes",
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="What was discussed and agreed. Do not name children or families.",
        error_messages={"required": "Enter the notes", "max_length": "The notes must be 50,000 characters or fewer"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DecisionForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What did the checkpoint decide?",
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select proceed or revise", "invalid_choice": "Select proceed or revise"},
    )
    reasons = forms.CharField(
        label="Reasons, and what must change if revising",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "The reasons must be 5,000 characters or fewer"},
    )
    override = forms.BooleanField(
        label="Proceed although the checks above are failing",
        required=False,
        help_text="Only if the meeting agreed the work is good enough as it is",
    )
    override_reason = forms.CharField(
        label="Why proceed although the checks are failing?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This is kept with the decision and shown on the checkpoint and the project's timeline",
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )

    def __init__(self, *args: Any, failing_checks: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.failing_checks = list(failing_checks)
        if not self.failing_checks:
            del self.fields["override"]
            del self.fields["override_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == DecisionOutcome.REVISE and not data.get("reasons", "").strip():
            self.add_error("reasons", "Say what must change before the next checkpoint")
        if data.get("outcome") == DecisionOutcome.PROCEED and self.failing_checks:
            if not data.get("override"):
                self.add_error("override", "To proceed while checks are failing, confirm that you are overriding them")
            elif not data.get("override_reason", "").strip():
                self.add_error("override_reason", "Say why the stage can proceed although its checks are failing")
        return data


class ActionForm(GovukForm):
    description = forms.CharField(
        label="What needs doing?",
        max_length=500,
        error_messages={
            "required": "Enter what needs doing",
            "max_length": "The action must be 500 characters or fewer",
        },
    )
    owner = _people_field(
        "Who will do it?", User.objects.none(), True, "Select a person", "Select who will do it from the list"
    )
    due_date = GovukDateField(label="Due date", help_text="For example, 30 6 2027")

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            is_active=True,
            pk__in=[
                *User.objects.filter(memberships__organisation_id=project.organisation_id).values_list("pk", flat=True),
                *[pk for pk in (project.practice_adviser_id, project.research_adviser_id) if pk],
            ],
        ).order_by("full_name")

    def clean_due_date(self) -> dt.date:
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError("Due date must be today or in the future")
        return due
