"""The programme's own data: its priorities."""

from __future__ import annotations

from django.db import models


class Priority(models.Model):
    """A theme the programme wants evidence on; projects and proposals are matched against them."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.name
