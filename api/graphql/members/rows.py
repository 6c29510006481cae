"""Member DTOs built from the read model's rows, or from the aggregate as written."""

from __future__ import annotations

from typing import Any

import strawberry

from api.graphql.members.types import Identity, Member, MemberStatus
from domain.members.member import Member as MemberAggregate
from domain.values import Channel as DomainChannel


def member_from_row(row: dict[str, Any], identities: list[dict[str, Any]], reveal: bool) -> Member:
    """Build the DTO from the projection row; personal data only when `reveal`."""
    return Member(
        id=strawberry.ID(str(row["member_id"])),
        display_name=row["display_name"] if reveal else None,
        email=row["email"] if reveal else None,
        status=MemberStatus(row["status"]),
        joined_at=row["joined_at"],
        source_channel=DomainChannel(row["source_channel"]),
        attributes=row["attributes"] if reveal else None,
        tags=list(row["tags"]),
        channels=[DomainChannel(c) for c in row["channels"]],
        identities=[
            Identity(
                channel=DomainChannel(i["channel"]),
                handle=i["handle"] if reveal else None,
                linked_at=i["linked_at"],
            )
            for i in identities
        ],
        is_staff=row["is_staff"],
        is_bot=row["is_bot"],
        left_at=row["left_at"],
        erased_at=row["erased_at"],
        version=row["version"],
        updated_at=row["updated_at"],
        personal_data_hidden=not reveal,
        merged_into=strawberry.ID(str(row["merged_into"])) if row.get("merged_into") else None,
    )


def member_from_aggregate(member: MemberAggregate, reveal: bool) -> Member:
    """Build the DTO from the aggregate, when the projection has not caught up in time."""
    # An identity's channel is never shredded (only its handle is); the test narrows the type.
    held = {channel for channel, _ in member.identities if channel is not None}
    channels = held | {member.source_channel}
    row = {
        "member_id": member.id,
        "display_name": member.display_name,
        "email": member.email,
        "status": member.status,
        "joined_at": member.joined_at,
        "source_channel": member.source_channel,
        "attributes": member.attributes,
        "tags": member.tags,
        "channels": sorted(channels - {DomainChannel.OTHER.value}),
        "is_staff": member.is_staff,
        "is_bot": member.is_bot,
        "left_at": member.left_at,
        "erased_at": member.modified_on if member.is_erased else None,
        "version": member.version,
        "updated_at": member.modified_on,
    }
    identities = [
        {"channel": channel, "handle": handle, "linked_at": member.modified_on}
        for channel, handle in member.identities
    ]
    return member_from_row(row, identities, reveal)
