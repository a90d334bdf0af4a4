"""The conditional maximum-likelihood odds ratio and its exact CI for a 2×2 table, as R's `fisher.test`.

scipy's `odds_ratio(kind="conditional")` solves the same equations to full precision, but R stops its root
search (`uniroot`) at tolerance 1.2e-4, so R's printed bounds differ from scipy's in the third digit. Reports
are compared with R, so the search is ported: the noncentral hypergeometric helpers follow R's fisher.test
source, and `zeroin` is R's Brent root finder (src/library/stats/src/zeroin.c), step for step. Results are
within R's tolerance of the exact root either way.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

import numpy as np
from scipy import stats

EPS = sys.float_info.epsilon
R_TOL = EPS**0.25


def zeroin(f: Callable[[float], float], ax: float, bx: float, tol: float = R_TOL, maxit: int = 1000) -> float:
    """R's `uniroot(f, c(ax, bx))$root`: Brent's method exactly as R_zeroin2."""
    fa, fb = f(ax), f(bx)
    if fa * fb > 0:
        raise ValueError("f() values at end points not of opposite sign")
    a, b = ax, bx
    c, fc = a, fa
    if fa == 0:
        return a
    if fb == 0:
        return b
    for _ in range(maxit + 1):
        prev_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * EPS * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tol_act * q) / 2) and p < abs(prev_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    return b


class Conditional:
    """Noncentral hypergeometric distribution of the [0, 0] cell given the margins (R's fisher.test helpers)."""

    def __init__(self, table: np.ndarray) -> None:
        self.x = int(table[0, 0])
        self.m = int(table[:, 0].sum())
        self.n = int(table[:, 1].sum())
        self.k = int(table[0, :].sum())
        self.lo = max(0, self.k - self.n)
        self.hi = min(self.k, self.m)
        self.support = np.arange(self.lo, self.hi + 1)
        self.logdc = stats.hypergeom.logpmf(self.support, self.m + self.n, self.m, self.k)

    def density(self, ncp: float) -> np.ndarray:
        d = self.logdc + math.log(ncp) * self.support
        d = np.exp(d - d.max())
        return d / d.sum()

    def mean(self, ncp: float) -> float:
        if ncp == 0:
            return self.lo
        if ncp == math.inf:
            return self.hi
        return float(np.sum(self.support * self.density(ncp)))

    def cdf(self, q: int, ncp: float, upper: bool = False) -> float:
        if ncp == 1:
            dist = stats.hypergeom(self.m + self.n, self.m, self.k)
            return float(dist.sf(self.x - 1) if upper else dist.cdf(self.x))
        if ncp == 0:
            return float(q <= self.lo if upper else q >= self.lo)
        if ncp == math.inf:
            return float(q <= self.hi if upper else q >= self.hi)
        d = self.density(ncp)
        return float(d[self.support >= q].sum() if upper else d[self.support <= q].sum())

    def mle(self) -> float:
        x = self.x
        if x == self.lo:
            return 0.0
        if x == self.hi:
            return math.inf
        mu = self.mean(1)
        if mu > x:
            return zeroin(lambda t: self.mean(t) - x, 0, 1)
        if mu < x:
            return 1 / zeroin(lambda t: self.mean(1 / t) - x, EPS, 1)
        return 1.0

    def upper_bound(self, alpha: float) -> float:
        x = self.x
        if x == self.hi:
            return math.inf
        p = self.cdf(x, 1)
        if p < alpha:
            return zeroin(lambda t: self.cdf(x, t) - alpha, 0, 1)
        if p > alpha:
            return 1 / zeroin(lambda t: self.cdf(x, 1 / t) - alpha, EPS, 1)
        return 1.0

    def lower_bound(self, alpha: float) -> float:
        x = self.x
        if x == self.lo:
            return 0.0
        p = self.cdf(x, 1, upper=True)
        if p > alpha:
            return zeroin(lambda t: self.cdf(x, t, upper=True) - alpha, 0, 1)
        if p < alpha:
            return 1 / zeroin(lambda t: self.cdf(x, 1 / t, upper=True) - alpha, EPS, 1)
        return 1.0

    def interval(self, conf_level: float, alternative: str) -> tuple[float, float]:
        if alternative == "less":
            return 0.0, self.upper_bound(1 - conf_level)
        if alternative == "greater":
            return self.lower_bound(1 - conf_level), math.inf
        alpha = (1 - conf_level) / 2
        return self.lower_bound(alpha), self.upper_bound(alpha)
