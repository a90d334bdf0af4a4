"""GOV.UK Design System markup for every Django form, through Django's own form rendering API.

Django 5.2 lets a renderer choose the BoundField class and the field template, so every form in PINE renders
as GOV.UK Frontend markup (labels, hints, error messages, classes, aria-describedby) without per-form code.
Forms own their questions, hints and error wording; these classes only lay them out.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates

WIDGET_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "radioselect": "govuk-radios__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "checkbox": "govuk-checkboxes__input",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}
ERROR_MODIFIER = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


class GovukBoundField(BoundField):
    @property
    def govuk_id(self) -> str:
        return self.auto_id or f"id_{self.html_name}"

    @property
    def is_choice_group(self) -> bool:
        return self.widget_type in {"radioselect", "checkboxselectmultiple"}

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        base = WIDGET_CLASSES.get(self.widget_type, "govuk-input")
        classes = [base, *widget.attrs.get("class", "").split()]
        if self.errors and base in ERROR_MODIFIER:
            classes.append(ERROR_MODIFIER[base])
        attrs["class"] = " ".join(dict.fromkeys(classes))
        if not self.is_choice_group and self.widget_type != "checkbox":
            described = []
            if self.help_text:
                described.append(f"{self.govuk_id}-hint")
            if self.errors:
                described.append(f"{self.govuk_id}-error")
            if described:
                attrs["aria-describedby"] = " ".join(described)
            else:
                attrs.pop("aria-describedby", None)
        return attrs


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"
    bound_field_class = GovukBoundField


class GovukForm(forms.Form):
    """Base for PINE forms: no colon after labels; errors listed in field order for the error summary."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def error_summary(self) -> list[tuple[str, str]]:
        """(href, message) for every error, in the order the fields appear, for the GOV.UK error summary."""
        items: list[tuple[str, str]] = [("#main-content", str(e)) for e in self.non_field_errors()]
        for name, field in self.fields.items():
            bound = self[name]
            assert isinstance(bound, GovukBoundField)
            target = f"#{bound.govuk_id}"
            if bound.is_choice_group:
                # The first option is the one to focus for a radios or checkboxes question.
                target = f"#{bound.govuk_id}_0"
            errors = list(self.errors.get(name, []))
            if errors and not field.widget.is_hidden:
                # GOV.UK shows one message per question: the first, which is also the one beside the field.
                items.append((target, str(errors[0])))
        return items


class GovukModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    error_summary = GovukForm.error_summary
