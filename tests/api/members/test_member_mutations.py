"""Every member mutation over HTTP: each success answers with the member as changed."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import httpx

from tests.api.conftest import (
    Api,
    join,
    mutate,
    mutation_document,
    read_member,
    succeed,
    unique,
)

PAST = "2021-03-04T05:06:07+00:00"


def test_join_member_with_identities_attributes_and_past_join_date(
    api: Api, admin_key: str
) -> None:
    """joinMember records everything given and answers with the projected member."""
    handle = unique("grace")
    name = unique("Grace ")
    member = join(
        api,
        admin_key,
        displayName=f"  {name}  ",
        email="grace@example.org",
        joinedAt=PAST,
        sourceChannel="GITHUB",
        attributes={"company": "Navy", "year": 1906, "speaker": True},
        identities=[
            {"channel": "DISCORD", "handle": f"@{handle}"},
            {"channel": "SLACK", "handle": handle},
        ],
    )
    assert member["displayName"] == name
    assert member["email"] == "grace@example.org"
    assert member["status"] == "ACTIVE"
    assert datetime.fromisoformat(member["joinedAt"]) == datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert member["sourceChannel"] == "GITHUB"
    assert member["attributes"] == {"company": "Navy", "year": 1906, "speaker": True}
    assert sorted((i["channel"], i["handle"]) for i in member["identities"]) == [
        ("DISCORD", f"@{handle}"),
        ("SLACK", handle),
    ]
    assert member["channels"] == ["DISCORD", "GITHUB", "SLACK"]
    assert member["tags"] == []
    assert member["isStaff"] is False and member["isBot"] is False
    assert member["version"] == 3
    assert member["personalDataHidden"] is False
    assert read_member(api, member["id"], key=admin_key) == member


def test_join_member_defaults(api: Api, admin_key: str) -> None:
    """Without optional fields a member joins now, from OTHER, with no identities."""
    before = datetime.now(UTC) - timedelta(minutes=1)
    member = join(api, admin_key)
    assert member["email"] is None
    assert member["sourceChannel"] == "OTHER"
    assert member["channels"] == []
    assert member["identities"] == []
    assert member["attributes"] == {}
    assert member["version"] == 1
    assert datetime.fromisoformat(member["joinedAt"]) >= before


def test_update_profile_name_email_and_attribute_merge_patch(api: Api, admin_key: str) -> None:
    """updateMemberProfile sets fields, merges attributes, and null removes a key."""
    member = join(
        api, admin_key, email="old@example.org", attributes={"city": "Paris", "company": "Acme"}
    )
    new_name = unique("Renamed ")
    updated = succeed(
        api,
        "updateMemberProfile",
        {
            "memberId": member["id"],
            "displayName": new_name,
            "email": "new@example.org",
            "attributes": {"city": None, "team": "Core", "level": 3},
        },
        key=admin_key,
    )
    assert updated["displayName"] == new_name
    assert updated["email"] == "new@example.org"
    assert updated["attributes"] == {"company": "Acme", "team": "Core", "level": 3}
    assert updated["version"] == member["version"] + 1

    cleared = succeed(
        api, "updateMemberProfile", {"memberId": member["id"], "clearEmail": True}, key=admin_key
    )
    assert cleared["email"] is None
    assert cleared["displayName"] == new_name
    assert cleared["attributes"] == {"company": "Acme", "team": "Core", "level": 3}
    assert read_member(api, member["id"], key=admin_key) == cleared


def test_update_profile_without_changes_records_nothing(api: Api, admin_key: str) -> None:
    """Setting the values a member already has is a success that keeps the version."""
    member = join(api, admin_key, email="same@example.org", attributes={"a": 1})
    same = succeed(
        api,
        "updateMemberProfile",
        {
            "memberId": member["id"],
            "displayName": member["displayName"],
            "email": "same@example.org",
            "attributes": {"a": 1},
        },
        key=admin_key,
    )
    assert same["version"] == member["version"]


def test_update_profile_with_expected_version(api: Api, admin_key: str) -> None:
    """The current expectedVersion is accepted; a stale one is a VERSION_MISMATCH conflict."""
    member = join(api, admin_key)
    first = succeed(
        api,
        "updateMemberProfile",
        {"memberId": member["id"], "expectedVersion": 1, "displayName": "First Edit"},
        key=admin_key,
    )
    assert first["version"] == 2

    stale = mutate(
        api,
        "updateMemberProfile",
        {"memberId": member["id"], "expectedVersion": 1, "displayName": "Lost Edit"},
        key=admin_key,
    )
    assert stale["__typename"] == "Conflict"
    assert stale["code"] == "VERSION_MISMATCH"
    assert stale["currentVersion"] == 2
    assert stale["conflictingMemberId"] is None
    assert read_member(api, member["id"], key=admin_key)["displayName"] == "First Edit"


def test_link_and_unlink_identity(api: Api, admin_key: str) -> None:
    """linkIdentity adds a handle and its channel; unlinkIdentity removes both."""
    member = join(api, admin_key)
    handle = unique("Linus")
    linked = succeed(
        api,
        "linkIdentity",
        {"memberId": member["id"], "channel": "GITLAB", "handle": handle},
        key=admin_key,
    )
    assert [(i["channel"], i["handle"]) for i in linked["identities"]] == [("GITLAB", handle)]
    assert linked["channels"] == ["GITLAB"]
    assert linked["version"] == 2

    again = succeed(
        api,
        "linkIdentity",
        {"memberId": member["id"], "channel": "GITLAB", "handle": f"@{handle.upper()}"},
        key=admin_key,
    )
    assert again["version"] == 2, "linking a held identity again records nothing"

    unlinked = succeed(
        api,
        "unlinkIdentity",
        {"memberId": member["id"], "channel": "GITLAB", "handle": handle.lower()},
        key=admin_key,
    )
    assert unlinked["identities"] == []
    assert unlinked["channels"] == []
    assert unlinked["version"] == 3


def test_unlink_identity_not_held(api: Api, admin_key: str) -> None:
    """Unlinking a handle the member does not hold is an IDENTITY_NOT_LINKED conflict."""
    member = join(api, admin_key)
    result = mutate(
        api,
        "unlinkIdentity",
        {"memberId": member["id"], "channel": "SLACK", "handle": unique("nobody")},
        key=admin_key,
    )
    assert result["__typename"] == "Conflict"
    assert result["code"] == "IDENTITY_NOT_LINKED"


def test_unlinked_handle_can_be_linked_by_another_member(api: Api, admin_key: str) -> None:
    """Unlinking releases the handle for someone else."""
    handle = unique("moved")
    first = join(api, admin_key, identities=[{"channel": "REDDIT", "handle": handle}])
    succeed(
        api,
        "unlinkIdentity",
        {"memberId": first["id"], "channel": "REDDIT", "handle": handle},
        key=admin_key,
    )
    second = join(api, admin_key)
    linked = succeed(
        api,
        "linkIdentity",
        {"memberId": second["id"], "channel": "REDDIT", "handle": handle},
        key=admin_key,
    )
    assert [i["handle"] for i in linked["identities"]] == [handle]


def test_tag_and_untag_member(api: Api, admin_key: str) -> None:
    """Tags are lower-cased and sorted; tagging or untagging twice changes nothing."""
    member = join(api, admin_key)
    tag_b, tag_a = unique("b-"), unique("a-")
    succeed(api, "tagMember", {"memberId": member["id"], "tag": tag_b}, key=admin_key)
    tagged = succeed(
        api, "tagMember", {"memberId": member["id"], "tag": tag_a.upper()}, key=admin_key
    )
    assert tagged["tags"] == [tag_a, tag_b]
    assert tagged["version"] == 3
    twice = succeed(api, "tagMember", {"memberId": member["id"], "tag": tag_a}, key=admin_key)
    assert twice["tags"] == [tag_a, tag_b]
    assert twice["version"] == 3

    untagged = succeed(api, "untagMember", {"memberId": member["id"], "tag": tag_a}, key=admin_key)
    assert untagged["tags"] == [tag_b]
    assert untagged["version"] == 4
    again = mutate(api, "untagMember", {"memberId": member["id"], "tag": tag_a}, key=admin_key)
    assert again["__typename"] == "MemberUntagged"
    assert again["member"]["tags"] == [tag_b]
    assert again["member"]["version"] == 4


def test_mark_member_as_staff_and_bot(api: Api, admin_key: str) -> None:
    """Flags are set with value true (the default) and cleared with value false."""
    member = join(api, admin_key)
    staff = succeed(api, "markMemberAsStaff", {"memberId": member["id"]}, key=admin_key)
    assert staff["isStaff"] is True and staff["isBot"] is False
    bot = succeed(api, "markMemberAsBot", {"memberId": member["id"], "value": True}, key=admin_key)
    assert bot["isStaff"] is True and bot["isBot"] is True
    assert bot["version"] == 3

    not_staff = succeed(
        api, "markMemberAsStaff", {"memberId": member["id"], "value": False}, key=admin_key
    )
    assert not_staff["isStaff"] is False and not_staff["isBot"] is True
    not_bot = succeed(
        api, "markMemberAsBot", {"memberId": member["id"], "value": False}, key=admin_key
    )
    assert not_bot["isStaff"] is False and not_bot["isBot"] is False
    assert not_bot["version"] == 5
    unchanged = succeed(
        api, "markMemberAsBot", {"memberId": member["id"], "value": False}, key=admin_key
    )
    assert unchanged["version"] == 5


def test_mark_left_and_rejoin(api: Api, admin_key: str) -> None:
    """A member leaves once, cannot leave again, rejoins, and cannot rejoin twice."""
    member = join(api, admin_key, joinedAt=PAST)
    not_left = mutate(api, "rejoinMember", {"memberId": member["id"]}, key=admin_key)
    assert not_left["__typename"] == "Conflict"
    assert not_left["code"] == "MEMBER_HAS_NOT_LEFT"

    left_at = "2023-01-02T03:04:05+00:00"
    left = succeed(
        api,
        "markMemberLeft",
        {"memberId": member["id"], "leftAt": left_at, "reason": "moved on"},
        key=admin_key,
    )
    assert left["status"] == "LEFT"
    assert datetime.fromisoformat(left["leftAt"]) == datetime.fromisoformat(left_at)

    again = mutate(api, "markMemberLeft", {"memberId": member["id"]}, key=admin_key)
    assert again["__typename"] == "Conflict"
    assert again["code"] == "MEMBER_ALREADY_LEFT"
    assert member["id"] in again["message"]

    rejoined = succeed(api, "rejoinMember", {"memberId": member["id"]}, key=admin_key)
    assert rejoined["status"] == "ACTIVE"
    assert rejoined["leftAt"] is None
    twice = mutate(api, "rejoinMember", {"memberId": member["id"]}, key=admin_key)
    assert twice["__typename"] == "Conflict"
    assert twice["code"] == "MEMBER_HAS_NOT_LEFT"


def test_leaving_before_joining_is_a_validation_error(api: Api, admin_key: str) -> None:
    """leftAt before joinedAt is refused with a fieldError on leftAt."""
    member = join(api, admin_key, joinedAt=PAST)
    result = mutate(
        api,
        "markMemberLeft",
        {"memberId": member["id"], "leftAt": "2020-01-01T00:00:00Z"},
        key=admin_key,
    )
    assert result["__typename"] == "ValidationFailed"
    assert [e["field"] for e in result["fieldErrors"]] == ["leftAt"]
    assert read_member(api, member["id"], key=admin_key)["status"] == "ACTIVE"


def test_erase_member(api: Api, admin_key: str) -> None:
    """Erasure removes personal data for good and closes the member to every change."""
    handle = unique("erased")
    tag = unique("gone-")
    member = join(
        api,
        admin_key,
        email="erase.me@example.org",
        attributes={"city": "Oslo"},
        identities=[{"channel": "TELEGRAM", "handle": handle}],
    )
    succeed(api, "tagMember", {"memberId": member["id"], "tag": tag}, key=admin_key)
    erased = succeed(api, "eraseMember", {"memberId": member["id"]}, key=admin_key)
    assert erased["status"] == "ERASED"
    assert erased["displayName"] is None
    assert erased["email"] is None
    assert erased["attributes"] == {}
    assert erased["identities"] == []
    assert erased["erasedAt"] is not None

    read = read_member(api, member["id"], key=admin_key)
    assert read is not None
    assert read["status"] == "ERASED"
    assert read["displayName"] is None and read["email"] is None
    assert read["identities"] == []
    assert read["tags"] == [tag]

    id_ = member["id"]
    attempts: list[tuple[str, dict[str, object]]] = [
        ("updateMemberProfile", {"memberId": id_, "displayName": "Back"}),
        ("linkIdentity", {"memberId": id_, "channel": "SLACK", "handle": unique("x")}),
        ("unlinkIdentity", {"memberId": id_, "channel": "TELEGRAM", "handle": handle}),
        ("tagMember", {"memberId": id_, "tag": "again"}),
        ("untagMember", {"memberId": id_, "tag": tag}),
        ("markMemberAsStaff", {"memberId": id_}),
        ("markMemberAsBot", {"memberId": id_}),
        ("markMemberLeft", {"memberId": id_}),
        ("rejoinMember", {"memberId": id_}),
        ("eraseMember", {"memberId": id_}),
    ]
    for name, input in attempts:
        result = mutate(api, name, input, key=admin_key)
        assert (result["__typename"], result.get("code")) == ("Conflict", "MEMBER_ERASED"), name
    assert read_member(api, id_, key=admin_key) == read


def test_erased_members_handle_is_free_again(api: Api, admin_key: str) -> None:
    """An erased member's handles are released for other members."""
    handle = unique("reused")
    first = join(api, admin_key, identities=[{"channel": "MEETUP", "handle": handle}])
    succeed(api, "eraseMember", {"memberId": first["id"]}, key=admin_key)
    second = join(api, admin_key, identities=[{"channel": "MEETUP", "handle": handle}])
    assert [i["handle"] for i in second["identities"]] == [handle]


