"""The words a plan is written in: planned analyses (named after `pine.stats` functions) and what each design
can show, with its rating on a published standard of evidence.

The analysis stage runs a plan's analyses by these names, so each `Method.name` is a `pine.stats` function
(except `thematic`, which is qualitative coding, done in the qualitative part of PINE).
"""

from __future__ import annotations

from dataclasses import dataclass

from pine.modelling.models import Design


class Groups:
    NONE = "none"
    COMPARED = "compared"
    CHOICES = [
        (NONE, "Everyone together (no groups compared)"),
        (COMPARED, "The intervention group compared with the comparison (or control) group"),
    ]


@dataclass(frozen=True)
class Method:
    name: str  # the pine.stats function
    label: str
    hint: str
    groups: bool | None  # True: compares the two groups; False: one group; None: either
    time_points: int | None  # how many time points it uses; None: any number
    quantitative: bool = True
    needs_baseline: bool = False


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method(
            "describe",
            "Describe the results (counts, averages, ranges)",
            "Always useful; on its own it does not test for change.",
            None,
            None,
        ),
        Method(
            "paired",
            "Before and after for the same people (paired t-test)",
            "Compares each person's score at two times.",
            False,
            2,
        ),
        Method(
            "signed_rank",
            "Before and after for the same people, for skewed scores (Wilcoxon signed-rank test)",
            "Like the paired t-test, without assuming scores follow a normal curve.",
            False,
            2,
        ),
        Method(
            "mcnemar",
            "A yes or no answer before and after for the same people (McNemar's test)",
            "For example, whether each family had a plan in place before and after.",
            False,
            2,
        ),
        Method(
            "two_group",
            "Compare the two groups at one time (two-group t-test)",
            "Compares the average score of the two groups.",
            True,
            1,
        ),
        Method(
            "mann_whitney",
            "Compare the two groups at one time, for skewed scores (Mann–Whitney test)",
            "Like the two-group t-test, without assuming scores follow a normal curve.",
            True,
            1,
        ),
        Method(
            "proportions",
            "Compare the proportion of yes answers in the two groups",
            "For example, the share of children who came into care in each group.",
            True,
            1,
        ),
        Method(
            "ancova",
            "Compare the groups afterwards, allowing for where they started (ANCOVA)",
            "The usual analysis of a trial or comparison-group study with a baseline.",
            True,
            2,
            needs_baseline=True,
        ),
        Method(
            "did",
            "Compare the change in each group (difference in differences)",
            "How much more the intervention group changed than the comparison group.",
            True,
            2,
        ),
        Method(
            "regression",
            "Regression (for a time series: segmented regression)",
            "Relates the outcome to time, group and other factors; for routine data before and after.",
            None,
            None,
        ),
        Method(
            "thematic",
            "Thematic analysis of interviews or focus groups (qualitative)",
            "Finding and describing the patterns in what people say; no statistics.",
            None,
            None,
            quantitative=False,
        ),
    )
}
METHOD_CHOICES = [(m.name, m.label) for m in METHODS.values()]

COMPARISON_DESIGNS = {Design.PRE_POST_COMPARISON, Design.RCT_INDIVIDUAL, Design.RCT_CLUSTER}


def design_has_groups(design: str) -> bool:
    return design in COMPARISON_DESIGNS


def design_allows(plan_design: str, quantitative_design: str, method: Method) -> str | None:
    """Why `method` does not fit the design, in plain English, or None when it fits."""
    if not plan_design:
        return None
    if plan_design == Design.QUALITATIVE and method.quantitative:
        return "A qualitative-only design has no scores to analyse with statistics: use thematic analysis."
    if not method.quantitative:
        if plan_design in {Design.QUALITATIVE, Design.MIXED}:
            return None
        return "Thematic analysis needs interviews or focus groups: choose qualitative or mixed methods as the design."
    if method.groups and not design_has_groups(quantitative_design):
        return "This analysis compares two groups, but the design has no comparison group."
    if quantitative_design == Design.ITS and method.name not in {"regression", "describe"}:
        return "An interrupted time series is analysed with segmented regression (or described)."
    return None


# Strength of evidence. Levels from the Nesta Standards of Evidence (Puttick and Ludlow, 2013), with the
# Early Intervention Foundation's evidence standards alongside.
NESTA_SOURCE = (
    "Puttick, R. and Ludlow, J. (2013) Standards of Evidence: an approach that balances the need for evidence "
    "with innovation. London: Nesta."
)
NESTA_URL = "https://www.nesta.org.uk/report/standards-of-evidence/"
EIF_SOURCE = "Early Intervention Foundation (now Foundations), EIF evidence standards."
EIF_URL = "https://guidebook.eif.org.uk/eif-evidence-standards"
NESTA_LEVELS = {
    1: "You can describe what you do and why it matters, logically, coherently and convincingly.",
    2: "You capture data that shows positive change, but you cannot confirm you caused this.",
    3: "You can demonstrate causality using a control or comparison group.",
    4: "You have one or more independent replication evaluations that confirm these conclusions.",
    5: "You have manuals, systems and procedures to ensure consistent replication and positive impact.",
}


