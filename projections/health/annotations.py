"""The `health_annotations` projection: the causes managers gave to activity spikes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from psycopg import Cursor

from domain.health.annotations import SpikeAnnotation
from projections.projection import Projection, notification_ids

INSERT = """
INSERT INTO health_annotations (annotation_id, day, channel, cause, annotated_by,
    recorded_with, at, position)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (annotation_id) DO NOTHING
"""


class HealthAnnotationsProjection(Projection):
    """Annotations by day and channel, shown on the spikes they explain."""

    name: ClassVar[str] = "health_annotations"
    tables: ClassVar[tuple[str, ...]] = ("health_annotations",)
    topics: ClassVar[frozenset[str]] = frozenset({SpikeAnnotation.Annotated.TOPIC})

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Insert each annotation once (an annotation is never changed)."""
        for event, position in zip(events, notification_ids(events), strict=True):
            if type(event) is not SpikeAnnotation.Annotated:
                continue
            cursor.execute(
                INSERT,
                (
                    event.originator_id,
                    event.day,
                    event.channel,
                    event.cause,
                    event.by,
                    event.recorded_with,
                    event.timestamp,
                    position,
                ),
            )
