from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from pine.accounts import lockout, selectors, services
from pine.accounts.forms import (
    PROGRAMME_ROLE_CHOICES,
    AcceptInvitationForm,
    AccountDetailsForm,
    GovukPasswordResetForm,
    GovukSetPasswordForm,
    InviteForm,
    OrganisationForm,
    PeopleFilterForm,
    SignInForm,
    TokenForm,
    site_role_choices,
)
from pine.accounts.models import User
from pine.core import audit, policy
from pine.core.forms import posted
from pine.core.middleware import client_ip
from pine.core.models import AuditAction
from pine.core.policy import Action
from pine.core.types import AuthenticatedRequest


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# Sign-in, sign-out and two-factor authentication


@policy.public
@sensitive_post_parameters("password")
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignInForm(posted(request), request=request)
    if request.method == "POST" and form.is_valid():
        assert form.user is not None
        login(request, form.user)
        return redirect(_safe_next(request, reverse("core:home")))
    if form.refusal is not None:
        verdict = form.refusal.verdict
        context = {"title": form.refusal.title, "wait": verdict.wait}
        response = render(request, "accounts/locked_out.html", context, status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    return render(request, "accounts/sign_in.html", {"form": form, "next": _safe_next(request, "")})


@policy.public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out")
    return redirect("accounts:sign-in")


@policy.requires(Action.USE_TWO_FACTOR)
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Add an authenticator app: show its secret as a QR code and as text, and confirm it with a first code."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:two-factor-verify" if not user.is_verified() else "core:home")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", "Too many wrong codes. Wait a minute, then enter the newest code")
        elif device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(action=AuditAction.TWO_FACTOR_SET_UP, obj=user, actor=user)
            messages.success(request, "Two-factor authentication is set up")
            return redirect("core:home")
        else:
            form.add_error("token", "The code is not correct. Check your app and enter the newest code")
    secret = base64.b32encode(device.bin_key).decode("ascii")
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code for your authenticator app")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)), "qr": qr},
    )


@policy.requires(Action.USE_TWO_FACTOR)
def two_factor_verify(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect(_safe_next(request, reverse("core:home")))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("accounts:two-factor-setup")
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", "Too many wrong codes. Wait a minute, then enter the newest code")
        elif device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_safe_next(request, reverse("core:home")))
        else:
            form.add_error("token", "The code is not correct. Check your app and enter the newest code")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request, "")})


# Password reset (Django's views; PINE's forms, templates and audit)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = GovukPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "email/password_reset.txt"
    subject_template_name = "email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form: Any) -> HttpResponse:
        refusal = lockout.reset_email_refusal(email=form.cleaned_data["email"], address=client_ip(self.request))
        if refusal:
            form.add_error("email", refusal)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        # Links are built from the configured address, never from the request's Host header.
        self.extra_email_context = {"service_url": settings.SERVICE_BASE_URL}
        for user in form.get_users(form.cleaned_data["email"]):
            audit.record(
                action=AuditAction.PASSWORD_RESET_REQUESTED, obj=user, actor=None, actor_label="password reset form"
            )
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = GovukSetPasswordForm  # type: ignore[assignment]  # same interface, GOV.UK wording
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(action=AuditAction.PASSWORD_CHANGED, obj=form.user, actor=form.user)
        lockout.account_unlock(email=form.user.email)
        return response


password_reset = policy.public(PasswordResetView.as_view())
password_reset_done = policy.public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = policy.public(PasswordResetConfirmView.as_view())
password_reset_complete = policy.public(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)


# Your account


