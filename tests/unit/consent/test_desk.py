"""The consent desk on an in-memory Community: texts once, give, withdraw, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from application.consent.desk import ConsentDesk
from application.members.community import Community
from domain.consent import (
    ConsentPurpose,
    ConsentRecord,
    ConsentTextAlreadyRegistered,
    UnknownConsentText,
    holds,
    latest,
)
from domain.consent.commands import RegisterConsentText
from domain.errors import InvalidField, MemberIsErased, MemberNotFound
from domain.members import commands as mc
from domain.members.consents import GiveConsent, WithdrawConsent
from domain.members.member import Member
from domain.moments import MomentInTheFuture, MomentTooEarly

MAIL = ConsentPurpose.MARKETING_EMAIL
WORDING = "Yes, send me the community newsletter by e-mail."


@pytest.fixture
def desk(community: Community) -> ConsentDesk:
    desk = ConsentDesk(community)
    desk.register_text(RegisterConsentText(purpose=MAIL, version="v1", text=WORDING))
    return desk


def member(desk: ConsentDesk, *, staff: bool = False) -> UUID:
    community = desk.community
    member_id = community.join_member(mc.JoinMember(display_name="Someone")).member.id
    if staff:
        community.mark_member_as_staff(mc.MarkMemberAsStaff(member_id=member_id))
    return member_id


def give(desk: ConsentDesk, member_id: UUID, **fields: Any) -> Member:
    command = {"member_id": member_id, "purpose": "marketing_email", "text_version": "v1"}
    return desk.give(GiveConsent(**({"source": "form"} | command | fields))).member


def consent_events(desk: ConsentDesk, member_id: UUID) -> list[Any]:
    kinds = (Member.ConsentGiven, Member.ConsentWithdrawn)
    return [e for e in desk.community.member_history(member_id) if isinstance(e, kinds)]


def test_giving_records_the_proof_on_the_member(desk: ConsentDesk) -> None:
    someone, staff = member(desk), member(desk, staff=True)
    at, key = datetime.now(UTC) - timedelta(days=2), uuid4()
    ends = at + timedelta(days=365)
    give(
        desk,
        someone,
        source="staff",
        at=at,
        expires_at=ends,
        recorded_by=staff,
        recorded_with=key,
        note="asked at the meetup",
    )
    (event,) = consent_events(desk, someone)
    assert type(event) is Member.ConsentGiven
    text = desk.get_text(MAIL, "v1")
    assert (event.purpose, event.source, event.text_version) == ("marketing_email", "staff", "v1")
    assert (event.text_sha256, event.at, event.expires_at) == (text.sha256, at, ends)
    assert (event.recorded_by, event.recorded_with, event.note) == (
        staff,
        key,
        "asked at the meetup",
    )


def test_withdrawing_needs_no_text_and_the_latest_answer_wins(desk: ConsentDesk) -> None:
    someone = member(desk)
    give(desk, someone)
    desk.withdraw(WithdrawConsent(member_id=someone, purpose=MAIL, source="form"))
    give(desk, someone)
    desk.withdraw(WithdrawConsent(member_id=someone, purpose=MAIL, source="form"))
    events = consent_events(desk, someone)
    assert [type(e) for e in events] == [Member.ConsentGiven, Member.ConsentWithdrawn] * 2
    records = [
        ConsentRecord(ConsentPurpose(e.purpose), type(e) is Member.ConsentGiven, e.at, i)
        for i, e in enumerate(events)
    ]
    assert not holds(latest(records).get(MAIL), datetime.now(UTC))


def test_a_withdrawal_with_nothing_on_record_is_recorded_anyway(desk: ConsentDesk) -> None:
    someone = member(desk)
    change = desk.withdraw(WithdrawConsent(member_id=someone, purpose="case_study", source="staff"))
    assert change.position is not None
    (event,) = consent_events(desk, someone)
    assert type(event) is Member.ConsentWithdrawn and event.purpose == "case_study"


def test_a_text_version_is_registered_once(desk: ConsentDesk) -> None:
    again = RegisterConsentText(purpose=MAIL, version="v1", text=WORDING)
    with pytest.raises(ConsentTextAlreadyRegistered):
        desk.register_text(again)
    other = RegisterConsentText(purpose=MAIL, version="v1", text="Other wording")
    with pytest.raises(ConsentTextAlreadyRegistered):
        desk.register_text(other)
    assert desk.get_text(MAIL, "v1").text == WORDING
    # The same version label of another purpose is another text.
    desk.register_text(RegisterConsentText(purpose="case_study", version="v1", text="Case"))


def test_giving_refuses_an_unknown_text_version_naming_it(desk: ConsentDesk) -> None:
    someone = member(desk)
    for purpose, version in (("marketing_email", "v2"), ("public_listing", "v1")):
        with pytest.raises(UnknownConsentText) as refused:
            give(desk, someone, purpose=purpose, text_version=version)
        assert refused.value.field == "text_version"
    assert consent_events(desk, someone) == []


def test_giving_and_withdrawing_refuse_an_erased_or_unknown_member(desk: ConsentDesk) -> None:
    someone = member(desk)
    desk.community.erase_member(mc.EraseMember(member_id=someone))
    with pytest.raises(MemberIsErased):
        give(desk, someone)
    with pytest.raises(MemberIsErased):
        desk.withdraw(WithdrawConsent(member_id=someone, purpose=MAIL, source="form"))
    with pytest.raises(MemberNotFound):
        give(desk, uuid4())


@pytest.mark.parametrize(
    ("at", "error"),
    [
        (datetime(1989, 12, 31, tzinfo=UTC), MomentTooEarly),
        (datetime.now(UTC) + timedelta(days=1), MomentInTheFuture),
    ],
)
def test_moments_out_of_bounds_are_refused_naming_at(
    desk: ConsentDesk, at: datetime, error: type[Exception]
) -> None:
    someone = member(desk)
    with pytest.raises(error) as refused:
        give(desk, someone, at=at)
    assert getattr(refused.value, "field", None) == "at"
    with pytest.raises(error):
        desk.withdraw(WithdrawConsent(member_id=someone, purpose=MAIL, source="form", at=at))


def test_an_expiry_not_after_the_consent_is_refused(desk: ConsentDesk) -> None:
    someone, at = member(desk), datetime.now(UTC) - timedelta(days=1)
    with pytest.raises(InvalidField) as refused:
        give(desk, someone, at=at, expires_at=at)
    assert refused.value.field == "expires_at"


def test_the_recorder_must_be_a_staff_member(desk: ConsentDesk) -> None:
    someone, other = member(desk), member(desk)
    for recorder in (other, uuid4()):
        with pytest.raises(InvalidField) as refused:
            give(desk, someone, recorded_by=recorder)
        assert refused.value.field == "recorded_by"
    assert consent_events(desk, someone) == []
