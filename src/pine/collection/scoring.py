"""Scoring a questionnaire: item values, reverse scoring, totals and subscales, the fewest answers for a score.

Pure functions over plain values, so the rules are tested without a database:

- An item's value is the number stored for its answer (a rating scale's point, a yes (1) or no (0), a chosen
  option's number, a number typed in). A reverse-scored item counts as `lowest + highest - value`.
- A score uses the items that count towards it. It is valid only when at least `min_answered` of them are
  answered (all of them when not set); otherwise it is missing, never a guess.
- A *mean* is the average of the answered items. A *sum* with some items unanswered (but enough for a valid
  score) is the average of the answered items times the number of items (prorated), so that people who
  skipped a question are not scored lower than people who answered it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class ItemLike(Protocol):
    code: str
    reverse_scored: bool

    @property
    def scale_range(self) -> tuple[float, float] | None: ...

    @property
    def in_score(self) -> bool: ...


@dataclass(frozen=True)
class Rule:
    """How one score is made: from which items, by which method, needing how many answers."""

    code: str
    label: str
    items: tuple[str, ...]
    method: str  # "sum" or "mean"
    min_answered: int | None = None

    @property
    def needed(self) -> int:
        if self.min_answered is None:
            return len(self.items)
        return max(1, min(self.min_answered, len(self.items)))


def item_value(item: ItemLike, raw: Any) -> float | None:
    """The number an answer counts as in a score, reversed where the item says so; None when unanswered."""
    if raw is None or raw == "" or isinstance(raw, bool | list | dict):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    if item.reverse_scored:
        bounds = item.scale_range
        if bounds is None:
            raise ValueError(f"Item {item.code} is reverse scored but has no lowest and highest value.")
        value = bounds[0] + bounds[1] - value
    return value


def score(rule: Rule, items: Mapping[str, ItemLike], answers: Mapping[str, Any]) -> float | None:
    """The score for one response, or None when too few of its items are answered."""
    if not rule.items:
        return None
    values = [v for v in (item_value(items[code], answers.get(code)) for code in rule.items) if v is not None]
    if len(values) < rule.needed:
        return None
    mean = sum(values) / len(values)
    if rule.method == "mean":
        return round(mean, 4)
    if len(values) == len(rule.items):
        return round(sum(values), 4)
    return round(mean * len(rule.items), 4)


def scores(rules: Iterable[Rule], items: Mapping[str, ItemLike], answers: Mapping[str, Any]) -> dict[str, Any]:
    return {rule.code: score(rule, items, answers) for rule in rules}


def rules_for(instrument: Any) -> list[Rule]:
    """The total score and the subscales of an instrument (a model with items and subscales prefetched)."""
    rules: list[Rule] = []
    items = list(instrument.items.all())
    if instrument.scoring != "none":
        counted = tuple(i.code for i in items if i.in_score)
        if counted:
            rules.append(
                Rule("total", f"{instrument.name}: total score", counted, instrument.scoring, instrument.min_answered)
            )
    for subscale in instrument.subscales.all():
        codes = tuple(i.code for i in sorted(subscale.items.all(), key=lambda i: (i.section_id, i.position, i.pk)))
        codes = tuple(c for c in codes if any(i.code == c and i.is_scorable for i in items))
        if codes:
            rules.append(Rule(subscale.code, subscale.name, codes, subscale.scoring, subscale.min_answered))
    return rules


def describe(rule: Rule, items: Mapping[str, ItemLike]) -> str:
    """The scoring rule in plain English, for the data dictionary and the builder."""
    reversed_codes = [c for c in rule.items if items[c].reverse_scored]
    method = "average (mean)" if rule.method == "mean" else "sum"
    needed = "all of them" if rule.needed == len(rule.items) else f"at least {rule.needed}"
    text = f"The {method} of {len(rule.items)} items ({', '.join(rule.items)}); needs {needed} answered."
    if rule.method == "sum" and rule.needed < len(rule.items):
        text += " With some unanswered, the sum is the mean of the answered items times the number of items."
    if reversed_codes:
        text += f" Reverse scored: {', '.join(reversed_codes)}."
    return text
