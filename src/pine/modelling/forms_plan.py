"""Questions and error messages for the evaluation plan."""

from __future__ import annotations

from typing import Any

from django import forms

from pine.core.forms import GovukDateField, GovukForm
from pine.modelling.checks import analysis_problems
from pine.modelling.models import (
    QUANTITATIVE_DESIGNS,
    DataSource,
    Design,
    Element,
    EvaluationPlan,
    Measure,
    PlanOutcome,
    PlanQuestion,
    Reporter,
    TimePoint,
)
from pine.modelling.vocabulary import METHOD_CHOICES, Groups

# Evaluation plan

REASON_LABEL = "Why are you changing the registered plan?"
REASON_HINT = (
    "The plan was registered at the checkpoint. Your reason is kept with the new version, and the report lists "
    "the change as a deviation from the registered plan."
)


class PlanForm(GovukForm):
    """A plan form: once the plan is registered, every change also asks why."""

    def __init__(self, *args: Any, registered: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if registered:
            self.fields["reason"] = forms.CharField(
                label=REASON_LABEL,
                help_text=REASON_HINT,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={
                    "required": "Say why you are changing the registered plan",
                    "max_length": "The reason must be 2,000 characters or fewer",
                },
            )

    @property
    def reason(self) -> str:
        return str(self.cleaned_data.get("reason", ""))


class RemoveForm(PlanForm):
    pass


def _checkbox_multiple(label: str, choices: Any, required: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": required, "invalid_choice": required},
    )


class QuestionForm(PlanForm):
    text = forms.CharField(
        label="Evaluation question",
        max_length=300,
        help_text="What you want to find out, as a question: 'Do social workers feel more confident assessing "
        "risk after the themed weeks?'",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Enter the evaluation question",
            "max_length": "The question must be 300 characters or fewer",
        },
    )
    outcomes = forms.ModelMultipleChoiceField(
        label="Which outcomes of your theory of change does it ask about?",
        queryset=Element.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={
            "required": "Select at least one outcome the question asks about",
            "invalid_choice": "An outcome you chose is no longer in the theory of change. Choose again",
            "invalid_pk_value": "Select outcomes from the list",
        },
    )

    def __init__(self, *args: Any, outcomes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["outcomes"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = outcomes


class PlanOutcomeForm(PlanForm):
    outcome = forms.ModelChoiceField(
        label="Outcome",
        queryset=Element.objects.none(),
        empty_label="Select an outcome",
        help_text="From your theory of change",
        error_messages={
            "required": "Select the outcome to measure",
            "invalid_choice": "That outcome is no longer in the theory of change. Choose again",
        },
    )
    measure = forms.ModelChoiceField(
        label="Measure",
        queryset=Measure.objects.none(),
        empty_label="Select a measure",
        help_text="A questionnaire, scale or record from the measures library. Add your own measure to the "
        "library first if it is not there.",
        error_messages={"required": "Select the measure", "invalid_choice": "Select a measure from the list"},
    )
    reported_by = forms.ChoiceField(
        label="Who reports it?",
        choices=Reporter.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who reports it", "invalid_choice": "Select who reports it"},
    )
    time_points = _checkbox_multiple(
        "When is it measured?",
        TimePoint.choices,
        "Select when it is measured",
        "Select all that apply. To show change, measure before the intervention (baseline) and after it.",
    )
    scoring = forms.CharField(
        label="How is it scored? (optional)",
        required=False,
        max_length=2000,
        help_text="Leave blank to use the measure's own scoring, from the library",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "The scoring must be 2,000 characters or fewer"},
    )

    def __init__(self, *args: Any, outcomes: Any, measures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("outcome", outcomes), ("measure", measures)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("measure") is not None and not data.get("scoring", "").strip():
            data["scoring"] = data["measure"].scoring
        return data


class DesignForm(PlanForm):
    design = forms.ChoiceField(
        label="Which design will the evaluation use?",
        choices=Design.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the design", "invalid_choice": "Select the design"},
    )
    mixed_quantitative_design = forms.ChoiceField(
        label="If mixed methods: which design does the numbers part use?",
        choices=[("", "Not mixed methods"), *QUANTITATIVE_DESIGNS],
        required=False,
        error_messages={"invalid_choice": "Select a design for the numbers part"},
    )
    design_reasons = forms.CharField(
        label="Why this design?",
        help_text="What makes it the right one for your questions, and what stops you using a stronger one (for "
        "example, everyone must receive the intervention, so nobody can be randomly left out).",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Give the reasons for this design",
            "max_length": "The reasons must be 5,000 characters or fewer",
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("design") == Design.MIXED and not data.get("mixed_quantitative_design"):
            self.add_error("mixed_quantitative_design", "Select the design of the numbers part of the mixed methods")
        return data


def _count(label: str, help_text: str, what: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=1,
        max_value=1_000_000,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": f"{what} must be a whole number, like 60",
            "min_value": f"{what} must be at least 1",
            "max_value": f"{what} must be 1,000,000 or fewer",
        },
    )


class ParticipantsForm(PlanForm):
    participants = forms.CharField(
        label="Who will take part, and how will they be recruited?",
        help_text="For example: 'All 60 social workers in the four intervention teams are invited by email; taking "
        "part is voluntary.'",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Describe who will take part",
            "max_length": "The description must be 5,000 characters or fewer",
        },
    )
    comparison_group = forms.CharField(
        label="Who is the comparison group? (if your design has one)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The description must be 3,000 characters or fewer"},
    )
    sample_size_intervention = _count(
        "Planned number of participants (intervention group)", "People (or pairs of measurements)", "The number"
    )
    sample_size_comparison = _count(
        "Planned number in the comparison group (if there is one)", "People", "The comparison group's number"
    )
    sample_size_basis = forms.CharField(
        label="How did you work out the sample size? (optional)",
        required=False,
        max_length=3000,
        help_text="The sample size calculator fills this in for you",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The explanation must be 3,000 characters or fewer"},
    )

    def __init__(self, *args: Any, design: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.design = design

    def clean(self) -> dict[str, Any]:
        from pine.modelling.vocabulary import design_has_groups

        data = super().clean() or {}
        if design_has_groups(self.design):
            if not data.get("comparison_group", "").strip() and "comparison_group" not in self.errors:
                self.add_error("comparison_group", "Describe the comparison group: your design has one")
        elif data.get("sample_size_comparison") and self.design:
            self.add_error("sample_size_comparison", "Your design has no comparison group: leave this blank")
        return data


class DataSourcesForm(PlanForm):
    data_sources = _checkbox_multiple(
        "Where will the data come from?",
        DataSource.choices,
        "Select at least one source of data",
        "Select all that apply",
    )
    data_sources_detail = forms.CharField(
        label="More about the data (optional)",
        required=False,
        max_length=3000,
        help_text="For example, which case records, how interviews are arranged, how surveys are sent",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The description must be 3,000 characters or fewer"},
    )


class SharingForm(PlanForm):
    sharing = forms.CharField(
        label="How will you share the findings?",
        help_text="Who needs to hear them (staff, families, leaders, other councils) and how: a report, a "
        "briefing, a practice week, the programme's public page",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Say how you will share the findings",
            "max_length": "The description must be 5,000 characters or fewer",
        },
    )


