"""Adapters for the cases in reference_extra.json added with the full method set (see reference_adapters.py)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from reference_adapters import adapter, es
from reference_harness import Run, expand, long, nan_list


@adapter("fisher_exact_r_tea_tasting")
def _tea(case: dict[str, Any]) -> Any:
    frame = expand(case["input"]["table"], ["Milk", "Tea"], ["Milk", "Tea"], ("guess", "truth"))
    runs = [Run("r", "proportions", ("truth", "guess"), {"event": "Milk", "alternative": "greater"}, frame)]
    return runs, lambda r: {
        "p_value_greater": r["r"]["fisher"]["p_value"], "odds_ratio_conditional_mle": r["r"]["fisher"]["odds_ratio"],
        "ci_low_greater": r["r"]["fisher"]["ci_low"],
    }  # fmt: skip


@adapter("mann_whitney_r_airquality_ties")
def _airquality_mw(case: dict[str, Any]) -> Any:
    i = case["input"]
    frame = long({"May": nan_list(i["may"]), "August": nan_list(i["august"])}, "ozone", "month")
    runs = [Run("r", "two_group", ("ozone", "month"), {"levels": ["May", "August"]}, frame)]
    return runs, lambda r: {
        "W": r["r"]["mann_whitney"]["statistic"], "p_value": r["r"]["mann_whitney"]["p_value"], "n": r["r"]["n"],
        "n_dropped": r["r"]["n_dropped"],
    }  # fmt: skip


@adapter("describe_r_airquality_ozone")
def _airquality_describe(case: dict[str, Any]) -> Any:
    frame = pd.DataFrame({"Ozone": nan_list(case["input"]["ozone"]), "Month": case["input"]["month"]})
    runs = [Run("r", "describe", ("Ozone",), {}, frame)]

    def extract(r: dict[str, Any]) -> dict[str, Any]:
        o = r["r"]["overall"]
        return {k: o[k] for k in ("n", "missing", "min", "q1", "median", "mean", "q3", "max")}

    return runs, extract


@adapter("ancova_r_anorexia")
def _anorexia(case: dict[str, Any]) -> Any:
    i = case["input"]
    frame = pd.DataFrame({"Treat": i["treat"], "Prewt": i["prior"], "Postwt": i["post"]})
    runs = [Run("r", "ancova", ("Postwt", "Treat"), {"pre": "Prewt", "levels": ["Cont", "CBT", "FT"]}, frame)]

    def extract(r: dict[str, Any]) -> dict[str, Any]:
        c = {x["label"]: x for x in r["r"]["contrasts"]}

        def pick(x: dict[str, Any]) -> dict[str, Any]:
            return {"estimate": x["estimate"], "se": x["se"], "t": x["statistic"], "p_value": x["p_value"]}

        return {"cont_minus_cbt": pick(c["Cont - CBT"]), "cbt_minus_ft": pick(c["CBT - FT"]), "df": r["r"]["df"],
                "slope_prior": r["r"]["slopes"][0]}  # fmt: skip

    return runs, extract


@adapter("did_wooldridge_kielmc_incinerator")
def _kielmc(case: dict[str, Any]) -> Any:
    frame = pd.DataFrame(case["input"])
    runs = [Run("r", "did", ("rprice", "nearinc", "year"), {"levels": [1, 0], "periods": [1978, 1981]}, frame)]

    def extract(r: dict[str, Any]) -> dict[str, Any]:
        (n78, n81), (f78, f81) = r["r"]["cell_means"]
        return {"estimate": r["r"]["estimate"], "se_classical": r["r"]["se_classical"], "n": r["r"]["n"],
                "cell_means": {"near_1978": n78, "near_1981": n81, "far_1978": f78, "far_1981": f81}}  # fmt: skip

    return runs, extract


def _raters(rows: list[list[Any]]) -> pd.DataFrame:
    return pd.DataFrame({f"rater{k + 1}": nan_list(row) for k, row in enumerate(rows)})


@adapter("krippendorff_2011_worked_example")
def _kripp_2011(case: dict[str, Any]) -> Any:
    frame = _raters(case["input"]["observers_by_units"])
    levels = ("nominal", "ordinal", "interval", "ratio")
    runs = [Run(lv, "krippendorff", (list(frame.columns),), {"level": lv}, frame) for lv in levels]
    return runs, lambda r: {k: r[k]["alpha"] for k in r}


@adapter("krippendorff_hayes_kalpha_two_examples")
def _kripp_hayes(case: dict[str, Any]) -> Any:
    frames = {
        "wikipedia": _raters(case["input"]["wikipedia_coders_by_units"]),
        "second": _raters(case["input"]["second_coders_by_units"]),
    }
    runs = [
        Run(f"{name}.{lv}", "krippendorff", (list(frame.columns),), {"level": lv}, frame)
        for name, frame in frames.items()
        for lv in ("nominal", "ordinal", "interval")
    ]

    def extract(r: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in r.items():
            name, lv = key.split(".")
            out.setdefault(name, {})[lv] = value["alpha"]
        return out

    return runs, extract


@adapter("kappa_vcd_sexual_fun_ase_ci")
def _sexual_fun(case: dict[str, Any]) -> Any:
    levels = case["input"]["levels"]
    frame = expand(case["input"]["table_husband_rows_wife_cols"], levels, levels, ("husband", "wife"))
    # Category order is the scale's order: code the ratings 1..4 so sorting keeps it.
    frame = frame.replace({lv: k + 1 for k, lv in enumerate(levels)})
    runs = [Run(w, "kappa", ("husband", "wife"), {"weights": w}, frame) for w in ("none", "linear")]
    names = {"unweighted": "none", "linear": "linear"}
    return runs, lambda r: {k: {f: r[w][f] for f in ("kappa", "se", "ci_low", "ci_high")} for k, w in names.items()}


@adapter("cronbach_alpha_psych_shrout_fleiss")
def _shrout_fleiss(case: dict[str, Any]) -> Any:
    frame = pd.DataFrame(case["input"])
    runs = [Run("r", "cronbach", (list(frame.columns),), {}, frame)]
    return runs, lambda r: {k: r["r"][k] for k in ("alpha", "ci_low", "ci_high")}


@adapter("risk_ratio_odds_ratio_agresti_aspirin")
def _aspirin(case: dict[str, Any]) -> Any:
    frame = expand(case["input"]["table"], ["placebo", "aspirin"], ["yes", "no"], ("group", "mi"))
    runs = [Run("r", "proportions", ("mi", "group"), {"event": "yes", "levels": ["placebo", "aspirin"]}, frame)]

    def extract(r: dict[str, Any]) -> dict[str, Any]:
        rd, rr, orr = (es(r["r"], n) for n in ("risk_difference", "risk_ratio", "odds_ratio"))
        return {"risk_difference": rd["value"], "rd_ci": [rd["ci_low"], rd["ci_high"]], "risk_ratio": rr["value"],
                "rr_ci": [rr["ci_low"], rr["ci_high"]], "odds_ratio": orr["value"],
                "or_ci": [orr["ci_low"], orr["ci_high"]]}  # fmt: skip

    return runs, extract


@adapter("power_pwr_two_proportions")
def _power_2p(case: dict[str, Any]) -> Any:
    runs = []
    for k, spec in enumerate(case["input"]["cases"]):
        kwargs: dict[str, Any] = {"alternative": spec.get("alternative", "two-sided")}
        if "p1" in spec:
            kwargs.update(p1=spec["p1"], p2=spec["p2"])
        else:
            kwargs["effect_size"] = spec["h"]
        if "n1" in spec:
            kwargs.update(n=spec["n1"], ratio=spec["n2"] / spec["n1"])
        elif "n" in spec:
            kwargs["n"] = spec["n"]
        if "power" in spec:
            kwargs["power"] = spec["power"]
        runs.append(Run(str(k), "power", ("proportions",), kwargs))

    def extract(r: dict[str, Any]) -> dict[str, Any]:
        wanted = case["expected"]["results"]
        return {"results": [{f: r[str(k)][f] for f in w} for k, w in enumerate(wanted)]}

    return runs, extract


@adapter("power_cluster_design_effect")
def _power_cluster(case: dict[str, Any]) -> Any:
    i = case["input"]
    kwargs = {"effect_size": i["effect_size"], "power": i["power"], "alpha": i["alpha"], "icc": i["icc"],
              "cluster_size": i["cluster_size"]}  # fmt: skip
    runs = [Run("r", "power", ("cluster",), kwargs)]
    return runs, lambda r: {
        "design_effect": r["r"]["design_effect"], "n_per_group": r["r"]["n_per_group"],
        "clusters_per_group": r["r"]["clusters_per_group"],
    }  # fmt: skip
