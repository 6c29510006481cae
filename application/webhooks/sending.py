"""One HTTP attempt of a delivery: the address checked again, the request signed and sent.

The request goes to the very address that was checked (the URL's host is sent as `Host`
and, for https, as the TLS server name), so a DNS answer that changes between the check
and the connection cannot lead it elsewhere. A host's checked address is reused for
`address_ttl_seconds` (5 s by default): a changed DNS answer is resolved and checked again
within that window, and until then requests still go to the address that passed. Redirects
are not followed. Only the status counts: a short body is read and dropped so the
connection stays open for the next attempt; a longer one closes the connection.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from application.webhooks.addresses import Resolve, receiver_addresses
from domain.errors import InvalidField

USER_AGENT = "community-crm-webhooks/1"
MAX_ERROR = 500
# A receiver's answer is read up to this much (and dropped) to keep its connection alive.
MAX_DRAINED = 64 * 1024


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
    """POSTs signed bodies, each receiver URL with its own connection pool (at most
    `max_connections`), each attempt within the timeout."""

    def __init__(
        self,
        *,
        timeout_seconds: float,
        allow_private: bool,
        resolve: Resolve | None = None,
        max_connections: int = 16,
        address_ttl_seconds: float = 5.0,
    ) -> None:
        self.allow_private = allow_private
        self.resolve = resolve
        self.timeout_seconds = timeout_seconds
        self.address_ttl_seconds = address_ttl_seconds
        self._checked: dict[tuple[str, int | None, str], tuple[float, str]] = {}
        self._lock = threading.Lock()
        self._limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        self._clients: dict[str, httpx.Client] = {}

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Attempt:
        """Send one attempt; never raises for the receiver's faults."""
        deadline = time.monotonic() + self.timeout_seconds
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            address = self._address(url, (host, parts.port, parts.scheme))
        except InvalidField as refused:
            return Attempt(None, refused.message)
        pinned = _with_address(url, address)
        sent = {"User-Agent": USER_AGENT, "Content-Type": "application/json", **headers}
        sent["Host"] = parts.netloc.rsplit("@", 1)[-1]
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        try:
            with self._client(url).stream(
                "POST", pinned, content=body, headers=sent, extensions=extensions
            ) as response:
                code = response.status_code
                _drain(response, deadline)
        except httpx.HTTPError as error:
            return Attempt(None, f"{type(error).__name__}: {error}"[:MAX_ERROR] or "error")
        if 200 <= code < 300:
            return Attempt(code, None)
        return Attempt(code, f"the receiver answered {code}")

    def _address(self, url: str, key: tuple[str, int | None, str]) -> str:
        """The host's address, checked against SSRF within the last `address_ttl_seconds`;
        a refusal is never kept, so it is resolved and checked again on the next attempt."""
        now = time.monotonic()
        with self._lock:
            cached = self._checked.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        options = {"resolve": self.resolve} if self.resolve else {}
        address = receiver_addresses(url, allow_private=self.allow_private, **options)[0]
        with self._lock:
            self._checked[key] = (now + self.address_ttl_seconds, address)
        return address

    def _client(self, url: str) -> httpx.Client:
        """The receiver's own connection pool: threads sending to one receiver never wait on
        another's pool lock, and its connections stay open between attempts."""
        with self._lock:
            client = self._clients.get(url)
            if client is None:
                client = self._clients[url] = httpx.Client(
                    timeout=httpx.Timeout(self.timeout_seconds),
                    limits=self._limits,
                    follow_redirects=False,
                )
        return client

    def close(self) -> None:
        """Close the connection pools."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()


def _drain(response: httpx.Response, deadline: float) -> None:
    """Read a short, prompt answer to its end (the connection is then reused); leave a long
    or a slow one (the connection is closed)."""
    read = 0
    try:
        for chunk in response.iter_raw():
            read += len(chunk)
            if read > MAX_DRAINED or time.monotonic() > deadline:
                return
    except httpx.HTTPError:
        return  # the status is in; a broken answer only costs the connection


def _with_address(url: str, address: str) -> str:
    """The URL with its host replaced by the address it was checked to resolve to."""
    parts = urlsplit(url)
    literal = f"[{address}]" if ipaddress.ip_address(address).version == 6 else address
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
