"""Behaviour of `pine.stats` beyond the published reference values.

Hand-written estimators are checked against independent implementations (statsmodels' sandwich covariances),
numerical edge cases of the noncentral-t interval, the rules of the plain-English summaries, and the parts of
each result a report relies on (checks, warnings, charts).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

import pine.stats as ps
from pine.cli import main as pine_main
from pine.stats import charts
from pine.stats._numeric import nct_cdf, nct_interval
from pine.stats.summary import CAUSAL_WORDS


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    """Long data: 40 teams in two groups, each seen before and after, 5 people per team and period."""
    rng = np.random.default_rng(7)
    teams = np.repeat(np.arange(40), 10)
    group = np.where(teams < 20, "service", "comparison")
    period = np.tile(np.repeat(["before", "after"], 5), 40)
    team_effect = rng.normal(0, 2, 40)[teams]
    pre = rng.normal(20, 4, len(teams))
    noise = rng.normal(0, 3, len(teams)) * np.where(group == "service", 1.5, 1.0)
    effect = 2.0 * ((group == "service") & (period == "after"))
    outcome = 30 + team_effect + 0.5 * pre + effect + noise
    return pd.DataFrame({"team": teams, "group": group, "period": period, "pre": pre, "outcome": outcome})


def _did_frame(panel: pd.DataFrame) -> pd.DataFrame:
    return panel.assign(treated=(panel.group == "service").astype(float), later=(panel.period == "after").astype(float))


def test_did_robust_se_is_statsmodels_hc3(panel: pd.DataFrame) -> None:
    """The DiD estimate and its HC3 SE equal statsmodels' OLS of outcome ~ treated * later with HC3."""
    result = ps.did(
        "outcome", "group", "period", data=panel, levels=["service", "comparison"], periods=["before", "after"]
    )
    fit = smf.ols("outcome ~ treated * later", data=_did_frame(panel)).fit(cov_type="HC3")
    assert result.estimate == pytest.approx(fit.params["treated:later"], rel=1e-10)
    assert result.se == pytest.approx(fit.bse["treated:later"], rel=1e-10)
    assert result.se_type == "robust (HC3)"


def test_did_cluster_se_is_statsmodels_cr1(panel: pd.DataFrame) -> None:
    """With a cluster column the SE is CR1, as statsmodels' cluster covariance, with G − 1 degrees of freedom."""
    result = ps.did(
        "outcome", "group", "period", data=panel, levels=["service", "comparison"], periods=["before", "after"],
        cluster="team",
    )  # fmt: skip
    fit = smf.ols("outcome ~ treated * later", data=_did_frame(panel)).fit(
        cov_type="cluster", cov_kwds={"groups": panel.team}
    )
    assert result.se == pytest.approx(fit.bse["treated:later"], rel=1e-10)
    assert result.n_clusters == 40 and result.df == 39


def test_ancova_matches_statsmodels_classical_and_clustered(panel: pd.DataFrame) -> None:
    """ANCOVA's adjusted difference and SE equal statsmodels' OLS, classical and cluster-robust."""
    after = panel[panel.period == "after"].reset_index(drop=True)
    frame = after.assign(comparison=(after.group == "comparison").astype(float))
    plain = ps.ancova("outcome", "group", pre="pre", data=after, levels=["service", "comparison"])
    fit = smf.ols("outcome ~ pre + comparison", data=frame).fit()
    assert plain.estimate == pytest.approx(-fit.params["comparison"], rel=1e-10)
    assert plain.se == pytest.approx(fit.bse["comparison"], rel=1e-10)
    assert plain.p_value == pytest.approx(fit.pvalues["comparison"], rel=1e-8)
    clustered = ps.ancova("outcome", "group", pre="pre", data=after, levels=["service", "comparison"], cluster="team")
    cfit = smf.ols("outcome ~ pre + comparison", data=frame).fit(cov_type="cluster", cov_kwds={"groups": after.team})
    assert clustered.se == pytest.approx(cfit.bse["comparison"], rel=1e-10)


@pytest.mark.parametrize(
    ("t", "df"), [(-3.0, 3.0), (3.0, 3.0), (40.0, 5.0), (-1e4, 2.0), (0.0, 5.0), (300.0, 999_999.0), (2.25, 1.0)]
)
def test_noncentral_t_interval_is_finite_and_covers_t(t: float, df: float) -> None:
    """The CI for the noncentrality exists for extreme t and df, contains t's neighbourhood, and is ordered."""
    lo, hi = nct_interval(t, df, 0.95)
    assert math.isfinite(lo) and math.isfinite(hi) and lo < hi
    assert nct_cdf(t, df, lo) == pytest.approx(0.975, abs=1e-9)
    assert nct_cdf(t, df, hi) == pytest.approx(0.025, abs=1e-9)


