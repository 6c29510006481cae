"""Reads over the `members` projection: lookups, filtered keyset pages and counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from operator import itemgetter
from typing import Any
from uuid import UUID

from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from domain.members.member import ACTIVE, LEFT
from projections.cursors import Keyset, Page, Row
from projections.members.name_terms import query_term
from projections.members.search import Counted, Search, counted, only_search
from projections.personal import ATTRIBUTES, EMAIL, HANDLE, PersonalData, open_value

DEFAULT_STATUSES = (ACTIVE, LEFT)


class MemberOrder(StrEnum):
    """Orderings of the member list; each has an index matching its columns and directions."""

    JOINED_AT_DESC = "joined_at_desc"
    JOINED_AT_ASC = "joined_at_asc"
    DISPLAY_NAME_ASC = "display_name_asc"


_ORDER_SQL = {
    MemberOrder.JOINED_AT_DESC: ("joined_at", "<", "joined_at DESC, member_id DESC"),
    MemberOrder.JOINED_AT_ASC: ("joined_at", ">", "joined_at ASC, member_id ASC"),
    MemberOrder.DISPLAY_NAME_ASC: (
        "coalesce(lower(display_name), '')",
        ">",
        "coalesce(lower(display_name), '') ASC, member_id ASC",
    ),
}
_KEYSETS = {
    order: Keyset(order.value, itemgetter("joined_at"), "member_id", datetime)
    for order in (MemberOrder.JOINED_AT_DESC, MemberOrder.JOINED_AT_ASC)
} | {
    MemberOrder.DISPLAY_NAME_ASC: Keyset(
        MemberOrder.DISPLAY_NAME_ASC.value,
        lambda row: (row["display_name"] or "").lower(),
        "member_id",
        str,
    )
}


@dataclass(frozen=True)
class MemberFilter:
    """Which members a list shows; every given criterion must hold."""

    statuses: tuple[str, ...] = DEFAULT_STATUSES
    tag: str | None = None
    channel: str | None = None
    search: str | None = None
    is_staff: bool | None = None
    is_bot: bool | None = None
    # good, suspended or banned now, from the conduct read model's member_standing.
    standing: str | None = None
    # Chose this option of why they joined, from the outreach read model's member_motivations.
    motivation: str | None = None
    # Blind indexes of the search text: an exact e-mail or handle (see PersonalData).
    search_keys: tuple[bytes, ...] = ()
    # The keyed term of the search text as the start of a name (see name_terms).
    name_term: int | None = None

    @property
    def searched(self) -> Search:
        """What the search compares, as projections/members/search.py reads it."""
        return Search(self.name_term, self.search_keys)


class MemberQueries:
    """SQL over the members read tables; no query here reads the event log.

    Rows come back with personal values sealed; `open` turns them into plaintext for
    callers allowed to see personal data, and into nulls for the others.
    """

    def __init__(self, pool: ConnectionPool, personal: PersonalData) -> None:
        self.pool = pool
        self.personal = personal

    def by_ids(self, member_ids: list[UUID]) -> dict[UUID, Row]:
        """Members by id (absent ids are simply missing)."""
        return {
            r["member_id"]: r
            for r in self._rows("SELECT * FROM members WHERE member_id = ANY(%s)", (member_ids,))
        }

    def by_identity(self, channel: str, handle: str) -> Row | None:
        """The member holding a channel identity, if any: found by the handle's blind index.

        A handle of a member merged into another finds the member it is counted as.
        """
        rows = self._rows(
            "SELECT m.* FROM member_identities i JOIN members h USING (member_id)"
            " JOIN members m ON m.member_id = coalesce(h.merged_into, h.member_id)"
            " WHERE i.channel = %s AND i.handle_key = %s",
            (channel, self.personal.handle_key(handle)),
        )
        return rows[0] if rows else None

    def search_filter(self, where: MemberFilter) -> MemberFilter:
        """The filter with the blind indexes its search text is matched against exactly."""
        if not where.search:
            return where
        return replace(
            where,
            search_keys=tuple(self.personal.search_keys(where.search)),
            name_term=query_term(self.personal, where.search),
        )

    def open(self, rows: Iterable[Row], identities: dict[UUID, list[Row]], reveal: bool) -> None:
        """Put each row's personal values in clear (`reveal`) or as nulls, in place.

        One key query serves the whole page; roles without personal-data access never
        have anything opened, and do not see display names either.
        """
        rows = list(rows)
        holders = {i["member_id"] for found in identities.values() for i in found}
        subjects = {r["member_id"] for r in rows} | holders
        keys = self.personal.reader_keys(subjects) if reveal else {}
        for row in rows:
            member_id = row["member_id"]
            key = keys.get(member_id)
            if not reveal:
                row["display_name"] = None
            row["email"] = open_value(key, row.pop("sealed_email", None), EMAIL, member_id)
            attributes = open_value(key, row.pop("sealed_attributes", None), ATTRIBUTES, member_id)
            row["attributes"] = (attributes or {}) if reveal else None
            for identity in identities.get(member_id, ()):
                # Sealed under the key of the member holding it (one merged in, perhaps).
                holder = identity["member_id"]
                owner = f"{holder}:{identity['channel']}"
                identity["handle"] = open_value(
                    keys.get(holder), identity.pop("sealed_handle", None), HANDLE, owner
                )

    def identities(self, member_ids: list[UUID]) -> dict[UUID, list[Row]]:
        """Each member's identities, oldest link first, with those of members merged into it."""
        found: dict[UUID, list[Row]] = {member_id: [] for member_id in member_ids}
        for row in self._rows(
            "SELECT i.*, i.member_id AS person_id FROM member_identities i"
            " WHERE i.member_id = ANY(%s)"
            " UNION ALL SELECT i.*, s.merged_into FROM members s"
            " JOIN member_identities i USING (member_id) WHERE s.merged_into = ANY(%s)"
            " ORDER BY linked_at, channel",
            (member_ids, member_ids),
        ):
            found[row.pop("person_id")].append(row)
        return found

    def page(self, where: MemberFilter, order: MemberOrder, after: str | None, limit: int) -> Page:
        """A page of members after the cursor, plus whether more follow."""
        keyset = _KEYSETS[order]
        if where.search:
            return keyset.page(self._rows(*_search_page(where, order, after, limit)), limit)
        key_sql, comparison, order_sql = _ORDER_SQL[order]
        conditions, params = _conditions(where)
        if after is not None:
            key, member_id = keyset.decode(after)
            conditions.append(sql.SQL(f"({key_sql}, member_id) {comparison} (%s, %s)"))
            params += [key, member_id]
        query = sql.SQL("SELECT * FROM members WHERE {} ORDER BY {} LIMIT %s").format(
            sql.SQL(" AND ").join(conditions), sql.SQL(order_sql)
        )
        return keyset.page(self._rows(query, [*params, limit + 1]), limit)

    def count(self, where: MemberFilter) -> int:
        """How many members match (a search's count stops at the cap, see `counted`)."""
        return self.counted(where).total

    def counted(self, where: MemberFilter) -> Counted:
        """How many members match: a search's exactly up to SEARCH_COUNT_CAP, else exactly."""
        if where.search:
            conditions, params = _conditions(where)
            alone = only_search(where.statuses, len(conditions) > 1)
            query = where.searched.counting(None if alone else _joined(conditions, params))
            return counted(int(self._rows(*query)[0]["count"]))
        return Counted(self._exact_count(where), True)

    def _exact_count(self, where: MemberFilter) -> int:
        """From the counters when they can answer, else by counting."""
        dimension, value = _counter_for(where)
        if dimension is None:
            conditions, params = _conditions(where)
            query = sql.SQL("SELECT count(*) FROM members WHERE {}").format(
                sql.SQL(" AND ").join(conditions)
            )
            return int(self._rows(query, params)[0]["count"])
        dimensions = [dimension.format(status=s) for s in where.statuses]
        rows = self._rows(
            "SELECT coalesce(sum(count), 0) AS total FROM member_counts"
            " WHERE dimension = ANY(%s) AND value = ANY(%s)",
            (dimensions, [value] if value is not None else list(where.statuses)),
        )
        return int(rows[0]["total"])

    def _rows(self, query: Any, params: Any = ()) -> list[Row]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall()


