"""A person's access request (GDPR Art. 15): their document from every context, recorded.

The disclosures read model holds what most contexts keep on a person; contexts it may not
read (outreach's staff notes, motivations, tasks and contacts) hand their sections in
through the SubjectRecords port, wired in the composition layer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol
from uuid import UUID

from application.disclosures.recording import DisclosureLog, Recipient
from domain.disclosures import DisclosureKind

Document = dict[str, Any]


class SubjectDocument(Protocol):
    """The person's document as the disclosures read model holds it
    (projections/disclosures/data_subject.py)."""

    def document(self, member_id: UUID) -> Document | None:
        """The document; None when no member has this id; only `erased` and when, once
        erased."""


class SubjectRecords(Protocol):
    """Another context's records about the person: its sections of the document, with
    every text opened under the person's key."""

    def about(self, member_id: UUID) -> Mapping[str, Any]:
        """The sections by their name in the document (camelCase), each JSON-ready."""


class SubjectAccess:
    """Everything held on one person, then the access recorded as a disclosure."""

    def __init__(
        self, documents: SubjectDocument, log: DisclosureLog, records: Sequence[SubjectRecords]
    ) -> None:
        self.documents = documents
        self.log = log
        self.records = tuple(records)

    def export(self, member_id: UUID, recipient: Recipient) -> Document | None:
        """The person's whole document with its `export` (id and time of the record); None
        for an unknown id. An erased person's is not recorded: nothing is disclosed."""
        document = self.documents.document(member_id)
        if document is None or document["erased"]:
            return document
        for records in self.records:
            document |= records.about(member_id)
        recorded = self.log.record(DisclosureKind.DATA_SUBJECT_ACCESS, recipient, [member_id])
        document["export"] = {
            "exportId": str(recorded.disclosure.id),
            "at": recorded.disclosure.at,
        }
        return document
