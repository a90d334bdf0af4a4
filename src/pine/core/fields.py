"""Model fields for identifying data: encrypted at rest, decrypted only in Python."""

from __future__ import annotations

from typing import Any

from django.db import models

from pine.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. It cannot be filtered or ordered on in the database: pair it with a
    blind-index field (`crypto.blind_index`) where exact look-up is needed.

    Any identifying field in PINE (a phone number, a name, a date of birth, a case number) uses this field.
    """

    description = "Text encrypted at rest"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        # Lookups on ciphertext would silently match nothing; only null checks make sense.
        if lookup_name not in {"isnull"}:
            return None
        return super().get_lookup(lookup_name)
