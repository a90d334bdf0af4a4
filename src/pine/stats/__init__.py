"""`pine.stats`: PINE's statistics library. Numbers in, typed results out; no Django.

One function per method, each returning a frozen dataclass with estimates, CIs, p-values, counts (including
rows dropped and why), assumption checks, warnings and a plain-English `summary`; `result.to_dict()` gives the
JSON form used by `pine stats --json`. Bad input raises `StatsInputError` naming the column and first bad row.
See docs/statistics.md for the formulas, conventions and references.
"""

from pine.stats._base import Check, Dropped, EffectSize, StatsInputError
from pine.stats.agreement import cronbach, kappa, krippendorff
from pine.stats.binary import contingency, goodness_of_fit, mcnemar, mcnemar_table, proportions
from pine.stats.comparison import ancova, did
from pine.stats.describe import describe, frequencies
from pine.stats.groups import mann_whitney, two_group
from pine.stats.meta import meta
from pine.stats.paired import paired, signed_rank
from pine.stats.power import power
from pine.stats.regression import regression

__all__ = [
    "Check",
    "Dropped",
    "EffectSize",
    "StatsInputError",
    "ancova",
    "contingency",
    "cronbach",
    "describe",
    "did",
    "frequencies",
    "goodness_of_fit",
    "kappa",
    "krippendorff",
    "mann_whitney",
    "mcnemar",
    "mcnemar_table",
    "meta",
    "paired",
    "power",
    "proportions",
    "regression",
    "signed_rank",
    "two_group",
]
