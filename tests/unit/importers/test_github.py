"""The GitHub parser: REST issues, pull requests and comments, and GH Archive event files."""

from __future__ import annotations

import json
from pathlib import Path

from application.importers.github import parse
from domain.importers.records import Malformed, PlatformInteraction, PlatformUser, Skipped
from domain.interactions.interaction import InteractionKind
from tests.unit.importers.exports import (
    external_ids,
    gh_event,
    github_comment,
    github_issue,
    github_user,
    of_type,
    problems,
    write_archive,
    write_json,
)

ANA = github_user("ana", 100)
BOT = github_user("dependabot[bot]", 49699333, "Bot")


def test_issues_pull_requests_listed_among_them_and_comments(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "issues.json",
        [
            github_issue(7, ANA),
            github_issue(8, BOT, pull=True),
            github_comment(555, 7, github_user("bo", 101)),
        ],
    )
    records = list(parse(path))

    made = of_type(records, PlatformInteraction)
    assert [(i.kind, i.user_id, i.external_id, i.thread_ref) for i in made] == [
        (InteractionKind.ISSUE, "100", "acme/widget#7", "acme/widget#7"),
        (InteractionKind.PULL_REQUEST, "49699333", "acme/widget#8", "acme/widget#8"),
        (InteractionKind.REPLY, "101", "issue-comment:555", "acme/widget#7"),
    ]
    assert made[0].url == "https://github.com/Acme/Widget/issues/7"
    assert made[0].summary == "Issue 7"
    users = {u.handle: u for u in of_type(records, PlatformUser)}
    assert users["dependabot[bot]"].is_bot and not users["ana"].is_bot
    assert users["bo"].is_staff and not users["ana"].is_staff  # MEMBER is staff, NONE is not


def test_staff_are_owners_and_members_and_bots_are_bot_accounts_or_bot_logins(
    tmp_path: Path,
) -> None:
    path = write_json(
        tmp_path / "issues.json",
        [
            github_issue(1, github_user("o", 1), association="OWNER"),
            github_issue(2, github_user("m", 2), association="MEMBER"),
            github_issue(3, github_user("c", 3), association="COLLABORATOR"),
            github_issue(4, github_user("f", 4), association="FIRST_TIME_CONTRIBUTOR"),
            github_issue(5, github_user("app", 5, "Bot")),
            github_issue(6, github_user("helper[bot]", 6)),
            github_issue(7, github_user("ghost", 10137)),
        ],
    )
    users = {u.handle: u for u in of_type(list(parse(path)), PlatformUser)}

    assert {h for h, u in users.items() if u.is_staff} == {"o", "m"}
    assert {h for h, u in users.items() if u.is_bot} == {"app", "helper[bot]"}
    assert {h for h, u in users.items() if u.deleted} == {"ghost"}


def test_pages_of_arrays_as_paginated_output_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "pages.json"
    pages = [[github_issue(1, ANA), github_issue(2, ANA)], [github_issue(3, ANA)]]
    path.write_text("".join(json.dumps(page) for page in pages))
    records = list(parse(path))

    assert external_ids(records) == ["acme/widget#1", "acme/widget#2", "acme/widget#3"]
    assert [r.at.place for r in of_type(records, PlatformInteraction)] == [
        "item 1",
        "item 2",
        "item 3",
    ]


def test_gh_archive_events_become_interactions_with_the_rest_ids(tmp_path: Path) -> None:
    comment = {"id": 555, "created_at": "2024-03-02T12:00:00Z", "author_association": "MEMBER"}
    events = [
        gh_event("IssuesEvent", "ana", 100, {"action": "opened", "issue": github_issue(7, ANA)}),
        gh_event("IssuesEvent", "bo", 101, {"action": "closed", "issue": github_issue(7, ANA)}),
        gh_event(
            "IssueCommentEvent",
            "bo",
            101,
            {"action": "created", "issue": github_issue(7, ANA), "comment": comment},
        ),
        gh_event(
            "PullRequestEvent",
            "dependabot[bot]",
            49699333,
            {"action": "opened", "number": 8, "pull_request": {"id": 1, "number": 8}},
        ),
        gh_event(
            "PullRequestReviewEvent",
            "bo",
            101,
            {
                "action": "created",
                "review": {"id": 31, "author_association": "MEMBER"},
                "pull_request": {"number": 8},
            },
        ),
        gh_event(
            "PullRequestReviewCommentEvent",
            "bo",
            101,
            {"action": "created", "comment": {"id": 32}, "pull_request": {"number": 8}},
        ),
        gh_event("WatchEvent", "cy", 102, {"action": "started"}),
        gh_event("TeleportEvent", "cy", 102, {}),
    ]
    path = write_archive(tmp_path / "2024-03-03-12.json.gz", events)
    records = list(parse(path))

    made = of_type(records, PlatformInteraction)
    assert [(i.kind, i.external_id, i.thread_ref) for i in made] == [
        (InteractionKind.ISSUE, "acme/widget#7", "acme/widget#7"),
        (InteractionKind.REPLY, "issue-comment:555", "acme/widget#7"),
        (InteractionKind.PULL_REQUEST, "acme/widget#8", "acme/widget#8"),
        (InteractionKind.REPLY, "review:31", "acme/widget#8"),
        (InteractionKind.REPLY, "review-comment:32", "acme/widget#8"),
    ]
    assert problems(records) == [
        ("line 2", "IssuesEvent closed: only opened counts as an interaction"),
        ("line 7", "WatchEvent: a star: interest, not an interaction"),
        ("line 8", "TeleportEvent: an event type that is not imported"),
    ]
    assert all(isinstance(r, Skipped) for r in records if isinstance(r, Malformed | Skipped))
    users = {u.handle: u for u in of_type(records, PlatformUser)}
    assert users["dependabot[bot]"].is_bot and users["bo"].is_staff


