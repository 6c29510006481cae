"""Merge and unmerge against every read model: one person while merged, nothing lost after.

Two databases live the same story, one with a merge and an unmerge in it, one without;
after the unmerge every read-model table's rows about both members are the same in both,
including the interactions that arrived through the source's identity while merged.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from api.projection_wiring import build_runners
from application.runtime import Runtime
from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd
from domain.members.member import Member
from domain.members.merges import MergeRefused
from projections.lifecycle.histories import MemberHistories
from tests.conftest import create_database, drop_database, test_settings
from tests.integration.conftest import rows
from tests.integration.members.read_models import catch_up, differences, dump

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(microsecond=0)
# The projections that apply merges; the others count each member apart (see the notes).
MERGING = ("members", "engagement", "lifecycle", "health")
SOURCE = UUID("00000000-0000-4000-8000-00000000000a")
TARGET = UUID("00000000-0000-4000-8000-00000000000b")


@pytest.fixture
def control(server_url: str, template_database: str) -> Iterator[Runtime]:
    """A second application on its own database: the same story, without the merge."""
    name = f"crm_test_{uuid.uuid4().hex[:12]}_control"
    started = Runtime.start(test_settings(create_database(server_url, name, template_database)))
    try:
        yield started
    finally:
        started.close()
        drop_database(server_url, name)


def founded(runtime: Runtime) -> None:
    """Two members who are one person: histories on Discord (source) and GitHub (target)."""
    members = []
    for member_id, name, channel, handle, days in (
        (SOURCE, "Ada", "discord", "ada", 400),
        (TARGET, "Ada L.", "github", "adal", 200),
    ):
        member = Member.join(
            display_name=name,
            email=None,
            joined_at=NOW - timedelta(days=days),
            source_channel=channel,
            attributes={"city": "London"},
            now=NOW,
            member_id=member_id,
        )
        member.link_identity(channel, handle)
        members.append(member)
    runtime.community.save_new_members(members)
    runtime.community.tag_member(cmd.TagMember(member_id=SOURCE, tag="speaker"))
    runtime.community.tag_member(cmd.TagMember(member_id=TARGET, tag="beta"))
    # The source left and came back: stages (left, returning) for the lifecycle read model.
    runtime.community.mark_member_left(
        cmd.MarkMemberLeft(member_id=SOURCE, left_at=NOW - timedelta(days=100))
    )
    runtime.community.rejoin_member(
        cmd.RejoinMember(member_id=SOURCE, rejoined_at=NOW - timedelta(days=50))
    )
    said(runtime, "discord", "ada", "s", (390, 60, 20, 3))
    said(runtime, "github", "adal", "t", (150, 21, 2))


def said(runtime: Runtime, channel: str, handle: str, prefix: str, ages: tuple[int, ...]) -> None:
    """Interactions through an identity, some days ago."""
    records = [
        RecordInteraction(
            identity={"channel": channel, "handle": handle},
            channel=channel,
            kind="reply" if age % 2 else "message",
            occurred_at=NOW - timedelta(days=age, hours=1),
            external_id=f"{prefix}-{age}",
            thread_ref=f"thread-{age % 3}",
            summary=f"said {age} days ago",
        )
        for age in ages
    ]
    runtime.community.record_interactions(records, create_unknown_members=False)


def merge(runtime: Runtime) -> UUID:
    """Merge the source into the target; the merge id."""
    command = cmd.MergeMembers(source_id=SOURCE, target_id=TARGET)
    return runtime.community.merge_members(command).merge.id


def engagement(runtime: Runtime, member_id: UUID) -> tuple[object, ...]:
    """(interactions, status, merged into) of a member's engagement row."""
    found = rows(
        runtime.database_url,
        "SELECT interactions, status, merged_into FROM member_engagement WHERE member_id = %s",
        (member_id,),
    )
    return found[0] if found else ()


def test_while_merged_the_person_counts_once(runtime: Runtime) -> None:
    founded(runtime)
    merge(runtime)
    said(runtime, "discord", "ada", "late", (1,))
    catch_up(runtime)
    assert engagement(runtime, TARGET) == (8, "active", None)
    assert engagement(runtime, SOURCE) == (0, "merged", TARGET)
    url = runtime.database_url
    person = rows(
        url, "SELECT tags, joined_at, channels FROM members WHERE member_id = %s", (TARGET,)
    )
    assert person == [(["beta", "speaker"], NOW - timedelta(days=400), ["discord", "github"])]
    assert rows(url, "SELECT status, merged_into FROM members WHERE member_id = %s", (SOURCE,)) == [
        ("merged", TARGET)
    ]
    assert rows(
        url, "SELECT count FROM member_counts WHERE dimension = 'status' AND value = 'active'"
    ) == [(1,)]
    assert rows(
        url, "SELECT count(*) FROM member_channel_engagement WHERE member_id = %s", (SOURCE,)
    ) == [(0,)]
    assert rows(
        url,
        "SELECT sum(interactions) FROM member_channel_engagement WHERE member_id = %s",
        (TARGET,),
    ) == [(8,)]
    # The person's stage is the target's: the source's interval is closed, its stage gone.
    assert rows(url, "SELECT count(*) FROM member_stages WHERE member_id = %s", (SOURCE,)) == [(0,)]
    assert rows(
        url,
        "SELECT count(*) FROM member_stage_history WHERE member_id = %s AND until IS NULL",
        (SOURCE,),
    ) == [(0,)]
    # The raw rows stay the source's: the log says which identity each came through.
    assert rows(
        url, "SELECT count(*) FROM member_interactions WHERE member_id = %s", (SOURCE,)
    ) == [(5,)]


