"""Plain-English sentences for results.

Rules every sentence follows: the confidence interval comes before the p-value; a result that is not
statistically significant is "no clear evidence of a difference", never "no difference"; designs without a
comparison group never get causal words ("caused", "effect of", "led to"), only "changed" and "was associated
with".
"""

from __future__ import annotations

import math

CAUSAL_WORDS = ("caused", "because of", "led to", "effect of", "impact of", "resulted in")


def num(x: float, digits: int = 3) -> str:
    """A number for prose: 3 significant digits, no exponent for everyday sizes."""
    if x is None or not math.isfinite(x):
        return "undefined" if x is None or math.isnan(x) else ("infinity" if x > 0 else "minus infinity")
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e6:
        places = max(0, digits - 1 - int(math.floor(math.log10(abs(x)))))
        return f"{x:.{places}f}"
    return f"{x:.{digits - 1}e}"


def pval(p: float) -> str:
    if p is None or not math.isfinite(p):
        return "p undefined"
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}"


def ci(low: float, high: float, conf_level: float) -> str:
    return f"{num(conf_level * 100, 2)}% confidence interval {num(low)} to {num(high)}"


def evidence(p: float, alpha: float = 0.05) -> str:
    """The verdict in words: evidence, or no clear evidence, never 'no difference'."""
    if p is None or not math.isfinite(p):
        return "the test could not be computed"
    if p < alpha:
        return "this is statistically significant evidence of a difference"
    return "there is no clear evidence of a difference (which is not the same as evidence of no difference)"


def prepost_caveat() -> str:
    return (
        "Without a comparison group this shows change over time, not that the service caused it: other things "
        "that happened over the same period could explain some or all of the change."
    )


def observational_caveat() -> str:
    return (
        "The groups were not allocated at random, so differences between them may reflect who was in each group "
        "rather than what they received."
    )


def small_sample(n: int, threshold: int = 20) -> str:
    return f" With only {n} people the estimate is imprecise." if n < threshold else ""
