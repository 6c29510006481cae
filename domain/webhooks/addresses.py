"""Which network addresses a webhook may be sent to: the server-side request forgery rule.

A receiver URL is the admin's to choose, but the server sends the request from inside the
network: a URL resolving to loopback, a private range, link-local (cloud metadata at
169.254.169.254) or anything not globally routable would reach what only the server can.
"""

from __future__ import annotations

import ipaddress

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def refusal(address: str, *, allow_private: bool) -> str | None:
    """Why a webhook may not be sent to this address, or None when it may.

    With `allow_private` (CRM_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES, for receivers on the same
    network, and tests), loopback and private ranges are allowed. Link-local addresses (the
    clouds' metadata services), unspecified, multicast and reserved ones never are.
    """
    ip: Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if ip.is_loopback:
        return None if allow_private else f"{ip} is a loopback address"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return f"{ip} is an unspecified, multicast or reserved address"
    if ip.is_link_local:
        return f"{ip} is a link-local address"
    if ip.is_private or not ip.is_global:
        return None if allow_private else f"{ip} is a private address"
    return None
