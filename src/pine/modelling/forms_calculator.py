"""Questions and error messages for the power and sample size calculator."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from pine.core.forms import GovukForm
from pine.modelling.forms_plan import PlanForm
from pine.stats.benchmarks import benchmarks_hint

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
        f"The difference you hope to see, in standard deviations: {benchmarks_hint()}; like 0.3",
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


class SampleSizeChangeForm(PlanForm):
    """Confirming that the calculator's numbers replace a registered plan's sample size: it asks why. The plan's
    version the person compared against comes back hidden, so a change made meanwhile is not overwritten."""

    version = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={"required": "Check the values again", "invalid": "Check the values again"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, registered=True, **kwargs)
