"""Charts for reports and pages as SVG strings (matplotlib, Agg backend; no display needed).

Each function takes a result from this package and returns the SVG text, with a title and axis labels so the
chart can be read without colour, and a `<title>` for screen readers.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from pine.stats.comparison import Ancova  # noqa: E402
from pine.stats.groups import TwoGroup  # noqa: E402
from pine.stats.meta import Meta  # noqa: E402

plt.rcParams["svg.hashsalt"] = "pine"  # stable ids, so the same result gives the same SVG


def _svg(fig: plt.Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def before_after(before: np.ndarray, after: np.ndarray, *, labels: tuple[str, str] = ("Before", "After")) -> str:
    """Box plots of the before and after distributions side by side, with each person's change as a thin line."""
    b, a = np.asarray(before, float), np.asarray(after, float)
    keep = ~(np.isnan(a) | np.isnan(b))
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.boxplot([b[keep], a[keep]], tick_labels=list(labels), widths=0.4)
    if keep.sum() <= 200:
        for y0, y1 in zip(b[keep], a[keep], strict=True):
            ax.plot([1, 2], [y0, y1], color="#b1b4b6", linewidth=0.6, zorder=0)
    ax.set_title("Before and after")
    ax.set_ylabel("Score")
    return _svg(fig)


def group_means(result: TwoGroup | Ancova) -> str:
    """Means (adjusted means for ANCOVA) of each group with their confidence intervals."""
    fig, ax = plt.subplots(figsize=(5, 4))
    if isinstance(result, Ancova):
        names = [str(m.level) for m in result.adjusted_means]
        means = [m.mean for m in result.adjusted_means]
        lows = [m.mean - m.ci_low for m in result.adjusted_means]
        highs = [m.ci_high - m.mean for m in result.adjusted_means]
        title = f"Adjusted means of {result.outcome}"
    else:
        names = [str(lv) for lv in result.levels]
        means = list(result.means)
        half = []
        from scipy import stats

        for sd, n in zip(result.sds, result.n_per_group, strict=True):
            half.append(float(stats.t.ppf(0.5 + result.conf_level / 2, n - 1)) * sd / np.sqrt(n))
        lows = highs = half
        title = f"Mean {result.outcome} by {result.group}"
    ax.errorbar(range(len(names)), means, yerr=[lows, highs], fmt="o", color="#1d70b8", capsize=6)
    ax.set_xticks(range(len(names)), names)
    ax.set_xlim(-0.5, len(names) - 0.5)
    ax.set_title(title)
    ax.set_ylabel("Mean with 95% confidence interval")
    return _svg(fig)


def forest(result: Meta, *, labels: list[str] | None = None) -> str:
    """Forest plot: each site's effect with its CI (marker size by weight) and the pooled estimate as a diamond."""
    k = result.k
    names = labels or [f"Site {i + 1}" for i in range(k)]
    y = np.asarray(result.effects)
    se = np.sqrt(np.asarray(result.variances))
    fig, ax = plt.subplots(figsize=(6, 0.35 * k + 1.5))
    rows = np.arange(k, 0, -1)
    ax.errorbar(y, rows, xerr=1.96 * se, fmt="none", ecolor="#0b0c0c", linewidth=1)
    ax.scatter(y, rows, s=20 + 2 * np.asarray(result.weights), marker="s", color="#1d70b8", zorder=3)
    ax.fill([result.ci_low, result.estimate, result.ci_high, result.estimate], [0, 0.3, 0, -0.3], color="#0b0c0c")
    ax.axvline(0, color="#b1b4b6", linewidth=0.8)
    ax.set_yticks([*rows, 0], [*names, f"Pooled ({result.model})"])
    ax.set_xlabel("Effect with 95% confidence interval")
    ax.set_title("Effects by site")
    return _svg(fig)
