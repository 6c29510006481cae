"""A runner's page of the log: the statements that read it, and its rows decoded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import Mapper, StoredEvent

from projections.plain_events import plain
from projections.positions import EVENTS_TABLE
from projections.projection import LoggedEvents

# The page's events of the wanted topics, in log order, then one last row: the page's
# last notification id and how many notifications it holds. The position moves past
# the whole page, while rows of other topics never leave the database.
SELECT_PAGE = f"""
WITH page AS MATERIALIZED (
    SELECT notification_id, originator_id, originator_version, topic, state
    FROM {EVENTS_TABLE} WHERE notification_id > %s ORDER BY notification_id LIMIT %s
)
SELECT * FROM (
    SELECT notification_id, originator_id, originator_version, topic, state FROM page
    WHERE topic = ANY(%s)
    UNION ALL
    SELECT max(notification_id), NULL, count(*), NULL, NULL FROM page
) AS rows ORDER BY topic IS NULL, notification_id
"""
# A rebuild's page for a projection that reads its plain events in SQL: the others only.
SELECT_REPLAY_PAGE = f"""
WITH page AS MATERIALIZED (
    SELECT notification_id, originator_id, originator_version, topic, state
    FROM {EVENTS_TABLE} WHERE notification_id > %(after)s ORDER BY notification_id
    LIMIT %(limit)s
)
SELECT * FROM (
    SELECT notification_id, originator_id, originator_version, topic, state FROM page
    WHERE topic = ANY(%(topics)s) AND NOT ({plain("page")})
    UNION ALL
    SELECT max(notification_id), NULL, count(*), NULL, NULL FROM page
) AS rows ORDER BY topic IS NULL, notification_id
"""


def decode_rows(mapper: Mapper[Any], rows: Sequence[tuple[Any, ...]]) -> LoggedEvents:
    """The rows' domain events, each with its notification id (see LoggedEvents)."""
    stored = [StoredEvent(r[1], r[2], r[3], bytes(r[4])) for r in rows]
    decode_page = getattr(mapper, "to_domain_events", None)
    if decode_page is not None:  # one key-store query per page, not one per member
        events = list(decode_page(stored))
    else:
        events = [mapper.to_domain_event(s) for s in stored]
    return LoggedEvents(events, (r[0] for r in rows))
