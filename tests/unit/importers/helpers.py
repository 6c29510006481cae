"""Running an import on the in-memory Community, and finding what it made."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from application.importers.formats import FORMATS
from application.importers.report import ImportReport
from application.importers.run import run_import
from application.importers.sink import ImportSink
from application.members.community import Community
from domain.interactions.interaction import Interaction
from domain.members.member import Member


def run(community: Community, fmt: str, path: Path, *, strict: bool = False) -> ImportReport:
    """Import `path` as `fmt` (no returns after batches: there are no read models here)."""

    def sink_for(report: ImportReport) -> ImportSink:
        return ImportSink(community, report, after_batch=lambda *_: None, batch_size=7)

    return run_import(
        FORMATS[fmt],
        path,
        sink_for,
        strict=strict,
        check=community.bounds,
        clock=community.clock,
    )


def member_of(community: Community, channel: str, user_id: str) -> Member | None:
    """The member holding a platform user id."""
    holder = community.claims.holders([community.claims.claim_hash(channel, user_id)])
    found = next(iter(holder.values()), None)
    return community.get_member(found) if found else None


def interactions(community: Community) -> list[Interaction.Recorded]:
    """Every interaction event of the log."""
    events = community.mapper.to_domain_events(community.recorder.select_notifications(1, 10**6))
    return [e for e in events if isinstance(e, Interaction.Recorded)]


def kinds(community: Community, member: Member) -> Counter[str]:
    """How many interactions of each kind the member has."""
    return Counter(e.kind for e in interactions(community) if e.member_id == member.id)


def events_count(community: Community) -> int:
    """How many events the log holds."""
    return len(community.recorder.select_notifications(1, 10**6))
