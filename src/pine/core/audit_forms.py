from __future__ import annotations

from typing import Any

from django import forms

from pine.accounts.models import Organisation
from pine.core.forms import GovukForm
from pine.core.models import AuditAction


class AuditFilterForm(GovukForm):
    person = forms.CharField(
        label="Person",
        help_text="Their email address, or part of it",
        required=False,
        max_length=254,
        error_messages={"max_length": "Person must be 254 characters or fewer"},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Any organisation",
        error_messages={"invalid_choice": "Select an organisation from the list"},
    )
    action = forms.ChoiceField(
        label="What happened",
        choices=[("", "Anything"), *AuditAction.choices],
        required=False,
        error_messages={"invalid_choice": "Select what happened from the list"},
    )
    date_from = forms.DateField(
        label="From date",
        help_text="For example, 27 3 2026 or 2026-03-27",
        required=False,
        input_formats=["%Y-%m-%d", "%d %m %Y", "%d/%m/%Y"],
        error_messages={"invalid": "From date must be a real date, like 2026-03-27"},
    )
    date_to = forms.DateField(
        label="To date",
        help_text="Includes the whole of this day",
        required=False,
        input_formats=["%Y-%m-%d", "%d %m %Y", "%d/%m/%Y"],
        error_messages={"invalid": "To date must be a real date, like 2026-03-31"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "To date must be the same as or after from date")
        return data

    def cleaned_filters(self) -> dict[str, Any]:
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}
