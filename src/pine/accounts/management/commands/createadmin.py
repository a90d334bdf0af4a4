import getpass
import os
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from pine.accounts.models import User
from pine.core import audit
from pine.core.models import AuditAction


class Command(BaseCommand):
    help = (
        "Create a programme manager, the first person who can sign in and invite everyone else. The password is "
        "asked for, or read from PINE_ADMIN_PASSWORD. They set up two-factor authentication at first sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="Full name")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not a valid email address.") from exc
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"There is already an account for {email}.")
        password = os.environ.get("PINE_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        user = User(email=email, full_name=options["name"].strip(), programme_role="programme_manager")
        try:
            password_validation.validate_password(password, user)
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        with transaction.atomic():
            user.set_password(password)
            user.save()
            audit.record(
                action=AuditAction.CREATED,
                obj=user,
                actor=None,
                actor_label="pine createadmin",
                changes=audit.created_changes(user),
            )
        self.stdout.write(self.style.SUCCESS(f"Created programme manager {email}. Sign in to set up two-factor."))
