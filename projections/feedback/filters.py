"""Which feedback items a list shows, and in which order: FeedbackFilter and FeedbackOrder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from operator import itemgetter
from typing import Any
from uuid import UUID

from psycopg import sql

from projections.cursors import Keyset
from projections.personal import PersonalData


class FeedbackOrder(StrEnum):
    """Orders of the feedback list; each has an index matching its columns and directions."""

    NEWEST = "newest"
    # Unique members across the duplicate group.
    MOST_SUPPORTED = "most_supported"
    # Support weighted by importance and the supporters' engagement (refresh_voice).
    VOICE = "voice"


# (keyset condition, ORDER BY): every order descends, ties broken by item id. The cursor's
# key is cast to the column's type, so that the comparison can use the order's index.
ORDER_SQL = {
    FeedbackOrder.NEWEST: (
        "(submitted_at, item_id) < (%s::timestamptz, %s)",
        "submitted_at DESC, item_id DESC",
    ),
    FeedbackOrder.MOST_SUPPORTED: (
        "(unique_members, item_id) < (%s::integer, %s)",
        "unique_members DESC, item_id DESC",
    ),
    FeedbackOrder.VOICE: ("(voice, item_id) < (%s::float8, %s)", "voice DESC, item_id DESC"),
}
KEYSETS = {
    FeedbackOrder.NEWEST: Keyset(
        "feedback:newest", itemgetter("submitted_at"), "item_id", datetime
    ),
    FeedbackOrder.MOST_SUPPORTED: Keyset(
        "feedback:most_supported", lambda r: float(r["unique_members"]), "item_id", float
    ),
    FeedbackOrder.VOICE: Keyset("feedback:voice", itemgetter("voice"), "item_id", float),
}


@dataclass(frozen=True)
class FeedbackFilter:
    """Which items a list shows; every given criterion must hold."""

    statuses: list[str] | None = None
    kinds: list[str] | None = None
    product_areas: list[str] | None = None
    teams: list[str] | None = None
    # Author or supporter.
    member_id: UUID | None = None
    submitted_from: datetime | None = None
    submitted_to: datetime | None = None
    # Every word must occur (matched by blind index: see PersonalData.word_keys).
    text: str | None = None
    # No first response, and submitted more than this many hours before now.
    unanswered_for_hours: int | None = None
    # None: all; False: only canonical and standalone items; True: only duplicates.
    duplicates: bool | None = None


def conditions(
    where: FeedbackFilter, personal: PersonalData, now: datetime
) -> tuple[list[sql.Composable], list[Any]]:
    """The filter as SQL conditions over feedback_items, with their parameters."""
    found: list[sql.Composable] = [sql.SQL("true")]
    params: list[Any] = []
    for column, values in (
        ("status", where.statuses),
        ("kind", where.kinds),
        ("product_area", where.product_areas),
        ("team", where.teams),
    ):
        if values is not None:
            found.append(sql.SQL(f"{column} = ANY(%s)"))
            params.append(list(values))
    if where.member_id is not None:
        found.append(
            sql.SQL(
                "(author_id = %s OR item_id IN"
                " (SELECT item_id FROM feedback_supports WHERE member_id = %s))"
            )
        )
        params += [where.member_id, where.member_id]
    if where.submitted_from is not None:
        found.append(sql.SQL("submitted_at >= %s"))
        params.append(where.submitted_from)
    if where.submitted_to is not None:
        found.append(sql.SQL("submitted_at < %s"))
        params.append(where.submitted_to)
    if where.text is not None and where.text.strip():
        _text(found, params, personal.word_keys(where.text))
    if where.unanswered_for_hours is not None:
        found.append(sql.SQL("first_response_at IS NULL AND submitted_at < %s"))
        params.append(now - timedelta(hours=where.unanswered_for_hours))
    if where.duplicates is not None:
        found.append(sql.SQL(f"duplicate_of IS {'NOT ' if where.duplicates else ''}NULL"))
    return found, params


def _text(found: list[sql.Composable], params: list[Any], terms: list[bytes]) -> None:
    """Items holding every word of the search (an erased author's items hold none)."""
    if not terms:
        found.append(sql.SQL("false"))  # a search without a word matches nothing
        return
    found.append(
        sql.SQL(
            "item_id IN (SELECT item_id FROM feedback_terms WHERE term = ANY(%s)"
            " GROUP BY item_id HAVING count(*) = %s)"
        )
    )
    params += [terms, len(terms)]
