"""Pages applied set-based: any mix and order of events in one page, as one page per event."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from api.projection_wiring import build_runners
from application.members.demo import seed_demo
from application.runtime import Runtime
from domain.commands import IdentityRef
from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd
from projections.engine import ProjectionRunner
from projections.positions import head_of_log, lags
from projections.registry import all_projections, projection_names
from tests.conftest import TEST_SECRET
from tests.integration.conftest import (
    expected_member_counts,
    members_snapshot,
    opened_rows,
    rows,
    stored_member_counts,
)
from tests.integration.test_cli import ROOT, crm_command

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
PAST = NOW - timedelta(days=40)
# Every read table but the members' (compared by members_snapshot), keyed for sorting.
OTHER_TABLES = {
    "member_interactions": "interaction_id",
    "member_engagement": "member_id",
    "member_channel_engagement": "member_id, channel",
    "member_activity_weeks": "member_id, week, channel",
    "member_stages": "member_id",
    "member_stage_history": "member_id, version",
}


def read_models(url: str) -> dict[str, Any]:
    """Every read table, in a stable order, floats rounded (pages group sums differently)."""
    found: dict[str, Any] = dict(members_snapshot(url))
    for name, key in OTHER_TABLES.items():
        found[name] = [
            tuple(round(v, 9) if isinstance(v, float) else v for v in row)
            for row in opened_rows(url, f"SELECT * FROM {name} ORDER BY {key}")
        ]
    return found


def rebuilt(runtime: Runtime, *page_sizes: int) -> dict[str, Any]:
    """Every projection reset, then fed pages of these sizes, then one page with the rest."""
    for runner in build_runners(runtime):
        runner.reset()
        for size in page_sizes:
            runner.run_page(size)
        runner.catch_up(100_000)
    return read_models(runtime.database_url)


# The projections whose tables read_models compares.
COMPARED = ("members", "engagement", "lifecycle")


def one_page_per_event(runtime: Runtime) -> dict[str, Any]:
    """The compared projections reset and fed the log one event per page."""
    for runner in build_runners(runtime, batch_size=1):
        if runner.name in COMPARED:
            runner.reset()
            runner.catch_up()
    return read_models(runtime.database_url)


def join(community: Any, name: str, *handles: tuple[str, str], **fields: Any) -> UUID:
    """A new member known by these (channel, handle) pairs."""
    identities = [IdentityRef(channel=c, handle=h) for c, h in handles]
    fields.setdefault("joined_at", PAST - timedelta(days=10))
    command = cmd.JoinMember(display_name=name, identities=identities, **fields)
    return community.join_member(command).member.id


def interact(community: Any, member: UUID, external_id: str, **fields: Any) -> None:
    """One interaction of the member, some days ago."""
    record = RecordInteraction(
        member_id=member,
        channel=fields.pop("channel", "discord"),
        kind=fields.pop("kind", "message"),
        occurred_at=fields.pop("occurred_at", PAST),
        external_id=external_id,
        **fields,
    )
    community.record_interactions([record], create_unknown_members=False)


def tricky_history(community: Any) -> list[UUID]:
    """Events of the same members in orders a per-page fold could get wrong."""
    attributes = {"city": "Lyon", "team": "core", "score": 1.5}
    ada = join(community, "Ada", ("discord", "Ada"), email="ada@example.org", attributes=attributes)
    bea = join(community, "Bea", ("slack", "bee"), source_channel="slack")
    cy = join(community, "Cy", ("github", "cy"))
    dee = join(community, "Dee", ("forum", "dee"), ("email", "dee@example.org"))
    eve = join(community, "Eve", ("discord", "eve"), email="eve@example.org")
    for tag, untag in (("speaker", "speaker"), ("beta", None), ("zeta", None), ("alpha", None)):
        community.tag_member(cmd.TagMember(member_id=ada, tag=tag))
        if untag:
            community.untag_member(cmd.UntagMember(member_id=ada, tag=untag))
    community.untag_member(cmd.UntagMember(member_id=ada, tag="zeta"))
    community.tag_member(cmd.TagMember(member_id=ada, tag="zeta"))
    change = cmd.UpdateMemberProfile
    community.update_member_profile(change(member_id=ada, attributes={"city": None, "lang": "fr"}))
    community.update_member_profile(change(member_id=ada, display_name="Ada L.", clear_email=True))
    community.update_member_profile(change(member_id=ada, attributes={"lang": "en", "x": 1}))
    # A handle leaves one member and goes to another, then comes back.
    community.unlink_identity(cmd.UnlinkIdentity(member_id=bea, channel="slack", handle="bee"))
    community.link_identity(cmd.LinkIdentity(member_id=cy, channel="slack", handle="Bee"))
    community.unlink_identity(cmd.UnlinkIdentity(member_id=cy, channel="slack", handle="bee"))
    community.link_identity(cmd.LinkIdentity(member_id=bea, channel="slack", handle="BEE"))
    community.link_identity(cmd.LinkIdentity(member_id=ada, channel="github", handle="adal"))
    community.unlink_identity(cmd.UnlinkIdentity(member_id=ada, channel="discord", handle="ada"))
    for flag in (True, False, True):
        community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=cy, is_staff=flag))
        community.mark_member_as_bot(cmd.MarkMemberAsBot(member_id=bea, is_bot=not flag))
    community.mark_member_left(cmd.MarkMemberLeft(member_id=dee, left_at=PAST, reason="moved"))
    community.rejoin_member(cmd.RejoinMember(member_id=dee))
    community.mark_member_left(cmd.MarkMemberLeft(member_id=cy, left_at=PAST))
    for number in range(4):
        interact(community, eve, f"eve-{number}", summary=f"said {number}", kind="post")
        interact(community, ada, f"ada-{number}", channel="github", kind="pull_request")
    community.tag_member(cmd.TagMember(member_id=eve, tag="speaker"))
    community.link_identity(cmd.LinkIdentity(member_id=eve, channel="github", handle="eve"))
    community.erase_member(cmd.EraseMember(member_id=eve))
    community.tag_member(cmd.TagMember(member_id=dee, tag="after"))
    community.erase_member(cmd.EraseMember(member_id=dee))
    return [ada, bea, cy, dee, eve]


def test_a_page_of_tricky_orders_gives_the_rows_of_one_page_per_event(runtime: Runtime) -> None:
    seed_demo(runtime.community, 20, interactions=True)
    before_tricky = head_of_log(runtime.pool)
    ada, bea, cy, dee, eve = tricky_history(runtime.community)
    head = head_of_log(runtime.pool)

    expected = one_page_per_event(runtime)
    members = {row[0]: row for row in expected["members"]}
    # Renamed, e-mail cleared (columns: member_id, display_name, status, ..., sealed_email,
    # sealed_attributes, email_key, search_keys, merged_into).
    assert (members[ada][1], members[ada][-5], members[ada][-3]) == ("Ada L.", None, None)
    assert members[dee][2] == members[eve][2] == "erased"
    assert stored_member_counts(runtime.database_url) == expected_member_counts(
        runtime.database_url
    )

    # The whole tricky part in one page (on members projected before), then all in one page.
    assert rebuilt(runtime, before_tricky) == expected
    assert rebuilt(runtime) == expected
    assert rebuilt(runtime, 3, 7, 11) == expected
    for lag in lags(runtime.pool, projection_names()):
        assert lag.position == head
    identities = {
        (channel, handle.casefold()): member
        for channel, _, handle, member, _ in expected["member_identities"]
        if member in (ada, bea, cy)
    }
    assert identities[("slack", "bee")] == bea
    assert ("discord", "ada") not in identities
    assert not [row for row in expected["member_identities"] if row[3] in (dee, eve)]


def test_an_empty_page_of_wanted_topics_still_moves_the_position(runtime: Runtime) -> None:
    seed_demo(runtime.community, 5, interactions=True)
    head = head_of_log(runtime.pool)
    runner = next(r for r in build_runners(runtime) if r.name == "lifecycle")
    assert isinstance(runner, ProjectionRunner)
    assert runner.catch_up(3) == head
    assert lags(runtime.pool, ["lifecycle"])[0].position == head


def test_rebuild_all_through_the_cli_gives_the_rows_of_live_processing(
    runtime: Runtime, tmp_path: Path
) -> None:
    url = runtime.database_url
    seed_demo(runtime.community, 25, interactions=True)
    tricky_history(runtime.community)
    for runner in build_runners(runtime, batch_size=13):
        runner.catch_up()
    live = read_models(url)
    env = {
        **os.environ,
        "CRM_DATABASE_URL": url,
        "CRM_SECRET_KEY": TEST_SECRET,
        "CRM_ENVIRONMENT": "test",
        "CRM_LOG_LEVEL": "warning",
        "PYTHONPATH": str(ROOT),
    }
    finished = subprocess.run(
        [*crm_command(), "project", "--rebuild", "all"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "events/s" in finished.stdout
    assert read_models(url) == live
    head = head_of_log(runtime.pool)
    names = projection_names()
    assert [lag.position for lag in lags(runtime.pool, names)] == [head] * len(names)
    # The planner has statistics for every rebuilt table, autovacuum or not, and every
    # page of them is marked all-visible: index-only scans read no table page.
    tables = [t for p in all_projections() for t in p.tables]
    assert (
        rows(
            url,
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s)"
            " AND (last_analyze IS NULL OR last_vacuum IS NULL)",
            (tables,),
        )
        == []
    )
    assert rows(
        url, "SELECT relallvisible = relpages FROM pg_class WHERE relname = 'member_name_terms'"
    ) == [(True,)]
