"""Pairs of members who are probably one person, with their evidence: identity-match
suggestions, read from the members and engagement read models.

Evidence, each with its confidence (combined as independent signals, 1 - prod(1 - c)):
the same e-mail address (by blind index), the same handle on two channels (by blind
index), and near-identical display names (case, spaces and punctuation aside) of members
who took part in the same threads. Members merged away, erased, and pairs already
rejected are left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.cursors import Keyset, Page, Row

EMAIL, HANDLE, NAME = "same_email", "same_handle", "similar_name_shared_threads"
CONFIDENCE = {EMAIL: 0.9, HANDLE: 0.7, NAME: 0.5}

# Members who can still be matched: not merged away, not erased.
_LIVE = "SELECT member_id, display_name, email_key FROM members WHERE status IN ('active', 'left')"
_NAME_KEY = "lower(regexp_replace({m}.display_name, '[^[:alnum:]]+', '', 'g'))"
EVIDENCE = f"""
WITH live AS ({_LIVE}),
evidence AS (
    SELECT a.member_id AS a, b.member_id AS b, '{EMAIL}' AS kind, NULL::text AS channel_a,
        NULL::text AS channel_b, NULL::bigint AS threads
    FROM live a JOIN live b ON a.email_key = b.email_key AND a.member_id < b.member_id
    WHERE a.email_key IS NOT NULL
    UNION ALL
    SELECT ia.member_id, ib.member_id, '{HANDLE}', ia.channel, ib.channel, NULL
    FROM member_identities ia
    JOIN member_identities ib ON ia.handle_key = ib.handle_key AND ia.member_id < ib.member_id
        AND ia.channel <> ib.channel
    JOIN live la ON la.member_id = ia.member_id JOIN live lb ON lb.member_id = ib.member_id
    UNION ALL
    SELECT a.member_id, b.member_id, '{NAME}', NULL, NULL, t.threads
    FROM live a JOIN live b ON {_NAME_KEY.format(m="a")} = {_NAME_KEY.format(m="b")}
        AND a.member_id < b.member_id AND {_NAME_KEY.format(m="a")} <> ''
    CROSS JOIN LATERAL (
        SELECT count(DISTINCT x.thread_ref) AS threads FROM member_interactions x
        JOIN member_interactions y ON y.thread_ref = x.thread_ref AND y.member_id = b.member_id
        WHERE x.member_id = a.member_id AND x.thread_ref IS NOT NULL
    ) t
    WHERE t.threads > 0
),
pairs AS (
    SELECT e.a, e.b,
        1 - exp(sum(ln(1 - (%(confidence)s::jsonb ->> e.kind)::float8))) AS confidence,
        jsonb_agg(jsonb_build_object('kind', e.kind, 'channel_a', e.channel_a,
            'channel_b', e.channel_b, 'threads', e.threads) ORDER BY e.kind, e.channel_a)
            AS evidence
    FROM evidence e
    WHERE NOT EXISTS (SELECT FROM identity_match_decisions d
        WHERE (d.first_id, d.second_id) IN ((e.a, e.b), (e.b, e.a)) AND d.decision = 'rejected')
    GROUP BY e.a, e.b
)
SELECT a, b, round(confidence::numeric, 4)::float8 AS confidence, evidence,
    to_char(1 - round(confidence::numeric, 4), 'FM0.0000') || ':' || a || ':' || b AS sort_key
FROM pairs
"""
PAGE = f"""
SELECT * FROM ({EVIDENCE}) AS s WHERE %(after)s::text IS NULL OR sort_key > %(after)s
ORDER BY sort_key LIMIT %(limit)s
"""
_KEYSET = Keyset("identity_matches", lambda row: str(row["sort_key"]), "b", str)


@dataclass(frozen=True)
class Evidence:
    """One reason to think two members are one person."""

    kind: str
    confidence: float
    channel_a: str | None
    channel_b: str | None
    shared_threads: int | None


class MatchSuggestions:
    """Keyset pages of suggested pairs, most probable first."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def page(self, after: str | None, limit: int) -> Page:
        """A page of pairs after the cursor (InvalidCursor for one this list did not make)."""
        key = _KEYSET.decode(after)[0] if after is not None else None
        params: dict[str, Any] = {
            "confidence": json.dumps(CONFIDENCE),
            "after": key,
            "limit": limit + 1,
        }
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(PAGE, params)
            found: list[Row] = cur.fetchall()
        for row in found:
            row["evidence"] = [_evidence(e) for e in row["evidence"]]
        return _KEYSET.page(found, limit)


def _evidence(found: dict[str, Any]) -> Evidence:
    return Evidence(
        kind=found["kind"],
        confidence=CONFIDENCE[found["kind"]],
        channel_a=found["channel_a"],
        channel_b=found["channel_b"],
        shared_threads=found["threads"],
    )
