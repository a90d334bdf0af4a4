from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pine.core.notify import prune_task_results


class Command(BaseCommand):
    help = (
        "Delete finished background tasks (sent emails, imports) older than PINE_TASK_RESULT_RETENTION_DAYS "
        "(7 unless changed). Run daily, e.g. from cron; safe to repeat."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="keep finished tasks this many days instead")

    def handle(self, *args: Any, days: int | None = None, **options: Any) -> None:
        days = settings.PINE_TASK_RESULT_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        deleted = prune_task_results(older_than_days=days)
        self.stdout.write(f"Deleted {deleted} finished task{'s' if deleted != 1 else ''} older than {days} days.")
