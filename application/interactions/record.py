"""Recording interactions as one use case: write the batch, then let other contexts react."""

from __future__ import annotations

from collections.abc import Sequence

from application.interactions.ports import AfterRecording, InteractionRecorder
from application.interactions.recording import IngestReport
from domain.interactions.commands import InteractionFields


class RecordInteractions:
    """Records a batch in one transaction, then hands it on (quiet members come back)."""

    def __init__(self, community: InteractionRecorder, after_batch: AfterRecording) -> None:
        self.community = community
        self.after_batch = after_batch

    def __call__(
        self, records: Sequence[InteractionFields], *, create_unknown_members: bool
    ) -> IngestReport:
        """What became of each record, once the batch and its consequences are recorded."""
        report = self.community.record_interactions(
            records, create_unknown_members=create_unknown_members
        )
        self.after_batch(records, report)
        return report