def test_merge_then_unmerge_leaves_every_read_model_as_without_the_merge(
    runtime: Runtime, control: Runtime
) -> None:
    for app in (runtime, control):
        founded(app)
    merge_id = merge(runtime)
    for app in (runtime, control):
        # Arrives while merged: after the unmerge it must be the source's, as in control.
        said(app, "discord", "ada", "between", (5, 1))
    runtime.community.unmerge_members(cmd.UnmergeMembers(merge_id=merge_id))
    for app in (runtime, control):
        catch_up(app)
    merged, plain = dump(runtime, (SOURCE, TARGET)), dump(control, (SOURCE, TARGET))
    assert differences(merged, plain) == {}
    assert engagement(runtime, SOURCE) == (6, "active", None)


def test_a_rebuild_gives_the_rows_of_live_application(runtime: Runtime) -> None:
    founded(runtime)
    merge_id = merge(runtime)
    said(runtime, "discord", "ada", "between", (5, 1))
    catch_up(runtime)
    for step in ("merged", "unmerged"):
        live = dump(runtime, (SOURCE, TARGET))
        for runner in build_runners(runtime, batch_size=5):
            if runner.name in MERGING:
                runner.reset(replay=True)
                runner.catch_up()
        assert differences(dump(runtime, (SOURCE, TARGET)), live) == {}, step
        if step == "merged":
            runtime.community.unmerge_members(cmd.UnmergeMembers(merge_id=merge_id))
            catch_up(runtime)


def test_erasing_a_merged_member_erases_every_person_involved(runtime: Runtime) -> None:
    founded(runtime)
    merge(runtime)
    runtime.community.erase_member(cmd.EraseMember(member_id=SOURCE))
    catch_up(runtime)
    url = runtime.database_url
    assert rows(
        url,
        "SELECT member_id, status, display_name FROM members WHERE member_id = ANY(%s)"
        " ORDER BY member_id",
        ([SOURCE, TARGET],),
    ) == [(SOURCE, "erased", None), (TARGET, "erased", None)]
    assert rows(
        url,
        "SELECT count(*) FROM member_interactions WHERE member_id = ANY(%s)"
        " AND sealed_content IS NOT NULL",
        ([SOURCE, TARGET],),
    ) == [(0,)]
    assert rows(
        url,
        "SELECT count(*) FROM personal_data_keys WHERE subject_id = ANY(%s)"
        " AND wrapped_key IS NOT NULL",
        ([SOURCE, TARGET],),
    ) == [(0,)]
    refused = cmd.MergeMembers(
        source_id=runtime.community.join_member(cmd.JoinMember(display_name="Someone")).member.id,
        target_id=TARGET,
    )
    with pytest.raises(MergeRefused):
        runtime.community.merge_members(refused)


def test_the_stage_rule_reads_the_persons_whole_history(runtime: Runtime) -> None:
    founded(runtime)
    catch_up(runtime)
    rule = runtime.settings.engagement_rule()
    histories = MemberHistories(runtime.pool)
    before = histories.histories_of(rule, [TARGET], NOW)
    merge(runtime)
    catch_up(runtime)
    (person,) = histories.histories_of(rule, [TARGET], NOW)
    # Both members' interactions, the source's (recorded under its own id) among them.
    assert len(person.moments) == len(before[0].moments) + 4
    assert histories.histories_of(rule, [SOURCE], NOW) == []


def test_name_search_walks_a_merged_person_at_its_earlier_join_date(runtime: Runtime) -> None:
    founded(runtime)
    merge_id = merge(runtime)
    catch_up(runtime)
    term_dates = "SELECT DISTINCT joined_at FROM member_name_terms WHERE member_id = %s"
    assert rows(runtime.database_url, term_dates, (TARGET,)) == [(NOW - timedelta(days=400),)]
    runtime.community.unmerge_members(cmd.UnmergeMembers(merge_id=merge_id))
    catch_up(runtime)
    assert rows(runtime.database_url, term_dates, (TARGET,)) == [(NOW - timedelta(days=200),)]
