"""Least squares for the comparison-group designs, fast on a million rows.

The design columns and the outcome are centred and their cross-product (Gram) matrix is formed once; every
nested model that ANCOVA's F-tests need (with and without the group, each covariate, the slope interaction) is
then solved from that small matrix, without another pass over the rows. Centring removes the intercept (its
estimate is the mean) and keeps the Gram matrix well conditioned. Robust (HC3) and cluster-robust (CR1, as
Stata and statsmodels) covariances are sandwich estimators; for an intercept model the slopes' block equals
the one computed from centred columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Gram:
    n: int
    means: np.ndarray
    centred: np.ndarray  # n × (p + 1), the last column is the outcome
    matrix: np.ndarray


@dataclass(frozen=True)
class SubFit:
    columns: tuple[int, ...]
    beta: np.ndarray
    inverse: np.ndarray  # (Xc'Xc)^-1 for the chosen columns
    sse: float
    df_resid: int


def gram(columns: Sequence[np.ndarray], y: np.ndarray) -> Gram:
    # Column-major, so each column is written and centred in one contiguous sweep (column_stack into a row-major
    # array strides through memory and costs more than the product below).
    z = np.empty((len(y), len(columns) + 1), order="F")
    for j, col in enumerate([*columns, y]):
        z[:, j] = col
    means = z.mean(axis=0)
    z -= means
    return Gram(len(y), means, z, z.T @ z)


def _columns(g: Gram, cols: Sequence[int]) -> np.ndarray:
    """The chosen centred columns; a view, not a copy, when they are adjacent."""
    idx = list(cols)
    if idx == list(range(idx[0], idx[0] + len(idx))):
        return g.centred[:, idx[0] : idx[0] + len(idx)]
    return g.centred[:, idx]


def solve(g: Gram, cols: Sequence[int]) -> SubFit:
    """OLS of the outcome on an intercept and the chosen (centred) columns, from the Gram matrix alone."""
    idx = list(cols)
    yi = g.matrix.shape[0] - 1
    if not idx:
        return SubFit((), np.zeros(0), np.zeros((0, 0)), float(g.matrix[yi, yi]), g.n - 1)
    xtx = g.matrix[np.ix_(idx, idx)]
    xty = g.matrix[idx, yi]
    inverse = np.linalg.inv(xtx)
    beta = inverse @ xty
    sse = float(g.matrix[yi, yi] - beta @ xty)
    return SubFit(tuple(idx), beta, inverse, max(sse, 0.0), g.n - 1 - len(idx))


def residuals(g: Gram, fit: SubFit) -> np.ndarray:
    yi = g.matrix.shape[0] - 1
    if not fit.columns:
        return g.centred[:, yi].copy()
    return g.centred[:, yi] - _columns(g, fit.columns) @ fit.beta


def hc3(g: Gram, fit: SubFit, resid: np.ndarray) -> np.ndarray:
    """HC3 covariance of the slopes (MacKinnon & White 1985): squared residuals inflated by 1/(1 − h)²."""
    x = _columns(g, fit.columns)
    lev = 1.0 / g.n + np.einsum("ij,jk,ik->i", x, fit.inverse, x)
    u = resid / (1.0 - lev)
    meat = (x * (u * u)[:, None]).T @ x
    return fit.inverse @ meat @ fit.inverse


def cluster(g: Gram, fit: SubFit, resid: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, int]:
    """CR1 cluster-robust covariance with the G/(G−1)·(n−1)/(n−p) factor, intercept first; and the cluster count.

    The intercept here is the mean outcome at the covariate means (the centred parametrisation).
    """
    x = _columns(g, fit.columns)
    n_clusters = int(codes.max()) + 1
    scores = np.column_stack(
        [np.bincount(codes, weights=resid, minlength=n_clusters)]
        + [np.bincount(codes, weights=x[:, j] * resid, minlength=n_clusters) for j in range(x.shape[1])]
    )
    meat = scores.T @ scores
    p = len(fit.columns) + 1
    bread = np.zeros((p, p))
    bread[0, 0] = 1.0 / g.n
    bread[1:, 1:] = fit.inverse
    factor = n_clusters / (n_clusters - 1) * (g.n - 1) / (g.n - p)
    return factor * (bread @ meat @ bread), n_clusters
