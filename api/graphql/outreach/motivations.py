"""Why members joined over GraphQL: recordMemberMotivation, member.motivation, and the summary.

Recording is for admins and managers. The options chosen are shown to every role that sees
the member, and counted for every role; the member's own words are personal data, shown only
to the roles that may read it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import strawberry
from strawberry.dataloader import DataLoader

from api.graphql.context import Context, Info
from api.graphql.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.graphql.loaders import request_loader
from api.graphql.outreach.notes_execute import staff_command
from api.services import in_thread
from application.outreach.motivations import MotivationChange
from domain.outreach.commands_motivations import RecordMemberMotivation
from projections.cursors import Row
from projections.outreach.motivations import MotivationsProjection


@strawberry.type(description="A member's latest answer to why they joined.")
class MemberMotivation:
    options: list[str] = strawberry.field(
        description="The options they chose (from CRM_OUTREACH_MOTIVATIONS), in their order."
    )
    text: str | None = strawberry.field(
        description="In their own words; personal data: null for roles that may not read it, "
        "when not given, and once the member is erased."
    )
    recorded_at: datetime = strawberry.field(description="When they answered.")
    recorded_by: strawberry.ID = strawberry.field(description="The staff member who recorded it.")


@strawberry.type(description="How many members chose one option.")
class MotivationCount:
    option: str = strawberry.field(description="The option.")
    members: int = strawberry.field(description="Members whose latest answer includes it.")


@strawberry.type(description="Why members joined, counted over each member's latest answer.")
class MotivationSummary:
    answered: int = strawberry.field(description="Members who answered (erased ones excepted).")
    with_text: int = strawberry.field(description="Of them, those who answered in their words.")
    options: list[MotivationCount] = strawberry.field(
        description="Each configured option in the configured order (zero when nobody chose "
        "it), then any option chosen earlier and no longer configured."
    )


@strawberry.input(description="Why a member joined: options from the configured list, and text.")
class RecordMemberMotivationInput:
    member_id: strawberry.ID = strawberry.field(description="The member.")
    recorded_by: strawberry.ID = strawberry.field(
        description="The staff member recording it (marked as staff, not erased)."
    )
    options: list[str] = strawberry.field(
        default_factory=list,
        description="Options from CRM_OUTREACH_MOTIVATIONS (motivationSummary lists them); "
        "each counts once. At least one option or a text.",
    )
    text: str | None = strawberry.field(
        default=None,
        description="In their own words (1-2000 characters); personal data, sealed.",
    )
    at: datetime | None = strawberry.field(
        default=None, description="When they answered, with a timezone; default now."
    )


@strawberry.type(description="The answer is recorded; it replaces the member's earlier one.")
class MemberMotivationRecorded:
    member_id: strawberry.ID = strawberry.field(description="The member.")
    motivation: MemberMotivation | None = strawberry.field(
        description="The member's latest answer after the change (read your write); null only "
        "when the read model lags past the read-your-writes timeout."
    )


RecordMemberMotivationResult = Annotated[
    MemberMotivationRecorded | ValidationFailed | NotFound | Conflict | Forbidden,
    strawberry.union(
        "RecordMemberMotivationResult",
        description="The success type, or the typed error that explains the refusal.",
    ),
]


def motivation_from_row(row: Row) -> MemberMotivation:
    """The GraphQL answer of a read-model row (text opened or withheld already)."""
    return MemberMotivation(
        options=list(row["options"]),
        text=row["text"],
        recorded_at=row["recorded_at"],
        recorded_by=strawberry.ID(str(row["recorded_by"])),
    )


async def member_motivation(info: Info, member_id: UUID) -> MemberMotivation | None:
    """member.motivation, batched with the other members the request shows."""
    reveal = info.context.principal.can_read_personal_data
    name = "outreach.motivation.revealed" if reveal else "outreach.motivation"
    loader: DataLoader[UUID, MemberMotivation | None] = request_loader(
        info, name, lambda c, ids: _load(c, ids, reveal)
    )
    return await loader.load(member_id)


async def _load(context: Context, ids: list[UUID], reveal: bool) -> list[MemberMotivation | None]:
    found = await in_thread(context.services.motivations.for_members, ids, reveal)
    return [motivation_from_row(found[i]) if i in found else None for i in ids]


@strawberry.type
class MotivationQuery:
    """Queries of why members joined."""

    @strawberry.field(
        description="Why members joined: how many answered, and how many chose each option."
    )
    async def motivation_summary(self, info: Info) -> MotivationSummary:
        services = info.context.services
        summary = await in_thread(services.motivations.summary)
        configured = services.settings.motivation_options()
        retired = sorted(set(summary.per_option) - set(configured))
        return MotivationSummary(
            answered=summary.answered,
            with_text=summary.with_text,
            options=[
                MotivationCount(option=o, members=summary.per_option.get(o, 0))
                for o in (*configured, *retired)
            ],
        )


@strawberry.type
class MotivationMutation:
    """Mutations of why members joined."""

    @strawberry.mutation(
        description="Record why a member joined (admin, manager): options from the configured "
        "list and/or their words. It replaces the member's earlier answer."
    )
    async def record_member_motivation(
        self, info: Info, input: RecordMemberMotivationInput
    ) -> RecordMemberMotivationResult:
        def build() -> RecordMemberMotivation:
            return RecordMemberMotivation(
                member_id=input.member_id,
                recorded_by=input.recorded_by,
                options=input.options,
                text=input.text,
                at=input.at,
            )

        desk = info.context.services.use_cases.motivations
        outcome = await staff_command(info, "record members' motivations", build, desk.record)
        if isinstance(outcome, MotivationChange):
            return MemberMotivationRecorded(
                member_id=strawberry.ID(str(input.member_id)),
                motivation=await _after(info, outcome),
            )
        return outcome


async def _after(info: Info, change: MotivationChange) -> MemberMotivation | None:
    services = info.context.services
    if not await in_thread(services.wait_for, MotivationsProjection.name, change.position):
        return None
    member_id = change.motivation.member_id
    reveal = info.context.principal.can_read_personal_data
    found: dict[UUID, Any] = await in_thread(services.motivations.for_members, [member_id], reveal)
    return motivation_from_row(found[member_id]) if member_id in found else None
