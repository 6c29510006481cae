"""A rebuild's engagement totals: every member's scores and weeks from all interactions at once."""

from __future__ import annotations

from typing import Any

import orjson
from psycopg import Cursor

from domain.interactions.engagement import EPOCH, EngagementRule

# Each interaction's rank-key term is EngagementRule.rank_term over millions of rows, so
# written in SQL, with the rule's numbers as parameters (`replay_parameters`);
# tests/integration/interactions/test_decay_agreement.py holds the two to the same values.
# Each interaction counts for the person its member is counted as (a merge's target, see
# projections/interactions/merges.py): merged-away members are few, their rows a hash away.
REPLAYED_TERMS = """
SELECT coalesce(p.merged_into, i.member_id) AS member_id, i.channel, i.occurred_at,
    coalesce(w.weight, 0) AS weight,
    CASE WHEN w.weight > 0 THEN ln(w.weight) / ln(2::float8)
        + (extract(epoch FROM i.occurred_at - %(epoch)s) / %(half_life)s)::float8
    ELSE '-Infinity' END AS term
FROM member_interactions i
LEFT JOIN (SELECT key, value::float8 FROM json_each_text(%(weights)s::json)) AS w(kind, weight)
    ON w.kind = i.kind
LEFT JOIN member_engagement p ON p.member_id = i.member_id AND p.merged_into IS NOT NULL
"""
TOTAL_MEMBERS = f"""
INSERT INTO member_engagement AS e
    (member_id, rank_key, interactions, first_interaction_at, last_interaction_at)
SELECT member_id, crm_rank_sum(term), count(*), min(occurred_at), max(occurred_at)
FROM ({REPLAYED_TERMS}) AS t GROUP BY member_id
ON CONFLICT (member_id) DO UPDATE SET
    rank_key = EXCLUDED.rank_key, interactions = EXCLUDED.interactions,
    first_interaction_at = EXCLUDED.first_interaction_at,
    last_interaction_at = EXCLUDED.last_interaction_at
"""
TOTAL_CHANNELS = f"""
INSERT INTO member_channel_engagement
    (member_id, channel, rank_key, interactions, last_interaction_at)
SELECT member_id, channel, crm_rank_sum(term), count(*), max(occurred_at)
FROM ({REPLAYED_TERMS}) AS t GROUP BY member_id, channel ORDER BY member_id, channel
"""
TOTAL_WEEKS = f"""
INSERT INTO member_activity_weeks (member_id, week, channel, interactions, weight)
SELECT member_id, (date_trunc('week', occurred_at AT TIME ZONE 'UTC'))::date AS week, channel,
    count(*), sum(weight)
FROM ({REPLAYED_TERMS}) AS t GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""
# Rows of members erased during the rebuild, whose url and summary were sealed before.
FORGET_ERASED = """
UPDATE member_interactions i SET sealed_content = NULL
FROM member_engagement e
WHERE e.member_id = i.member_id AND e.status = 'erased' AND i.sealed_content IS NOT NULL
"""


def replay_parameters(rule: EngagementRule) -> dict[str, Any]:
    """The rule's weights, epoch and half-life as REPLAYED_TERMS takes them."""
    return {
        "weights": orjson.dumps({str(k): w for k, w in rule.weights.items()}).decode(),
        "epoch": EPOCH,
        "half_life": rule.half_life.total_seconds(),
    }


def write_replay_totals(cursor: Cursor[Any], rule: EngagementRule) -> None:
    """Every member's totals from all their interactions, then erased members' content forgotten."""
    parameters = replay_parameters(rule)
    cursor.execute(TOTAL_MEMBERS, parameters)
    cursor.execute(TOTAL_CHANNELS, parameters)
    cursor.execute(TOTAL_WEEKS, parameters)
    cursor.execute(FORGET_ERASED)
