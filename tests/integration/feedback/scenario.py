"""A small community's feedback with every kind of change, for tests that compare read models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.runtime import Runtime
from domain.feedback import FeedbackItem, FeedbackKind, FeedbackStatus, Importance, Priority
from domain.members import commands as cmd
from tests.integration.feedback.helpers import NOW, STAFF, joined, save, submitted


@dataclass(frozen=True)
class Community:
    """The members and items of the scenario."""

    members: list[UUID]
    items: list[FeedbackItem]
    erased: UUID


def every_change(runtime: Runtime) -> Community:
    """Items submitted, triaged, answered (by author, bot and staff), supported and
    withdrawn, moved through the workflow, merged and unmerged, tracked, loops closed, and
    an author erased."""
    members = [joined(runtime, f"Member {n}") for n in range(6)]
    a, b, c, d, e, f = members
    items = [
        submitted(runtime, a, "Dark mode for the dashboard", source_url="https://forum.test/1"),
        submitted(runtime, b, "Dashboard in dark colours", kind=FeedbackKind.IDEA),
        submitted(runtime, c, "Love the new search", kind=FeedbackKind.PRAISE),
        submitted(runtime, f, "Exports time out", kind=FeedbackKind.BUG, channel="email"),
        submitted(
            runtime, d, "Old import", submitted_at=NOW - timedelta(days=40), product_area="api"
        ),
    ]
    dark, colours, praise, bug, old = items
    dark.triage(product_area="ui", priority=Priority.HIGH, team="web")
    dark.respond(responder_id=a, channel="forum", responded_at=NOW, now=NOW, by_staff=False)
    dark.respond(
        responder_id=e, channel="forum", responded_at=NOW, now=NOW, by_staff=False, by_bot=True
    )
    dark.respond(responder_id=STAFF, channel="slack", responded_at=NOW, now=NOW, by_staff=True)
    dark.support(c, Importance.CRITICAL)
    dark.support(d, Importance.NICE_TO_HAVE)
    colours.support(c, Importance.IMPORTANT)
    colours.support(e)
    colours.mark_duplicate(dark.id, marked_by=STAFF)
    colours.support(f, Importance.CRITICAL)
    colours.withdraw_support(e)
    dark.change_status(FeedbackStatus.UNDER_REVIEW, changed_by=STAFF, reason="many ask")
    dark.change_status(FeedbackStatus.PLANNED, changed_by=STAFF, notify_supporters=True)
    dark.link_tracker("https://tracker.test/DM-1", "DM-1")
    dark.close_loop(c, channel="email", told_at=NOW, told_by=STAFF)
    dark.close_loop(a, channel="email", told_at=NOW, told_by=STAFF)
    praise.change_status(FeedbackStatus.ANSWERED, changed_by=STAFF)
    bug.support(a, Importance.CRITICAL)
    bug.link_tracker("https://tracker.test/B-2", "B-2")
    bug.unlink_tracker()
    old.support(a)
    save(runtime, *items)
    colours.unmark_duplicate(unmarked_by=STAFF)
    colours.mark_duplicate(dark.id, marked_by=STAFF)
    save(runtime, colours)
    runtime.community.erase_member(cmd.EraseMember(member_id=d))
    bug.withdraw_support(a)
    save(runtime, bug)
    return Community(members, items, d)
