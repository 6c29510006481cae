"""GitHub REST objects: issues and pull requests, issue comments, review comments, reviews."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from application.importers.fields import (
    Invalid,
    as_object,
    integer,
    optional_text,
    parse_time,
    summary,
    text,
    web_url,
)
from application.importers.github_people import author, thread_of, worth_yielding
from application.importers.streams import RecentIds
from domain.importers.records import ImportRecord, PlatformInteraction, Position, Skipped
from domain.interactions.interaction import InteractionKind
from domain.values import Channel

NOT_GITHUB = "not an issue, pull request or comment: no number, issue_url or pull_request_url"


def rest_records(item: Any, at: Position, authors: RecentIds) -> Iterator[ImportRecord]:
    """The author (the first time seen) and the interaction of one REST object."""
    record = as_object(item, "the item")
    is_comment = "issue_url" in record or "pull_request_url" in record
    if not is_comment and "number" not in record:
        raise Invalid(NOT_GITHUB)
    user = author(record.get("user"), record.get("author_association"), at)
    made = _comment(record, user.user_id, at) if is_comment else _issue(record, user.user_id, at)
    if isinstance(made, PlatformInteraction) and worth_yielding(user, authors):
        yield user
    yield made


def _issue(record: dict[str, Any], user_id: str, at: Position) -> PlatformInteraction:
    """An issue, or a pull request: listed among issues (with a `pull_request` key) or alone."""
    integer(record, "number")
    url = record.get("url") or record.get("html_url")
    pull = "pull_request" in record or "head" in record or "/pulls/" in str(url)
    ref = thread_of(url, "url")
    return PlatformInteraction(
        channel=Channel.GITHUB,
        user_id=user_id,
        kind=InteractionKind.PULL_REQUEST if pull else InteractionKind.ISSUE,
        occurred_at=parse_time(text(record, "created_at"), "created_at"),
        external_id=ref,
        at=at,
        thread_ref=ref,
        url=web_url(record.get("html_url")),
        summary=summary(optional_text(record, "title")),
    )


def _comment(record: dict[str, Any], user_id: str, at: Position) -> PlatformInteraction | Skipped:
    """A comment on an issue or pull request, a comment on a diff, or a submitted review."""
    comment_id = integer(record, "id")
    if "issue_url" in record:
        kind, ref = "issue-comment", thread_of(record["issue_url"], "issue_url")
    else:
        ref = thread_of(record["pull_request_url"], "pull_request_url")
        review = "state" in record and "diff_hunk" not in record
        kind = "review" if review else "review-comment"
        if review and not record.get("submitted_at"):
            return Skipped(at, "a pending review, not submitted yet")
    when = "submitted_at" if kind == "review" else "created_at"
    return PlatformInteraction(
        channel=Channel.GITHUB,
        user_id=user_id,
        kind=InteractionKind.REPLY,
        occurred_at=parse_time(text(record, when), when),
        external_id=f"{kind}:{comment_id}",
        at=at,
        thread_ref=ref,
        url=web_url(record.get("html_url")),
    )
