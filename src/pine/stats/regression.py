"""Linear regression (OLS) from an R-style formula, with classical and HC3 robust standard errors (statsmodels)."""

from __future__ import annotations

import ast
import builtins
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pine.stats import summary as say
from pine.stats._base import (
    Check,
    Data,
    Dropped,
    Result,
    StatsInputError,
    check_level,
    complete,
    distribution_checks,
    dropped_warnings,
    missing_labels,
    n_dropped,
    numeric,
)

# Names a formula may use that are functions or transforms, not columns.
FORMULA_FUNCTIONS = {"np", "C", "I", "Q", "center", "standardize", "scale", "log", "exp", "sqrt", "poly", "bs"}


@dataclass(frozen=True)
class Coefficient(Result):
    name: str
    estimate: float
    se: float
    statistic: float
    p_value: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Regression(Result):
    """`coefficients` use the SEs named by `se_type`; `classical` and `robust` hold both sets."""

    method: str
    formula: str
    outcome: str
    se_type: str
    conf_level: float
    n: int
    n_dropped: int
    dropped: tuple[Dropped, ...]
    coefficients: tuple[Coefficient, ...]
    classical: tuple[Coefficient, ...]
    robust: tuple[Coefficient, ...]
    r_squared: float
    adj_r_squared: float
    residual_se: float
    statistic: float
    df_model: float
    df: float
    p_value: float
    ss_regression: float
    ss_residual: float
    ms_residual: float
    checks: tuple[Check, ...]
    warnings: tuple[str, ...]
    summary: str


def formula_columns(formula: str) -> list[str]:
    """Column names a formula refers to, in order, from the Python expressions in each term (Q("x y") too)."""
    if "~" not in formula:
        raise StatsInputError(f"a formula needs '~' between the outcome and the predictors: '{formula}'")
    names: list[str] = []
    names += re.findall(r"Q\(\s*[\"']([^\"']+)[\"']\s*\)", formula)
    cleaned = re.sub(r"Q\(\s*[\"'][^\"']+[\"']\s*\)", "1", formula)
    for part in re.split(r"~|\+|(?<![*])\*(?![*])|:|\||-(?=\s*[A-Za-z_(])", cleaned):
        part = part.strip()
        if not part or part in {"0", "1", "."}:
            continue
        try:
            tree = ast.parse(part, mode="eval")
        except SyntaxError as problem:
            raise StatsInputError(f"cannot read the formula term '{part}'") from problem
        called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Name)
                and id(node) not in called
                and node.id not in FORMULA_FUNCTIONS
                and not hasattr(builtins, node.id)
            ):
                names.append(node.id)
    return list(dict.fromkeys(names))


def _coefs(fit: Any, conf_level: float) -> tuple[Coefficient, ...]:
    ci = np.asarray(fit.conf_int(alpha=1 - conf_level))
    return tuple(
        Coefficient(str(name), float(b), float(se), float(t), float(p), float(lo), float(hi))
        for name, b, se, t, p, lo, hi in zip(
            fit.model.exog_names, fit.params, fit.bse, fit.tvalues, fit.pvalues, ci[:, 0], ci[:, 1], strict=True
        )
    )


def regression(formula: str, *, data: Data, robust: bool = False, conf_level: float = 0.95) -> Regression:
    """Fit `formula` by ordinary least squares (QR decomposition) on `data`.

    Every column the formula names must exist; numeric-looking columns must be wholly numeric (a stray text
    cell raises, naming its row, rather than silently turning the column into categories); rows missing any
    used column are dropped and counted. Text columns enter as categories (first level is the reference).
    """
    import statsmodels.formula.api as smf  # slow import, only here

    check_level(conf_level)
    if data is None:
        raise StatsInputError("regression needs data")
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(dict(data))
    used = formula_columns(formula)
    for name in used:
        if name not in frame.columns:
            shown = ", ".join(map(str, list(frame.columns)[:20]))
            raise StatsInputError(
                f"the formula names column '{name}', which is not in the data; the columns are: {shown}"
            )
    clean: dict[str, Any] = {}
    missing: dict[str, np.ndarray] = {}
    for name in used:
        values = frame[name]
        arr, miss = missing_labels(values)
        present = pd.Series(arr[~miss], dtype=object)
        as_num = pd.to_numeric(present, errors="coerce")
        if values.dtype.kind in "fiub" or as_num.notna().any():
            col = numeric(values, name)
            clean[name] = col
            missing[name] = np.isnan(col)
        else:
            clean[name] = pd.Series(arr).where(~miss)
            missing[name] = miss
    keep, dropped = complete(missing)
    model_frame = pd.DataFrame({k: (v[keep] if keep is not None else v) for k, v in clean.items()})
    model_frame = model_frame.reset_index(drop=True)
    outcome = used[0] if used else formula.split("~")[0].strip()
    try:
        model = smf.ols(formula, data=model_frame)
    except Exception as problem:  # patsy reports formula mistakes with several exception types
        raise StatsInputError(f"cannot use the formula '{formula}': {str(problem).splitlines()[0]}") from problem
    if model.df_resid < 1:
        raise StatsInputError(f"too few complete rows ({len(model_frame)}) for the {model.exog.shape[1]} coefficients")
    if float(np.ptp(model.endog)) == 0:
        raise StatsInputError(f"column '{outcome}' has the same value in every row (zero variance)")
    rank = np.linalg.matrix_rank(model.exog)
    if rank < model.exog.shape[1]:
        raise StatsInputError(f"the predictors in '{formula}' are collinear (a column is constant or a copy of others)")
    fit = model.fit(method="qr")
    robust_fit = model.fit(method="qr", cov_type="HC3")
    classical, robust_c = _coefs(fit, conf_level), _coefs(robust_fit, conf_level)
    f_p = float(fit.f_pvalue) if fit.df_model > 0 else math.nan
    resid = np.asarray(fit.resid, dtype=np.float64)
    checks = distribution_checks(resid, "residuals")
    warnings = dropped_warnings(dropped)
    if not checks[0].passed and robust is False and int(fit.nobs) < 30:
        warnings.append("the residuals look non-normal and n is small: p-values and CIs may be inaccurate")
    text = (
        f"The model explains {say.num(float(fit.rsquared) * 100)}% of the variation in '{outcome}' "
        f"(n = {int(fit.nobs)}; F = {say.num(float(fit.fvalue))}, {say.pval(f_p)}). Coefficients describe "
        f"associations, not causes, unless the design supports a causal reading."
    )
    return Regression(
        "regression", formula, outcome, "robust (HC3)" if robust else "classical", conf_level, int(fit.nobs),
        n_dropped(dropped), dropped, robust_c if robust else classical, classical, robust_c, float(fit.rsquared),
        float(fit.rsquared_adj), math.sqrt(float(fit.scale)), float(fit.fvalue), float(fit.df_model),
        float(fit.df_resid), f_p, float(fit.ess), float(fit.ssr), float(fit.mse_resid), checks, tuple(warnings),
        text,
    )  # fmt: skip
