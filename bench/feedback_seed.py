"""Feedback read-model rows for the feedback benchmark, written set-based, not projected.

The benchmark measures reads, so the tables are filled directly: every column of
feedback_items is derived in SQL from the item's number (generate_series), five supports
per item on average come from one INSERT … SELECT, and one history row per item. Only
the sealed texts are made in Python, because each is sealed (AES-GCM, as the projection
seals them) under its author's real key, bound to its item id: authors are a pool of
members with real keys in personal_data_keys, so exports pay the real cost of opening.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from application.migrations import available_migrations
from projections.feedback.histogram import FILL, FILL_HISTOGRAM, FILL_ROLLUP
from projections.personal import FEEDBACK_TEXT, seal_value

END = datetime(2026, 11, 30, tzinfo=UTC)
SPAN = timedelta(days=730)  # two years of feedback
MEMBERS = 1_000_000  # supporters are drawn from this many member ids
AUTHORS_PER_ITEM = 0.1  # one author for ten items: a pool of members who write
SEED = 42
FEEDBACK_MIGRATION = 15  # the feedback read model's migration (unreleased, still edited)
WORDS = (
    "export dark mode search slow crash login billing invoice api webhook mobile sync"
    " offline notification calendar permissions sso csv import onboarding docs latency"
).split()

# Each column from the item number n (1-based): a spread like a real community's.
_ITEMS_SQL = """
INSERT INTO feedback_items (
    item_id, author_id, submitted_by, channel, kind, sealed_text, product_area, priority,
    team, status, submitted_at, first_response_at, first_response_channel, responses,
    duplicate_of, duplicates, tracker_url, tracker_key, supporters, unique_members,
    weighted_support, voice, loop_closed, loop_owed, author_erased, version, position,
    changed_at, status_changed_at)
SELECT s.item_id, s.author_id, NULL,
    (ARRAY['discord','forum','github','slack','email'])[1 + s.n %% 5],
    (ARRAY['praise','criticism','question','bug','feature_request','idea'])[1 + s.n %% 6],
    s.sealed,
    'area-' || (s.n * 7 %% 20),
    CASE WHEN s.n %% 10 < 3 THEN NULL
         ELSE (ARRAY['urgent','high','normal','low'])[1 + s.n %% 4] END,
    CASE WHEN s.n %% 10 < 3 THEN NULL ELSE 'team-' || (s.n %% 6) END,
    (ARRAY['open','open','open','under_review','planned','in_progress','shipped','declined',
           'answered','answered'])[1 + s.n * 13 %% 10],
    t.at,
    CASE WHEN s.n %% 5 = 0 THEN NULL
         ELSE t.at + (s.n::bigint * 7919 %% 259200) * interval '1 second' END,
    CASE WHEN s.n %% 5 = 0 THEN NULL ELSE 'forum' END,
    CASE WHEN s.n %% 5 = 0 THEN 0 ELSE 1 + s.n %% 3 END,
    NULL, 0, NULL, NULL,
    s.n %% 11, 1 + s.n %% 11, 1 + 2 * (s.n %% 11), (1 + 2 * (s.n %% 11)) * 1.5,
    0, 1 + s.n %% 11, false, 1 + s.n %% 4,
    4 * s.n, t.at, t.at
FROM bench_feedback_seed s,
     LATERAL (SELECT %(start)s::timestamptz
                     + (s.n::float8 / %(items)s) * %(span)s::interval AS at) t
"""

# n % 11 supporters for item n (five on average), distinct members of MEMBERS ids.
_SUPPORTS_SQL = """
INSERT INTO feedback_supports (item_id, member_id, importance, supported_at)
SELECT i.item_id,
       md5('member-' || ((s.n::bigint * 104729 + k * 15485863) %% %(members)s))::uuid,
       (ARRAY['critical','important','nice_to_have','unknown'])[1 + (s.n + k) %% 4],
       i.submitted_at + k * interval '1 hour'