@policy.requires(Action.MANAGE_OWN_ACCOUNT)
def account(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = AccountDetailsForm(posted(request), initial={"full_name": user.full_name, "phone": user.phone})
    if request.method == "POST" and form.is_valid():
        services.user_update_details(user=user, **form.cleaned_data)
        messages.success(request, "Your details have been saved")
        return redirect("accounts:account")
    context = {
        "form": form,
        "memberships": user.memberships.select_related("organisation"),
        "has_authenticator": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }
    return render(request, "accounts/account.html", context)


# Organisations


@policy.requires(Action.LIST_ORGANISATIONS)
def organisation_list(request: AuthenticatedRequest) -> HttpResponse:
    organisations = selectors.organisation_list(user=request.user)
    return render(
        request,
        "accounts/organisation_list.html",
        {"organisations": organisations, "may_create": policy.can(request.user, Action.CREATE_ORGANISATION)},
    )


@policy.requires(Action.CREATE_ORGANISATION)
def organisation_create(request: AuthenticatedRequest) -> HttpResponse:
    form = OrganisationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        messages.success(request, f"{organisation.name} has been added")
        return redirect(organisation)
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": None})


@policy.requires(Action.VIEW_ORGANISATION)
def organisation_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    organisation = policy.get_object_or_404(user, Action.VIEW_ORGANISATION, policy.visible_organisations(user), pk=pk)
    context = selectors.organisation_detail(user=user, organisation=organisation)
    return render(request, "accounts/organisation_detail.html", context)


@policy.requires(Action.CHANGE_ORGANISATION)
def organisation_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    organisation = policy.get_object_or_404(user, Action.CHANGE_ORGANISATION, policy.visible_organisations(user), pk=pk)
    form = OrganisationForm(posted(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_update(actor=user, organisation=organisation, data=form.cleaned_data)
        messages.success(request, "The organisation's details have been saved")
        return redirect(organisation)
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": organisation})


# Invitations


@policy.requires(Action.LIST_INVITATIONS)
def invitation_list(request: AuthenticatedRequest) -> HttpResponse:
    invitations = selectors.invitation_list(user=request.user)
    return render(
        request,
        "accounts/invitation_list.html",
        {
            "invitations": invitations,
            "may_invite_staff": policy.can(request.user, Action.INVITE_PROGRAMME_STAFF),
        },
    )


def _invite(request: AuthenticatedRequest, *, organisation: Any, roles: list[tuple[str, str]]) -> HttpResponse:
    form = InviteForm(posted(request), roles=roles)
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        try:
            invitation = services.invitation_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                organisation=organisation,
                site_role=role if organisation is not None else "",
                programme_role=role if organisation is None else "",
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, f"An invitation has been sent to {invitation.email}")
            return redirect(organisation if organisation is not None else reverse("accounts:invitation-list"))
    return render(request, "accounts/invite.html", {"form": form, "organisation": organisation})


@policy.requires(Action.INVITE_PROGRAMME_STAFF)
def invite_programme_staff(request: AuthenticatedRequest) -> HttpResponse:
    return _invite(request, organisation=None, roles=PROGRAMME_ROLE_CHOICES)


@policy.requires(Action.INVITE)
def invite_to_organisation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    organisation = policy.get_object_or_404(user, Action.INVITE, policy.visible_organisations(user), pk=pk)
    roles = site_role_choices(policy.invitable_site_roles(user, organisation))
    return _invite(request, organisation=organisation, roles=roles)


@policy.requires(Action.LIST_INVITATIONS)
@require_POST
def invitation_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    invitation = policy.get_object_or_404(user, Action.REVOKE_INVITATION, policy.visible_invitations(user), pk=pk)
    try:
        services.invitation_revoke(actor=user, invitation=invitation)
    except services.InvitationUnusable as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"The invitation to {invitation.email} has been withdrawn")
    return redirect(_safe_next(request, reverse("accounts:invitation-list")))


@policy.public
@sensitive_post_parameters("new_password1", "new_password2")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email: a new person sets their password; an existing one confirms signed in."""
    invitation = services.invitation_for_token(token=token)
    if invitation is None:
        return render(
            request,
            "accounts/invitation_unusable.html",
            {"reason": "This invitation link is not valid."},
            status=404,
        )
    if invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        reason = invitation.status
        return render(request, "accounts/invitation_unusable.html", {"reason": _UNUSABLE[reason]}, status=410)

    existing = selectors.user_with_email(email=invitation.email)
    signed_in_as_invitee = request.user.is_authenticated and request.user.email.lower() == invitation.email.lower()
    if existing is not None and not signed_in_as_invitee:
        return render(request, "accounts/invitation_sign_in.html", {"invitation": invitation, "token": token})
    form = AcceptInvitationForm(posted(request), email=invitation.email, initial={"full_name": invitation.full_name})
    if request.method == "POST" and (existing is not None or form.is_valid()):
        try:
            if existing is not None:
                services.invitation_accept(invitation=invitation, password=None, user=existing)
            else:
                user = services.invitation_accept(
                    invitation=invitation,
                    password=form.cleaned_data["new_password1"],
                    full_name=form.cleaned_data["full_name"],
                    phone=form.cleaned_data["phone"],
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        except services.InvitationUnusable as problem:
            return render(request, "accounts/invitation_unusable.html", {"reason": str(problem)}, status=410)
        messages.success(request, f"Welcome to PINE. You have joined as {invitation.role_label}")
        return redirect("core:home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation, "existing": existing},
    )


_UNUSABLE = {
    "Accepted": "This invitation has already been used. If it was you, sign in with your email address and password.",
    "Withdrawn": "This invitation has been withdrawn. Ask the person who invited you to send a new one.",
    "Expired": "This invitation has expired: links work for 7 days. Ask the person who invited you to send a new one.",
}


# People (programme manager)

PEOPLE_PAGE_SIZE = 50


@policy.requires(Action.LIST_PEOPLE)
def people_list(request: AuthenticatedRequest) -> HttpResponse:
    form = PeopleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    organisation = filters.get("organisation")
    people = selectors.people_list(
        organisation_id=organisation.pk if organisation else None, search=filters.get("search", "")
    )
    page = Paginator(people, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/people_list.html", {"page": page, "form": form, "query": query.urlencode()})


@policy.requires(Action.LIST_PEOPLE)
def person_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = policy.get_object_or_404(request.user, Action.LIST_PEOPLE, User.objects.all(), pk=pk)
    context = selectors.person_detail(person=person)
    context["may_manage"] = policy.can(request.user, Action.MANAGE_PERSON, person)
    return render(request, "accounts/person_detail.html", context)


@policy.requires(Action.LIST_PEOPLE)
@require_POST
def person_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    person = policy.get_object_or_404(request.user, Action.MANAGE_PERSON, User.objects.all(), pk=pk)
    if action == "deactivate":
        services.user_set_active(actor=request.user, user=person, active=False)
        messages.success(request, f"{person.full_name} can no longer sign in")
    elif action == "reactivate":
        services.user_set_active(actor=request.user, user=person, active=True)
        messages.success(request, f"{person.full_name} can sign in again")
    elif action == "reset-two-factor":
        services.user_reset_two_factor(actor=request.user, user=person)
        messages.success(request, f"{person.full_name} will set up a new authenticator app when they next sign in")
    else:
        raise Http404
    return redirect("accounts:person-detail", pk=person.pk)
