"""Questions and error messages for sign-in, invitations, organisations and accounts, in GOV.UK wording."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.core.validators import RegexValidator
from django.http import HttpRequest

from pine.accounts import lockout
from pine.accounts.models import Organisation, OrganisationKind, ProgrammeRole, Region, SiteRole, User
from pine.core.forms import GovukForm, GovukModelForm
from pine.core.middleware import client_ip

PHONE_VALIDATOR = RegexValidator(
    r"^\+?[0-9 ()-]{7,20}$",
    "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
)


class SignInForm(GovukForm):
    username = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        max_length=128,
        strip=False,
        error_messages={
            "required": "Enter your password",
            "max_length": "Password must be 128 characters or fewer",
        },
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user: User | None = None
        self.refusal: lockout.Refusal | None = None  # set when sign-ins are refused for a while

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        address = client_ip(self.request)
        self.refusal = lockout.sign_in_refusal(email=data["username"], address=address)
        if self.refusal is not None:
            raise forms.ValidationError(f"{self.refusal.title}. Try again {self.refusal.verdict.wait}")
        user = authenticate(self.request, username=data["username"], password=data["password"])
        if user is None:
            lockout.sign_in_failed(email=data["username"], address=address)
        if user is None or not user.is_active:
            # The same message whether or not the account exists, so it tells an attacker nothing.
            raise forms.ValidationError("Enter a correct email address and password")
        self.user = user
        return data


class TokenForm(GovukForm):
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code shown in the app, like 123456",
        max_length=10,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-5",
                "spellcheck": "false",
            }
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("The code must be 6 digits, like 123456")
        return token


class OrganisationForm(GovukModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "region"]
        labels = {"name": "Organisation name", "kind": "Type of organisation", "region": "Region"}
        widgets = {"kind": forms.RadioSelect, "region": forms.Select}
        error_messages = {
            "name": {
                "required": "Enter the organisation's name",
                "max_length": "Organisation name must be 200 characters or fewer",
                "unique": "An organisation with this name already exists",
            },
            "kind": {
                "required": "Select the type of organisation",
                "invalid_choice": "Select the type of organisation",
            },
            "region": {"required": "Select the region", "invalid_choice": "Select the region"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind, region = self.fields["kind"], self.fields["region"]
        assert isinstance(kind, forms.ChoiceField) and isinstance(region, forms.ChoiceField)
        kind.choices = OrganisationKind.choices
        region.choices = [("", "Select a region"), *Region.choices]


class InviteForm(GovukForm):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={
            "required": "Enter the person's full name",
            "max_length": "Full name must be 150 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We will send the invitation to this address. The link works once, for 7 days.",
        max_length=254,
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's role", "invalid_choice": "Select the person's role"},
    )

    def __init__(self, *args: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = roles


def site_role_choices(roles: list[str]) -> list[tuple[str, str]]:
    return [(value, label) for value, label in SiteRole.choices if value in roles]


PROGRAMME_ROLE_CHOICES = list(ProgrammeRole.choices)


class PasswordFieldsMixin(forms.Form):
    new_password1 = forms.CharField(
        label="Create a password",
        help_text="At least 12 characters. Avoid common words and your name. A few random words work well.",
        strip=False,
        max_length=128,
        error_messages={
            "required": "Create a password",
            "max_length": "Password must be 128 characters or fewer",
        },
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="Confirm your password",
        strip=False,
        max_length=128,
        error_messages={
            "required": "Confirm your password",
            "max_length": "Password must be 128 characters or fewer",
        },
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def check_passwords(self, user: User | None) -> None:
        first, second = self.cleaned_data.get("new_password1"), self.cleaned_data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "The passwords do not match")
            return
        if first:
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)


class AcceptInvitationForm(PasswordFieldsMixin, GovukForm):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={
            "required": "Enter your full name",
            "max_length": "Full name must be 150 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        help_text="So the programme team can call you about your project. Stored encrypted.",
        required=False,
        max_length=20,
        validators=[PHONE_VALIDATOR],
        error_messages={"max_length": "Phone number must be 20 characters or fewer"},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "class": "govuk-input--width-20"}),
    )
    field_order = ["full_name", "phone", "new_password1", "new_password2"]

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.check_passwords(User(email=self.email, full_name=data.get("full_name", "")))
        return data


class AccountDetailsForm(GovukForm):
    full_name = AcceptInvitationForm.base_fields["full_name"]
    phone = AcceptInvitationForm.base_fields["phone"]


class GovukPasswordResetForm(PasswordResetForm, GovukForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class GovukSetPasswordForm(PasswordFieldsMixin, GovukForm):
    """Set a new password after a reset link: the same questions as accepting an invitation."""

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.check_passwords(self.user)
        return data

    def save(self, commit: bool = True) -> User:
        self.user.set_password(self.cleaned_data["new_password1"])
        if commit:
            self.user.save(update_fields=["password"])
        return self.user


class PeopleFilterForm(GovukForm):
    search = forms.CharField(
        label="Name or email address",
        required=False,
        max_length=254,
        error_messages={"max_length": "Name or email address must be 254 characters or fewer"},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Everyone",
        error_messages={"invalid_choice": "Select an organisation from the list"},
    )
