"""Judged identity matches in the members read model: which pairs were accepted or rejected."""

from __future__ import annotations

from typing import Any

from psycopg import Cursor

from domain.members.matches import MatchJudged, MatchJudgedAgain

MATCH_EVENTS = (MatchJudged, MatchJudgedAgain)

JUDGEMENT = """
INSERT INTO identity_match_decisions (first_id, second_id, decision, decided_at)
VALUES (%s, %s, %s, %s)
ON CONFLICT (first_id, second_id) DO UPDATE SET decision = EXCLUDED.decision,
    decided_at = EXCLUDED.decided_at
"""


def apply_match_event(cursor: Cursor[Any], event: Any) -> None:
    """Record the latest judgement of a pair."""
    cursor.execute(JUDGEMENT, (event.first_id, event.second_id, event.decision, event.at))
