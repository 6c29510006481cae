"""Member commands written as one batch: each checked and answered on its own.

On any persistence given as the `community` fixture (tests/integration re-runs them on
PostgreSQL).
"""

from __future__ import annotations

from uuid import UUID, uuid4

from application.members.batch import MemberCall, write_member_calls
from application.members.community import Change, Community
from domain.commands import IdentityRef
from domain.errors import IdentityAlreadyLinked, IdentityNotLinked, MemberNotFound, VersionMismatch
from domain.members import commands as cmd


def joined(community: Community, name: str, *identities: tuple[str, str]) -> UUID:
    """A member joined the plain way, before the batch."""
    refs = [IdentityRef(channel=channel, handle=handle) for channel, handle in identities]
    command = cmd.JoinMember(display_name=name, identities=refs)
    return community.join_member(command).member.id


def change(community: Community, command: cmd.MemberCommand) -> MemberCall:
    """A queued change, as the API queues it."""
    return MemberCall(command, community.act_for(command))  # type: ignore[arg-type]


def handle(prefix: str) -> str:
    """A handle no other test uses."""
    return f"{prefix}-{uuid4().hex[:8]}"


def test_one_stale_version_among_many_fails_alone(community: Community) -> None:
    members = [joined(community, f"Member {n}") for n in range(5)]
    stale = cmd.UpdateMemberProfile(member_id=members[2], expected_version=7, display_name="X")
    calls = [change(community, cmd.TagMember(member_id=m, tag="batch")) for m in members]
    calls.insert(3, change(community, stale))
    outcomes = write_member_calls(community, calls)
    refused = outcomes.pop(3)
    assert isinstance(refused, VersionMismatch)
    # Checked after the batch's earlier tag of the same member, as if saved in turn.
    assert (refused.expected, refused.actual) == (7, 2)
    assert all(isinstance(o, Change) for o in outcomes), outcomes
    assert [o.member.id for o in outcomes] == members
    assert all(o.member.tags == ["batch"] for o in outcomes)
    positions = [o.position for o in outcomes]
    assert all(positions) and len(set(positions)) == len(positions)
    assert community.get_member(members[2]).display_name == "Member 2"
    assert community.get_member(members[4]).tags == ["batch"]


def test_commands_on_one_member_apply_in_turn_each_answered_as_it_left_it(
    community: Community,
) -> None:
    member_id = joined(community, "Ada")
    version = community.get_member(member_id).version
    first = cmd.TagMember(member_id=member_id, tag="first", expected_version=version)
    second = cmd.TagMember(member_id=member_id, tag="second", expected_version=version + 1)
    again = cmd.TagMember(member_id=member_id, tag="third", expected_version=version)
    outcomes = write_member_calls(community, [change(community, c) for c in (first, second, again)])
    assert isinstance(outcomes[0], Change) and isinstance(outcomes[1], Change)
    assert outcomes[0].member.tags == ["first"]
    assert outcomes[1].member.tags == ["first", "second"]
    assert outcomes[0].member.version == version + 1 and outcomes[1].member.version == version + 2
    assert outcomes[0].position is not None and outcomes[1].position is not None
    assert outcomes[0].position < outcomes[1].position
    assert isinstance(outcomes[2], VersionMismatch)
    assert community.get_member(member_id).tags == ["first", "second"]


def test_refusals_fail_alone_and_the_members_other_commands_are_written(
    community: Community,
) -> None:
    taken = handle("taken")
    holder = joined(community, "Holder", ("github", taken))
    member_id = joined(community, "Grace")
    calls = [
        change(community, cmd.TagMember(member_id=member_id, tag="kept")),
        change(community, cmd.LinkIdentity(member_id=member_id, channel="github", handle=taken)),
        change(community, cmd.UnlinkIdentity(member_id=member_id, channel="slack", handle="x")),
        change(community, cmd.TagMember(member_id=uuid4(), tag="nobody")),
        change(community, cmd.TagMember(member_id=member_id, tag="also")),
    ]
    outcomes = write_member_calls(community, calls)
    assert isinstance(outcomes[1], IdentityAlreadyLinked) and str(holder) in str(outcomes[1])
    assert isinstance(outcomes[2], IdentityNotLinked)
    assert isinstance(outcomes[3], MemberNotFound)
    assert isinstance(outcomes[0], Change) and isinstance(outcomes[4], Change)
    assert sorted(community.get_member(member_id).tags) == ["also", "kept"]
    assert community.get_member(member_id).identities == []


def test_a_handle_claimed_twice_in_one_batch_goes_to_the_first(community: Community) -> None:
    wanted = handle("wanted")
    joins = [
        cmd.JoinMember(display_name=name, identities=[IdentityRef(channel="slack", handle=wanted)])
        for name in ("First", "Second")
    ]
    plain = cmd.JoinMember(display_name="Third")
    outcomes = write_member_calls(community, [MemberCall(j) for j in (*joins, plain)])
    assert isinstance(outcomes[0], Change) and isinstance(outcomes[2], Change)
    assert isinstance(outcomes[1], IdentityAlreadyLinked)
    assert str(outcomes[0].member.id) in str(outcomes[1])
    assert community.claims.holders([community.claims.claim_hash("slack", wanted)]) == {
        community.claims.claim_hash("slack", wanted): outcomes[0].member.id
    }


def test_a_batch_of_joins_gives_distinct_members_each_recorded_once(
    community: Community,
) -> None:
    calls = [MemberCall(cmd.JoinMember(display_name=f"Newcomer {n}")) for n in range(40)]
    outcomes = write_member_calls(community, calls)
    assert all(isinstance(o, Change) for o in outcomes)
    ids = [o.member.id for o in outcomes]
    assert len(set(ids)) == 40
    for n, member_id in enumerate(ids):
        events = community.member_history(member_id)
        assert len(events) == 1 and community.get_member(member_id).display_name == f"Newcomer {n}"
