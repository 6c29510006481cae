"""The reads over HTTP: the same reads as GraphQL documents, one client, one request at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from bench.harness import Bench, api_key, server
from bench.measures import percentiles
from bench.read_samples import Inputs, timed

AT_RISK_DOCUMENT = """
query AtRisk($channel: Channel) {
  atRiskMembers(first: 50, filter: {channel: $channel}) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      member { id displayName }
      since reason ruleVersion lastInteractionAt channels
      why { baselineWeekly recentWeekly daysSilent score }
    } }
  }
}
"""
TOP_DOCUMENT = """
query Top($channel: Channel) {
  topMembers(first: 50, channel: $channel) {
    pageInfo { hasNextPage endCursor }
    edges { node { rank score member { id displayName channels } } }
  }
}
"""
MEMBER_PAGE_DOCUMENT = """
query MemberPage($id: ID!) {
  member(id: $id) {
    id displayName email status joinedAt sourceChannel tags channels isStaff isBot version
    identities { channel handle linkedAt }
    engagement {
      score rank percentile rankedMembers interactions firstInteractionAt lastInteractionAt
      weeklyActivity { week channel interactions weight }
    }
    interactions(first: 20) {
      pageInfo { hasNextPage endCursor }
      edges { node { id kind channel occurredAt threadRef summary } }
    }
  }
}
"""
SEARCH_DOCUMENT = """
query Search($search: String!) {
  members(filter: {search: $search}, first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id displayName email tags channels joinedAt status } }
  }
}
"""


HttpRead = tuple[str, Callable[[Inputs, int], dict[str, Any]], Callable[[dict[str, Any]], int]]


def http_timings(
    bench: Bench, inputs: Inputs, samples: int
) -> tuple[dict[str, dict[str, float]], float]:
    """Each read's latency over HTTP against `crm serve --no-projections`; and peak RSS."""
    key = api_key(bench, "admin")
    results: dict[str, dict[str, float]] = {}
    with server(bench, projections=False) as (base_url, service):
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
            for name, (document, variables, found) in HTTP_READS.items():

                def call(n: int, d: str = document, v: Any = variables, f: Any = found) -> int:
                    return int(f(_post(client, d, v(inputs, n))))

                results[name] = percentiles(timed(name, call, samples))
    return results, service.peak_rss_mb


def _post(client: httpx.Client, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    """POST a GraphQL document; its data, or an error carrying the response."""
    response = client.post("/graphql", json={"query": document, "variables": variables})
    body = (
        response.json()
        if response.headers.get("content-type", "").startswith("application/json")
        else None
    )
    if response.status_code != 200 or not body or body.get("errors") or not body.get("data"):
        raise RuntimeError(f"GraphQL read failed ({response.status_code}): {response.text[:2000]}")
    return dict(body["data"])


def _enum(channel: str | None) -> str | None:
    """A channel as the GraphQL enum spells it."""
    return channel.upper() if channel else None


def _edges(field: str) -> Callable[[dict[str, Any]], int]:
    """How many edges a connection field returned (0 when the field is null)."""
    return lambda data: len((data.get(field) or {}).get("edges") or [])


HTTP_READS: dict[str, HttpRead] = {
    "at_risk_members": (
        AT_RISK_DOCUMENT,
        lambda inputs, n: {"channel": _enum(inputs.channel(n))},
        _edges("atRiskMembers"),
    ),
    "top_members": (
        TOP_DOCUMENT,
        lambda inputs, n: {"channel": _enum(inputs.channel(n))},
        _edges("topMembers"),
    ),
    "member_page": (
        MEMBER_PAGE_DOCUMENT,
        lambda inputs, n: {"id": str(inputs.member(n))},
        lambda data: 1 if data.get("member") else 0,
    ),
    "members_search": (
        SEARCH_DOCUMENT,
        lambda inputs, n: {"search": inputs.search(n)},
        _edges("members"),
    ),
}
