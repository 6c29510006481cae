"""Recording interactions: once per (channel, external id), a verdict for every record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from application.interactions.recording import ACCEPTED, DUPLICATE, REJECTED
from application.runtime import Runtime
from domain.interactions.commands import RecordInteraction
from domain.interactions.interaction import Interaction
from domain.members import commands as cmd
from tests.integration.conftest import rows, scalar

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)


def record(**values: object) -> RecordInteraction:
    """A message on Discord a day ago, unless told otherwise."""
    defaults: dict[str, object] = {
        "channel": "discord",
        "kind": "message",
        "occurred_at": NOW - timedelta(days=1),
        "external_id": uuid4().hex,
    }
    return RecordInteraction(**{**defaults, **values})  # type: ignore[arg-type]


def member(runtime: Runtime, handle: str) -> UUID:
    """A member known on Discord by `handle`."""
    joined = runtime.community.join_member(
        cmd.JoinMember(display_name=handle, identities=[{"channel": "discord", "handle": handle}])
    )
    return joined.member.id


def stored_interactions(runtime: Runtime) -> int:
    """How many interaction events the log holds."""
    return int(
        scalar(
            runtime.database_url,
            "SELECT count(*) FROM community_events WHERE topic = %s",
            (Interaction.Recorded.TOPIC,),
        )
    )


def test_the_same_external_id_counts_once_in_a_batch_and_a_year_later(runtime: Runtime) -> None:
    ada = member(runtime, "ada")
    first = record(member_id=ada, external_id="msg-1")
    report = runtime.community.record_interactions(
        [first, record(member_id=ada, external_id="msg-1", kind="reply"), record(member_id=ada)],
        create_unknown_members=False,
    )
    assert report.outcomes == [ACCEPTED, DUPLICATE, ACCEPTED]
    assert report.interaction_ids[0] == report.interaction_ids[1]
    later = runtime.community.record_interactions(
        [record(member_id=ada, external_id="msg-1", occurred_at=NOW)], create_unknown_members=False
    )
    assert later.outcomes == [DUPLICATE] and later.position is None
    assert stored_interactions(runtime) == 2


def test_the_same_external_id_on_another_channel_is_another_interaction(runtime: Runtime) -> None:
    ada = member(runtime, "ada")
    report = runtime.community.record_interactions(
        [
            record(member_id=ada, external_id="42"),
            record(member_id=ada, external_id="42", channel="slack"),
        ],
        create_unknown_members=False,
    )
    assert report.outcomes == [ACCEPTED, ACCEPTED]


def test_identities_resolve_members_case_and_at_sign_aside(runtime: Runtime) -> None:
    ada = member(runtime, "ada")
    report = runtime.community.record_interactions(
        [record(identity={"channel": "discord", "handle": "@ADA"})], create_unknown_members=False
    )
    assert report.outcomes == [ACCEPTED] and report.member_ids == [ada]


def test_unknown_identities_are_rejected_per_line_while_valid_records_land(
    runtime: Runtime,
) -> None:
    ada = member(runtime, "ada")
    report = runtime.community.record_interactions(
        [
            record(identity={"channel": "discord", "handle": "stranger"}),
            record(member_id=ada),
            record(member_id=uuid4()),
        ],
        create_unknown_members=False,
    )
    assert report.outcomes == [REJECTED, ACCEPTED, REJECTED]
    assert {(r.index, r.field) for r in report.rejections} == {(0, "identity"), (2, "member_id")}
    assert stored_interactions(runtime) == 1
    assert scalar(runtime.database_url, "SELECT count(*) FROM identity_claims") == 1


def test_unknown_identities_become_one_member_each_when_asked(runtime: Runtime) -> None:
    moment = NOW - timedelta(days=30)
    report = runtime.community.record_interactions(
        [
            record(identity={"channel": "github", "handle": "newbie"}, occurred_at=moment),
            record(identity={"channel": "github", "handle": "Newbie"}),
        ],
        create_unknown_members=True,
    )
    assert report.outcomes == [ACCEPTED, ACCEPTED] and report.created_members == 1
    newbie = runtime.community.get_member(report.member_ids[0])  # type: ignore[arg-type]
    assert report.member_ids[1] == newbie.id
    assert (newbie.display_name, newbie.source_channel, newbie.joined_at) == (
        "newbie",
        "github",
        moment,
    )
    assert newbie.identities == [["github", "newbie"]]
    again = runtime.community.record_interactions(
        [record(identity={"channel": "github", "handle": "newbie"})], create_unknown_members=True
    )
    assert again.created_members == 0 and again.member_ids == [newbie.id]


def test_erased_members_take_no_new_interactions_but_keep_their_count(runtime: Runtime) -> None:
    gone = member(runtime, "gone")
    runtime.community.record_interactions(
        [record(member_id=gone, summary="a secret remark")], create_unknown_members=False
    )
    runtime.community.erase_member(cmd.EraseMember(member_id=gone))
    report = runtime.community.record_interactions(
        [record(member_id=gone)], create_unknown_members=False
    )
    assert report.outcomes == [REJECTED] and report.rejections[0].reason == "the member was erased"
    assert stored_interactions(runtime) == 1
    (event,) = runtime.community.events.get(_only_interaction_id(runtime))
    assert event.summary is None and event.member_id == gone


def test_staff_and_bot_interactions_are_recorded(runtime: Runtime) -> None:
    staff = member(runtime, "staffer")
    runtime.community.mark_member_as_staff(cmd.MarkMemberAsStaff(member_id=staff))
    report = runtime.community.record_interactions(
        [record(member_id=staff)], create_unknown_members=False
    )
    assert report.outcomes == [ACCEPTED]


def test_summaries_are_sealed_at_rest(runtime: Runtime) -> None:
    ada = member(runtime, "ada")
    runtime.community.record_interactions(
        [record(member_id=ada, summary="distinctive-summary-7731", url="https://x.org/t/7731")],
        create_unknown_members=False,
    )
    found = scalar(
        runtime.database_url,
        "SELECT count(*) FROM community_events WHERE position(%s in state) > 0",
        (b"distinctive-summary-7731",),
    )
    assert found == 0
    (event,) = runtime.community.events.get(_only_interaction_id(runtime))
    assert event.summary == "distinctive-summary-7731"


def _only_interaction_id(runtime: Runtime) -> UUID:
    return scalar(
        runtime.database_url,
        "SELECT originator_id FROM community_events WHERE topic = %s",
        (Interaction.Recorded.TOPIC,),
    )


def test_a_batch_that_loses_the_race_for_a_new_member_uses_the_winners_member(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two importers meeting the same unknown handle at once end with one member."""
    claims = runtime.community.claims
    looked_up = claims.holders
    competitor_ran: list[bool] = []

    def holders_then_competitor_writes(hashes: list[bytes]) -> dict[bytes, UUID]:
        found = looked_up(hashes)
        if not competitor_ran:  # the other importer commits between our lookup and insert
            competitor_ran.append(True)
            monkeypatch.setattr(claims, "holders", looked_up)
            runtime.community.record_interactions(
                [record(identity={"channel": "slack", "handle": "Newcomer"})],
                create_unknown_members=True,
            )
            monkeypatch.setattr(claims, "holders", holders_then_competitor_writes)
        return found

    monkeypatch.setattr(claims, "holders", holders_then_competitor_writes)
    report = runtime.community.record_interactions(
        [record(identity={"channel": "slack", "handle": "newcomer"})], create_unknown_members=True
    )
    assert report.outcomes == [ACCEPTED]
    assert report.created_members == 0
    joined = scalar(
        runtime.database_url,
        "SELECT count(*) FROM community_events WHERE topic = 'crm.member.Joined'",
    )
    assert joined == 1


@pytest.mark.parametrize("size", [3, 150])  # one statement of arrays; staged by COPY
def test_small_and_large_batches_skip_stored_ids_and_keep_their_order(
    runtime: Runtime, size: int
) -> None:
    ada = member(runtime, f"ada{size}")
    stored_before = [record(member_id=ada, external_id=f"old-{size}-{n}") for n in range(2)]
    runtime.community.record_interactions(stored_before, create_unknown_members=False)
    batch = [*stored_before, *(record(member_id=ada) for _ in range(size))]
    report = runtime.community.record_interactions(batch, create_unknown_members=False)
    assert report.outcomes == [DUPLICATE, DUPLICATE, *[ACCEPTED] * size]
    in_log = [
        row[0]
        for row in rows(
            runtime.database_url,
            "SELECT originator_id FROM community_events WHERE topic = %s"
            " AND notification_id > %s - %s ORDER BY notification_id",
            (Interaction.Recorded.TOPIC, report.position, size),
        )
    ]
    assert in_log == report.interaction_ids[2:]
