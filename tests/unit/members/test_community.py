"""Member use cases of the Community, on any persistence given as the `community` fixture.

tests/unit runs them in memory; tests/integration/members/test_community_use_cases.py runs
these same functions on PostgreSQL.
"""

from __future__ import annotations

from uuid import UUID

import pytest

from application.members.community import Community
from domain.errors import IdentityAlreadyLinked, MemberIsErased, VersionMismatch
from domain.members import commands as cmd
from domain.members.member import ERASED, Member


def join(community: Community, name: str, *identities: tuple[str, str]) -> UUID:
    """Join a member with some (channel, handle) identities; returns its id."""
    refs = [cmd.IdentityRef(channel=channel, handle=handle) for channel, handle in identities]
    joined = community.join_member(cmd.JoinMember(display_name=name, identities=refs))
    return joined.member.id


def written(community: Community) -> int:
    """How far the notification log has gone: unchanged when nothing was written."""
    return community.recorder.max_notification_id() or 0


def holder_of(community: Community, channel: str, handle: str) -> UUID | None:
    """The member holding an identity's claim, if any."""
    claim = community.claims.claim_hash(channel, handle)
    return community.claims.holders([claim]).get(claim)


def test_a_joined_member_reads_back_with_its_identities(community: Community) -> None:
    member_id = join(community, "Ada Lovelace", ("discord", "ada"))
    member = community.get_member(member_id)
    assert (member.display_name, member.version) == ("Ada Lovelace", 2)
    assert holder_of(community, "discord", "@ADA") == member_id


def test_a_handle_held_by_another_member_is_refused_naming_the_holder(
    community: Community,
) -> None:
    holder = join(community, "Holder", ("discord", "Taken"))
    other = join(community, "Other")
    before = written(community)

    # Handles compare as the platforms do: case and a leading @ do not matter.
    for variant in ("Taken", "TAKEN", "@taken"):
        with pytest.raises(IdentityAlreadyLinked) as refused:
            community.link_identity(
                cmd.LinkIdentity(member_id=other, channel="discord", handle=variant)
            )
        assert (refused.value.code, refused.value.holder_id) == ("IDENTITY_ALREADY_LINKED", holder)
        assert str(holder) in str(refused.value)
    with pytest.raises(IdentityAlreadyLinked) as refused:
        join(community, "Newcomer", ("discord", "taken"))
    assert refused.value.holder_id == holder

    # The refusals wrote nothing: no event, no claim.
    assert written(community) == before
    assert holder_of(community, "discord", "taken") == holder
    assert [type(e) for e in community.member_history(other)] == [Member.Joined]
    # The same handle on another channel is another identity.
    community.link_identity(cmd.LinkIdentity(member_id=other, channel="github", handle="Taken"))
    assert holder_of(community, "github", "taken") == other


def test_an_unlinked_handle_can_be_linked_by_another_member(community: Community) -> None:
    first = join(community, "First Owner", ("discord", "moving"))
    second = join(community, "Second Owner")

    community.unlink_identity(
        cmd.UnlinkIdentity(member_id=first, channel="discord", handle="@MOVING")
    )
    assert holder_of(community, "discord", "moving") is None
    community.link_identity(cmd.LinkIdentity(member_id=second, channel="discord", handle="moving"))

    assert holder_of(community, "discord", "moving") == second
    assert community.get_member(first).identities == []
    assert community.get_member(second).identities == [["discord", "moving"]]
    with pytest.raises(IdentityAlreadyLinked) as refused:
        community.link_identity(
            cmd.LinkIdentity(member_id=first, channel="discord", handle="moving")
        )
    assert refused.value.holder_id == second


def test_an_erased_member_releases_its_handles(community: Community) -> None:
    erased = join(community, "Erased Owner", ("discord", "released"), ("github", "released"))
    community.erase_member(cmd.EraseMember(member_id=erased))
    assert holder_of(community, "discord", "released") is None
    assert holder_of(community, "github", "released") is None

    newcomer = join(community, "New Owner", ("discord", "released"))
    assert holder_of(community, "discord", "released") == newcomer


def test_an_expected_version_that_is_no_longer_current_is_refused(community: Community) -> None:
    member_id = join(community, "Versioned")
    tag = community.tag_member(cmd.TagMember(member_id=member_id, tag="first", expected_version=1))
    assert tag.member.version == 2
    before = written(community)

    with pytest.raises(VersionMismatch) as refused:
        community.tag_member(cmd.TagMember(member_id=member_id, tag="second", expected_version=1))
    assert (refused.value.expected, refused.value.actual) == (1, 2)
    assert written(community) == before
    assert community.get_member(member_id).tags == ["first"]


def test_a_profile_update_expecting_an_old_version_is_refused(community: Community) -> None:
    member_id = join(community, "Versioned")
    community.update_member_profile(
        cmd.UpdateMemberProfile(member_id=member_id, expected_version=1, display_name="Renamed")
    )
    before = written(community)
    with pytest.raises(VersionMismatch) as refused:
        community.update_member_profile(
            cmd.UpdateMemberProfile(member_id=member_id, expected_version=1, display_name="Late")
        )
    assert (refused.value.expected, refused.value.actual) == (1, 2)
    assert written(community) == before
    assert community.get_member(member_id).display_name == "Renamed"


def test_erasure_shreds_the_key_and_leaves_the_history_unreadable(community: Community) -> None:
    member_id = join(community, "Forget Me", ("discord", "forgotten"))
    community.update_member_profile(
        cmd.UpdateMemberProfile(member_id=member_id, email="forget@example.org")
    )
    community.erase_member(cmd.EraseMember(member_id=member_id))
    assert community.keyring.preload([member_id]) == {member_id: None}
    joined, linked, updated = community.member_history(member_id)[:3]
    assert isinstance(joined, Member.Joined) and isinstance(linked, Member.IdentityLinked)
    assert isinstance(updated, Member.ProfileUpdated)
    # Every personal field of the history reads as None: its key is gone.
    assert (joined.display_name, joined.email, joined.attributes) == (None, None, None)
    assert (linked.handle, updated.changes) == (None, None)
    assert community.get_member(member_id).status == ERASED
    # The erased member takes no new personal data.
    with pytest.raises(MemberIsErased):
        community.tag_member(cmd.TagMember(member_id=member_id, tag="vip"))
