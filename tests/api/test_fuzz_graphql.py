"""Property-based fuzz of every GraphQL mutation (and every query with arguments).

Variables are generated from the schema itself, so a new mutation joins the fuzz without
a change here. Whatever the input, the answer is JSON of the GraphQL shape, never a 5xx
and never a masked "Unexpected error". Derandomized: CI runs the same examples each time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, GraphQLUnionType, get_named_type
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from api.auth import Role
from api.graphql.schema import MAX_TOKENS
from projections.positions import lags
from projections.registry import projection_names
from tests.api.conftest import Api, join, succeed, unique
from tests.api.fuzzing import (
    Pools,
    document,
    json_values,
    operation_fields,
    root_field,
    token_count,
    variables,
)

# The fuzz has a budget of about 4,000 examples, shared by every operation: as the schema
# grows, each operation gets fewer (never under 60 per mutation, 30 per query), so that
# the suite keeps its 10 minutes. Derandomized: each run tries the same, boundary values first.
EXAMPLES_BUDGET = 4_000
MUTATION_EXAMPLES = max(60, EXAMPLES_BUDGET * 5 // 6 // len(operation_fields("mutation")))
QUERY_EXAMPLES = max(30, EXAMPLES_BUDGET // 6 // len(operation_fields("query")))

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@pytest.fixture(scope="module")
def fuzz_key(api: Api) -> Iterator[str]:
    """An admin key, and a few real members (joined, linked, tagged, left, erased) to hit."""
    key = api.key(Role.ADMIN)
    handles = [unique("fz") for _ in range(4)]
    members = [
        join(
            api, key, identities=[{"channel": "DISCORD", "handle": handle}], email=f"{handle}@x.org"
        )
        for handle in handles
    ]
    succeed(api, "tagMember", {"memberId": members[0]["id"], "tag": "speaker"}, key=key)
    succeed(api, "markMemberLeft", {"memberId": members[1]["id"]}, key=key)
    succeed(api, "eraseMember", {"memberId": members[2]["id"]}, key=key)
    occurred = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    api.graphql(
        "mutation($i: RecordInteractionInput!) { recordInteraction(input: $i) { __typename } }",
        {
            "i": {
                "memberId": members[3]["id"],
                "channel": "DISCORD",
                "kind": "MESSAGE",
                "occurredAt": occurred,
                "externalId": unique("fz-"),
            }
        },
        key=key,
    )
    Pools.member_ids = [m["id"] for m in members]
    Pools.handles = handles
    Pools.feedback_ids = [_feedback(api, key, members[0]["id"], kind) for kind in ("IDEA", "BUG")]
    Pools.event_ids = [_event(api, key, hours) for hours in (-1, 24)]
    yield key


def _feedback(api: Api, key: str, author: str, kind: str) -> str:
    """A feedback item of a seeded member, for the feedback mutations to hit."""
    body = api.graphql(
        "mutation($i: SubmitFeedbackInput!) { submitFeedback(input: $i) {"
        " ... on FeedbackSubmitted { itemId } } }",
        {"i": {"authorId": author, "channel": "FORUM", "kind": kind, "text": unique("fz ")}},
        key=key,
    )
    item_id: str = body["data"]["submitFeedback"]["itemId"]
    return item_id


def _event(api: Api, key: str, starts_in_hours: int) -> str:
    """A community event of the seed (one on now, one tomorrow) for check-ins to reach."""
    starts = datetime.now(UTC) + timedelta(hours=starts_in_hours)
    body = api.graphql(
        "mutation($i: ScheduleCommunityEventInput!) { scheduleCommunityEvent(input: $i) {"
        " ... on CommunityEventScheduled { eventId } } }",
        {
            "i": {
                "title": unique("fz "),
                "kind": "MEETUP",
                "startsAt": starts.isoformat(),
                "endsAt": (starts + timedelta(hours=3)).isoformat(),
                "place": "Online",
            }
        },
        key=key,
    )
    event_id: str = body["data"]["scheduleCommunityEvent"]["eventId"]
    return event_id


@cache
def _variables(kind: str, name: str) -> st.SearchStrategy[dict[str, Any]]:
    return variables(kind, name)


def _result_types(kind: str, name: str) -> set[str]:
    named = get_named_type(root_field(kind, name).type)
    if isinstance(named, GraphQLUnionType):
        return {member.name for member in named.types}
    assert isinstance(named, GraphQLObjectType)
    return {named.name}


def check_answer(response: httpx.Response, kind: str, name: str, sent: dict[str, Any]) -> None:
    """No server error, no masked exception, and the GraphQL response shape."""
    assert response.status_code < 500, (sent, response.text)
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert isinstance(body, dict) and body.keys() <= {"data", "errors", "extensions"}, body
    for error in body.get("errors") or []:
        assert isinstance(error["message"], str) and error["message"].strip(), (sent, error)
        assert "Unexpected error" not in error["message"], (sent, error)
        assert error.get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR", (sent, error)
    if response.status_code != 200:
        assert response.status_code == 400 and body["errors"], body
        return
    if body.get("data") is None:
        assert body["errors"], body
        return
    answer = body["data"][name]
    # A list field (consentTexts) answers a list of the type.
    for item in answer if isinstance(answer, list) else [answer]:
        if item is not None:
            assert item["__typename"] in _result_types(kind, name), item


def _run(api: Api, key: str, kind: str, name: str, sent: dict[str, Any]) -> None:
    response = api.client.post(
        f"{api.url}/graphql",
        json={"query": document(kind, name), "variables": sent},
        headers={"Authorization": f"Bearer {key}"},
    )
    check_answer(response, kind, name, sent)
    event(_outcome(response, name))


def _outcome(response: httpx.Response, name: str) -> str:
    """A label for --hypothesis-show-statistics: how far the examples got."""
    body = response.json()
    data = body.get("data") or {}
    if data.get(name) is not None:
        answer = data[name]
        if isinstance(answer, list):
            return f"{response.status_code} list of {len(answer)}"
        errors = answer.get("fieldErrors") if isinstance(answer, dict) else None
        detail = f" {errors[0]['field']}" if errors else ""
        return f"{response.status_code} {answer.get('__typename')}{detail}"
    if not body.get("errors"):
        return f"{response.status_code} null"
    return f"{response.status_code} error: {body['errors'][0]['message'][:90]}"


def test_every_mutation_and_query_is_fuzzed() -> None:
    """The fuzz covers the schema as it is: the known mutations at least, all within limits."""
    mutations = operation_fields("mutation")
    assert {"joinMember", "recordInteraction", "eraseMember"} <= set(mutations)
    assert {"submitFeedback", "changeFeedbackStatus", "recordFeedbackLoopClosed"} <= set(mutations)
    assert {"mergeMembers", "unmergeMembers", "acceptIdentityMatch", "rejectIdentityMatch"} <= set(
        mutations
    )
    assert "identityMatchSuggestions" in operation_fields("query")
    assert len(mutations) >= 23
    for kind in ("mutation", "query"):
        for name in operation_fields(kind):
            assert token_count(document(kind, name)) < MAX_TOKENS, name


@pytest.mark.parametrize("name", operation_fields("mutation"))
@settings(FUZZ, max_examples=MUTATION_EXAMPLES)
@given(data=st.data())
def test_mutation_fuzz(api: Api, fuzz_key: str, name: str, data: st.DataObject) -> None:
    """Random variables for one mutation: never a server error."""
    sent = data.draw(_variables("mutation", name), label="variables")
    _run(api, fuzz_key, "mutation", name, sent)


@pytest.mark.parametrize("name", operation_fields("query"))
@settings(FUZZ, max_examples=QUERY_EXAMPLES)
@given(data=st.data())
def test_query_fuzz(api: Api, fuzz_key: str, name: str, data: st.DataObject) -> None:
    """Random arguments for every query that takes some: never a server error."""
    sent = data.draw(_variables("query", name), label="variables")
    _run(api, fuzz_key, "query", name, sent)


def test_projections_keep_up_after_the_fuzz(api: Api) -> None:
    """No fuzzed input left an event a projection cannot apply (it would stall it for all)."""
    names = projection_names()
    deadline = time.monotonic() + 60
    while True:
        behind = {lag.name: lag.behind for lag in lags(api.services.runtime.pool, names)}
        if not any(behind.values()):
            return
        assert time.monotonic() < deadline, f"projections stalled: {behind}"
        time.sleep(0.2)


_REQUEST_FIELDS = st.sampled_from(["query", "variables", "operationName", "extensions"])
_DOCUMENTS = st.sampled_from(
    [
        "{ __typename }",
        "query A { __typename } query B { __typename }",
        "mutation { eraseMember(input: {memberId: 1}) { __typename } }",
        "{ members(first: 1) { totalCount } }",
        "query($id: ID!) { member(id: $id) { id } }",
        "{",
        "",
    ]
)


@settings(FUZZ, max_examples=200)
@given(
    body=st.one_of(
        json_values(),
        st.dictionaries(_REQUEST_FIELDS, st.one_of(_DOCUMENTS, json_values()), max_size=4),
        st.binary(max_size=200),
    ),
    content_type=st.sampled_from(["application/json", "application/graphql", "text/plain", ""]),
)
def test_graphql_transport_fuzz(api: Api, fuzz_key: str, body: Any, content_type: str) -> None:
    """Any body, JSON or not, of any shape: a 4xx or an answer, always JSON, never a 5xx."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {fuzz_key}"}
    if content_type:
        headers["Content-Type"] = content_type
    response = api.client.post(f"{api.url}/graphql", content=content, headers=headers)
    assert response.status_code < 500, (body, response.text)
    assert response.headers["content-type"].startswith("application/json"), response.text
    answer = response.json()
    assert answer.keys() <= {"data", "errors", "extensions"}, answer
    for error in answer.get("errors") or []:
        assert error["message"] and "Unexpected error" not in error["message"], (body, error)
    event(f"{response.status_code}")
