"""mergeMembers and unmergeMembers: two members counted as one person, and undone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar
from uuid import UUID

import strawberry

from api.auth import MERGE_MEMBERS
from api.graphql.commands import attempt
from api.graphql.context import Info
from api.graphql.errors import (
    Conflict,
    Error,
    Forbidden,
    NotFound,
    ValidationFailed,
    camel,
    domain_error,
    forbidden,
)
from api.graphql.members.queries import load_members
from api.graphql.members.types import Member
from api.services import Services, in_thread
from application.members.merging import MergeChange
from domain.commands import Command
from domain.errors import DomainError
from domain.members import commands as cmd
from domain.members.merges import MergeNotFound, MergeRefused


@strawberry.type(
    name="MergeRefused",
    description="A merge or unmerge the members' states forbid: `field` names the input at "
    "fault, `code` the rule (SAME_MEMBER, MEMBER_ERASED, ALREADY_MERGED, MERGED_AWAY, "
    "HOLDS_MERGED_MEMBERS, NOT_MERGED).",
)
class MergeRefusedError(Error):
    field: str = strawberry.field(description="The input at fault: sourceId, targetId, mergeId.")
    code: str = strawberry.field(description="Which rule refused it.")


@strawberry.type(description="One merge of a source member into a target, with its id to undo it.")
class MemberMergeRecord:
    id: strawberry.ID = strawberry.field(description="The merge id, for unmergeMembers.")
    source_id: strawberry.ID = strawberry.field(description="The member merged away.")
    target_id: strawberry.ID = strawberry.field(description="The member it is counted as.")
    merged_at: datetime = strawberry.field(description="When the merge was recorded.")
    unmerged_at: datetime | None = strawberry.field(description="When it was undone, if it was.")
    source: Member | None = strawberry.field(description="The source member after the change.")
    target: Member | None = strawberry.field(description="The target member after the change.")


@strawberry.type(description="The source now counts as the target: one person, both histories.")
class MembersMerged:
    merge: MemberMergeRecord = strawberry.field(description="The merge, with its id.")


@strawberry.type(description="The merge is undone: the source is its own member again.")
class MembersUnmerged:
    merge: MemberMergeRecord = strawberry.field(description="The merge, now undone.")


@strawberry.input(description="The member to merge away and the member it is one person with.")
class MergeMembersInput:
    source_id: strawberry.ID = strawberry.field(description="The member merged away.")
    target_id: strawberry.ID = strawberry.field(description="The member that stays.")


@strawberry.input(description="The merge to undo.")
class UnmergeMembersInput:
    merge_id: strawberry.ID = strawberry.field(description="The id mergeMembers returned.")


_UNION = "The success type, or the typed error that explains the refusal."
MergeMembersResult = Annotated[
    MembersMerged | ValidationFailed | NotFound | MergeRefusedError | Conflict | Forbidden,
    strawberry.union("MergeMembersResult", description=_UNION),
]
UnmergeMembersResult = Annotated[
    MembersUnmerged | ValidationFailed | NotFound | MergeRefusedError | Conflict | Forbidden,
    strawberry.union("UnmergeMembersResult", description=_UNION),
]


def refused(error: DomainError) -> NotFound | ValidationFailed | Conflict | MergeRefusedError:
    """The union member for a refused merge or unmerge."""
    if isinstance(error, MergeRefused):
        return MergeRefusedError(message=str(error), field=camel(error.field), code=error.reason)
    if isinstance(error, MergeNotFound):
        return NotFound(message=str(error), id=strawberry.ID(str(error.merge_id)))
    return domain_error(error)


@strawberry.type
class MergeMutation:
    """Merging members who are one person, and undoing it."""

    @strawberry.mutation(
        description="Count the source member as the target from now on: one person with both "
        "histories, all identities, the union of tags and the earlier join date. Nothing "
        "moves: unmergeMembers gives the source back whole, with what arrived meanwhile."
    )
    async def merge_members(self, info: Info, input: MergeMembersInput) -> MergeMembersResult:
        def build() -> cmd.MergeMembers:
            return cmd.MergeMembers(source_id=input.source_id, target_id=input.target_id)

        change = await run_merge(info, build, info.context.services.community.merge_members)
        return MembersMerged(merge=change) if isinstance(change, MemberMergeRecord) else change

    @strawberry.mutation(
        description="Undo a merge: the source comes back with exactly its identities, "
        "profile, tags and interactions, including those that arrived through its identities "
        "while merged; every view is as if the merge had never happened."
    )
    async def unmerge_members(self, info: Info, input: UnmergeMembersInput) -> UnmergeMembersResult:
        def build() -> cmd.UnmergeMembers:
            return cmd.UnmergeMembers(merge_id=input.merge_id)

        change = await run_merge(info, build, info.context.services.community.unmerge_members)
        return MembersUnmerged(merge=change) if isinstance(change, MemberMergeRecord) else change


Refusal = ValidationFailed | NotFound | MergeRefusedError | Conflict | Forbidden
C = TypeVar("C", bound=Command)


async def run_merge(
    info: Info, build: Callable[[], C], act: Callable[[C], MergeChange]
) -> MemberMergeRecord | Refusal:
    """Authorise, run a merge command, and read the merge back (or the refusal)."""
    if not info.context.principal.can_merge_members:
        return forbidden("merge or unmerge members", MERGE_MEMBERS)
    change = await attempt(build, act, refused=refused)
    if not isinstance(change, MergeChange):
        return change
    return await record_of(info, info.context.services, change)


async def record_of(info: Info, services: Services, change: MergeChange) -> MemberMergeRecord:
    """The merge and both members as the read model has them after the change."""
    reveal = info.context.principal.can_read_personal_data
    await in_thread(services.wait_for_members, change.position)
    ids: list[UUID] = [change.merge.source_id, change.merge.target_id]
    members = {UUID(m.id): m for m in await in_thread(load_members, services, ids, reveal)}
    return MemberMergeRecord(
        id=strawberry.ID(str(change.merge.id)),
        source_id=strawberry.ID(str(change.merge.source_id)),
        target_id=strawberry.ID(str(change.merge.target_id)),
        merged_at=change.merge.merged_at,
        unmerged_at=change.merge.unmerged_at,
        source=members.get(change.merge.source_id),
        target=members.get(change.merge.target_id),
    )
