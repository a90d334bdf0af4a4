"""Questionnaires: their versions, pages, questions and subscales."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

# Instruments


class ScoringMethod(models.TextChoices):
    SUM = "sum", "Add up the item scores (sum)"
    MEAN = "mean", "Average of the item scores (mean)"
    NONE = "none", "No score (for example, a feedback form)"


class Instrument(models.Model):
    """A questionnaire. Versions share a `family`; a version in use is frozen and changes make a new one."""

    project = models.ForeignKey("journey.Project", on_delete=models.CASCADE, related_name="instruments")
    family = models.UUIDField(default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    description = models.TextField("introduction for respondents", blank=True)
    # Where the questionnaire comes from in the evaluation plan, when it does (the modelling measures library).
    measure = models.ForeignKey(
        "modelling.Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="instruments"
    )
    scoring = models.CharField(max_length=10, choices=ScoringMethod.choices, default=ScoringMethod.SUM)
    min_answered = models.PositiveSmallIntegerField("fewest items answered for a valid score", null=True, blank=True)
    change_note = models.CharField("what changed from the last version", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["family", "version"], name="one_instrument_version_number")]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("collection:instrument", kwargs={"pk": self.project_id, "instrument": self.pk})


class Section(models.Model):
    """One page of a questionnaire as respondents see it."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    intro = models.TextField("introduction", blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class ItemKind(models.TextChoices):
    LIKERT = "likert", "Rating scale (for example, strongly disagree to strongly agree)"
    NUMBER = "number", "Number"
    SINGLE = "single", "Choose one option"
    MULTIPLE = "multiple", "Choose any options that apply"
    YES_NO = "yes_no", "Yes or no"
    DATE = "date", "Date"
    SHORT_TEXT = "short_text", "Short answer in words"
    LONG_TEXT = "long_text", "Longer answer in words"


SCORABLE_KINDS = {ItemKind.LIKERT, ItemKind.NUMBER, ItemKind.YES_NO, ItemKind.SINGLE}
TEXT_KINDS = {ItemKind.SHORT_TEXT, ItemKind.LONG_TEXT}


class Item(models.Model):
    """One question. `code` names its column in imports and exports (its SPSS variable name)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=32)
    text = models.CharField("question", max_length=500)
    help_text = models.CharField("hint", max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    required = models.BooleanField(default=True)
    # Labels of a rating scale's points (lowest first), or the options of a choice question.
    options = models.JSONField(default=list, blank=True)
    scale_start = models.SmallIntegerField("number of the first point", default=1)
    minimum = models.FloatField(null=True, blank=True)
    maximum = models.FloatField(null=True, blank=True)
    reverse_scored = models.BooleanField(default=False)
    scored = models.BooleanField("counts towards the score", default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["section__position", "section_id", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="one_item_code_per_instrument")]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"

    @property
    def is_scorable(self) -> bool:
        return self.kind in SCORABLE_KINDS

    @property
    def in_score(self) -> bool:
        return self.scored and self.is_scorable

    def value_labels(self) -> dict[int, str]:
        """The stored number of each answer and its label (SPSS value labels, the preview, imports)."""
        if self.kind == ItemKind.LIKERT:
            return {self.scale_start + i: label for i, label in enumerate(self.options)}
        if self.kind in {ItemKind.SINGLE, ItemKind.MULTIPLE}:
            return {i + 1: label for i, label in enumerate(self.options)}
        if self.kind == ItemKind.YES_NO:
            return {1: "Yes", 0: "No"}
        return {}

    @property
    def scale_range(self) -> tuple[float, float] | None:
        if self.kind == ItemKind.LIKERT and self.options:
            return float(self.scale_start), float(self.scale_start + len(self.options) - 1)
        if self.kind == ItemKind.NUMBER and self.minimum is not None and self.maximum is not None:
            return self.minimum, self.maximum
        if self.kind == ItemKind.YES_NO:
            return 0.0, 1.0
        if self.kind == ItemKind.SINGLE and self.options:
            return 1.0, float(len(self.options))
        return None


class Subscale(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="subscales")
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=32)
    items = models.ManyToManyField(Item, related_name="subscales")
    scoring = models.CharField(max_length=10, choices=ScoringMethod.choices[:2], default=ScoringMethod.MEAN)
    min_answered = models.PositiveSmallIntegerField("fewest items answered for a valid score", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="one_subscale_code_per_instrument")]

    def __str__(self) -> str:
        return self.name