def test_noncentral_t_interval_is_symmetric_in_t() -> None:
    """Negating t negates and swaps the bounds."""
    lo, hi = nct_interval(-3.0, 3.0, 0.95)
    lo2, hi2 = nct_interval(3.0, 3.0, 0.95)
    assert lo == pytest.approx(-hi2, rel=1e-9) and hi == pytest.approx(-lo2, rel=1e-9)


def test_rank_tests_are_skipped_on_huge_samples_unless_asked() -> None:
    """Above 100,000 rows the rank tests are left out with a warning; rank_test=True runs them anyway."""
    rng = np.random.default_rng(1)
    before = rng.normal(size=100_001)
    after = before + rng.normal(0.1, 1, size=100_001)
    auto = ps.paired(before, after)
    assert auto.wilcoxon is None and any("Wilcoxon" in w for w in auto.warnings)
    forced = ps.paired(before[:2000], after[:2000], rank_test=True)
    assert forced.wilcoxon is not None
    groups = np.arange(100_001) % 2
    assert ps.two_group(after, groups).mann_whitney is None
    assert ps.two_group(after, groups, rank_test=True).mann_whitney is not None


def test_kappa_and_mcnemar_allow_a_category_only_one_column_uses() -> None:
    """A category used by one rater (or only after) is still a category, not an error."""
    result = ps.kappa([1, 2, 3, 1, 2, 2], [1, 2, 2, 1, 2, 1])
    assert result.categories == (1, 2, 3) and result.n == 6
    change = ps.mcnemar(["no"] * 6, ["yes", "no", "yes", "yes", "no", "yes"], event="yes")
    assert change.table == ((0, 0), (4, 2))


def test_prepost_summary_has_no_causal_words_and_puts_the_ci_first() -> None:
    """Pre/post summaries describe change, never cause; the CI comes before the p-value."""
    result = ps.paired([10, 12, 9, 14, 11, 13, 8, 15], [12, 15, 9, 18, 12, 16, 9, 19])
    text = result.summary.lower()
    assert not any(word in text.replace("that the service caused it", "") for word in CAUSAL_WORDS)
    assert "caused it" in text  # only in the caveat that says the design cannot show it
    assert text.index("confidence interval") < re.search(r"\bp [=<]", text).start()


def test_non_significant_results_say_no_clear_evidence() -> None:
    """A non-significant difference is 'no clear evidence of a difference', never 'no difference'."""
    frame = pd.DataFrame({"y": [5.0, 6, 7, 5, 6, 7, 5.5, 6.5], "g": ["a"] * 4 + ["b"] * 4})
    result = ps.two_group("y", "g", data=frame)
    assert result.p_value > 0.05
    assert "no clear evidence of a difference" in result.summary
    assert not re.search(r"(?<!evidence of )no difference", result.summary)


def test_dropped_rows_are_counted_with_their_reason() -> None:
    """Listwise deletion is reported per column, counting each row once."""
    frame = pd.DataFrame({"pre": [1.0, np.nan, 3, 4, 5, np.nan], "post": [2.0, 3, np.nan, 5, 7, np.nan]})
    result = ps.paired("pre", "post", data=frame)
    assert result.n == 3 and result.n_dropped == 3
    assert [(d.column, d.rows, d.reason) for d in result.dropped] == [("pre", 2, "missing"), ("post", 1, "missing")]


def test_cronbach_alpha_if_deleted_is_alpha_of_the_other_items() -> None:
    """Each item's alpha-if-deleted is Cronbach's alpha computed on the remaining items."""
    rng = np.random.default_rng(3)
    trait = rng.normal(size=60)
    frame = pd.DataFrame({f"q{i}": trait + rng.normal(scale=1 + i / 3, size=60) for i in range(4)})
    result = ps.cronbach(list(frame.columns), data=frame)
    for item in result.item_statistics:
        rest = [c for c in frame.columns if c != item.item]
        assert item.alpha_if_deleted == pytest.approx(ps.cronbach(rest, data=frame).alpha, rel=1e-12)
        others = frame[rest].sum(axis=1)
        assert item.item_total_correlation == pytest.approx(np.corrcoef(frame[item.item], others)[0, 1], rel=1e-12)


