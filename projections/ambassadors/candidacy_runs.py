"""The candidacy job's SQL: every counted member's factors in one statement, and the runs.

The factors are read in one pass over the window's interactions (member_interactions, the
engagement projection's table), joined to members and the program's and conduct's tables
for the gates. The candidacy rule supplies every number as a parameter; the decision itself
is the domain's (domain/ambassadors/candidacy.py judge), made by the application on the
rows this returns.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from psycopg import Connection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from domain.ambassadors.candidacy import CONSISTENCY_WEEKS, Factor
from domain.ambassadors.runs import (
    CandidateRow,
    Decide,
    FactorQuery,
    MemberFactors,
    Memory,
    Reading,
    RunReport,
)

# Only one run at a time: hysteresis compares a run with the one before it. Any constant,
# the same in every process.
RUN_LOCK_KEY = 0x43524D43  # "CRMC"

# The gates (issue 14): not staff or bot, still a member (not left nor erased), joined by
# the instant, not in the ambassador program, no conduct incident upheld within the window.
COUNTED = """
    m.status = 'active' AND NOT m.is_staff AND NOT m.is_bot AND m.joined_at <= %(at)s
    AND NOT EXISTS (
        SELECT FROM ambassadors a WHERE a.member_id = m.member_id
        AND a.status IN ('nominated', 'active', 'paused'))
    AND NOT EXISTS (
        SELECT FROM conduct_incidents x WHERE x.member_id = m.member_id
        AND x.status = 'upheld' AND x.decided_at > %(since)s AND x.decided_at <= %(at)s)
"""
ONE_MEMBER = "m.member_id = %(member_id)s"

# The factors of the chosen members over (since, at]; consistency over the UTC weeks from
# weeks_from (the Monday 25 weeks before the instant's week) to the instant.
FACTORS = """
WITH weights(kind, weight) AS (
    SELECT * FROM unnest(%(kinds)s::text[], %(weights)s::float8[])
),
chosen AS (SELECT m.member_id, m.joined_at FROM members m WHERE {chosen}),
activity AS (
    SELECT i.member_id,
        sum(coalesce(w.weight, 0)) FILTER (WHERE i.occurred_at > %(since)s) AS engagement,
        array_agg(DISTINCT i.channel) FILTER (WHERE i.occurred_at > %(since)s) AS channels,
        count(*) FILTER (WHERE i.occurred_at > %(since)s
            AND i.kind IN ('reply', 'answer_accepted')) AS helpfulness,
        count(*) FILTER (WHERE i.occurred_at > %(since)s
            AND i.kind = 'feedback') AS praise_and_feedback,
        count(*) FILTER (WHERE i.occurred_at > %(since)s
            AND i.kind = 'event_attended') AS events_attended,
        count(DISTINCT date_trunc('week', i.occurred_at AT TIME ZONE 'UTC'))
            FILTER (WHERE i.occurred_at >= %(weeks_from)s) AS consistency
    FROM chosen c JOIN member_interactions i USING (member_id)
    LEFT JOIN weights w ON w.kind = i.kind
    WHERE i.occurred_at > least(%(since)s, %(weeks_from)s) AND i.occurred_at <= %(at)s
    GROUP BY i.member_id
),
factored AS (
    SELECT c.member_id,
        coalesce(a.engagement, 0)::float8 AS engagement,
        greatest(floor(extract(epoch FROM %(at)s - c.joined_at) / 86400), 0)::float8
            AS tenure_days,
        coalesce(cardinality(a.channels), 0)::float8 AS breadth,
        coalesce(a.helpfulness, 0)::float8 AS helpfulness,
        coalesce(a.praise_and_feedback, 0)::float8 AS praise_and_feedback,
        coalesce(a.events_attended, 0)::float8 AS events_attended,
        coalesce(a.consistency, 0)::float8 AS consistency,
        coalesce(a.channels, '{{}}') AS channels
    FROM chosen c LEFT JOIN activity a USING (member_id)
)
"""
WITHIN_REACH = (
    FACTORS
    + """
