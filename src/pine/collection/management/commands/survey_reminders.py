from typing import Any

from django.core.management.base import BaseCommand

from pine.collection import survey


class Command(BaseCommand):
    help = "Email survey reminders that waves have asked for (run daily; safe to repeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = survey.reminders_due()
        self.stdout.write(f"{sent} survey reminder{'s' if sent != 1 else ''} sent.")
