"""Member mutations: each builds a command, runs it, and returns its named result union."""

from __future__ import annotations

import strawberry

from api.graphql.context import Info
from api.graphql.errors import NotFound
from api.graphql.members import inputs as i
from api.graphql.members import payloads as p
from api.graphql.members.execute import execute, execute_queued
from application.members.queued import QueuedMemberCommands
from domain.members import commands as cmd


@strawberry.type
class MemberMutation:
    """Mutations of the members context."""

    @strawberry.mutation(description="Record a new member, optionally with their identities.")
    async def join_member(self, info: Info, input: i.JoinMemberInput) -> p.JoinMemberResult:
        def build() -> cmd.JoinMember:
            return cmd.JoinMember(
                display_name=input.display_name,
                email=input.email,
                joined_at=input.joined_at,
                source_channel=input.source_channel,
                attributes=input.attributes if input.attributes is not None else {},
                identities=[
                    {"channel": x.channel, "handle": x.handle} for x in input.identities or []
                ],
            )

        queue = _queue(info)
        result = await execute_queued(info, build, queue.join_member, p.MemberJoined)
        assert not isinstance(result, NotFound)  # joining looks no member up
        return result

    @strawberry.mutation(description="Change a member's name, e-mail or attributes.")
    async def update_member_profile(
        self, info: Info, input: i.UpdateMemberProfileInput
    ) -> p.UpdateMemberProfileResult:
        def build() -> cmd.UpdateMemberProfile:
            return cmd.UpdateMemberProfile(
                member_id=input.member_id,
                expected_version=input.expected_version,
                display_name=input.display_name,
                email=input.email,
                clear_email=input.clear_email,
                attributes=input.attributes if input.attributes is not None else {},
            )

        return await execute_queued(info, build, _queue(info).change_member, p.MemberProfileUpdated)

    @strawberry.mutation(description="Link a channel identity; it must not belong to another.")
    async def link_identity(self, info: Info, input: i.MemberIdentityInput) -> p.LinkIdentityResult:
        def build() -> cmd.LinkIdentity:
            return cmd.LinkIdentity(**_identity_fields(input))

        return await execute_queued(info, build, _queue(info).change_member, p.IdentityLinked)

    @strawberry.mutation(description="Unlink a channel identity the member holds.")
    async def unlink_identity(
        self, info: Info, input: i.MemberIdentityInput
    ) -> p.UnlinkIdentityResult:
        def build() -> cmd.UnlinkIdentity:
            return cmd.UnlinkIdentity(**_identity_fields(input))

        return await execute_queued(info, build, _queue(info).change_member, p.IdentityUnlinked)

    @strawberry.mutation(description="Put a tag on a member (no change if already there).")
    async def tag_member(self, info: Info, input: i.MemberTagInput) -> p.TagMemberResult:
        def build() -> cmd.TagMember:
            return cmd.TagMember(member_id=input.member_id, tag=input.tag)

        return await execute_queued(info, build, _queue(info).change_member, p.MemberTagged)

    @strawberry.mutation(description="Take a tag off a member (no change if absent).")
    async def untag_member(self, info: Info, input: i.MemberTagInput) -> p.UntagMemberResult:
        def build() -> cmd.UntagMember:
            return cmd.UntagMember(member_id=input.member_id, tag=input.tag)

        return await execute_queued(info, build, _queue(info).change_member, p.MemberUntagged)

    @strawberry.mutation(description="Mark (or unmark) a member as staff of the brand.")
    async def mark_member_as_staff(
        self, info: Info, input: i.MemberFlagInput
    ) -> p.MarkMemberAsStaffResult:
        def build() -> cmd.MarkMemberAsStaff:
            return cmd.MarkMemberAsStaff(member_id=input.member_id, is_staff=input.value)

        return await execute_queued(info, build, _queue(info).change_member, p.StaffFlagSet)

    @strawberry.mutation(description="Mark (or unmark) a member as a bot.")
    async def mark_member_as_bot(
        self, info: Info, input: i.MemberFlagInput
    ) -> p.MarkMemberAsBotResult:
        def build() -> cmd.MarkMemberAsBot:
            return cmd.MarkMemberAsBot(member_id=input.member_id, is_bot=input.value)

        return await execute_queued(info, build, _queue(info).change_member, p.BotFlagSet)

    @strawberry.mutation(description="Record that a member left the community.")
    async def mark_member_left(
        self, info: Info, input: i.MarkMemberLeftInput
    ) -> p.MarkMemberLeftResult:
        def build() -> cmd.MarkMemberLeft:
            return cmd.MarkMemberLeft(
                member_id=input.member_id, left_at=input.left_at, reason=input.reason
            )

        return await execute_queued(info, build, _queue(info).change_member, p.MemberMarkedLeft)

    @strawberry.mutation(description="Record that a member who left came back.")
    async def rejoin_member(self, info: Info, input: i.RejoinMemberInput) -> p.RejoinMemberResult:
        def build() -> cmd.RejoinMember:
            return cmd.RejoinMember(member_id=input.member_id, rejoined_at=input.rejoined_at)

        return await execute_queued(info, build, _queue(info).change_member, p.MemberRejoined)

    @strawberry.mutation(
        description="Erase a member's personal data (GDPR). Irreversible: the member's key "
        "is destroyed; counts and history remain without personal data."
    )
    async def erase_member(self, info: Info, input: i.EraseMemberInput) -> p.EraseMemberResult:
        def build() -> cmd.EraseMember:
            return cmd.EraseMember(member_id=input.member_id)

        return await execute(
            info, build, info.context.services.community.erase_member, p.MemberErased
        )


def _identity_fields(input: i.MemberIdentityInput) -> dict[str, object]:
    return {
        "member_id": input.member_id,
        "channel": input.channel,
        "handle": input.handle,
        "expected_version": input.expected_version,
    }


def _queue(info: Info) -> QueuedMemberCommands:
    """The member commands' group commit (built with the services)."""
    queue = info.context.services.member_commands
    assert queue is not None
    return queue
