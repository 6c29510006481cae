"""The README's `crm events` example, run as written (EVENT_ID and MEMBER_ID filled in)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.common import app
from application.runtime import Runtime
from tests.integration.events.helpers import joined
from tests.integration.test_cli import crm_env

pytestmark = pytest.mark.integration

README = Path(__file__).resolve().parents[3] / "README.md"
SECTION = "### Community events"


def readme_commands() -> list[list[str]]:
    """The `crm events` commands of the section's ```sh block, continuation lines joined."""
    text = README.read_text()
    section = text[text.index(SECTION) :]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, f"README.md: no sh block under {SECTION!r}"
    lines = block.group(1).replace("\\\n", " ").splitlines()
    return [shlex.split(line)[1:] for line in lines if line.startswith("crm events")]


def test_the_readme_events_example_runs(runtime: Runtime) -> None:
    commands = readme_commands()
    assert [c[:2] for c in commands] == [
        ["events", "schedule"],
        ["events", "register"],
        ["events", "check-in"],
        ["events", "list"],
    ]
    env = crm_env(runtime.database_url)
    member, event = str(joined(runtime, "Ada")), ""
    outputs = []
    for command in commands:
        filled = [w.replace("EVENT_ID", event).replace("MEMBER_ID", member) for w in command]
        result = CliRunner().invoke(app, filled, env=env)
        assert result.exit_code == 0, (filled, result.output)
        event = event or result.output.split()[0]
        outputs.append(" ".join(result.output.split()))
    assert outputs[1].endswith(f"registered {member}")
    assert outputs[2].endswith(f"checked in {member}")
    listed = outputs[3]
    assert "'Berlin meetup #12' (scheduled): 1 registered, 1 came, no-show 0%" in listed
    assert "1 first-timers, 1 newcomers" in listed and "1 event(s)" in listed
