"""Recording a disclosure through the Community, the one event store: who received whose data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from application.members.community import Community
from domain.disclosures import Disclosure, DisclosureKind
from domain.errors import DomainError


class DisclosureNotFound(DomainError):
    """No export was recorded under this id."""

    code = "DISCLOSURE_NOT_FOUND"

    def __init__(self, export_id: UUID) -> None:
        super().__init__(f"no export with id {export_id}")
        self.export_id = export_id


@dataclass(frozen=True)
class Recipient:
    """Who receives the data: an API key's name, role and id, or a CLI operator (no key)."""

    name: str
    role: str
    key_id: UUID | None = None


@dataclass(frozen=True)
class Recorded:
    """A disclosure as recorded, and where its event landed in the log."""

    disclosure: Disclosure
    position: int | None


class DisclosureLog:
    """Records each export of members' data before the data leaves (see record)."""

    def __init__(self, community: Community) -> None:
        self.community = community

    def record(
        self,
        kind: DisclosureKind,
        recipient: Recipient,
        member_ids: Sequence[UUID | str],
        *,
        filter: Mapping[str, Any] | None = None,
        rule_versions: Mapping[str, str] | None = None,
    ) -> Recorded:
        """Record that these members' data goes to the recipient now.

        Called once the member set is fixed and before any row is sent, so that the record
        exists whatever happens to the download: a record may name a file that was never
        fully received, never the reverse.
        """
        disclosure = Disclosure.record(
            kind=kind,
            requested_by=recipient.name,
            role=recipient.role,
            key_id=recipient.key_id,
            at=self.community.clock(),
            member_ids=member_ids,
            filter=filter,
            rule_versions=rule_versions,
        )
        recordings = self.community.save(disclosure)
        position = recordings[-1].notification.id if recordings else None
        return Recorded(disclosure, position)

    def get(self, export_id: UUID) -> Disclosure:
        """A recorded export, replayed from its event; DisclosureNotFound otherwise."""
        try:
            found: Aggregate = self.community.repository.get(export_id)
        except AggregateNotFoundError:
            raise DisclosureNotFound(export_id) from None
        if not isinstance(found, Disclosure):
            raise DisclosureNotFound(export_id)
        return found
