"""GH Archive events (the Events API shape): which events are interactions, and which are not.

Opened issues (ISSUE) and pull requests (PULL_REQUEST), comments on issues, pull requests and
diffs, and submitted reviews (REPLY) are imported, with the same ids as the REST objects they
announce, so an archive and a REST export of the same repository overlap without doubles.
Everything else is read and reported skipped with the reason (SKIPPED below).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from application.importers.fields import (
    as_object,
    handle,
    integer,
    optional_text,
    parse_time,
    platform_id,
    summary,
    text,
    web_url,
)
from application.importers.github_people import (
    GHOST,
    STAFF_ASSOCIATIONS,
    is_bot,
    thread,
    worth_yielding,
)
from application.importers.streams import RecentIds
from domain.importers.records import (
    ImportRecord,
    PlatformInteraction,
    PlatformUser,
    Position,
    Skipped,
)
from domain.interactions.interaction import InteractionKind
from domain.values import Channel


@dataclass(frozen=True, slots=True)
class _Imported:
    """An event type imported: its kind, the actions that count, where its object and thread are."""

    kind: InteractionKind
    actions: frozenset[str]
    item: str  # the payload key of the object the event is about
    thread: str  # the payload key of the issue or pull request it belongs to
    id_prefix: str | None  # None: the object is the thread itself, its id is the thread's


# A review is "created" in the Events API, "submitted" in its webhook form.
_REVIEWED = frozenset({"created", "submitted"})
IMPORTED = {
    "IssuesEvent": _Imported(InteractionKind.ISSUE, frozenset({"opened"}), "issue", "issue", None),
    "PullRequestEvent": _Imported(
        InteractionKind.PULL_REQUEST, frozenset({"opened"}), "pull_request", "pull_request", None
    ),
    "IssueCommentEvent": _Imported(
        InteractionKind.REPLY, frozenset({"created"}), "comment", "issue", "issue-comment"
    ),
    "PullRequestReviewCommentEvent": _Imported(
        InteractionKind.REPLY, frozenset({"created"}), "comment", "pull_request", "review-comment"
    ),
    "PullRequestReviewEvent": _Imported(
        InteractionKind.REPLY,
        frozenset({"created", "submitted"}),
        "review",
        "pull_request",
        "review",
    ),
}
SKIPPED = {
    "WatchEvent": "a star: interest, not an interaction",
    "ForkEvent": "a fork: what follows it arrives as pull requests",
    "PushEvent": "pushed commits: contributions are counted by their pull requests",
    "CreateEvent": "a branch or tag created",
    "DeleteEvent": "a branch or tag deleted",
    "ReleaseEvent": "a release published",
    "GollumEvent": "a wiki page edited",
    "MemberEvent": "a collaborator added to a repository",
    "PublicEvent": "a repository made public",
    "CommitCommentEvent": "a comment on a commit, outside any issue or pull request",
    "SponsorshipEvent": "a sponsorship",
    "DiscussionEvent": "a discussion (not in the Events API's documented types)",
}


def event_records(item: Any, at: Position, authors: RecentIds) -> Iterator[ImportRecord]:
    """The actor (the first time seen) and the interaction of one event, or why it is skipped."""
    event = as_object(item, "the event")
    event_type = text(event, "type")
    imported = IMPORTED.get(event_type)
    if imported is None:
        reason = SKIPPED.get(event_type, "an event type that is not imported")
        yield Skipped(at, f"{event_type}: {reason}")
        return
    payload = as_object(event.get("payload"), "payload")
    action = payload.get("action")
    if action not in imported.actions:
        counted = " or ".join(sorted(imported.actions))
        yield Skipped(at, f"{event_type} {action}: only {counted} counts as an interaction")
        return
    subject = as_object(payload.get(imported.item), f"payload.{imported.item}")
    user = _actor(as_object(event.get("actor"), "actor"), subject, at)
    if worth_yielding(user, authors):
        yield user
    yield _interaction(event, payload, subject, imported, user.user_id, at)


def _interaction(
    event: dict[str, Any],
    payload: dict[str, Any],
    subject: dict[str, Any],
    imported: _Imported,
    user_id: str,
    at: Position,
) -> PlatformInteraction:
    repo = text(as_object(event.get("repo"), "repo"), "name")
    container = as_object(payload.get(imported.thread), f"payload.{imported.thread}")
    number = payload["number"] if isinstance(payload.get("number"), int) else None
    ref = thread(repo, number if number is not None else integer(container, "number"))
    # The object's own time, as its REST form gives it; the event's when the payload has none.
    when = next((k for k in ("submitted_at", "created_at") if subject.get(k)), None)
    occurred = parse_time(text(subject, when), when) if when else None
    return PlatformInteraction(
        channel=Channel.GITHUB,
        user_id=user_id,
        kind=imported.kind,
        occurred_at=occurred or parse_time(text(event, "created_at"), "created_at"),
        external_id=f"{imported.id_prefix}:{integer(subject, 'id')}" if imported.id_prefix else ref,
        at=at,
        thread_ref=ref,
        url=web_url(subject.get("html_url")),
        summary=None if imported.id_prefix else summary(optional_text(subject, "title")),
    )


def _actor(actor: dict[str, Any], subject: dict[str, Any], at: Position) -> PlatformUser:
    """The event's actor; its account type and association from the object when it is theirs."""
    login = text(actor, "login")
    user_id = platform_id(actor, "id", "actor.id")
    user = subject.get("user")
    owner: dict[str, Any] = user if isinstance(user, dict) else {}
    own = str(owner.get("id")) == user_id
    return PlatformUser(
        channel=Channel.GITHUB,
        user_id=user_id,
        handle=handle(login, "actor.login"),
        display_name=None,
        at=at,
        is_bot=is_bot(login, owner.get("type") if own else None),
        is_staff=subject.get("author_association") in STAFF_ASSOCIATIONS,
        deleted=login == GHOST,
    )
