"""Meta-analysis across sites: fixed effect, DerSimonian-Laird, REML and Paule-Mandel, as R's metafor `rma()`.

Written out rather than taken from statsmodels (`combine_effects` has no REML) so that every figure follows
metafor: REML τ² by Fisher scoring, τ²'s standard error, I² = τ²/(τ² + s²) with metafor's "typical" sampling
variance s² = (k − 1)/tr(P), H² = τ²/s² + 1, the prediction interval μ ± z·sqrt(SE² + τ²), and the optional
Knapp-Hartung adjustment (t with k − 1 df). With one intercept the matrix formulas reduce to the sums below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, stats

from pine.stats import summary as say
from pine.stats._base import Data, Dropped, Result, StatsInputError, check_level, column, complete, numeric

METHODS = ("REML", "DL", "FE", "PM")


@dataclass(frozen=True)
class Meta(Result):
    """`i2` is a percentage (0–100), as metafor prints it; `statistic` is z (t with Knapp-Hartung)."""

    method: str
    model: str
    test: str
    conf_level: float
    k: int
    n: int
    n_dropped: int
    dropped: tuple[Dropped, ...]
    estimate: float
    se: float
    statistic: float
    df: float | None
    p_value: float
    ci_low: float
    ci_high: float
    tau2: float
    se_tau2: float | None
    tau: float
    i2: float
    h2: float
    q: float
    q_df: float
    q_p_value: float
    pi_low: float
    pi_high: float
    weights: tuple[float, ...]
    effects: tuple[float, ...]
    variances: tuple[float, ...]
    warnings: tuple[str, ...]
    summary: str


def _p_sums(w: np.ndarray) -> tuple[float, float, float]:
    """sum(w), tr(P) and sum(P∘P) for P = W − W 1 (1'W1)⁻¹ 1'W."""
    sw, sw2 = float(w.sum()), float(w @ w)
    return sw, sw - sw2 / sw, sw2 - 2 * float(w @ (w * w)) / sw + (sw2 / sw) ** 2


def _reml(y: np.ndarray, v: np.ndarray, start: float) -> float:
    """REML τ² by Fisher scoring with step halving at the boundary (metafor's algorithm), to 1e-12."""
    tau2 = max(start, 0.0)
    for _ in range(1000):
        w = 1.0 / (v + tau2)
        sw, tr_p, sum_pp = _p_sums(w)
        r = y - float(w @ y) / sw
        wr = w * r
        adj = (float(wr @ wr) - tr_p) / sum_pp
        while tau2 + adj < 0:
            adj /= 2
            if abs(adj) < 1e-15:
                adj = -tau2
                break
        tau2 += adj
        if abs(adj) < 1e-12 * max(1.0, tau2):
            return tau2
    raise StatsInputError("the REML estimate of tau² did not converge; try --method DL")


def meta(
    effect: Any,
    *,
    se: Any = None,
    variance: Any = None,
    data: Data = None,
    method: str = "REML",
    conf_level: float = 0.95,
    knapp_hartung: bool = False,
) -> Meta:
    """Pool site effects given with their standard errors (`se`) or variances (`variance`).

    `method` is REML (default, metafor's), DL (DerSimonian-Laird), PM (Paule-Mandel) or FE (fixed effect,
    τ² = 0). Q is always the fixed-effect Cochran's Q with k − 1 df.
    """
    check_level(conf_level)
    method = method.upper()
    if method not in METHODS:
        raise StatsInputError(f"method must be one of {', '.join(METHODS)}, not '{method}'")
    if (se is None) == (variance is None):
        raise StatsInputError("give either standard errors or variances, not both or neither")
    raw_y, ly = column(data, effect, "effect")
    y = numeric(raw_y, ly)
    raw_s, ls = column(data, se if se is not None else variance, "se" if se is not None else "variance")
    s = numeric(raw_s, ls)
    if len(s) != len(y):
        raise StatsInputError(f"'{ls}' has {len(s)} values but '{ly}' has {len(y)}")
    keep, dropped = complete({ly: y, ls: s})
    if keep is not None:
        y, s = y[keep], s[keep]
    bad = s <= 0
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) if keep is None else int(np.flatnonzero(keep)[np.flatnonzero(bad)[0]])
        raise StatsInputError(
            f"column '{ls}': row {row + 1} is {s[bad][0]}; standard errors and variances must be positive"
        )
    v = s * s if se is not None else s
    k = len(y)
    if k < 2:
        raise StatsInputError(f"column '{ly}' has {k} site(s) with values; at least 2 are needed")
    w = 1.0 / v
    sw, tr_p, sum_pp = _p_sums(w)
    mu_fe = float(w @ y) / sw
    r = y - mu_fe
    q = float(w @ (r * r))
    q_df = k - 1
    q_p = float(stats.chi2.sf(q, q_df))
    tau2_dl = max(0.0, (q - q_df) / tr_p)
    se_tau2: float | None = None
    if method == "FE":
        tau2 = 0.0
    elif method == "DL":
        tau2 = tau2_dl
        se_tau2 = math.sqrt((2 * q_df + 4 * tau2 * tr_p + 2 * tau2 * tau2 * sum_pp) / (tr_p * tr_p))
    elif method == "REML":
        tau2 = _reml(y, v, tau2_dl)
        se_tau2 = math.sqrt(2 / _p_sums(1.0 / (v + tau2))[2])
    else:

        def excess(t2: float) -> float:
            ww = 1.0 / (v + t2)
            rr = y - float(ww @ y) / float(ww.sum())
            return float(ww @ (rr * rr)) - q_df

        tau2 = (
            0.0
            if excess(0.0) <= 0
            else float(optimize.brentq(excess, 0.0, 10 * (tau2_dl + float(v.max())) + 1, xtol=1e-14, rtol=1e-14))
        )
    ws = 1.0 / (v + tau2)
    sws = float(ws.sum())
    mu = float(ws @ y) / sws
    se_mu = math.sqrt(1 / sws)
    df: float | None = None
    dist: Any = stats.norm
    if knapp_hartung:
        rr = y - mu
        se_mu = math.sqrt(float(ws @ (rr * rr)) / (q_df * sws))
        df, dist = float(q_df), stats.t(q_df)
    stat = mu / se_mu
    p = float(2 * dist.sf(abs(stat)))
    crit = float(dist.ppf(0.5 + conf_level / 2))
    lo, hi = mu - crit * se_mu, mu + crit * se_mu
    if method == "FE":
        i2 = 100 * max(0.0, (q - q_df) / q) if q > 0 else 0.0
        h2 = q / q_df
        pi = (lo, hi)
    else:
        typical = q_df / tr_p
        i2 = 100 * tau2 / (typical + tau2)
        h2 = tau2 / typical + 1
        half = crit * math.sqrt(se_mu * se_mu + tau2)
        pi = (mu - half, mu + half)
    warnings = []
    if k < 5 and method != "FE":
        warnings.append(f"only {k} sites: the between-site variance is poorly estimated")
    text = (
        f"Pooling {k} sites ({method}), the average effect was {say.num(mu)} ({say.ci(lo, hi, conf_level)}; "
        f"{say.pval(p)}); {say.evidence(p)}. "
        + (
            f"Sites varied (tau² = {say.num(tau2)}, I² = {say.num(i2)}%); a new site's effect would be expected "
            f"between {say.num(pi[0])} and {say.num(pi[1])}."
            if method != "FE"
            else "The fixed-effect model assumes every site has the same true effect."
        )
    )
    return Meta(
        "meta", method, "knha" if knapp_hartung else "z", conf_level, k, k, sum(d.rows for d in dropped), dropped,
        mu, se_mu, stat, df, p, lo, hi, tau2, se_tau2, math.sqrt(tau2), i2, h2, q, float(q_df), q_p, pi[0], pi[1],
        tuple(float(x) for x in 100 * ws / sws), tuple(float(x) for x in y), tuple(float(x) for x in v),
        tuple(warnings), text,
    )  # fmt: skip
