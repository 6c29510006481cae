"""Binary COPY into the log: new events only, with the notification ids they really got."""

from __future__ import annotations

from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from application.bulk_insert import copy_new_events
from application.recorder import CommunityRecorder
from application.runtime import Runtime
from tests.integration.conftest import rows

pytestmark = pytest.mark.integration

TOPIC = "crm.test.Copied"


def events(count: int, version: int = 1) -> list[StoredEvent]:
    """Events of new aggregates, each at this version."""
    return [StoredEvent(uuid4(), version, TOPIC, b'{"n": %d}' % n) for n in range(count)]


def test_copied_events_skip_stored_and_repeated_ones_and_report_their_positions(
    runtime: Runtime,
) -> None:
    recorder = runtime.community.recorder
    assert isinstance(recorder, CommunityRecorder)
    stored = events(3)
    recorder.insert_events(stored)
    later = [StoredEvent(e.originator_id, 2, TOPIC, b"{}") for e in stored[:2]]
    fresh = events(150)
    batch = [*fresh[:50], stored[1], *later, fresh[3], *fresh[50:]]
    with recorder.datastore.transaction(commit=True) as curs:
        recorder._lock_table(curs)
        inserted = copy_new_events(curs, recorder.events_table_name, batch)
    expected = [(e.originator_id, e.originator_version) for e in [*fresh[:50], *later, *fresh[50:]]]
    found = rows(
        runtime.database_url,
        "SELECT originator_id, originator_version, notification_id FROM community_events"
        " WHERE topic = %s AND NOT (originator_version = 1 AND originator_id = ANY(%s))"
        " ORDER BY notification_id",
        (TOPIC, [e.originator_id for e in stored]),
    )
    assert [(i, v) for i, v, _ in found] == expected
    assert inserted == [(i, n) for i, _, n in found]
