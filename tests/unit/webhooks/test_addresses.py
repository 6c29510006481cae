"""The SSRF rule on literal addresses, and a URL's host checked through a fake resolver."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from application.webhooks.addresses import receiver_addresses
from domain.webhooks import AddressRefused, HostNotResolved, refusal

REFUSED_ALWAYS = ["0.0.0.0", "::", "224.0.0.1", "ff02::1", "240.0.0.1", "169.254.169.254"]
REFUSED_UNLESS_ALLOWED = [
    "127.0.0.1",
    "127.8.8.8",
    "::1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",
    "fd00::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
]
PUBLIC = ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", REFUSED_ALWAYS)
def test_unspecified_multicast_reserved_and_link_local_are_never_allowed(address: str) -> None:
    assert refusal(address, allow_private=False)
    assert refusal(address, allow_private=True)


@pytest.mark.parametrize("address", REFUSED_UNLESS_ALLOWED)
def test_loopback_and_private_are_refused_unless_configured(address: str) -> None:
    assert refusal(address, allow_private=False)
    assert refusal(address, allow_private=True) is None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert refusal(address, allow_private=False) is None


def _resolver(*addresses: str) -> Any:
    def resolve(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        family = socket.AF_INET6
        return [(family, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    return resolve


def test_a_host_is_refused_when_any_of_its_addresses_is() -> None:
    # A name with one public and one private address could be pointed at either.
    resolve = _resolver("1.1.1.1", "10.0.0.7")
    with pytest.raises(AddressRefused) as refused:
        receiver_addresses("https://hooks.example.org/in", allow_private=False, resolve=resolve)
    assert refused.value.field == "url" and "10.0.0.7" in refused.value.message
    found = receiver_addresses(
        "https://h.example.org", allow_private=False, resolve=_resolver("1.1.1.1")
    )
    assert found == ["1.1.1.1"]


def test_a_host_that_does_not_resolve_is_refused_naming_it() -> None:
    def resolve(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        raise socket.gaierror(-2, "Name or service not known")

    with pytest.raises(HostNotResolved) as refused:
        receiver_addresses("https://nowhere.invalid/", allow_private=True, resolve=resolve)
    assert "nowhere.invalid" in refused.value.message
