"""Rebuilds that read plain interactions in SQL give the rows of live, decoded application.

The story mixes plain and sealed interactions around everything that makes their order
matter: a merge and an unmerge, an erasure, staff and bot marks, a newcomer welcomed by a
staff reply, and one stored interaction that no path can read (parked live and rebuilt).
Rebuilt with pages of 3 events (related events fall on both sides of a boundary) and of
1,000 (one page), every read-model table is the live one, row for row.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import orjson
import pytest

from api.projection_wiring import build_runners
from application.mapper import SEALED
from application.runtime import Runtime
from domain.interactions.commands import RecordInteraction
from domain.interactions.interaction import Interaction
from domain.members import commands as cmd
from projections.plain_events import SEALED_MARK
from tests.integration.conftest import rows, scalar
from tests.integration.members.read_models import differences, dump
from tests.integration.members.test_merge_read_models import (
    NOW,
    SOURCE,
    TARGET,
    founded,
    merge,
    said,
)

pytestmark = pytest.mark.integration

# The projections that read plain interactions in SQL on a rebuild.
PLAIN = ("engagement", "health", "outreach_welcome")
PARKED = "SELECT projection, notification_id FROM parked_events ORDER BY 1, 2"


def plain(
    runtime: Runtime, member: UUID, prefix: str, ages: tuple[float, ...], **fields: object
) -> None:
    """Interactions with nothing sealed, in threads, some days ago."""
    records = [
        RecordInteraction(
            member_id=member,
            channel="slack",
            kind="reply" if n % 2 else "message",
            occurred_at=NOW - timedelta(days=age),
            external_id=f"{prefix}-{n}",
            thread_ref=fields.get("thread_ref", f"t-{prefix}"),  # type: ignore[arg-type]
        )
        for n, age in enumerate(ages)
    ]
    runtime.community.record_interactions(records, create_unknown_members=False)


def unreadable(runtime: Runtime, member: UUID) -> None:
    """An interaction stored without its thread_ref field: poison to every path."""
    state = {
        "timestamp": {"_type_": "datetime_iso", "_data_": NOW.isoformat()},
        "originator_topic": Interaction.TOPIC,
        "member_id": {"_type_": "uuid_hex", "_data_": member.hex},
        "channel": "slack",
        "kind": "message",
        "occurred_at": {"_type_": "datetime_iso", "_data_": (NOW - timedelta(days=2)).isoformat()},
        "external_id": "unreadable",
    }
    rows(
        runtime.database_url,
        "INSERT INTO community_events (originator_id, originator_version, topic, state)"
        " VALUES (%s, 1, %s, %s) RETURNING notification_id",
        (uuid4(), Interaction.Recorded.TOPIC, orjson.dumps(state)),
    )


def merged_story(runtime: Runtime) -> tuple[list[UUID], UUID]:
    """The story up to its unmerge: its members and the merge."""
    community = runtime.community
    founded(runtime)  # SOURCE and TARGET, with sealed interactions through identities
    newcomer, staff, bot, erased = (
        community.join_member(cmd.JoinMember(display_name=name)).member.id
        for name in ("Newcomer", "Staff", "Bot", "Erased")
    )
    plain(runtime, newcomer, "new", (9, 8))
    plain(runtime, erased, "gone", (30, 20, 10))
    said(runtime, "discord", "ada", "sealed-before", (7,))
    plain(runtime, SOURCE, "source", (6, 5.5))
    community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=staff))
    plain(runtime, staff, "staff", (7.5,), thread_ref="t-new")  # welcomes the newcomer
    community.mark_member_as_bot(cmd.MarkMemberAsBot(member_id=bot))
    plain(runtime, bot, "bot", (4, 3))
    merge_id = merge(runtime)
    plain(runtime, SOURCE, "merged", (2.5, 2))
    plain(runtime, TARGET, "target", (2.2,))
    unreadable(runtime, newcomer)
    said(runtime, "github", "adal", "sealed-merged", (2,))
    community.erase_member(cmd.EraseMember(member_id=erased))
    return [SOURCE, TARGET, newcomer, staff, bot, erased], merge_id


def unmerged(runtime: Runtime, merge_id: UUID, staff: UUID) -> None:
    """The rest of the story: the unmerge, and a member no longer staff."""
    community = runtime.community
    community.unmerge_members(cmd.UnmergeMembers(merge_id=merge_id))
    plain(runtime, SOURCE, "after", (1, 0.5))
    community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=staff, is_staff=False))
    plain(runtime, staff, "unstaffed", (0.2,), thread_ref="t-new")


def persons(runtime: Runtime) -> list[UUID]:
    """The persons merged members make in the health read model."""
    found = rows(
        runtime.database_url, "SELECT member_id FROM health_members WHERE person_of IS NOT NULL"
    )
    return [person for (person,) in found]


def live_then_rebuilt(runtime: Runtime, members: list[UUID]) -> None:
    """Every projection live, then the plain-reading ones rebuilt: the same rows."""
    url = runtime.database_url
    for runner in build_runners(runtime, batch_size=7):
        runner.max_attempts, runner.retry_pause = 2, 0.01
        runner.catch_up(retrying=True)
    everyone = [*members, *persons(runtime)]
    live, parked = dump(runtime, everyone), rows(url, PARKED)
    assert {name for name, _ in parked} >= set(PLAIN)  # the unreadable interaction
    for batch_size in (3, 1000):
        for runner in build_runners(runtime, batch_size=batch_size):
            if runner.name in PLAIN:
                runner.max_attempts, runner.retry_pause = 2, 0.01
                runner.reset(replay=True)
                runner.catch_up(retrying=True)
        assert differences(dump(runtime, everyone), live) == {}, batch_size
        assert rows(url, PARKED) == parked, batch_size


def test_a_rebuild_reading_plain_interactions_in_sql_gives_the_live_rows(
    runtime: Runtime,
) -> None:
    url = runtime.database_url
    members, merge_id = merged_story(runtime)
    marked = f"position('\\x{SEALED_MARK.hex()}'::bytea IN state)"
    recorded = f"FROM community_events WHERE topic = '{Interaction.Recorded.TOPIC}'"
    assert scalar(url, f"SELECT count(*) {recorded} AND {marked} = 0") > 10
    assert scalar(url, f"SELECT count(*) {recorded} AND {marked} > 0") >= 4
    live_then_rebuilt(runtime, members)
    assert persons(runtime)  # while merged
    unmerged(runtime, merge_id, members[3])
    live_then_rebuilt(runtime, members)
    assert rows(url, "SELECT count(*) FROM outreach_newcomers WHERE welcomed_by IS NOT NULL")


def test_the_sealed_mark_is_the_mappers() -> None:
    assert SEALED_MARK == orjson.dumps(SEALED)
