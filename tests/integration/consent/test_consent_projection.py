"""The consent read model on PostgreSQL: texts once, latest answer wins, notes sealed, erasure."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from api.bootstrap import personal_data
from api.projection_wiring import build_runners
from application.consent.desk import ConsentDesk
from application.runtime import Runtime
from domain.consent import ConsentPurpose, ConsentTextAlreadyRegistered, text_digest
from domain.consent.commands import RegisterConsentText
from domain.members import commands as mc
from domain.members.consents import GiveConsent, WithdrawConsent
from projections.consent import consent_holds
from projections.consent.queries import ConsentQueries
from tests.integration.conftest import rows, scalar
from tests.integration.members.test_erasure import raw_event_hits

pytestmark = pytest.mark.integration

MAIL = ConsentPurpose.MARKETING_EMAIL
NOW = datetime.now(UTC)


def project(runtime: Runtime) -> None:
    """Bring the consent projection (and the others) to the head of the log."""
    for runner in build_runners(runtime, batch_size=50):
        if runner.name in ("consent", "members"):
            runner.catch_up()


def setup(runtime: Runtime, wording: str = "Yes, e-mail me the newsletter.") -> ConsentDesk:
    desk = ConsentDesk(runtime.community)
    desk.register_text(RegisterConsentText(purpose=MAIL, version="v1", text=wording))
    return desk


def joined(runtime: Runtime) -> UUID:
    return runtime.community.join_member(mc.JoinMember(display_name="Someone")).member.id


def give(desk: ConsentDesk, member: UUID, **fields: object) -> None:
    base = {"member_id": member, "purpose": MAIL, "text_version": "v1", "source": "form"}
    desk.give(GiveConsent(**(base | fields)))  # type: ignore[arg-type]


def holding(runtime: Runtime, at: datetime) -> set[UUID]:
    """Members whose marketing consent holds at `at`, by the exported SQL predicate."""
    query = b"SELECT m.member_id FROM members m WHERE " + consent_holds().as_bytes(None)
    found = rows(runtime.database_url, query.decode(), {"purpose": MAIL.value, "at": at})  # type: ignore[arg-type]
    return {member for (member,) in found}


def sealed_note_hits(url: str, mark: str) -> int:
    """Notes whose stored bytes hold the mark in plaintext (the full scan of every table
    after erasure is tests/integration/members/test_erasure.py's, with a consent note)."""
    query = (
        "SELECT count(*) FROM consent_history WHERE strpos(encode(sealed_note, 'escape'), %s) > 0"
    )
    return int(scalar(url, query, (mark,)))


def test_the_text_is_stored_once_however_many_members_agree_to_it(runtime: Runtime) -> None:
    wording = f"Consent wording {uuid.uuid4().hex}"
    desk = setup(runtime, wording)
    members = [joined(runtime) for _ in range(3)]
    for member in members:
        give(desk, member)
    with pytest.raises(ConsentTextAlreadyRegistered):
        desk.register_text(RegisterConsentText(purpose=MAIL, version="v1", text="Other"))
    project(runtime)
    url = runtime.database_url
    stored = rows(url, "SELECT text, sha256 FROM consent_texts WHERE version = 'v1'")
    assert stored == [(wording, bytes.fromhex(text_digest(wording)))]
    events = rows(url, "SELECT state FROM community_events")
    assert sum(wording.encode() in bytes(state) for (state,) in events) == 1
    assert scalar(url, "SELECT count(*) FROM consent_history WHERE text_version = 'v1'") == 3
    assert holding(runtime, NOW) >= set(members)


def test_the_latest_answer_wins_and_expiry_ends_a_consent(runtime: Runtime) -> None:
    desk = setup(runtime)
    late, expiring, silent = joined(runtime), joined(runtime), joined(runtime)
    give(desk, late, at=NOW - timedelta(days=2))
    desk.withdraw(
        WithdrawConsent(member_id=late, purpose=MAIL, source="staff", at=NOW - timedelta(days=1))
    )
    # An old form imported after the withdrawal joins the history, not the current answer.
    give(desk, late, source="import", at=NOW - timedelta(days=300))
    give(desk, expiring, at=NOW - timedelta(days=10), expires_at=NOW + timedelta(days=1))
    project(runtime)
    queries = ConsentQueries(runtime.pool, personal_data(runtime))
    answers = queries.for_member(late)
    assert answers.current[MAIL]["given"] is False and not answers.holds(MAIL, NOW)
    assert [h["given"] for h in answers.history] == [True, False, True]
    assert queries.for_member(expiring).holds(MAIL, NOW)
    assert not queries.for_member(expiring).holds(MAIL, NOW + timedelta(days=2))
    assert queries.for_member(silent).current == {}
    now_holding = holding(runtime, NOW)
    assert expiring in now_holding and late not in now_holding and silent not in now_holding
    assert expiring not in holding(runtime, NOW + timedelta(days=2))


def test_an_erased_members_consents_and_note_are_gone(runtime: Runtime) -> None:
    desk = setup(runtime)
    member, mark = joined(runtime), f"Zorblat-{uuid.uuid4().hex[:10]}"
    give(desk, member, note=f"asked by phone {mark}")
    desk.withdraw(WithdrawConsent(member_id=member, purpose=MAIL, source="form", note=mark))
    project(runtime)
    url = runtime.database_url
    assert not raw_event_hits(url, (mark,)) and not sealed_note_hits(url, mark)
    notes = [
        h["note"]
        for h in ConsentQueries(runtime.pool, personal_data(runtime)).for_member(member).history
    ]
    assert notes == [f"asked by phone {mark}", mark]
    runtime.community.erase_member(mc.EraseMember(member_id=member))
    project(runtime)
    for table in ("member_consents", "consent_history"):
        assert scalar(url, f"SELECT count(*) FROM {table} WHERE member_id = %s", (member,)) == 0
    history = runtime.community.member_history(member)
    assert [e.note for e in history if hasattr(e, "note")] == [None, None]
    assert scalar(url, "SELECT count(*) FROM consent_texts") == 1  # texts are no one's data


def test_concurrent_answers_are_all_kept_and_a_version_is_registered_once(
    runtime: Runtime,
) -> None:
    desk = setup(runtime)
    member = joined(runtime)

    def answer(i: int) -> None:
        if i % 2:
            desk.withdraw(WithdrawConsent(member_id=member, purpose=MAIL, source="form"))
        else:
            give(desk, member)

    def register(_: int) -> str:
        try:
            desk.register_text(RegisterConsentText(purpose=MAIL, version="race", text="Yes"))
        except ConsentTextAlreadyRegistered:
            return "refused"
        return "registered"

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(answer, range(8)))
        outcomes = sorted(pool.map(register, range(4)))
    assert outcomes == ["refused"] * 3 + ["registered"]
    project(runtime)
    url = runtime.database_url
    assert scalar(url, "SELECT count(*) FROM consent_history WHERE member_id = %s", (member,)) == 8
