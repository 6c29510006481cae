"""Per-key rate limits: a token bucket for each API key and kind of work, in this process."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from api.auth import Principal
from application.settings import RateKind, RateLimit, Settings

Clock = Callable[[], float]


class TokenBucket:
    """Holds up to `burst` tokens, refilled continuously at `per_second`."""

    def __init__(self, limit: RateLimit, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        self._tokens = limit.burst
        self._at = clock()

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._at)
        self._tokens = min(self.limit.burst, self._tokens + elapsed * self.limit.per_second)
        self._at = now

    def take(self, tokens: float = 1.0) -> float:
        """Take tokens if all are there and return 0; otherwise take none and return the wait."""
        self._refill()
        if self._tokens >= tokens:
            self._tokens -= tokens
            return 0.0
        return (tokens - self._tokens) / self.limit.per_second

    def borrow(self, tokens: float) -> float:
        """Take tokens even beyond the balance; return how long until the debt is repaid."""
        self._refill()
        self._tokens -= tokens
        return max(0.0, -self._tokens / self.limit.per_second)


@dataclass(frozen=True)
class RateLimited(Exception):
    """A key used up one of its buckets; it may retry after `retry_after` seconds."""

    kind: RateKind
    retry_after: int

    @property
    def message(self) -> str:
        """What the client is told."""
        return (
            f"rate limit for {self.kind} exceeded for this API key;"
            f" retry after {self.retry_after} s"
        )


def retry_after_seconds(wait: float) -> int:
    """A Retry-After value: whole seconds, at least one."""
    return max(1, math.ceil(wait))


class RateLimiter:
    """The buckets of every API key seen by this process, by kind; limits come per role."""

    def __init__(self, settings: Settings, clock: Clock = time.monotonic) -> None:
        self.settings = settings
        self.enabled = settings.rate_limits_enabled
        self._clock = clock
        self._buckets: dict[tuple[UUID, RateKind], TokenBucket] = {}
        # Handlers run on the event loop, but ingestion batches may be charged from threads.
        self._lock = threading.Lock()

    def _bucket(self, principal: Principal, kind: RateKind) -> TokenBucket:
        key = (principal.key_id, kind)
        bucket = self._buckets.get(key)
        if bucket is None:
            limit = self.settings.rate_limit(principal.role.value, kind)
            bucket = self._buckets[key] = TokenBucket(limit, self._clock)
        return bucket

    def check(self, principal: Principal, kind: RateKind, tokens: float = 1.0) -> None:
        """Charge one request (or `tokens` lines); raise RateLimited when the bucket is short."""
        if not self.enabled:
            return
        with self._lock:
            wait = self._bucket(principal, kind).take(tokens)
        if wait > 0:
            raise RateLimited(kind, retry_after_seconds(wait))

    def charge(self, principal: Principal, kind: RateKind, tokens: float) -> float:
        """Charge work under way; return how long the caller should pause to keep to the rate."""
        if not self.enabled:
            return 0.0
        with self._lock:
            return self._bucket(principal, kind).borrow(tokens)
