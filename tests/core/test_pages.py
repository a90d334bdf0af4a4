"""Every response carries the security headers; error pages are GOV.UK pages that leak nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World


@pytest.mark.django_db
def test_security_headers_are_on_every_response(client: Client) -> None:
    for url in ("/", "/sign-in/", "/no-such-page/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]


def test_pages_for_signed_in_people_are_never_cached(world: World, client_as: Any) -> None:
    response = client_as("site_lead").get(reverse("core:home"))
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_health_check_answers_json_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_not_found_is_a_govuk_page(client: Client) -> None:
    response = client.get("/organisations/999999999/nothing")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Page not found" in content and "govuk-template" in content


def test_server_error_page_renders_without_the_database_and_leaks_nothing(rf: Any) -> None:
    """The 500 page is rendered without a request context, so it needs no database (which may be down)."""
    from pine.core.views import server_error

    response = server_error(rf.get("/"))
    content = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in content
    assert "Traceback" not in content


@pytest.mark.django_db
def test_forged_form_posts_are_refused_with_a_clear_page() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:sign-in"), {"username": "a@b.test", "password": "x"})
    assert response.status_code == 403
    assert "Sorry, your form could not be sent" in response.content.decode()


@pytest.mark.django_db
def test_every_form_page_carries_a_csrf_token(client: Client) -> None:
    for url in (reverse("accounts:sign-in"), reverse("accounts:password-reset")):
        assert 'name="csrfmiddlewaretoken"' in client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/sign-in/", "/healthz", "/no-such-page/", "/s/not-a-token/"])
def test_a_request_for_another_host_is_refused_with_400_not_500(path: str, settings: Any) -> None:
    """A forged Host header gets the GOV.UK 'problem with your request' page, even before a user is known."""
    settings.ALLOWED_HOSTS = ["pine.example.org"]
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()
    assert client.get(path, HTTP_HOST="pine.example.org").status_code != 400
