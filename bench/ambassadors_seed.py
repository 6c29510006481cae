"""Members and interactions for the candidacy benchmark, written set-based, not projected.

The benchmark measures the candidacy job and the candidate list, so the read tables the
job reads (members, member_interactions) are filled directly from generate_series: one
member in twenty behaves like a future ambassador (twenty replies over twenty weeks on two
channels, an event, a praise), the others send six messages over the half year.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import psycopg

END = datetime(2026, 11, 30, tzinfo=UTC)
LIKELY_EVERY = 20  # one member in 20 looks like an ambassador

_MEMBERS_SQL = """
INSERT INTO members (member_id, display_name, status, joined_at, source_channel, channels,
                     version, updated_at)
SELECT md5('cand-member-' || n)::uuid, 'Member ' || n, 'active',
       %(end)s::timestamptz - (120 + n %% 900) * interval '1 day',
       (ARRAY['discord','github','slack','forum'])[1 + n %% 4],
       ARRAY[(ARRAY['discord','github','slack','forum'])[1 + n %% 4]],
       1, %(end)s::timestamptz
FROM generate_series(1, %(members)s) AS n
"""
# Likely ambassadors: 20 replies on two channels, 7 days apart, an event and a praise.
# Everyone else: 6 messages, 25 days apart.
_INTERACTIONS_SQL = """
INSERT INTO member_interactions (interaction_id, member_id, channel, kind, occurred_at,
                                 external_id, recorded_at)
SELECT md5('cand-i-' || n || '-' || k)::uuid, md5('cand-member-' || n)::uuid,
       CASE WHEN k > 20 THEN 'meetup'
            ELSE (ARRAY['discord','github'])[1 + k %% 2] END,
       CASE WHEN n %% %(every)s <> 0 THEN 'message'
            WHEN k = 21 THEN 'event_attended' WHEN k = 22 THEN 'feedback' ELSE 'reply' END,
       %(end)s::timestamptz - (3 + k * CASE WHEN n %% %(every)s = 0 THEN 7 ELSE 25 END
                               + n %% 3) * interval '1 day',
       'cand-' || n || '-' || k, %(end)s::timestamptz
FROM generate_series(1, %(members)s) AS n
CROSS JOIN LATERAL generate_series(
    1, CASE WHEN n %% %(every)s = 0 THEN 22 ELSE 6 END) AS k
"""


def seed(conn: psycopg.Connection[Any], members: int) -> dict[str, Any]:
    """Fill members and member_interactions; returns counts and seconds per step."""
    params = {"end": END, "members": members, "every": LIKELY_EVERY}
    started = time.perf_counter()
    conn.execute(_MEMBERS_SQL, params)
    members_s = time.perf_counter() - started
    conn.execute(_INTERACTIONS_SQL, params)
    interactions_s = time.perf_counter() - started - members_s
    conn.execute("VACUUM ANALYZE members, member_interactions")
    row = conn.execute("SELECT count(*) FROM member_interactions").fetchone()
    return {
        "members": members,
        "interactions": int(row[0]) if row else 0,
        "members_s": round(members_s, 1),
        "interactions_s": round(interactions_s, 1),
        "analyze_s": round(time.perf_counter() - started - members_s - interactions_s, 1),
    }
