"""The lag benchmark's observer: every projection's position and the log's head, polled."""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass, field

from bench.harness import Bench
from projections.registry import projection_names

# The projection whose lag is measured; the others are reported beside it.
PROJECTION = "engagement"
POLL_PAUSE = 0.0003
HEAD = "head_of_log"
# Every projection's position and the head of the log, in one round trip.
OBSERVE = (
    "SELECT name, position FROM projection_positions"
    " UNION ALL SELECT %s, coalesce(max(notification_id), 0) FROM community_events"
)


@dataclass(frozen=True)
class Write:
    """One recorded batch: when the call started and returned, and its last notification."""

    started: float
    returned: float
    position: int
    records: int


@dataclass
class Track:
    """Times at which a monotonic value was first seen at each new level."""

    times: list[float] = field(default_factory=list)
    values: list[int] = field(default_factory=list)

    def see(self, at: float, value: int) -> None:
        """Keep the observation if the value moved."""
        if not self.values or value > self.values[-1]:
            self.times.append(at)
            self.values.append(value)

    def first_reached(self, value: int) -> float | None:
        """When the value was first seen at or above `value` (None: never)."""
        index = bisect.bisect_left(self.values, value)
        return self.times[index] if index < len(self.values) else None

    @property
    def last(self) -> int:
        """The highest value seen so far."""
        return self.values[-1] if self.values else 0


class Observer(threading.Thread):
    """Polls every projection's position and the head of the log on its own connection."""

    def __init__(self, bench: Bench) -> None:
        super().__init__(name="lag-observer", daemon=True)
        self.bench = bench
        self.tracks: dict[str, Track] = {name: Track() for name in [*projection_names(), HEAD]}
        self.polls = 0
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        """Poll until stopped; a failure is kept for the caller to raise."""
        try:
            with self.bench.connect() as conn:
                while not self.stopping.is_set():
                    rows = conn.execute(OBSERVE, (HEAD,), prepare=True).fetchall()
                    seen = time.perf_counter()
                    for name, position in rows:
                        if name in self.tracks:
                            self.tracks[name].see(seen, int(position))
                    self.polls += 1
                    time.sleep(POLL_PAUSE)
        except BaseException as error:  # noqa: BLE001 - reported by the caller
            self.error = error

    def stop(self) -> None:
        """End the loop and raise what it failed with, if anything."""
        self.stopping.set()
        self.join(10)
        if self.error is not None:
            raise RuntimeError(f"lag observer failed: {self.error}") from self.error

    @property
    def projection(self) -> Track:
        """The measured projection's track."""
        return self.tracks[PROJECTION]

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until every projection was seen at `position`; False after the timeout."""
        deadline = time.monotonic() + timeout
        while not self.polls or min(t.last for t in self.tracks.values()) < position:
            if time.monotonic() > deadline or self.error is not None:
                return False
            time.sleep(0.01)
        return True
