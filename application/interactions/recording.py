"""Recording interactions in batches: idempotent, with a verdict for every record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from application.identities import IdentityClaimTaken
from application.interactions.stored import stored_interactions
from application.log import CommunityLog
from domain.errors import InvalidField
from domain.interactions.commands import InteractionFields
from domain.interactions.interaction import Interaction, interaction_id
from domain.members.member import Member
from domain.moments import TimeBounds

if TYPE_CHECKING:
    from application.members.community import Community

ACCEPTED = "accepted"
DUPLICATE = "duplicate"
REJECTED = "rejected"
# A batch that lost a race for a new member's handle is resolved again, up to this many
# times; each retry finds the members the other writers created, so few are needed.
MAX_ATTEMPTS = 10


# Why a record was refused, for machines: the reason says it for people.
MEMBER_NOT_FOUND = "MEMBER_NOT_FOUND"
MEMBER_ERASED = "MEMBER_ERASED"
IDENTITY_NOT_FOUND = "IDENTITY_NOT_FOUND"
INVALID = "INVALID"


@dataclass(frozen=True)
class Rejection:
    """Why one record was refused; `index` is its position in the batch."""

    index: int
    field: str
    reason: str
    code: str = INVALID


@dataclass
class IngestReport:
    """What became of each record of a batch; valid records land even when others fail."""

    outcomes: list[str]
    interaction_ids: list[UUID | None]
    member_ids: list[UUID | None]
    rejections: list[Rejection] = field(default_factory=list)
    created_members: int = 0
    position: int | None = None
    # The members this batch created (for answering each record of a grouped batch).
    created_member_ids: frozenset[UUID] = frozenset()

    @property
    def accepted(self) -> int:
        """Records stored now."""
        return self.outcomes.count(ACCEPTED)

    @property
    def duplicates(self) -> int:
        """Records already stored before (or earlier in this batch)."""
        return self.outcomes.count(DUPLICATE)

    def reject(self, index: int, field_name: str, reason: str, code: str = INVALID) -> None:
        """Refuse one record."""
        self.outcomes[index] = REJECTED
        self.rejections.append(Rejection(index, field_name, reason, code))


def record_interactions(
    community: Community, records: Sequence[InteractionFields], *, create_unknown_members: bool
) -> IngestReport:
    """Record a batch in one transaction; a (channel, external id) counts once, ever."""
    for _ in range(MAX_ATTEMPTS - 1):
        try:
            return _record(community, records, create_unknown_members)
        except IdentityClaimTaken:
            continue  # another writer created that member first: it is known now
    return _record(community, records, create_unknown_members)


def _record(
    community: Community, records: Sequence[InteractionFields], create: bool
) -> IngestReport:
    now = community.clock()
    report = IngestReport(
        outcomes=[""] * len(records),
        interaction_ids=[None] * len(records),
        member_ids=[None] * len(records),
    )
    unknown = _resolve_members(community, records, report, create)
    _check_existing_members(community.community_log, records, report)
    _check_moments(community.bounds, records, report, now)
    new_members = _new_members(records, report, unknown, now, community.bounds)
    interactions = _new_interactions(records, report)
    needed = _interactions_of(new_members, interactions, report)
    community.keyring.create_keys(m.id for m in new_members.values() if m.id in needed)
    # Cached keys are fine here: a member erased meanwhile was refused above, and data
    # sealed under a key shredded since can never be read anyway.
    community.keyring.warm(member for _, member in interactions.values())
    stored = [
        community.mapper.to_stored_event(e)
        for m in new_members.values()
        if m.id in needed
        for e in m.collect_events()
    ]
    stored += _sealed(community, records, interactions, report)
    inserted = community.community_log.insert_events_skipping_duplicates(
        stored,
        claims=[(claim, m.id) for claim, m in new_members.items() if m.id in needed],
        new_members=needed,
    )
    stored_ids = {originator for originator, _ in inserted}
    for index, (interaction, _) in interactions.items():
        if report.outcomes[index] != REJECTED:
            report.outcomes[index] = ACCEPTED if interaction in stored_ids else DUPLICATE
    made = {m.id for m in new_members.values()}
    created = made & stored_ids
    # Duplicates name no member when the one made for them was not needed after all.
    dropped = made - created
    report.member_ids = [None if m in dropped else m for m in report.member_ids]
    report.created_members = len(created)
    report.created_member_ids = frozenset(created)
    report.position = max((position for _, position in inserted), default=None)
    return report


def _resolve_members(
    community: Community,
    records: Sequence[InteractionFields],
    report: IngestReport,
    create: bool,
) -> dict[int, bytes]:
    """Member of each record by id or known identity; the claims of unknown ones to create."""
    hashes: dict[tuple[str, str], bytes] = {}
    claims: dict[int, bytes] = {}
    for index, record in enumerate(records):
        if record.identity is not None:
            identity = (record.identity.channel.value, record.identity.handle)
            if identity not in hashes:
                hashes[identity] = community.claims.claim_hash(*identity)
            claims[index] = hashes[identity]
    holders = community.claims.holders(list(set(claims.values())))
    unknown: dict[int, bytes] = {}
    for index, record in enumerate(records):
        if record.identity is None:
            report.member_ids[index] = record.member_id
            continue
        claim = claims[index]
        if claim in holders:
            report.member_ids[index] = holders[claim]
        elif create:
            unknown[index] = claim
        else:
            channel = record.identity.channel.value
            reason = f"no member holds this {channel} handle"
            report.reject(index, "identity", reason, IDENTITY_NOT_FOUND)
    return unknown


def _check_moments(
    bounds: TimeBounds, records: Sequence[InteractionFields], report: IngestReport, now: datetime
) -> None:
    """Refuse records outside the accepted time span before any member is made for them."""
    for index, record in enumerate(records):
        if report.outcomes[index]:
            continue
        try:
            bounds.check("occurred_at", record.occurred_at, now)
        except InvalidField as error:
            report.reject(index, error.field, error.message, error.code)


def _new_members(
    records: Sequence[InteractionFields],
    report: IngestReport,
    unknown: dict[int, bytes],
    now: datetime,
    bounds: TimeBounds,
) -> dict[bytes, Member]:
    """A new member per unknown identity that has a record still standing."""
    members: dict[bytes, Member] = {}
    for index, claim in unknown.items():
        if report.outcomes[index]:
            continue
        if claim not in members:
            members[claim] = _new_member(records[index], now, bounds)
        report.member_ids[index] = members[claim].id
    return members


def _new_member(record: InteractionFields, now: datetime, bounds: TimeBounds) -> Member:
    """A member first seen through this interaction, known by its handle."""
    assert record.identity is not None
    member = Member.join(
        display_name=record.identity.handle,
        email=None,
        joined_at=min(record.occurred_at, now),
        source_channel=record.identity.channel.value,
        attributes={},
        now=now,
        bounds=bounds,
    )
    member.link_identity(record.identity.channel.value, record.identity.handle)
    return member


def _interactions_of(
    members: dict[bytes, Member],
    interactions: dict[int, tuple[UUID, UUID]],
    report: IngestReport,
) -> dict[UUID, list[UUID]]:
    """Each new member's interactions in this batch; a member with none is not needed."""
    ids = {member.id for member in members.values()}
    needed: dict[UUID, list[UUID]] = {}
    for index, (interaction, member_id) in interactions.items():
        if member_id in ids and report.outcomes[index] != REJECTED:
            needed.setdefault(member_id, []).append(interaction)
    return needed


