"""After erasures the system rewrites the affected tables itself, and no restart forgets it."""

from __future__ import annotations

import logging
import time
import uuid

import psycopg
import pytest

from api.projection_wiring import build_runners, erasure_compactor
from application.runtime import Runtime
from domain.members import commands as cmd
from projections.compaction import COMPACTED_TABLES, ErasureCompactor
from tests.conftest import test_settings
from tests.integration.conftest import rows, scalar

pytestmark = pytest.mark.integration


def filenodes(url: str) -> dict[str, int]:
    """The file each compacted table is stored in now (a rewrite gives it a new one)."""
    found = rows(
        url,
        "SELECT t, pg_relation_filenode(t::regclass) FROM unnest(%s::text[]) AS t",
        (list(COMPACTED_TABLES),),
    )
    return {table: int(node) for table, node in found}


def erase_and_project(runtime: Runtime, count: int) -> list[uuid.UUID]:
    """Erase `count` new members and bring the projections up to date."""
    community = runtime.community
    erased = []
    for n in range(count):
        member_id = community.join_member(
            cmd.JoinMember(display_name=f"Gone {n} {uuid.uuid4().hex[:6]}")
        ).member.id
        community.erase_member(cmd.EraseMember(member_id=member_id))
        erased.append(member_id)
    for runner in build_runners(runtime):
        runner.catch_up()
    return erased


def test_a_pending_compaction_waits_its_delay_and_runs_after_a_restart(database: str) -> None:
    first = Runtime.start(test_settings(database, erasure_compaction_seconds=3600))
    try:
        erased = erase_and_project(first, 3)
        # Recorded durably with the page that emptied the rows; not due for an hour.
        assert scalar(
            database, "SELECT count(*) FROM erasure_compactions WHERE compacted_at IS NULL"
        ) == len(erased)
        assert erasure_compactor(first).run_if_due() is False
        before = filenodes(database)
    finally:
        first.close()

    # Another process (a restart), told to compact at once, finds the pending work.
    second = Runtime.start(test_settings(database, erasure_compaction_seconds=0))
    try:
        compactor = erasure_compactor(second)
        assert compactor.run_if_due() is True
        after = filenodes(database)
        assert {t for t in COMPACTED_TABLES if after[t] != before[t]} == set(COMPACTED_TABLES)
        assert (
            rows(
                database,
                "SELECT member_id FROM erasure_compactions WHERE compacted_at IS NULL",
            )
            == []
        )
        # Done once: nothing pending, nothing rewritten again.
        compactor._next_check = 0.0
        assert compactor.run_if_due() is False
        assert filenodes(database) == after
        # A rebuild meets the old erasures again and leaves them compacted.
        for runner in build_runners(second):
            runner.reset()
            runner.catch_up()
        compactor._next_check = 0.0
        assert compactor.run_if_due() is False
    finally:
        second.close()


def test_a_batch_of_erasures_is_compacted_once(runtime: Runtime) -> None:
    url = runtime.database_url
    erase_and_project(runtime, 4)
    before = filenodes(url)
    compactor = ErasureCompactor(runtime.pool, url, delay_seconds=0)
    assert compactor.run_if_due() is True
    assert filenodes(url) != before
    assert scalar(url, "SELECT count(DISTINCT compacted_at) FROM erasure_compactions") == 1


def test_a_role_that_may_not_checkpoint_still_compacts_and_says_so_once(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    url = runtime.database_url
    erase_and_project(runtime, 1)
    role = f"crm_plain_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role}")
        conn.execute(f"GRANT {role} TO CURRENT_USER")
    try:
        compactor = ErasureCompactor(runtime.pool, url, delay_seconds=0)
        with psycopg.connect(url, autocommit=True) as conn:
            # The tables' owner is a superuser here; a plain role is what production has.
            conn.execute(f"SET ROLE {role}")
            with caplog.at_level(logging.WARNING, logger="projections.compaction"):
                compactor._flush_wal(conn)
                compactor._flush_wal(conn)
        warnings = [r.getMessage() for r in caplog.records]
        assert len(warnings) == 2, warnings  # one per statement, not one per compaction
        assert any("pg_switch_wal" in w for w in warnings)
        assert any("CHECKPOINT" in w for w in warnings)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP ROLE {role}")


def test_a_compaction_blocked_by_a_long_read_gives_up_and_runs_later(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = runtime.database_url
    erased = erase_and_project(runtime, 1)
    monkeypatch.setattr("projections.compaction.LOCK_TIMEOUT", "200ms")
    compactor = ErasureCompactor(runtime.pool, url, delay_seconds=0)
    with psycopg.connect(url) as reader:
        reader.execute("SELECT count(*) FROM members")  # a read still open: its lock stays
        assert compactor.run_if_due() is False
        # Not retried at once: each try would hold every query on those tables back.
        retry_at = compactor._next_check
        assert retry_at > time.monotonic() + 30
        assert compactor.run_if_due() is False
        assert compactor._next_check == retry_at
        reader.rollback()
    assert rows(url, "SELECT compacted_at FROM erasure_compactions") == [(None,)]
    compactor._next_check = 0.0
    assert compactor.run_if_due() is True
    assert rows(
        url, "SELECT member_id FROM erasure_compactions WHERE compacted_at IS NOT NULL"
    ) == [(erased[0],)]
