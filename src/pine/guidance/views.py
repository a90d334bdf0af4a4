from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from pine.core import policy
from pine.guidance import pages


@policy.public
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200].strip()
    results = pages.search(query) if query else None
    return render(request, "guidance/index.html", {"pages": pages.all_pages(), "query": query, "results": results})


@policy.public
def page(request: HttpRequest, slug: str) -> HttpResponse:
    guidance = pages.page(slug)
    if guidance is None:
        raise Http404
    # Rendered by markdown-it with raw HTML disabled, from files in the repository: safe to show as HTML.
    body = mark_safe(guidance.html)  # noqa: S308
    return render(request, "guidance/page.html", {"guidance": guidance, "body": body})
