"""The plan, on the web and in its DOCX and PDF, names analysis methods in plain words and explains its
fingerprint; the audit log names the method too (never `[ancova]` or 'Content hash (SHA-256)')."""

from __future__ import annotations

import io
import zipfile

from django.test import Client
from django.urls import reverse

from pine.core.models import AuditEvent
from pine.modelling.models import PlanVersion
from pine.modelling.vocabulary import METHODS
from tests.conftest import sign_in
from tests.modelling.conftest import Setup
from tests.modelling.factories import build_plan, build_toc


def test_plan_documents_name_methods_and_explain_the_fingerprint(setup: Setup) -> None:
    """The plan page, its version page and its DOCX show 'Analysis of covariance…', never the key `ancova`."""
    model = build_toc(setup.project, setup.lead)
    build_plan(setup.project, setup.lead, model)
    PlanVersion.objects.filter(pk=PlanVersion.objects.order_by("-number").first().pk).update(  # type: ignore[union-attr]
        registered_at="2027-01-01T10:00:00Z"
    )
    client = sign_in(Client(), setup.lead)
    number = PlanVersion.objects.order_by("-number").first().number  # type: ignore[union-attr]
    version = client.get(reverse("modelling:plan-version", args=[setup.project.pk, number])).content.decode()
    plan = client.get(reverse("modelling:plan", args=[setup.project.pk])).content.decode()
    docx = client.get(reverse("modelling:plan-docx", args=[setup.project.pk])).content
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        document = archive.read("word/document.xml").decode()
    label = METHODS["ancova"].label
    for text in (version, document):
        assert label in text
        assert "[ancova]" not in text
        assert "SHA-256" not in text
    assert "Fingerprint" in plan and "if anything in the plan changed" in plan
    assert "SHA-256" not in plan and "Content hash" not in plan
    event = AuditEvent.objects.filter(changes__has_key="analysis").first()
    assert event is not None and event.changes["analysis"][1].startswith(label)
