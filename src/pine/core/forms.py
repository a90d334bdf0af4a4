"""GOV.UK Design System markup for every Django form, through Django's own form rendering API.

Django 5.2 lets a renderer choose the BoundField class and the field template, so every form in PINE renders
as GOV.UK Frontend markup (labels, hints, error messages, classes, aria-describedby) without per-form code.
Forms own their questions, hints and error wording; these classes only lay them out.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.models import ModelFormMetaclass
from django.forms.renderers import DjangoTemplates

from pine.core.text import apply_text_rule

WIDGET_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "radioselect": "govuk-radios__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "checkbox": "govuk-checkboxes__input",
    "clearablefile": "govuk-file-upload",
    "govukdate": "govuk-input",
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

    @property
    def is_date(self) -> bool:
        return self.widget_type == "govukdate"

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


class _TextRuleFormMetaclass(DeclarativeFieldsMetaclass):
    """Every text field declared on a form class gets the text rule (core/text.py) when the class is made."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        new_class: Any = super().__new__(mcs, name, bases, attrs)
        apply_text_rule(new_class.base_fields)
        return new_class


class _TextRuleModelFormMetaclass(ModelFormMetaclass):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        new_class: Any = super().__new__(mcs, name, bases, attrs)
        apply_text_rule(new_class.base_fields)
        return new_class


class GovukForm(forms.Form, metaclass=_TextRuleFormMetaclass):
    """Base for PINE forms: no colon after labels; errors listed in field order for the error summary; the text
    rule (no control characters; no line breaks outside text areas) on every text field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        # Again here for fields added or relabelled after the class was made (survey pages, proposal questions).
        apply_text_rule(self.fields)
        super().full_clean()

    def error_summary(self) -> list[tuple[str, str]]:
        """(href, message) for every error, in the order the fields appear, for the GOV.UK error summary."""
        items: list[tuple[str, str]] = [("#main-content", str(e)) for e in self.non_field_errors()]
        for name, field in self.fields.items():
            bound = self[name]
            assert isinstance(bound, GovukBoundField)
            target = f"#{bound.govuk_id}"
            if bound.is_choice_group or bound.is_date:
                # The first option (or the day box) is the one to focus.
                target = f"#{bound.govuk_id}_0"
            errors = list(self.errors.get(name, []))
            if errors and not field.widget.is_hidden:
                # GOV.UK shows one message per question: the first, which is also the one beside the field.
                items.append((target, str(errors[0])))
        return items


class GovukModelForm(forms.ModelForm, metaclass=_TextRuleModelFormMetaclass):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    error_summary = GovukForm.error_summary

    def full_clean(self) -> None:
        apply_text_rule(self.fields)  # as GovukForm.full_clean
        super().full_clean()


class GovukDateInput(forms.MultiWidget):
    """The GOV.UK date input: three boxes for day, month and year (never a browser date picker)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # The boxes' markup (classes, labels) is in govuk/forms/field.html.
        widgets = [forms.TextInput(), forms.TextInput(), forms.TextInput()]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if value:
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date from day, month and year boxes, with the GOV.UK error messages for each way it can be wrong."""

    widget = GovukDateInput

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        self.name_for_errors = label
        # The parts are optional one by one, so that compress() can say which part is missing.
        fields = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"Enter {label.lower()}")
        kwargs["error_messages"].setdefault("incomplete", f"Enter {label.lower()}")
        super().__init__(fields, label=label, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> Any:
        import datetime as dt

        if not data_list or not any(data_list):
            return None
        day, month, year = ((part or "").strip() for part in data_list)
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        name = self.name_for_errors
        if missing:
            raise forms.ValidationError(f"{name} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"{name} must be a real date, using numbers, like 27 3 2027")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers, like 2027")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise forms.ValidationError(f"{name} must be a real date") from exc


class GovukTimeField(forms.TimeField):
    """A time of day typed as 14:30 or 2:30pm."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%H:%M", "%H.%M", "%I:%M%p", "%I:%M %p", "%I%p", "%I %p"])
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower().replace(" ", "")
        return super().to_python(value)


def posted(request: Any) -> Any:
    """The submitted data for a POST (even if empty, so that an empty form shows its errors), else None."""
    return request.POST if request.method == "POST" else None
