"""Where a receiver URL leads: its host resolved, every address checked against SSRF.

Checked when a subscription is created and again before each attempt: a name that
resolved to a public address yesterday may resolve to 127.0.0.1 today.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from domain.webhooks import AddressRefused, HostNotResolved, refusal

Resolve = Callable[..., list[tuple[Any, ...]]]


def receiver_addresses(
    url: str, *, allow_private: bool, resolve: Resolve = socket.getaddrinfo
) -> list[str]:
    """The addresses the URL's host resolves to, all allowed; else AddressRefused (naming
    the first refused) or HostNotResolved."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = resolve(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise HostNotResolved(host, str(error) or type(error).__name__) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise HostNotResolved(host, "no address")
    for address in addresses:
        reason = refusal(address, allow_private=allow_private)
        if reason is not None:
            raise AddressRefused(f"{host} resolves to {reason}")
    return addresses
