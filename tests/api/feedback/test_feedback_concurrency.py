"""Concurrent edits of one item over HTTP: every support lands; one of two stale edits wins."""

from __future__ import annotations

import threading
from typing import Any
from uuid import UUID

import httpx

from tests.api.conftest import Api
from tests.api.feedback.helpers import document, member, submit

WRITERS = 8


def _post_all(api: Api, key: str, name: str, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Send each input from its own thread and connection, all released at once."""
    start = threading.Barrier(len(inputs))
    results: list[dict[str, Any]] = [{} for _ in inputs]

    def send(index: int) -> None:
        with httpx.Client(timeout=60) as client:
            start.wait()
            response = client.post(
                f"{api.url}/graphql",
                json={"query": document(name), "variables": {"input": inputs[index]}},
                headers={"Authorization": f"Bearer {key}"},
            )
        results[index] = response.json()["data"][name]

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(inputs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_concurrent_supports_all_land(api: Api, admin_key: str) -> None:
    """Writers that lose a race act again on the new state: no support is lost."""
    item_id = submit(api, admin_key)["itemId"]
    backers = [member(api, admin_key) for _ in range(WRITERS)]
    results = _post_all(
        api, admin_key, "supportFeedback", [{"itemId": item_id, "memberId": m} for m in backers]
    )
    assert [r["__typename"] for r in results] == ["FeedbackSupported"] * WRITERS, results
    assert sorted(r["version"] for r in results) == list(range(2, 2 + WRITERS))
    item = api.services.use_cases.feedback.get_item(UUID(item_id))
    assert set(item.supporters) == {UUID(m) for m in backers}


def test_concurrent_edits_of_the_same_version_let_one_win(api: Api, admin_key: str) -> None:
    """With expectedVersion, the edits that lose are told the version they missed."""
    item_id = submit(api, admin_key)["itemId"]
    teams = [f"Team {i}" for i in range(WRITERS)]
    results = _post_all(
        api,
        admin_key,
        "triageFeedback",
        [{"itemId": item_id, "team": team, "expectedVersion": 1} for team in teams],
    )
    won = [r for r in results if r["__typename"] == "FeedbackTriaged"]
    lost = [r for r in results if r["__typename"] == "Conflict"]
    assert len(won) == 1 and len(lost) == WRITERS - 1, results
    assert {(r["code"], r["currentVersion"]) for r in lost} == {("VERSION_MISMATCH", 2)}
    item = api.services.use_cases.feedback.get_item(UUID(item_id))
    assert item.version == 2 and item.team in teams
