"""Member search: candidates by keyed name terms and exact blind indexes, paged and counted.

A search's candidates are the members whose name has a start equal to the search (one
range of `member_name_terms`, already in join-time order) and those whose e-mail or a
handle is exactly the search (the blind indexes of `members.search_keys`), each member
once. The page walks the candidates in the list's order and stops at the page's end; the
count stops past SEARCH_COUNT_CAP, so a search matching half the community costs what one
matching ten thousand does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from psycopg import sql

from domain.members.membership import ACTIVE, LEFT

# Counts of matches are exact up to here; past it a search reports "10,000+".
SEARCH_COUNT_CAP = 10_000

# {keyset}: an optional "AND (joined_at, member_id) <op> (%s, %s)"; {direction}: ASC or
# DESC. An exact match already found by name is not listed twice: a subquery per exact
# match (a few members), never an anti-join over every member the name matches.
_CANDIDATES = """
    (SELECT member_id, joined_at FROM member_name_terms
     WHERE term = %s {keyset} ORDER BY joined_at {direction}, member_id {direction})
    UNION ALL
    (SELECT member_id, joined_at FROM members
     WHERE search_keys && %s::bytea[] {keyset}
        AND (SELECT count(*) FROM member_name_terms t WHERE t.term = %s
            AND t.joined_at = members.joined_at AND t.member_id = members.member_id) = 0
     ORDER BY joined_at {direction}, member_id {direction})
"""
# Names' matches counted from the index alone up to one past the cap, plus the exact
# matches not among them (a few members), less the members merged into another (a few, by
# their partial index: they are counted as the member they were merged into, which the
# search finds by its own name and keys): the sum is exact up to the cap, past it anyway.
_COUNT_ALONE = """
SELECT (SELECT count(*) FROM (SELECT FROM member_name_terms WHERE term = %s LIMIT %s) AS n)
    + (SELECT count(*) FROM members WHERE search_keys && %s::bytea[] AND merged_into IS NULL
        AND (SELECT count(*) FROM member_name_terms t WHERE t.term = %s
            AND t.joined_at = members.joined_at AND t.member_id = members.member_id) = 0)
    - (SELECT count(*) FROM members WHERE merged_into IS NOT NULL
        AND EXISTS (SELECT FROM member_name_terms t WHERE t.term = %s
            AND t.joined_at = members.joined_at AND t.member_id = members.member_id))
    AS count
"""
_FROM = "FROM ({}) AS c JOIN members USING (member_id) WHERE {}"

Query = tuple[sql.Composable, list[Any]]


class Counted(NamedTuple):
    """How many members match: exact, or the cap when more match (`exact` false)."""

    total: int
    exact: bool


@dataclass(frozen=True)
class Search:
    """What a search compares: its name term (None: no word in it) and exact blind indexes."""

    term: int | None
    keys: tuple[bytes, ...]

    def candidates(self, direction: str = "DESC", after: list[Any] | None = None) -> Query:
        """The candidates' union, each branch in the given order, after a keyset if given."""
        comparison = ">" if direction == "ASC" else "<"
        keyset = f"AND (joined_at, member_id) {comparison} (%s, %s)" if after else ""
        query = sql.SQL(_CANDIDATES.format(keyset=keyset, direction=direction))
        after = after or []
        return query, [self.term, *after, list(self.keys), *after, self.term]

    def joined_page(
        self, where: Query, ascending: bool, after: list[Any] | None, limit: int
    ) -> Query:
        """A page in join-time order: the candidates merged in order, each member's row
        joined and filtered, stopping at the page's end."""
        direction = "ASC" if ascending else "DESC"
        found, params = self.candidates(direction, after)
        order = f" ORDER BY c.joined_at {direction}, c.member_id {direction} LIMIT %s"
        query = sql.SQL("SELECT members.* " + _FROM + order).format(found, where[0])
        return query, [*params, *where[1], limit]

    def sorted_page(self, where: Query, order_sql: str, limit: int) -> Query:
        """A page in another order (by name): every candidate is read, then sorted."""
        found, params = self.candidates()
        order = f" ORDER BY {order_sql} LIMIT %s"
        query = sql.SQL("SELECT members.* " + _FROM + order).format(found, where[0])
        return query, [*params, *where[1], limit]

    def counting(self, where: Query | None) -> Query:
        """Count the candidates up to one past the cap. Without conditions beyond the
        search, the members' rows are not read at all (see `only_search`)."""
        if where is None:
            return sql.SQL(_COUNT_ALONE), [
                self.term,
                SEARCH_COUNT_CAP + 1,
                list(self.keys),
                self.term,
                self.term,
            ]
        found, params = self.candidates()
        inner = sql.SQL("SELECT 1 " + _FROM + " LIMIT %s").format(found, where[0])
        params += where[1]
        query = sql.SQL("SELECT count(*) FROM ({}) AS counted").format(inner)
        return query, [*params, SEARCH_COUNT_CAP + 1]


def counted(found: int) -> Counted:
    """The count as reported: past the cap, the cap and not exact."""
    if found > SEARCH_COUNT_CAP:
        return Counted(SEARCH_COUNT_CAP, False)
    return Counted(found, True)


def only_search(statuses: tuple[str, ...], other_filters: bool) -> bool:
    """Whether the candidates alone answer the count: every status but erased is listed
    (erased members have no name terms nor blind indexes) and nothing else filters."""
    return not other_filters and {ACTIVE, LEFT} <= set(statuses)
