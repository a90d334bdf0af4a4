"""How each reference case is run: its calls of `pine.stats` and how result fields map to the case's names."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from reference_harness import Adapter, Run, expand, long, nan_list

ADAPTERS: dict[str, Adapter] = {}


def adapter(*ids: str) -> Any:
    def register(fn: Adapter) -> Adapter:
        for i in ids:
            ADAPTERS[i] = fn
        return fn

    return register


def es(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(e for e in result["effect_sizes"] if e["name"] == name)


def term(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in result["terms"] if t["name"] == name)


@adapter("desc_nist_michelso", "desc_nist_numacc1", "desc_nist_mavro", "desc_nist_lew")
def _describe(case: dict[str, Any]) -> Any:
    runs = [Run("r", "describe", ("x",), frame=pd.DataFrame({"x": case["input"]["x"]}))]

    def extract(r: dict[str, Any]) -> dict[str, Any]:
        o = r["r"]["overall"]
        return {"n": o["n"], "mean": o["mean"], "sd_sample": o["sd"], "variance_sample": o["variance"],
                "lag1_autocorrelation": o["lag1_autocorrelation"]}  # fmt: skip

    return runs, extract


@adapter("ttest_welch_r_1to10_vs_7to20")
def _welch_xy(case: dict[str, Any]) -> Any:
    frame = long({"x": case["input"]["x"], "y": case["input"]["y"]})
    runs = [Run("r", "two_group", ("outcome", "group"), {"levels": ["x", "y"]}, frame)]
    return runs, lambda r: {
        "t": r["r"]["statistic"], "df": r["r"]["df"], "p_value": r["r"]["p_value"], "ci_low": r["r"]["ci_low"],
        "ci_high": r["r"]["ci_high"], "mean_x": r["r"]["means"][0], "mean_y": r["r"]["means"][1],
    }  # fmt: skip


@adapter("ttest_welch_r_mtcars_mpg_by_am")
def _welch_mtcars(case: dict[str, Any]) -> Any:
    frame = pd.DataFrame({"y": case["input"]["y"], "am": case["input"]["group"]})
    runs = [Run("r", "two_group", ("y", "am"), {"levels": [0, 1]}, frame)]
    return runs, lambda r: {
        "t": r["r"]["statistic"], "df": r["r"]["df"], "p_value": r["r"]["p_value"], "ci_low": r["r"]["ci_low"],
        "ci_high": r["r"]["ci_high"], "mean_group0": r["r"]["means"][0], "mean_group1": r["r"]["means"][1],
    }  # fmt: skip


@adapter("mann_whitney_r_permeability")
def _mann_whitney(case: dict[str, Any]) -> Any:
    frame = long({"term": case["input"]["x_term"], "early": case["input"]["y_12_26_weeks"]})
    opts = {"levels": ["term", "early"], "alternative": "greater"}
    runs = [
        Run("exact", "two_group", ("outcome", "group"), opts, frame),
        Run("approx", "two_group", ("outcome", "group"), {**opts, "exact": False, "correct": False}, frame),
    ]
    return runs, lambda r: {
        "W": r["exact"]["mann_whitney"]["statistic"], "p_greater_exact": r["exact"]["mann_whitney"]["p_value"],
        "p_greater_normal_approx_no_continuity_correction": r["approx"]["mann_whitney"]["p_value"],
    }  # fmt: skip


@adapter("fisher_exact_r_convictions")
def _fisher(case: dict[str, Any]) -> Any:
    frame = expand(case["input"]["table"], ["Dizygotic", "Monozygotic"], ["Convicted", "Free"], ("twin", "convicted"))
    base = {"event": "Convicted"}
    runs = [
        Run("ci95", "proportions", ("convicted", "twin"), base, frame),
        Run("ci99", "proportions", ("convicted", "twin"), {**base, "conf_level": 0.99}, frame),
        Run("less", "proportions", ("convicted", "twin"), {**base, "alternative": "less"}, frame),
    ]

    def extract(r: dict[str, Any]) -> dict[str, Any]:
        f95, f99, less = r["ci95"]["fisher"], r["ci99"]["fisher"], r["less"]["fisher"]
        return {
            "p_value_less": less["p_value"],
            "p_value_two_sided": f95["p_value"],
            "odds_ratio_conditional_mle": f95["odds_ratio"],
            "ci95_two_sided": [f95["ci_low"], f95["ci_high"]],
            "ci99_two_sided": [f99["ci_low"], f99["ci_high"]],
            "ci95_one_sided_less_upper": less["ci_high"],
        }

    return runs, extract


@adapter("chisq_independence_r_agresti_party")
def _chisq_party(case: dict[str, Any]) -> Any:
    frame = expand(case["input"]["table"], ["F", "M"], ["Democrat", "Independent", "Republican"], ("gender", "party"))
    runs = [Run("r", "proportions", ("party", "gender"), {}, frame)]
    return runs, lambda r: {
        "X_squared": r["r"]["statistic"], "df": r["r"]["df"], "p_value": r["r"]["p_value"],
        "expected": r["r"]["chi_square"]["expected"], "pearson_residuals": r["r"]["chi_square"]["pearson_residuals"],
        "standardized_residuals": r["r"]["chi_square"]["standardized_residuals"],
    }  # fmt: skip


@adapter("chisq_2x2_yates_r")
def _chisq_yates(case: dict[str, Any]) -> Any:
    frame = expand(case["input"]["table"], ["g1", "g2"], ["e1", "e2"], ("g", "y"))
    runs = [Run("r", "proportions", ("y", "g"), {}, frame)]
    return runs, lambda r: {"p_value_yates": r["r"]["chi_square_corrected"]["p_value"]}


@adapter("chisq_prop_test_r_smokers")
def _prop_test(case: dict[str, Any]) -> Any:
    s, n = case["input"]["successes"], case["input"]["n"]
    table = [[a, b - a] for a, b in zip(s, n, strict=True)]
    frame = expand(table, ["g1", "g2", "g3", "g4"], ["yes", "no"], ("g", "smoker"))
    runs = [Run("r", "proportions", ("smoker", "g"), {}, frame)]
    names = {"X_squared": "statistic", "df": "df", "p_value": "p_value", "proportions": "proportions"}
    return runs, lambda r: {k: r["r"][f] for k, f in names.items()}


@adapter("chisq_goodness_of_fit_r")
def _gof(case: dict[str, Any]) -> Any:
    runs = []
    for name, spec in case["input"].items():
        levels = [f"c{i + 1}" for i in range(len(spec["observed"]))]
        frame = pd.DataFrame({"v": [lv for lv, c in zip(levels, spec["observed"], strict=True) for _ in range(c)]})
        p = spec.get("p", spec.get("p_unnormalised"))
        runs.append(Run(name, "goodness_of_fit", ("v",), {"p": p, "rescale_p": bool(spec.get("rescale_p"))}, frame))
    return runs, lambda r: {
        k: {"X_squared": v["statistic"], "df": v["df"], "p_value": v["p_value"]} for k, v in r.items()
    }


@adapter("regression_nist_norris")
def _norris(case: dict[str, Any]) -> Any:
    frame = pd.DataFrame({"y": case["input"]["y"], "x": case["input"]["x"]})
    runs = [Run("r", "regression", ("y ~ x",), {}, frame)]

    def extract(r: dict[str, Any]) -> dict[str, Any]:
        x = r["r"]
        c = x["coefficients"]
        return {"B0": c[0]["estimate"], "B1": c[1]["estimate"], "se_B0": c[0]["se"], "se_B1": c[1]["se"],
                "residual_sd": x["residual_se"], "r_squared": x["r_squared"], "ss_regression": x["ss_regression"],
                "ss_residual": x["ss_residual"], "ms_residual": x["ms_residual"], "F": x["statistic"],
                "df_regression": x["df_model"], "df_residual": x["df"]}  # fmt: skip

    return runs, extract


@adapter("stackloss-ols")
def _stackloss(case: dict[str, Any]) -> Any:
    runs = [Run("r", "regression", (case["input"]["formula"],), {}, pd.DataFrame(case["input"]["data"]))]
    return runs, lambda r: {
        "coefficients": {c["name"]: c["estimate"] for c in r["r"]["coefficients"]},
        "r_squared": r["r"]["r_squared"], "residual_se": r["r"]["residual_se"],
    }  # fmt: skip


META_NAMES = {"tau2": "tau2", "se_tau2": "se_tau2", "estimate": "estimate", "se": "se", "z": "statistic",
              "ci_low": "ci_low", "ci_high": "ci_high", "Q": "q", "Q_p": "q_p_value", "I2_percent": "i2", "H2": "h2",
              "p": "p_value", "q": "q", "i2": "i2", "pi_low": "pi_low", "pi_high": "pi_high", "p_value": "p_value",
              "h2": "h2", "q_p_value": "q_p_value", "statistic": "statistic"}  # fmt: skip


@adapter("meta_metafor_kacker_dl_pm_fe")
def _kacker(case: dict[str, Any]) -> Any:
    frame = pd.DataFrame({"yi": case["input"]["yi"], "vi": case["input"]["vi"]})
    runs = [
        Run(key, "meta", ("yi",), {"variance": "vi", "method": method, "knapp_hartung": key.endswith("hartung")}, frame)
        for key, method in [("DL", "DL"), ("DL_knapp_hartung", "DL"), ("PM", "PM"), ("FE", "FE")]
    ]
    expected = case["expected"]
    return runs, lambda r: {k: {f: r[k][META_NAMES[f]] for f in expected[k]} for k in expected}


@adapter("meta-dl-small")
def _meta_small(case: dict[str, Any]) -> Any:
    frame = pd.DataFrame(case["input"])
    runs = [Run("r", "meta", ("effect",), {"variance": "variance", "method": "DL"}, frame)]
    return runs, lambda r: {f: r["r"][META_NAMES[f]] for f in case["expected"]}


@adapter("kappa_irr_anxiety_rater2_rater3")
def _kappa(case: dict[str, Any]) -> Any:
    frame = pd.DataFrame({"a": case["input"]["rater_a"], "b": case["input"]["rater_b"]})
    keys = {"unweighted": "none", "linear_weights_irr_equal": "linear", "quadratic_weights_irr_squared": "quadratic"}
    runs = [Run(k, "kappa", ("a", "b"), {"weights": w}, frame) for k, w in keys.items()]
    return runs, lambda r: {
        k: {"kappa": r[k]["kappa"], "z": r[k]["statistic"], "p_value": r[k]["p_value"]} for k in keys
    }


@adapter("krippendorff_alpha_fast_krippendorff_wikipedia_example")
def _kripp(case: dict[str, Any]) -> Any:
    coders = case["input"]["reliability_data_coders_by_units"]
    frame = pd.DataFrame({f"coder{i + 1}": nan_list(row) for i, row in enumerate(coders)})
    cols = list(frame.columns)
    runs = [Run(lv, "krippendorff", (cols,), {"level": lv}, frame) for lv in ("nominal", "interval")]
    return runs, lambda r: {k: r[k]["alpha"] for k in r}


@adapter("cronbach_alpha_pingouin_binary_listwise")
def _cronbach(case: dict[str, Any]) -> Any:
    items = case["input"]["items"]
    rows = case["input"]["data_subjects_by_items"]
    frame = pd.DataFrame([nan_list(r) for r in rows], columns=items)
    runs = [Run("r", "cronbach", (items,), {}, frame)]
    return runs, lambda r: {"alpha_listwise": r["r"]["alpha"], "alpha_listwise_pingouin_full": r["r"]["alpha"]}


def _power_run(i: int, spec: dict[str, Any]) -> Run:
    alt = {"two.sided": "two-sided", "one.sided": "greater", "greater": "greater"}[spec.get("alternative", "two.sided")]
    paired = spec.get("type") in {"paired", "one.sample"}
    effect = spec.get("d", spec.get("d_z", spec.get("delta", 0) / spec.get("sd", 1)))
    n = spec.get("n", spec.get("n_pairs", spec.get("n_per_group", spec.get("n1"))))
    ratio = spec["n2"] / spec["n1"] if "n1" in spec else 1.0
    kwargs: dict[str, Any] = {"effect_size": effect, "alpha": spec.get("sig_level", 0.05), "alternative": alt}
    if spec["solve_for"] == "power":
        kwargs["n"] = n
    else:
        kwargs["power"] = spec["power"]
    if ratio != 1.0:
        kwargs["ratio"] = ratio
    if "delta" in spec:  # R's power.t.test (strict = FALSE): only the upper rejection tail counts
        kwargs["both_tails"] = False
    return Run(str(i), "power", ("paired" if paired else "two-group",), kwargs)


@adapter("power_r_power_t_test_two_sample", "power_pwr_two_sample", "power_pwr_paired")
def _power_lists(case: dict[str, Any]) -> Any:
    specs = case["input"]["cases"]
    runs = [_power_run(i, s) for i, s in enumerate(specs)]

    def extract(r: dict[str, Any]) -> dict[str, Any]:
        out = []
        for i, s in enumerate(specs):
            key = "power" if s["solve_for"] == "power" else s["solve_for"]
            out.append({key: r[str(i)]["power" if key == "power" else "n"]})
        return {"results": out}

    return runs, extract


@adapter("pwr-two-sample-d08", "pwr-two-sample-d02", "power-paired-d03")
def _power_simple(case: dict[str, Any]) -> Any:
    i = case["input"]
    runs = [
        Run("r", "power", (i["design"],), {"effect_size": i["effect_size"], "power": i["power"], "alpha": i["alpha"]})
    ]
    return runs, lambda r: {k: r["r"][k] for k in case["expected"]}


@adapter("effsize_effectsize_mtcars_wt_by_am")
def _effsize(case: dict[str, Any]) -> Any:
    frame = pd.DataFrame({"wt": case["input"]["y"], "am": case["input"]["group"]})
    runs = [Run("r", "two_group", ("wt", "am"), {"levels": [0, 1]}, frame)]

    def extract(r: dict[str, Any]) -> dict[str, Any]:
        d, g, u = (es(r["r"], n) for n in ("cohens_d", "hedges_g", "cohens_d_unpooled"))
        return {"cohens_d_pooled": d["value"], "cohens_d_ci95": [d["ci_low"], d["ci_high"]], "hedges_g": g["value"],
                "hedges_g_ci95": [g["ci_low"], g["ci_high"]], "cohens_d_unpooled_sd": u["value"],
                "cohens_d_unpooled_ci95": [u["ci_low"], u["ci_high"]]}  # fmt: skip

    return runs, extract


@adapter("effsize_lakens2013_movie_ratings")
def _lakens(case: dict[str, Any]) -> Any:
    m1, m2 = case["input"]["movie_1"], case["input"]["movie_2"]
    runs = [
        Run("between", "two_group", ("outcome", "group"), {"levels": ["m1", "m2"]}, long({"m1": m1, "m2": m2})),
        Run("within", "paired", ("movie2", "movie1"), {}, pd.DataFrame({"movie1": m1, "movie2": m2})),
    ]

    def extract(r: dict[str, Any]) -> dict[str, Any]:
        b, w = r["between"], r["within"]
        s = b["student"]
        return {
            "between": {
                "t": s["statistic"], "df": s["df"], "p_value": s["p_value"],
                "cohens_d_s": es(b, "cohens_d")["value"], "hedges_g_s": es(b, "hedges_g")["value"],
            },
            "within": {
                "t": w["statistic"], "df": w["df"], "p_value": w["p_value"], "cohens_d_z": es(w, "d_z")["value"],
            },
        }  # fmt: skip

    return runs, extract


@adapter("ancova_pingouin_vs_jasp")
def _ancova_pingouin(case: dict[str, Any]) -> Any:
    i = case["input"]
    frame = pd.DataFrame({"Scores": i["dv_scores"], "Income": i["covariate_income"], "Method": i["group_method"],
                          "BMI": i["second_covariate_bmi"]})  # fmt: skip
    missing = frame.copy()
    missing.loc[[1, 2], "Scores"] = float("nan")
    runs = [
        Run("one", "ancova", ("Scores", "Method"), {"pre": "Income"}, frame),
        Run("two", "ancova", ("Scores", "Method"), {"pre": "Income", "covariates": ["BMI"]}, missing),
    ]

    def extract(r: dict[str, Any]) -> dict[str, Any]:
        def t(run: str, name: str) -> dict[str, Any]:
            x = term(r[run], name)
            return {"df": x["df"], "F": x["statistic"], "p_value": x["p_value"], "partial_eta_sq": x["partial_eta_sq"],
                    "eta_sq": x["eta_sq"]}  # fmt: skip

        two = r["two"]
        return {"Method": t("one", "Method"), "Income": t("one", "Income"),
                "Residual": {"df": term(r["one"], "Residual")["df"]},
                "with_two_covariates_rows_1_2_scores_missing": {
                    "Method_F": term(two, "Method")["statistic"], "Income_F": term(two, "Income")["statistic"],
                    "BMI_F": term(two, "BMI")["statistic"], "residual_df": term(two, "Residual")["df"],
                    "Method_p": term(two, "Method")["p_value"], "BMI_p": term(two, "BMI")["p_value"]}}  # fmt: skip

    return runs, extract


@adapter("ancova_emmeans_fiber_montgomery")
def _fiber(case: dict[str, Any]) -> Any:
    i = case["input"]
    frame = pd.DataFrame({"strength": i["strength"], "diameter": i["diameter"], "machine": i["machine"]})
    runs = [Run("r", "ancova", ("strength", "machine"), {"pre": "diameter"}, frame)]

    def extract(r: dict[str, Any]) -> dict[str, Any]:
        x = r["r"]
        means = {m["level"]: m for m in x["adjusted_means"]}
        c = x["contrasts"][0]
        return {"adjusted_means_at_mean_diameter_24.13": {k: m["mean"] for k, m in means.items()},
                "adjusted_mean_se": {k: m["se"] for k, m in means.items()}, "df_residual": x["df"],
                "emmean_ci95": {k: [m["ci_low"], m["ci_high"]] for k, m in means.items()},
                "contrast_A_minus_B": {"estimate": c["estimate"], "se": c["se"], "t": c["statistic"],
                                       "p_tukey": c["p_tukey"]}}  # fmt: skip

    return runs, extract


@adapter("penguins-welch")
def _penguins(case: dict[str, Any]) -> Any:
    frame = pd.DataFrame(case["input"])
    runs = [Run("r", "two_group", ("outcome", "group"), {}, frame)]
    return runs, lambda r: {"statistic_abs": abs(r["r"]["statistic"]), "df": r["r"]["df"], "p_value": r["r"]["p_value"]}


@adapter("mcnemar-agresti-performance")
def _mcnemar(case: dict[str, Any]) -> Any:
    frame = expand(case["input"]["table"], ["yes", "no"], ["yes", "no"], ("first", "second"))
    runs = [Run("r", "mcnemar", ("first", "second"), {}, frame)]
    return runs, lambda r: {
        "statistic_uncorrected": r["r"]["statistic_uncorrected"], "p_value_uncorrected": r["r"]["p_value_uncorrected"],
        "statistic_corrected": r["r"]["statistic"], "p_value_corrected": r["r"]["p_value"],
    }  # fmt: skip


@adapter("wilcoxon_signed_rank_r_depression")
def _depression(case: dict[str, Any]) -> Any:
    frame = pd.DataFrame({"x": case["input"]["x_first_visit"], "y": case["input"]["y_second_visit"]})
    runs = [
        Run("exact_greater", "paired", ("y", "x"), {"alternative": "greater"}, frame),
        Run(
            "normal_less_no_correction",
            "paired",
            ("x", "y"),
            {"alternative": "less", "exact": False, "correct": False},
            frame,
        ),
    ]
    return runs, lambda r: {
        k: {"V": v["wilcoxon"]["statistic"], "p_value": v["wilcoxon"]["p_value"]} for k, v in r.items()
    }


@adapter("ttest_paired_r_sleep")
def _sleep(case: dict[str, Any]) -> Any:
    frame = pd.DataFrame({"g1": case["input"]["group1"], "g2": case["input"]["group2"]})
    runs = [Run("r", "paired", ("g2", "g1"), {}, frame)]
    return runs, lambda r: {
        "t": r["r"]["statistic"],
        **{k: r["r"][k] for k in ("df", "p_value", "ci_low", "ci_high", "estimate")},
    }


@adapter("meta_metafor_bcg_reml")
def _bcg(case: dict[str, Any]) -> Any:
    i = pd.DataFrame(case["input"])
    n_t, n_c = i.tpos + i.tneg, i.cpos + i.cneg
    frame = pd.DataFrame({
        "yi": np.log((i.tpos / n_t) / (i.cpos / n_c)),
        "vi": 1 / i.tpos - 1 / n_t + 1 / i.cpos - 1 / n_c,
    })  # fmt: skip
    runs = [
        Run("REML", "meta", ("yi",), {"variance": "vi", "method": "REML"}, frame),
        Run("REML_knha", "meta", ("yi",), {"variance": "vi", "method": "REML", "knapp_hartung": True}, frame),
    ]
    return runs, lambda r: {k: {f: r[k][f] for f in case["expected"][k]} for k in case["expected"]}
