"""The statements the feedback projection writes a folded page with: a few per page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from psycopg import Cursor

from projections.feedback.fold import STATE_COLUMNS, PageFold
from projections.personal import FEEDBACK_TEXT, Keys, PersonalData, seal_value

_COLUMNS = ", ".join(STATE_COLUMNS)
_TYPES = {
    "item_id": "uuid",
    "author_id": "uuid",
    "submitted_by": "uuid",
    "source_interaction_id": "uuid",
    "duplicate_of": "uuid",
    "submitted_at": "timestamptz",
    "first_response_at": "timestamptz",
    "changed_at": "timestamptz",
    "status_changed_at": "timestamptz",
    "responses": "integer",
    "version": "integer",
    "position": "bigint",
}
_RECORD = ", ".join(f"{c} {_TYPES.get(c, 'text')}" for c in STATE_COLUMNS)
# Set by the page; author and submission never change, the sealed text only by erasure.
_UPDATED = ", ".join(
    f"{c} = EXCLUDED.{c}"
    for c in STATE_COLUMNS
    if c not in ("item_id", "author_id", "submitted_by", "submitted_at")
)

# The page's items, and the canonical items of those that are duplicates.
LOAD_ITEMS = f"""
SELECT {_COLUMNS} FROM feedback_items
WHERE item_id = ANY(%(ids)s)
    OR item_id IN (SELECT duplicate_of FROM feedback_items
                   WHERE item_id = ANY(%(ids)s) AND duplicate_of IS NOT NULL)
"""
UPSERT_ITEMS = f"""
INSERT INTO feedback_items ({_COLUMNS}, sealed_text)
SELECT * FROM json_to_recordset(%s::json) AS r({_RECORD}, sealed_text bytea)
ON CONFLICT (item_id) DO UPDATE SET {_UPDATED}
"""
INSERT_TERMS = """
INSERT INTO feedback_terms (term, item_id) SELECT * FROM unnest(%s::bytea[], %s::uuid[])
ON CONFLICT DO NOTHING
"""
DELETE_SUPPORTS = """
DELETE FROM feedback_supports s USING unnest(%s::uuid[], %s::uuid[]) AS d(item_id, member_id)
WHERE s.item_id = d.item_id AND s.member_id = d.member_id
"""
UPSERT_SUPPORTS = """
INSERT INTO feedback_supports (item_id, member_id, importance, supported_at)
SELECT * FROM unnest(%s::uuid[], %s::uuid[], %s::text[], %s::timestamptz[])
ON CONFLICT (item_id, member_id) DO UPDATE SET
    importance = EXCLUDED.importance, supported_at = EXCLUDED.supported_at
"""
INSERT_LOOPS = """
INSERT INTO feedback_loops (item_id, member_id, channel, told_at, told_by)
SELECT * FROM json_to_recordset(%s::json) AS r(i uuid, m uuid, c text, t timestamptz, b uuid)
ON CONFLICT DO NOTHING
"""
INSERT_HISTORY = """
INSERT INTO feedback_history (item_id, position, change, at, actor_id, detail)
SELECT * FROM json_to_recordset(%s::json) AS r(i uuid, p bigint, c text, a timestamptz,
    b uuid, d jsonb)
ON CONFLICT DO NOTHING
"""
# The member set of an item is its author and supporters; of a canonical item, those of
# its whole group. Each member counts once, with their highest importance weight.
RECOUNT_GROUPS = """
WITH groups AS (SELECT unnest(%s::uuid[]) AS canonical),
items AS (
    SELECT f.item_id, f.author_id, f.duplicate_of, coalesce(f.duplicate_of, f.item_id) AS canonical
    FROM feedback_items f WHERE f.item_id IN (SELECT canonical FROM groups)
    UNION
    SELECT f.item_id, f.author_id, f.duplicate_of, f.duplicate_of
    FROM feedback_items f WHERE f.duplicate_of IN (SELECT canonical FROM groups)
),
roles AS (
    SELECT i.item_id, i.canonical, i.author_id AS member_id, 1 AS weight FROM items i
    UNION ALL
    SELECT i.item_id, i.canonical, s.member_id, crm_feedback_weight(s.importance)
    FROM items i JOIN feedback_supports s ON s.item_id = i.item_id
),
own AS (
    SELECT item_id, count(*) AS members, sum(weight) AS weighted FROM (
        SELECT item_id, member_id, max(weight) AS weight FROM roles GROUP BY 1, 2
    ) m GROUP BY item_id
),
grouped AS (
    SELECT canonical, count(*) AS members, sum(weight) AS weighted FROM (
        SELECT canonical, member_id, max(weight) AS weight FROM roles GROUP BY 1, 2
    ) m GROUP BY canonical
),
dups AS (
    SELECT duplicate_of AS canonical, count(*) AS n FROM items
    WHERE duplicate_of IS NOT NULL GROUP BY 1
),
counts AS (
    SELECT i.item_id,
        CASE WHEN i.duplicate_of IS NULL THEN g.members ELSE o.members END AS unique_members,
        CASE WHEN i.duplicate_of IS NULL THEN g.weighted ELSE o.weighted END AS weighted,
        coalesce(d.n, 0) AS duplicates,
        (SELECT count(*) FROM feedback_supports s WHERE s.item_id = i.item_id) AS supporters,
        -- Told members among those still owed: the author and the current supporters.
        (SELECT count(*) FROM feedback_loops l WHERE l.item_id = i.item_id
            AND (l.member_id = i.author_id OR EXISTS (SELECT 1 FROM feedback_supports s
                 WHERE s.item_id = l.item_id AND s.member_id = l.member_id))) AS closed
    FROM items i JOIN own o USING (item_id)
    LEFT JOIN grouped g ON g.canonical = i.item_id
    LEFT JOIN dups d ON d.canonical = i.item_id
)
UPDATE feedback_items f SET unique_members = c.unique_members, weighted_support = c.weighted,
    duplicates = c.duplicates, supporters = c.supporters, loop_owed = 1 + c.supporters,
    loop_closed = c.closed