def _conditions(where: MemberFilter) -> tuple[list[sql.Composable], list[Any]]:
    conditions: list[sql.Composable] = [sql.SQL("status = ANY(%s)")]
    params: list[Any] = [list(where.statuses)]
    if where.tag is not None:
        conditions.append(sql.SQL("tags @> ARRAY[%s]::text[]"))
        params.append(where.tag)
    if where.channel is not None:
        conditions.append(sql.SQL("channels @> ARRAY[%s]::text[]"))
        params.append(where.channel)
    for column in ("is_staff", "is_bot"):
        if getattr(where, column) is not None:
            conditions.append(sql.SQL(f"{column} = %s"))
            params.append(getattr(where, column))
    if where.standing is not None:
        conditions.append(sql.SQL(_STANDING[where.standing]))
    if where.motivation is not None:
        conditions.append(sql.SQL(_MOTIVATION))
        params.append([where.motivation])
    return conditions, params


# A member's standing now (see migrations/0019_conduct.sql): a suspension counts until it ends.
_STANDING_IS = "EXISTS (SELECT FROM member_standing s WHERE s.member_id = members.member_id AND "
_STANDING = {
    "banned": _STANDING_IS + "s.standing = 'banned')",
    "suspended": _STANDING_IS + "s.standing = 'suspended' AND s.until > now())",
    "good": "NOT " + _STANDING_IS + "(s.standing = 'banned' OR s.until > now()))",
}

