"""The concurrent GraphQL clients of the commands benchmark: recordInteraction, or tagMember
and untagMember in turn, each client on its own keep-alive connection (bench/commands.py)."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import httpx

from application.clock import utc_now
from bench.loops import Loop, timed_loop

CLIENTS = 50
# Valid values of each enum, cycled through so every record differs a little.
CHANNELS = ("discord", "slack", "github", "discourse", "meetup", "twitter")
KINDS = ("message", "reply", "reaction_given", "post", "pull_request", "answer_accepted")

RECORD_INTERACTION = """
mutation Record($input: RecordInteractionInput!) {
  recordInteraction(input: $input) {
    __typename
    ... on InteractionRecorded { duplicate memberCreated interaction { id memberId } }
    ... on Error { message }
  }
}
"""

TAG_MEMBER = """
mutation Tag($input: MemberTagInput!) {
  tagMember(input: $input) { __typename ... on MemberTagged { member { id tags } } }
}
"""
UNTAG_MEMBER = """
mutation Untag($input: MemberTagInput!) {
  untagMember(input: $input) { __typename ... on MemberUntagged { member { id tags } } }
}
"""


def interactions(members: list[UUID], prefix: str) -> Iterator[dict[str, Any]]:
    """Endless distinct interactions of existing members, as the mutation's input fields."""
    for n in itertools.count():
        yield {
            "member_id": members[n % len(members)],
            "channel": CHANNELS[n % len(CHANNELS)],
            "kind": KINDS[(n // len(CHANNELS)) % len(KINDS)],
            "occurred_at": utc_now(),
            "external_id": f"bench-{prefix}-{n}",
            "summary": "benchmark interaction",
        }


def clients(
    base_url: str,
    key: str,
    members: list[UUID],
    prefix: str,
    seconds: float,
    *,
    tags: bool = False,
) -> Loop:
    """CLIENTS threads, each with its own connection, sending mutations for `seconds`:
    recordInteraction, or with `tags` tagMember and untagMember in turn, each client on
    members of its own (every call then changes its member)."""
    ready = threading.Barrier(CLIENTS + 1, timeout=60)
    make = _toggler if tags else _recorder

    def own(c: int) -> list[UUID]:
        return (members[c::CLIENTS] or members) if tags else members

    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [
            pool.submit(_client, base_url, key, own(c), f"{prefix}-{c}", seconds, ready, make)
            for c in range(CLIENTS)
        ]
        ready.wait()
        started = time.perf_counter()
        loops = [future.result() for future in futures]
    total = Loop(seconds=time.perf_counter() - started)
    for loop in loops:
        total.merge(loop)
    return total


Operation = Callable[[int], str | None]


def _client(
    base_url: str,
    key: str,
    members: list[UUID],
    prefix: str,
    seconds: float,
    ready: threading.Barrier,
    make: Callable[[httpx.Client, list[UUID], str], Operation],
) -> Loop:
    """One client: sequential mutations on its own keep-alive connection."""
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        operation = make(client, members, prefix)
        ready.wait()
        return timed_loop(operation, seconds)


def _recorder(client: httpx.Client, members: list[UUID], prefix: str) -> Operation:
    """recordInteraction of a new interaction of one of the members, each call."""
    records = interactions(members, prefix)
    return lambda n: _mutate(client, next(records))


def _toggler(client: httpx.Client, members: list[UUID], prefix: str) -> Operation:
    """Tags the members one after another, then takes the tags off, in turn."""
    tag = f"bench-{prefix}"[-40:]

    def toggle(n: int) -> str | None:
        adding = (n // len(members)) % 2 == 0
        return _tag(client, members[n % len(members)], tag, adding=adding)

    return toggle


def _tag(client: httpx.Client, member_id: UUID, tag: str, *, adding: bool) -> str | None:
    """One tagMember or untagMember; None when the member answered carries the change."""
    name = "tagMember" if adding else "untagMember"
    document = TAG_MEMBER if adding else UNTAG_MEMBER
    variables = {"input": {"memberId": str(member_id), "tag": tag}}
    response = client.post("/graphql", json={"query": document, "variables": variables})
    try:
        result = (response.json().get("data") or {}).get(name) or {}
    except ValueError:
        return f"HTTP {response.status_code}: {response.text}"
    tags = (result.get("member") or {}).get("tags")
    if tags is None or (tag in tags) != adding:
        return f"{name} not applied: {response.text[:300]}"
    return None


def _mutate(client: httpx.Client, record: dict[str, Any]) -> str | None:
    """One recordInteraction; None when recorded, else what went wrong."""
    variables = {
        "input": {
            "memberId": str(record["member_id"]),
            "channel": record["channel"].upper(),
            "kind": record["kind"].upper(),
            "occurredAt": record["occurred_at"].isoformat(),
            "externalId": record["external_id"],
            "summary": record["summary"],
        }
    }
    response = client.post("/graphql", json={"query": RECORD_INTERACTION, "variables": variables})
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}: {response.text}"
    result = (body.get("data") or {}).get("recordInteraction") or {}
    if response.status_code != 200 or body.get("errors") or not result:
        return f"HTTP {response.status_code}: {response.text}"
    if result.get("__typename") != "InteractionRecorded" or result.get("duplicate"):
        return f"not recorded: {result}"
    return None
