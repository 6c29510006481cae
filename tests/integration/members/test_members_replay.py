"""A rebuild of the members projection: secondary indexes built once, name terms staged."""

from __future__ import annotations

from typing import Any

import pytest

from application.members.demo import seed_demo
from application.runtime import Runtime
from domain.members import commands as cmd
from projections.engine import ProjectionRunner
from tests.integration.conftest import members_runner, members_snapshot, rows
from tests.integration.members.test_set_based_pages import tricky_history

pytestmark = pytest.mark.integration

INDEXES = """
SELECT tablename, indexname, indexdef FROM pg_indexes
WHERE tablename IN ('members', 'member_identities', 'member_name_terms')
ORDER BY tablename, indexname
"""
TERMS = "SELECT term, joined_at, member_id FROM member_name_terms ORDER BY 1, 2, 3"
STAGED = "SELECT count(*) FROM member_name_terms_replay"
# What the replay reads, and the terms table, which it leaves alone until its end.
KEPT = {
    "members_pkey",
    "members_merged_into_idx",
    "member_identities_pkey",
    "member_identities_member_idx",
    "member_name_terms_pkey",
    "member_name_terms_member_idx",
}


def projected(url: str) -> dict[str, Any]:
    """The members read model with name search's terms."""
    return {**members_snapshot(url), "member_name_terms": rows(url, TERMS)}


def history(runtime: Runtime) -> None:
    """Members joined, renamed (twice, and to no name), erased, with identities moving."""
    seed_demo(runtime.community, 25)
    ada, _, cy, *_ = tricky_history(runtime.community)
    rename = cmd.UpdateMemberProfile
    runtime.community.update_member_profile(rename(member_id=cy, display_name="Cyrus Major"))
    runtime.community.update_member_profile(rename(member_id=cy, display_name="Cy Minor"))
    runtime.community.update_member_profile(rename(member_id=ada, display_name=None))


def lived(runtime: Runtime) -> tuple[ProjectionRunner, dict[str, Any], list[tuple[Any, ...]]]:
    """The history projected live: the members runner, the rows and the indexes."""
    history(runtime)
    runner = members_runner(runtime, batch_size=7)
    runner.catch_up()
    return runner, projected(runtime.database_url), rows(runtime.database_url, INDEXES)


def test_a_replay_strips_what_it_does_not_read_and_gives_the_live_rows(runtime: Runtime) -> None:
    url = runtime.database_url
    runner, live, indexes = lived(runtime)
    assert live["member_name_terms"], "the history names members"

    runner.reset(replay=True)
    assert {name for _, name, _ in rows(url, INDEXES)} == KEPT
    runner.run_page(40)
    assert rows(url, TERMS) == [], "terms wait for the end of the replay"
    assert rows(url, STAGED)[0][0] > 0
    runner.catch_up()

    assert projected(url) == live
    assert rows(url, INDEXES) == indexes
    assert rows(url, STAGED) == [(0,)]
    assert rows(url, "SELECT replay FROM projection_positions WHERE name = 'members'") == [(None,)]


def test_a_replay_cut_short_starts_again_from_no_staged_terms(runtime: Runtime) -> None:
    url = runtime.database_url
    runner, live, indexes = lived(runtime)

    runner.reset(replay=True)
    for _ in range(5):
        runner.run_page()
    assert rows(url, STAGED)[0][0] > 0
    runner.reset(replay=True)  # the earlier replay is abandoned midway
    assert rows(url, STAGED) == [(0,)]
    runner.catch_up()
    assert projected(url) == live

    runner.reset(replay=True)
    runner.run_page()
    runner.reset()  # and a live rebuild after a replay cut short
    assert rows(url, INDEXES) == indexes
    runner.catch_up()
    assert projected(url) == live
