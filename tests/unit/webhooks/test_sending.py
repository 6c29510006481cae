"""The address check before each attempt: reused for a short window, a refusal never."""

from __future__ import annotations

import socket
from typing import Any

from application.webhooks.sending import HttpSender

# Nothing listens on the discard port: an attempt that passes the check fails to connect.
URL = "http://hooks.example.org:9/in"


def _resolver(*answers: str) -> tuple[Any, list[str]]:
    """A resolver giving each answer in turn (the last one then on), and its calls."""
    calls: list[str] = []

    def resolve(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        calls.append(host)
        address = answers[min(len(calls), len(answers)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    return resolve, calls


def _post(sender: HttpSender) -> str | None:
    return sender.post(URL, b"{}", {}).error


def test_a_changed_answer_is_checked_again_once_the_window_is_over() -> None:
    resolve, calls = _resolver("127.0.0.1", "169.254.169.254")
    sender = HttpSender(
        timeout_seconds=1, allow_private=True, resolve=resolve, address_ttl_seconds=0
    )
    assert "resolves to" not in (_post(sender) or "")
    assert "resolves to" in (_post(sender) or "")
    assert len(calls) == 2
    sender.close()


def test_within_the_window_the_checked_address_is_used_without_resolving() -> None:
    resolve, calls = _resolver("127.0.0.1", "169.254.169.254")
    sender = HttpSender(
        timeout_seconds=1, allow_private=True, resolve=resolve, address_ttl_seconds=60
    )
    first, second = _post(sender), _post(sender)
    assert "resolves to" not in (first or "") and "resolves to" not in (second or "")
    assert len(calls) == 1
    sender.close()


def test_a_refusal_is_never_kept() -> None:
    resolve, calls = _resolver("169.254.169.254", "127.0.0.1")
    sender = HttpSender(
        timeout_seconds=1, allow_private=True, resolve=resolve, address_ttl_seconds=60
    )
    assert "resolves to" in (_post(sender) or "")
    assert "resolves to" not in (_post(sender) or "")
    assert len(calls) == 2
    sender.close()
