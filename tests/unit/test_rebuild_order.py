"""`crm project --rebuild all` starts the projections that read interactions first."""

from __future__ import annotations

from api.cli.rebuild import heaviest_first
from projections.registry import projection_names


def test_the_projections_reading_interactions_come_first_and_none_is_lost() -> None:
    names = projection_names()
    ordered = heaviest_first(names)
    assert sorted(ordered) == sorted(names)
    # Those that read interactions: the webhooks outbox too (interaction.recorded is opt-in).
    heavy = ("engagement", "health", "discussions", "outreach_welcome", "webhooks")
    assert set(ordered[: len(heavy)]) == set(heavy)
    assert ordered.index("health") < ordered.index("lifecycle")
