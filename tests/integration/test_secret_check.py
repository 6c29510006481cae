"""A database remembers which secret wraps its member keys and refuses another."""

from __future__ import annotations

import pytest

from application.crypto import SecretKeyMismatch
from application.runtime import Runtime
from domain.members import commands as cmd
from tests.conftest import TEST_SECRET, test_settings


def test_a_different_secret_is_refused_and_the_original_still_works(database: str) -> None:
    first = Runtime.start(test_settings(database))
    member = first.community.join_member(cmd.JoinMember(display_name="Grace Hopper")).member
    first.close()

    with pytest.raises(SecretKeyMismatch):
        Runtime.start(test_settings(database, secret_key=TEST_SECRET + "-rotated"))

    again = Runtime.start(test_settings(database))
    try:
        assert again.community.get_member(member.id).display_name == "Grace Hopper"
    finally:
        again.close()
