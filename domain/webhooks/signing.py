"""How a delivery is signed, the Stripe and GitHub way, so that a receiver can check it.

`X-CRM-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>`.
The timestamp is signed with the body: a receiver refuses old timestamps (replays of a
captured request) as well as a wrong signature.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-CRM-Signature"
# The same key for every attempt of one delivery: a receiver that saw it drops it.
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_HEADER = "X-CRM-Event"
ATTEMPT_HEADER = "X-CRM-Delivery-Attempt"
REPLAY_HEADER = "X-CRM-Replay"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of "<timestamp>.<body>" under the secret."""
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The value of X-CRM-Signature for a body sent at `timestamp`."""
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does: the header's timestamp is recent and its v1 matches the body."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, timestamp, body))
