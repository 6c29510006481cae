"""A small community for the dashboard's tests, and signing in as a browser would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx

from tests.api.conftest import Api, join, settle, unique

XSS_NAME = "<script>alert(1)</script>"
XSS_EMAIL = "xss@example.org"
RECORD = """
mutation Record($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { __typename }
}
"""
# Interactions of each seeded member, a day ago: the member named like a script leads.
INTERACTIONS = {XSS_NAME: 3, "Grace": 2, "Linus": 1}
# The planted spike: a steady STEADY interactions a day on one thread, then on SPIKE_DAY of
# its month a burst of BURST newcomers' two messages each on one release thread.
STEADY, STEADY_DAYS, BURST = 2, 10, 7
SPIKE_THREAD = "v2-release"
SUBMIT = """
mutation Submit($input: SubmitFeedbackInput!) { submitFeedback(input: $input) {
  __typename ... on FeedbackSubmitted { itemId } } }
"""
RESPOND = """
mutation Respond($input: RespondToFeedbackInput!) { respondToFeedback(input: $input) {
  __typename } }
"""
# Hours to the first response of the three answered feedback items: median 4 h.
RESPONSE_HOURS = (2, 4, 10)


def seed(api: Api, key: str) -> dict[str, str]:
    """Join the members and record their interactions; their ids by name."""
    ids = {}
    when = datetime.now(UTC) - timedelta(days=1)
    for name, count in INTERACTIONS.items():
        email = XSS_EMAIL if name == XSS_NAME else f"{name.lower()}@example.org"
        ids[name] = join(api, key, displayName=name, email=email)["id"]
        for _ in range(count):
            record(api, key, ids[name], when)
    settle(api)
    return ids


def record(api: Api, key: str, member_id: str, when: datetime, **more: Any) -> None:
    """Record one message of a member on Discord."""
    values = {
        "memberId": member_id,
        "channel": "DISCORD",
        "kind": "MESSAGE",
        "occurredAt": when.isoformat(),
        "externalId": unique("msg-"),
        **more,
    }
    body = api.graphql(RECORD, {"input": values}, key=key)
    assert body["data"]["recordInteraction"]["__typename"] == "InteractionRecorded", body


def spike_month(today: date | None = None) -> date:
    """The month of the planted spike: two months before the current one."""
    first = (today or datetime.now(UTC).date()).replace(day=1)
    return (first - timedelta(days=40)).replace(day=1)


def spike_day(today: date | None = None) -> date:
    """The planted spike's day, after STEADY_DAYS of steady activity in its month."""
    return spike_month(today) + timedelta(days=STEADY_DAYS)


def response_month(today: date | None = None) -> date:
    """The month of the answered feedback: the month before the spike's."""
    return (spike_month(today) - timedelta(days=1)).replace(day=1)


def plant_spike(api: Api, key: str) -> None:
    """Steady activity, then one day's burst on one thread: a spike with a known cause."""
    steady = [join(api, key, displayName=unique("Steady "))["id"] for _ in range(STEADY)]
    start = _at(spike_month(), 10)
    for offset in range(STEADY_DAYS):
        for member in steady:
            record(api, key, member, start + timedelta(days=offset), threadRef="general")
    burst = _at(spike_day(), 15)
    for _ in range(BURST):
        member = join(api, key, displayName=unique("Newcomer "), sourceChannel="DISCORD")["id"]
        for minute in (0, 5):
            record(api, key, member, burst + timedelta(minutes=minute), threadRef=SPIKE_THREAD)
    settle(api)


def answer_feedback(api: Api, key: str) -> None:
    """Three feedback items answered RESPONSE_HOURS after submission, a week apart (one
    submission and one answer a day: no spike of their own)."""
    author = join(api, key, displayName=unique("Author "))["id"]
    responder = join(api, key, displayName=unique("Responder "))["id"]
    for week, hours in enumerate(RESPONSE_HOURS):
        submitted = _at(response_month() + timedelta(days=2 + 7 * week), 9)
        values = {
            "authorId": author,
            "channel": "FORUM",
            "kind": "QUESTION",
            "text": f"How do I migrate, part {week + 1}?",
            "submittedAt": submitted.isoformat(),
        }
        body = api.graphql(SUBMIT, {"input": values}, key=key)
        assert body["data"]["submitFeedback"]["__typename"] == "FeedbackSubmitted", body
        answer = {
            "itemId": body["data"]["submitFeedback"]["itemId"],
            "responderId": responder,
            "channel": "FORUM",
            "respondedAt": (submitted + timedelta(hours=hours)).isoformat(),
        }
        body = api.graphql(RESPOND, {"input": answer}, key=key)
        assert body["data"]["respondToFeedback"]["__typename"] == "FeedbackRespondedTo", body
    settle(api)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


@contextmanager
def signed_in(api: Api, key: str) -> Iterator[httpx.Client]:
    """A client holding a dashboard session cookie for this key."""
    with httpx.Client(base_url=api.url, timeout=30) as client:
        answer = client.post("/dashboard/sign-in", data={"api_key": key})
        assert answer.status_code == 303, answer.text
        yield client


def csrf_token(page: str) -> str:
    """The CSRF token of the page's sign-out form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF token"
    return found.group(1)
