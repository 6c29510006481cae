"""Erasure leaves nothing on disk: every file of an embedded server's data folder is scanned.

This is how the leak was found: erase a member with distinctive data, let the documented
compaction run, checkpoint, then look for the strings in the raw files (table files,
indexes, dead rows, WAL, logs). A control member who was not erased must still be found,
so that the scan is shown able to fail.
"""

from __future__ import annotations

import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import psycopg
import pytest

from api.bootstrap import personal_data
from api.projection_wiring import build_runners, erasure_compactor
from application.embedded import ensure_database, start_embedded_server
from application.runtime import Runtime
from domain.commands import IdentityRef
from domain.feedback import FeedbackItem, FeedbackKind
from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd
from projections.members.name_terms import name_terms
from projections.worker import ProjectionWorker
from tests.conftest import test_settings

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)


@dataclass(frozen=True)
class Embedded:
    """A server of this test alone: its URL and its data folder."""

    url: str
    pgdata: Path


@pytest.fixture(scope="module")
def embedded() -> Iterator[Embedded]:
    """An embedded server in a folder of its own, configured as `crm` configures it."""
    with tempfile.TemporaryDirectory(prefix="crm-disk-") as folder:
        server = start_embedded_server(Path(folder))
        try:
            yield Embedded(server.url, Path(folder).resolve() / "postgres")
        finally:
            server.stop()


@dataclass(frozen=True)
class Person:
    """A member and the values that belong to them alone."""

    member_id: UUID
    strings: tuple[str, ...]


def person_with_everything(runtime: Runtime, mark: str) -> Person:
    """A member with a name, e-mail, handles, attributes and interactions, each distinctive."""
    community = runtime.community
    strings = {
        "name": f"Thessaly Quorndon {mark}",
        "renamed": f"Thessaly Brightwater {mark}",
        "email": f"thessaly.{mark}@quorndon.example",
        "new_email": f"t.brightwater.{mark}@quorndon.example",
        "discord": f"ThessQ_{mark}",
        "github": f"quorndon-gh-{mark}",
        "forum": f"brightforum{mark}",
        "city": f"Ulvenmark-{mark}",
        "phone": f"+44 7700 {mark}",
        "summary": f"Asked about the Zephyrine flux capacitor {mark}",
        "summary2": f"Shared the Quorndon migration notes {mark}",
        "url": f"https://forum.example/t/quorndon-{mark}",
        "feedback": f"The Vexholm dashboard {mark} loses my filters",
        "feedback_url": f"https://forum.example/t/vexholm-{mark}",
    }
    member_id = community.join_member(
        cmd.JoinMember(
            display_name=strings["name"],
            email=strings["email"],
            joined_at=NOW - timedelta(days=30),
            source_channel="discord",
            attributes={"city": strings["city"], "phone": strings["phone"]},
            identities=[IdentityRef(channel="discord", handle=strings["discord"])],
        )
    ).member.id
    community.link_identity(
        cmd.LinkIdentity(member_id=member_id, channel="github", handle=strings["github"])
    )
    community.link_identity(
        cmd.LinkIdentity(member_id=member_id, channel="forum", handle=strings["forum"])
    )
    community.update_member_profile(
        cmd.UpdateMemberProfile(
            member_id=member_id,
            display_name=strings["renamed"],
            email=strings["new_email"],
            attributes={"city": f"{strings['city']}-north"},
        )
    )
    community.tag_member(cmd.TagMember(member_id=member_id, tag="speaker"))
    community.record_interactions(
        [
            RecordInteraction(
                member_id=member_id,
                channel="forum",
                kind="post",
                occurred_at=NOW - timedelta(days=days),
                external_id=f"{mark}-{days}",
                thread_ref=f"thread-{mark}",
                url=strings["url"] if days == 2 else None,
                summary=strings["summary" if days == 2 else "summary2"],
            )
            for days in (2, 5)
        ],
        create_unknown_members=False,
    )
    feedback = FeedbackItem.submit(
        author_id=member_id,
        channel="forum",
        kind=FeedbackKind.BUG,
        text=strings["feedback"],
        source_url=strings["feedback_url"],
        submitted_at=NOW - timedelta(days=1),
        now=NOW,
    )
    community.save(feedback)
    return Person(member_id, tuple(strings.values()))


