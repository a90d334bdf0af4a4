"""Cohen's benchmarks for a standardised difference (d, d_z, g or h): the one place PINE names effect sizes.

Cohen (1988) called 0.2 small, 0.5 medium and 0.8 large. Every page, hint and sentence that puts a word to an
effect size uses these, so a calculator answer never calls 0.45 "small" next to a hint that 0.5 is medium.
"""

from __future__ import annotations

COHEN_BENCHMARKS: tuple[tuple[float, str], ...] = ((0.2, "small"), (0.5, "medium"), (0.8, "large"))
# Within this distance of a benchmark, an effect is "about" that size.
_NEAR = 0.05


def benchmarks_hint() -> str:
    """'0.2 is small, 0.5 medium, 0.8 large', for form hints."""
    (first, first_word), *rest = COHEN_BENCHMARKS
    return f"{first:g} is {first_word}, " + ", ".join(f"{value:g} {word}" for value, word in rest)


def effect_size_words(effect_size: float) -> str:
    """Plain words for a standardised effect's size, e.g. 'about medium (0.5)' or 'between small (0.2) and
    medium (0.5)', for the phrase 'an effect of 0.45 standard deviations, ____'."""
    # Judged on the two decimals people are shown, so the words always match the number beside them.
    size = round(abs(effect_size), 2)
    for value, word in COHEN_BENCHMARKS:
        if abs(size - value) <= _NEAR + 1e-9:
            return f"about what Cohen called {word} ({value:g})"
    (lowest, lowest_word), (highest, highest_word) = COHEN_BENCHMARKS[0], COHEN_BENCHMARKS[-1]
    if size < lowest:
        return f"smaller than what Cohen called {lowest_word} ({lowest:g})"
    if size > highest:
        return f"larger than what Cohen called {highest_word} ({highest:g})"
    for (low, low_word), (high, high_word) in zip(COHEN_BENCHMARKS, COHEN_BENCHMARKS[1:], strict=False):
        if low < size < high:
            return f"between what Cohen called {low_word} ({low:g}) and {high_word} ({high:g})"
    raise AssertionError("unreachable: every size is below, near, between or above the benchmarks")
