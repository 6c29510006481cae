"""Merging, unmerging and erasing members who are one person, on any persistence.

tests/integration/members/test_merging_use_cases.py runs these same functions on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from application.members.community import Community
from domain.errors import MemberIsErased
from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd
from domain.members.member import ERASED
from domain.members.merges import MergeNotFound, MergeRefused
from tests.unit.members.test_community import holder_of, join


def merged(community: Community, source: UUID, target: UUID) -> UUID:
    """Merge two members; returns the merge id."""
    change = community.merge_members(cmd.MergeMembers(source_id=source, target_id=target))
    return change.merge.id


def test_a_merge_marks_both_members_and_keeps_the_source_whole(community: Community) -> None:
    source = join(community, "Ada", ("discord", "ada"))
    target = join(community, "Ada L.", ("github", "adal"))
    community.tag_member(cmd.TagMember(member_id=source, tag="speaker"))
    merge_id = merged(community, source, target)
    after_source, after_target = community.get_member(source), community.get_member(target)
    assert (after_source.merged_into, after_source.merge_id) == (target, merge_id)
    assert after_target.absorbed == [source]
    # Nothing moved: the source still holds its identity and its tag.
    assert after_source.identities == [["discord", "ada"]]
    assert after_source.tags == ["speaker"]
    assert holder_of(community, "discord", "ada") == source


def test_an_unmerge_gives_back_the_members_as_they_were(community: Community) -> None:
    source = join(community, "Ada", ("discord", "ada"))
    target = join(community, "Ada L.", ("github", "adal"))
    merge_id = merged(community, source, target)
    community.unmerge_members(cmd.UnmergeMembers(merge_id=merge_id))
    after_source, after_target = community.get_member(source), community.get_member(target)
    assert (after_source.merged_into, after_source.merge_id, after_target.absorbed) == (
        None,
        None,
        [],
    )
    # Undone once: a second unmerge is refused, naming the merge id.
    with pytest.raises(MergeRefused) as refused:
        community.unmerge_members(cmd.UnmergeMembers(merge_id=merge_id))
    assert (refused.value.field, refused.value.reason) == ("mergeId", "NOT_MERGED")
    # ...and the two can be merged again, by a new merge.
    assert merged(community, source, target) != merge_id


@pytest.mark.parametrize(
    ("case", "field", "reason"),
    [
        ("itself", "targetId", "SAME_MEMBER"),
        ("erased target", "targetId", "MEMBER_ERASED"),
        ("merged source", "sourceId", "ALREADY_MERGED"),
        ("merged-away target", "targetId", "MERGED_AWAY"),
        ("source holding merges", "sourceId", "HOLDS_MERGED_MEMBERS"),
    ],
)
def test_merges_that_cannot_be_one_person_are_refused(
    community: Community, case: str, field: str, reason: str
) -> None:
    a, b, c = (join(community, name) for name in ("A", "B", "C"))
    source, target = a, b
    if case == "itself":
        target = a
    elif case == "erased target":
        community.erase_member(cmd.EraseMember(member_id=b))
    elif case == "merged source":
        merged(community, a, c)
    elif case == "merged-away target":
        merged(community, b, c)
    else:
        merged(community, c, a)
    before = community.recorder.max_notification_id()
    with pytest.raises(MergeRefused) as refused:
        merged(community, source, target)
    assert (refused.value.field, refused.value.reason) == (field, reason)
    assert community.recorder.max_notification_id() == before


def test_an_unknown_merge_is_not_found(community: Community) -> None:
    with pytest.raises(MergeNotFound):
        community.unmerge_members(cmd.UnmergeMembers(merge_id=uuid4()))


def test_a_merged_away_member_refuses_changes_but_the_target_takes_them(
    community: Community,
) -> None:
    source, target = join(community, "A"), join(community, "B")
    merged(community, source, target)
    with pytest.raises(MergeRefused) as refused:
        community.tag_member(cmd.TagMember(member_id=source, tag="x"))
    assert refused.value.field == "memberId"
    community.tag_member(cmd.TagMember(member_id=target, tag="x"))


def test_interactions_through_a_merged_identity_stay_the_sources_in_the_log(
    community: Community,
) -> None:
    source = join(community, "Ada", ("discord", "ada"))
    target = join(community, "Ada L.", ("github", "adal"))
    merged(community, source, target)
    report = community.record_interactions(
        [
            RecordInteraction(
                identity={"channel": "discord", "handle": "ada"},
                channel="discord",
                kind="message",
                occurred_at=datetime(2026, 1, 5, tzinfo=UTC),
                external_id="after-merge",
            )
        ],
        create_unknown_members=False,
    )
    # Recorded with the identity it came through, so that an unmerge can route it back.
    assert report.member_ids == [source]


def test_erasing_a_merged_member_erases_every_person_involved(community: Community) -> None:
    a = join(community, "A", ("discord", "a"))
    b = join(community, "B", ("github", "b"))
    c = join(community, "C", ("slack", "c"))
    merged(community, a, c)
    merged(community, b, c)
    community.erase_member(cmd.EraseMember(member_id=a))
    for member_id in (a, b, c):
        assert community.get_member(member_id).status == ERASED
        assert community.keyring.key_for(member_id, create=False) is None
    assert holder_of(community, "github", "b") is None
    with pytest.raises(MemberIsErased):
        community.erase_member(cmd.EraseMember(member_id=c))
    with pytest.raises(MergeRefused) as refused:
        merged(community, join(community, "D"), c)
    assert (refused.value.field, refused.value.reason) == ("targetId", "MEMBER_ERASED")


def test_two_merges_of_one_source_at_once_one_wins(community: Community) -> None:
    source = join(community, "S")
    targets = [join(community, "T1"), join(community, "T2")]
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def attempt(target: UUID) -> None:
        barrier.wait()
        try:
            outcomes.append(merged(community, source, target))
        except MergeRefused as error:
            outcomes.append(error.reason)

    threads = [threading.Thread(target=attempt, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(type, outcomes), key=str) == sorted([UUID, str], key=str)
    assert "ALREADY_MERGED" in outcomes
    assert community.get_member(source).merged_into in targets


def test_a_rejected_match_is_remembered_once_whichever_way_round(community: Community) -> None:
    a, b = join(community, "A"), join(community, "B")
    match, _ = community.reject_identity_match(cmd.JudgeIdentityMatch(source_id=a, target_id=b))
    again, _ = community.reject_identity_match(cmd.JudgeIdentityMatch(source_id=b, target_id=a))
    assert again.id == match.id and again.version == match.version == 1
    accepted = community.accept_identity_match(cmd.JudgeIdentityMatch(source_id=a, target_id=b))
    assert community.get_member(a).merged_into == b
    judged = community.repository.get(match.id)
    assert (judged.decision, judged.version, accepted.merge.source_id) == ("accepted", 2, a)
