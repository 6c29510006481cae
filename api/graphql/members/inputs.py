"""GraphQL inputs of the members context; validation happens in the domain commands."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from api.graphql.members.types import Channel, MemberStatus

if TYPE_CHECKING:
    from api.graphql.conduct import Standing

# The conduct context owns standing; named lazily, as Member's fields from other contexts are.
StandingRef = Annotated["Standing", strawberry.lazy("api.graphql.conduct")]


@strawberry.input(description="A handle on a channel.")
class IdentityInput:
    channel: Channel = strawberry.field(description="The platform.")
    handle: str = strawberry.field(
        description="The handle there (1-200 characters, a leading @ ignored; no control or "
        "direction-control characters)."
    )


@strawberry.input(description="A new member.")
class JoinMemberInput:
    display_name: str = strawberry.field(
        description="Name shown (1-200 characters; no control or direction-control characters)."
    )
    email: str | None = strawberry.field(default=None, description="E-mail address.")
    joined_at: datetime | None = strawberry.field(
        default=None,
        description="When they joined, with a timezone, not before "
        "CRM_EARLIEST_VALID_DATE; default now.",
    )
    source_channel: Channel = strawberry.field(
        default=Channel.OTHER,
        description="Where they came from.",
    )
    attributes: JSON | None = strawberry.field(
        default=None, description='Free scalar attributes, e.g. {"company": "Acme"}.'
    )
    identities: list[IdentityInput] | None = strawberry.field(
        default=None, description="Handles they are known by (each must be free)."
    )


@strawberry.input(description="Profile changes; absent fields stay as they are.")
class UpdateMemberProfileInput:
    member_id: strawberry.ID = strawberry.field(description="The member.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with a VERSION_MISMATCH conflict if not current."
    )
    display_name: str | None = strawberry.field(default=None, description="New name.")
    email: str | None = strawberry.field(default=None, description="New e-mail.")
    clear_email: bool = strawberry.field(
        default=False, description="Remove the e-mail (not together with `email`)."
    )
    attributes: JSON | None = strawberry.field(
        default=None, description="Merge patch: keys set to null are removed, others set."
    )


@strawberry.input(description="A member and one of their channel identities.")
class MemberIdentityInput:
    member_id: strawberry.ID = strawberry.field(description="The member.")
    channel: Channel = strawberry.field(description="The platform.")
    handle: str = strawberry.field(description="The handle there.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with a VERSION_MISMATCH conflict if not current."
    )


@strawberry.input(description="A member and a tag.")
class MemberTagInput:
    member_id: strawberry.ID = strawberry.field(description="The member.")
    tag: str = strawberry.field(description="Lower-case label, e.g. `speaker`.")


@strawberry.input(description="A member and whether a flag applies.")
class MemberFlagInput:
    member_id: strawberry.ID = strawberry.field(description="The member.")
    value: bool = strawberry.field(default=True, description="True to set, false to clear.")


@strawberry.input(description="A member who left.")
class MarkMemberLeftInput:
    member_id: strawberry.ID = strawberry.field(description="The member.")
    left_at: datetime | None = strawberry.field(default=None, description="Default now.")
    reason: str | None = strawberry.field(default=None, description="Why, if known (≤ 500).")


@strawberry.input(description="A member who came back.")
class RejoinMemberInput:
    member_id: strawberry.ID = strawberry.field(description="The member.")
    rejoined_at: datetime | None = strawberry.field(default=None, description="Default now.")


@strawberry.input(description="A member to erase (GDPR): irreversible.")
class EraseMemberInput:
    member_id: strawberry.ID = strawberry.field(description="The member.")


@strawberry.input(description="Which members to list; every given criterion must hold.")
class MemberFilterInput:
    status: list[MemberStatus] | None = strawberry.field(
        default=None, description="Statuses to include; default ACTIVE and LEFT (not ERASED)."
    )
    tag: str | None = strawberry.field(default=None, description="Has this tag.")
    channel: Channel | None = strawberry.field(default=None, description="Is on this channel.")
    search: str | None = strawberry.field(
        default=None,
        description="The start of any of the name's first 8 words, and the words after it"
        " (any case and punctuation; up to 32 characters count), or an exact e-mail or"
        " handle (any case); needs personal-data access (FORBIDDEN otherwise).",
    )
    is_staff: bool | None = strawberry.field(default=None, description="Staff or not.")
    is_bot: bool | None = strawberry.field(default=None, description="Bot or not.")
    standing: StandingRef | None = strawberry.field(
        default=None,
        description="In this standing now: a suspension whose end has passed counts as GOOD.",
    )
    motivation: str | None = strawberry.field(
        default=None,
        description="Chose this option (one of CRM_OUTREACH_MOTIVATIONS, as motivationSummary "
        "lists them) in their latest answer to why they joined.",
    )