def test_an_archive_and_a_rest_export_of_the_same_things_share_their_ids(tmp_path: Path) -> None:
    rest = write_json(tmp_path / "rest.json", [github_issue(7, ANA), github_comment(555, 7, ANA)])
    comment = {"id": 555, "created_at": "2024-03-02T12:00:00Z"}
    archive = write_archive(
        tmp_path / "archive.jsonl.gz",
        [
            gh_event(
                "IssuesEvent", "ana", 100, {"action": "opened", "issue": github_issue(7, ANA)}
            ),
            gh_event(
                "IssueCommentEvent",
                "ana",
                100,
                {"action": "created", "issue": {"number": 7}, "comment": comment},
            ),
        ],
    )

    assert external_ids(list(parse(rest))) == external_ids(list(parse(archive)))


def test_malformed_items_and_lines_are_reported_where_they_are(tmp_path: Path) -> None:
    no_user = github_issue(2, ANA) | {"user": None}
    bad_url = github_comment(9, 1, ANA) | {"issue_url": "https://example.org/somewhere"}
    write_json(
        tmp_path / "rest.json", [github_issue(1, ANA), no_user, {"login": "x"}, bad_url, "text"]
    )
    write_archive(
        tmp_path / "events.json.gz",
        [gh_event("IssuesEvent", "ana", 100, {"action": "opened", "issue": {"title": "x"}})],
        extra_lines='\n{"type": "IssuesEvent", "payload": \n[1, 2]\n',
    )
    records = list(parse(tmp_path))

    assert external_ids(records) == ["acme/widget#1"]
    bad = of_type(records, Malformed)
    assert [(Path(r.at.file).name, r.at.place, r.reason.split(":")[0]) for r in bad] == [
        ("events.json.gz", "line 1", "number is missing"),
        ("events.json.gz", "line 3", "not JSON"),
        ("events.json.gz", "line 4", "the event is not an object but an array"),
        ("rest.json", "item 2", "user is not an object but null"),
        ("rest.json", "item 3", "not an issue, pull request or comment"),
        ("rest.json", "item 4", "issue_url names no issue or pull request"),
        ("rest.json", "item 5", "the item is not an object but the text 'text'"),
    ]
    assert bad[1].reason.startswith("not JSON: unexpected end of data")


def test_a_folder_reads_rest_and_archive_files_and_skips_the_rest(tmp_path: Path) -> None:
    write_json(tmp_path / "a.json", [github_issue(1, ANA)])
    write_archive(
        tmp_path / "b" / "2024-01-01-0.json.gz" if (tmp_path / "b").mkdir() is None else tmp_path,
        [gh_event("IssuesEvent", "ana", 100, {"action": "opened", "issue": github_issue(2, ANA)})],
    )
    (tmp_path / "notes.md").write_text("# notes")
    (tmp_path / ".hidden.json").write_text("[]")
    records = list(parse(tmp_path))

    assert external_ids(records) == ["acme/widget#1", "acme/widget#2"]
    assert problems(records) == [
        ("whole file", "not a GitHub REST (.json) or GH Archive (.json.gz, .jsonl) file")
    ]


def test_a_user_seen_as_staff_is_never_yielded_again_as_not_staff(tmp_path: Path) -> None:
    bo = github_user("bo", 101)
    path = write_json(
        tmp_path / "issues.json",
        [
            github_issue(1, bo, association="CONTRIBUTOR"),
            github_issue(2, bo, association="MEMBER"),
            github_issue(3, bo, association="NONE"),
        ],
    )
    users = of_type(list(parse(path)), PlatformUser)

    assert [(u.at.place, u.is_staff) for u in users] == [("item 1", False), ("item 2", True)]
