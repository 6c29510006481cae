"""The outreach log benchmark's community, written set-based, not projected.

The reads measured (the welcome queue, outreach effectiveness) read outreach_newcomers,
outreach_log, member_interactions and member_stage_history: those are filled directly from
generate_series, shaped like a large community over the year before END:

- members joined one a day per thousand over 1,000 days (1,000 a day at 1M members), in
  four channels; seven in ten said something two hours after joining (their thread is one
  of 50,000); three in five were welcomed (outreach or staff reply) within 0-71 hours;
- six interactions per member spread over 400 days;
- stages: active from joining; one member in ten went at risk at some moment of the year,
  half of them back to active 3-27 days later, the others inactive 60 days later;
- outreach: one at-risk member in seven was contacted two days after going at risk
  (AT_RISK_RECOVERY), and one member in a hundred had another outreach during the year
  (the other purposes, in turn), by ten staff members on three channels.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import psycopg

END = datetime(2026, 12, 1, tzinfo=UTC)
CHANNELS = "ARRAY['discord','slack','github','forum']"

_BASE = f"""
CREATE UNLOGGED TABLE bench_outreach_members AS
SELECT n, md5('ol-m-' || n)::uuid AS member_id,
    %(end)s::timestamptz - (n %% 1000) * interval '1 day' - (n %% 24) * interval '1 hour'
        AS joined,
    ({CHANNELS})[1 + n %% 4] AS channel,
    %(end)s::timestamptz - (n %% 365) * interval '1 day' - interval '12 hours' AS risk_at,
    CASE WHEN n %% 20 = 0 THEN (3 + n %% 25) * interval '1 day' ELSE interval '60 days' END
        AS risk_for
FROM generate_series(1, %(members)s) AS n
"""
_NEWCOMERS = """
INSERT INTO outreach_newcomers (member_id, joined_at, source_channel, first_interaction_at,
    first_interaction_id, first_channel, first_thread_ref, welcomed_at, welcomed_by,
    welcomed_how)
SELECT member_id, joined, channel,
    CASE WHEN n %% 10 < 7 THEN joined + interval '2 hours' END,
    CASE WHEN n %% 10 < 7 THEN md5('ol-i-' || n || '-0')::uuid END,
    CASE WHEN n %% 10 < 7 THEN channel END,
    CASE WHEN n %% 10 < 7 THEN 'thread-' || (n %% 50000) END,
    w.at, CASE WHEN w.at IS NOT NULL THEN md5('ol-staff-' || n %% 10)::uuid END,
    CASE WHEN w.at IS NOT NULL THEN (ARRAY['outreach','staff_reply'])[1 + n %% 2] END
FROM bench_outreach_members
CROSS JOIN LATERAL (
    SELECT CASE WHEN n %% 5 < 3 AND joined + (n %% 72) * interval '1 hour' < %(end)s
        THEN joined + (n %% 72) * interval '1 hour' END AS at
) w
"""
_INTERACTIONS = """
INSERT INTO member_interactions (interaction_id, member_id, channel, kind, occurred_at,
    external_id, thread_ref, recorded_at)
SELECT md5('ol-i-' || n || '-' || k)::uuid, member_id, channel, 'message',
    %(end)s::timestamptz - ((n * 7 + k * 53) %% 400) * interval '1 day'
        - (n %% 20) * interval '1 hour',
    'ol-' || n || '-' || k, 'thread-' || ((n + k) %% 50000), %(end)s::timestamptz
FROM bench_outreach_members CROSS JOIN generate_series(1, 6) AS k
"""
_AT_RISK = "n %% 10 = 0 AND risk_at > joined"
_STAGES = f"""
INSERT INTO member_stage_history (member_id, version, stage, previous, effective_at, until,
    rule_version, reason, recorded_at)
SELECT member_id, 1, 'active', NULL, joined,
    CASE WHEN {_AT_RISK} THEN risk_at END, 'bench', 'seeded', %(end)s
FROM bench_outreach_members
UNION ALL
SELECT member_id, 2, 'at_risk', 'active', risk_at, risk_at + risk_for, 'bench', 'seeded', %(end)s
FROM bench_outreach_members WHERE {_AT_RISK}
UNION ALL
SELECT member_id, 3, CASE WHEN n %% 20 = 0 THEN 'active' ELSE 'inactive' END, 'at_risk',
    risk_at + risk_for, NULL, 'bench', 'seeded', %(end)s
FROM bench_outreach_members WHERE {_AT_RISK}
"""
_OUTREACH = f"""
INSERT INTO outreach_log (outreach_id, member_id, staff_id, channel, purpose, at, position,
    recorded_at)
SELECT md5('ol-o-' || n)::uuid, member_id, md5('ol-staff-' || n %% 10)::uuid,
    (ARRAY['discord','email','slack'])[1 + n %% 3], 'at_risk_recovery',
    risk_at + interval '2 days', n, %(end)s
FROM bench_outreach_members
WHERE {_AT_RISK} AND (n / 10) %% 7 = 0 AND risk_at + interval '2 days' < %(end)s
UNION ALL
SELECT md5('ol-p-' || n)::uuid, member_id, md5('ol-staff-' || n %% 10)::uuid,
    (ARRAY['discord','email','slack'])[1 + n %% 3],
    (ARRAY['welcome','check_in','ambassador_invite','feedback_follow_up','event_invite',
           'other'])[1 + (n / 100) %% 6],
    %(end)s::timestamptz - (n %% 365) * interval '1 day' + interval '9 hours', n, %(end)s
FROM bench_outreach_members WHERE n %% 100 = 1
"""


def seed(conn: psycopg.Connection[Any], members: int) -> dict[str, Any]:
    """Fill the read tables; returns row counts and seconds per step."""
    params = {"end": END, "members": members}
    seconds: dict[str, float] = {}
    for name, statement in (
        ("base", _BASE),
        ("newcomers", _NEWCOMERS),
        ("interactions", _INTERACTIONS),
        ("stages", _STAGES),
        ("outreach", _OUTREACH),
    ):
        started = time.perf_counter()
        conn.execute(statement, params)
        seconds[name] = round(time.perf_counter() - started, 1)
    conn.execute("DROP TABLE bench_outreach_members")
    started = time.perf_counter()
    conn.execute(
        "VACUUM ANALYZE outreach_newcomers, outreach_log, member_interactions, member_stage_history"
    )
    seconds["analyze"] = round(time.perf_counter() - started, 1)
    counts = {}
    for table in ("outreach_newcomers", "outreach_log", "member_interactions"):
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        counts[table] = int(row[0]) if row else 0
    row = conn.execute("SELECT count(*) FROM member_stage_history").fetchone()
    counts["member_stage_history"] = int(row[0]) if row else 0
    return {"members": members, "rows": counts, "seconds": seconds}