def _check_existing_members(
    recorder: CommunityLog, records: Sequence[InteractionFields], report: IngestReport
) -> None:
    """Refuse records naming by id a member that does not exist or was erased.

    Members found by identity need no check: erasure releases a member's identities in
    its own transaction, so the lookup cannot find an erased member.
    """
    by_id = [i for i, r in enumerate(records) if r.member_id is not None]
    states = recorder.member_states(
        list({m for i in by_id if (m := records[i].member_id) is not None})
    )
    for index in by_id:
        member_id = records[index].member_id
        if member_id not in states:
            report.reject(index, "member_id", f"no member with id {member_id}", MEMBER_NOT_FOUND)
        elif states[member_id]:
            report.reject(index, "member_id", "the member was erased", MEMBER_ERASED)


def _new_interactions(
    records: Sequence[InteractionFields], report: IngestReport
) -> dict[int, tuple[UUID, UUID]]:
    """The interactions to store (id and member), the first of any repeated (channel,
    external id) only; their moments were checked against the bounds before."""
    seen: set[UUID] = set()
    interactions: dict[int, tuple[UUID, UUID]] = {}
    for index, record in enumerate(records):
        member_id = report.member_ids[index]
        if report.outcomes[index] or member_id is None:
            continue
        interaction = interaction_id(record.channel.value, record.external_id)
        report.interaction_ids[index] = interaction
        if interaction in seen:
            report.outcomes[index] = DUPLICATE
            continue
        interactions[index] = (interaction, member_id)
        seen.add(interaction)
    return interactions


def _sealed(
    community: Community,
    records: Sequence[InteractionFields],
    interactions: dict[int, tuple[UUID, UUID]],
    report: IngestReport,
) -> list[StoredEvent]:
    """Stored events of the interactions; a member erased meanwhile rejects its records."""
    indexes = list(interactions)
    chosen = [(records[i], *interactions[i]) for i in indexes]
    built, _ = stored_interactions(
        community.keyring, chosen, Interaction.Recorded.create_timestamp()
    )
    stored = []
    for index, event in zip(indexes, built, strict=True):
        if event is None:
            report.reject(index, "member_id", "the member was erased", MEMBER_ERASED)
        else:
            stored.append(event)
    return stored
