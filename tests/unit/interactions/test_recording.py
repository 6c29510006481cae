"""Recording interactions through the Community, on the persistence the `community` fixture gives.

tests/integration/members/test_community_use_cases.py runs these same functions on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from application.interactions.recording import ACCEPTED, DUPLICATE, MEMBER_ERASED, REJECTED
from application.members.community import Community
from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd

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


def member(community: Community, handle: str) -> UUID:
    """A member known on Discord by `handle`."""
    joined = community.join_member(
        cmd.JoinMember(display_name=handle, identities=[{"channel": "discord", "handle": handle}])
    )
    return joined.member.id


def test_an_external_id_is_recorded_once_in_a_batch_and_in_a_later_one(
    community: Community,
) -> None:
    ada = member(community, "ada")
    report = community.record_interactions(
        [
            record(member_id=ada, external_id="msg-1"),
            record(member_id=ada, external_id="msg-1", kind="reply"),
            record(identity={"channel": "discord", "handle": "@Ada"}),
        ],
        create_unknown_members=False,
    )
    assert report.outcomes == [ACCEPTED, DUPLICATE, ACCEPTED]
    assert report.member_ids == [ada, ada, ada]
    later = community.record_interactions(
        [record(member_id=ada, external_id="msg-1", occurred_at=NOW)], create_unknown_members=False
    )
    assert later.outcomes == [DUPLICATE] and later.position is None
    assert later.interaction_ids == report.interaction_ids[:1]


def test_an_unknown_handle_becomes_one_new_member_once(community: Community) -> None:
    handle = {"channel": "discord", "handle": f"new-{uuid4().hex[:8]}"}
    batch = [record(identity=handle, external_id="a"), record(identity=handle, external_id="b")]
    first = community.record_interactions(batch, create_unknown_members=True)
    assert first.outcomes == [ACCEPTED, ACCEPTED] and first.created_members == 1
    new_member = first.member_ids[0]
    assert new_member is not None and first.member_ids == [new_member, new_member]
    # The same batch again: nothing new, and no second member for the handle.
    again = community.record_interactions(batch, create_unknown_members=True)
    assert again.outcomes == [DUPLICATE, DUPLICATE] and again.created_members == 0
    assert again.member_ids == [new_member, new_member]


def test_an_erased_member_takes_no_new_interactions(community: Community) -> None:
    erased = member(community, "gone")
    community.erase_member(cmd.EraseMember(member_id=erased))
    report = community.record_interactions(
        [record(member_id=erased), record(member_id=uuid4())], create_unknown_members=False
    )
    assert report.outcomes == [REJECTED, REJECTED]
    assert [r.code for r in report.rejections] == [MEMBER_ERASED, "MEMBER_NOT_FOUND"]
