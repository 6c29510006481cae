"""Names and handles: NFC, and no control or direction-control characters."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from pydantic import ValidationError

from domain.commands import IdentityRef
from domain.members import commands as cmd
from domain.members.member import Member
from domain.values import check_handle, check_plain_text

SPOOFING = [
    "\u202e",  # right-to-left override
    "\u202a",  # left-to-right embedding
    "\u202c",  # pop directional formatting
    "\u2066",  # left-to-right isolate
    "\u2069",  # pop directional isolate
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u061c",  # Arabic letter mark
]
CONTROLS = ["\x07", "\x1b", "\x7f", "\x85", "\n", "\t", "\u2028", "\u2029", "\ud800"]


@pytest.mark.parametrize("char", SPOOFING + CONTROLS)
def test_names_and_handles_refuse_control_and_direction_characters(char: str) -> None:
    with pytest.raises(ValueError, match=f"U\\+{ord(char):04X}"):
        check_plain_text(f"ab{char}cd", "display name")
    with pytest.raises(ValidationError) as refused:
        cmd.JoinMember(display_name=f"Ada{char}Lovelace")
    assert [e["loc"] for e in refused.value.errors()] == [("display_name",)]
    with pytest.raises(ValidationError) as refused:
        cmd.LinkIdentity(member_id=uuid4(), channel="slack", handle=f"ada{char}x")
    assert [e["loc"] for e in refused.value.errors()] == [("handle",)]


@pytest.mark.parametrize("name", ["محمد الأحمد", "שרה לוי", "Zoë 🧑\u200d💻", "Ма́рия"])
def test_right_to_left_scripts_and_joiners_stay_accepted(name: str) -> None:
    command = cmd.JoinMember(
        display_name=name, identities=[{"channel": "telegram", "handle": name.split()[0]}]
    )
    assert command.display_name == unicodedata.normalize("NFC", name)


def test_names_and_handles_are_normalised_to_nfc() -> None:
    decomposed = "Re\u0301mi"
    assert len(decomposed) == 5
    command = cmd.JoinMember(
        display_name=decomposed, identities=[{"channel": "slack", "handle": decomposed}]
    )
    assert command.display_name == "R\u00e9mi"
    assert command.identities[0].handle == "R\u00e9mi"
    assert check_handle("@re\u0301mi ") == "@r\u00e9mi"


def test_an_empty_handle_says_so() -> None:
    with pytest.raises(ValidationError, match="handle must not be empty"):
        IdentityRef(channel="slack", handle=" @ ")


def test_a_handle_linked_before_the_cleaning_can_still_be_unlinked() -> None:
    """Unlinking takes a held handle as it was stored, and matches it composed or not."""
    member = Member.join(
        display_name="Legacy",
        email=None,
        joined_at=datetime(2024, 1, 1, tzinfo=UTC),
        source_channel="slack",
        attributes={},
        now=datetime(2026, 1, 1, tzinfo=UTC),
    )
    member.link_identity("slack", "re\u0301mi\u202egnp")  # as stored before the rules
    command = cmd.UnlinkIdentity(member_id=member.id, channel="slack", handle="R\u00e9mi\u202egnp")
    assert member.unlink_identity(command.channel.value, command.handle) == "re\u0301mi\u202egnp"
    assert member.identities == []


@pytest.mark.parametrize("char", ["\u202e", "\x07", "\u2066"])
def test_an_email_with_control_or_direction_characters_is_refused(char: str) -> None:
    with pytest.raises(ValidationError) as refused:
        cmd.JoinMember(display_name="Ada", email=f"ada{char}@example.org")
    assert [e["loc"] for e in refused.value.errors()] == [("email",)]
