"""A community's 26 months for the health benchmark, written set-based, not projected.

Members and their interactions come from generate_series and random() (seeded): a few very
active members and many one-off ones (Pareto), newcomers every month and more of them as
the community grows, churn (each member's activity fades over a lifetime of their own),
1% staff and bots (bots five times as active), five channels, weighted kinds, threads
that live a week, 0.5% of interactions recorded late (for asOf), members who left, and
three planted spikes, each
with a dominant channel and thread (one with a burst of newcomers from one source, one
with a feedback item drawing supporters, one a community event). The rows go to
member_interactions (in time order, as a live projection appends them), to the health
replay staging tables and through `replay_staged` into the health rollups; then
members, member_stages, feedback items with first responses, and ANALYZE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import psycopg

from bench import feedback_seed
from bench.feedback_seed import _count, _Laps
from bench.health_replay import replay

START = datetime(2024, 10, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)  # the last day is 2026-11-30
DAYS = (END - START).days
CHANNELS = ("discord", "github", "slack", "forum", "email")
ONE_OFF_SHARE = 0.40  # members with a single interaction ever
LATE_SHARE = 0.005  # interactions recorded 1-40 days after they happened (most after 1-2)
LEFT_SHARE = 0.06
FEEDBACK_PER_MEMBER = 0.02  # feedback items per member (their supporters are members)


@dataclass(frozen=True)
class Planted:
    """A spike planted on a day: extra interactions in one thread of one channel."""

    day: date
    channel: str
    thread: str
    kind: str
    extra_share: float  # extra interactions, as a share of an average day's
    newcomers_share: float  # newcomers from `channel` that day, as a share of an average day's
    supporters: int  # supporters a feedback item draws that day (at full scale)


SPIKES = (
    Planted(date(2025, 6, 17), "github", "github-release-v3", "issue", 1.2, 1.5, 0),
    Planted(date(2026, 3, 10), "discord", "discord-outage-2026-03", "message", 1.0, 0.0, 800),
    Planted(date(2026, 10, 6), "forum", "forum-hackathon-2026", "event_attended", 0.8, 1.2, 0),
)

# One row per member: when they arrive, how much they do and for how long, who they are.
_PEOPLE = """
CREATE UNLOGGED TABLE bench_health_people AS
SELECT n, md5('member-' || n)::uuid AS member_id,
    (%(channels)s::text[])[1 + floor(random() * 5)::int] AS home,
    floor(%(days)s * sqrt(random()))::int AS first_day,
    random() < %(one_off)s AS one_off,
    random() ^ (-1 / 1.3) AS weight,
    -ln(1 - random()) AS life_draw,
    n %% 200 = 0 AS is_staff, n %% 200 = 100 AS is_bot,
    random() < %(left)s AS leaves
FROM generate_series(0, %(members)s - 1) AS n
"""
# Each member's lifetime (mean 200 days, longer for the more active; it may run past the
# end), the share of it seen by the end (activity is front-loaded: a day u^1.6 of the way
# in), and their interaction count over it: one-offs 1, the rest Pareto, scaled so that
# the interactions seen by the end add up to the total.
_LIVES = """
UPDATE bench_health_people SET
    life = CASE WHEN one_off THEN 0
        ELSE greatest(7, floor(life_draw * 200 * (1 + ln(1 + weight) / 3)))::int END,
    seen = CASE WHEN one_off THEN 1
        ELSE least(1, ((%(days)s - first_day)::float8
            / greatest(7, floor(life_draw * 200 * (1 + ln(1 + weight) / 3)))) ^ 0.625) END
"""
_SIZES = """
WITH s AS (SELECT (%(interactions)s - count(*) FILTER (WHERE one_off)
        - sum(1 - seen) FILTER (WHERE NOT one_off))
    / sum(least(weight, 3000) * CASE WHEN is_bot THEN 5 ELSE 1 END * seen)
        FILTER (WHERE NOT one_off) AS scale
    FROM bench_health_people)
UPDATE bench_health_people SET
    k = CASE WHEN one_off THEN 1 ELSE greatest(2,
        round(least(weight, 3000) * CASE WHEN is_bot THEN 5 ELSE 1 END * s.scale))::int END
FROM s
"""
_ROWS = """
CREATE UNLOGGED TABLE bench_health_rows (member_id uuid, channel text, kind text,
    occurred_at timestamptz, recorded_at timestamptz, thread_ref text)
