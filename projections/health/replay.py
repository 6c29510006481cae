"""The health projection's set-based rebuild: every health table from the staging tables."""

from __future__ import annotations

from typing import Any

import psycopg

STAGING = ("health_replay_interactions", "health_replay_members", "health_replay_flags")


def replay_staged(cursor: psycopg.Cursor[Any]) -> None:
    """Fill every health read table from the staged interactions and members, then empty
    the staging tables (first version: see the branch `rollups` for the full one)."""
    raise NotImplementedError("replay_staged lands on branch rollups shortly")