class AnalysisForm(PlanForm):
    question = forms.ModelChoiceField(
        label="Which question does it answer?",
        queryset=PlanQuestion.objects.none(),
        empty_label="Select a question",
        error_messages={"required": "Select the question", "invalid_choice": "Select a question from the list"},
    )
    outcome = forms.ModelChoiceField(
        label="Which outcome measure does it use?",
        queryset=PlanOutcome.objects.none(),
        required=False,
        empty_label="None (thematic analysis of interviews or focus groups)",
        error_messages={"invalid_choice": "Select an outcome measure from the list"},
    )
    method = forms.ChoiceField(
        label="Which analysis?",
        choices=METHOD_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the analysis", "invalid_choice": "Select the analysis"},
    )
    groups = forms.ChoiceField(
        label="Which groups?",
        choices=Groups.CHOICES,
        widget=forms.RadioSelect,
        initial=Groups.NONE,
        error_messages={"required": "Select the groups", "invalid_choice": "Select the groups"},
    )
    time_points = forms.MultipleChoiceField(
        label="Which time points? (not needed for thematic analysis)",
        choices=TimePoint.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select time points from the list"},
    )
    notes = forms.CharField(
        label="Anything else about the analysis (optional)",
        required=False,
        max_length=3000,
        help_text="For example, factors to allow for, or how missing answers are handled",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The notes must be 3,000 characters or fewer"},
    )

    def __init__(self, *args: Any, plan: EvaluationPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        question = self.fields["question"]
        outcome = self.fields["outcome"]
        assert isinstance(question, forms.ModelChoiceField) and isinstance(outcome, forms.ModelChoiceField)
        question.queryset = plan.questions.all()
        outcome.queryset = plan.outcomes.select_related("outcome", "measure")
        outcome.label_from_instance = lambda o: f"{o.outcome.text} ({o.measure.name})"  # type: ignore[method-assign, assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and data.get("method"):
            outcome = data.get("outcome")
            for name, message in analysis_problems(
                method=data["method"],
                groups=data.get("groups", Groups.NONE),
                time_points=list(data.get("time_points", [])),
                outcome_time_points=outcome.time_points if outcome else None,
                design=self.plan.design,
                quantitative_design=self.plan.quantitative_design,
            ):
                if name not in self.errors:
                    self.add_error(name, message)
        return data


class MilestoneForm(PlanForm):
    due = GovukDateField(label="Date", help_text="For example, 30 9 2027")
    what = forms.CharField(
        label="What happens",
        max_length=300,
        help_text="For example, 'Baseline survey sent to all social workers'",
        error_messages={"required": "Enter what happens", "max_length": "This must be 300 characters or fewer"},
    )


class RiskForm(PlanForm):
    risk = forms.CharField(
        label="Risk",
        max_length=300,
        help_text="What could stop the evaluation giving a clear answer, like 'Few people answer the follow-up'",
        error_messages={"required": "Enter the risk", "max_length": "The risk must be 300 characters or fewer"},
    )
    mitigation = forms.CharField(
        label="How you will reduce it",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say how you will reduce the risk",
            "max_length": "This must be 3,000 characters or fewer",
        },
    )
