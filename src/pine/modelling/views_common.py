"""Helpers shared by the pages for the theory of change (stage 2), the evaluation plan (stage 3) and the
measures library: finding the project, the form page and downloads.

Thin views: the policy decides who may, forms check the answers, services write, selectors read.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from pine.core import policy
from pine.core.policy import Action
from pine.core.types import AuthenticatedRequest
from pine.journey.models import Project
from pine.modelling import documents, services


def _project(request: AuthenticatedRequest, pk: int, action: Action = Action.VIEW_PROJECT) -> Project:
    scope = policy.visible_projects(request.user).select_related("organisation", "practice_adviser", "research_adviser")
    return policy.get_object_or_404(request.user, action, scope, pk=pk)


def _may_work(request: AuthenticatedRequest, project: Project) -> bool:
    return policy.can(request.user, Action.WORK_ON_PROJECT, project)


def _form_page(request: AuthenticatedRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "modelling/form_page.html", context)


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export(
    request: AuthenticatedRequest, project: Project, document: documents.Document, fmt: str, name: str
) -> HttpResponse:
    services.record_export(actor=request.user, project=project, filename=f"{name}.{fmt}")
    if fmt == "docx":
        return _download(
            documents.to_docx(document),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            f"{name}.docx",
        )
    return _download(documents.to_pdf(document), "application/pdf", f"{name}.pdf")
