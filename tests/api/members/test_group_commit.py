"""Mutations by group commit, over real HTTP: concurrent callers written together, each
answered on its own, and every answer readable at once (read your writes)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest

from api.auth import Role
from tests.api.conftest import (
    MEMBER_QUERY,
    Api,
    join,
    mutation_document,
    served_api,
    unique,
)

# Long enough that a burst from one client lands in a few batches on a busy machine.
WINDOW_MS = 30
BURST = 200

TAG = mutation_document("tagMember", "MemberTagInput").replace("member {", "position member {", 1)
UPDATE = mutation_document("updateMemberProfile", "UpdateMemberProfileInput")
JOIN = mutation_document("joinMember", "JoinMemberInput")


@pytest.fixture(scope="module")
def grouped(server_url: str, template_database: str) -> Iterator[Api]:
    """The app with a group-commit window wide enough to batch a burst."""
    with served_api(server_url, template_database, group_commit_window_ms=WINDOW_MS) as api:
        yield api


@pytest.fixture(scope="module")
def key(grouped: Api) -> str:
    """An admin's key."""
    return grouped.key(Role.ADMIN)


def burst(api: Api, key: str, calls: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """POST every (document, input) at once, each on its own connection; the bodies."""

    async def post(client: httpx.AsyncClient, document: str, input: dict[str, Any]) -> Any:
        response = await client.post(
            "/graphql", json={"query": document, "variables": {"input": input}}
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def run() -> list[dict[str, Any]]:
        limits = httpx.Limits(max_connections=len(calls))
        headers = {"Authorization": f"Bearer {key}"}
        async with httpx.AsyncClient(
            base_url=api.url, headers=headers, limits=limits, timeout=60
        ) as client:
            return list(await asyncio.gather(*(post(client, d, i) for d, i in calls)))

    return asyncio.run(run())


def batches(api: Api) -> int:
    queue = api.services.member_commands
    assert queue is not None
    return queue.stats.batches


def test_one_stale_version_among_concurrent_changes_fails_alone(grouped: Api, key: str) -> None:
    members = [join(grouped, key) for _ in range(30)]
    stale = {"memberId": members[7]["id"], "expectedVersion": 5, "displayName": "Too late"}
    calls = [(TAG, {"memberId": m["id"], "tag": f"t{n}"}) for n, m in enumerate(members)]
    calls.insert(7, (UPDATE, stale))
    bodies = burst(grouped, key, calls)
    refused = bodies.pop(7)["data"]["updateMemberProfile"]
    assert refused["__typename"] == "Conflict" and refused["code"] == "VERSION_MISMATCH"
    assert refused["currentVersion"] in (1, 2)  # before or after its neighbour's tag
    for n, (body, member) in enumerate(zip(bodies, members, strict=True)):
        tagged = body["data"]["tagMember"]
        assert tagged["__typename"] == "MemberTagged", tagged
        assert tagged["member"]["id"] == member["id"] and tagged["member"]["tags"] == [f"t{n}"]
        assert int(tagged["position"]) > 0
    assert len({body["data"]["tagMember"]["position"] for body in bodies}) == len(members)


def test_a_burst_of_joins_gives_distinct_members_each_recorded_once(grouped: Api, key: str) -> None:
    before = batches(grouped)
    names = [unique("Burst ") for _ in range(BURST)]
    bodies = burst(grouped, key, [(JOIN, {"displayName": name}) for name in names])
    joined = [body["data"]["joinMember"] for body in bodies]
    assert all(j["__typename"] == "MemberJoined" for j in joined), joined[:3]
    assert [j["member"]["displayName"] for j in joined] == names
    ids = {j["member"]["id"] for j in joined}
    assert len(ids) == BURST
    with psycopg.connect(grouped.services.runtime.database_url) as conn:
        stored = conn.execute(
            "SELECT originator_id::text, count(*) FROM community_events"
            " WHERE originator_id = ANY(%s::uuid[]) GROUP BY originator_id",
            (list(ids),),
        ).fetchall()
    assert len(stored) == BURST and all(count == 1 for _, count in stored)
    # Written in far fewer transactions than calls (how many depends on the machine).
    assert batches(grouped) - before <= BURST // 4


def test_a_change_is_read_back_at_once(grouped: Api, key: str) -> None:
    member = join(grouped, key)
    for n in range(3):
        answer = grouped.graphql(
            TAG, {"input": {"memberId": member["id"], "tag": f"r{n}"}}, key=key
        )
        tagged = answer["data"]["tagMember"]
        read = grouped.graphql(MEMBER_QUERY, {"id": member["id"]}, key=key)["data"]["member"]
        assert f"r{n}" in read["tags"] and read["version"] == tagged["member"]["version"]


def test_a_batch_that_fails_at_commit_writes_nothing_and_answers_everyone(
    grouped: Api, key: str
) -> None:
    url = grouped.services.runtime.database_url
    names = [unique("Crash ") for _ in range(20)]
    before = events(url)
    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$"
        )
        conn.execute(
            "CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON community_events"
            " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_commit()"
        )
    try:
        bodies = burst(grouped, key, [(JOIN, {"displayName": name}) for name in names])
    finally:
        with psycopg.connect(url) as conn:
            conn.execute("DROP TRIGGER refuse_commit ON community_events")
            conn.execute("DROP FUNCTION refuse_commit()")
    assert all(body["data"] is None and body["errors"] for body in bodies), bodies[:2]
    assert events(url) == before
    # The writer goes on: the next batch is written as usual.
    after = join(grouped, key)
    history = grouped.graphql(
        "query H($id: ID!) { member(id: $id) { version } }", {"id": after["id"]}, key=key
    )
    assert history["data"]["member"]["version"] == 1


def events(url: str) -> int:
    """Events in the log."""
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM community_events").fetchone()
    assert row is not None
    return int(row[0])
