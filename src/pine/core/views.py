from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseServerError,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template import loader
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pine.core import audit, policy, selectors
from pine.core.audit_forms import AuditFilterForm
from pine.core.exports import csv_response
from pine.core.models import AuditAction
from pine.core.policy import Action


@policy.requires(Action.VIEW_HOME)
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if policy.can(user, Action.VIEW_PROGRAMME):
        context = selectors.programme_home(user=user)
        return render(request, "core/home_programme.html", context)
    context = selectors.site_home(user=user)
    return render(request, "core/home_site.html", context)


@policy.public
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@policy.public
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@policy.public
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "core/cookies.html")


@policy.public
def feedback(request: HttpRequest) -> HttpResponse:
    return render(request, "core/feedback.html")


@policy.public
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for a load balancer: answers 200 only when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@policy.requires(Action.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_filters() if form.is_bound and form.is_valid() else {}
    page = selectors.audit_page(filters=filters, page_number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode(), "filtered": bool(filters)},
    )


@policy.requires(Action.EXPORT_AUDIT)
def audit_export(request: HttpRequest) -> HttpResponseBase:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "core/audit_log.html", {"form": form, "page": None, "query": ""}, status=400)
    filters = form.cleaned_filters() if form.is_bound else {}
    audit.record(
        action=AuditAction.EXPORTED,
        changes={"export": ["", "audit log CSV"], "filters": ["", {k: str(v) for k, v in filters.items()}]},
    )
    return csv_response(selectors.audit_rows(filters=filters), filename="pine-audit-log.csv")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return TemplateResponse(request, "400.html", status=400).render()


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return TemplateResponse(request, "403.html", status=403).render()


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return TemplateResponse(request, "404.html", status=404).render()


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request, so no context processor touches the database (it may be what failed).
    return HttpResponseServerError(loader.render_to_string("500.html"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return TemplateResponse(request, "csrf_failure.html", status=403).render()
