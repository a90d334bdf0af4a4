"""Encryption of identifying data at rest, and keyed hashes for exact look-up.

Keys come from FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first): the first encrypts, all of
them decrypt, so a new key can be put in front and old values re-encrypted with `pine rotate-keys`.
FIELD_HASH_KEY keys an HMAC so that an identifier can be found by exact value without decrypting every row.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return _current().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        # The token is not echoed: it is ciphertext of identifying data.
        raise DecryptionError("A stored value could not be decrypted with any key in FIELD_ENCRYPTION_KEYS.") from exc


def encrypt_bytes(value: bytes) -> bytes:
    """Encrypt a file's contents (an uploaded spreadsheet waiting to be imported) with the newest key."""
    return _current().encrypt(value)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _current().decrypt(token)
    except InvalidToken as exc:
        raise DecryptionError("A stored file could not be decrypted with any key in FIELD_ENCRYPTION_KEYS.") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token with the first (newest) key."""
    try:
        return _current().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise DecryptionError("A stored value could not be decrypted with any key in FIELD_ENCRYPTION_KEYS.") from exc


def normalise(value: str) -> str:
    """The form of an identifier that look-ups compare: NFKC, trimmed, case-folded, inner spaces removed."""
    return "".join(unicodedata.normalize("NFKC", value).casefold().split())


def blind_index(value: str) -> str:
    """A keyed hash of an identifier, equal for equal identifiers, useless without FIELD_HASH_KEY."""
    key = settings.FIELD_HASH_KEY.encode("utf-8")
    return hmac.new(key, normalise(value).encode("utf-8"), hashlib.sha256).hexdigest()


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")
