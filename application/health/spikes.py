"""Activity spikes: days standing out from their trailing window, with their likely causes
and the causes managers gave them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from application.health.spike_ports import SpikeSources
from application.members.community import Community
from domain.errors import InvalidField, MemberNotFound
from domain.health import Cause, Spike, SpikeRule, likely_causes, spikes
from domain.health.annotations import AnnotateSpike, SpikeAnnotation, check_day
from domain.health.windows import SpikeNote, SpikeWindow

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

    def __init__(self, community: Community, sources: SpikeSources, rule: SpikeRule) -> None:
        self.community = community
        self.sources = sources
        self.rule = rule

    def spikes(self, start: date, end: date, channel: str = "") -> list[ExplainedSpike]:
        """The spikes of days in [start, end), oldest first."""
        check_day(start, "from")
        check_day(end, "to")
        if end < start:
            raise InvalidField("to", "must not be before from")
        if (end - start).days > MAX_DAYS:
            raise InvalidField("to", f"must be at most {MAX_DAYS} days after from")
        since = start - timedelta(days=self.rule.window)
        series = self.sources.daily(since, end, channel)
        found = [s for s in spikes(series, self.rule) if s.start >= start]
        notes: dict[date, list[SpikeNote]] = {}
        if found:
            for note in self.sources.annotations(found[0].start, end, channel):
                notes.setdefault(note.day, []).append(note)
        return [
            ExplainedSpike(
                s, channel, self._causes(s, channel), notes.get(s.start, []), self.rule.version
            )
            for s in found
        ]

    def _causes(self, spike: Spike, channel: str) -> list[Cause]:
        window = SpikeWindow(spike.start, spike.start - timedelta(days=self.rule.window), channel)
        return likely_causes(
            excess=spike.excess,
            # On one channel, the channel itself explains nothing: its threads do.
            channels=self.sources.channels(window) if not channel else (),
            threads=self.sources.threads(window, THREADS),
            newcomers=self.sources.newcomers(window),
            feedback=self.sources.feedback(window, THREADS),
            events=self.sources.events(window),
        )

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
