"""`crm import slack|discord` as the README shows it, on PostgreSQL, read back from the views."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from api.bootstrap import catch_up_all
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
from tests.integration.test_cli import crm_command, crm_env

pytestmark = pytest.mark.integration
README = Path(__file__).resolve().parents[3] / "README.md"


def readme_imports() -> list[list[str]]:
    """The `crm import slack|discord` commands of the README, as words."""
    return [
        shlex.split(found, comments=True)
        for found in re.findall(r"^crm import (?:slack|discord) .*$", README.read_text(), re.M)
    ]


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


def test_the_readme_commands_import_and_the_read_models_show_it(
    runtime: Runtime, tmp_path: Path
) -> None:
    write_exports(tmp_path)
    commands = readme_imports()
    assert len(commands) == 3

    outputs = []
    for words in commands:
        done = subprocess.run(
            crm_command() + words[1:],
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
        ("slack", "post", 1),
        ("slack", "reply", 1),
    ]
    bots = rows(runtime.database_url, "SELECT count(*) FROM members WHERE is_bot")
    assert bots == [(1,)]


def test_strict_exits_non_zero_and_applies_nothing(runtime: Runtime, tmp_path: Path) -> None:
    export = SlackExport(users=[slack_user("U1", "ada")])
    export.post("general", 1, message("U1", ts(1)), {"type": "message", "ts": "soon"})
    path = export.write(tmp_path / "bad.zip")

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
    assert rows(runtime.database_url, "SELECT count(*) FROM community_events") == [(0,)]
