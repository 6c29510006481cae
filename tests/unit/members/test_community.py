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


def test_a_joined_member_reads_back_with_its_identities(community: Community) -> None:
    member_id = join(community, "Ada Lovelace", ("discord", "ada"))
    member = community.get_member(member_id)
    assert (member.display_name, member.version) == ("Ada Lovelace", 2)
    assert community.claims.holders([community.claims.claim_hash("discord", "@ADA")]) == {
        community.claims.claim_hash("discord", "ada"): member_id
    }


def test_a_handle_held_by_another_member_is_refused_naming_the_holder(
    community: Community,
) -> None:
    holder = join(community, "Holder", ("github", "grace"))
    other = join(community, "Other")
    with pytest.raises(IdentityAlreadyLinked) as refused:
        community.link_identity(cmd.LinkIdentity(member_id=other, channel="github", handle="Grace"))
    assert (refused.value.code, refused.value.holder_id) == ("IDENTITY_ALREADY_LINKED", holder)
    # The refused link wrote nothing: the other member is as it joined.
    assert community.get_member(other).version == 1
    assert [type(e) for e in community.member_history(other)] == [Member.Joined]


def test_a_member_joining_with_a_taken_handle_is_not_recorded(community: Community) -> None:
    join(community, "First", ("discord", "twin"))
    with pytest.raises(IdentityAlreadyLinked):
        join(community, "Second", ("discord", "twin"))
    # Only the first member's two events are in the log.
    assert len(community.recorder.select_notifications(start=None, limit=10)) == 2


def test_an_unlinked_handle_can_be_linked_by_another_member(community: Community) -> None:
    first = join(community, "First", ("slack", "shared"))
    second = join(community, "Second")
    community.unlink_identity(cmd.UnlinkIdentity(member_id=first, channel="slack", handle="shared"))
    community.link_identity(cmd.LinkIdentity(member_id=second, channel="slack", handle="shared"))
    assert community.claims.holders([community.claims.claim_hash("slack", "shared")]) == {
        community.claims.claim_hash("slack", "shared"): second
    }


def test_a_profile_update_expecting_an_old_version_is_refused(community: Community) -> None:
    member_id = join(community, "Versioned")
    community.update_member_profile(
        cmd.UpdateMemberProfile(member_id=member_id, expected_version=1, display_name="Renamed")
    )
    with pytest.raises(VersionMismatch) as refused:
        community.update_member_profile(
            cmd.UpdateMemberProfile(member_id=member_id, expected_version=1, display_name="Late")
        )
    assert (refused.value.expected, refused.value.actual) == (1, 2)
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
    # Its handles are free again, and the erased member takes no new personal data.
    assert community.claims.holders([community.claims.claim_hash("discord", "forgotten")]) == {}
    with pytest.raises(MemberIsErased):
        community.tag_member(cmd.TagMember(member_id=member_id, tag="vip"))
