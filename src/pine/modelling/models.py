"""Theory of change, evaluation plan and measures library.

The team edits live rows (elements, links, questions, outcomes…); every save also writes a *version*: a JSON
snapshot of the whole model or plan, never changed afterwards. Checkpoints point at versions: the stage 2
decision approves a theory of change version, the stage 3 decision registers a plan version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse


class ElementKind(models.TextChoices):
    PROBLEM = "problem", "Problem and context"
    POPULATION = "population", "Who the intervention is for"
    INPUT = "input", "Inputs"
    ACTIVITY = "activity", "Activities"
    OUTPUT = "output", "Outputs"
    SHORT = "outcome_short", "Short-term outcomes"
    MEDIUM = "outcome_medium", "Medium-term outcomes"
    LONG = "outcome_long", "Long-term outcomes"
    IMPACT = "impact", "Impact"
    ASSUMPTION = "assumption", "Assumptions"
    EXTERNAL = "external", "External factors"


# The diagram's columns, left to right; links run from an earlier column to a later one.
CHAIN: tuple[str, ...] = (
    ElementKind.INPUT,
    ElementKind.ACTIVITY,
    ElementKind.OUTPUT,
    ElementKind.SHORT,
    ElementKind.MEDIUM,
    ElementKind.LONG,
    ElementKind.IMPACT,
)
OUTCOMES: tuple[str, ...] = (ElementKind.SHORT, ElementKind.MEDIUM, ElementKind.LONG)
KIND_ORDER = {kind: index for index, kind in enumerate(ElementKind.values)}


class TheoryOfChange(models.Model):
    project = models.OneToOneField("journey.Project", on_delete=models.CASCADE, related_name="theory_of_change")
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Theory of change for {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("modelling:toc", kwargs={"pk": self.project_id})


class Element(models.Model):
    toc = models.ForeignKey(TheoryOfChange, on_delete=models.CASCADE, related_name="elements")
    kind = models.CharField(max_length=20, choices=ElementKind.choices)
    text = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def column(self) -> int | None:
        return CHAIN.index(self.kind) if self.kind in CHAIN else None

    @property
    def is_outcome(self) -> bool:
        return self.kind in OUTCOMES


class Link(models.Model):
    """This element leads to that one (an activity to an output, an output to an outcome…)."""

    toc = models.ForeignKey(TheoryOfChange, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="links_in")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="one_link_each_way")]

    def __str__(self) -> str:
        return f"{self.source} leads to {self.target}"


class ToCVersion(models.Model):
    toc = models.ForeignKey(TheoryOfChange, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    change = models.CharField("what changed", max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    approved_decision = models.ForeignKey(
        "journey.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["toc", "number"], name="one_toc_version_number")]

    def __str__(self) -> str:
        return f"Version {self.number} of the {self.toc}"


# The evaluation plan


class Design(models.TextChoices):
    PRE_POST = "pre_post", "Before and after, without a comparison group"
    PRE_POST_COMPARISON = "pre_post_comparison", "Before and after, with a comparison group"
    RCT_INDIVIDUAL = "rct_individual", "Randomised trial: people are randomly allocated"
    RCT_CLUSTER = "rct_cluster", "Randomised trial: teams, schools or areas (clusters) are randomly allocated"
    ITS = "its", "Interrupted time series on routine data"
    QUALITATIVE = "qualitative", "Qualitative only (interviews, focus groups)"
    MIXED = "mixed", "Mixed methods: numbers and interviews or focus groups"


QUANTITATIVE_DESIGNS = [choice for choice in Design.choices if choice[0] not in {Design.QUALITATIVE, Design.MIXED}]


class Reporter(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioners, about themselves"
    PRACTITIONER_ABOUT_FAMILY = "practitioner_family", "Practitioners, about a child or family"
    CHILD = "child", "Children and young people"
    PARENT = "parent", "Parents and carers"
    RECORDS = "records", "Taken from case records or routine data"
    OBSERVER = "observer", "An observer or auditor"


class TimePoint(models.TextChoices):
    BASELINE = "baseline", "Baseline (before the intervention)"
    END = "end", "End of the intervention"
    MONTHS_3 = "3m", "3 months after"
    MONTHS_6 = "6m", "6 months after"
    MONTHS_12 = "12m", "12 months after"
    ROUTINE = "routine", "Monthly routine data, before and after"


class DataSource(models.TextChoices):
    SURVEYS = "surveys", "Surveys or questionnaires"
    CASE_RECORDS = "case_records", "Case records"
    ROUTINE = "routine", "Routine data (for example, monthly counts)"
    INTERVIEWS = "interviews", "Interviews"
    FOCUS_GROUPS = "focus_groups", "Focus groups"
    OBSERVATION = "observation", "Observation or case audits"


class EvaluationPlan(models.Model):
    project = models.OneToOneField("journey.Project", on_delete=models.CASCADE, related_name="evaluation_plan")
    design = models.CharField(max_length=30, choices=Design.choices, blank=True)
    mixed_quantitative_design = models.CharField(max_length=30, choices=QUANTITATIVE_DESIGNS, blank=True)
    design_reasons = models.TextField(blank=True)
    participants = models.TextField("who will take part and how they are recruited", blank=True)
    comparison_group = models.TextField("who the comparison group is", blank=True)
    sample_size_intervention = models.PositiveIntegerField(null=True, blank=True)
    sample_size_comparison = models.PositiveIntegerField(null=True, blank=True)
    sample_size_basis = models.TextField("how the sample size was worked out", blank=True)
    data_sources = models.JSONField(default=list, blank=True)
    data_sources_detail = models.TextField(blank=True)
    sharing = models.TextField("how findings will be shared", blank=True)
    # The audit log shows these lists' labels, not their codes (see core.audit_display).
    AUDIT_CHOICES = {"data_sources": DataSource}
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Evaluation plan for {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("modelling:plan", kwargs={"pk": self.project_id})

    @property
    def quantitative_design(self) -> str:
        """The design of the numbers part: the design itself, or for mixed methods its quantitative strand."""
        return self.mixed_quantitative_design if self.design == Design.MIXED else self.design


class PlanQuestion(models.Model):
    plan = models.ForeignKey(EvaluationPlan, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    outcomes = models.ManyToManyField(Element, blank=True, related_name="questions")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class PlanOutcome(models.Model):
    """An outcome of the theory of change that the evaluation measures, and how."""

    plan = models.ForeignKey(EvaluationPlan, on_delete=models.CASCADE, related_name="outcomes")
    outcome = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="plan_outcomes")
    measure = models.ForeignKey("Measure", on_delete=models.PROTECT, related_name="plan_outcomes")
    reported_by = models.CharField(max_length=30, choices=Reporter.choices)
    time_points = models.JSONField(default=list)
    scoring = models.TextField("how it is scored", blank=True)
    position = models.PositiveIntegerField(default=0)
    AUDIT_CHOICES = {"time_points": TimePoint}

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.outcome} – {self.measure}"

    def time_point_labels(self) -> list[str]:
        return [TimePoint(t).label for t in self.time_points if t in TimePoint.values]


class PlanAnalysis(models.Model):
    """One planned analysis for a question, in the vocabulary of `pine.stats` (see vocabulary.METHODS)."""

    plan = models.ForeignKey(EvaluationPlan, on_delete=models.CASCADE, related_name="analyses")
    question = models.ForeignKey(PlanQuestion, on_delete=models.CASCADE, related_name="analyses")
    outcome = models.ForeignKey(PlanOutcome, null=True, blank=True, on_delete=models.CASCADE, related_name="analyses")
    method = models.CharField(max_length=30)
    groups = models.CharField(max_length=20, default="none")
    time_points = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    AUDIT_CHOICES = {"time_points": TimePoint}

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.method} for {self.question}"


class PlanMilestone(models.Model):
    plan = models.ForeignKey(EvaluationPlan, on_delete=models.CASCADE, related_name="milestones")
    due = models.DateField()
    what = models.CharField(max_length=300)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return f"{self.due}: {self.what}"


class PlanRisk(models.Model):
    plan = models.ForeignKey(EvaluationPlan, on_delete=models.CASCADE, related_name="risks")
    risk = models.CharField(max_length=300)
    mitigation = models.TextField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.risk


class PlanVersion(models.Model):
    """A frozen copy of the plan. Once registered (by the stage 3 proceed decision) it is the reference the
    report compares the current plan against; later versions carry the reason for the change."""

    plan = models.ForeignKey(EvaluationPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    content_hash = models.CharField(max_length=64)
    change = models.CharField("what changed", max_length=300)
    reason = models.TextField("why the registered plan changed", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    registered_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_decision = models.ForeignKey(
        "journey.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")]

    def __str__(self) -> str:
        return f"Version {self.number} of the {self.plan}"


# The measures library


class Measure(models.Model):
    """A questionnaire or scale. Programme-wide when `organisation` is empty; otherwise a site's own."""

    name = models.CharField(max_length=200)
    measures_what = models.TextField("what it measures")
    completed_by = models.CharField(max_length=30, choices=Reporter.choices)
    items = models.PositiveIntegerField("number of items", null=True, blank=True)
    scoring = models.TextField()
    licence = models.TextField("licence")
    cost = models.CharField(max_length=200)
    validated = models.BooleanField(default=False)
    source = models.TextField("source (reference)")
    source_url = models.URLField("link to the source", max_length=500, blank=True)
    items_text = models.TextField("the items, for PINE's own free measures", blank=True)
    pine_own = models.BooleanField(default=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="measures"
    )
    priorities = models.ManyToManyField("programme.Priority", blank=True, related_name="measures")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("modelling:measure", kwargs={"measure": self.pk})