"""
# Activity front-loaded in each lifetime (churn), the first one on the member's first day.
_INTERACTIONS = """
INSERT INTO bench_health_rows
SELECT p.member_id, r.channel, r.kind, r.at,
    CASE WHEN random() < %(late)s THEN least(r.at + (1 + 39 * random() ^ 3) * interval '1 day',
        %(end)s::timestamptz + interval '3 days')
    ELSE r.at + random() * interval '10 minutes' END,
    CASE WHEN random() < 0.7 THEN r.channel || '-w' || (r.day / 7) || '-'
        || floor(30 * random() ^ 3)::int END
FROM bench_health_people p
CROSS JOIN LATERAL generate_series(1, p.k) AS g
CROSS JOIN LATERAL (SELECT d AS day, %(start)s::timestamptz + d * interval '1 day'
        + random() * interval '1 day' AS at,
    CASE WHEN random() < 0.7 THEN p.home
        ELSE (%(channels)s::text[])[1 + floor(random() * 5)::int] END AS channel,
    (ARRAY['message','message','message','message','reply','reply','reply','post','post',
        'reaction_given','reaction_given','issue','pull_request','support_request',
        'content_shared','event_attended','answer_accepted','reaction_received',
        'referral','talk_given'])[1 + floor(random() * 20)::int] AS kind
    FROM (SELECT CASE WHEN g = 1 THEN p.first_day
        ELSE p.first_day + floor(p.life * random() ^ 1.6)::int END AS d) AS x) AS r
WHERE r.day < %(days)s
"""
# Newcomers of a planted spike: members who arrive that day from its channel.
_NEWCOMERS = """
UPDATE bench_health_people SET first_day = %(day)s, home = %(channel)s, one_off = false
WHERE n IN (SELECT n FROM bench_health_people WHERE NOT is_staff AND NOT is_bot
    AND first_day > %(day)s ORDER BY random() LIMIT %(count)s)
"""
_SPIKE_ROWS = """
INSERT INTO bench_health_rows
SELECT p.member_id, %(channel)s, %(kind)s, t.at, t.at + random() * interval '10 minutes',
    %(thread)s
FROM (SELECT member_id FROM bench_health_people
      WHERE first_day <= %(day)s AND first_day + life >= %(day)s
      ORDER BY random() LIMIT %(count)s) AS p,
    LATERAL (SELECT %(at)s::timestamptz + random() * interval '1 day' AS at) AS t
