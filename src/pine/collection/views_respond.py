"""The respondent's pages, reached from a survey link: no account, GOV.UK form patterns, no JavaScript needed.

A privacy notice comes first; answers are saved page by page so a respondent can come back with the same link;
once sent, the link cannot change them. Unknown links are counted per (hashed) address to slow down guessing.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from pine.collection import survey
from pine.collection.answer_forms import page_form, shown, to_stored
from pine.collection.models import LinkKind, SurveyLink
from pine.collection.services import CollectionError
from pine.core import policy
from pine.core.middleware import client_ip

SESSION_KEY = "pine_open_links"


def _unusable(
    request: HttpRequest,
    reason: str,
    status: int,
    title: str = "You cannot use this link",
    link: SurveyLink | None = None,
) -> HttpResponse:
    context = {"reason": reason, "title": title, **_header(link)}
    return render(request, "collection/respond_unusable.html", context, status=status)


def _header(link: SurveyLink | None) -> dict[str, Any]:
    """What the respondent's header shows: the survey's name and the organisation asking (nothing of PINE's own
    navigation). A link that does not work shows neither."""
    if link is None:
        return {"survey_name": "Questionnaire", "organisation": None}
    names = [i.name for i in link.wave.instruments.order_by("pk")]
    return {
        "survey_name": names[0] if len(names) == 1 else f"{link.wave.project.organisation.name} questionnaires",
        "organisation": link.wave.project.organisation,
    }


def _respondent_key(request: HttpRequest, link: SurveyLink, create: bool = False) -> str:
    """An anonymous respondent on an open link is known only by a random key in their session."""
    if link.kind != LinkKind.OPEN:
        return ""
    keys = request.session.get(SESSION_KEY, {})
    key = keys.get(str(link.pk), "")
    if not key and create:
        key = secrets.token_hex(16)
        keys[str(link.pk)] = key
        request.session[SESSION_KEY] = keys
    return key


def _find(request: HttpRequest, token: str) -> tuple[SurveyLink | None, HttpResponse | None]:
    """Look a link up, unless this address has tried too many that do not exist; count one that does not.
    Every survey-link page starts here."""
    address = client_ip(request)
    verdict = survey.guess_check(address=address)
    if not verdict.allowed:
        refusal = _unusable(
            request,
            f"There have been too many attempts with links that do not work. Try again {verdict.wait}.",
            429,
            "Too many attempts",
        )
        refusal["Retry-After"] = str(verdict.retry_after)
        return None, refusal
    link = survey.link_lookup(token=token)
    if link is None:
        survey.record_failed_guess(address=address)
        return None, _unusable(
            request, "This link is not valid. Check that you copied the whole link from your email.", 404
        )
    return link, None


def _load(request: HttpRequest, token: str) -> tuple[SurveyLink | None, HttpResponse | None]:
    link, refusal = _find(request, token)
    if link is None:
        return None, refusal
    if link.kind == LinkKind.OPEN:
        key = _respondent_key(request, link)
        if key and survey.respondent_finished(link=link, respondent_key=key):
            return link, _unusable(
                request,
                "You have already sent your answers. Thank you: there is nothing more to do.",
                410,
                "You have already answered",
            )
    problem = survey.link_state(link)
    if problem:
        return link, _refused(request, link, problem)
    return link, None


def _refused(request: HttpRequest, link: SurveyLink, problem: str) -> HttpResponse:
    if problem == survey.ALREADY_ANSWERED:
        return _answered(request, link)
    return _unusable(request, problem, 410, link=link)


def _answered(request: HttpRequest, link: SurveyLink) -> HttpResponse:
    """Answers already sent (by this link, or by the team from a file or their own system): nothing to show."""
    reason = f"{link.wave.project.organisation.name} already has your answers. Thank you: there is nothing more to do."
    return _unusable(request, reason, 410, "You have already answered", link=link)


def _pages(link: SurveyLink) -> list[survey.Page]:
    return survey.pages(wave=link.wave)


def _saved(link: SurveyLink, key: str) -> dict[int, dict[str, Any]]:
    return {pk: r.answers for pk, r in survey.responses_of(link=link, respondent_key=key).items()}


def _first_missing(pages: list[survey.Page], saved: dict[int, dict[str, Any]]) -> int | None:
    for page in pages:
        answers = saved.get(page.instrument.pk, {})
        if any(item.required and answers.get(item.code) in (None, "", []) for item in page.section.items.all()):
            return page.number
    return None


@policy.public
@never_cache
def start(request: HttpRequest, token: str) -> HttpResponse:
    link, refusal = _load(request, token)
    if refusal is not None or link is None:
        return refusal or _unusable(request, "This link is not valid.", 404)
    key = _respondent_key(request, link)
    saved = _saved(link, key)
    pages = _pages(link)
    resume = _first_missing(pages, saved) if saved else None
    return render(
        request,
        "collection/respond_start.html",
        {
            "link": link,
            "token": token,
            "wave": link.wave,
            "project": link.wave.project,
            "pages": pages,
            "started": bool(saved),
            "resume": resume,
            "instruments": [
                p.instrument for p in pages if p.number == 1 or p.instrument != pages[p.number - 2].instrument
            ],
            **_header(link),
        },
    )


@policy.public
@never_cache
def page(request: HttpRequest, token: str, number: int) -> HttpResponse:
    link, refusal = _load(request, token)
    if refusal is not None or link is None:
        return refusal or _unusable(request, "This link is not valid.", 404)
    pages = _pages(link)
    if not 1 <= number <= len(pages):
        return redirect("collection:respond", token=token)
    current = pages[number - 1]
    items = list(current.section.items.all())
    key = _respondent_key(request, link, create=True)
    saved = _saved(link, key).get(current.instrument.pk, {})
    changing = request.GET.get("change") == "1"
    form = page_form(items, data=request.POST if request.method == "POST" else None, saved=saved)
    if request.method == "POST":
        later = "save_for_later" in request.POST
        if later:
            # Keep what is answered so far, even if the page is not finished.
            for field in form.fields.values():
                field.required = False
        if form.is_valid():
            answers = {item.code: to_stored(item, form.cleaned_data.get(item.code)) for item in items}
            try:
                survey.page_save(link=link, page=current, answers=answers, respondent_key=key)
            except CollectionError as problem:
                return _refused(request, link, str(problem))
            if later:
                return render(
                    request,
                    "collection/respond_saved.html",
                    {"wave": link.wave, "open": link.kind == LinkKind.OPEN, **_header(link)},
                )
            if changing or number == len(pages):
                return redirect("collection:respond-check", token=token)
            return redirect("collection:respond-page", token=token, number=number + 1)
    return render(
        request,
        "collection/respond_page.html",
        {
            "form": form,
            "page": current,
            "number": number,
            "total": len(pages),
            "token": token,
            "changing": changing,
            **_header(link),
        },
    )


@policy.public
@never_cache
def check(request: HttpRequest, token: str) -> HttpResponse:
    link, refusal = _load(request, token)
    if refusal is not None or link is None:
        return refusal or _unusable(request, "This link is not valid.", 404)
    key = _respondent_key(request, link)
    pages = _pages(link)
    saved = _saved(link, key)
    missing = _first_missing(pages, saved)
    if missing is not None or not saved:
        return redirect("collection:respond-page", token=token, number=missing or 1)
    if request.method == "POST":
        try:
            survey.submit(link=link, respondent_key=key)
        except CollectionError as problem:
            return _refused(request, link, str(problem))
        return redirect("collection:respond-done", token=token)
    sections = []
    for current in pages:
        answers = saved.get(current.instrument.pk, {})
        sections.append(
            {
                "page": current,
                "rows": [(item.text, shown(item, answers.get(item.code))) for item in current.section.items.all()],
            }
        )
    return render(
        request,
        "collection/respond_check.html",
        {"sections": sections, "token": token, "total": len(pages), **_header(link)},
    )


@policy.public
@never_cache
def done(request: HttpRequest, token: str) -> HttpResponse:
    link, refusal = _find(request, token)
    if link is None:
        assert refusal is not None
        return refusal
    finished = link.submitted_at is not None or (
        link.kind == LinkKind.OPEN
        and survey.respondent_finished(link=link, respondent_key=_respondent_key(request, link))
    )
    if not finished:
        return redirect("collection:respond", token=token)
    return render(request, "collection/respond_done.html", _header(link))
