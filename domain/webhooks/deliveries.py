"""A delivery as the outbox and the deliverer pass it: who receives, what was claimed, how
an attempt ended. Plain values: the read side fills them, the deliverer acts on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class Receiver:
    """An active subscription as the deliverer sends to it."""

    subscription_id: UUID
    url: str
    role: str


@dataclass(frozen=True)
class Claimed:
    """A delivery claimed for one attempt: leased to this deliverer until sent or expired."""

    subscription_id: UUID
    notification_id: int
    event_type: str
    subject_id: UUID
    idempotency_key: UUID
    attempts: int  # this one included
    lease: int
    first_attempt_at: datetime
    occurred_at: datetime
    replayed: bool


@dataclass(frozen=True)
class Outcome:
    """How one attempt ended: delivered, to be tried again at `retry_at`, or failed."""

    subscription_id: UUID
    notification_id: int
    lease: int
    status: str  # delivered, pending (retry), failed
    at: datetime
    retry_at: datetime | None = None
    status_code: int | None = None
    error: str | None = None
