"""Marketing's audited export of ambassadors, shared by the REST route and `crm export`.

Before reading, the export waits (bounded) for the read models it reads to reach the head
of the log, so that a consent withdrawn just before is honoured; then the export's member
set is fixed in one snapshot and recorded as a disclosure before any row is sent (see
projections/disclosures/ambassadors_export.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from api.bootstrap import personal_data
from api.export_params import ParamError
from application.disclosures import DisclosureLog, Recipient
from application.runtime import Runtime
from domain.ambassadors.program import ProgramStatus
from domain.disclosures import DisclosureKind
from domain.values import Channel
from projections.disclosures.ambassadors_export import (
    AmbassadorExport,
    AmbassadorFilter,
    Snapshot,
)
from projections.positions import PositionWatcher, head_of_log
from projections.registry import projection_names

# What the export reads: the program, consent, and the members (names, e-mails, erasure).
READ_MODELS = ("ambassadors", "consent", "members")
MAX_TIER_CHARS = 50
STATUSES = ", ".join(s.value for s in ProgramStatus)
CHANNELS = ", ".join(c.value for c in Channel)


class ReadModelsBehind(Exception):
    """The read models did not reach the head of the log in time: exporting now could send
    someone whose consent was just withdrawn."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(f"the read models {', '.join(names)} are behind the log; try again")
        self.names = names


def ambassador_filter(
    status: str | None, tier: str | None, channel: str | None
) -> AmbassadorFilter:
    """The export's filter, checked: a program status (active if none), a tier, a channel."""
    found = AmbassadorFilter()
    if status is not None and status.strip():
        try:
            found = AmbassadorFilter(status=ProgramStatus(status.strip().lower()).value)
        except ValueError:
            raise ParamError(
                "status", f"{status!r} is not a status; use one of {STATUSES}"
            ) from None
    if tier is not None and tier.strip():
        tier = tier.strip()
        if len(tier) > MAX_TIER_CHARS or any(ord(c) < 32 for c in tier):
            reason = f"a tier has at most {MAX_TIER_CHARS} characters and no control ones"
            raise ParamError("tier", reason)
        found = AmbassadorFilter(found.status, tier, found.channel)
    if channel is not None and channel.strip():
        try:
            value = Channel(channel.strip().lower()).value
        except ValueError:
            raise ParamError(
                "channel", f"{channel!r} is not a channel; use one of {CHANNELS}"
            ) from None
        found = AmbassadorFilter(found.status, found.tier, value)
    return found


def wait_for_read_models(runtime: Runtime, watcher: PositionWatcher) -> None:
    """Wait until the read models the export reads have applied the whole log (bounded by
    CRM_READ_YOUR_WRITES_TIMEOUT); ReadModelsBehind otherwise. Only those this build runs."""
    head = head_of_log(runtime.pool)
    timeout = runtime.settings.read_your_writes_timeout
    running = set(projection_names())
    behind = [
        name
        for name in READ_MODELS
        if name in running and not watcher.wait_for(name, head, timeout)
    ]
    if behind:
        raise ReadModelsBehind(behind)


def exported_csv(
    runtime: Runtime,
    log: DisclosureLog,
    recipient: Recipient,
    where: AmbassadorFilter,
    at: datetime,
    recorded: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """The export's CSV chunks; the first comes once the disclosure is recorded.

    `recorded` learns how many rows the file will hold (for a progress bar).
    """
    engagement = runtime.settings.engagement_rule()

    def record(snapshot: Snapshot) -> None:
        log.record(
            DisclosureKind.MARKETING_AMBASSADORS,
            recipient,
            snapshot.member_ids,
            filter=where.as_record(),
            rule_versions=_rule_versions(engagement.version, snapshot.candidacy_rule),
        )
        if recorded is not None:
            recorded(len(snapshot.member_ids))

    export = AmbassadorExport(runtime.pool, personal_data(runtime), engagement)
    return export.csv(where, at, record)


def _rule_versions(engagement: str, candidacy: str | None) -> dict[str, str]:
    """The rules in force: the engagement score's, and the candidacy rule's if one ran."""
    versions = {"engagement": engagement}
    if candidacy is not None:
        versions["candidacy"] = candidacy
    return versions
