"""The proposal form's question pages, and the programme team's triage forms."""

from __future__ import annotations

import string
from typing import Any, ClassVar

from django import forms
from django.utils import timezone

from pine.accounts.forms import PHONE_VALIDATOR
from pine.accounts.models import OrganisationKind, Region, User
from pine.core.forms import GovukDateField, GovukForm, GovukTimeField
from pine.intake.models import ConsultationOutcome, DeclineTemplate, InterventionStage, ProposalStatus
from pine.journey.forms import DURATIONS, TIME_INVALID, _future
from pine.programme.models import Priority


def _text(
    label: str,
    *,
    required_message: str,
    max_length: int,
    hint: str = "",
    rows: int = 0,
    required: bool = True,
    name_for_length: str = "",
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    what = name_for_length or label
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=max_length,
        required=required,
        widget=widget,
        error_messages={
            "required": required_message,
            "max_length": f"{what} must be {max_length:,} characters or fewer",
        },
    )


def _choice(label: str, choices: Any, message: str, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class QuestionPage(GovukForm):
    """One page of the proposal form, with its heading."""

    title: ClassVar[str] = ""


class OrganisationStep(QuestionPage):
    title = "About your organisation"
    organisation_name = _text("Organisation name", required_message="Enter your organisation's name", max_length=200)
    organisation_kind = _choice("Type of organisation", OrganisationKind.choices, "Select the type of organisation")
    organisation_region = forms.ChoiceField(
        label="Region",
        choices=[("", "Select a region"), *Region.choices],
        error_messages={"required": "Select the region", "invalid_choice": "Select the region"},
    )


class ContactStep(QuestionPage):
    title = "Who should we contact?"
    contact_name = _text("Full name", required_message="Enter the contact's full name", max_length=150)
    contact_role = _text("Job title or role", required_message="Enter the contact's job title or role", max_length=150)
    contact_email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will send a copy of your proposal here",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    contact_phone = forms.CharField(
        label="Phone number (optional)",
        required=False,
        max_length=20,
        validators=[PHONE_VALIDATOR],
        error_messages={"max_length": "Phone number must be 20 characters or fewer"},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "govuk-input--width-20"}),
    )


class InterventionStep(QuestionPage):
    title = "About the new way of working"
    intervention_name = _text(
        "What do you call it?",
        required_message="Enter the name of the intervention",
        max_length=200,
        hint="For example, 'Thematic practice weeks'",
        name_for_length="The name",
    )
    intervention_what = _text(
        "What is it?",
        required_message="Describe what the intervention is",
        max_length=3000,
        rows=4,
        hint="What happens, how often, and who delivers it",
        name_for_length="The description",
    )
    intervention_who = _text(
        "Who is it for?",
        required_message="Say who the intervention is for",
        max_length=2000,
        rows=3,
        hint="For example, social workers in two teams, or families at the pre-proceedings stage",
        name_for_length="Who it is for",
    )
    intervention_why = _text(
        "Why might it work?",
        required_message="Say why you think it might work",
        max_length=3000,
        rows=4,
        name_for_length="Why it might work",
    )
    intervention_stage = _choice(
        "How far along is it?", InterventionStage.choices, "Select how far along the intervention is"
    )


class PrioritiesStep(QuestionPage):
    title = "The programme's priorities"
    priorities = forms.ModelMultipleChoiceField(
        label="Which of the programme's priorities does it relate to?",
        help_text="Select all that apply",
        queryset=Priority.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": "Select priorities from the list",
            "invalid_pk_value": "Select priorities from the list",
        },
    )
    involves_under_ones = forms.TypedChoiceField(
        label="Does it involve children under one?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if it involves children under one"},
    )
    involves_male_carers = forms.TypedChoiceField(
        label="Does it involve fathers or other male carers?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if it involves fathers or other male carers"},
    )


class EvaluationStep(QuestionPage):
    title = "What you want to find out"
    want_to_find_out = _text(
        "What do you want to find out?",
        required_message="Say what you want to find out",
        max_length=3000,
        rows=4,
        hint="For example, whether social workers feel more confident, or whether fewer children come into care",
        name_for_length="Your answer",
    )
    data_already_collected = _text(
        "What data do you already collect? (optional)",
        required_message="",
        max_length=3000,
        rows=3,
        required=False,
        name_for_length="Your answer",
    )
    timescale = _text(
        "What is your timescale?",
        required_message="Enter your timescale",
        max_length=300,
        hint="For example, 'starting in April, running for a year'",
        name_for_length="Timescale",
    )
    heard_about = _text(
        "How did you hear about the programme? (optional)",
        required_message="",
        max_length=300,
        required=False,
        name_for_length="Your answer",
    )
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off", "class": "pine-honeypot"}),
    )  # see pine.css

    def clean_website(self) -> str:
        # A field people cannot see: only a robot fills it in.
        value = self.cleaned_data["website"]
        if value:
            raise forms.ValidationError("Leave this field empty")
        return value


STEPS: list[tuple[str, type[QuestionPage]]] = [
    ("organisation", OrganisationStep),
    ("contact", ContactStep),
    ("intervention", InterventionStep),
    ("priorities", PrioritiesStep),
    ("evaluation", EvaluationStep),
]


class SaveForLaterForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will email you a link to come back to your answers",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class AnswerForm(GovukForm):
    answer = _text("Your answer", required_message="Enter your answer", max_length=5000, rows=6)


