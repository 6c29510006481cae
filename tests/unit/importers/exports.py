"""Export files in each platform's documented shape, written by the tests (made-up people)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from domain.importers.records import ImportRecord, Malformed, PlatformInteraction, Skipped

# Discourse's user-list export (export_csv_file.rb): these columns, in this order.
DISCOURSE_USER_COLUMNS = (
    "id,name,username,email,title,created_at,last_seen_at,last_posted_at,last_emailed_at,"
    "trust_level,approved,suspended_at,suspended_till,silenced_till,active,admin,moderator,"
    "ip_address,staged,secondary_emails,topics_entered,posts_read_count,time_read,topic_count,"
    "post_count,likes_given,likes_received,location,website,views,group_names"
)


def discourse_user(
    user_id: int,
    username: str,
    *,
    name: str = "",
    trust_level: int | str = 1,
    admin: bool = False,
    moderator: bool = False,
    groups: str = "",
    created_at: str = "2023-05-06 07:08:09 UTC",
) -> str:
    """One row of the user list, as Discourse writes it (text with a comma in literal quotes)."""
    quoted = f'"""{name}"""' if "," in name else name
    cells = [
        str(user_id),
        quoted,
        username,
        f"{username}@example.org",
        "",
        created_at,
        "",
        "",
        "",
        str(trust_level),
        "",
        "",
        "",
        "",
        "true",
        str(admin).lower(),
        str(moderator).lower(),
        "",
        "false",
        "",
        "3",
        "10",
        "60",
        "1",
        "4",
        "2",
        "5",
        "",
        "",
        "0",
    ]
    return ",".join(cells) + (f",{groups}" if groups else "")


def discourse_post(
    post_id: int, topic_id: int, number: int, user_id: int, username: str, **extra: Any
) -> dict[str, Any]:
    """A post of a topic's post_stream, with the fields Discourse serialises."""
    post = {
        "id": post_id,
        "name": username.title(),
        "username": username,
        "created_at": f"2024-02-0{min(number, 9)}T10:00:00.000Z",
        "post_number": number,
        "post_type": 1,
        "reply_to_post_number": None,
        "topic_id": topic_id,
        "user_id": user_id,
        "trust_level": 1,
        "staff": False,
        "deleted_at": None,
        "user_deleted": False,
    }
    return post | extra


def discourse_topic(path: Path, topic_id: int, posts: list[dict[str, Any]]) -> Path:
    """A topic file: post_stream first (as Discourse writes it), the topic's own fields after."""
    topic = {
        "post_stream": {"posts": posts, "stream": [post["id"] for post in posts]},
        "timeline_lookup": [[1, 3]],
        "id": topic_id,
        "title": "A topic",
        "slug": "a-topic",
    }
    path.write_text(json.dumps(topic, indent=1))
    return path


def github_user(login: str, user_id: int, kind: str = "User") -> dict[str, Any]:
    """A REST `user` object."""
    return {"login": login, "id": user_id, "type": kind, "site_admin": False}


def github_issue(
    number: int, user: dict[str, Any], *, association: str = "NONE", pull: bool = False
) -> dict[str, Any]:
    """An issue as GET /repos/{owner}/{repo}/issues lists it (a PR carries `pull_request`)."""
    api = f"https://api.github.com/repos/Acme/Widget/issues/{number}"
    issue = {
        "id": 9000 + number,
        "number": number,
        "title": f"Issue {number}",
        "user": user,
        "author_association": association,
        "created_at": "2024-03-01T12:00:00Z",
        "url": api,
        "repository_url": "https://api.github.com/repos/Acme/Widget",
        "html_url": f"https://github.com/Acme/Widget/issues/{number}",
    }
    if pull:
        issue["pull_request"] = {"url": api.replace("/issues/", "/pulls/")}
    return issue


def github_comment(comment_id: int, number: int, user: dict[str, Any]) -> dict[str, Any]:
    """An issue comment as GET /repos/{owner}/{repo}/issues/comments lists it."""
    return {
        "id": comment_id,
        "issue_url": f"https://api.github.com/repos/Acme/Widget/issues/{number}",
        "html_url": f"https://github.com/Acme/Widget/issues/{number}#issuecomment-{comment_id}",
        "user": user,
        "author_association": "MEMBER",
        "created_at": "2024-03-02T12:00:00Z",
        "body": "Thanks!",
    }


def gh_event(event_type: str, login: str, user_id: int, payload: dict[str, Any]) -> dict[str, Any]:
    """One GH Archive line: an event of the Events API."""
    return {
        "id": f"{user_id}{len(payload)}",
        "type": event_type,
        "actor": {"id": user_id, "login": login, "display_login": login},
        "repo": {"id": 1, "name": "Acme/Widget", "url": "https://api.github.com/repos/Acme/Widget"},
        "payload": payload,
        "public": True,
        "created_at": "2024-03-03T12:00:00Z",
    }


def write_json(path: Path, value: Any) -> Path:
    """The value as one JSON document."""
    path.write_text(json.dumps(value))
    return path


def write_archive(path: Path, events: list[dict[str, Any]], extra_lines: str = "") -> Path:
    """A GH Archive hourly file: gzip of one event a line."""
    with gzip.open(path, "wt", encoding="utf-8") as archive:
        for event in events:
            archive.write(json.dumps(event) + "\n")
        archive.write(extra_lines)
    return path


def of_type(records: list[ImportRecord], kind: type[Any]) -> list[Any]:
    """The records of one type, in order."""
    return [record for record in records if isinstance(record, kind)]


def external_ids(records: list[ImportRecord]) -> list[str]:
    """The interactions' external ids, in order."""
    return [record.external_id for record in of_type(records, PlatformInteraction)]


def problems(records: list[ImportRecord]) -> list[tuple[str, str]]:
    """(place, reason) of every Malformed and Skipped record."""
    return [(r.at.place, r.reason) for r in records if isinstance(r, Malformed | Skipped)]