FROM counts c
WHERE f.item_id = c.item_id
    AND (f.unique_members, f.weighted_support, f.duplicates, f.supporters, f.loop_closed)
        IS DISTINCT FROM (c.unique_members, c.weighted, c.duplicates, c.supporters, c.closed)
"""
# An erased author's items: text gone, words gone, counts kept; each item shows in the
# feed again at the erasure's position.
ERASE_AUTHORS = """
WITH erasures AS (
    SELECT * FROM unnest(%s::uuid[], %s::bigint[], %s::timestamptz[]) AS e(member_id, p, at)
),
erased AS (
    UPDATE feedback_items f SET sealed_text = NULL, author_erased = true,
        position = greatest(f.position, e.p),
        changed_at = CASE WHEN e.p > f.position THEN e.at ELSE f.changed_at END
    FROM erasures e WHERE f.author_id = e.member_id
    RETURNING f.item_id, e.p, e.at
),
words AS (DELETE FROM feedback_terms t USING erased e WHERE t.item_id = e.item_id)
INSERT INTO feedback_history (item_id, position, change, at)
SELECT item_id, p, 'author_erased', at FROM erased
ON CONFLICT DO NOTHING
"""


def load_items(cursor: Cursor[Any], ids: Iterable[UUID]) -> dict[UUID, dict[str, Any]]:
    """The stored columns of the page's items and of their canonical items."""
    cursor.execute(LOAD_ITEMS, {"ids": list(ids)})
    return {row[0]: dict(zip(STATE_COLUMNS, row, strict=True)) for row in cursor.fetchall()}


def write_items(cursor: Cursor[Any], fold: PageFold, personal: PersonalData) -> None:
    """The changed rows, new ones with their text sealed, then the new items' words."""
    keys = personal.writer_keys(author for _, author, text, _ in fold.submitted if text)
    sealed = {item: _sealed(keys, item, author, t, u) for item, author, t, u in fold.submitted}
    rows = [fold.items[item] | {"sealed_text": sealed.get(item)} for item in fold.dirty]
    if rows:
        cursor.execute(UPSERT_ITEMS, (_json(rows),))
    terms: list[bytes] = []
    owners: list[UUID] = []
    for item, author, text, _ in fold.submitted:
        if text and keys.get(author) is not None:  # no words of an erased author
            found = personal.word_keys(text)
            terms.extend(found)
            owners.extend([item] * len(found))
    if terms:
        cursor.execute(INSERT_TERMS, (terms, owners))


def write_supports(
    cursor: Cursor[Any], supports: dict[tuple[UUID, UUID], tuple[str, datetime] | None]
) -> None:
    """Each (item, member)'s support as the page leaves it: given (with its importance), or not."""
    gone = [pair for pair, given in supports.items() if given is None]
    if gone:
        cursor.execute(DELETE_SUPPORTS, ([i for i, _ in gone], [m for _, m in gone]))
    given = [(*pair, *value) for pair, value in supports.items() if value is not None]
    if given:
        cursor.execute(UPSERT_SUPPORTS, tuple(map(list, zip(*given, strict=True))))


def write_loops(cursor: Cursor[Any], loops: list[dict[str, Any]]) -> None:
    """Members told of the outcome, once per member and item."""
    if loops:
        cursor.execute(INSERT_LOOPS, (_json(loops),))


def write_history(cursor: Cursor[Any], history: list[dict[str, Any]]) -> None:
    """One row per change, at its notification id."""
    if history:
        cursor.execute(INSERT_HISTORY, (_json(history),))


def recount(cursor: Cursor[Any], groups: Iterable[UUID]) -> None:
    """Counts of every item of the groups the page touched, from the stored supports."""
    wanted = list(groups)
    if wanted:
        cursor.execute(RECOUNT_GROUPS, (wanted,))


def erase_authors(cursor: Cursor[Any], erasures: Sequence[tuple[UUID, int, datetime]]) -> None:
    """Forget the text of erased authors' items: (member, notification id, when)."""
    if erasures:
        cursor.execute(ERASE_AUTHORS, tuple(map(list, zip(*erasures, strict=True))))


def _sealed(keys: Keys, item: UUID, author: UUID, text: str | None, url: str | None) -> str | None:
    """The text and source url sealed under the author's key, in bytea's text form."""
    if text is None:  # the author's key was shredded before the page was decoded
        return None
    sealed = seal_value(keys.get(author), {"text": text, "source_url": url}, FEEDBACK_TEXT, item)
    return None if sealed is None else "\\x" + sealed.hex()


def _json(rows: list[dict[str, Any]]) -> str:
    return orjson.dumps(rows).decode()