def test_concurrent_tagging_over_http(api: Api, admin_key: str) -> None:
    """Eight clients tagging one member at once all succeed, and every tag is kept."""
    member = join(api, admin_key)
    tags = [unique(f"t{n}-") for n in range(8)]
    document = mutation_document("tagMember", "MemberTagInput")
    barrier = threading.Barrier(len(tags))
    results: dict[str, dict[str, object]] = {}
    failures: list[BaseException] = []

    def tag_once(tag: str) -> None:
        try:
            with httpx.Client(timeout=30) as client:
                barrier.wait(timeout=10)
                response = client.post(
                    f"{api.url}/graphql",
                    json={
                        "query": document,
                        "variables": {"input": {"memberId": member["id"], "tag": tag}},
                    },
                    headers={"Authorization": f"Bearer {admin_key}"},
                )
                results[tag] = response.json()
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=tag_once, args=(tag,)) for tag in tags]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    assert sorted(results) == sorted(tags)
    for tag, body in results.items():
        result = body["data"]["tagMember"]  # type: ignore[index]
        assert result["__typename"] == "MemberTagged", body
        assert tag in result["member"]["tags"], body

    final = read_member(api, member["id"], key=admin_key)
    assert final is not None
    assert final["tags"] == sorted(tags)
    assert final["version"] == 1 + len(tags)
