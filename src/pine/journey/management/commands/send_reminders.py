from typing import Any

from django.core.management.base import BaseCommand

from pine.journey.services import actions_send_reminders


class Command(BaseCommand):
    help = (
        "Email the owner of every open action due tomorrow (once per action). Run daily, e.g. from cron at 07:00; "
        "running it twice sends nothing twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = actions_send_reminders()
        self.stdout.write(f"Sent {sent} reminder(s).")
