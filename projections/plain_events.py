"""A rebuild's plain events: read in SQL straight from the log, never decoded in Python.

Nine events in ten are interactions that carry nothing sealed. A projection that names
their topic in `Projection.plain_topics` receives, on a rebuild's page, only the other
events decoded, with the page's span of the log; it reads the plain ones itself, set-based,
with PLAIN_INTERACTIONS. A row that SQL cannot read as the Python path would (a missing
field, an instant Python cannot hold) fails the page as poison: the engine then applies it
again in parts through the Python path, which parks exactly the events it always parked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domain.interactions.interaction import Interaction
from projections.positions import EVENTS_TABLE
from projections.projection import LoggedEvents, notification_ids

# The state key of sealed personal fields (application/mapper.py SEALED), as stored. A state
# with these bytes anywhere is decoded in Python, which opens it with its member's key (a
# value that merely looks like the key only costs a decode).
SEALED_MARK = b'"_personal"'
_SEALED_BYTES = "'\\x" + SEALED_MARK.hex() + "'::bytea"


def plain(alias: str) -> str:
    """Which of a span's events (rows of `alias`) a projection reads in SQL: of its plain
    topics and, unless it reads sealed ones too (needing none of their sealed fields),
    nothing sealed. The engine leaves these out of the page it decodes."""
    return (
        f"{alias}.topic = ANY(%(plain)s)"
        f" AND (%(sealed_too)s OR position({_SEALED_BYTES} IN {alias}.state) = 0)"
    )


_RECORDED_FIELDS = (
    "member_id",
    "channel",
    "kind",
    "occurred_at",
    "external_id",
    "thread_ref",
    "timestamp",
)
# A span's plain interactions as Interaction.Recorded holds them: n notification id,
# i interaction id, m member, c channel, k kind, o occurred_at, x external id,
# t thread_ref, r recorded (the event's timestamp).
PLAIN_INTERACTIONS = f"""
SELECT n, i, (s->'member_id'->>'_data_')::uuid AS m, s->>'channel' AS c, s->>'kind' AS k,
    (s->'occurred_at'->>'_data_')::timestamptz AS o, s->>'external_id' AS x,
    s->>'thread_ref' AS t, (s->'timestamp'->>'_data_')::timestamptz AS r
FROM (
    SELECT e.notification_id AS n, e.originator_id AS i, convert_from(e.state, 'UTF8')::jsonb AS s
    FROM {EVENTS_TABLE} e
    WHERE e.notification_id > %(after)s AND e.notification_id <= %(upto)s
        AND e.topic = '{Interaction.Recorded.TOPIC}' AND {plain("e")}
    OFFSET 0  -- each state parsed once, not once per field read
) AS j
WHERE s ?& ARRAY{list(_RECORDED_FIELDS)}::text[]
    OR crm_replay_refused(n, 'an interaction without all its fields')
"""


@dataclass(frozen=True)
class LogSpan:
    """Notifications after `after`, up to and including `upto`: a page, or part of one."""

    after: int
    upto: int

    def parameters(self, plain: Sequence[str], *, sealed_too: bool = False) -> dict[str, Any]:
        """What PLAIN_INTERACTIONS (and `plain`) take for this span."""
        return {
            "after": self.after,
            "upto": self.upto,
            "plain": list(plain),
            "sealed_too": sealed_too,
        }


def spans_between(
    events: Sequence[Any], span: LogSpan, kinds: tuple[type, ...]
) -> list[tuple[LogSpan, LoggedEvents, Any]]:
    """The span cut at each event of `kinds`: (the span before it, the decoded events in
    that span, that event or None). The cut event's own notification is its span's end."""
    ids = notification_ids(events)
    cut: list[tuple[LogSpan, LoggedEvents, Any]] = []
    after, run, run_ids = span.after, list[Any](), list[int]()
    for event, notification in zip(events, ids, strict=True):
        if type(event) in kinds:
            cut.append((LogSpan(after, notification), LoggedEvents(run, run_ids), event))
            after, run, run_ids = notification, list[Any](), list[int]()
        else:
            run.append(event)
            run_ids.append(notification)
    cut.append((LogSpan(after, span.upto), LoggedEvents(run, run_ids), None))
    return cut
