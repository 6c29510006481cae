"""One HTTP attempt of a delivery: the address checked again, the request signed and sent.

The request goes to the very address that was checked (the URL's host is sent as `Host`
and, for https, as the TLS server name), so a DNS answer that changes between the check
and the connection cannot lead it elsewhere. Redirects are not followed, and the
response's body is never read: only its status counts.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from application.webhooks.addresses import Resolve, receiver_addresses
from domain.errors import InvalidField

USER_AGENT = "community-crm-webhooks/1"
MAX_ERROR = 500


@dataclass(frozen=True)
class Attempt:
    """What came of one POST: the receiver's status, or why there was none."""

    status_code: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        """A 2xx answer: the receiver has it."""
        return self.status_code is not None and 200 <= self.status_code < 300


class HttpSender:
    """POSTs signed bodies with one shared connection pool, each within the timeout."""

    def __init__(
        self,
        *,
        timeout_seconds: float,
        allow_private: bool,
        resolve: Resolve | None = None,
        max_connections: int = 64,
    ) -> None:
        self.allow_private = allow_private
        self.resolve = resolve
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=32)
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout_seconds), limits=limits, follow_redirects=False
        )

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Attempt:
        """Send one attempt; never raises for the receiver's faults."""
        try:
            options = {"resolve": self.resolve} if self.resolve else {}
            address = receiver_addresses(url, allow_private=self.allow_private, **options)[0]
        except InvalidField as refused:
            return Attempt(None, refused.message)
        parts = urlsplit(url)
        host = parts.hostname or ""
        pinned = _with_address(url, address)
        sent = {"User-Agent": USER_AGENT, "Content-Type": "application/json", **headers}
        sent["Host"] = parts.netloc.rsplit("@", 1)[-1]
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        try:
            with self.client.stream(
                "POST", pinned, content=body, headers=sent, extensions=extensions
            ) as response:
                code = response.status_code
        except httpx.HTTPError as error:
            return Attempt(None, f"{type(error).__name__}: {error}"[:MAX_ERROR] or "error")
        if 200 <= code < 300:
            return Attempt(code, None)
        return Attempt(code, f"the receiver answered {code}")

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()


def _with_address(url: str, address: str) -> str:
    """The URL with its host replaced by the address it was checked to resolve to."""
    parts = urlsplit(url)
    literal = f"[{address}]" if ipaddress.ip_address(address).version == 6 else address
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
