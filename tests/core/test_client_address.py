"""The one reader of the client's address: it believes X-Forwarded-For only from trusted proxies, from the right."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from pine.core.config import Config
from pine.core.middleware import client_ip


def _address(remote: str, forwarded: str | None = None) -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


@pytest.fixture
def proxied(settings: Any) -> Any:
    settings.PINE_BEHIND_PROXY = True
    settings.PINE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    return settings


def test_without_a_proxy_the_header_is_ignored(settings: Any) -> None:
    """With BEHIND_PROXY off, a client cannot choose its address by sending X-Forwarded-For."""
    settings.PINE_BEHIND_PROXY = False
    assert _address("203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_behind_a_trusted_proxy_the_client_is_the_address_it_added(proxied: Any) -> None:
    """From the balancer, the right-most address is the client, whatever the client wrote further left."""
    assert _address("10.0.0.1", "203.0.113.9") == "203.0.113.9"
    assert _address("10.0.0.1", "1.2.3.4, 203.0.113.9") == "203.0.113.9"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(proxied: Any) -> None:
    """Addresses of our own proxies in the chain are skipped; the first other address is the client."""
    assert _address("10.0.0.1", "1.2.3.4, 203.0.113.9, 10.0.0.7") == "203.0.113.9"


def test_a_connection_that_bypasses_the_proxy_cannot_forge_its_address(proxied: Any) -> None:
    """X-Forwarded-For from an address that is not a trusted proxy is ignored."""
    assert _address("198.51.100.5", "203.0.113.9") == "198.51.100.5"


def test_a_malformed_header_falls_back_to_the_connection(proxied: Any) -> None:
    """Rubbish in X-Forwarded-For never becomes the client's address."""
    assert _address("10.0.0.1", "not-an-address") == "10.0.0.1"


def test_trusting_every_proxy_takes_the_right_most_address(settings: Any) -> None:
    """FORWARDED_ALLOW_IPS=* trusts the connection, and takes only the address the proxy added."""
    settings.PINE_BEHIND_PROXY = True
    settings.PINE_TRUSTED_PROXIES = ["*"]
    assert _address("192.0.2.1", "1.2.3.4, 203.0.113.9") == "203.0.113.9"


def test_forwarded_allow_ips_must_be_addresses(tmp_path: Any) -> None:
    """A host name in FORWARDED_ALLOW_IPS stops start-up with a message naming the setting."""
    with pytest.raises(ImproperlyConfigured, match="FORWARDED_ALLOW_IPS"):
        Config.from_environ(project_dir=tmp_path, environ_={"PINE_ENV": "test", "FORWARDED_ALLOW_IPS": "balancer"})
