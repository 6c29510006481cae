"""Whether consent holds: the latest answer per purpose wins, and nothing is ever inferred."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.consent.purposes import ConsentPurpose
from domain.errors import InvalidField

# An expiry further off is a typo (and past what the read models' clients can hold):
# a consent that does not expire has no expiry.
MAX_TERM = timedelta(days=100 * 366)


class ConsentState(StrEnum):
    """Where a member stands on one purpose: their latest answer, or none at all."""

    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    NONE = "none"


@dataclass(frozen=True)
class ConsentRecord:
    """One consent event as the rules read it: given or withdrawn, when, until when."""

    purpose: ConsentPurpose
    given: bool
    at: datetime
    position: int  # where it was recorded in the log
    expires_at: datetime | None = None


def later(one: ConsentRecord, other: ConsentRecord) -> bool:
    """Whether `one` is the member's later answer than `other`.

    The member's own chronology decides (when they gave or withdrew it), so an import of an
    old form recorded after a withdrawal does not bring the consent back; answers at the
    same moment are ordered as they were recorded.
    """
    return (one.at, one.position) > (other.at, other.position)


def latest(records: Iterable[ConsentRecord]) -> dict[ConsentPurpose, ConsentRecord]:
    """Per purpose, the answer that wins: the latest one."""
    found: dict[ConsentPurpose, ConsentRecord] = {}
    for record in records:
        current = found.get(record.purpose)
        if current is None or later(record, current):
            found[record.purpose] = record
    return found


def state_of(record: ConsentRecord | None) -> ConsentState:
    """Given, withdrawn, or none when nothing was ever recorded for the purpose."""
    if record is None:
        return ConsentState.NONE
    return ConsentState.GIVEN if record.given else ConsentState.WITHDRAWN


def holds(record: ConsentRecord | None, at: datetime) -> bool:
    """Whether consent holds at `at`: no record means no consent (nothing is inferred from
    silence or from other purposes), a withdrawal means none, an expired consent none."""
    if record is None or not record.given:
        return False
    return record.expires_at is None or record.expires_at > at


def check_expiry(expires_at: datetime | None, at: datetime) -> None:
    """A consent expires after it was given, never at or before, and within a century."""
    if expires_at is None:
        return
    if expires_at <= at:
        raise InvalidField("expires_at", "must be after the moment consent was given (at)")
    if expires_at - at > MAX_TERM:
        raise InvalidField("expires_at", "must be within 100 years of `at`; omit it for none")
