"""Feedback items saved straight through the Community, and the feedback projection's runner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from api.bootstrap import personal_data
from api.projection_wiring import build_runners
from application.runtime import Runtime
from domain.feedback import FeedbackItem, FeedbackKind
from domain.members import commands as cmd
from projections.engine import ProjectionRunner
from projections.feedback.queries import FeedbackQueries
from tests.integration.conftest import rows

NOW = datetime.now(UTC)
STAFF = UUID(int=7)


def feedback_runner(runtime: Runtime, batch_size: int = 50) -> ProjectionRunner:
    """The runner of the `feedback` projection, as the registry builds it."""
    return next(r for r in build_runners(runtime, batch_size=batch_size) if r.name == "feedback")


def queries(runtime: Runtime) -> FeedbackQueries:
    """The feedback read model's queries on the runtime's pool."""
    return FeedbackQueries(runtime.pool, personal_data(runtime))


def joined(runtime: Runtime, name: str) -> UUID:
    """A new member's id."""
    return runtime.community.join_member(cmd.JoinMember(display_name=name)).member.id


def submitted(
    runtime: Runtime, author: UUID, text: str = "Dark mode please", **fields: Any
) -> FeedbackItem:
    """A feature request by `author`, saved."""
    item = FeedbackItem.submit(
        author_id=author,
        channel=fields.pop("channel", "slack"),
        kind=fields.pop("kind", FeedbackKind.FEATURE_REQUEST),
        text=text,
        submitted_at=fields.pop("submitted_at", NOW - timedelta(hours=2)),
        now=NOW,
        **fields,
    )
    runtime.community.save(item)
    return item


def item(runtime: Runtime, item_id: UUID) -> FeedbackItem:
    """The item as its events make it now."""
    found: FeedbackItem = runtime.community.repository.get(item_id)
    return found


def save(runtime: Runtime, *items: FeedbackItem) -> None:
    """Record the items' pending events."""
    runtime.community.save(*items)


def snapshot(url: str, ids: list[UUID] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """The feedback tables' rows (of these items), in a stable order, without positions/times."""
    where = "" if ids is None else " WHERE item_id = ANY(%s)"
    params = () if ids is None else (ids,)
    return {
        "items": rows(
            url,
            "SELECT item_id, author_id, status, duplicate_of, duplicates, supporters,"
            " unique_members, weighted_support, loop_closed, loop_owed, responses,"
            f" first_response_at, author_erased FROM feedback_items{where} ORDER BY item_id",
            params,
        ),
        "supports": rows(
            url,
            f"SELECT item_id, member_id, importance FROM feedback_supports{where}"
            " ORDER BY item_id, member_id",
            params,
        ),
    }
