"""Dashboard sessions: an opaque cookie token mapped, in this process, to a key's principal."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from api.auth import Principal

COOKIE = "crm_dashboard"
# A signed-in browser stays signed in for a working day; signing in again is one paste.
LIFETIME = timedelta(hours=8)


@dataclass(frozen=True)
class Session:
    """Who signed in, until when, and the token their forms must echo (CSRF)."""

    principal: Principal
    expires_at: datetime
    csrf_token: str


class Sessions:
    """Sessions held server-side: the cookie carries a random token and nothing else."""

    def __init__(self, lifetime: timedelta = LIFETIME) -> None:
        self.lifetime = lifetime
        self._by_token: dict[str, Session] = {}
        self._lock = threading.Lock()

    def open(self, principal: Principal, now: datetime | None = None) -> tuple[str, Session]:
        """A new session for a verified principal: its cookie token and the session."""
        now = now or datetime.now(UTC)
        token = secrets.token_urlsafe(32)
        session = Session(principal, now + self.lifetime, secrets.token_urlsafe(32))
        with self._lock:
            # Forget expired sessions as new ones open, so the map stays small.
            self._by_token = {t: s for t, s in self._by_token.items() if s.expires_at > now}
            self._by_token[token] = session
        return token, session

    def find(self, token: str | None, now: datetime | None = None) -> Session | None:
        """The live session of a cookie token, or None (unknown, expired or signed out)."""
        if not token:
            return None
        now = now or datetime.now(UTC)
        with self._lock:
            session = self._by_token.get(token)
            if session is not None and session.expires_at <= now:
                del self._by_token[token]
                return None
        return session

    def close(self, token: str) -> None:
        """Sign out: the token no longer opens anything."""
        with self._lock:
            self._by_token.pop(token, None)
