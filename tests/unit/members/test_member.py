"""The Member aggregate's rules, without any database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import (
    IdentityNotLinked,
    InvalidField,
    MemberAlreadyLeft,
    MemberHasNotLeft,
    MemberIsErased,
)
from domain.lifecycle.stages import Assessment, Evidence, Stage
from domain.members.member import Member
from domain.members.membership import ACTIVE, ERASED, LEFT

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def new_member(**overrides: object) -> Member:
    """A member who joined a year before NOW."""
    values: dict[str, object] = {
        "display_name": "Ada Lovelace",
        "email": "ada@example.org",
        "joined_at": NOW - timedelta(days=365),
        "source_channel": "discord",
        "attributes": {"city": "London"},
        "now": NOW,
    }
    values.update(overrides)
    return Member.join(**values)  # type: ignore[arg-type]


def event_names(member: Member) -> list[str]:
    """Names of the events the member has pending."""
    return [type(e).__name__ for e in member.collect_events()]


def test_join_records_one_event_with_the_profile() -> None:
    member = new_member()
    assert (member.display_name, member.status, member.version) == ("Ada Lovelace", ACTIVE, 1)
    assert event_names(member) == ["Joined"]


def test_join_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidField) as refused:
        new_member(joined_at=NOW + timedelta(hours=1))
    assert refused.value.field == "joined_at"


def test_a_little_clock_skew_is_tolerated() -> None:
    assert new_member(joined_at=NOW + timedelta(minutes=2)).joined_at > NOW


def test_profile_update_records_only_real_changes() -> None:
    member = new_member()
    member.collect_events()
    member.update_profile({"display_name": "Ada Lovelace", "attributes": {"city": "London"}})
    assert event_names(member) == []
    member.update_profile({"email": None, "attributes": {"city": None, "company": "Analytical"}})
    events = member.collect_events()
    assert [type(e).__name__ for e in events] == ["ProfileUpdated"]
    assert events[0].changes == {
        "email": None,
        "attributes": {"city": None, "company": "Analytical"},
    }
    assert member.email is None
    assert member.attributes == {"company": "Analytical"}


def test_identities_compare_without_case_or_at_sign() -> None:
    member = new_member()
    member.link_identity("github", "AdaL")
    member.link_identity("github", "@adal")
    assert member.identities == [["github", "AdaL"]]
    assert member.holds_identity("github", "ADAL")
    assert not member.holds_identity("discord", "adal")


def test_unlink_returns_the_stored_handle_and_refuses_unknown_ones() -> None:
    member = new_member()
    member.link_identity("slack", "Ada.L")
    assert member.unlink_identity("slack", "ada.l") == "Ada.L"
    assert member.identities == []
    with pytest.raises(IdentityNotLinked):
        member.unlink_identity("slack", "ada.l")


def test_tags_are_idempotent_and_sorted() -> None:
    member = new_member()
    member.collect_events()
    for tag in ("speaker", "beta", "speaker"):
        member.tag(tag)
    member.untag("absent")
    assert member.tags == ["beta", "speaker"]
    assert event_names(member) == ["Tagged", "Tagged"]


def test_staff_and_bot_flags_record_changes_only() -> None:
    member = new_member()
    member.collect_events()
    member.mark_as_staff(True)
    member.mark_as_staff(True)
    member.mark_as_bot(False)
    member.mark_as_staff(False)
    assert event_names(member) == ["MarkedAsStaff", "UnmarkedAsStaff"]
    assert not member.is_staff and not member.is_bot


def test_leave_and_rejoin_follow_the_lifecycle() -> None:
    member = new_member()
    with pytest.raises(MemberHasNotLeft):
        member.rejoin(rejoined_at=NOW, now=NOW)
    member.leave(left_at=NOW - timedelta(days=10), reason="moved on", now=NOW)
    assert (member.status, member.left_at) == (LEFT, NOW - timedelta(days=10))
    with pytest.raises(MemberAlreadyLeft):
        member.leave(left_at=NOW, reason=None, now=NOW)
    with pytest.raises(InvalidField):
        member.rejoin(rejoined_at=NOW - timedelta(days=20), now=NOW)
    member.rejoin(rejoined_at=NOW, now=NOW)
    assert (member.status, member.left_at) == (ACTIVE, None)


def test_cannot_leave_before_joining() -> None:
    member = new_member()
    with pytest.raises(InvalidField) as refused:
        member.leave(left_at=member.joined_at - timedelta(days=1), reason=None, now=NOW)
    assert refused.value.field == "left_at"


def test_erasure_wipes_personal_data_and_closes_the_record() -> None:
    member = new_member()
    member.link_identity("discord", "ada")
    member.erase()
    assert member.status == ERASED
    assert (member.display_name, member.email, member.attributes, member.identities) == (
        None,
        None,
        {},
        [],
    )
    for command in (
        lambda: member.update_profile({"display_name": "X"}),
        lambda: member.link_identity("github", "x"),
        lambda: member.tag("x"),
        lambda: member.leave(left_at=NOW, reason=None, now=NOW),
        member.erase,
    ):
        with pytest.raises(MemberIsErased):
            command()


def test_personal_fields_are_declared_on_events() -> None:
    assert set(Member.Joined.PERSONAL_FIELDS) == {"display_name", "email", "attributes"}
    assert Member.IdentityLinked.PERSONAL_FIELDS == ("handle",)
    assert Member.Tagged.PERSONAL_FIELDS == ()


def test_every_event_has_a_pinned_topic() -> None:
    events = [
        v for v in vars(Member).values() if isinstance(v, type) and issubclass(v, Member.Event)
    ]
    topics = [e.TOPIC for e in events if e is not Member.Event]
    assert len(topics) == len(set(topics)) >= 14
    assert all(t.startswith("crm.member.") for t in topics)


def assessment(stage: Stage) -> Assessment:
    """An assessment with some evidence."""
    evidence = Evidence(7.0, 1.0, NOW - timedelta(days=3), 3, 4.5)
    return Assessment(stage, evidence, "stages-test", "because")


def test_stage_changes_are_recorded_once_with_their_evidence() -> None:
    member = new_member()
    member.collect_events()
    assert member.change_stage(assessment(Stage.AT_RISK), NOW)
    assert not member.change_stage(assessment(Stage.AT_RISK), NOW + timedelta(days=1))
    (event,) = member.collect_events()
    assert (event.stage, event.previous, event.effective_at) == ("at_risk", None, NOW)
    assert event.evidence["baseline_weekly"] == 7.0 and event.rule_version == "stages-test"
    assert (member.stage, member.stage_since) == ("at_risk", NOW)


def test_stages_move_forward_in_time_only_and_leaving_sets_the_stage() -> None:
    member = new_member()
    member.change_stage(assessment(Stage.ACTIVE), NOW)
    with pytest.raises(InvalidField):
        member.change_stage(assessment(Stage.AT_RISK), NOW - timedelta(days=1))
    member.leave(left_at=NOW, reason=None, now=NOW)
    assert member.stage == "left"
    assert not member.change_stage(assessment(Stage.ACTIVE), NOW + timedelta(days=1))
    member.rejoin(rejoined_at=NOW, now=NOW)
    assert (member.stage, member.stage_since) == ("returning", NOW)
