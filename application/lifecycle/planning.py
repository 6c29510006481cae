"""Which stage changes make a member's recorded stages follow the rule up to an instant."""

from __future__ import annotations

from datetime import datetime, timedelta

from application.lifecycle.ports import Plan
from domain.lifecycle import History, Stage, StageRule
from domain.lifecycle.history import MICROSECOND, from_us, to_us
from domain.lifecycle.stages import changes, judge, verdict


def plan_stages(
    rule: StageRule,
    history: History,
    recorded: tuple[Stage, datetime] | None,
    at: datetime,
    *,
    half_life: timedelta,
) -> Plan:
    """The changes in (since, at] the rule finds, each at the instant it happened.

    A member judged up to `since` already holds the rule's stages until then: judging an
    earlier instant again adds nothing, so evaluations may run at any dates, in any order.
    When the recorded stage disagrees with the rule at `since` (the rule changed, or old
    activity was imported since), a correction takes effect a microsecond after it.
    """
    if recorded is None:
        began = from_us(history.began_us)
        if began > at:
            return []
        first = (began, judge(rule, history, began, half_life=half_life))
        return [first, *changes(rule, history, began, at, half_life=half_life)]
    stage, since = recorded
    if at <= since:
        return []
    found = changes(rule, history, since, at, half_life=half_life)
    if verdict(rule, history, to_us(since)).stage is not stage:
        fix_at = since + MICROSECOND
        if not found or found[0][0] > fix_at:
            found.insert(0, (fix_at, judge(rule, history, fix_at, half_life=half_life)))
    return found
