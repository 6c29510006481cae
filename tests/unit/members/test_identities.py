"""Which held identity a handle names: case, @ and composition aside; shredded ones never."""

from __future__ import annotations

from domain.members.identities import held_handle, names_identity, without_identity


def test_a_handle_names_the_held_identity_whatever_its_case_or_at_sign() -> None:
    held = [["github", "AdaL"], ["discord", "ada"]]
    assert names_identity(["github", "AdaL"], "github", "@adal")
    assert held_handle(held, "github", "@adal") == "AdaL"
    assert held_handle(held, "slack", "adal") is None
    assert without_identity(held, "github", "ADAL") == [["discord", "ada"]]


def test_a_shredded_handle_names_nothing_and_is_not_held() -> None:
    held: list[list[str | None]] = [["github", None]]
    assert not names_identity(["github", None], "github", "adal")
    assert held_handle(held, "github", "adal") is None
    assert without_identity(held, "github", None) == held
