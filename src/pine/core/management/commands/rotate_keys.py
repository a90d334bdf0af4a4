from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from pine.core import crypto
from pine.core.fields import EncryptedTextField


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key in FIELD_ENCRYPTION_KEYS. Run after putting a new key "
        "first; once it finishes, the old keys can be removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        quote = connection.ops.quote_name
        for model in apps.get_models():
            columns = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField) and f.column]
            if not columns:
                continue
            # Ciphertext is read and written as raw column values: nothing is decrypted into model objects.
            assert model._meta.pk is not None and model._meta.pk.column is not None
            table, pk_column = quote(model._meta.db_table), quote(model._meta.pk.column)
            selected = ", ".join(quote(c) for c in columns)
            assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
            count = 0
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SELECT {pk_column}, {selected} FROM {table}")  # noqa: S608 - quoted identifiers
                for pk, *values in cursor.fetchall():
                    rotated = [crypto.rotate(v) if v else v for v in values]
                    if rotated != values:
                        with connection.cursor() as update:
                            update.execute(
                                f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s",  # noqa: S608
                                [*rotated, pk],
                            )
                        count += 1
            total += count
            self.stdout.write(f"{model._meta.label}: re-encrypted {count} row(s)")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} row(s) re-encrypted with the newest key."))
