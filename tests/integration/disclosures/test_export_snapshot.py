"""The ambassador export on PostgreSQL: the recorded member set is the streamed one, whatever
changes between recording and the last row; the projection keeps each record once."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from api.ambassador_export import ReadModelsBehind, exported_csv, wait_for_read_models
from api.bootstrap import use_cases
from api.projection_wiring import catch_up_all
from application.disclosures import Recipient
from application.runtime import Runtime
from domain.ambassadors.ambassadorship import Ambassadorship
from domain.disclosures import DisclosureKind
from domain.errors import InvalidField
from domain.members import commands as mc
from projections.disclosures.ambassadors_export import AmbassadorFilter, Snapshot
from projections.disclosures.queries import DisclosureQueries
from projections.positions import PositionWatcher
from tests.conftest import test_settings

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def ambassador_with_consent_by_sql(runtime: Runtime, name: str, tier: str = "gold") -> UUID:
    """A member, made an active ambassador with MARKETING_EMAIL consent by writing the
    program's and consent's read models directly: the test changes them under a running
    export, with rows as their projections write them (the record id as the program names it)."""
    member = runtime.community.join_member(
        mc.JoinMember(display_name=name, email=f"{name.lower()}@example.org")
    ).member.id
    with runtime.pool.connection() as conn:
        conn.execute(
            "INSERT INTO ambassadors (member_id, record_id, status, tier, nominated_at, since,"
            " version, position, changed_at) VALUES (%s, %s, 'active', %s, %s, %s, 2, 0, %s)",
            (member, Ambassadorship.id_for(member), tier, NOW, NOW, NOW),
        )
        conn.execute(
            "INSERT INTO member_consents (member_id, purpose, given, source, at, position)"
            " VALUES (%s, 'marketing_email', true, 'form', %s, 0)",
            (member, NOW),
        )
    return member


def test_what_is_recorded_is_what_streams_despite_changes_meanwhile(runtime: Runtime) -> None:
    ada = ambassador_with_consent_by_sql(runtime, "Ada")
    bob = ambassador_with_consent_by_sql(runtime, "Bob")
    catch_up_all(runtime)
    log = use_cases(runtime).disclosures
    snapshots: list[Snapshot] = []

    def changed_after_recording(count: int) -> None:
        # Once the set is recorded: Bob withdraws consent, Ada is erased, a newcomer joins.
        snapshots.append(Snapshot([], None, NOW))
        with runtime.pool.connection() as conn:
            conn.execute("UPDATE member_consents SET given = false WHERE member_id = %s", (bob,))
        runtime.community.erase_member(mc.EraseMember(member_id=ada))
        ambassador_with_consent_by_sql(runtime, "Cyd")
        catch_up_all(runtime)

    chunks = exported_csv(
        runtime,
        log,
        Recipient("newsletter", "marketing"),
        AmbassadorFilter(tier="gold"),
        NOW,
        changed_after_recording,
    )
    text = b"".join(chunks).decode()
    assert snapshots, "the export was recorded before its rows streamed"
    lines = text.split("\r\n")[1:-1]
    # The recorded set streams, Bob included; Ada's name and e-mail are gone with her key.
    assert sorted(line.split(",")[0] for line in lines) == sorted([str(ada), str(bob)])
    ada_line = next(line for line in lines if line.startswith(str(ada)))
    assert ada_line.split(",")[1:3] == ["", ""]
    catch_up_all(runtime)
    (record,) = DisclosureQueries(runtime.pool).exports(None, 10).rows
    assert record["row_count"] == 2 and record["filter"] == {"status": "active", "tier": "gold"}
    members = DisclosureQueries(runtime.pool).export_members(record["export_id"], None, 10).rows
    assert {m["member_id"] for m in members} == {ada, bob}
    assert [m["erased"] for m in members if m["member_id"] == ada] == [True]


def test_an_export_that_cannot_be_recorded_sends_nothing(runtime: Runtime) -> None:
    ambassador_with_consent_by_sql(runtime, "Ada")
    catch_up_all(runtime)
    chunks = exported_csv(
        runtime,
        use_cases(runtime).disclosures,
        Recipient("  ", "marketing"),  # refused: nobody named
        AmbassadorFilter(),
        NOW,
    )
    with pytest.raises(InvalidField, match="requested_by"):
        next(chunks)
    catch_up_all(runtime)
    assert DisclosureQueries(runtime.pool).exports(None, 10).rows == []


def test_the_export_waits_for_the_read_models_it_reads_and_says_which_lag(
    database: str,
) -> None:
    runtime = Runtime.start(test_settings(database, read_your_writes_timeout=0.2))
    try:
        ambassador_with_consent_by_sql(runtime, "Ada")  # a Joined event no projection read
        with pytest.raises(ReadModelsBehind) as behind:
            wait_for_read_models(runtime, PositionWatcher(runtime.pool))
        assert set(behind.value.names) == {"ambassadors", "consent", "members"}
        catch_up_all(runtime)
        wait_for_read_models(runtime, PositionWatcher(runtime.pool))
    finally:
        runtime.close()


def test_the_projection_keeps_a_record_once_and_pages_newest_first(runtime: Runtime) -> None:
    log = use_cases(runtime).disclosures
    members = [runtime.community.join_member(mc.JoinMember(display_name=n)).member.id for n in "ab"]
    for member in members:
        log.record(DisclosureKind.DATA_SUBJECT_ACCESS, Recipient("dpo", "admin"), [member])
    catch_up_all(runtime)
    queries = DisclosureQueries(runtime.pool)
    first = queries.exports(None, 1)
    assert first.has_next and len(first.rows) == 1
    second = queries.exports(first.cursors[-1], 1)
    assert not second.has_next
    assert first.rows[0]["at"] >= second.rows[0]["at"]
    assert [r["export_id"] for r in queries.member_exports(members[0], None, 5).rows] == [
        second.rows[0]["export_id"]
    ]
