"""Whether consent holds: latest answer wins, expiry, and no record means no consent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.consent import (
    ConsentPurpose,
    ConsentRecord,
    ConsentState,
    ConsentText,
    check_expiry,
    holds,
    latest,
    state_of,
    text_digest,
)
from domain.errors import InvalidField

T0 = datetime(2025, 3, 1, 12, tzinfo=UTC)
MAIL, LISTING = ConsentPurpose.MARKETING_EMAIL, ConsentPurpose.PUBLIC_LISTING


def record(given: bool, at: datetime, position: int, **kw: object) -> ConsentRecord:
    return ConsentRecord(MAIL, given, at, position, **kw)  # type: ignore[arg-type]


def test_no_record_means_no_consent_and_nothing_is_inferred_from_other_purposes() -> None:
    found = latest([record(True, T0, 1)])
    assert state_of(found.get(LISTING)) is ConsentState.NONE
    assert not holds(found.get(LISTING), T0 + timedelta(days=1))
    assert holds(found[MAIL], T0 + timedelta(days=1))


def test_the_latest_answer_wins_whatever_the_order_it_was_recorded_in() -> None:
    given, withdrawn = record(True, T0, 1), record(False, T0 + timedelta(hours=1), 2)
    assert latest([given, withdrawn])[MAIL] is withdrawn
    # An old form imported after the withdrawal does not bring the consent back.
    old_import = record(True, T0 - timedelta(days=300), 3)
    assert latest([given, withdrawn, old_import])[MAIL] is withdrawn
    given_again = record(True, T0 + timedelta(days=2), 4)
    found = latest([given, withdrawn, old_import, given_again])[MAIL]
    assert found is given_again and state_of(found) is ConsentState.GIVEN


def test_answers_at_the_same_moment_are_ordered_as_recorded() -> None:
    first, second = record(True, T0, 7), record(False, T0, 8)
    assert latest([second, first])[MAIL] is second


def test_a_withdrawal_never_holds() -> None:
    assert not holds(record(False, T0, 1), T0 + timedelta(seconds=1))
    assert state_of(record(False, T0, 1)) is ConsentState.WITHDRAWN


def test_a_consent_holds_until_its_expiry_and_not_at_it() -> None:
    ends = T0 + timedelta(days=30)
    consent = record(True, T0, 1, expires_at=ends)
    assert holds(consent, ends - timedelta(microseconds=1))
    assert not holds(consent, ends)
    assert not holds(consent, ends + timedelta(days=1))


@pytest.mark.parametrize("offset", [timedelta(0), -timedelta(days=1), timedelta(days=36_601)])
def test_an_expiry_must_come_after_the_consent_and_within_a_century(offset: timedelta) -> None:
    with pytest.raises(InvalidField) as refused:
        check_expiry(T0 + offset, T0)
    assert refused.value.field == "expires_at"
    check_expiry(None, T0)
    check_expiry(T0 + timedelta(seconds=1), T0)
    check_expiry(T0 + timedelta(days=36_600), T0)


def test_a_text_keeps_its_exact_wording_and_digest_and_its_id_derives_from_the_version() -> None:
    wording = "Yes, e-mail me news.\n\nYou can unsubscribe at any time."
    text = ConsentText.register(purpose=MAIL, version="2025-03", text=wording)
    assert (text.text, text.sha256, text.text_version) == (wording, text_digest(wording), "2025-03")
    assert text.id == ConsentText.id_for(MAIL, "2025-03")
    assert text.id != ConsentText.id_for(LISTING, "2025-03")
    assert text.id != ConsentText.id_for(MAIL, "2025-04")


@pytest.mark.parametrize(
    ("version", "wording", "field"),
    [
        ("", "Yes", "version"),
        ("v 1", "Yes", "version"),
        ("x" * 51, "Yes", "version"),
        ("v1", "   ", "text"),
        ("v1", "Yes\x00", "text"),
        ("v1", "Yes\u202e", "text"),
        ("v1", "x" * 20_001, "text"),
    ],
)
def test_a_text_refuses_bad_versions_and_wording(version: str, wording: str, field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        ConsentText.register(purpose=MAIL, version=version, text=wording)
    assert refused.value.field == field
