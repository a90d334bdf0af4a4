import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from pine.accounts.demo import DEMO_PASSWORD, load_demo
from pine.collection.demo import load_collection_demo
from pine.intake.demo import load_intake_demo
from pine.journey.demo import load_journey_demo
from pine.modelling.demo import load_modelling_demo


class Command(BaseCommand):
    help = "Load the demo programme (idempotent). Refused when PINE_ENV=production."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PINE_ENV == "production":
            raise CommandError("Demo data is only for PINE_ENV=development: it has public passwords.")
        # The demo's invitation email is kept in memory rather than printed among the sign-ins.
        # Each demo email is a task; their log lines would bury the sign-ins printed below.
        logging.getLogger("django_tasks").setLevel(logging.WARNING)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            rows = load_demo()
            load_intake_demo()
            load_journey_demo()
            load_modelling_demo()
            load_collection_demo()
        width = max(len(r.email) for r in rows)
        self.stdout.write(f"\nDemo sign-ins (every password: {DEMO_PASSWORD})\n")
        self.stdout.write(f"{'Email'.ljust(width)}  {'Role':60}  Authenticator secret (base32)")
        for row in rows:
            self.stdout.write(f"{row.email.ljust(width)}  {row.role[:60]:60}  {row.totp_secret or '-'}")
        self.stdout.write(
            "\nStaff sign in with a code from an authenticator app set up with their secret, "
            "or run: oathtool --totp -b SECRET\n"
        )
