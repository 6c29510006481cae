"""What saving members writes beside their events: identity claims, releases, key shredding.

They commit in the event transaction, so a handle is held by one member at most and an
erased member's key goes with the Erased event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from application.identities import ClaimStore
from domain.errors import IdentityAlreadyLinked
from domain.members.member import Member


@dataclass
class SideEffects:
    """Rows written in the event transaction: identity claims and key shredding."""

    claims: list[tuple[bytes, UUID]] = field(default_factory=list)
    releases: list[bytes] = field(default_factory=list)
    shred: list[UUID] = field(default_factory=list)
    channels: dict[bytes, str] = field(default_factory=dict)


def side_effects(members: Sequence[Member], claims: ClaimStore) -> SideEffects:
    """The claims, releases and shredding the members' pending events call for."""
    effects = SideEffects()
    for member in members:
        for event in member.pending_events:
            if isinstance(event, Member.IdentityLinked | Member.IdentityUnlinked):
                claim_hash = claims.claim_hash(event.channel, event.handle)
                effects.channels[claim_hash] = event.channel
                if isinstance(event, Member.IdentityLinked):
                    effects.claims.append((claim_hash, member.id))
                else:
                    effects.releases.append(claim_hash)
            elif isinstance(event, Member.Erased):
                effects.shred.append(member.id)
    return effects


def refuse_taken_identities(effects: SideEffects, claims: ClaimStore) -> None:
    """IdentityAlreadyLinked, naming the holder, when another member holds a claimed handle.

    Also when two members of the same save claim one handle.
    """
    holders = claims.holders([h for h, _ in effects.claims])
    for claim_hash, member_id in effects.claims:
        holder = holders.get(claim_hash)
        if holder is not None and holder != member_id:
            raise IdentityAlreadyLinked(effects.channels[claim_hash], holder)
    seen: dict[bytes, UUID] = {}
    for claim_hash, member_id in effects.claims:
        if seen.setdefault(claim_hash, member_id) != member_id:
            raise IdentityAlreadyLinked(effects.channels[claim_hash], seen[claim_hash])