def found_in_files(
    pgdata: Path, strings: tuple[str, ...], hashes: tuple[bytes, ...] = ()
) -> dict[str, list[str]]:
    """For each string (as UTF-8 and lower-cased) and each hash (its hex names it), the data
    folder's files that hold it."""
    needles = {s: {s.encode(), s.lower().encode()} for s in strings}
    needles |= {h.hex(): {h} for h in hashes}
    found: dict[str, list[str]] = {s: [] for s in needles}
    scanned = 0
    for path in sorted(pgdata.rglob("*")):
        if not path.is_file():
            continue
        try:
            content = path.read_bytes()
        except FileNotFoundError:  # removed while scanning (a temporary file)
            continue
        scanned += 1
        for string, variants in needles.items():
            if any(v in content for v in variants):
                found[string].append(str(path.relative_to(pgdata)))
    assert scanned > 100, "the data folder was not scanned"
    assert any((pgdata / "pg_wal").iterdir()), "no WAL segment was scanned"
    return found


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Poll until the condition holds, failing after the timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_an_erased_member_leaves_no_readable_byte_in_any_file(embedded: Embedded) -> None:
    url = ensure_database(embedded.url, f"crm_disk_{uuid.uuid4().hex[:8]}")
    runtime = Runtime.start(test_settings(url, erasure_compaction_seconds=0))
    try:
        mark = uuid.uuid4().hex[:12]
        person = person_with_everything(runtime, mark)
        # The blind indexes of the feedback's words, which text search matches.
        words = tuple(personal_data(runtime).word_keys(f"Vexholm {mark}"))
        # And those of the starts of both names the member had, which name search matches,
        # as PostgreSQL stores a bigint (little-endian here).
        named = (f"Thessaly Quorndon {mark}", f"Thessaly Brightwater {mark}")
        terms = {t for name in named for t in name_terms(personal_data(runtime), name)}
        # Less those the member kept below shares ("k", "ke", ... and the mark's).
        terms -= name_terms(personal_data(runtime), f"Control Kestrelwyn {mark}")
        words += tuple(t.to_bytes(8, "little", signed=True) for t in terms)
        control = runtime.community.join_member(
            cmd.JoinMember(display_name=f"Control Kestrelwyn {mark}")
        ).member.id
        for runner in build_runners(runtime):
            runner.catch_up()
        with psycopg.connect(url, autocommit=True) as conn:
            # As a rebuild or an import does: statistics sample the tables' values.
            conn.execute("ANALYZE")
            # No sampled names or blind indexes in pg_statistic, where they would outlive
            # the erasure (the sealed columns' samples are ciphertext).
            sampled = conn.execute(
                "SELECT tablename, attname FROM pg_stats WHERE attname IN"
                " ('display_name', 'email_key', 'search_keys', 'handle_key')"
                " OR tablename IN ('members_name_idx', 'members_name_search_idx')"
            ).fetchall()
            assert sampled == []
            assert conn.execute(
                "SELECT count(*) FROM pg_stats WHERE tablename = 'members'"
            ).fetchone() != (0,)
            indexed = "SELECT count(*) FROM feedback_terms WHERE term = ANY(%s)"
            assert conn.execute(indexed, (list(words[:2]),)).fetchone() == (2,)
            starts = "SELECT count(*) FROM member_name_terms WHERE term = ANY(%s)"
            assert conn.execute(starts, (list(terms),)).fetchone() != (0,)

        runtime.community.erase_member(cmd.EraseMember(member_id=person.member_id))
        # The worker loop, as `crm worker` and `crm serve` run it: projections, then the
        # compaction that erasures wait for (delay 0 here).
        worker = ProjectionWorker(
            url,
            build_runners(runtime),
            poll_seconds=0.2,
            maintenance=erasure_compactor(runtime).run_if_due,
        )
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        try:
            wait_for(lambda: compacted(url, person.member_id))
        finally:
            worker.stopping.set()
            thread.join(10)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CHECKPOINT")
            assert conn.execute(
                "SELECT display_name FROM members WHERE member_id = %s", (control,)
            ).fetchone() == (f"Control Kestrelwyn {mark}",)
    finally:
        runtime.close()

    found = found_in_files(embedded.pgdata, (*person.strings, f"Control Kestrelwyn {mark}"), words)
    # The scan can fail: the member who was not erased is on disk, in plaintext.
    assert found.pop(f"Control Kestrelwyn {mark}")
    assert {string: files for string, files in found.items() if files} == {}


def compacted(url: str, member_id: UUID) -> bool:
    """Whether the compaction after this member's erasure has finished."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT compacted_at IS NOT NULL FROM erasure_compactions WHERE member_id = %s",
            (member_id,),
        ).fetchone()
    return bool(row and row[0])
