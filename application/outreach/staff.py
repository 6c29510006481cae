"""The members an outreach command names, checked in the Community (the one event store)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from application.crypto import SubjectErased
from application.members.community import Community
from domain.errors import InvalidField, MemberIsErased, MemberNotFound


def check_member(community: Community, member_id: UUID) -> None:
    """The member concerned exists (MemberNotFound) and is not erased (MemberIsErased)."""
    if community.get_member(member_id).is_erased:
        raise MemberIsErased(member_id)


def check_staff(community: Community, field: str, member_id: UUID) -> None:
    """The staff member named in `field` exists, is not erased, and is marked as staff."""
    try:
        member = community.get_member(member_id)
    except MemberNotFound:
        raise InvalidField(field, "no member has this id") from None
    if member.is_erased:
        raise InvalidField(field, "names an erased member")
    if not member.is_staff:
        raise InvalidField(field, "names a member who is not marked as staff")


def save_about(community: Community, aggregate: Aggregate, member_id: UUID) -> int | None:
    """Record the aggregate's pending events, sealed under the member's key; where its last
    event landed. MemberIsErased when the member was erased since the check (no key)."""
    try:
        recordings = community.save(aggregate)
    except SubjectErased:
        raise MemberIsErased(member_id) from None
    return recordings[-1].notification.id if recordings else None
