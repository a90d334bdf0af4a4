"""Properties every result must have, checked on generated data with hypothesis."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pine.stats as ps

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
values = st.lists(st.integers(-50, 50).map(float), min_size=4, max_size=25)


def _varied(xs: list[float]) -> bool:
    return len(set(xs)) > 1


@FAST
@given(values.filter(_varied), values.filter(_varied))
def test_swapping_groups_flips_signs_and_keeps_p_values(a: list[float], b: list[float]) -> None:
    """Reversing the group order negates the difference, its CI and d, and leaves every p-value alone."""
    frame = pd.DataFrame({"y": a + b, "g": ["a"] * len(a) + ["b"] * len(b)})
    ab = ps.two_group("y", "g", data=frame, levels=["a", "b"])
    ba = ps.two_group("y", "g", data=frame, levels=["b", "a"])
    assert np.isclose(ab.estimate, -ba.estimate)
    assert np.isclose(ab.ci_low, -ba.ci_high) and np.isclose(ab.ci_high, -ba.ci_low)
    assert np.isclose(ab.effect_size.value, -ba.effect_size.value)
    assert np.isclose(ab.p_value, ba.p_value) and np.isclose(ab.student.p_value, ba.student.p_value)
    assert ab.mann_whitney is not None and ba.mann_whitney is not None
    assert np.isclose(ab.mann_whitney.p_value, ba.mann_whitney.p_value)


@FAST
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=4, max_size=30), st.integers(-1000, 1000))
def test_adding_a_constant_to_both_time_points_changes_nothing(pairs: list[tuple[int, int]], shift: int) -> None:
    """Paired results depend only on the differences, so a common shift leaves them unchanged."""
    before = np.array([p[0] for p in pairs], float)
    after = np.array([p[1] for p in pairs], float)
    d = after - before
    if len(set(d)) < 2:
        return
    plain = ps.paired(before, after)
    moved = ps.paired(before + shift, after + shift)
    assert np.isclose(plain.estimate, moved.estimate) and np.isclose(plain.statistic, moved.statistic)
    assert np.isclose(plain.p_value, moved.p_value) and np.isclose(plain.effect_size.value, moved.effect_size.value)
    assert plain.wilcoxon is not None and moved.wilcoxon is not None
    assert plain.wilcoxon.statistic == moved.wilcoxon.statistic
    assert np.isclose(plain.wilcoxon.p_value, moved.wilcoxon.p_value)


@FAST
@given(st.data())
def test_results_do_not_depend_on_row_order(data: st.DataObject) -> None:
    """Shuffling the rows gives the same two-group, ANCOVA and proportions results."""
    n = data.draw(st.integers(8, 30))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    frame = pd.DataFrame(
        {
            "pre": rng.normal(size=n).round(2),
            "post": rng.normal(size=n).round(2),
            "g": ["a", "b"] * (n // 2) + ["a"] * (n % 2),
            "yes": rng.integers(0, 2, size=n),
        }
    )
    order = data.draw(st.permutations(range(n)))
    shuffled = frame.iloc[list(order)].reset_index(drop=True)
    for call in (
        lambda d: ps.two_group("post", "g", data=d),
        lambda d: ps.ancova("post", "g", pre="pre", data=d),
    ):
        one, two = call(frame), call(shuffled)
        assert np.isclose(one.estimate, two.estimate) and np.isclose(one.p_value, two.p_value)
        assert np.isclose(one.se, two.se)
    if frame.yes.nunique() == 2:
        one, two = ps.proportions("yes", "g", data=frame), ps.proportions("yes", "g", data=shuffled)
        assert one.table == two.table and np.isclose(one.p_value, two.p_value)


@FAST
@given(st.data())
def test_paired_and_meta_do_not_depend_on_row_order(data: st.DataObject) -> None:
    """Shuffling pairs (or sites) leaves paired and meta-analysis results unchanged."""
    n = data.draw(st.integers(5, 25))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    before = rng.normal(10, 2, n).round(1)
    after = (before + rng.normal(1, 1, n)).round(1)
    se = rng.uniform(0.05, 0.3, n)
    order = np.array(data.draw(st.permutations(range(n))))
    one, two = ps.paired(before, after), ps.paired(before[order], after[order])
    assert np.isclose(one.statistic, two.statistic) and np.isclose(one.p_value, two.p_value)
    assert one.wilcoxon is not None and two.wilcoxon is not None
    assert one.wilcoxon.statistic == two.wilcoxon.statistic
    m1, m2 = ps.meta(after - before, se=se), ps.meta((after - before)[order], se=se[order])
    assert np.isclose(m1.estimate, m2.estimate) and np.isclose(m1.tau2, m2.tau2, atol=1e-12)
    assert np.isclose(m1.i2, m2.i2, atol=1e-9)
