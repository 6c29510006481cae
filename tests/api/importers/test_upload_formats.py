"""POST /imports/discourse|github|attendees: uploaded, imported, read back over GraphQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.auth import Role
from tests.api.conftest import Api, settle
from tests.api.events.helpers import ONE, ok, schedule
from tests.api.importers.test_upload import upload
from tests.unit.importers.exports import (
    DISCOURSE_USER_COLUMNS,
    discourse_user,
    gh_event,
    github_issue,
    github_user,
    write_archive,
)

MEMBER = """
query Who($handle: String!, $channel: Channel!) {
  memberByIdentity(channel: $channel, handle: $handle) {
    isBot isStaff attributes
    engagement { interactions }
    interactions(first: 10) { edges { node { kind externalId threadRef } } }
  }
}
"""


def number() -> int:
    """A platform id unique to this run."""
    return uuid.uuid4().int % 10**12


def member(api: Api, channel: str, handle: str, key: str) -> dict[str, Any]:
    body = api.graphql(MEMBER, {"handle": handle, "channel": channel}, key=key)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["memberByIdentity"]
    return found


def guest_list(path: Path, tag: str) -> Path:
    """A Luma list: one guest who came, one who did not, one who declined."""
    came = (datetime.now(UTC) - timedelta(minutes=30)).isoformat()
    path.write_text(
        "\ufeffapi_id,name,email,approval_status,checked_in_at\n"
        f"{tag}-1,Ana,{tag}-1@example.org,approved,{came}\n"
        f"{tag}-2,Bo,{tag}-2@example.org,approved,\n"
        f"{tag}-3,Cy,{tag}-3@example.org,declined,\n"
    )
    return path


@dataclass(frozen=True)
class Uploads:
    """The files uploaded, by platform, and the platform ids they hold."""

    files: dict[str, Path]
    discourse_admin: str
    discourse_regular: str
    github_author: str
    guest: str  # the attendee who came


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Uploads:
    """A Discourse user list, a GH Archive hour (gzipped) and an attendee list, ids unique."""
    folder = tmp_path_factory.mktemp("uploads")
    admin, regular, author, tag = number(), number(), number(), f"g{number()}"
    users = folder / "user-list.csv"
    users.write_text(
        "\n".join(
            (
                DISCOURSE_USER_COLUMNS,
                discourse_user(admin, f"ad{admin}", trust_level=4, admin=True),
                discourse_user(regular, f"re{regular}", trust_level=3),
            )
        )
    )
    login = f"dev{author}"
    issue = github_issue(author % 10**6, github_user(login, author))
    archive = write_archive(
        folder / "2024-03-01-12.json.gz",
        [gh_event("IssuesEvent", login, author, {"action": "opened", "issue": issue})],
    )
    files = {"discourse": users, "github": archive, "attendees": guest_list(folder / "g.csv", tag)}
    return Uploads(files, str(admin), str(regular), str(author), f"{tag}-1")


def test_a_discourse_user_list_keeps_trust_levels_and_staff(
    api: Api, admin_key: str, exports: Uploads
) -> None:
    report = upload(api, "discourse", exports.files["discourse"], admin_key).json()
    assert (report["members_created"], report["failed"]) == (2, 0), report
    settle(api)

    admin = member(api, "DISCOURSE", exports.discourse_admin, admin_key)
    assert admin["isStaff"] and admin["attributes"]["discourse.trust_level"] == 4
    regular = member(api, "DISCOURSE", exports.discourse_regular, admin_key)
    assert not regular["isStaff"] and regular["attributes"]["discourse.trust_level"] == 3


def test_a_gzipped_gh_archive_upload_is_read_as_one(
    api: Api, admin_key: str, exports: Uploads
) -> None:
    report = upload(api, "github", exports.files["github"], api.key(Role.MANAGER)).json()
    assert (report["imported"], report["failed"]) == (2, 0), report  # the author and the issue
    settle(api)

    edges = member(api, "GITHUB", exports.github_author, admin_key)["interactions"]["edges"]
    assert [e["node"]["kind"] for e in edges] == ["ISSUE"]
    assert edges[0]["node"]["threadRef"] == edges[0]["node"]["externalId"]


def test_an_attendee_list_counts_in_the_event_figures_and_engagement(
    api: Api, admin_key: str, exports: Uploads
) -> None:
    event = schedule(api, admin_key, starts_in_hours=-1)
    path = exports.files["attendees"]
    report = upload(api, "attendees", path, admin_key, event=event).json()
    assert (report["imported"], report["skipped"], report["failed"]) == (2, 1, 0), report
    settle(api)

    body = api.graphql(ONE, {"id": event}, key=admin_key)
    figures = body["data"]["communityEvent"]["figures"]
    assert (figures["registered"], figures["attended"]) == (2, 1)
    assert member(api, "OTHER", exports.guest, admin_key)["engagement"]["interactions"] == 1

    again = upload(api, "attendees", path, admin_key, event=event).json()
    assert (again["imported"], again["duplicates"]) == (0, 2)
    settle(api)
    assert api.graphql(ONE, {"id": event}, key=admin_key)["data"]["communityEvent"]["figures"] == (
        figures
    )


def test_attendee_lists_need_an_event_that_is_known_and_not_cancelled(
    api: Api, admin_key: str, exports: Uploads
) -> None:
    path = exports.files["attendees"]
    cancelled = schedule(api, admin_key, starts_in_hours=48)
    ok(api, "cancelCommunityEvent", {"eventId": cancelled, "reason": "venue closed"}, admin_key)

    missing = upload(api, "attendees", path, admin_key)
    unknown = upload(api, "attendees", path, admin_key, event=str(uuid.uuid4()))
    called_off = upload(api, "attendees", path, admin_key, event=cancelled)

    assert (missing.status_code, unknown.status_code, called_off.status_code) == (422, 422, 409)
    assert unknown.json()["detail"].startswith("event: no community event with id")
    assert called_off.json()["detail"].endswith("was cancelled")


@pytest.mark.parametrize("platform", ["discourse", "github", "attendees"])
def test_a_viewer_may_not_upload_any_format(
    api: Api, viewer_key: str, exports: Uploads, platform: str
) -> None:
    path = exports.files[platform]
    response = upload(api, platform, path, viewer_key, event=str(uuid.uuid4()))
    assert response.status_code == 403
