"""Slack and Discord exports on PostgreSQL: the same export again, and an overlapping later one,
add nothing twice to the read models (the awkward parts are in tests/unit/importers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from application.runtime import Runtime
from tests.exports import discord_channel, discord_message, message, ts
from tests.integration.importers.helpers import (
    flags,
    imported,
    interactions,
    member,
    totals,
)
from tests.unit.importers.test_discord import ADA, BOB, guild
from tests.unit.importers.test_slack import workspace

pytestmark = pytest.mark.integration


def test_a_slack_export_again_and_a_later_overlapping_one(runtime: Runtime, tmp_path: Path) -> None:
    export = workspace()
    first = imported(runtime, "slack", export.write(tmp_path / "first.zip"))
    after = totals(runtime, "slack")
    assert first.ok and after[1] > 5
    assert interactions(runtime, "slack")[f"C1:{ts(1, 20)}"][:2] == ("reply", f"C1:{ts(1, 10)}")
    assert flags(runtime, member(runtime, "slack", "U5").id) == (False, True)
    assert flags(runtime, member(runtime, "slack", "B9").id) == (True, False)

    again = imported(runtime, "slack", export.write(tmp_path / "again.zip"))
    assert (again.imported, totals(runtime, "slack")) == (0, after)

    export.post("general", 4, message("U1", ts(4), "a new day"))
    later = imported(runtime, "slack", export.write(tmp_path / "later.zip"))
    assert later.members_created == 0
    assert totals(runtime, "slack") == (after[0], after[1] + 1)


def test_a_discord_folder_again_and_a_later_overlapping_file(
    runtime: Runtime, tmp_path: Path
) -> None:
    folder = guild(tmp_path / "export")
    imported(runtime, "discord", folder)
    after = totals(runtime, "discord")
    assert interactions(runtime, "discord")["2001"][:2] == ("reply", "200")  # in a thread
    assert flags(runtime, member(runtime, "discord", "3").id) == (True, False)

    again = imported(runtime, "discord", folder)
    assert (again.imported, totals(runtime, "discord")) == (0, after)

    later = discord_channel(
        tmp_path / "later.json",
        "100",
        "general",
        [discord_message("1002", ADA, 1), discord_message("1010", BOB, 20, content="new")],
    )
    imported(runtime, "discord", later)
    assert totals(runtime, "discord") == (after[0], after[1] + 1)
