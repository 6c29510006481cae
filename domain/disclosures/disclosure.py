"""The Disclosure aggregate: one export of members' data, who received it, and when.

One record per export, never changed afterwards: the answer to "who received this person's
data, and when". It names members by id only (no contact data), so once a member is erased
their entry says only that an erased member was in it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

from domain.errors import InvalidField

MAX_REQUESTER = 200


class DisclosureKind(StrEnum):
    """What was exported, and why; stored by value."""

    # Marketing's list of consenting ambassadors (GET /exports/ambassadors.csv).
    MARKETING_AMBASSADORS = "marketing_ambassadors"
    # Everything held on one person, for that person (GDPR Art. 15).
    DATA_SUBJECT_ACCESS = "data_subject_access"


class DataDisclosed(Aggregate.Created):
    """Members' data left the CRM: to whom, when, under which filter and rules, whose data.

    Member ids are kept as text: an export of 100k members stays a 4 MB event, where the
    library's typed uuids would take twice as much.
    """

    TOPIC: ClassVar[str] = "crm.disclosures.DataDisclosed"
    kind: str
    requested_by: str
    role: str
    key_id: UUID | None
    at: datetime
    filter: dict[str, Any]
    rule_versions: dict[str, str]
    row_count: int
    member_ids: list[str]


register_topic(DataDisclosed.TOPIC, DataDisclosed)


class Disclosure(Aggregate):
    """One export of members' data, recorded as it happened and never changed."""

    TOPIC = "crm.disclosures.Disclosure"

    class Created(Aggregate.Created):
        """The library's default creation event, pinned so that its topic never moves."""

        TOPIC = "crm.disclosures.Created"

    @classmethod
    def record(
        cls,
        *,
        kind: DisclosureKind,
        requested_by: str,
        role: str,
        key_id: UUID | None,
        at: datetime,
        member_ids: Sequence[UUID | str],
        filter: Mapping[str, Any] | None = None,
        rule_versions: Mapping[str, str] | None = None,
        export_id: UUID | None = None,
    ) -> Disclosure:
        """A new record of an export; every member (by id, or its text) counted once, in
        the order given."""
        requested_by = requested_by.strip()
        if not requested_by:
            raise InvalidField("requested_by", "must name who received the data")
        if len(requested_by) > MAX_REQUESTER:
            raise InvalidField("requested_by", f"must be at most {MAX_REQUESTER} characters")
        if not role.strip():
            raise InvalidField("role", "must not be empty")
        if at.tzinfo is None:
            raise InvalidField("at", "must carry a time zone")
        members = list(dict.fromkeys(str(m) for m in member_ids))
        return cls._create(
            DataDisclosed,
            id=export_id or uuid4(),
            kind=kind.value,
            requested_by=requested_by,
            role=role,
            key_id=key_id,
            at=at,
            filter=dict(filter or {}),
            rule_versions=dict(rule_versions or {}),
            # Ids, not rows: the export's row count is the number of members in it.
            row_count=len(members),
            member_ids=members,
        )

    def __init__(
        self,
        *,
        kind: str,
        requested_by: str,
        role: str,
        key_id: UUID | None,
        at: datetime,
        filter: dict[str, Any],
        rule_versions: dict[str, str],
        row_count: int,
        member_ids: list[str],
    ) -> None:
        self.kind = DisclosureKind(kind)
        self.requested_by = requested_by
        self.role = role
        self.key_id = key_id
        self.at = at
        self.filter = filter
        self.rule_versions = rule_versions
        self.row_count = row_count
        # As text until asked for: an export of 100k members records without parsing them.
        self._member_ids = member_ids

    @property
    def member_ids(self) -> list[UUID]:
        """The members whose data the export held, in the order recorded."""
        return [UUID(m) for m in self._member_ids]
