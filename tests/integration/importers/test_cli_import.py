"""`crm import` of every format as the README shows it, on PostgreSQL, read back from the views."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.projection_wiring import catch_up_all
from application.runtime import Runtime
from tests.exports import (
    SlackExport,
    author,
    discord_channel,
    discord_message,
    message,
    slack_user,
    ts,
)
from tests.integration.conftest import rows
from tests.integration.events.helpers import scheduled
from tests.integration.test_cli import crm_command, crm_env
from tests.unit.importers.exports import (
    DISCOURSE_USER_COLUMNS,
    discourse_post,
    discourse_topic,
    discourse_user,
    gh_event,
    github_issue,
    github_user,
    write_archive,
    write_json,
)

pytestmark = pytest.mark.integration
README = Path(__file__).resolve().parents[3] / "README.md"


def readme_imports() -> list[list[str]]:
    """The `crm import` commands of the README's platform exports, as words."""
    formats = "slack|discord|discourse|github|attendees"
    return [
        shlex.split(found, comments=True)
        for found in re.findall(rf"^crm import (?:{formats}) .*$", README.read_text(), re.M)
    ]


def stored(runtime: Runtime) -> list[tuple[object, ...]]:
    """How many events the store holds (the module's tests share one database)."""
    return rows(runtime.database_url, "SELECT count(*) FROM community_events")


def write_exports(folder: Path) -> None:
    """The files the README's commands name: a workspace export and a Discord folder."""
    export = SlackExport(users=[slack_user("U1", "ada"), slack_user("U2", "ci", is_bot=True)])
    export.channel("C1", "general", general=True)
    export.post(
        "general",
        1,
        {"type": "message", "subtype": "channel_join", "user": "U1", "ts": ts(1)},
        message("U1", ts(1, 1), "hi", thread_ts=ts(1, 1), reply_count=1),
        message("U2", ts(1, 2), "beep", thread_ts=ts(1, 1)),
    )
    export.write(folder / "slack-export.zip")
    (folder / "discord-export").mkdir()
    grace = author("42", "grace")
    discord_channel(
        folder / "discord-export" / "general.json",
        "7",
        "general",
        [
            discord_message("70", grace, 1),
            discord_message("71", grace, 2, "Reply", reference={"messageId": "70"}),
        ],
    )
    write_forum_and_code(folder)


def write_forum_and_code(folder: Path) -> None:
    """A Discourse folder (user list and a topic), a GitHub folder (REST and archive)."""
    (folder / "discourse-export").mkdir()
    users = "\n".join((DISCOURSE_USER_COLUMNS, discourse_user(5, "ada", name="Ada")))
    (folder / "discourse-export" / "users.csv").write_text(users + "\n")
    posts = [discourse_post(100, 42, 1, 5, "ada"), discourse_post(101, 42, 2, 6, "bo")]
    discourse_topic(folder / "discourse-export" / "42.json", 42, posts)
    (folder / "github-export").mkdir()
    ana = github_user("ana", 100)
    write_json(folder / "github-export" / "issues.json", [github_issue(7, ana)])
    comment = {"id": 556, "created_at": "2024-03-04T09:00:00Z", "author_association": "NONE"}
    payload = {"action": "created", "issue": github_issue(7, ana), "comment": comment}
    events = [gh_event("IssueCommentEvent", "bo", 101, payload)]
    write_archive(folder / "github-export" / "2024-03-04-9.json.gz", events)


def write_guests(folder: Path, starts: datetime) -> None:
    """The README's attendee list: one guest who came, one who declined."""
    came = (starts + timedelta(minutes=10)).isoformat()
    (folder / "luma-guests.csv").write_text(
        "api_id,name,email,approval_status,checked_in_at\n"
        f"gst-1,Ana,ana@example.org,approved,{came}\n"
        "gst-2,Bo,bo@example.org,declined,\n"
    )


def test_the_readme_commands_import_and_the_read_models_show_it(
    runtime: Runtime, tmp_path: Path
) -> None:
    write_exports(tmp_path)
    starts = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    write_guests(tmp_path, starts)
    event = str(scheduled(runtime, starts))
    commands = readme_imports()
    assert len(commands) == 6

    outputs = []
    for words in commands:
        done = subprocess.run(
            crm_command() + [event if word == "EVENT_ID" else word for word in words[1:]],
            cwd=tmp_path,
            env=crm_env(runtime.database_url),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr + done.stdout
        outputs.append(done.stdout)

    again = json.loads(outputs[2])  # the Slack export a second time, --strict --json
    assert (again["imported"], again["failed"], again["applied"]) == (0, 0, True)
    catch_up_all(runtime)
    kinds = rows(
        runtime.database_url,
        "SELECT channel, kind, count(*) FROM member_interactions GROUP BY 1, 2 ORDER BY 1, 2",
    )
    assert kinds == [
        ("discord", "message", 1),
        ("discord", "reply", 1),
        ("discourse", "post", 1),
        ("discourse", "reply", 1),
        ("github", "issue", 1),
        ("github", "reply", 1),
        ("meetup", "event_attended", 1),
        ("slack", "post", 1),
        ("slack", "reply", 1),
    ]
    bots = rows(runtime.database_url, "SELECT count(*) FROM members WHERE is_bot")
    assert bots == [(1,)]


def test_strict_exits_non_zero_and_applies_nothing(runtime: Runtime, tmp_path: Path) -> None:
    export = SlackExport(users=[slack_user("U1", "ada")])
    export.post("general", 1, message("U1", ts(1)), {"type": "message", "ts": "soon"})
    path = export.write(tmp_path / "bad.zip")
    before = stored(runtime)

    done = subprocess.run(
        [*crm_command(), "import", "slack", str(path), "--strict", "--json"],
        env=crm_env(runtime.database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["applied"] is False and report["failures"][0]["place"] == "item 2"
    assert stored(runtime) == before


def test_an_attendee_list_for_an_unknown_event_is_a_usage_error(
    runtime: Runtime, tmp_path: Path
) -> None:
    write_guests(tmp_path, datetime.now(UTC))
    missing = "0b6f3c52-4c52-4f0e-9d43-2f3a1c9e8b10"
    before = stored(runtime)

    done = subprocess.run(
        [*crm_command(), "import", "attendees", "luma-guests.csv", "--event", missing],
        cwd=tmp_path,
        env=crm_env(runtime.database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 2, done.stdout
    said = " ".join(done.stderr.replace("│", " ").split())  # rich boxes and wraps the error
    assert f"Invalid value for --event: no community event with id {missing}" in said
    assert stored(runtime) == before
