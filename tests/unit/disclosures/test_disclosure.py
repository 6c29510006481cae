"""A Disclosure records one export: who, when, under which filter, whose data (ids only)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from application.disclosures import DisclosureLog, DisclosureNotFound, Recipient
from application.members.community import Community
from domain.disclosures import DataDisclosed, Disclosure, DisclosureKind
from domain.errors import InvalidField
from domain.members import commands as mc

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def _record(**overrides: object) -> Disclosure:
    values: dict[str, object] = {
        "kind": DisclosureKind.MARKETING_AMBASSADORS,
        "requested_by": "newsletter",
        "role": "marketing",
        "key_id": uuid4(),
        "at": NOW,
        "member_ids": [uuid4(), uuid4()],
        **overrides,
    }
    return Disclosure.record(**values)  # type: ignore[arg-type]


def test_a_record_names_members_by_id_once_each_and_counts_them() -> None:
    first, second = uuid4(), uuid4()
    disclosure = _record(member_ids=[first, second, first], filter={"tier": "gold"})
    assert disclosure.member_ids == [first, second]
    assert disclosure.row_count == 2
    assert disclosure.filter == {"tier": "gold"}
    (event,) = disclosure.collect_events()
    assert isinstance(event, DataDisclosed)
    assert event.TOPIC == "crm.disclosures.DataDisclosed"
    assert event.member_ids == [str(first), str(second)]


def test_an_empty_export_is_recorded_too() -> None:
    assert _record(member_ids=[]).row_count == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"requested_by": "  "}, "requested_by"),
        ({"requested_by": "x" * 201}, "requested_by"),
        ({"role": ""}, "role"),
        ({"at": datetime(2026, 11, 2, 9, 30)}, "at"),
    ],
)
def test_a_record_refuses_what_cannot_say_who_or_when(
    overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidField) as refused:
        _record(**overrides)
    assert refused.value.field == field


def test_the_log_records_through_the_community_and_replays(community: Community) -> None:
    member = community.join_member(mc.JoinMember(display_name="Ada")).member.id
    log = DisclosureLog(community)
    recipient = Recipient("crm-cli:ops", "cli")
    recorded = log.record(
        DisclosureKind.DATA_SUBJECT_ACCESS,
        recipient,
        [member],
        rule_versions={"engagement": "e-1"},
    )
    assert recorded.position is not None
    again = log.get(recorded.disclosure.id)
    assert again.member_ids == [member]
    assert again.kind is DisclosureKind.DATA_SUBJECT_ACCESS
    assert again.requested_by == "crm-cli:ops"
    assert again.key_id is None
    assert again.rule_versions == {"engagement": "e-1"}


def test_the_log_says_when_no_export_has_the_id(community: Community) -> None:
    log = DisclosureLog(community)
    with pytest.raises(DisclosureNotFound):
        log.get(uuid4())
    member = community.join_member(mc.JoinMember(display_name="Ada")).member.id
    with pytest.raises(DisclosureNotFound):
        log.get(member)  # a member is not an export
