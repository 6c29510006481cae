"""Members first seen in an ingestion exist only with an accepted interaction, atomically."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from application.interactions.importer import Checkpoint, import_interactions
from application.interactions.ingestion import Ingestion
from application.interactions.recording import DUPLICATE, REJECTED
from application.runtime import Runtime
from domain.interactions.commands import RecordInteraction
from domain.interactions.interaction import Interaction, interaction_id
from domain.members import commands as cmd
from domain.members.member import Member
from tests.integration.conftest import after_recording, execute, scalar
from tests.integration.test_cli import crm_command, crm_env

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
WHEN = (NOW - timedelta(days=1)).isoformat()


def by_handle(handle: str, **values: object) -> RecordInteraction:
    """A Slack message by an identity, a day ago unless told otherwise."""
    fields: dict[str, object] = {
        "identity": {"channel": "slack", "handle": handle},
        "channel": "slack",
        "kind": "message",
        "occurred_at": NOW - timedelta(days=1),
        "external_id": uuid4().hex,
        **values,
    }
    return RecordInteraction(**fields)  # type: ignore[arg-type]


def count(runtime: Runtime, topic: str) -> int:
    """Events of this topic in the log."""
    query = "SELECT count(*) FROM community_events WHERE topic = %s"
    return int(scalar(runtime.database_url, query, (topic,)))


def claims(runtime: Runtime) -> int:
    """Identity claims held."""
    return int(scalar(runtime.database_url, "SELECT count(*) FROM identity_claims"))


def known(runtime: Runtime) -> UUID:
    """A member joined by command, with no identity."""
    return runtime.community.join_member(cmd.JoinMember(display_name="Known")).member.id


def test_rejected_records_create_no_member(runtime: Runtime) -> None:
    records = [
        by_handle("from-the-future", occurred_at=NOW + timedelta(days=3)),
        by_handle("from-1900", occurred_at=datetime(1900, 1, 1, tzinfo=UTC)),
        by_handle("from-year-one", occurred_at=datetime(1, 1, 1, tzinfo=UTC)),
    ]
    report = runtime.community.record_interactions(records, create_unknown_members=True)
    assert report.outcomes == [REJECTED] * 3
    assert [r.field for r in report.rejections] == ["occurred_at"] * 3
    assert report.created_members == 0
    assert report.member_ids == [None, None, None]
    assert (count(runtime, Member.Joined.TOPIC), claims(runtime)) == (0, 0)


@pytest.mark.parametrize("size", [3, 150])  # one statement of arrays; staged by COPY
def test_duplicate_records_create_no_member(runtime: Runtime, size: int) -> None:
    ada = known(runtime)
    earlier = [
        RecordInteraction(
            member_id=ada, channel="slack", kind="message", occurred_at=WHEN, external_id=f"e{n}"
        )
        for n in range(size)
    ]
    runtime.community.record_interactions(earlier, create_unknown_members=False)
    again = [by_handle(f"ghost-{n}", external_id=f"e{n}") for n in range(size)]
    # Twice in one batch: only the first line's new member is needed.
    again += [by_handle("first", external_id="new"), by_handle("second", external_id="new")]
    report = runtime.community.record_interactions(again, create_unknown_members=True)
    assert report.outcomes.count(DUPLICATE) == size + 1
    assert (report.accepted, report.created_members) == (1, 1)
    assert count(runtime, Member.Joined.TOPIC) == 2  # Ada, and "first"
    assert claims(runtime) == 1
    assert report.member_ids[:size] == [None] * size
    holder = runtime.community.claims.holders(
        [runtime.community.claims.claim_hash("slack", "first")]
    )
    assert list(holder.values()) == [report.member_ids[size]]


class Crash:
    """Makes the insert of chosen interactions fail, via a trigger on the event table."""

    def __init__(self, url: str) -> None:
        self.url = url

    def at(self, channel: str, external_id: str) -> None:
        """Fail any transaction that inserts this interaction."""
        execute(
            self.url,
            "INSERT INTO doomed_interactions VALUES (%s)",
            (interaction_id(channel, external_id),),
        )

    def off(self) -> None:
        """Let every insert through again."""
        execute(self.url, "DELETE FROM doomed_interactions")


@pytest.fixture
def crash(runtime: Runtime) -> Iterator[Crash]:
    """A trigger that fails the insert of doomed interactions.

    It fires after earlier rows of the same statement were written: a failure in the
    middle of the batch's transaction, as a crash or a full disk would cause.
    """
    execute(
        runtime.database_url,
        """
        CREATE TABLE doomed_interactions (id uuid PRIMARY KEY);
        CREATE FUNCTION fail_doomed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM doomed_interactions WHERE id = NEW.originator_id) THEN
            RAISE EXCEPTION 'crash in the middle of the batch';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER fail_doomed AFTER INSERT ON community_events
          FOR EACH ROW EXECUTE FUNCTION fail_doomed();
        """,
    )
    yield Crash(runtime.database_url)
    execute(runtime.database_url, "DROP TRIGGER fail_doomed ON community_events")


@pytest.mark.parametrize("size", [3, 150])
def test_a_crash_mid_batch_leaves_neither_member_nor_interaction(
    runtime: Runtime, crash: Crash, size: int
) -> None:
    records = [by_handle(f"newcomer-{n}") for n in range(size)]
    crash.at("slack", records[-1].external_id)
    with pytest.raises(Exception, match="crash in the middle of the batch"):
        runtime.community.record_interactions(records, create_unknown_members=True)
    assert count(runtime, Member.Joined.TOPIC) == 0
    assert count(runtime, Interaction.Recorded.TOPIC) == 0
    assert claims(runtime) == 0
    crash.off()
    report = runtime.community.record_interactions(records, create_unknown_members=True)
    assert (report.accepted, report.created_members) == (size, size)
    assert count(runtime, Member.Joined.TOPIC) == size


def write_lines(path: Path, lines: list[str], bom: bool = False) -> Path:
    """A file of these lines, optionally starting with a UTF-8 byte-order mark."""
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\n".join(lines).encode() + b"\n")
    return path


def ndjson_line(handle: str, external_id: str, occurred_at: str = WHEN) -> str:
    """A Slack message by an identity, as an NDJSON line."""
    return (
        f'{{"identity_channel": "slack", "identity_handle": "{handle}", "channel": "slack",'
        f' "kind": "message", "occurred_at": "{occurred_at}", "external_id": "{external_id}"}}'
    )


def test_crm_import_creates_members_only_for_accepted_lines(
    runtime: Runtime, tmp_path: Path
) -> None:
    ada = known(runtime)
    runtime.community.record_interactions(
        [
            RecordInteraction(
                member_id=ada, channel="slack", kind="message", occurred_at=WHEN, external_id="old"
            )
        ],
        create_unknown_members=False,
    )
    path = write_lines(
        tmp_path / "export.ndjson",
        [
            ndjson_line("welcome", "w1"),
            ndjson_line("future", "f1", (NOW + timedelta(days=5)).isoformat()),
            ndjson_line("epoch", "z1", "1970-01-01T00:00:00Z"),
            ndjson_line("ghost", "old"),
        ],
        bom=True,
    )
    command = [*crm_command(), "import", "interactions", str(path), "--create-members"]
    done = subprocess.run(
        command, env=crm_env(runtime.database_url), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "accepted 1, duplicates 1, rejected 2, new members 1" in done.stdout
    assert count(runtime, Member.Joined.TOPIC) == 2  # Ada, and "welcome"
    assert claims(runtime) == 1


def test_csv_and_ndjson_imports_ignore_a_byte_order_mark(runtime: Runtime, tmp_path: Path) -> None:
    csv_path = tmp_path / "forum.csv"
    csv_path.write_bytes(
        b"\xef\xbb\xbfidentity_channel,identity_handle,channel,kind,occurred_at,external_id\n"
        + f"slack,csv-person,slack,post,{WHEN},c1\n".encode()
    )
    ingestion = Ingestion(
        runtime.community,
        after_recording(runtime),
        max_json_depth=runtime.settings.max_json_depth,
        create_unknown_members=True,
    )
    totals, _ = import_interactions(ingestion, csv_path, file_format="csv")
    assert (totals.accepted, totals.rejected, totals.members_created) == (1, 0, 1)
    path = write_lines(tmp_path / "bom.ndjson", [ndjson_line("bom-person", "b1")], bom=True)
    ingestion = Ingestion(
        runtime.community,
        after_recording(runtime),
        max_json_depth=runtime.settings.max_json_depth,
        create_unknown_members=True,
    )
    totals, _ = import_interactions(ingestion, path, file_format="ndjson")
    assert (totals.accepted, totals.rejected, totals.members_created) == (1, 0, 1)


def test_an_import_crashing_mid_batch_resumes_with_each_member_once(
    runtime: Runtime, tmp_path: Path, crash: Crash
) -> None:
    path = write_lines(tmp_path / "crash.ndjson", [ndjson_line(f"p{n}", f"x{n}") for n in range(6)])
    crash.at("slack", "x3")  # in the second batch of two
    crashing = Ingestion(
        runtime.community,
        after_recording(runtime),
        max_json_depth=runtime.settings.max_json_depth,
        create_unknown_members=True,
        batch_size=2,
    )
    with pytest.raises(Exception, match="crash in the middle of the batch"):
        import_interactions(crashing, path, file_format="ndjson")
    saved = Checkpoint.load(path)
    assert saved is not None and saved.lines_done == 2
    assert count(runtime, Member.Joined.TOPIC) == 2
    assert count(runtime, Interaction.Recorded.TOPIC) == 2
    assert claims(runtime) == 2
    crash.off()
    rerun = Ingestion(
        runtime.community,
        after_recording(runtime),
        max_json_depth=runtime.settings.max_json_depth,
        create_unknown_members=True,
        batch_size=2,
    )
    totals, skipped = import_interactions(rerun, path, file_format="ndjson")
    assert (skipped, totals.accepted, totals.members_created) == (2, 4, 4)
    assert count(runtime, Member.Joined.TOPIC) == 6
    assert count(runtime, Interaction.Recorded.TOPIC) == 6