FROM bench_feedback_seed s
JOIN feedback_items i USING (item_id)
CROSS JOIN LATERAL generate_series(1, s.n %% 11) AS k
"""

_HISTORY_SQL = """
INSERT INTO feedback_history (item_id, position, change, at, actor_id)
SELECT item_id, position, 'submitted', submitted_at, author_id FROM feedback_items
"""


def seed(conn: psycopg.Connection[Any], keyring: Any, items: int) -> dict[str, Any]:
    """Fill the feedback tables with `items` items; returns counts and seconds per step."""
    timings: dict[str, float] = {}
    lap = _Laps()
    authors = [uuid.uuid4() for _ in range(max(10, round(items * AUTHORS_PER_ITEM)))]
    keyring.create_keys(authors)
    keys = keyring.preload(authors)
    timings["author_keys_s"] = lap()
    conn.execute(
        "CREATE UNLOGGED TABLE bench_feedback_seed"
        " (n integer, item_id uuid, author_id uuid, sealed bytea)"
    )
    _copy_sealed(conn, authors, keys, items)
    timings["seal_and_copy_s"] = lap()
    params = {"start": END - SPAN, "items": items, "span": SPAN, "members": MEMBERS}
    conn.execute(_ITEMS_SQL, params)
    timings["items_s"] = lap()
    conn.execute(_SUPPORTS_SQL, params)
    timings["supports_s"] = lap()
    conn.execute(_HISTORY_SQL)
    conn.execute("DROP TABLE bench_feedback_seed")
    timings["history_s"] = lap()
    conn.execute(FILL)
    timings["response_histogram_s"] = lap()
    # This server may run without autovacuum: plans need statistics, and the report's
    # index-only scans a visibility map.
    conn.execute("VACUUM feedback_response_histogram, feedback_response_rollup")
    conn.execute(
        "ANALYZE feedback_items, feedback_supports, feedback_history, personal_data_keys,"
        " feedback_response_histogram, feedback_response_rollup"
    )
    timings["analyze_s"] = lap()
    return {
        "items": items,
        "supports": _count(conn, "feedback_supports"),
        "history": _count(conn, "feedback_history"),
        "authors_with_keys": len(authors),
        "supporter_ids": MEMBERS,
        "seconds": {k: round(v, 1) for k, v in timings.items()},
    }


def refresh_reused(conn: psycopg.Connection[Any]) -> dict[str, Any]:
    """Bring a reused database up to the feedback migration as it is now, and fill what is new.

    Migration 0015 is unreleased and still edited; every statement of it is idempotent, so
    it runs again and its fingerprint is recorded anew (the check would refuse it otherwise).
    The response-time histogram is filled from the items, and its rollup from it, if empty.
    """
    lap = _Laps()
    migration = next(m for m in available_migrations() if m.version == FEEDBACK_MIGRATION)
    conn.execute(migration.sql)
    conn.execute(
        "UPDATE schema_migrations SET checksum = %s WHERE version = %s",
        (migration.checksum, migration.version),
    )
    filled = []
    if _empty(conn, "feedback_response_histogram"):
        conn.execute(FILL_HISTOGRAM)
        filled.append("feedback_response_histogram")
    if _empty(conn, "feedback_response_rollup"):
        conn.execute(FILL_ROLLUP)
        filled.append("feedback_response_rollup")
    if filled:
        conn.execute(f"VACUUM (ANALYZE) {', '.join(filled)}")
        conn.execute("ANALYZE feedback_items")
    return {
        "filled": filled,
        "histogram_rows": _count(conn, "feedback_response_histogram"),
        "rollup_rows": _count(conn, "feedback_response_rollup"),
        "seconds": round(lap(), 1),
    }


def _copy_sealed(
    conn: psycopg.Connection[Any], authors: list[uuid.UUID], keys: dict[uuid.UUID, Any], items: int
) -> None:
    """Each item's id, author and text sealed under the author's key, by COPY."""
    rng = random.Random(SEED)
    with conn.cursor().copy(
        "COPY bench_feedback_seed (n, item_id, author_id, sealed) FROM STDIN"
    ) as copy:
        for n in range(1, items + 1):
            item_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            author = authors[rng.randrange(len(authors))]
            text = " ".join(rng.choices(WORDS, k=rng.randint(6, 40)))
            if n % 50 == 0:
                text = f'=HYPERLINK("x"), "quoted"\n{text}'  # the export quotes and neutralises
            value = {"text": text, "source_url": f"https://forum.example/t/{n}"}
            copy.write_row(
                (n, item_id, author, seal_value(keys[author], value, FEEDBACK_TEXT, item_id))
            )


def _empty(conn: psycopg.Connection[Any], table: str) -> bool:
    row = conn.execute(f"SELECT NOT EXISTS (SELECT FROM {table})").fetchone()  # noqa: S608
    return bool(row and row[0])


def _count(conn: psycopg.Connection[Any], table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 - fixed names
    return int(row[0]) if row else 0


class _Laps:
    """Seconds since the previous call (or since creation)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def __call__(self) -> float:
        now = time.perf_counter()
        seconds, self.last = now - self.last, now
        return seconds