SELECT e.examined, f.* FROM (SELECT count(*) AS examined FROM factored) e
LEFT JOIN factored f ON """
    + " AND ".join(f"f.{factor} >= %(floor_{factor})s" for factor in Factor)
)


class CandidacyRunsSql:
    """The candidacy runs and their factor readings, in PostgreSQL (CandidacyRuns)."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def record_run(self, query: FactorQuery, decide: Decide) -> RunReport:
        """Read, decide and record one run in one transaction."""
        version = query.rule.version
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (RUN_LOCK_KEY,))
            memory = _memory(conn, version, query.at)
            reading = _read(conn, query)
            chosen = decide(reading, memory)
            conn.execute(
                "DELETE FROM ambassador_candidacy_runs WHERE rule_version = %s"
                " AND evaluated_at = %s",
                (version, query.at),
            )
            conn.execute(
                "INSERT INTO ambassador_candidacy_runs"
                " (rule_version, evaluated_at, examined, candidates, rule)"
                " VALUES (%s, %s, %s, %s, %s)",
                (version, query.at, reading.examined, len(chosen), Jsonb(query.rule.as_dict())),
            )
            _write_candidates(conn, version, query.at, chosen)
        entered = sum(1 for row in chosen if row.member_id not in memory.since)
        return RunReport(
            version,
            query.at,
            reading.examined,
            len(chosen),
            entered,
            len(memory.since) - (len(chosen) - entered),
        )

    def read(self, query: FactorQuery) -> Reading:
        """The counted members' factors within reach of candidacy; records nothing."""
        with self.pool.connection() as conn, conn.transaction():
            return _read(conn, query)

    def memory(self, rule_version: str, before: datetime) -> Memory:
        """The latest run of the version before the instant."""
        with self.pool.connection() as conn:
            return _memory(conn, rule_version, before)

    def member_factors(self, query: FactorQuery, member_id: UUID) -> dict[Factor, float]:
        """One member's factors, gates aside; zeros for a member not in the read model."""
        sql = FACTORS.format(chosen=ONE_MEMBER) + "SELECT * FROM factored"
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(sql, {**_parameters(query), "member_id": member_id})
            row = cur.fetchone()
        return {factor: float(row[factor]) if row else 0.0 for factor in Factor}

    def last_run_at(self, rule_version: str) -> datetime | None:
        """When the latest run of the version was evaluated."""
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT max(evaluated_at) FROM ambassador_candidacy_runs WHERE rule_version = %s",
                (rule_version,),
            ).fetchone()
        return row[0] if row else None


def _parameters(query: FactorQuery) -> dict[str, Any]:
    """The rule's numbers as the factor statement's parameters."""
    at = query.at.astimezone(UTC)
    monday = datetime.combine(at.date() - timedelta(days=at.weekday()), datetime.min.time(), UTC)
    kinds = sorted(query.weights)
    return {
        "at": query.at,
        "since": query.at - query.rule.window,
        "weeks_from": monday - timedelta(weeks=CONSISTENCY_WEEKS - 1),
        "kinds": kinds,
        "weights": [query.weights[kind] for kind in kinds],
        **{f"floor_{factor}": query.rule.floor(factor) for factor in Factor},
    }


def _read(conn: Connection[Any], query: FactorQuery) -> Reading:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SET LOCAL jit = off")  # one statement, compiled for nothing
        cur.execute(WITHIN_REACH.format(chosen=COUNTED), _parameters(query))
        rows = cur.fetchall()
    within = [
        MemberFactors(row["member_id"], {f: float(row[f]) for f in Factor}, sorted(row["channels"]))
        for row in rows
        if row["member_id"] is not None
    ]
    return Reading(rows[0]["examined"] if rows else 0, within)


def _memory(conn: Connection[Any], rule_version: str, before: datetime) -> Memory:
    run = conn.execute(
        "SELECT max(evaluated_at) FROM ambassador_candidacy_runs"
        " WHERE rule_version = %s AND evaluated_at < %s",
        (rule_version, before),
    ).fetchone()
    if run is None or run[0] is None:
        return Memory(None, {})
    rows = conn.execute(
        "SELECT member_id, candidate_since FROM ambassador_candidates"
        " WHERE rule_version = %s AND evaluated_at = %s",
        (rule_version, run[0]),
    ).fetchall()
    return Memory(run[0], dict(rows))


def _write_candidates(
    conn: Connection[Any], version: str, at: datetime, chosen: list[CandidateRow]
) -> None:
    with (
        conn.cursor() as cur,
        cur.copy(
            "COPY ambassador_candidates (rule_version, evaluated_at, member_id, score, factors,"
            " candidate_since, channels) FROM STDIN"
        ) as copy,
    ):
        for row in chosen:
            copy.write_row(
                (
                    version,
                    at,
                    row.member_id,
                    row.score,
                    Jsonb(row.factors),
                    row.candidate_since,
                    row.channels,
                )
            )
