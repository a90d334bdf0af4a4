"""Effect sizes are put into words with Cohen's benchmarks (0.2 small, 0.5 medium, 0.8 large), in one place."""

from __future__ import annotations

import pytest

from pine.modelling.calculator import Question, calculate
from pine.modelling.forms_calculator import CalculatorForm
from pine.stats.benchmarks import benchmarks_hint, effect_size_words


@pytest.mark.parametrize(
    ("size", "words"),
    [
        (0.1, "smaller than what Cohen called small (0.2)"),
        (0.2, "about what Cohen called small (0.2)"),
        (0.3, "between what Cohen called small (0.2) and medium (0.5)"),
        (0.45, "about what Cohen called medium (0.5)"),
        (-0.5, "about what Cohen called medium (0.5)"),
        (0.65, "between what Cohen called medium (0.5) and large (0.8)"),
        (0.8, "about what Cohen called large (0.8)"),
        (1.2, "larger than what Cohen called large (0.8)"),
    ],
)
def test_effect_size_words_follow_cohens_benchmarks(size: float, words: str) -> None:
    """Each size is named against the benchmark it is near, or the two it lies between."""
    assert effect_size_words(size) == words


def test_calculator_never_calls_an_effect_near_medium_small() -> None:
    """The smallest detectable effect of 0.45 is described with the same benchmarks as the form's hint."""
    answer = calculate(Question("two-group", "effect_size", n=80, power=0.8))
    assert 0.44 < answer.effect_size < 0.46
    assert "about what Cohen called medium (0.5)" in answer.headline
    assert "a small effect" not in " ".join([answer.headline, *answer.explanation])
    assert benchmarks_hint() in str(CalculatorForm().fields["effect_size"].help_text)
