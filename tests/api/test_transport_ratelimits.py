"""Per-key rate limits: token buckets for reads, writes and ingest, 429 with Retry-After."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from api.app import create_app
from api.auth import Principal, Role
from api.ratelimit import RateLimited, RateLimiter, TokenBucket
from application.settings import DEFAULT_RATE_LIMITS, RateLimit
from tests.api.conftest import Api, join, serving, unique
from tests.conftest import test_settings

WHEN = (datetime.now(UTC) - timedelta(days=2)).isoformat()
SLOW = 0.001  # tokens per second: no visible refill within a test

LIMITS = {
    "default": {
        "read": {"burst": 3, "per_second": SLOW},
        "write": {"burst": 2, "per_second": SLOW},
        "ingest": {"burst": 5, "per_second": SLOW},
    },
    "viewer": {"read": {"burst": 2, "per_second": 5}},
    "manager": {"ingest": {"burst": 5, "per_second": 10}},
}

READ = "{ members(first: 1) { totalCount } }"


@pytest.fixture(scope="module")
def limited(api: Api) -> Iterator[Api]:
    """A second server on the same database and services, with small limits enabled."""
    url = api.services.runtime.settings.database_url
    assert url is not None
    settings = test_settings(url, rate_limits_enabled=True, rate_limits=LIMITS)
    with serving(create_app(settings, services=api.services)) as base:
        yield Api(base, api.services, api.client)


def post(api: Api, query: str, key: str, variables: dict[str, Any] | None = None) -> httpx.Response:
    """POST a GraphQL document without asserting its status."""
    return api.client.post(
        f"{api.url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {key}"},
    )


def assert_rate_limited(response: httpx.Response) -> int:
    """A 429 with Retry-After and a RATE_LIMITED GraphQL error; returns the seconds to wait."""
    assert response.status_code == 429, response.text
    retry_after = int(response.headers["Retry-After"])
    assert retry_after >= 1
    body = response.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": retry_after}
    return retry_after


def test_reads_beyond_the_burst_get_429_with_retry_after(limited: Api) -> None:
    """Three reads pass, the fourth waits: Retry-After says how long a token takes."""
    key = limited.key(Role.ADMIN)
    for _ in range(3):
        assert post(limited, READ, key).status_code == 200
    retry_after = assert_rate_limited(post(limited, READ, key))
    assert retry_after == 1000  # one token at 0.001 per second


def test_another_key_is_unaffected(limited: Api) -> None:
    """Buckets are per key: one exhausted key leaves the others alone."""
    spent, fresh = limited.key(Role.ADMIN), limited.key(Role.ADMIN)
    for _ in range(3):
        post(limited, READ, spent)
    assert_rate_limited(post(limited, READ, spent))
    response = post(limited, READ, fresh)
    assert response.status_code == 200, response.text
    assert "errors" not in response.json()


def test_reads_are_unaffected_by_an_exhausted_write_bucket(api: Api, limited: Api) -> None:
    """Mutations have their own bucket; a refused mutation records nothing."""
    key = limited.key(Role.ADMIN)
    member = join(api, api.key(Role.ADMIN))
    tag = (
        "mutation($id: ID!, $tag: String!)"
        " { tagMember(input: {memberId: $id, tag: $tag}) { __typename } }"
    )
    tags = [unique("rl-") for _ in range(3)]
    for name in tags[:2]:
        response = post(limited, tag, key, {"id": member["id"], "tag": name})
        assert response.json()["data"]["tagMember"]["__typename"] == "MemberTagged"
    assert_rate_limited(post(limited, tag, key, {"id": member["id"], "tag": tags[2]}))
    read = post(limited, "query($id: ID!) { member(id: $id) { tags } }", key, {"id": member["id"]})
    assert read.status_code == 200, read.text
    assert sorted(read.json()["data"]["member"]["tags"]) == sorted(tags[:2])


def test_a_bucket_refills_with_time(limited: Api) -> None:
    """The viewer role refills at 5 a second: a refused read passes again 0.3 s later."""
    key = limited.key(Role.VIEWER)
    for _ in range(2):
        assert post(limited, READ, key).status_code == 200
    assert assert_rate_limited(post(limited, READ, key)) == 1
    time.sleep(0.3)
    assert post(limited, READ, key).status_code == 200


def test_limits_are_configured_per_role(limited: Api) -> None:
    """The viewer's burst is 2, the default 3."""
    viewer, admin = limited.key(Role.VIEWER), limited.key(Role.ADMIN)
    assert [post(limited, READ, viewer).status_code for _ in range(3)] == [200, 200, 429]
    assert [post(limited, READ, admin).status_code for _ in range(3)] == [200, 200, 200]


