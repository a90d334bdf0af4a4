"""Questions and error messages for the theory of change."""

from __future__ import annotations

from typing import Any

from django import forms

from pine.core.forms import GovukForm
from pine.modelling.checks import link_problem
from pine.modelling.models import CHAIN, Element, ElementKind

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