class TriageForm(GovukForm):
    practice_adviser = forms.ModelChoiceField(
        label="Practice adviser",
        required=False,
        empty_label="Not assigned",
        queryset=User.objects.filter(programme_role="practice_adviser", is_active=True),
        error_messages={"invalid_choice": "Select a practice adviser from the list"},
    )
    research_adviser = forms.ModelChoiceField(
        label="Research adviser",
        required=False,
        empty_label="Not assigned",
        queryset=User.objects.filter(programme_role="research_adviser", is_active=True),
        error_messages={"invalid_choice": "Select a research adviser from the list"},
    )
    triage_notes = _text(
        "Notes", required_message="", max_length=10000, rows=5, required=False, name_for_length="Notes"
    )


class QuestionForm(GovukForm):
    question = _text(
        "What do you need to know?",
        required_message="Enter your question",
        max_length=3000,
        rows=5,
        hint="The contact gets this by email, with a link to answer it",
        name_for_length="The question",
    )


class DeclineForm(GovukForm):
    reason = _text(
        "Reason (for the programme's records)",
        required_message="Enter the reason",
        max_length=2000,
        rows=3,
        name_for_length="The reason",
    )
    message = _text(
        "Email to the contact",
        required_message="Enter the email to send",
        max_length=10000,
        rows=12,
        hint="Change it as you need; it is sent as shown",
        name_for_length="The email",
    )


class WithdrawForm(GovukForm):
    reason = _text(
        "Why is the proposal withdrawn?",
        required_message="Enter the reason",
        max_length=2000,
        rows=3,
        name_for_length="The reason",
    )


class ConsultationForm(GovukForm):
    date = GovukDateField(label="Date", help_text="For example, 14 6 2027")
    time = GovukTimeField(
        label="Start time",
        help_text="For example, 10:00 or 2:30pm",
        error_messages={"required": "Enter the start time", "invalid": TIME_INVALID},
    )
    duration = forms.TypedChoiceField(
        label="Length",
        choices=DURATIONS,
        coerce=int,
        widget=forms.RadioSelect,
        initial="60",
        error_messages={"required": "Select how long it is", "invalid_choice": "Select how long it is"},
    )
    location = _text(
        "Place or video link",
        required_message="Enter where it is, or its video link",
        max_length=300,
        name_for_length="Place or video link",
    )
    advisers = forms.ModelMultipleChoiceField(
        label="Advisers attending",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        queryset=User.objects.filter(programme_role__in=["practice_adviser", "research_adviser"], is_active=True),
        error_messages={
            "invalid_choice": "Select advisers from the list",
            "invalid_pk_value": "Select advisers from the list",
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and data.get("time"):
            self.starts_at = _future(data["date"], data["time"])
            if self.starts_at <= timezone.now():
                self.add_error("date", "The consultation must be in the future")
        return data


class OutcomeForm(GovukForm):
    notes = _text(
        "Notes from the consultation",
        required_message="Enter the notes",
        max_length=20000,
        rows=8,
        name_for_length="The notes",
    )
    outcome = _choice("Outcome", ConsultationOutcome.choices, "Select the outcome")
    reasons = _text(
        "Reasons, for the email to the contact (needed unless accepting)",
        required_message="",
        max_length=5000,
        rows=4,
        required=False,
        name_for_length="The reasons",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("outcome") in {ConsultationOutcome.CHANGES, ConsultationOutcome.DECLINE}
            and not data.get("reasons", "").strip()
        ):
            self.add_error("reasons", "Say why, for the email to the contact")
        return data


class QueueFilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *ProposalStatus.choices],
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    priority = forms.ModelChoiceField(
        label="Priority",
        required=False,
        empty_label="Any priority",
        queryset=Priority.objects.all(),
        error_messages={"invalid_choice": "Select a priority from the list"},
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("oldest", "Oldest first"), ("newest", "Newest first"), ("organisation", "Organisation")],
        error_messages={"invalid_choice": "Select how to sort"},
    )


class PriorityForm(GovukForm):
    name = _text("Name", required_message="Enter the priority's name", max_length=120, name_for_length="Name")
    description = _text(
        "Description", required_message="", max_length=2000, rows=3, required=False, name_for_length="The description"
    )
    order = forms.IntegerField(
        label="Order on pages",
        min_value=0,
        max_value=999,
        error_messages={
            "required": "Enter a number for the order",
            "invalid": "Order must be a number, like 3",
            "min_value": "Order must be 0 or more",
            "max_value": "Order must be 999 or less",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    active = forms.BooleanField(label="Active: shown on the public pages and the proposal form", required=False)


class PublicFilterForm(GovukForm):
    priority = forms.ModelChoiceField(
        label="Priority",
        required=False,
        empty_label="Any priority",
        queryset=Priority.objects.filter(active=True),
        error_messages={"invalid_choice": "Select a priority from the list"},
    )
    region = forms.ChoiceField(
        label="Region",
        required=False,
        choices=[("", "Any region"), *Region.choices],
        error_messages={"invalid_choice": "Select a region from the list"},
    )


class DeclineTemplateForm(GovukForm):
    body = _text(
        "Decline email",
        required_message="Enter the text of the decline email",
        max_length=10000,
        rows=16,
        hint="You can use "
        + ", ".join(f"${name} ({meaning})" for name, meaning in DeclineTemplate.PLACEHOLDERS.items()),
        name_for_length="The email",
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        try:
            names = {m.group("named") or m.group("braced") for m in string.Template.pattern.finditer(body)}
        except ValueError:
            names = set()
        unknown = sorted(n for n in names if n and n not in DeclineTemplate.PLACEHOLDERS)
        if unknown:
            raise forms.ValidationError(
                f"${unknown[0]} is not a placeholder PINE knows. Use one of "
                + ", ".join(f"${n}" for n in DeclineTemplate.PLACEHOLDERS)
                + ", or write $$ for a dollar sign"
            )
        return body