def _lines(member_id: str, count: int) -> bytes:
    records = (
        {
            "member_id": member_id,
            "channel": "discord",
            "kind": "message",
            "occurred_at": WHEN,
            "external_id": unique("rl-"),
        }
        for _ in range(count)
    )
    return b"".join(json.dumps(record).encode() + b"\n" for record in records)


def ingest(api: Api, body: bytes, key: str) -> httpx.Response:
    """POST NDJSON in batches of ten lines."""
    return api.client.post(
        f"{api.url}/ingest/interactions",
        content=body,
        params={"batch_size": 10},
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/x-ndjson"},
    )


def test_ingest_is_slowed_to_its_rate_then_refused_with_429(api: Api, limited: Api) -> None:
    """25 lines against 5 at once and 10 a second: all land, slowly; the next request waits."""
    key = limited.key(Role.MANAGER)
    member = join(api, api.key(Role.ADMIN))
    started = time.monotonic()
    response = ingest(limited, _lines(member["id"], 25), key)
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 25
    assert elapsed >= 1.3, elapsed  # (10 - 5) / 10 s after the first batch, 10 / 10 s after
    refused = ingest(limited, _lines(member["id"], 1), key)
    assert refused.status_code == 429, refused.text
    assert int(refused.headers["Retry-After"]) >= 1
    assert "rate limit for ingest" in refused.json()["detail"]


def test_ingest_and_graphql_buckets_are_separate(api: Api, limited: Api) -> None:
    """An admin whose ingest bucket is spent still reads."""
    key = limited.key(Role.ADMIN)
    member = join(api, api.key(Role.ADMIN))
    assert ingest(limited, _lines(member["id"], 5), key).status_code == 200
    assert ingest(limited, _lines(member["id"], 1), key).status_code == 429
    assert post(limited, READ, key).status_code == 200


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_token_bucket_refills_continuously_up_to_its_burst() -> None:
    """Two tokens at once, one more each half second, never more than two."""
    clock = FakeClock()
    bucket = TokenBucket(RateLimit(burst=2, per_second=2), clock)
    assert [bucket.take(), bucket.take()] == [0, 0]
    assert bucket.take() == pytest.approx(0.5)
    clock.now += 0.5
    assert bucket.take() == 0
    clock.now += 60
    assert [bucket.take(), bucket.take(), bucket.take() > 0] == [0, 0, True]


def test_a_limiter_is_off_when_disabled_and_raises_when_spent() -> None:
    """Disabled limits never refuse; enabled ones raise RateLimited with whole seconds."""
    principal = Principal(key_id=uuid.uuid4(), name="k", role=Role.VIEWER)
    one_read = {"default": {"read": {"burst": 1, "per_second": 0.4}}}
    off = RateLimiter(test_settings("postgresql://x/y", rate_limits=one_read))
    for _ in range(5):
        off.check(principal, "read")
    on = RateLimiter(
        test_settings("postgresql://x/y", rate_limits_enabled=True, rate_limits=one_read),
        FakeClock(),
    )
    on.check(principal, "read")
    with pytest.raises(RateLimited) as refused:
        on.check(principal, "read")
    assert refused.value.retry_after == 3  # 1 token at 0.4 a second: 2.5 s, rounded up


def test_rate_limits_settings_are_validated() -> None:
    """Unknown roles or kinds, and a zero rate, are refused at start-up."""
    for bad in (
        {"superuser": {"read": {"burst": 1, "per_second": 1}}},
        {"viewer": {"export": {"burst": 1, "per_second": 1}}},
        {"viewer": {"read": {"burst": 1, "per_second": 0}}},
    ):
        with pytest.raises(ValidationError):
            test_settings("postgresql://x/y", rate_limits=bad)


def test_default_limits_are_as_documented() -> None:
    """README's table states these."""
    assert {kind: (r.burst, r.per_second) for kind, r in DEFAULT_RATE_LIMITS.items()} == {
        "read": (200, 20),
        "write": (60, 5),
        "ingest": (100_000, 10_000),
    }
