"""Forms for data collection: they own the questions' wording and the GOV.UK error messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from pine.collection.models import (
    ApiScope,
    Consent,
    Group,
    Instrument,
    Item,
    ItemKind,
    ScoringMethod,
)
from pine.core.forms import GovukDateField, GovukForm

YES_NO = [("yes", "Yes"), ("no", "No")]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class InstrumentForm(GovukForm):
    name = forms.CharField(
        label="Name of the questionnaire",
        max_length=200,
        error_messages={"required": "Enter the name of the questionnaire"},
    )
    description = forms.CharField(
        label="Introduction for the people answering (optional)",
        help_text="Say what the questionnaire is about and how long it takes. Respondents see this first.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    scoring = forms.ChoiceField(
        label="How is the questionnaire scored?",
        help_text="Questions with a number for their answer count towards the score unless you say otherwise.",
        choices=ScoringMethod.choices,
        widget=forms.RadioSelect,
        initial=ScoringMethod.SUM,
        error_messages={"required": "Select how the questionnaire is scored"},
    )
    min_answered = forms.IntegerField(
        label="Fewest questions answered for a score to count (optional)",
        help_text="Leave empty to need every scored question answered. Published measures usually say.",
        required=False,
        min_value=1,
        max_value=500,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"invalid": "Enter a whole number, like 8", "min_value": "Enter a number of 1 or more"},
    )


class InstrumentCreateForm(InstrumentForm):
    measure: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Start from a measure in your evaluation plan (optional)",
        help_text="Choose one to link this questionnaire to the plan; a free measure brings its questions.",
        queryset=None,
        required=False,
        empty_label="No: start an empty questionnaire",
    )

    def __init__(self, *args: Any, measures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["measure"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = measures
        if not measures.exists():
            del self.fields["measure"]


class NewVersionForm(GovukForm):
    change_note = forms.CharField(
        label="What will you change?",
        help_text="For example: reworded question 3 so it is clearer. This is kept with the new version.",
        max_length=300,
        error_messages={"required": "Say what you will change in the new version"},
    )


class SectionForm(GovukForm):
    title = forms.CharField(
        label="Page heading", max_length=200, error_messages={"required": "Enter a heading for the page"}
    )
    intro = forms.CharField(
        label="Introduction to the page (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ItemForm(GovukForm):
    text = forms.CharField(label="Question", max_length=500, error_messages={"required": "Enter the question"})
    help_text = forms.CharField(
        label="Hint (optional)",
        help_text="Extra help shown under the question, like 'Think about the last month'.",
        max_length=500,
        required=False,
    )
    code = forms.CharField(
        label="Short name",
        help_text="Names the question's column in spreadsheets and SPSS: a letter, then letters, numbers or "
        "underscores, like conf1.",
        max_length=32,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": "Enter a short name for the question, like conf1"},
    )
    kind = forms.ChoiceField(
        label="Type of answer",
        choices=ItemKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of answer"},
    )
    options = forms.CharField(
        label="Labels or options, one on each line",
        help_text="For a rating scale, a label for each point from lowest to highest (4 to 11 points). For a "
        "choice question, its options. Leave empty for other types.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    scale_start = forms.IntegerField(
        label="Number of a rating scale's first point",
        help_text="Usually 1; some measures start at 0.",
        initial=1,
        min_value=-10,
        max_value=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"required": "Enter the number of the first point, like 1", "invalid": "Enter a whole number"},
    )
    minimum = forms.FloatField(
        label="Lowest number allowed (numbers only, optional)",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        error_messages={"invalid": "Enter a number, like 0"},
    )
    maximum = forms.FloatField(
        label="Highest number allowed (numbers only, optional)",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        error_messages={"invalid": "Enter a number, like 100"},
    )
    required = forms.BooleanField(label="People must answer this question", required=False, initial=True)
    scored = forms.BooleanField(label="Counts towards the questionnaire's score", required=False, initial=True)
    reverse_scored = forms.BooleanField(
        label="Reverse scored",
        help_text="For a question worded the other way round: the highest answer counts as the lowest.",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["options"] = _lines(data.get("options") or "")
        return data

    @staticmethod
    def initial_for(item: Item) -> dict[str, Any]:
        return {
            "text": item.text,
            "help_text": item.help_text,
            "code": item.code,
            "kind": item.kind,
            "options": "\n".join(item.options),
            "scale_start": item.scale_start,
            "minimum": item.minimum,
            "maximum": item.maximum,
            "required": item.required,
            "scored": item.scored,
            "reverse_scored": item.reverse_scored,
        }


class SubscaleForm(GovukForm):
    name = forms.CharField(label="Name of the subscale", max_length=200, error_messages={"required": "Enter a name"})
    code = forms.CharField(
        label="Short name",
        help_text="Names the subscale's column in exports, like confidence.",
        max_length=32,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": "Enter a short name, like confidence"},
    )
    items = forms.ModelMultipleChoiceField(
        label="Questions in the subscale",
        queryset=Item.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the questions in the subscale"},
    )
    scoring = forms.ChoiceField(
        label="How is it scored?", choices=ScoringMethod.choices[:2], widget=forms.RadioSelect, initial="mean"
    )
    min_answered = forms.IntegerField(
        label="Fewest questions answered for a score to count (optional)",
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"invalid": "Enter a whole number, like 3"},
    )

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = instrument.items.filter(kind__in=["likert", "number", "yes_no", "single"])
        field.label_from_instance = lambda obj: f"{obj.code}: {obj.text}"  # type: ignore[method-assign]


class WaveForm(GovukForm):
    name = forms.CharField(
        label="Name of the wave",
        help_text="A time point, like Baseline or 3-month follow-up.",
        max_length=100,
        error_messages={"required": "Enter the name of the wave"},
    )
    code = forms.CharField(
        label="Short name",
        help_text="Used in spreadsheet column names, like baseline or fu3.",
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": "Enter a short name, like baseline"},
    )
    opens_on = GovukDateField(label="Opening date", help_text="For example, 3 9 2026")
    closes_on = GovukDateField(label="Closing date", help_text="Links stop working after this day.")
    instruments = forms.ModelMultipleChoiceField(
        label="Questionnaires in this wave",
        queryset=Instrument.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one questionnaire"},
    )
    reminder_every_days = forms.IntegerField(
        label="Email reminders automatically every how many days? (optional)",
        help_text="Leave empty to send reminders only when you choose to.",
        required=False,
        min_value=1,
        max_value=60,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"invalid": "Enter a whole number of days, like 7", "min_value": "Enter 1 day or more"},
    )

    def __init__(self, *args: Any, instruments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instruments"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = instruments
        self.fields["opens_on"].required = True
        self.fields["closes_on"].required = True


class ParticipantForm(GovukForm):
    group = forms.ChoiceField(
        label="Group",
        choices=[*Group.choices, ("", "Not in a group")],
        widget=forms.RadioSelect,
        required=False,
    )
    cluster = forms.CharField(
        label="Team or site (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-!-width-one-half"}),
    )
    consent = forms.ChoiceField(
        label="Consent", choices=Consent.choices, widget=forms.RadioSelect, initial=Consent.NOT_ASKED
    )
    consent_date = GovukDateField(label="Date of consent (optional)", required=False)


class IdentifiersForm(GovukForm):
    """Optional identifying details: encrypted at rest, seen only by the site lead and the data protection
    officer."""

    name = forms.CharField(label="Full name (optional)", max_length=200, required=False)
    email = forms.EmailField(
        label="Email address (optional)",
        help_text="Needed to email their survey links from PINE.",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    date_of_birth = GovukDateField(label="Date of birth (optional)", required=False)
    case_number = forms.CharField(
        label="Case number (optional)",
        help_text="The reference in your case management system, to match imported records.",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )

    def clean_date_of_birth(self) -> Any:
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past")
        return value


class AddManyForm(GovukForm):
    count = forms.IntegerField(
        label="How many participants?",
        min_value=1,
        max_value=1000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "required": "Enter how many participants to add",
            "invalid": "Enter a whole number, like 30",
            "min_value": "Enter 1 or more",
            "max_value": "Add up to 1,000 at a time",
        },
    )
    group = ParticipantForm.base_fields["group"]
    cluster = ParticipantForm.base_fields["cluster"]


class ParticipantSearchForm(GovukForm):
    q = forms.CharField(
        label="Find a participant",
        help_text="Their pseudonym, like P-7K3Q9.",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, identifiers: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if identifiers:
            self.fields[
                "q"
            ].help_text = (
                "Their pseudonym, or exactly their name, email address, case number or date of birth (like 27/03/2014)."
            )


class ApiTokenForm(GovukForm):
    name = forms.CharField(
        label="What is the key for?",
        help_text="For example: Mosaic nightly export, or Aisha's analysis scripts.",
        max_length=100,
        error_messages={"required": "Say what the key is for"},
    )
    scopes = forms.MultipleChoiceField(
        label="What may it do?",
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select what the key may do"},
    )


class ExportForm(GovukForm):
    file_format = forms.ChoiceField(
        label="File type",
        choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("sav", "SPSS (.sav), with value labels")],
        widget=forms.RadioSelect,
        initial="csv",
    )
    layout = forms.ChoiceField(
        label="Layout",
        choices=[
            ("wide", "Wide: one row per participant, a column for each question in each wave"),
            ("long", "Long: one row per participant per wave"),
        ],
        widget=forms.RadioSelect,
        initial="wide",
    )
    identifiable = forms.ChoiceField(
        label="Include identifying details?",
        help_text="Only the data protection officer can download them, and the download is recorded.",
        choices=[("no", "No: pseudonyms only"), ("yes", "Yes: add names, emails, dates of birth and case numbers")],
        widget=forms.RadioSelect,
        initial="no",
    )

    def __init__(self, *args: Any, may_identify: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_identify:
            del self.fields["identifiable"]
