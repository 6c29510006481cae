"""Member search on PostgreSQL: keyed name terms, paging, the capped count, erasure."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from api.bootstrap import personal_data
from api.projection_wiring import build_runners
from application.runtime import Runtime
from domain.commands import IdentityRef
from domain.members import commands as cmd
from projections.members.name_terms import query_term
from projections.members.queries import MemberFilter, MemberOrder, MemberQueries
from projections.members.search import SEARCH_COUNT_CAP, Counted

pytestmark = pytest.mark.integration

# Members inserted straight into the read model, all named "Capped<mark> <n>".
SEED_MEMBERS = """
INSERT INTO members (member_id, display_name, status, joined_at, source_channel, version,
    updated_at, tags)
SELECT md5(%(mark)s || n)::uuid, 'Capped' || %(mark)s || ' ' || n,
    CASE WHEN n %% 2 = 0 THEN 'active' ELSE 'left' END,
    now() - make_interval(mins => n), 'discord', 1, now(),
    CASE WHEN n %% 2 = 0 THEN ARRAY[%(mark)s] ELSE '{}' END
FROM generate_series(%(first)s::int, %(last)s::int) AS n
"""
SEED_TERMS = """
INSERT INTO member_name_terms (term, joined_at, member_id)
SELECT %(term)s, joined_at, member_id FROM members
WHERE display_name LIKE 'Capped' || %(mark)s || ' %%'
ON CONFLICT DO NOTHING
"""


def _terms_of(runtime: Runtime, member_id: UUID) -> int:
    with runtime.pool.connection() as conn:
        row = conn.execute(
            "SELECT count(*) FROM member_name_terms WHERE member_id = %s", (member_id,)
        ).fetchone()
    assert row is not None
    return int(row[0])


def _queries(runtime: Runtime) -> MemberQueries:
    return MemberQueries(runtime.pool, personal_data(runtime))


def _caught_up(runtime: Runtime) -> None:
    for runner in build_runners(runtime):
        runner.catch_up()


def _search(queries: MemberQueries, text: str, **given: object) -> MemberFilter:
    return queries.search_filter(MemberFilter(search=text, **given))  # type: ignore[arg-type]


def _ids(queries: MemberQueries, where: MemberFilter, order: MemberOrder) -> list[UUID]:
    """Every member the search lists, page after page of two."""
    found: list[UUID] = []
    after = None
    while True:
        page = queries.page(where, order, after, 2)
        found += [row["member_id"] for row in page.rows]
        if not page.has_next:
            return found
        after = page.cursors[-1]


def _join(runtime: Runtime, name: str, days_ago: int, handle: str | None = None) -> UUID:
    identities = [IdentityRef(channel="discord", handle=handle)] if handle else []
    return runtime.community.join_member(
        cmd.JoinMember(
            display_name=name,
            joined_at=datetime.now(UTC) - timedelta(days=days_ago),
            identities=identities,
        )
    ).member.id


def test_names_match_from_the_start_of_any_word_across_the_words_after(
    runtime: Runtime,
) -> None:
    mark = uuid.uuid4().hex[:8]
    ada = _join(runtime, f"Ada Lovelace-{mark}", 3)
    jean = _join(runtime, f"Jean-Luc {mark} Picard", 2)
    _caught_up(runtime)
    queries = _queries(runtime)
    for text, expected in (
        (f"ada lovelace {mark}", [ada]),
        (f"LOVELACE-{mark}", [ada]),
        (f"{mark[:4]}", [jean, ada]),
        (f"luc {mark} pic", [jean]),
        (f"  Jean  luc {mark}!", [jean]),
        (f"velace {mark}", []),
        (f"{mark[1:]}", []),
        ("%", []),
    ):
        where = _search(queries, text)
        assert _ids(queries, where, MemberOrder.JOINED_AT_DESC) == expected, text
        assert queries.counted(where) == Counted(len(expected), True), text


def test_a_search_pages_in_every_order_and_lists_a_member_matching_twice_once(
    runtime: Runtime,
) -> None:
    mark = uuid.uuid4().hex[:8]
    names = [f"Zed{mark} {n}" for n in ("d", "b", "e", "a", "c")]
    joined = [_join(runtime, name, days) for days, name in enumerate(names)]
    # Found by name and by the handle, exactly: listed once, counted once.
    both = _join(runtime, f"zed{mark} f", 9, handle=f"zed{mark}")
    _caught_up(runtime)
    queries = _queries(runtime)
    where = _search(queries, f"zed{mark}")
    newest_first = [*joined, both]
    assert _ids(queries, where, MemberOrder.JOINED_AT_DESC) == newest_first
    assert _ids(queries, where, MemberOrder.JOINED_AT_ASC) == newest_first[::-1]
    by_name = [joined[3], joined[1], joined[4], joined[0], joined[2], both]
    assert _ids(queries, where, MemberOrder.DISPLAY_NAME_ASC) == by_name
    assert queries.counted(where) == Counted(6, True)
    # Other filters narrow the search, page and count alike.
    runtime.community.tag_member(cmd.TagMember(member_id=joined[1], tag=mark))
    _caught_up(runtime)
    tagged = _search(queries, f"zed{mark}", tag=mark)
    assert _ids(queries, tagged, MemberOrder.JOINED_AT_DESC) == [joined[1]]
    assert queries.counted(tagged) == Counted(1, True)


def test_an_erased_member_has_no_terms_and_is_found_by_nothing(runtime: Runtime) -> None:
    mark = uuid.uuid4().hex[:8]
    erased = _join(runtime, f"Vanishing {mark}", 1, handle=f"gone{mark}")
    renamed = _join(runtime, f"Before {mark}", 1)
    _caught_up(runtime)
    queries = _queries(runtime)
    assert _terms_of(runtime, erased) > 0
    runtime.community.erase_member(cmd.EraseMember(member_id=erased))
    runtime.community.update_member_profile(
        cmd.UpdateMemberProfile(member_id=renamed, display_name=f"After {mark}")
    )
    _caught_up(runtime)
    assert _terms_of(runtime, erased) == 0
    every = ("active", "left", "erased")
    for text in (f"vanishing {mark}", mark, f"gone{mark}", f"@gone{mark}"):
        where = _search(queries, text, statuses=every)
        expected = [renamed] if text == mark else []
        assert _ids(queries, where, MemberOrder.JOINED_AT_DESC) == expected, text
    # A new name replaces the old one's terms.
    assert queries.counted(_search(queries, f"before {mark}")) == Counted(0, True)
    assert queries.counted(_search(queries, f"after {mark}")) == Counted(1, True)


def test_the_count_is_exact_up_to_the_cap_and_capped_past_it(runtime: Runtime) -> None:
    mark = uuid.uuid4().hex[:8]
    queries = _queries(runtime)
    term = query_term(personal_data(runtime), f"Capped{mark}")
    seeded = 0
    for members in (SEARCH_COUNT_CAP - 1, SEARCH_COUNT_CAP, SEARCH_COUNT_CAP + 1):
        with runtime.pool.connection() as conn:
            conn.execute(SEED_MEMBERS, {"mark": mark, "first": seeded + 1, "last": members})
            conn.execute(SEED_TERMS, {"mark": mark, "term": term})
        seeded = members
        expected = Counted(min(members, SEARCH_COUNT_CAP), members <= SEARCH_COUNT_CAP)
        # From the terms alone, and joined with the rows when another filter asks it.
        assert queries.counted(_search(queries, f"capped{mark}")) == expected, members
        assert (
            queries.counted(
                _search(queries, f"capped{mark}", statuses=("active", "left"), is_bot=False)
            )
            == expected
        ), members
        tagged = _search(queries, f"capped{mark}", tag=mark)
        assert queries.counted(tagged) == Counted(members // 2, True), members
    page = queries.page(_search(queries, f"capped{mark}"), MemberOrder.JOINED_AT_DESC, None, 3)
    assert [r["display_name"] for r in page.rows] == [f"Capped{mark} {n}" for n in (1, 2, 3)]
