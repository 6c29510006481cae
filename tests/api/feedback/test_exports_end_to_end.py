"""The exports on feedback recorded by mutations and projected from the log, then erased."""

from __future__ import annotations

import json
import time
from typing import Any

from api.auth import Role
from tests.api.conftest import Api, succeed, unique
from tests.api.feedback.helpers import done, member, submit

WAIT_SECONDS = 20


def _get(api: Api, path: str, key: str, **params: Any) -> str:
    response = api.client.get(
        f"{api.url}{path}", params=params, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    return response.text


def _feed(api: Api, key: str, since: str) -> dict[str, dict[str, Any]]:
    """The feed's entries after `since`, by item id."""
    *entries, _ = (
        json.loads(line)
        for line in _get(api, "/exports/feedback.ndjson", key, since=since).splitlines()
    )
    return {entry["item"]["id"]: entry for entry in entries}


def test_the_exports_follow_the_log_and_an_erasure_leaves_no_text(
    feedback_api: Api, keys: dict[Role, str]
) -> None:
    api, admin, product = feedback_api, keys[Role.ADMIN], keys[Role.PRODUCT]
    start = _get(api, "/exports/feedback.ndjson", product).splitlines()[-1]
    since = json.loads(start)["endCursor"]
    area = unique("exports-")
    author = member(api, admin)
    secret = unique("Please add =SUM(A1) exports, ")
    asked = submit(api, admin, author, text=secret, productArea=area)
    other = submit(api, admin, productArea=area)
    supporter = member(api, admin)
    done(
        api,
        "supportFeedback",
        {"itemId": other["itemId"], "memberId": supporter, "importance": "CRITICAL"},
        key=admin,
    )

    feed = _deadline(lambda: _feed(api, product, since), lambda f: len(f) == 2)
    assert feed[asked["itemId"]]["item"]["text"] == secret
    assert feed[asked["itemId"]]["changes"] == ["submitted"]
    assert feed[other["itemId"]]["item"]["uniqueMembers"] == 2
    assert "supported" in feed[other["itemId"]]["changes"]
    csv_text = _get(api, "/exports/feedback.csv", product, productArea=area)
    assert f'"{secret}"' in csv_text  # quoted for its comma; it starts no formula

    succeed(api, "eraseMember", {"memberId": author}, key=admin)
    # A response's span is fixed before its items are read, so an item may show its
    # erasure one response before the change itself falls inside the span: wait for both.
    feed = _deadline(
        lambda: _feed(api, product, since),
        lambda f: "author_erased" in f[asked["itemId"]]["changes"],
    )
    erased = feed[asked["itemId"]]
    assert erased["item"]["authorErased"]
    assert erased["item"]["text"] is None and erased["item"]["sourceUrl"] is None
    assert erased["changes"] == ["submitted", "author_erased"]
    for role in Role:
        for path in ("/exports/feedback.csv", "/exports/feedback.ndjson"):
            assert secret not in _get(api, path, keys[role]), (role, path)
    rows = _get(api, "/exports/feedback.csv", product, productArea=area).splitlines()
    erased_row = next(r for r in rows if asked["itemId"] in r)
    assert erased_row.endswith(",true")


def _deadline(read: Any, ready: Any) -> Any:
    """What `read` returns once `ready` accepts it (the projection follows the log)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        found = read()
        try:
            if ready(found):
                return found
        except KeyError:
            pass
        assert time.monotonic() < deadline, f"the feedback projection did not catch up: {found}"
        time.sleep(0.1)
