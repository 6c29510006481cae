"""The versioned health rule: the parameters a community may tune, and their ranges."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import InvalidField

MAX_RULE_VERSION = 100
# Up to ten years of silence: longer would call no one inactive in any real community.
MAX_INACTIVE_WEEKS = 520
MAX_REPEAT_THRESHOLD = 1000


class InvalidHealthRule(InvalidField):
    """A health rule parameter outside the range where the rule means something."""

    code = "INVALID_HEALTH_RULE"
    field_code = "out_of_range"


@dataclass(frozen=True)
class HealthRule:
    """How the community KPIs judge members; every answer names the version it used."""

    version: str = "health-2026-12"
    # Silent this many weeks: newly inactive (CHAOSS), and returning when active again.
    inactive_weeks: int = 12
    # At least this many interactions in a period: a repeat member, fewer: one-off (8Knot).
    repeat_threshold: int = 4

    def __post_init__(self) -> None:
        """Refuse a rule whose parameters make no sense, naming the first bad one."""
        if not 1 <= len(self.version) <= MAX_RULE_VERSION:
            raise InvalidHealthRule("version", f"must be 1 to {MAX_RULE_VERSION} characters")
        if not 1 <= self.inactive_weeks <= MAX_INACTIVE_WEEKS:
            raise InvalidHealthRule("inactive_weeks", f"must be between 1 and {MAX_INACTIVE_WEEKS}")
        if not 1 <= self.repeat_threshold <= MAX_REPEAT_THRESHOLD:
            raise InvalidHealthRule(
                "repeat_threshold", f"must be between 1 and {MAX_REPEAT_THRESHOLD}"
            )
