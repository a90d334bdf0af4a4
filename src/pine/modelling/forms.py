"""Questions and error messages for the theory of change, the evaluation plan, the calculator and measures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from pine.core.forms import GovukDateField, GovukForm
from pine.modelling.checks import analysis_problems, link_problem
from pine.modelling.models import (
    CHAIN,
    QUANTITATIVE_DESIGNS,
    DataSource,
    Design,
    Element,
    ElementKind,
    EvaluationPlan,
    Measure,
    PlanOutcome,
    PlanQuestion,
    Reporter,
    TimePoint,
)
from pine.modelling.vocabulary import METHOD_CHOICES, Groups
from pine.programme.models import Priority

# Theory of change


class ElementForm(GovukForm):
    kind = forms.ChoiceField(
        label="Which part of the theory of change is it?",
        choices=ElementKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select which part of the theory of change this is",
            "invalid_choice": "Select which part of the theory of change this is",
        },
    )
    text = forms.CharField(
        label="Statement",
        max_length=200,
        help_text="One short statement, like 'Social workers feel more confident assessing risk'. "
        "200 characters at most: add several elements rather than one long one.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Enter the statement",
            "max_length": "The statement must be 200 characters or fewer (add another element for the rest)",
        },
    )


def _element_choices(elements: list[Element], kinds: tuple[str, ...]) -> list[tuple[str, Any]]:
    groups: list[tuple[str, Any]] = [("", "Select an element")]
    for kind in kinds:
        options = [(str(e.pk), e.text) for e in elements if e.kind == kind]
        if options:
            groups.append((ElementKind(kind).label, options))
    return groups


GONE = "The element you chose is no longer in the theory of change: someone may have removed it. Choose again"


class LinkForm(GovukForm):
    source = forms.TypedChoiceField(
        label="This element…",
        coerce=int,
        help_text="An input, activity, output or outcome",
        error_messages={"required": "Select the element the link starts from", "invalid_choice": GONE},
    )
    target = forms.TypedChoiceField(
        label="…leads to",
        coerce=int,
        help_text="Something further to the right in the diagram: an output, an outcome or the impact",
        error_messages={"required": "Select what it leads to", "invalid_choice": GONE},
    )

    def __init__(self, *args: Any, elements: list[Element], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.elements = {e.pk: e for e in elements}
        self._choices("source", _element_choices(elements, CHAIN[:-1]))
        self._choices("target", _element_choices(elements, CHAIN[1:]))

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source, target = self.elements.get(data.get("source", 0)), self.elements.get(data.get("target", 0))
        if source and target:
            if source.pk == target.pk:
                self.add_error("target", "An element cannot lead to itself: choose a different one")
            else:
                problem = link_problem(source.kind, target.kind)
                if problem:
                    self.add_error("target", problem)
        return data


class ConfirmForm(GovukForm):
    """Removing something: nothing to ask before registration; afterwards, the reason (see PlanForm)."""


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


# Power and sample size

DESIGN_CHOICES = [
    ("paired", "Before and after, the same people (paired)"),
    ("two-group", "Two groups compared: averages of scores"),
    ("proportions", "Two groups compared: proportions (for example, yes or no)"),
    ("cluster", "Two groups of clusters (teams, schools or areas), compared on averages"),
]
SOLVE_CHOICES = [
    ("n", "The sample size needed"),
    ("effect_size", "The smallest effect the study can detect"),
    ("power", "The power of the study"),
    ("alpha", "The significance level"),
]


def _number(label: str, help_text: str, what: str, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal", "spellcheck": "false"}),
        error_messages={"invalid": f"{what} must be a number, like {help_text.split('like ')[-1].rstrip('.')}"},
    )


class CalculatorForm(GovukForm):
    design = forms.ChoiceField(
        label="What are you comparing?",
        choices=DESIGN_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you are comparing", "invalid_choice": "Select what you are comparing"},
    )
    solve_for = forms.ChoiceField(
        label="What do you want to work out?",
        choices=SOLVE_CHOICES,
        widget=forms.RadioSelect,
        initial="n",
        error_messages={"required": "Select what to work out", "invalid_choice": "Select what to work out"},
    )
    effect_size = _number(
        "Effect size (Cohen's d)",
        "The difference you hope to see, in standard deviations: 0.2 is small, 0.5 medium, 0.8 large; like 0.3",
        "Effect size",
    )
    p1 = _number(
        "For proportions: the proportion now, or in the comparison group",
        "As a decimal: 30% is 0.3; like 0.3",
        "The first proportion",
    )
    p2 = _number(
        "For proportions: the proportion you hope for with the intervention",
        "Not needed when working out the smallest effect; like 0.45",
        "The second proportion",
    )
    alpha = _number("Significance level (alpha)", "Usually 0.05; like 0.05", "The significance level")
    power = _number("Power", "The chance of finding the effect if it is there: usually 0.8 or 0.9; like 0.8", "Power")
    n = _number(
        "Sample size",
        "Pairs of measurements (before and after), or people in each group; like 60",
        "The sample size",
    )
    two_sided = forms.TypedChoiceField(
        label="Which direction of change does the test look for?",
        choices=[("yes", "Either direction (two-sided, usual)"), ("no", "Improvement only (one-sided)")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
        required=False,
        empty_value=True,  # type: ignore[arg-type]  # not chosen: two-sided, the usual test
        error_messages={"invalid_choice": "Select the direction"},
    )
    cluster_size = _number(
        "For clusters: people in each cluster",
        "The average number of people in a team or school; like 12",
        "Cluster size",
    )
    icc = _number(
        "For clusters: intra-cluster correlation (ICC)",
        "How alike people in the same cluster are, from 0 to 1; 0.05 is common; like 0.05",
        "The intra-cluster correlation",
    )
    attrition = _number(
        "Expected drop-out, as a percentage (optional)",
        "People who will not answer at follow-up; like 20",
        "Drop-out",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        design, solve = data.get("design"), data.get("solve_for")
        if design is None or solve is None:
            return data

        def need(name: str, message: str) -> Decimal | None:
            value = data.get(name)
            if value is None and name not in self.errors:
                self.add_error(name, message)
            return value

        if design == "proportions":
            p1 = need("p1", "Enter the proportion now, or in the comparison group")
            for name in ("p1", "p2"):
                value = data.get(name)
                if value is not None and not 0 < value < 1:
                    self.add_error(name, "A proportion must be between 0 and 1: 30% is 0.3")
            if solve != "effect_size":
                p2 = need("p2", "Enter the proportion you hope for with the intervention")
                if p1 is not None and p2 is not None and p1 == p2 and "p2" not in self.errors:
                    self.add_error("p2", "The two proportions must differ: the effect is the difference between them")
        elif solve != "effect_size":
            effect = need("effect_size", "Enter the effect size")
            if effect is not None and effect <= 0:
                self.add_error(
                    "effect_size",
                    "Effect size must be more than 0: enter the size of the difference without a minus sign, like 0.3",
                )
        if solve != "alpha":
            alpha = need("alpha", "Enter the significance level, like 0.05")
            if alpha is not None and not 0 < alpha < 1:
                self.add_error("alpha", "The significance level must be between 0 and 1, like 0.05")
        if solve != "power":
            value = need("power", "Enter the power, like 0.8")
            if value is not None and not 0 < value < 1:
                self.add_error("power", "Power must be between 0 and 1, like 0.8 for 80%")
        if solve != "n":
            n = need("n", "Enter the sample size")
            if n is not None and n < 2:
                self.add_error("n", "The sample size must be at least 2")
        if design == "cluster":
            size = need("cluster_size", "Enter the number of people in each cluster")
            icc = need("icc", "Enter the intra-cluster correlation, like 0.05")
            if size is not None and (size < 2 or size != size.to_integral_value()):
                self.add_error("cluster_size", "A cluster must have a whole number of people, at least 2")
            if icc is not None and not 0 <= icc < 1:
                self.add_error("icc", "The intra-cluster correlation must be 0 or more and less than 1, like 0.05")
            n = data.get("n")
            too_few = size is not None and n is not None and n < 2 * size
            if solve != "n" and too_few and "cluster_size" not in self.errors:
                self.add_error(
                    "cluster_size",
                    f"With {n:g} people in each group, clusters of {size:g} leave fewer than 2 clusters per "
                    "group: a cluster trial needs at least 2 in each",
                )
        attrition = data.get("attrition")
        if attrition is not None and not 0 <= attrition < 100:
            self.add_error("attrition", "Drop-out must be 0% or more and less than 100%")
        return data


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
