"""Activity spikes: days standing out from their trailing window, with their likely causes
and the causes managers gave them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from application.clock import Clock, utc_now
from application.health.reports import EARLIEST_AS_OF
from application.health.spike_ports import SpikeSources
from application.members.community import Community
from domain.errors import InvalidField, MemberNotFound
from domain.health import Cause, Spike, SpikeRule, likely_causes, spikes
from domain.health.annotations import AnnotateSpike, SpikeAnnotation, check_day
from domain.health.windows import Evidence, SpikeDays, SpikeNote

# Spikes are found per UTC day (the finest rollup): a one-day burst is diluted in a week.
MAX_DAYS = 3 * 366  # a span longer than this is refused (about 1,100 rows read)
THREADS = 5  # the threads and feedback items considered per spike, largest excess first


@dataclass(frozen=True)
class ExplainedSpike:
    """A spike with its likely causes, largest share first, and managers' annotations."""

    spike: Spike
    channel: str  # "" for all channels
    causes: list[Cause]
    annotations: list[SpikeNote]
    rule_version: str  # the SpikeRule that found it


@dataclass(frozen=True)
class SpikeAnnotated:
    """An annotation just recorded, and where its event landed in the log."""

    annotation: SpikeAnnotation
    position: int | None


class ActivitySpikes:
    """Finds spikes in the daily rollups with the configured rule, and records annotations."""

    def __init__(
        self,
        community: Community,
        sources: SpikeSources,
        rule: SpikeRule,
        clock: Clock = utc_now,
    ) -> None:
        self.community = community
        self.sources = sources
        self.rule = rule
        self.clock = clock

    def spikes(
        self, start: date, end: date, channel: str = "", as_of: date | None = None
    ) -> list[ExplainedSpike]:
        """The spikes of days in [start, end), oldest first, as known at the end of the UTC
        day `as_of` (None: now): interactions recorded later neither make nor explain one."""
        check_day(start, "from")
        check_day(end, "to")
        if end < start:
            raise InvalidField("to", "must not be before from")
        if (end - start).days > MAX_DAYS:
            raise InvalidField("to", f"must be at most {MAX_DAYS} days after from")
        if as_of is not None and not EARLIEST_AS_OF <= as_of <= self.clock().date():
            raise InvalidField("as_of", f"must be between {EARLIEST_AS_OF} and today")
        since = start - timedelta(days=self.rule.window)
        series = self.sources.daily(since, end, channel, as_of)
        found = [s for s in spikes(series, self.rule) if s.start >= start]
        notes: dict[date, list[SpikeNote]] = {}
        if found:
            for note in self.sources.annotations(found[0].start, end, channel):
                notes.setdefault(note.day, []).append(note)
        days = SpikeDays(tuple(s.start for s in found), self.rule.window, channel, as_of)
        evidence = self.sources.evidence(days, THREADS)
        return [
            ExplainedSpike(
                s,
                channel,
                _causes(s, evidence.get(s.start, Evidence())),
                notes.get(s.start, []),
                self.rule.version,
            )
            for s in found
        ]

    def annotate(self, command: AnnotateSpike) -> SpikeAnnotated:
        """Record a manager's cause for a day's activity (a spike or not: it may be one later)."""
        self._check_annotator(command)
        annotation = SpikeAnnotation.annotate(command)
        recordings = self.community.save(annotation)
        return SpikeAnnotated(annotation, recordings[-1].notification.id if recordings else None)

    def _check_annotator(self, command: AnnotateSpike) -> None:
        """The staff member named as annotator exists, is not erased, and is staff."""
        if command.by is None:
            return
        try:
            member = self.community.get_member(command.by)
        except MemberNotFound:
            raise InvalidField("by", "no member has this id") from None
        if member.is_erased or not member.is_staff:
            raise InvalidField("by", "must name a staff member who is not erased")

    def annotations(self, day: date, channel: str = "") -> list[SpikeNote]:
        """The annotations of a day on a channel ("": all channels), oldest first."""
        return list(self.sources.annotations(day, day + timedelta(days=1), channel))


def _causes(spike: Spike, evidence: Evidence) -> list[Cause]:
    """The likely causes of a spike from what its day carried."""
    return likely_causes(
        excess=spike.excess,
        channels=evidence.channels,
        threads=evidence.threads,
        newcomers=evidence.newcomers,
        feedback=evidence.feedback,
        events=evidence.events,
    )
