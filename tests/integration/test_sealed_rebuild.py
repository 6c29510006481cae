"""Sealing the read models keeps rebuilds set-based: one key query per page, not per event."""

from __future__ import annotations

from typing import Any

import pytest

from api.projection_wiring import build_runners
from application.members.demo import seed_demo
from application.runtime import Runtime
from domain.members import commands as cmd

pytestmark = pytest.mark.integration


def test_a_rebuild_reads_the_keys_once_per_page(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_demo(runtime.community, 40, interactions=True)
    community = runtime.community
    erased = community.join_member(cmd.JoinMember(display_name="Erased Midway")).member.id
    community.erase_member(cmd.EraseMember(member_id=erased))
    keyring = community.keyring
    queries: list[int] = []
    original = keyring.preload

    def counted(subjects: Any) -> Any:
        wanted = set(subjects)
        if wanted:  # an empty call asks the database nothing
            queries.append(len(wanted))
        return original(wanted)

    monkeypatch.setattr(keyring, "preload", counted)
    for runner in build_runners(runtime, batch_size=25):
        if runner.name not in ("members", "engagement"):
            continue
        runner.reset(replay=True)  # as `crm project --rebuild` does
        keyring._cache.clear()  # as a fresh process, which has no key yet
        queries.clear()
        pages = 0
        while runner.run_page():
            pages += 1
        assert pages > 3, runner.name
        assert 0 < len(queries) <= pages, (runner.name, queries, pages)
