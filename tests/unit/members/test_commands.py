"""Command validation: what the edges accept and how they name what they refuse."""

from __future__ import annotations

from uuid import uuid4

import pytest
from pydantic import ValidationError

from domain.members import commands as cmd
from domain.values import Channel


def refused_fields(error: ValidationError) -> set[str]:
    """The top-level field names a validation error names."""
    return {str(item["loc"][0]) for item in error.errors()}


def test_join_member_cleans_its_input() -> None:
    command = cmd.JoinMember(
        display_name="  Ada   Lovelace ",
        email=" ada@example.org ",
        identities=[{"channel": "github", "handle": " @AdaL "}],
    )
    assert command.display_name == "Ada Lovelace"
    assert command.email == "ada@example.org"
    assert command.identities[0].channel is Channel.GITHUB
    assert command.identities[0].handle == "@AdaL"
    assert command.source_channel is Channel.OTHER


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 201}, "display_name"),
        ({"display_name": "Ada", "email": "not-an-email"}, "email"),
        ({"display_name": "Ada", "joined_at": "2024-01-01T10:00:00"}, "joined_at"),
        ({"display_name": "Ada", "source_channel": "myspace"}, "source_channel"),
        ({"display_name": "Ada", "attributes": {"1bad": "x"}}, "attributes"),
        ({"display_name": "Ada", "attributes": {"nested": {"a": 1}}}, "attributes"),
        ({"display_name": "Ada", "attributes": {"city": None}}, "attributes"),
        ({"display_name": "Ada", "unknown": 1}, "unknown"),
        (
            {
                "display_name": "Ada",
                "identities": [
                    {"channel": "discord", "handle": "Ada"},
                    {"channel": "discord", "handle": "@ada"},
                ],
            },
            "identities",
        ),
        (
            {"display_name": "Ada", "identities": [{"channel": "discord", "handle": " @ "}]},
            "identities",
        ),
    ],
)
def test_join_member_refuses_bad_input(values: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        cmd.JoinMember(**values)  # type: ignore[arg-type]
    assert field in refused_fields(refused.value)


def test_update_profile_changes_keep_only_what_was_given() -> None:
    member_id = uuid4()
    assert cmd.UpdateMemberProfile(member_id=member_id).changes() == {}
    changes = cmd.UpdateMemberProfile(
        member_id=member_id, clear_email=True, attributes={"city": None, "team": "docs"}
    ).changes()
    assert changes == {"email": None, "attributes": {"city": None, "team": "docs"}}


@pytest.mark.parametrize("tag", ["", "Has Space", "-leading", "x" * 51, "émoji!"])
def test_tags_must_be_slugs(tag: str) -> None:
    with pytest.raises(ValidationError):
        cmd.TagMember(member_id=uuid4(), tag=tag)


def test_tags_are_lower_cased() -> None:
    assert cmd.TagMember(member_id=uuid4(), tag=" Beta-Tester ").tag == "beta-tester"


def test_member_commands_need_a_uuid_and_a_positive_version() -> None:
    with pytest.raises(ValidationError) as refused:
        cmd.TagMember(member_id="nope", tag="x")  # type: ignore[arg-type]
    assert refused_fields(refused.value) == {"member_id"}
    with pytest.raises(ValidationError) as refused:
        cmd.TagMember(member_id=uuid4(), tag="x", expected_version=0)
    assert refused_fields(refused.value) == {"expected_version"}


def test_leave_reason_is_bounded() -> None:
    with pytest.raises(ValidationError):
        cmd.MarkMemberLeft(member_id=uuid4(), reason="x" * 501)


def test_a_new_email_and_clear_email_together_are_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        cmd.UpdateMemberProfile(member_id=uuid4(), email="new@example.org", clear_email=True)
    assert refused_fields(refused.value) == {"clear_email"}
    assert "not both" in refused.value.errors()[0]["msg"]
    cleared = cmd.UpdateMemberProfile(member_id=uuid4(), clear_email=True)
    assert cleared.changes() == {"email": None}


def test_joined_at_as_a_number_is_refused() -> None:
    with pytest.raises(ValidationError, match="ISO 8601") as refused:
        cmd.JoinMember(display_name="Ada", joined_at=1714557600)  # type: ignore[arg-type]
    assert refused_fields(refused.value) == {"joined_at"}
