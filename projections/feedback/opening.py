"""Rows of the feedback read model as FeedbackRow: text opened with one key query per page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from projections.cursors import Row
from projections.feedback.rows import FeedbackRow, HistoryRow, SupportRow
from projections.personal import FEEDBACK_TEXT, Keys, PersonalData, open_value

# The columns a FeedbackRow is read from, in its fields' order (the sealed text in place of
# text and source url): rows are built by position, which pages of a thousand feel.
ITEM_COLUMNS = (
    "item_id, author_id, submitted_by, channel, kind, sealed_text, source_interaction_id,"
    " product_area, priority, team, status, submitted_at, first_response_at,"
    " first_response_channel, responses, duplicate_of, duplicates, tracker_url, tracker_key,"
    " supporters, unique_members, weighted_support, voice, loop_closed, loop_owed,"
    " author_erased, version, position, changed_at, status_changed_at"
)
_SEALED = 5  # where sealed_text stands among ITEM_COLUMNS
_WIDTH = len(ITEM_COLUMNS.split(","))


def opened(rows: Sequence[Row], personal: PersonalData) -> list[FeedbackRow]:
    """The rows with text and source url opened: one key query for the whole page."""
    return opened_tuples([tuple(r.values())[:_WIDTH] for r in rows], personal)


def opened_tuples(rows: Sequence[tuple[Any, ...]], personal: PersonalData) -> list[FeedbackRow]:
    """Rows of ITEM_COLUMNS (plus anything after them) with text and source url opened."""
    authors = {r[1] for r in rows if r[_SEALED] is not None}
    keys: Keys = personal.reader_keys(authors) if authors else {}
    return [feedback_row(r, keys) for r in rows]


def feedback_row(row: tuple[Any, ...], keys: Keys) -> FeedbackRow:
    """One row, its text opened with its author's key (None once the author is erased)."""
    item_id, author_id, sealed = row[0], row[1], row[_SEALED]
    content: dict[str, Any] | None = None
    if sealed is not None:
        content = open_value(keys.get(author_id), sealed, FEEDBACK_TEXT, item_id)
    text, url = (None, None) if content is None else (content["text"], content["source_url"])
    values = [*row[:_SEALED], text, url, *row[_SEALED + 1 : _WIDTH]]
    return FeedbackRow(*values)


def support_row(row: Row) -> SupportRow:
    """A support as the read model holds it."""
    return SupportRow(**row)


def history_row(row: Row) -> HistoryRow:
    """A change as the read model holds it."""
    return HistoryRow(
        item_id=row["item_id"],
        position=row["position"],
        change=row["change"],
        at=row["at"],
        actor_id=row["actor_id"],
        detail=row["detail"],
    )


def by_id(rows: Sequence[FeedbackRow]) -> dict[UUID, FeedbackRow]:
    """Rows keyed by item id."""
    return {r.item_id: r for r in rows}
