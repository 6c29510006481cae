"""A real poison event end to end: parked by the running app, reported, retried or skipped."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from api.auth import Role
from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd
from projections.registry import projection_names
from tests.api.conftest import Api, served_api
from tests.integration.conftest import Unbounded, execute, rows, scalar
from tests.integration.test_cli import crm_command, crm_env

MIGRATION_0013 = Path(__file__).resolve().parents[2] / "migrations" / "0013_parked_events.sql"
# crm_add_rank as migration 0007 wrote it: 2^-1500 raised "value out of range: underflow".
# Put back in a test database, it makes a real poison event of an interaction of 1900.
UNDERFLOWING_ADD_RANK = """
CREATE OR REPLACE FUNCTION crm_add_rank(a double precision, b double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN a = '-Infinity' THEN b
        WHEN b = '-Infinity' THEN a
        ELSE greatest(a, b)
            + ln(1 + power(2.0::float8, least(a, b) - greatest(a, b))) / ln(2.0::float8)
    END
$$
"""
NOW = datetime.now(UTC)
WAIT_SECONDS = 30


@pytest.fixture
def poisoned(server_url: str, template_database: str) -> Iterator[Api]:
    """The app on its own database, whose rank arithmetic fails on dates of long ago."""
    with served_api(
        server_url,
        template_database,
        prepare=lambda url: execute(url, UNDERFLOWING_ADD_RANK),
        projection_max_attempts=1,
    ) as served:
        yield served


def record(api: Api, member: UUID, at: datetime, external_id: str) -> None:
    """Record a message as a version without time bounds did; wait for the engagement projection."""
    api.services.community.bounds = Unbounded()  # type: ignore[assignment]
    report = api.services.community.record_interactions(
        [
            RecordInteraction(
                member_id=member,
                channel="slack",
                kind="message",
                occurred_at=at,
                external_id=external_id,
            )
        ],
        create_unknown_members=False,
    )
    assert report.accepted == 1, report.rejections
    assert api.services.wait_for("engagement", report.position)


def park_an_interaction_of_1900(api: Api) -> tuple[UUID, UUID]:
    """A member active yesterday records a message of 1900, then a neighbour writes on."""
    community = api.services.community
    old_timer = community.join_member(cmd.JoinMember(display_name="Old Timer")).member.id
    neighbour = community.join_member(cmd.JoinMember(display_name="Neighbour")).member.id
    record(api, old_timer, NOW - timedelta(days=1), "yesterday")
    record(api, old_timer, datetime(1900, 1, 1, tzinfo=UTC), "long-ago")
    record(api, neighbour, NOW - timedelta(hours=1), "later")  # the worker kept following
    return old_timer, neighbour


def crm(api: Api | None, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a `crm` command on the app's database (on none: for commands that need none)."""
    url = api.services.runtime.database_url if api else "postgresql://127.0.0.1:1/unused"
    return subprocess.run(
        [*crm_command(), *args],
        env=crm_env(url, COLUMNS="200"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def parked_column(status_output: str) -> dict[str, str]:
    """The `parked` column of `crm status`, per projection."""
    lines = [line.replace("┃", "│") for line in status_output.splitlines()]
    lines = [line for line in lines if "│" in line]
    header = [cell.strip() for cell in lines[0].split("│")]
    column = header.index("parked")
    return {
        cells[1]: cells[column]
        for cells in ([c.strip() for c in line.split("│")] for line in lines[1:])
    }


def interactions_of(api: Api, member: UUID) -> int:
    """How many interactions the engagement projection counts for a member."""
    return int(
        scalar(
            api.services.runtime.database_url,
            "SELECT interactions FROM member_engagement WHERE member_id = %s",
            (member,),
        )
    )


def test_a_parked_event_is_reported_then_applied_once_its_cause_is_fixed(poisoned: Api) -> None:
    api, url = poisoned, poisoned.services.runtime.database_url
    old_timer, neighbour = park_an_interaction_of_1900(api)
    assert (interactions_of(api, old_timer), interactions_of(api, neighbour)) == (1, 1)
    ((topic, error, status),) = rows(url, "SELECT topic, error, status FROM parked_events")
    assert topic == "crm.interaction.Recorded" and status == "parked"
    assert error.startswith("NumericValueOutOfRange: value out of range: underflow")

    health = api.client.get(f"{api.url}/healthz")
    assert health.status_code == 200  # degraded, still serving
    assert health.json() == {"status": "degraded", "parked_events": {"engagement": 1}}
    metrics = api.client.get(
        f"{api.url}/metrics", headers={"Authorization": f"Bearer {api.key(Role.VIEWER)}"}
    ).text
    assert 'crm_projection_parked_events{projection="engagement"} 1' in metrics
    assert 'crm_projection_parked_events{projection="members"} 0' in metrics
    status = crm(api, "status")
    assert status.returncode == 0, status.stderr
    # Every projection has its row; only the engagement projection parked anything.
    assert parked_column(status.stdout) == {
        name: "1" if name == "engagement" else "0" for name in projection_names()
    }

    execute(url, MIGRATION_0013.read_text())  # the fix
    retried = crm(api, "project", "--retry-parked", "engagement")
    assert retried.returncode == 0, retried.stdout + retried.stderr
    assert "engagement: 1 applied, 0 still parked" in retried.stdout

    assert interactions_of(api, old_timer) == 2
    assert rows(url, "SELECT status FROM parked_events") == [("applied",)]
    assert api.client.get(f"{api.url}/healthz").json() == {"status": "ok"}
    status = crm(api, "status")
    assert parked_column(status.stdout)["engagement"] == "0"


def test_a_parked_event_that_still_fails_stays_parked_until_skipped(poisoned: Api) -> None:
    api, url = poisoned, poisoned.services.runtime.database_url
    old_timer, _ = park_an_interaction_of_1900(api)

    retried = crm(api, "project", "--retry-parked")  # every projection; the cause remains
    assert retried.returncode == 1
    assert "engagement: 0 applied, 1 still parked" in retried.stdout
    assert scalar(url, "SELECT attempts FROM parked_events") == 3  # page, alone, retried

    skipped = crm(api, "project", "--skip-parked", "engagement")
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert "engagement: 1 skipped" in skipped.stdout
    assert rows(url, "SELECT status FROM parked_events") == [("skipped",)]
    assert api.client.get(f"{api.url}/healthz").json() == {"status": "ok"}
    assert interactions_of(api, old_timer) == 1


def test_project_help_names_the_projections_and_refuses_unknown_ones() -> None:
    shown = crm(None, "project", "--help")
    assert shown.returncode == 0
    for name in ("members", "engagement", "lifecycle", "feedback"):
        assert name in shown.stdout
    for option in ("--rebuild", "--retry-parked", "--skip-parked"):
        assert option in shown.stdout
    unknown = crm(None, "project", "--retry-parked", "nope")
    assert unknown.returncode == 2
    assert "unknown projection 'nope'" in unknown.stderr
