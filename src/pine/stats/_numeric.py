"""Numerical building blocks of `pine.stats`: distribution functions, intervals, means and variances.

Distribution functions come from `scipy.special` (the same code scipy.stats calls, without its per-call overhead,
which matters when a method calls them dozens of times); means and variances avoid temporary arrays so that a
million rows cost a few passes over memory.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, special


def accurate_mean(x: np.ndarray) -> float:
    """Mean with one refinement pass, so a large common offset (NIST NumAcc) costs no digits."""
    m = float(np.mean(x))
    return m + float(np.mean(x - m))


def p_from_t(t: float, df: float, alternative: str) -> float:
    # scipy.special directly: the same numbers as scipy.stats' t, without ~25 µs of overhead per call.
    if alternative == "less":
        return float(special.stdtr(df, t))
    if alternative == "greater":
        return float(special.stdtr(df, -t))
    return float(2 * special.stdtr(df, -abs(t)))


def p_from_z(z: float, alternative: str) -> float:
    if alternative == "less":
        return float(special.ndtr(z))
    if alternative == "greater":
        return float(special.ndtr(-z))
    return float(2 * special.ndtr(-abs(z)))


def t_quantile(p: float, df: float) -> float:
    return float(special.stdtrit(df, p))


def z_quantile(p: float) -> float:
    return float(special.ndtri(p))


def interval(estimate: float, se: float, df: float | None, conf_level: float, alternative: str) -> tuple[float, float]:
    """Wald interval estimate ± q·se from t with `df` (normal when df is None), one-sided where the alternative is."""

    def q(p: float) -> float:
        return z_quantile(p) if df is None else t_quantile(p, df)

    if alternative == "two-sided":
        half = q(0.5 + conf_level / 2) * se
        return estimate - half, estimate + half
    if alternative == "less":
        return -math.inf, estimate + q(conf_level) * se
    return estimate - q(conf_level) * se, math.inf


def nct_cdf(t: float, df: float, ncp: float) -> float:
    """P(T <= t) for a noncentral t, robust to scipy's failures deep in the tails.

    scipy's series returns NaN (or a value outside [0, 1]) when the probability underflows, e.g. t = −3 with
    df = 3 and ncp ≈ 8.6. The same probability is tried as the upper tail of −T (ncp → −ncp); if that fails
    too, the true value is beyond double precision's reach of 0 or 1, and which one follows from monotonicity:
    the CDF falls from 1 to 0 as ncp grows, so it is ~0 for ncp above t and ~1 below.
    """
    p = float(special.nctdtr(df, ncp, t))
    if not 0.0 <= p <= 1.0:
        p = 1.0 - float(special.nctdtr(df, -ncp, -t))
    if not 0.0 <= p <= 1.0:
        p = 0.0 if ncp > t else 1.0
    return p


def nct_interval(t: float, df: float, conf_level: float) -> tuple[float, float]:
    """Two-sided CI for the noncentrality parameter of a t statistic, by inverting the noncentral t CDF.

    This is the interval effectsize (R) and Steiger & Fouladi (1997) use for standardised mean differences;
    multiply by the scale (e.g. sqrt(1/n1 + 1/n2)) to get the CI for d. Each bound is bracketed by stepping
    out from the normal approximation t ± z·sqrt(1 + t²/(2·df)) (the CDF is monotone in ncp, so a sign change
    is certain) and then found by Brent's method.
    """
    alpha = 1 - conf_level
    spread = math.sqrt(1 + t * t / (2 * df))
    step = z_quantile(1 - alpha / 4) * spread + 1

    def bound(target: float, guess: float) -> float:
        def f(ncp: float) -> float:
            return nct_cdf(t, df, ncp) - target

        lo, hi = guess - step, guess + step
        for _ in range(200):
            if f(lo) >= 0:
                break
            lo -= step
        for _ in range(200):
            if f(hi) <= 0:
                break
            hi += step
        return float(optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-12))

    z = z_quantile(1 - alpha / 2)
    return bound(1 - alpha / 2, t - z * spread), bound(alpha / 2, t + z * spread)


def hedges_j(df: float) -> float:
    """Exact small-sample correction J = Γ(df/2) / (sqrt(df/2) Γ((df−1)/2)) (Hedges 1981)."""
    return math.exp(math.lgamma(df / 2) - math.lgamma((df - 1) / 2)) / math.sqrt(df / 2)


def dot(x: np.ndarray, y: np.ndarray) -> float:
    """Σ x·y for 1-D arrays in numpy's own single-threaded loop. BLAS's threaded dot is quicker on an idle machine
    but stalls waiting for a free core on a busy one (a web server's), which made timings swing threefold."""
    return float(np.einsum("i,i->", x, y))


def mean_var(x: np.ndarray) -> tuple[float, float]:
    """Mean and sample variance from the sum and the dot product: two passes, no temporary array.

    The shortcut Σx² − n·x̄² loses digits only when the spread is tiny beside the mean (NIST's NumAcc data);
    then, and only then, the two-pass formula on deviations from an accurate mean is used instead.
    """
    n = len(x)
    total = float(x.sum())
    mean = total / n
    if n < 2:
        return mean, math.nan
    sq = dot(x, x)
    ss = sq - total * mean
    if not ss > 1e-6 * sq:
        mean = accurate_mean(x)
        dev = x - mean
        ss = dot(dev, dev)
    return mean, max(ss, 0.0) / (n - 1)
