"""identityMatchSuggestions, acceptIdentityMatch and rejectIdentityMatch over GraphQL."""

from __future__ import annotations

from enum import Enum
from typing import Annotated
from uuid import UUID

import strawberry

from api.auth import MERGE_MEMBERS
from api.graphql.commands import attempt
from api.graphql.context import Info
from api.graphql.errors import Conflict, Forbidden, NotFound, ValidationFailed, forbidden
from api.graphql.members.merging import (
    MemberMergeRecord,
    MembersMerged,
    MergeRefusedError,
    refused,
    run_merge,
)
from api.graphql.members.queries import load_members
from api.graphql.members.types import Channel, Member
from api.graphql.relay import DEFAULT_FIRST, After, Connection, Edge, First, PageRequest, relay_type
from api.services import in_thread
from domain.members import commands as cmd
from domain.members.matches import IdentityMatch
from projections.cursors import Row
from projections.members.suggestions import EMAIL, HANDLE, NAME, Evidence


@strawberry.enum(description="Why two members are probably one person.")
class MatchEvidenceKind(Enum):
    SAME_EMAIL = EMAIL
    SAME_HANDLE = HANDLE
    SIMILAR_NAME_SHARED_THREADS = NAME


@strawberry.type(
    description="One reason to think two members are one person. It holds no personal data: "
    "the members' names, e-mails and handles are read through `members`, masked by role."
)
class MatchEvidence:
    kind: MatchEvidenceKind = strawberry.field(description="What the two members share.")
    confidence: float = strawberry.field(description="How much this alone says (0 to 1).")
    first_channel: Channel | None = strawberry.field(
        description="SAME_HANDLE: the channel of the first member's handle."
    )
    second_channel: Channel | None = strawberry.field(
        description="SAME_HANDLE: the channel of the second member's handle."
    )
    shared_threads: int | None = strawberry.field(
        description="SIMILAR_NAME_SHARED_THREADS: threads both took part in."
    )


@strawberry.type(description="Two members who are probably one person, with the evidence.")
class IdentityMatchSuggestion:
    first_member_id: strawberry.ID = strawberry.field(description="One of the two members.")
    second_member_id: strawberry.ID = strawberry.field(description="The other member.")
    members: list[Member] = strawberry.field(
        description="Both members, masked for your role as every member read is."
    )
    confidence: float = strawberry.field(
        description="All evidence together, 0 to 1 (1 - the product of 1 - each confidence)."
    )
    evidence: list[MatchEvidence] = strawberry.field(description="Each reason, strongest first.")


@relay_type("A suggested pair with its cursor.", node="The pair.")
class IdentityMatchSuggestionEdge(Edge[IdentityMatchSuggestion]):
    """An edge of the suggestions."""


@relay_type(
    "Pairs of members who are probably one person, most probable first (keyset pagination).",
    edges="Pairs with their cursors.",
)
class IdentityMatchSuggestionConnection(Connection[IdentityMatchSuggestionEdge]):
    """A page of suggestions."""


@strawberry.input(description="A suggested pair: accepting merges the source into the target.")
class IdentityMatchInput:
    source_id: strawberry.ID = strawberry.field(description="The member merged away on accept.")
    target_id: strawberry.ID = strawberry.field(description="The member that stays.")


@strawberry.type(description="The pair is recorded as not one person: never suggested again.")
class IdentityMatchRejected:
    first_member_id: strawberry.ID = strawberry.field(description="One of the two members.")
    second_member_id: strawberry.ID = strawberry.field(description="The other member.")


_UNION = "The success type, or the typed error that explains the refusal."
AcceptIdentityMatchResult = Annotated[
    MembersMerged | ValidationFailed | NotFound | MergeRefusedError | Conflict | Forbidden,
    strawberry.union("AcceptIdentityMatchResult", description=_UNION),
]
RejectIdentityMatchResult = Annotated[
    IdentityMatchRejected | ValidationFailed | NotFound | MergeRefusedError | Conflict | Forbidden,
    strawberry.union("RejectIdentityMatchResult", description=_UNION),
]


@strawberry.type
class MatchQuery:
    """Identity-match suggestions."""

    @strawberry.field(
        description="Pairs of members who are probably one person (same e-mail, same handle "
        "on two channels, near-identical names with shared threads), most probable first. "
        "Merged-away and erased members and rejected pairs are left out."
    )
    async def identity_match_suggestions(
        self, info: Info, first: First = DEFAULT_FIRST, after: After = None
    ) -> IdentityMatchSuggestionConnection:
        request = PageRequest.checked(info, first, after)
        services = info.context.services
        page = await request.read(services.match_suggestions.page)
        reveal = info.context.principal.can_read_personal_data
        ids = list({m for row in page.rows for m in (row["a"], row["b"])})
        members = {UUID(m.id): m for m in await in_thread(load_members, services, ids, reveal)}
        nodes = [_suggestion(row, members) for row in page.rows]
        return IdentityMatchSuggestionConnection.of(page, after, nodes)


@strawberry.type
class MatchMutation:
    """Judging identity-match suggestions."""

    @strawberry.mutation(
        description="Accept a suggested pair: merge the source into the target (as "
        "mergeMembers does), the acceptance recorded with the merge."
    )
    async def accept_identity_match(
        self, info: Info, input: IdentityMatchInput
    ) -> AcceptIdentityMatchResult:
        act = info.context.services.community.accept_identity_match
        change = await run_merge(info, lambda: _command(input), act)
        return MembersMerged(merge=change) if isinstance(change, MemberMergeRecord) else change

    @strawberry.mutation(
        description="Reject a suggested pair: the two are not one person; recorded, and the "
        "pair is never suggested again."
    )
    async def reject_identity_match(
        self, info: Info, input: IdentityMatchInput
    ) -> RejectIdentityMatchResult:
        if not info.context.principal.can_merge_members:
            return forbidden("judge identity matches", MERGE_MEMBERS)
        services = info.context.services
        judged = await attempt(
            lambda: _command(input), services.community.reject_identity_match, refused=refused
        )
        if not isinstance(judged, tuple):
            return judged
        match, position = judged
        await in_thread(services.wait_for_members, position)
        return _rejected(match)


def _command(input: IdentityMatchInput) -> cmd.JudgeIdentityMatch:
    return cmd.JudgeIdentityMatch(source_id=input.source_id, target_id=input.target_id)


def _rejected(match: IdentityMatch) -> IdentityMatchRejected:
    return IdentityMatchRejected(
        first_member_id=strawberry.ID(str(match.first_id)),
        second_member_id=strawberry.ID(str(match.second_id)),
    )


def _suggestion(row: Row, members: dict[UUID, Member]) -> IdentityMatchSuggestion | None:
    pair = [members.get(row["a"]), members.get(row["b"])]
    if None in pair:
        return None  # gone meanwhile
    return IdentityMatchSuggestion(
        first_member_id=strawberry.ID(str(row["a"])),
        second_member_id=strawberry.ID(str(row["b"])),
        members=[m for m in pair if m is not None],
        confidence=row["confidence"],
        evidence=[_evidence(e) for e in row["evidence"]],
    )


def _evidence(found: Evidence) -> MatchEvidence:
    return MatchEvidence(
        kind=MatchEvidenceKind(found.kind),
        confidence=found.confidence,
        first_channel=Channel(found.channel_a) if found.channel_a else None,
        second_channel=Channel(found.channel_b) if found.channel_b else None,
        shared_threads=found.shared_threads,
    )
