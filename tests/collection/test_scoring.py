"""Scoring rules, without a database: item values, reverse scoring, sums, means, subscales, fewest answers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pine.collection import scoring
from pine.collection.scoring import Rule


@dataclass
class FakeItem:
    code: str
    reverse_scored: bool = False
    low: float = 1
    high: float = 5
    in_score: bool = True

    @property
    def scale_range(self) -> tuple[float, float] | None:
        return (self.low, self.high)


ITEMS = {
    "q1": FakeItem("q1"),
    "q2": FakeItem("q2"),
    "q3": FakeItem("q3"),
    "q4": FakeItem("q4", reverse_scored=True),
}


def test_a_sum_adds_the_item_values_with_reversed_items_turned_round() -> None:
    rule = Rule("total", "Total", ("q1", "q2", "q3", "q4"), "sum")
    # q4 = 2 on a 1–5 scale counts as 1 + 5 - 2 = 4.
    assert scoring.score(rule, ITEMS, {"q1": 4, "q2": 5, "q3": 3, "q4": 2}) == 16


def test_a_mean_is_the_average_of_answered_items() -> None:
    rule = Rule("total", "Total", ("q1", "q2", "q3"), "mean", min_answered=2)
    assert scoring.score(rule, ITEMS, {"q1": 4, "q2": 5}) == 4.5


def test_a_score_needs_every_item_unless_a_minimum_is_set() -> None:
    rule = Rule("total", "Total", ("q1", "q2", "q3"), "sum")
    assert scoring.score(rule, ITEMS, {"q1": 4, "q2": 5}) is None
    assert scoring.score(rule, ITEMS, {"q1": 4, "q2": 5, "q3": 1}) == 10


def test_a_sum_with_missing_items_but_enough_answered_is_prorated() -> None:
    """Someone who skipped a question is not scored lower for it: mean of answered times the number of items."""
    rule = Rule("total", "Total", ("q1", "q2", "q3", "q4"), "sum", min_answered=3)
    assert scoring.score(rule, ITEMS, {"q1": 4, "q2": 5, "q3": 3}) == 16  # mean 4 × 4 items
    assert scoring.score(rule, ITEMS, {"q1": 4, "q2": 5}) is None  # fewer than 3 answered


def test_a_subscale_scores_only_its_own_items() -> None:
    rules = [
        Rule("total", "Total", ("q1", "q2", "q3", "q4"), "sum"),
        Rule("confidence", "Confidence", ("q1", "q2"), "mean"),
    ]
    scores = scoring.scores(rules, ITEMS, {"q1": 2, "q2": 3, "q3": 5, "q4": 5})
    assert scores == {"total": 11, "confidence": 2.5}


@pytest.mark.parametrize("missing", [None, "", [], True, "not a number"])
def test_unanswered_or_non_numeric_values_do_not_count(missing: object) -> None:
    assert scoring.item_value(ITEMS["q1"], missing) is None


def test_a_scale_starting_at_zero_reverses_around_its_own_ends() -> None:
    item = FakeItem("q", reverse_scored=True, low=0, high=3)
    assert [scoring.item_value(item, v) for v in (0, 1, 2, 3)] == [3, 2, 1, 0]


def test_the_rule_is_described_in_plain_english_for_the_data_dictionary() -> None:
    rule = Rule("total", "Total", ("q1", "q2", "q3", "q4"), "sum", min_answered=3)
    text = scoring.describe(rule, ITEMS)
    assert "sum of 4 items (q1, q2, q3, q4)" in text
    assert "at least 3 answered" in text and "Reverse scored: q4" in text and "mean of the answered items" in text
