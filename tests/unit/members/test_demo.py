"""The demo community, seeded in memory: bulk saves and interaction batches without a database."""

from __future__ import annotations

from application.members.community import Community
from application.members.demo import seed_demo
from domain.interactions.interaction import Interaction
from domain.members.member import Member


def test_the_demo_seeds_its_members_and_their_interactions(community: Community) -> None:
    position = seed_demo(community, 20, batch=8)
    assert position is not None and position == community.recorder.max_notification_id()
    log = community.recorder.select_notifications(start=None, limit=position)
    topics = [n.topic for n in log]
    assert topics.count(Member.Joined.TOPIC) == 20
    assert topics.count(Interaction.Recorded.TOPIC) > 20
    # The first saved member reads back from its sealed events under its in-memory key.
    first = community.get_member(log[0].originator_id)
    assert first.display_name is not None
