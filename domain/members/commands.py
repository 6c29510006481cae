"""Member commands: what a caller asks of a member, validated before the domain sees it."""

from __future__ import annotations

import re
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from domain.commands import AwareDatetime, Command, Handle, IdentityRef
from domain.values import (
    Channel,
    check_attributes,
    check_held_handle,
    check_plain_text,
    check_tag,
    normalise_handle,
)

MAX_DISPLAY_NAME = 200
MAX_EMAIL = 254
MAX_IDENTITIES_PER_COMMAND = 20
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _display_name(value: str) -> str:
    cleaned = " ".join(check_plain_text(value, "display name").split())
    if not cleaned:
        raise ValueError("display name must not be empty")
    if len(cleaned) > MAX_DISPLAY_NAME:
        raise ValueError(f"display name must be at most {MAX_DISPLAY_NAME} characters")
    return cleaned


def _email(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = check_plain_text(value.strip(), "e-mail")
    if len(cleaned) > MAX_EMAIL or not _EMAIL.match(cleaned):
        raise ValueError("not a valid e-mail address")
    return cleaned


DisplayName = Annotated[str, AfterValidator(_display_name)]
Email = Annotated[str | None, AfterValidator(_email)]
HeldHandle = Annotated[str, AfterValidator(check_held_handle)]
Tag = Annotated[str, AfterValidator(check_tag)]


class JoinMember(Command):
    """Record a new member, optionally with the identities they are known by."""

    display_name: DisplayName
    email: Email = None
    joined_at: AwareDatetime = None
    source_channel: Channel = Channel.OTHER
    attributes: dict[str, Any] = Field(default_factory=dict)
    identities: list[IdentityRef] = Field(default_factory=list)

    @field_validator("attributes")
    @classmethod
    def _attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        return check_attributes(value, allow_null=False)

    @field_validator("identities")
    @classmethod
    def _identities(cls, value: list[IdentityRef]) -> list[IdentityRef]:
        return _distinct_identities(value)


class MemberCommand(Command):
    """A command addressed to one existing member."""

    member_id: UUID
    expected_version: int | None = Field(default=None, ge=1)


class UpdateMemberProfile(MemberCommand):
    """Change some profile fields; absent fields stay as they are."""

    display_name: DisplayName | None = None
    email: Email = None
    clear_email: bool = False
    attributes: dict[str, Any] = Field(default_factory=dict)

    @field_validator("clear_email")
    @classmethod
    def _not_both_emails(cls, value: bool, info: ValidationInfo) -> bool:
        # Which of the two the caller meant cannot be guessed: dropping one silently lost data.
        if value and info.data.get("email") is not None:
            raise ValueError("give either a new email or clearEmail, not both")
        return value

    @field_validator("attributes")
    @classmethod
    def _attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        return check_attributes(value, allow_null=True)

    def changes(self) -> dict[str, Any]:
        """The requested changes as the domain expects them."""
        changes: dict[str, Any] = {}
        if self.display_name is not None:
            changes["display_name"] = self.display_name
        if self.clear_email:
            changes["email"] = None
        elif self.email is not None:
            changes["email"] = self.email
        if self.attributes:
            changes["attributes"] = dict(self.attributes)
        return changes


class LinkIdentity(MemberCommand):
    """Link a (channel, handle) to the member."""

    channel: Channel
    handle: Handle


class UnlinkIdentity(MemberCommand):
    """Unlink a (channel, handle) from the member."""

    channel: Channel
    handle: HeldHandle


class TagMember(MemberCommand):
    """Put a label on the member."""

    tag: Tag


class UntagMember(MemberCommand):
    """Take a label off the member."""

    tag: Tag


class MarkMemberAsStaff(MemberCommand):
    """Say whether the member is staff."""

    is_staff: bool = True


class MarkMemberAsBot(MemberCommand):
    """Say whether the account is a bot."""

    is_bot: bool = True


class MarkMemberLeft(MemberCommand):
    """Record that the member left."""

    left_at: AwareDatetime = None
    reason: Annotated[str | None, Field(max_length=500)] = None


class RejoinMember(MemberCommand):
    """Record that a member who left came back."""

    rejoined_at: AwareDatetime = None


class EraseMember(MemberCommand):
    """Erase the person's data (GDPR right to erasure)."""


def _distinct_identities(identities: list[IdentityRef]) -> list[IdentityRef]:
    if len(identities) > MAX_IDENTITIES_PER_COMMAND:
        raise ValueError(f"at most {MAX_IDENTITIES_PER_COMMAND} identities at once")
    seen: set[tuple[str, str]] = set()
    for identity in identities:
        key = (identity.channel.value, normalise_handle(identity.handle))
        if key in seen:
            raise ValueError(f"the {identity.channel.value} identity is listed twice")
        seen.add(key)
    return identities


class MergeMembers(Command):
    """Count the source member as the target from now on: one person, both histories."""

    source_id: UUID
    target_id: UUID


class UnmergeMembers(Command):
    """Undo a merge: the source comes back exactly as its own events make it."""

    merge_id: UUID


class JudgeIdentityMatch(Command):
    """Accept (merge the source into the target) or reject a suggested pair of members."""

    source_id: UUID
    target_id: UUID
