"""`pine stats METHOD --data FILE [options] [--json]`: run a method of `pine.stats` on a CSV or XLSX file.

Prints a readable table, or with `--json` one JSON object with every number at full precision (non-finite
numbers as null). Bad input exits with code 2 and one line on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from pine import stats as ps
from pine.stats._base import StatsInputError


class UsageError(Exception):
    """A mistake on the command line (argparse's own message, kept to one line)."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would print usage and exit; we want one line
        raise UsageError(message)


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _floats(text: str) -> list[float]:
    try:
        return [float(v) for v in _list(text)]
    except ValueError as problem:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got '{text}'") from problem


def _exact(text: str) -> bool | None:
    return {"auto": None, "yes": True, "no": False}[text]


def build_parser() -> Parser:
    parser = Parser(prog="pine stats", description="Run a statistical method on a CSV or XLSX file.")
    methods = parser.add_subparsers(dest="method", required=True, metavar="METHOD", parser_class=Parser)

    def method(name: str, help_text: str, data: bool = True) -> Parser:
        sub = methods.add_parser(name, help=help_text, description=help_text)
        if data:
            sub.add_argument("--data", required=True, help="CSV or XLSX file (first sheet), one row per record")
        sub.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
        return sub

    def level(sub: Parser) -> None:
        sub.add_argument("--conf-level", type=float, default=0.95, help="confidence level (default 0.95)")

    def alternative(sub: Parser) -> None:
        sub.add_argument("--alternative", choices=["two-sided", "less", "greater"], default="two-sided")

    def rank_options(sub: Parser) -> None:
        sub.add_argument(
            "--rank-test", choices=["auto", "yes", "no"], default="auto",
            help="run the rank test (auto: up to 100,000 rows, beyond which the t-test needs no normality)",
        )  # fmt: skip
        sub.add_argument("--exact", choices=["auto", "yes", "no"], default="auto", help="exact rank-test p-value")
        sub.add_argument("--no-correct", action="store_true", help="no continuity correction in the rank test")

    s = method("describe", "n, missing, mean, SD, median, quartiles, range; frequencies for categories")
    s.add_argument("--column", required=True)
    s.add_argument("--by")
    s = method("paired", "paired t-test, Wilcoxon signed-rank, d_z and d_av (after minus before)")
    s.add_argument("--before", required=True)
    s.add_argument("--after", required=True)
    level(s)
    alternative(s)
    rank_options(s)
    s = method("two-group", "Welch and Student t-tests, Mann-Whitney, Cohen's d and Hedges' g (first minus second)")
    s.add_argument("--outcome", required=True)
    s.add_argument("--group", required=True)
    s.add_argument("--levels", type=_list, help="the two group levels in order, e.g. intervention,comparison")
    level(s)
    alternative(s)
    rank_options(s)
    s = method("ancova", "ANCOVA: post ~ pre + group, adjusted difference (first minus second)")
    s.add_argument("--pre", required=True, type=_list, help="covariate column(s), comma-separated, pre-test first")
    s.add_argument("--post", required=True)
    s.add_argument("--group", required=True)
    s.add_argument("--levels", type=_list)
    s.add_argument("--cluster", help="cluster column (team, site) for cluster-robust SEs")
    level(s)
    s = method("did", "difference-in-differences on long data: outcome ~ group × period")
    s.add_argument("--outcome", required=True)
    s.add_argument("--group", required=True)
    s.add_argument("--period", required=True)
    s.add_argument("--levels", type=_list)
    s.add_argument("--periods", type=_list, help="the two periods in order, e.g. before,after")
    s.add_argument("--cluster")
    level(s)
    s = method("proportions", "chi-square, Fisher's exact test, risk difference, risk ratio and odds ratio")
    s.add_argument("--outcome", required=True)
    s.add_argument("--group", required=True)
    s.add_argument("--levels", type=_list)
    s.add_argument("--event", help="the outcome value counted as the event (default: 1, yes, true...)")
    level(s)
    alternative(s)
    s = method("mcnemar", "McNemar's test for a binary outcome measured twice")
    s.add_argument("--before", required=True)
    s.add_argument("--after", required=True)
    s.add_argument("--event")
    level(s)
    s = method("goodness-of-fit", "chi-square goodness of fit of a column's levels (sorted) to probabilities")
    s.add_argument("--column", required=True)
    s.add_argument("--p", type=_floats, help="probabilities in level order (default: equal)")
    s.add_argument("--rescale-p", action="store_true")
    s = method("regression", "linear regression (OLS) from a formula")
    s.add_argument("--formula", required=True)
    s.add_argument("--robust", action="store_true", help="HC3 robust standard errors")
    level(s)
    s = method("meta", "meta-analysis across sites: REML, DL, PM or FE")
    s.add_argument("--effect", required=True)
    spread = s.add_mutually_exclusive_group(required=True)
    spread.add_argument("--se")
    spread.add_argument("--variance")
    s.add_argument("--method", dest="model", choices=["REML", "DL", "PM", "FE"], default="REML", type=str.upper)
    s.add_argument("--knha", action="store_true", help="Knapp-Hartung adjustment (t with k - 1 df)")
    level(s)
    s = method("kappa", "Cohen's kappa for two raters")
    s.add_argument("--rater1", required=True)
    s.add_argument("--rater2", required=True)
    s.add_argument("--weights", choices=["none", "linear", "quadratic"], default="none")
    level(s)
    s = method("krippendorff", "Krippendorff's alpha for any number of raters, missing ratings allowed")
    s.add_argument("--raters", required=True, type=_list)
    s.add_argument("--level", choices=["nominal", "ordinal", "interval", "ratio"], default="nominal")
    s = method("cronbach", "Cronbach's alpha with item-total statistics")
    s.add_argument("--items", required=True, type=_list)
    level(s)
    s = method("power", "power or sample size for paired, two-group, proportions and cluster designs", data=False)
    s.add_argument("--design", required=True, choices=["paired", "two-group", "proportions", "cluster"])
    s.add_argument("--effect-size", type=float, help="d (d_z for paired; Cohen's h for proportions)")
    s.add_argument("--n", type=float, help="pairs, or people per group")
    s.add_argument("--power", type=float)
    s.add_argument("--alpha", type=float, default=0.05)
    s.add_argument("--ratio", type=float, default=1.0, help="n2/n1 for unequal groups")
    s.add_argument("--icc", type=float)
    s.add_argument("--cluster-size", type=float)
    s.add_argument("--p1", type=float)
    s.add_argument("--p2", type=float)
    s.add_argument("--attrition", type=float, default=0.0, help="expected drop-out fraction, e.g. 0.1")
    s.add_argument("--upper-tail-only", action="store_true", help="R power.t.test's default (strict = FALSE)")
    alternative(s)
    return parser


def read_data(path: str) -> pd.DataFrame:
    file = Path(path)
    if not file.is_file():
        raise StatsInputError(f"no such file: {path}")
    try:
        if file.suffix.lower() in {".xlsx", ".xlsm"}:
            return pd.read_excel(file, engine="openpyxl")
        return pd.read_csv(file, float_precision="round_trip")
    except (ValueError, OSError, pd.errors.ParserError, UnicodeDecodeError) as problem:
        raise StatsInputError(f"cannot read {path}: {str(problem).splitlines()[0]}") from problem


def run(args: argparse.Namespace) -> Any:
    if args.method == "power":
        return ps.power(
            args.design, effect_size=args.effect_size, n=args.n, power=args.power, alpha=args.alpha,
            alternative=args.alternative, ratio=args.ratio, icc=args.icc, cluster_size=args.cluster_size,
            p1=args.p1, p2=args.p2, attrition=args.attrition, both_tails=not args.upper_tail_only,
        )  # fmt: skip
    data = read_data(args.data)
    m = args.method
    if m == "describe":
        return ps.describe(args.column, data=data, by=args.by)
    if m == "paired":
        return ps.paired(
            args.before, args.after, data=data, conf_level=args.conf_level, alternative=args.alternative,
            rank_test=_exact(args.rank_test), exact=_exact(args.exact), correct=not args.no_correct,
        )  # fmt: skip
    if m == "two-group":
        return ps.two_group(
            args.outcome, args.group, data=data, levels=args.levels, conf_level=args.conf_level,
            alternative=args.alternative, rank_test=_exact(args.rank_test), exact=_exact(args.exact),
            correct=not args.no_correct,
        )  # fmt: skip
    if m == "ancova":
        return ps.ancova(
            args.post, args.group, pre=args.pre[0], covariates=args.pre[1:], data=data, levels=args.levels,
            cluster=args.cluster, conf_level=args.conf_level,
        )  # fmt: skip
    if m == "did":
        return ps.did(
            args.outcome, args.group, args.period, data=data, levels=args.levels, periods=args.periods,
            cluster=args.cluster, conf_level=args.conf_level,
        )  # fmt: skip
    if m == "proportions":
        return ps.proportions(
            args.outcome, args.group, data=data, levels=args.levels, event=args.event, conf_level=args.conf_level,
            alternative=args.alternative,
        )  # fmt: skip
    if m == "mcnemar":
        return ps.mcnemar(args.before, args.after, data=data, event=args.event, conf_level=args.conf_level)
    if m == "goodness-of-fit":
        return ps.goodness_of_fit(args.column, data=data, p=args.p, rescale_p=args.rescale_p)
    if m == "regression":
        return ps.regression(args.formula, data=data, robust=args.robust, conf_level=args.conf_level)
    if m == "meta":
        return ps.meta(
            args.effect, se=args.se, variance=args.variance, data=data, method=args.model,
            conf_level=args.conf_level, knapp_hartung=args.knha,
        )  # fmt: skip
    if m == "kappa":
        return ps.kappa(args.rater1, args.rater2, data=data, weights=args.weights, conf_level=args.conf_level)
    if m == "krippendorff":
        return ps.krippendorff(args.raters, data=data, level=args.level)
    if m == "cronbach":
        return ps.cronbach(args.items, data=data, conf_level=args.conf_level)
    raise UsageError(f"unknown method {m}")  # pragma: no cover - argparse restricts the choices


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else str(value)
    return str(value)


def render(obj: dict[str, Any], indent: str = "") -> list[str]:
    """A readable, aligned listing: scalars as `name  value`, objects indented, lists of objects as tables."""
    lines: list[str] = []
    width = max((len(k) for k in obj), default=0)
    for key, value in obj.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{key}")
            lines += render(value, indent + "  ")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            heads = list(value[0])
            rows = [
                [_cell(v.get(h)) if not isinstance(v.get(h), list | dict) else json.dumps(v.get(h)) for h in heads]
                for v in value
            ]
            widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]
            lines.append(f"{indent}{key}")
            lines.append(indent + "  " + "  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)))
            lines += [indent + "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
        elif isinstance(value, list):
            shown = ", ".join(
                _cell(v) if not isinstance(v, list) else "[" + ", ".join(map(_cell, v)) + "]" for v in value
            )
            lines.append(f"{indent}{key.ljust(width)}  {shown}")
        else:
            lines.append(f"{indent}{key.ljust(width)}  {_cell(value)}")
    return lines


def main(argv: list[str]) -> int:
    """Entry point for `pine stats`; returns the exit code (0 ok, 2 bad input or usage)."""
    try:
        args = build_parser().parse_args(argv)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # problems are reported in the result's own warnings
            result = run(args)
        out = result.to_dict()
    except SystemExit as leaving:  # --help
        return int(leaving.code or 0)
    except (StatsInputError, UsageError) as problem:
        sys.stderr.write(f"pine stats: {str(problem).splitlines()[0] if str(problem) else 'bad input'}\n")
        return 2
    except Exception as problem:  # the command's promise is one line, never a traceback
        first = str(problem).splitlines()[0] if str(problem) else ""
        sys.stderr.write(f"pine stats: unexpected error ({type(problem).__name__}: {first})\n")
        return 1
    if args.json:
        sys.stdout.write(json.dumps(out, allow_nan=False) + "\n")
    else:
        sys.stdout.write("\n".join(render(out)) + "\n")
    return 0
