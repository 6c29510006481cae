"""Why a member joined: the options they chose from the community's list, and their words.

Each answer is a MotivationRecorded event about the member (an aggregate of its own, so it
never contends with changes of the member); a later answer replaces the earlier one. The
free text is personal data: sealed under the member's key, shredded by erasure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

from domain.errors import InvalidField
from domain.moments import DEFAULT_BOUNDS, TimeBounds

# An option is a short slug, as configured in CRM_OUTREACH_MOTIVATIONS.
OPTION = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
DEFAULT_MOTIVATIONS = ("learn", "get_help", "network", "contribute", "find_work", "other")
MAX_OPTIONS = 50


class InvalidMotivations(ValueError):
    """A configured list of motivation options that cannot be used."""


def check_options_list(options: Sequence[str]) -> tuple[str, ...]:
    """The configured options: 1-50 distinct slugs (lower case, digits, underscores)."""
    found = tuple(o.strip() for o in options if o.strip())
    if not found:
        raise InvalidMotivations("needs at least one option")
    if len(found) > MAX_OPTIONS:
        raise InvalidMotivations(f"at most {MAX_OPTIONS} options")
    for option in found:
        if not OPTION.match(option):
            raise InvalidMotivations(
                f"{option!r} is not an option name (a-z first, then a-z, 0-9, _; 1-40 long)"
            )
    if len(set(found)) != len(found):
        raise InvalidMotivations("options must be distinct")
    return found


class Motivation(Aggregate):
    """One answer of a member to "why did you join": chosen options and free text."""

    TOPIC = "crm.outreach.Motivation"

    class Created(Aggregate.Created):
        """The library's default creation event, pinned so that its topic never moves."""

        TOPIC = "crm.outreach.MotivationCreated"

    @classmethod
    def record(
        cls,
        *,
        member_id: UUID,
        options: Sequence[str],
        allowed: Sequence[str],
        text: str | None,
        recorded_by: UUID,
        at: datetime,
        now: datetime,
        bounds: TimeBounds = DEFAULT_BOUNDS,
    ) -> Motivation:
        """An answer: options from the configured list (each once), or text, or both."""
        bounds.check("at", at, now)
        chosen = tuple(dict.fromkeys(options))
        for position, option in enumerate(chosen):
            if option not in allowed:
                raise InvalidField(
                    "options", f"option {position + 1} is not one of {', '.join(allowed)}"
                )
        if not chosen and text is None:
            raise InvalidField("options", "choose at least one option or give a text")
        return cls._create(
            MotivationRecorded,
            member_id=member_id,
            options=list(chosen),
            text=text,
            recorded_by=recorded_by,
            at=at,
        )

    def __init__(
        self,
        *,
        member_id: UUID,
        options: list[str],
        text: str | None,
        recorded_by: UUID,
        at: datetime,
    ) -> None:
        self.member_id = member_id
        self.options = options
        self.text = text
        self.recorded_by = recorded_by
        self.at = at


class MotivationRecorded(Aggregate.Created):
    """A member's answer to why they joined was recorded (it replaces any earlier one)."""

    TOPIC: ClassVar[str] = "crm.outreach.MotivationRecorded"
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("text",)
    PERSONAL_SUBJECT: ClassVar[str] = "member_id"
    member_id: UUID
    options: list[str]
    text: str | None
    recorded_by: UUID
    at: datetime


register_topic(MotivationRecorded.TOPIC, MotivationRecorded)
