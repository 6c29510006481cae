"""What came of an outreach, derived from what the member did afterwards, never typed.

The reply window of an outreach made at `at` is (at, at + N days], N being
CRM_OUTREACH_REPLY_DAYS: an interaction exactly N days later still counts, one a day later
does not. Within it, in this order of precedence:

- RETURNED: the member was at risk or inactive when contacted (their lifecycle stage at
  `at`) and their stage moved to active or returning within the window;
- REPLIED: the member interacted (any interaction on any channel) within the window;
- PENDING: neither yet, and the window is still open (now <= at + N days): it may change;
- NO_RESPONSE: the window is over and neither happened.

An outcome is as of `now`: a REPLIED outreach to an at-risk member may still become
RETURNED while its window is open, when the lifecycle rule moves the member's stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# The stages a member may return from, and those that count as having returned.
LAPSED_STAGES = frozenset({"at_risk", "inactive"})
RETURNED_STAGES = frozenset({"active", "returning"})


class Outcome(StrEnum):
    """What came of an outreach, as of now."""

    RETURNED = "returned"
    REPLIED = "replied"
    PENDING = "pending"
    NO_RESPONSE = "no_response"


@dataclass(frozen=True)
class OutreachFacts:
    """What the log and read models say happened around one outreach.

    `first_reply_at`: the member's first interaction after `at` (None: none yet);
    `stage_at_contact`: their lifecycle stage at `at` (None: never evaluated);
    `returned_at`: when their stage first moved to active or returning after `at`.
    """

    at: datetime
    first_reply_at: datetime | None = None
    stage_at_contact: str | None = None
    returned_at: datetime | None = None

    @property
    def lapsed(self) -> bool:
        """At risk or inactive when contacted: the member could return."""
        return self.stage_at_contact in LAPSED_STAGES


def window_end(at: datetime, reply_days: int) -> datetime:
    """The last instant of the reply window of an outreach made at `at`."""
    return at + timedelta(days=reply_days)


def _within(moment: datetime | None, at: datetime, end: datetime) -> bool:
    return moment is not None and at < moment <= end


def derive_outcome(facts: OutreachFacts, *, now: datetime, reply_days: int) -> Outcome:
    """The outcome of one outreach as of `now` (see the module's rules).

    Facts after `now` are not known yet at `now`: the outcome as of a past instant ignores
    them, so it reads as it did then.
    """
    end = window_end(facts.at, reply_days)
    known = min(end, now)
    if facts.lapsed and _within(facts.returned_at, facts.at, known):
        return Outcome.RETURNED
    if _within(facts.first_reply_at, facts.at, known):
        return Outcome.REPLIED
    if now <= end:
        return Outcome.PENDING
    return Outcome.NO_RESPONSE