def test_describe_by_group_and_frequencies() -> None:
    """Numbers get a summary per group (with missing counted per group); text gets a frequency table."""
    frame = pd.DataFrame({"score": [1.0, 2, 3, np.nan, 5, 6], "site": ["a", "a", "a", "b", "b", "b"]})
    result = ps.describe("score", data=frame, by="site")
    assert [(g.group, g.n, g.missing, g.median) for g in result.groups] == [("a", 3, 0, 2.0), ("b", 2, 1, 5.5)]
    table = ps.describe(["yes", "no", "yes", "", None, "yes"])
    assert result.kind == "numeric" and table.kind == "categorical"
    assert [(f.level, f.count) for f in table.frequencies] == [("no", 1), ("yes", 3)] and table.missing == 2


def test_meta_accepts_standard_errors_or_variances() -> None:
    """Effect + SE and effect + SE² give the same pooled result; FE has tau² = 0 and a PI equal to the CI."""
    y = [0.62, 0.05, 0.55, -0.2, 0.41, 0.9]
    se = [0.2, 0.158, 0.3, 0.173, 0.245, 0.141]
    by_se = ps.meta(y, se=se)
    by_var = ps.meta(y, variance=[s * s for s in se])
    assert by_se.estimate == pytest.approx(by_var.estimate, rel=1e-12) and by_se.tau2 == pytest.approx(by_var.tau2)
    fixed = ps.meta(y, se=se, method="FE")
    assert fixed.tau2 == 0 and (fixed.pi_low, fixed.pi_high) == (fixed.ci_low, fixed.ci_high)


def test_power_round_trips_and_allows_for_attrition() -> None:
    """Solving for n, then for power at that n, then for the effect size gives back the inputs."""
    n = ps.power("two-group", effect_size=0.4, power=0.9).n
    assert ps.power("two-group", effect_size=0.4, n=n).power == pytest.approx(0.9, abs=1e-8)
    assert ps.power("two-group", n=n, power=0.9).effect_size == pytest.approx(0.4, abs=1e-6)
    planned = ps.power("paired", effect_size=0.5, power=0.8, attrition=0.2)
    assert planned.n_recruit == math.ceil(planned.n / 0.8)


def test_charts_are_svg_with_titles() -> None:
    """Before/after, group means (two groups and ANCOVA) and forest plots render as SVG with a title."""
    rng = np.random.default_rng(5)
    before = rng.normal(10, 2, 30)
    after = before + rng.normal(1, 1, 30)
    frame = pd.DataFrame({"pre": before, "post": after, "g": ["a", "b"] * 15})
    svgs = [
        charts.before_after(before, after),
        charts.group_means(ps.two_group("post", "g", data=frame)),
        charts.group_means(ps.ancova("post", "g", pre="pre", data=frame)),
        charts.forest(ps.meta([0.2, 0.5, 0.1, 0.4], se=[0.1, 0.2, 0.15, 0.1])),
    ]
    for svg in svgs:
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "</svg>" in svg
        assert re.search(r'<svg\b[^>]*role="img"[^>]*><title>[^<]{20,}</title>', svg), svg[:400]
    assert "<title>Before and after: box plots of 30 people" in svgs[0]
    assert "Forest plot of 4 sites" in svgs[3] and "pooled" in svgs[3]


def test_charts_are_the_same_every_time_even_drawn_in_parallel() -> None:
    """Charts use no shared pyplot state: threads drawing at once give the same SVG as drawing alone."""
    from concurrent.futures import ThreadPoolExecutor

    result = ps.meta([0.2, 0.5, 0.1, 0.4], se=[0.1, 0.2, 0.15, 0.1])
    alone = charts.forest(result)
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda _: charts.forest(result), range(8)))
    assert together == [alone] * 8


def test_a_chart_title_is_escaped() -> None:
    """Labels typed by people cannot break the SVG's markup."""
    svg = charts.before_after([1.0, 2.0], [2.0, 3.0], labels=("<b>Pre</b>", "Post & after"))
    assert "<b>" not in svg.split("</title>")[0] and "&lt;b&gt;pre&lt;/b&gt;" in svg


def test_command_reads_xlsx(tmp_path: Path) -> None:
    """`pine stats` reads the first sheet of an XLSX file as it reads a CSV."""
    path = tmp_path / "scores.xlsx"
    pd.DataFrame({"before": [12, 14, 9, 11, 13], "after": [15, 18, 13, 12, 13]}).to_excel(path, index=False)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = pine_main(["stats", "paired", "--data", str(path), "--before", "before", "--after", "after", "--json"])
    assert code == 0
    result = json.loads(out.getvalue())
    assert result["n"] == 5 and result["estimate"] == pytest.approx(2.4)
