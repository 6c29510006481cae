"""Routing lines to import workers: one member, one worker; the checkpoint trails the slowest."""

from __future__ import annotations

import json
from uuid import uuid4

from application.interactions.fanout import _Progress, owner


def line(**fields: object) -> bytes:
    """One NDJSON line."""
    return json.dumps(fields).encode()


def test_every_form_of_one_handle_goes_to_the_same_worker() -> None:
    forms = ["ada", "@ada", "ADA", " Ada ", "@Ada"]
    workers = {owner(line(identity_channel="slack", identity_handle=h), 7) for h in forms}
    assert len(workers) == 1
    member = uuid4()
    by_id = {owner(line(member_id=m), 7) for m in (str(member), str(member).upper())}
    assert len(by_id) == 1


def test_handles_spread_over_the_workers() -> None:
    lines = [line(identity_channel="slack", identity_handle=f"user{n}") for n in range(1000)]
    shares = [sum(1 for raw in lines if owner(raw, 4) == w) for w in range(4)]
    assert min(shares) > 150


def test_lines_that_say_no_member_still_go_somewhere() -> None:
    for raw in (b"{not json", b"[]", line(identity_handle=7), b""):
        assert owner(raw, 3) in range(3)


def test_the_checkpoint_stops_before_the_first_line_not_yet_committed() -> None:
    progress = _Progress([None, 40], pending={3: 12, 4: 30}, read_up_to=45)
    assert progress.safe_line() == 11
    progress.pending.clear()
    assert progress.safe_line() == 39
    progress.unsent_first = [None, None]
    assert progress.safe_line() == 45
