"""Name search's keyed terms: the starts of a display name, as blind indexes only.

A name is reduced to its words (NFKC, case-folded, punctuation dropped) joined by single
spaces; from the start of each of its first words, every prefix up to a length is a term,
stored as a keyed hash (LookupHasher.name_prefix) in `member_name_terms` with the member's
join time, so a search walks one index range in the list's order and counts its matches
without reading the members' rows. The terms are written by the members projection,
deleted when the member is erased, and their dead rows go with the erasure compaction: no
readable trace of the name stays, in the table or its index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from psycopg import Cursor

from projections.personal import PersonalData
from projections.replay import restore_indexes, strip_indexes

# A search matches a name from the start of any of its first words, across the words that
# follow, and up to this many characters (a longer search counts only its first ones).
MAX_PREFIX = 32
MAX_WORD_STARTS = 8
_WORD = re.compile(r"\w+")

DELETE_TERMS = "DELETE FROM member_name_terms WHERE member_id = ANY(%s)"
# Terms carry the member's join time so that a search page walks them in the list's order.
INSERT_TERMS = """
INSERT INTO member_name_terms (term, joined_at, member_id)
SELECT t.term, m.joined_at, t.member_id
FROM unnest(%s::uuid[], %s::bigint[]) AS t(member_id, term) JOIN members m USING (member_id)
ON CONFLICT DO NOTHING
"""
# A rebuild's terms: appended unindexed, a generation per page, with a row without a term
# for each member the page names (its earlier terms are replaced, perhaps by none).
STAGE_TERMS = """
INSERT INTO member_name_terms_replay (generation, member_id, term)
SELECT %s, * FROM unnest(%s::uuid[], %s::bigint[])
"""
# At the end of a rebuild each member's last generation becomes its terms, in one insert.
MOVE_STAGED_TERMS = """
INSERT INTO member_name_terms (term, joined_at, member_id)
SELECT s.term, m.joined_at, s.member_id
FROM member_name_terms_replay s
JOIN (
    SELECT member_id, max(generation) AS generation FROM member_name_terms_replay
    GROUP BY member_id
) AS last USING (member_id, generation)
JOIN members m USING (member_id)
WHERE s.term IS NOT NULL
"""


def normalised(text: str) -> str:
    """The text as name search compares it: its words, case-folded, one space apart."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def prefixes(name: str) -> set[str]:
    """Every start of the name that a search matches (see MAX_PREFIX, MAX_WORD_STARTS)."""
    text = normalised(name)
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == " "]
    found: set[str] = set()
    for start in starts[:MAX_WORD_STARTS]:
        rest = text[start : start + MAX_PREFIX]
        found.update(rest[:end] for end in range(1, len(rest) + 1) if rest[end - 1] != " ")
    return found


def name_terms(personal: PersonalData, name: str | None) -> set[int]:
    """The keyed terms of a display name; none for no name (an erased member)."""
    if not name:
        return set()
    return {personal.name_prefix_key(prefix) for prefix in prefixes(name)}


def query_term(personal: PersonalData, search: str) -> int | None:
    """The term a search text looks up; None when it holds no word (only punctuation)."""
    text = normalised(search)[:MAX_PREFIX].rstrip()
    return personal.name_prefix_key(text) if text else None


def write_name_terms(
    cursor: Cursor[Any], personal: PersonalData, names: Iterable[tuple[UUID, str | None]]
) -> None:
    """Replace the terms of members whose names a page set (after their rows are written)."""
    names = list(names)
    if not names:
        return
    cursor.execute(DELETE_TERMS, ([member_id for member_id, _ in names],))
    members, terms = _columns(personal, names)
    if terms:
        cursor.execute(INSERT_TERMS, (members, terms))


def stage_name_terms(
    cursor: Cursor[Any], personal: PersonalData, names: Iterable[tuple[UUID, str | None]]
) -> None:
    """What `write_name_terms` does, for a rebuild: staged, moved by `move_staged_terms`."""
    names = list(names)
    if not names:
        return
    members, terms = _columns(personal, names)
    marks: list[int | None] = [None] * len(names)
    generation = cursor.execute("SELECT nextval('member_name_terms_replay_generation')").fetchone()[
        0
    ]  # type: ignore[index]
    cursor.execute(
        STAGE_TERMS,
        (generation, [member_id for member_id, _ in names] + members, marks + terms),
    )


def move_staged_terms(cursor: Cursor[Any]) -> None:
    """A rebuild's staged terms into `member_name_terms`, its indexes built once after."""
    stripped = strip_indexes(cursor, ("member_name_terms",))
    cursor.execute(MOVE_STAGED_TERMS)
    restore_indexes(cursor, stripped)
    cursor.execute("TRUNCATE member_name_terms_replay")


def _columns(
    personal: PersonalData, names: list[tuple[UUID, str | None]]
) -> tuple[list[UUID], list[int]]:
    """The names' terms as two columns: member, term."""
    members: list[UUID] = []
    terms: list[int] = []
    for member_id, name in names:
        found = name_terms(personal, name)
        members += [member_id] * len(found)
        terms += found
    return members, terms
