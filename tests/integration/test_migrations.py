"""SQL migrations: applied once each, safe to race, and an edited applied file is refused."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from psycopg.types.json import Jsonb

from application.migrations import (
    Migration,
    MigrationError,
    apply_migrations,
    available_migrations,
    pending_migrations,
)
from application.runtime import Runtime
from tests.conftest import test_settings
from tests.integration.conftest import execute, rows, scalar

pytestmark = pytest.mark.integration

EXPECTED_TABLES = {
    "schema_migrations",
    "community_events",
    "personal_data_keys",
    "identity_claims",
    "api_keys",
    "projection_positions",
    "members",
    "member_identities",
    "member_name_terms",
    "member_name_terms_replay",
    "member_counts",
    "secret_fingerprint",
    "member_interactions",
    "erasure_compactions",
    "member_engagement",
    "member_channel_engagement",
    "member_activity_weeks",
    "member_rank_buckets",
    "member_stages",
    "member_stage_history",
    "parked_events",
    "feedback_items",
    "feedback_supports",
    "feedback_history",
    "feedback_loops",
    "feedback_response_histogram",
    "feedback_response_rollup",
    "feedback_terms",
    "ambassadors",
    "ambassador_history",
    "ambassador_candidacy_runs",
    "ambassador_candidates",
    "consent_texts",
    "member_consents",
    "consent_history",
    "conduct_incidents",
    "member_standing",
    "conduct_history",
    "disclosures",
    "disclosure_members",
    "health_members",
    "health_member_periods",
    "health_counts",
    "health_daily",
    "health_annotations",
    "member_notes",
    "member_note_versions",
    "member_motivations",
    "outreach_tasks",
    "discussion_threads",
    "discussion_days",
    "discussion_messages",
    "discussion_members",
    "outreach_log",
    "outreach_newcomers",
    "outreach_risk_spans",
    "outreach_risk_days",
    "outreach_risk_returns",
    "health_member_lasts",
    "health_rollups",
    "health_rollup_totals",
    "health_membership_days",
    "health_cohorts",
    "health_replay_interactions",
    "health_replay_members",
    "health_replay_flags",
    "health_replay_stages",
    "health_threads",
    "health_member_threads",
    "health_newcomers",
    "identity_match_decisions",
    "event_schedule",
    "event_attendees",
    "webhook_subscriptions",
    "webhook_ambassadorships",
    "webhook_deliveries",
}


def public_tables(url: str) -> set[str]:
    """Names of the tables in the public schema."""
    return {
        row[0] for row in rows(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    }


def recorded(url: str) -> list[tuple[int, str, str]]:
    """The schema_migrations rows, in version order."""
    return [
        (int(v), str(n), str(c))
        for v, n, c in rows(
            url, "SELECT version, name, checksum FROM schema_migrations ORDER BY version"
        )
    ]


def test_the_shipped_migrations_are_numbered_in_sequence() -> None:
    versions = [m.version for m in available_migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_applying_twice_applies_everything_then_nothing(empty_database: str) -> None:
    shipped = available_migrations()
    assert pending_migrations(empty_database) == [m.name for m in shipped]

    assert apply_migrations(empty_database) == [m.name for m in shipped]
    assert apply_migrations(empty_database) == []

    assert pending_migrations(empty_database) == []
    assert public_tables(empty_database) == EXPECTED_TABLES
    assert recorded(empty_database) == [(m.version, m.name, m.checksum) for m in shipped]


def test_concurrent_starters_on_an_empty_database_apply_each_migration_once(
    empty_database: str,
) -> None:
    starters = 4
    start = threading.Barrier(starters)

    def migrate(_: int) -> list[str]:
        start.wait()
        return apply_migrations(empty_database)

    with ThreadPoolExecutor(starters) as executor:
        results = list(executor.map(migrate, range(starters)))

    shipped = [m.name for m in available_migrations()]
    applied = [name for result in results for name in result]
    assert sorted(applied) == sorted(shipped)
    assert sum(1 for result in results if result) == 1
    assert [name for _, name, _ in recorded(empty_database)] == shipped
    assert scalar(empty_database, "SELECT count(*) FROM schema_migrations") == len(shipped)
    assert public_tables(empty_database) == EXPECTED_TABLES


def test_an_applied_migration_edited_afterwards_is_refused(database: str) -> None:
    edited = available_migrations()[2]
    before = recorded(database)
    assert (
        execute(
            database,
            "UPDATE schema_migrations SET checksum = 'edited' WHERE version = %s",
            (edited.version,),
        )
        == 1
    )

    with pytest.raises(MigrationError, match=edited.name):
        apply_migrations(database)
    with pytest.raises(MigrationError, match=edited.name):
        Runtime.start(test_settings(database))
    assert [row[:2] for row in recorded(database)] == [row[:2] for row in before]


def test_a_failing_migration_leaves_no_trace_and_is_applied_once_fixed(
    empty_database: str,
) -> None:
    names = [m.name for m in available_migrations()]
    assert names[4] == "0005_members.sql"
    # A foreign `members` table makes 0005 fail half-way: its CREATE TABLE IF NOT EXISTS is
    # skipped, then an index on a missing column fails. The whole file must roll back.
    execute(empty_database, "CREATE TABLE members (member_id uuid PRIMARY KEY)")

    with pytest.raises(psycopg.errors.UndefinedColumn):
        apply_migrations(empty_database)

    assert [name for _, name, _ in recorded(empty_database)] == names[:4]
    assert "member_identities" not in public_tables(empty_database)
    assert pending_migrations(empty_database) == names[4:]

    execute(empty_database, "DROP TABLE members")
    assert apply_migrations(empty_database) == names[4:]
    assert [name for _, name, _ in recorded(empty_database)] == names
    assert public_tables(empty_database) == EXPECTED_TABLES


def _kind_in_member_index() -> Migration:
    return next(m for m in available_migrations() if m.version == 39)


def test_the_member_index_of_interactions_holds_the_kind(database: str) -> None:
    definition = scalar(
        database,
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'member_interactions_member_idx'",
    )
    assert definition.endswith("(member_id, occurred_at DESC, interaction_id DESC) INCLUDE (kind)")


def test_a_rebuild_in_progress_gets_the_kind_in_the_index_it_will_build(database: str) -> None:
    """An engagement rebuild that dropped the index keeps its definition to build it at the
    end: the migration changes that definition rather than building the index under it."""
    old = (
        "CREATE INDEX member_interactions_member_idx ON public.member_interactions"
        " USING btree (member_id, occurred_at DESC, interaction_id DESC)"
    )
    execute(database, "DROP INDEX member_interactions_member_idx")
    execute(
        database,
        "INSERT INTO projection_positions (name, position, replay) VALUES ('engagement', 0, %s)"
        " ON CONFLICT (name) DO UPDATE SET replay = EXCLUDED.replay",
        (Jsonb({"indexes": [old], "constraints": []}),),
    )
    execute(database, _kind_in_member_index().sql)
    found = "SELECT count(*) FROM pg_indexes WHERE indexname = 'member_interactions_member_idx'"
    assert scalar(database, found) == 0
    kept = scalar(database, "SELECT replay FROM projection_positions WHERE name = 'engagement'")
    assert kept["indexes"] == [old + " INCLUDE (kind)"]
