"""Identifying data is encrypted at rest, readable with any configured key, and re-encryptable."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from pine.accounts.models import User
from pine.core import crypto
from tests.factories import UserFactory


def raw_phone(user: User) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_phone_numbers_are_stored_encrypted_and_read_back_in_plain() -> None:
    user = UserFactory(phone="07700 900 982")
    stored = raw_phone(user)
    assert "07700" not in stored and stored.startswith("gAAAA")
    assert User.objects.get(pk=user.pk).phone == "07700 900 982"


@pytest.mark.django_db
def test_empty_values_stay_empty() -> None:
    user = UserFactory(phone="")
    assert raw_phone(user) == ""


@pytest.mark.django_db
def test_filtering_on_ciphertext_is_refused_rather_than_silently_matching_nothing() -> None:
    with pytest.raises(Exception, match="Unsupported lookup 'exact'"):
        list(User.objects.filter(phone="07700 900 982"))


@pytest.mark.django_db
def test_a_new_key_put_first_reads_old_values_and_rotate_keys_moves_them(settings: object) -> None:
    user = UserFactory(phone="020 7946 0001")
    old_token = raw_phone(user)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]  # type: ignore[attr-defined]
    assert User.objects.get(pk=user.pk).phone == "020 7946 0001"
    call_command("rotate_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    rotated = raw_phone(user)
    assert rotated != old_token
    assert Fernet(new_key.encode()).decrypt(rotated.encode()).decode() == "020 7946 0001"
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # type: ignore[attr-defined]
    assert User.objects.get(pk=user.pk).phone == "020 7946 0001"


def test_a_value_no_key_can_read_gives_a_clear_error_without_the_ciphertext(settings: object) -> None:
    token = Fernet(Fernet.generate_key()).encrypt(b"secret").decode()
    with pytest.raises(crypto.DecryptionError) as error:
        crypto.decrypt(token)
    assert token not in str(error.value)


def test_blind_index_matches_the_same_identifier_typed_differently() -> None:
    assert crypto.blind_index("AB 12 34 56 C") == crypto.blind_index("ab123456c")
    assert crypto.blind_index("AB123456C") != crypto.blind_index("AB123456D")
    assert len(crypto.blind_index("x")) == 64
