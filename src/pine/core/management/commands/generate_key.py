from typing import Any

from django.core.management.base import BaseCommand

from pine.core.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new key for FIELD_ENCRYPTION_KEYS (put it first in the list to rotate, then run rotate_keys)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(generate_key())