@dataclass(frozen=True)
class EvidenceNote:
    design: str
    can_show: str
    cannot_show: str
    nesta_level: int
    eif_level: str
    advice: str

    @property
    def nesta_text(self) -> str:
        return NESTA_LEVELS[self.nesta_level]


EVIDENCE: dict[str, EvidenceNote] = {
    Design.PRE_POST: EvidenceNote(
        Design.PRE_POST,
        "Whether the people who took part changed between the first and the later measurement, and by how much.",
        "Whether the intervention caused the change. Without a comparison group you cannot separate the "
        "intervention from change that would have happened anyway over time: people gaining experience, other "
        "training, a new manager, or scores drifting back towards the average after a difficult period.",
        2,
        "Level 2 (preliminary evidence)",
        "Adding a comparison group, even a neighbouring team that starts later, would let you say much more.",
    ),
    Design.PRE_POST_COMPARISON: EvidenceNote(
        Design.PRE_POST_COMPARISON,
        "Whether the people who took part changed more than a similar group who did not, which points to the "
        "intervention as the cause.",
        "It cannot rule out that the groups differed from the start in ways you did not measure (they were not "
        "randomly allocated), so some of the difference may be due to the groups rather than the intervention.",
        3,
        "Level 3 (efficacy), when the groups are well matched and the study is large enough",
        "Measure both groups at the same times and describe how alike they were at baseline.",
    ),
    Design.RCT_INDIVIDUAL: EvidenceNote(
        Design.RCT_INDIVIDUAL,
        "Whether the intervention caused a difference in outcomes: random allocation makes the groups alike in "
        "everything but the intervention, measured or not.",
        "Whether the result holds in other places or with other staff and families: that needs replication. "
        "People dropping out unevenly, or comparison people receiving the intervention, weaken it.",
        3,
        "Level 3 (efficacy); level 4 after independent replication",
        "Keep allocation out of the hands of the people recruiting, and follow everyone up, not just those who "
        "engaged.",
    ),
    Design.RCT_CLUSTER: EvidenceNote(
        Design.RCT_CLUSTER,
        "Whether the intervention caused a difference in outcomes, when whole teams, schools or areas are "
        "randomly allocated.",
        "With few clusters, the groups may still differ by chance. People in the same cluster are alike, so the "
        "study needs more people than an individually randomised trial (the design effect), and the analysis "
        "must allow for clustering.",
        3,
        "Level 3 (efficacy); level 4 after independent replication",
        "Aim for as many clusters as you can: more, smaller clusters give more power than fewer, bigger ones.",
    ),
    Design.ITS: EvidenceNote(
        Design.ITS,
        "Whether the level or trend of a routinely recorded outcome changed when the intervention started, "
        "compared with the trend before it.",
        "Whether something else that started at the same time caused the change (a new policy, a change in how "
        "data are recorded). It needs many time points before and after (at least 8 to 12 of each).",
        2,
        "Level 2 (preliminary evidence); stronger with a comparison series",
        "Write down what else changed around the start date, and if you can, add a comparison area's series.",
    ),
    Design.QUALITATIVE: EvidenceNote(
        Design.QUALITATIVE,
        "How and why the intervention works or does not, for whom, and what people experience; it can describe "
        "the intervention clearly and test the theory of change's reasoning.",
        "How much change there was, or whether the intervention caused it: interviews and focus groups do not "
        "measure outcomes.",
        1,
        "Level 1 (logic model), supporting later stages",
        "Say how you will choose whom to interview so that different experiences are heard.",
    ),
}


def evidence_note(design: str, quantitative_design: str = "") -> EvidenceNote | None:
    """The note for a design; for mixed methods, the numbers strand's note with the qualitative strand added."""
    if design == Design.MIXED:
        base = EVIDENCE.get(quantitative_design)
        if base is None:
            return None
        return EvidenceNote(
            Design.MIXED,
            base.can_show + " The interviews or focus groups add how and why it worked, and for whom.",
            base.cannot_show,
            base.nesta_level,
            base.eif_level,
            base.advice,
        )
    return EVIDENCE.get(design)


# What goes in each part of a theory of change, for people who have never written one.
KIND_HINTS = {
    "problem": "The problem the intervention tackles, and its context: what is happening now, for whom, and why it "
    "matters.",
    "population": "The children, families or practitioners the intervention is for.",
    "input": "What you put in: staff time, money, training, materials, partners.",
    "activity": "What the intervention does: workshops, visits, groups, supervision.",
    "output": "The direct, countable products of the activities: sessions held, people attending, plans written.",
    "outcome_short": "The first changes for people, soon after the activities: knowledge, confidence, skills.",
    "outcome_medium": "What those first changes lead to: different practice, better relationships, better plans.",
    "outcome_long": "Lasting changes for children and families: safety, stability, wellbeing.",
    "impact": "The difference in the end, for the wider system: fewer children in care, a stable workforce.",
    "assumption": "What must be true for the model to work: 'managers release staff to attend'.",
    "external": "Things outside your control that could help or hinder: staff turnover, an inspection, new policy.",
}
