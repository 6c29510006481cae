"""The recordInteraction use case: the batch is written, then handed on with its report."""

from __future__ import annotations

from collections.abc import Sequence

from application.interactions.record import RecordInteractions
from application.interactions.recording import ACCEPTED, DUPLICATE, IngestReport
from application.members.community import Community
from domain.interactions.commands import RecordInteraction
from tests.unit.interactions.test_recording import member, record


class Reactions:
    """Remembers each batch handed on after recording, with its report (a fake, not a mock)."""

    def __init__(self) -> None:
        self.seen: list[tuple[list[RecordInteraction], list[str]]] = []

    def __call__(self, records: Sequence[RecordInteraction], report: IngestReport) -> None:
        """Keep the batch and what became of each record."""
        self.seen.append((list(records), list(report.outcomes)))


def test_each_batch_is_handed_on_after_it_is_written(community: Community) -> None:
    reactions = Reactions()
    recording = RecordInteractions(community, reactions)
    ada = member(community, "ada")
    first = record(member_id=ada, external_id="m-1")

    written = recording([first], create_unknown_members=False)
    assert written.outcomes == [ACCEPTED]
    assert recording([first], create_unknown_members=False).outcomes == [DUPLICATE]

    # Handed on after the write: the reaction sees the outcome the write decided.
    assert reactions.seen == [([first], [ACCEPTED]), ([first], [DUPLICATE])]
    (recorded,) = written.interaction_ids
    assert recorded is not None and community.repository.get(recorded).external_id == "m-1"