"""
# Every index of member_interactions, dropped before the rows go in and built once after.
_INTERACTION_INDEXES = {
    "member_interactions_member_idx": "(member_id, occurred_at DESC, interaction_id DESC)"
    " INCLUDE (kind)",
    "member_interactions_thread_idx": "(thread_ref) WHERE thread_ref IS NOT NULL",
}


def seed(
    conn: psycopg.Connection[Any], keyring: Any, members: int, interactions: int
) -> dict[str, Any]:
    """Fill every table the health reads touch; returns counts and seconds per step."""
    lap, timings = _Laps(), dict[str, float]()
    conn.execute("SET max_parallel_workers_per_gather = 0")  # random() stays repeatable
    conn.execute("SET TimeZone = 'UTC'")
    conn.execute("SET maintenance_work_mem = '512MB'")
    conn.execute("SET work_mem = '256MB'")
    conn.execute("SELECT setseed(0.42)")
    params = {
        "members": members,
        "interactions": interactions,
        "days": DAYS,
        "channels": list(CHANNELS),
        "one_off": ONE_OFF_SHARE,
        "left": LEFT_SHARE,
        "late": LATE_SHARE,
        "start": START,
        "end": END,
    }
    conn.execute("DROP TABLE IF EXISTS bench_health_people, bench_health_rows")
    conn.execute(_PEOPLE, params)
    for spike in SPIKES:
        count = round(spike.newcomers_share * members / DAYS)
        if count:
            conn.execute(_NEWCOMERS, {**_day(spike), "count": count})
    conn.execute(
        "ALTER TABLE bench_health_people ADD COLUMN k int, ADD COLUMN life int,"
        " ADD COLUMN seen float8"
    )
    conn.execute(_LIVES, params)
    conn.execute(_SIZES, params)
    timings["people_s"] = lap()
    conn.execute(_ROWS)
    conn.execute(_INTERACTIONS, params)
    for spike in SPIKES:
        count = round(spike.extra_share * interactions / DAYS)
        conn.execute(_SPIKE_ROWS, {**_day(spike), "count": count})
    timings["rows_s"] = lap()
    _interactions(conn)
    timings["member_interactions_s"] = lap()
    conn.execute("DROP TABLE bench_health_rows")
    return {
        "members": members,
        "spikes_planted": [f"{s.day} {s.channel} {s.thread}" for s in SPIKES],
        **finish(conn, keyring, members, timings),
    }


def finish(
    conn: psycopg.Connection[Any], keyring: Any, members: int, timings: dict[str, float]
) -> dict[str, Any]:
    """From the seeded interactions on: the health tables by the projection's replay, the
    members and stages, feedback (unless there), ANALYZE. Run again by `--reuse --replay`."""
    lap = _Laps()
    replay(conn, START, END, DAYS)
    timings["health_replay_s"] = lap()
    _members(conn)
    timings["members_and_stages_s"] = lap()
    if not _count(conn, "feedback_items"):
        feedback_seed.seed(conn, keyring, max(100, round(members * FEEDBACK_PER_MEMBER)))
        _planted_supporters(conn, members)
        timings["feedback_s"] = lap()
    conn.execute("VACUUM ANALYZE")
    timings["vacuum_analyze_s"] = lap()
    return {
        "interactions": _count(conn, "member_interactions"),
        "feedback_items": _count(conn, "feedback_items"),
        "health_rows": {
            t: _count(conn, t)
            for t in (
                "health_members",
                "health_member_periods",
                "health_daily",
                "health_counts",
                "health_rollups",
                "health_threads",
                "health_member_threads",
                "health_newcomers",
            )
        },
        "seconds": {k: round(v, 1) for k, v in timings.items()},
    }


def _interactions(conn: psycopg.Connection[Any]) -> None:
    """Append the rows in time order without indexes, then build each index once."""
    conn.execute("TRUNCATE member_interactions")
    conn.execute(
        "ALTER TABLE member_interactions DROP CONSTRAINT IF EXISTS member_interactions_pkey"
    )
    for index in _INTERACTION_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {index}")
    conn.execute(
        "INSERT INTO member_interactions (interaction_id, member_id, channel, kind, occurred_at,"
        " external_id, thread_ref, recorded_at)"
        " SELECT gen_random_uuid(), member_id, channel, kind, occurred_at,"
        " 'bench-' || row_number() OVER (), thread_ref, recorded_at"
        " FROM bench_health_rows ORDER BY occurred_at"
    )
    conn.execute("ALTER TABLE member_interactions ADD PRIMARY KEY (interaction_id)")
    for index, definition in _INTERACTION_INDEXES.items():
        conn.execute(f"CREATE INDEX {index} ON member_interactions {definition}")


def _members(conn: psycopg.Connection[Any]) -> None:
    """The members read model (source channel, flags) and lifecycle stages."""
    conn.execute("TRUNCATE members, member_stages")
    conn.execute(
        "INSERT INTO members (member_id, display_name, status, joined_at, source_channel,"
        " channels, is_staff, is_bot, left_at, version, updated_at)"
        " SELECT h.member_id, 'Member ' || p.n, CASE WHEN h.left_at IS NULL THEN 'active'"
        "   ELSE 'left' END, coalesce(h.joined_at, %(start)s), p.home, ARRAY[p.home],"
        "   p.is_staff, p.is_bot, h.left_at, 1, %(end)s"
        " FROM bench_health_people p JOIN health_members h USING (member_id)",
        {"start": START, "end": END},
    )
    conn.execute(
        "INSERT INTO member_stages (member_id, stage, since, rule_version, reason)"
        " SELECT member_id, stage, %(end)s, 'bench', 'seeded' FROM bench_health_stages",
        {"end": END},
    )


def _planted_supporters(conn: psycopg.Connection[Any], members: int) -> None:
    """A feedback item drawing supporters on the planted spike days that name a number."""
    for spike in SPIKES:
        if not spike.supporters:
            continue
        count = max(5, round(spike.supporters * members / 1_000_000))
        conn.execute(
            "INSERT INTO feedback_supports (item_id, member_id, importance, supported_at)"
            " SELECT (SELECT item_id FROM feedback_items WHERE submitted_at < %(at)s"
            "   ORDER BY submitted_at DESC LIMIT 1), member_id, 'important',"
            "   %(at)s::timestamptz + random() * interval '1 day'"
            " FROM health_members WHERE counted AND first_at < %(at)s ORDER BY random()"
            " LIMIT %(count)s ON CONFLICT DO NOTHING",
            {"at": _at(spike.day), "count": count},
        )


def _day(spike: Planted) -> dict[str, Any]:
    return {
        "day": (spike.day - START.date()).days,
        "at": _at(spike.day),
        "channel": spike.channel,
        "thread": spike.thread,
        "kind": spike.kind,
    }


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
