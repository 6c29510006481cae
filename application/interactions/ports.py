"""What the interaction use cases hand on: ports the composition root wires to other contexts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from application.interactions.recording import IngestReport
from domain.interactions.commands import RecordInteraction


class AfterRecording(Protocol):
    """Runs after each batch of interactions is written (the lifecycle's returns, in the app)."""

    def __call__(self, records: Sequence[RecordInteraction], report: IngestReport) -> object:
        """React to the batch just written and to its report."""
        ...
