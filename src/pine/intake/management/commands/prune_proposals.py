from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pine.intake.retention import proposals_prune


class Command(BaseCommand):
    help = (
        "Delete declined and withdrawn proposals (with their emails, questions and consultations) decided more "
        "than PINE_PROPOSAL_RETENTION_DAYS ago (365 unless changed), and expired saved drafts. Run daily; safe to "
        "repeat. The audit log records how many were deleted."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="keep decided proposals this many days instead")

    def handle(self, *args: Any, days: int | None = None, **options: Any) -> None:
        days = settings.PINE_PROPOSAL_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        deleted = proposals_prune(days=days)
        self.stdout.write(f"Deleted {deleted} declined or withdrawn proposal{'s' if deleted != 1 else ''}.")
