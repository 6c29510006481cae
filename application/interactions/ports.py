"""What the interaction use cases hand on: ports the composition root wires to other contexts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from application.interactions.recording import IngestReport
from domain.interactions.commands import InteractionFields


class AfterRecording(Protocol):
    """Runs after each batch of interactions is written (the lifecycle's returns, in the app)."""

    def __call__(self, records: Sequence[InteractionFields], report: IngestReport) -> object:
        """React to the batch just written and to its report."""
        ...


class InteractionRecorder(Protocol):
    """The event-sourced application that records a batch of interactions in one transaction."""

    def record_interactions(
        self, records: Sequence[InteractionFields], *, create_unknown_members: bool
    ) -> IngestReport:
        """Record the batch, each (channel, external id) once ever; what became of each."""
        ...
