"""Signatures a receiver can check, and the retry schedule's backoff and deadline."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from domain.webhooks.retries import RetryPolicy
from domain.webhooks.signing import signature_header, verify

BODY = b'{"type":"member.joined"}'


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    header = signature_header("s3cret-s3cret-s3cret", 1_700_000_000, BODY)
    expected = hmac.new(b"s3cret-s3cret-s3cret", b"1700000000." + BODY, hashlib.sha256)
    assert header == f"t=1700000000,v1={expected.hexdigest()}"


def test_verify_refuses_another_body_secret_or_an_old_timestamp() -> None:
    header = signature_header("secret-one-secret", 1_000, BODY)
    assert verify("secret-one-secret", header, BODY, now=1_010)
    assert not verify("secret-two-secret", header, BODY, now=1_010)
    assert not verify("secret-one-secret", header, BODY + b" ", now=1_010)
    assert not verify("secret-one-secret", header, BODY, now=1_000 + 301)
    assert not verify("secret-one-secret", "v1=abc", BODY, now=1_000)


def test_backoff_doubles_with_jitter_up_to_the_longest_pause() -> None:
    policy = RetryPolicy(first=timedelta(seconds=10), longest=timedelta(minutes=1))
    assert policy.pause(1, draw=0.0) == timedelta(seconds=5)
    assert policy.pause(1, draw=0.999999) < timedelta(seconds=10)
    assert policy.pause(3, draw=0.0) == timedelta(seconds=20)
    assert policy.pause(30, draw=0.0) == timedelta(seconds=30)  # half of the longest


def test_a_delivery_is_given_up_a_day_after_its_first_attempt() -> None:
    policy = RetryPolicy()
    first = datetime(2026, 1, 1, tzinfo=UTC)
    assert policy.next_attempt(attempts=1, first_attempt_at=first, now=first) is not None
    late = first + timedelta(hours=23, minutes=59)
    assert policy.next_attempt(attempts=20, first_attempt_at=first, now=late) is None
