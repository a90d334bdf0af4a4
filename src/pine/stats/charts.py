"""Charts for reports and pages as SVG strings (matplotlib's object-oriented Figure API; no display needed).

Each function takes a result from this package and returns the SVG text, with a title and axis labels so the
chart can be read without colour, and a `<title>` for screen readers.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from pine.stats.comparison import Ancova
from pine.stats.groups import TwoGroup
from pine.stats.meta import Meta

# Figures are made directly, not through pyplot: no global figure registry or backend switch, so charts can be
# drawn from several threads of a web server at once, and nothing needs closing. The SVG id salt is set once for
# the process (a constant: the same result gives the same SVG); setting it per chart with rc_context would race
# between threads, since matplotlib's settings are global.
matplotlib.rcParams["svg.hashsalt"] = "pine"


def _svg(fig: Figure, title: str) -> str:
    """The figure as SVG text, announced to screen readers as an image named `title`."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    root = re.search(r"<svg\b[^>]*>", svg)
    assert root is not None, "matplotlib wrote no <svg> element"
    tag = root.group(0)[:-1] + ' role="img">'
    return svg[: root.start()] + tag + f"<title>{escape(title)}</title>" + svg[root.end() :]


def before_after(before: np.ndarray, after: np.ndarray, *, labels: tuple[str, str] = ("Before", "After")) -> str:
    """Box plots of the before and after distributions side by side, with each person's change as a thin line."""
    b, a = np.asarray(before, float), np.asarray(after, float)
    keep = ~(np.isnan(a) | np.isnan(b))
    fig = Figure(figsize=(5, 4))
    ax = fig.subplots()
    ax.boxplot([b[keep], a[keep]], tick_labels=list(labels), widths=0.4)
    if keep.sum() <= 200:
        for y0, y1 in zip(b[keep], a[keep], strict=True):
            ax.plot([1, 2], [y0, y1], color="#b1b4b6", linewidth=0.6, zorder=0)
    ax.set_title("Before and after")
    ax.set_ylabel("Score")
    change = float(np.mean(a[keep] - b[keep])) if keep.any() else float("nan")
    return _svg(
        fig,
        f"Before and after: box plots of {int(keep.sum())} people's scores, {labels[0].lower()} and "
        f"{labels[1].lower()}; the mean change was {change:.2f}.",
    )


def group_means(result: TwoGroup | Ancova) -> str:
    """Means (adjusted means for ANCOVA) of each group with their confidence intervals."""
    fig = Figure(figsize=(5, 4))
    ax = fig.subplots()
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
    ax.set_ylabel(f"Mean with {result.conf_level:.0%} confidence interval")
    described = "; ".join(
        f"{name}: {mean:.2f} ({mean - low:.2f} to {mean + high:.2f})"
        for name, mean, low, high in zip(names, means, lows, highs, strict=True)
    )
    return _svg(fig, f"{title}, with {result.conf_level:.0%} confidence intervals. {described}.")


def forest(result: Meta, *, labels: list[str] | None = None) -> str:
    """Forest plot: each site's effect with its CI (marker size by weight) and the pooled estimate as a diamond."""
    k = result.k
    names = labels or [f"Site {i + 1}" for i in range(k)]
    y = np.asarray(result.effects)
    se = np.sqrt(np.asarray(result.variances))
    fig = Figure(figsize=(6, 0.35 * k + 1.5))
    ax = fig.subplots()
    rows = np.arange(k, 0, -1)
    ax.errorbar(y, rows, xerr=1.96 * se, fmt="none", ecolor="#0b0c0c", linewidth=1)
    ax.scatter(y, rows, s=20 + 2 * np.asarray(result.weights), marker="s", color="#1d70b8", zorder=3)
    ax.fill([result.ci_low, result.estimate, result.ci_high, result.estimate], [0, 0.3, 0, -0.3], color="#0b0c0c")
    ax.axvline(0, color="#b1b4b6", linewidth=0.8)
    ax.set_yticks([*rows, 0], [*names, f"Pooled ({result.model})"])
    ax.set_xlabel("Effect with 95% confidence interval")
    ax.set_title("Effects by site")
    return _svg(
        fig,
        f"Forest plot of {k} sites' effects with 95% confidence intervals; the pooled {result.model} estimate is "
        f"{result.estimate:.2f} ({result.ci_low:.2f} to {result.ci_high:.2f}).",
    )
