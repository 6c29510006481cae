"""Praise or criticism from a quiet member brings them back, as any interaction does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.interactions.commands import RecordInteraction
from tests.api.conftest import Api, join, unique
from tests.api.feedback.helpers import done

DAY = timedelta(days=1)
STAGES = "query($id: ID!) { member(id: $id) { stageHistory { stage } } }"


def _quiet_member(api: Api, key: str) -> str:
    """A member active every other day for 16 weeks, silent for the last 35 days: at risk."""
    now = datetime.now(UTC)
    member = join(api, key, displayName=unique("quiet"), joinedAt=(now - 200 * DAY).isoformat())
    report = api.services.community.record_interactions(
        [
            RecordInteraction(
                member_id=member["id"],
                channel="forum",
                kind="message",
                occurred_at=now - d * DAY,
                external_id=unique(f"q-{d}-"),
            )
            for d in range(35, 150, 2)
        ],
        create_unknown_members=False,
    )
    assert api.services.wait_for("engagement", report.position)
    api.services.use_cases.evaluation.evaluate(now)
    assert api.services.wait_for("lifecycle", api.services.community.recorder.max_notification_id())
    assert _stages(api, member["id"], key)[-1] == "AT_RISK"
    return str(member["id"])


def _stages(api: Api, member_id: str, key: str) -> list[str]:
    assert api.services.wait_for("lifecycle", api.services.community.recorder.max_notification_id())
    history = api.graphql(STAGES, {"id": member_id}, key=key)["data"]["member"]["stageHistory"]
    return [stage["stage"] for stage in history]


@pytest.mark.parametrize(("kind", "back"), [("PRAISE", True), ("CRITICISM", True), ("BUG", False)])
def test_praise_and_criticism_bring_a_quiet_author_back(
    api: Api, admin_key: str, kind: str, back: bool
) -> None:
    author = _quiet_member(api, admin_key)
    values = {"authorId": author, "channel": "FORUM", "kind": kind, "text": "The new editor!"}
    done(api, "submitFeedback", values, key=admin_key)
    stages = _stages(api, author, admin_key)
    assert stages[-1] == ("RETURNING" if back else "AT_RISK"), stages
