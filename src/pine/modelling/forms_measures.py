"""Questions and error messages for the measures library."""

from __future__ import annotations

from typing import Any

from django import forms

from pine.core.forms import GovukForm
from pine.modelling.models import Reporter
from pine.programme.models import Priority

# Measures library


class MeasureForm(GovukForm):
    name = forms.CharField(
        label="Name of the measure",
        max_length=200,
        error_messages={
            "required": "Enter the name of the measure",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    measures_what = forms.CharField(
        label="What does it measure?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say what the measure measures",
            "max_length": "This must be 2,000 characters or fewer",
        },
    )
    completed_by = forms.ChoiceField(
        label="Who completes it?",
        choices=Reporter.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who completes it", "invalid_choice": "Select who completes it"},
    )
    items = forms.IntegerField(
        label="Number of items (optional)",
        required=False,
        min_value=1,
        max_value=1000,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "invalid": "The number of items must be a whole number, like 14",
            "min_value": "The number of items must be at least 1",
            "max_value": "The number of items must be 1,000 or fewer",
        },
    )
    scoring = forms.CharField(
        label="How is it scored?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say how it is scored", "max_length": "This must be 2,000 characters or fewer"},
    )
    licence = forms.CharField(
        label="Licence",
        max_length=2000,
        help_text="Who owns it and the terms of use. Do not copy copyrighted questions into PINE.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Enter the licence or terms of use",
            "max_length": "This must be 2,000 characters or fewer",
        },
    )
    cost = forms.CharField(
        label="Cost",
        max_length=200,
        help_text="For example, 'Free' or '£1 per form'",
        error_messages={"required": "Enter the cost, or 'Free'", "max_length": "This must be 200 characters or fewer"},
    )
    validated = forms.TypedChoiceField(
        label="Has it been validated?",
        help_text="Tested in published research to show it measures what it says, reliably",
        choices=[("yes", "Yes"), ("no", "No, or not known")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it has been validated", "invalid_choice": "Select yes or no"},
    )
    source = forms.CharField(
        label="Source",
        max_length=2000,
        help_text="The publication or organisation it comes from",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the source", "max_length": "This must be 2,000 characters or fewer"},
    )
    source_url = forms.URLField(
        label="Link to the source (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter a web address, like https://www.example.org/measure",
            "max_length": "The web address must be 500 characters or fewer",
        },
    )
    priorities = forms.ModelMultipleChoiceField(
        label="Which of the programme's priorities is it relevant to? (optional)",
        queryset=Priority.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Select priorities from the list",
            "invalid_pk_value": "Select priorities from the list",
        },
    )

    def __init__(self, *args: Any, organisations: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations:
            self.fields["organisation"] = forms.ChoiceField(
                label="Whose library is it for?",
                choices=organisations,
                widget=forms.RadioSelect,
                error_messages={"required": "Select whose library it is for", "invalid_choice": "Select from the list"},
            )
