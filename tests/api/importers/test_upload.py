"""POST /imports/{platform}: exports uploaded by admins and managers, imported, reported."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from api.auth import Role
from tests.api.conftest import Api, settle
from tests.exports import (
    SlackExport,
    author,
    discord_channel,
    discord_message,
    message,
    slack_user,
    ts,
)

MEMBER = """
query Who($handle: String!, $channel: Channel!) {
  memberByIdentity(channel: $channel, handle: $handle) {
    displayName isBot attributes
    interactions(first: 20) { edges { node { kind externalId threadRef } } }
  }
}
"""


def upload(api: Api, platform: str, path: Path, key: str, **params: Any) -> Any:
    """POST one file as the form's `file` part."""
    with path.open("rb") as data:
        return api.client.post(
            f"{api.url}/imports/{platform}",
            files={"file": (path.name, data)},
            headers={"Authorization": f"Bearer {key}"},
            params=params,
        )


def member(api: Api, channel: str, handle: str, key: str) -> dict[str, Any]:
    """A member by platform identity, through GraphQL."""
    body = api.graphql(MEMBER, {"handle": handle, "channel": channel}, key=key)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["memberByIdentity"]
    return found


@pytest.fixture(scope="module")
def slack_zip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A small workspace export with ids unique to this run: a person, a bot, a thread."""
    person, bot = f"U{uuid.uuid4().hex[:10].upper()}", f"B{uuid.uuid4().hex[:10].upper()}"
    export = SlackExport(users=[slack_user(person, "ada", email="ada@example.org")])
    export.channel(f"C{person}", "general", general=True)
    export.post(
        "general",
        1,
        message(person, ts(1), "question", thread_ts=ts(1), reply_count=1),
        message(person, ts(1, 5), "answer to self", thread_ts=ts(1)),
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": bot,
            "username": "ci",
            "ts": ts(1, 9),
            "text": "built",
        },
    )
    path = export.write(tmp_path_factory.mktemp("slack") / "export.zip")
    return path, person, bot


def test_an_admin_uploads_a_slack_export_and_the_members_appear(
    api: Api, admin_key: str, slack_zip: tuple[Path, str, str]
) -> None:
    path, person, bot = slack_zip
    response = upload(api, "slack", path, admin_key)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["imported"], report["failed"], report["members_created"]) == (5, 0, 2)
    settle(api)

    ada = member(api, "SLACK", person, admin_key)
    assert ada["displayName"] == "Ada" and ada["attributes"]["slack.handle"] == "ada"
    kinds = sorted(e["node"]["kind"] for e in ada["interactions"]["edges"])
    assert kinds == ["POST", "REPLY"]
    assert member(api, "SLACK", bot, admin_key)["isBot"] is True

    again = upload(api, "slack", path, api.key(Role.MANAGER)).json()
    assert (again["imported"], again["duplicates"]) == (0, 5)  # 3 interactions, 2 users


def test_a_viewer_may_not_import(
    api: Api, viewer_key: str, slack_zip: tuple[Path, str, str]
) -> None:
    for role_key in (viewer_key, api.key(Role.PRODUCT), api.key(Role.MARKETING)):
        response = upload(api, "slack", slack_zip[0], role_key)
        assert response.status_code == 403
        assert response.json()["detail"] == "your role may not import data"


def test_a_discord_file_with_errors_under_strict_applies_nothing(
    api: Api, admin_key: str, tmp_path: Path
) -> None:
    who = author(str(uuid.uuid4().int)[:18], "grace")
    path = discord_channel(
        tmp_path / "general.json",
        str(uuid.uuid4().int)[:18],
        "general",
        [
            discord_message(str(uuid.uuid4().int)[:18], who, 1),
            {"id": "x", "type": "Default", "timestamp": "soon", "author": who},
        ],
    )

    strict = upload(api, "discord", path, admin_key, strict="true").json()

    assert strict["applied"] is False
    assert strict["failures"] == [
        {
            "file": "upload",
            "place": "messages[1]",
            "stage": "read",
            "reason": "timestamp: missing or not an ISO 8601 time with its offset",
        }
    ]
    lenient = upload(api, "discord", path, admin_key).json()
    assert (lenient["applied"], lenient["imported"], lenient["failed"]) == (True, 2, 1)


def test_bad_uploads_are_refused_naming_the_field(api: Api, admin_key: str) -> None:
    headers = {"Authorization": f"Bearer {admin_key}"}
    url = f"{api.url}/imports/slack"

    as_json = api.client.post(url, json={"file": "x"}, headers=headers)
    no_file = api.client.post(url, files={"other": ("a.zip", b"PK")}, headers=headers)
    unknown = api.client.post(f"{api.url}/imports/myspace", files={"file": b""}, headers=headers)

    assert as_json.status_code == 415 and as_json.json()["detail"].startswith("file: ")
    assert no_file.status_code == 422
    assert no_file.json()["detail"] == "file: the form has no part named 'file'"
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["path", "platform"]