# The member's latest answer to why they joined includes the option (migration 0024).
_MOTIVATION = (
    "EXISTS (SELECT FROM member_motivations mm"
    " WHERE mm.member_id = members.member_id AND mm.options @> %s::text[])"
)


def _counter_for(where: MemberFilter) -> tuple[str | None, str | None]:
    """The counter dimension answering this filter, or (None, None) when none can."""
    if where.search or where.is_staff is not None or where.is_bot is not None or where.standing:
        return None, None
    if where.motivation is not None:
        return None, None
    if where.tag is not None and where.channel is not None:
        return None, None
    if where.tag is not None:
        return "tag:{status}", where.tag
    if where.channel is not None:
        return "channel:{status}", where.channel
    return "status", None


def _joined(
    conditions: list[sql.Composable], params: list[Any]
) -> tuple[sql.Composable, list[Any]]:
    return sql.SQL(" AND ").join(conditions), params


def _search_page(
    where: MemberFilter, order: MemberOrder, after: str | None, limit: int
) -> tuple[sql.Composable, list[Any]]:
    """A search's page: candidates by name term and blind index (projections/.../search.py)."""
    key_sql, comparison, order_sql = _ORDER_SQL[order]
    conditions, params = _conditions(where)
    search = where.searched
    if order is MemberOrder.DISPLAY_NAME_ASC:
        if after is not None:
            key, member_id = _KEYSETS[order].decode(after)
            conditions.append(sql.SQL(f"({key_sql}, member_id) {comparison} (%s, %s)"))
            params += [key, member_id]
        return search.sorted_page(_joined(conditions, params), order_sql, limit + 1)
    keyset = list(_KEYSETS[order].decode(after)) if after is not None else None
    ascending = order is MemberOrder.JOINED_AT_ASC
    return search.joined_page(_joined(conditions, params), ascending, keyset, limit + 1)
