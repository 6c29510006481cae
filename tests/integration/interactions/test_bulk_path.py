"""The bulk path (compiled records, direct stored events, COPY) against the library's own.

One member's interactions are saved the library's way (Interaction aggregates, save());
another's, the same ones, through record_interactions. Their events read back alike and
every read model holds the same rows for both.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from api.projection_wiring import catch_up_all
from application.interactions.decoding import ValidRecord
from application.interactions.recording import ACCEPTED
from application.runtime import Runtime
from domain.interactions.interaction import Interaction, InteractionKind, interaction_id
from domain.members import commands as cmd
from domain.values import Channel
from tests.integration.conftest import opened_rows, rows

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
# Above the COPY threshold, so that the batch goes into the log by COPY.
COUNT = 150
KINDS = list(InteractionKind)[:6]
CHANNELS = [Channel.DISCORD, Channel.GITHUB, Channel.SLACK]


def fields(n: int, prefix: str) -> dict[str, Any]:
    """The n-th interaction: varied channels, kinds, moments, threads and personal fields."""
    return {
        "channel": CHANNELS[n % 3],
        "kind": KINDS[n % len(KINDS)],
        "occurred_at": (NOW - timedelta(days=n % 97, minutes=n)).astimezone(
            UTC if n % 2 else datetime.now().astimezone().tzinfo
        ),
        "external_id": f"{prefix}-{n}",
        "thread_ref": f"t-{n % 7}" if n % 3 else None,
        "url": f"https://example.org/{n}" if n % 4 == 0 else None,
        "summary": f"said {n} things" if n % 5 == 0 else None,
    }


def joined(runtime: Runtime, name: str) -> UUID:
    """A member joined by command."""
    return runtime.community.join_member(cmd.JoinMember(display_name=name)).member.id


def save_the_library_way(runtime: Runtime, member: UUID) -> None:
    """Interaction aggregates saved by the library: event objects, the mapper, save()."""
    aggregates = []
    for n in range(COUNT):
        values = fields(n, "slow")
        aggregates.append(
            Interaction.record(
                member_id=member,
                **{**values, "channel": values["channel"].value, "kind": values["kind"].value},
                now=NOW,
            )
        )
    runtime.community.save(*aggregates)


def as_read(runtime: Runtime, interaction: UUID | None) -> dict[str, Any]:
    """The interaction as the application reads it back, but for what names it."""
    assert interaction is not None
    aggregate = runtime.community.repository.get(interaction)
    assert isinstance(aggregate, Interaction)
    naming = ("_id", "member_id", "external_id", "_created_on", "_modified_on")
    return {k: v for k, v in vars(aggregate).items() if k not in naming}


def read_models(runtime: Runtime, member: UUID) -> dict[str, list[tuple[Any, ...]]]:
    """Every read-model row of the member, without its id and the ids derived from it."""
    url = runtime.database_url
    where = f"WHERE member_id = '{member}'"
    interactions = opened_rows(
        url,
        "SELECT member_id, interaction_id, channel, kind, occurred_at,"
        " split_part(external_id, '-', 2) AS n, thread_ref, sealed_content"
        f" FROM member_interactions {where} ORDER BY n",
    )
    tables = ("member_engagement", "member_channel_engagement", "member_activity_weeks")
    found = {
        table: [row[1:] for row in rows(url, f"SELECT * FROM {table} {where} ORDER BY 2, 3")]
        for table in tables
    }
    return {"member_interactions": [row[2:] for row in interactions], **found}


def test_the_bulk_path_writes_what_the_library_writes(runtime: Runtime) -> None:
    slow, fast = joined(runtime, "Slow"), joined(runtime, "Fast")
    save_the_library_way(runtime, slow)
    records = [
        ValidRecord(fast, None, **fields(n, "fast"))  # type: ignore[arg-type]
        for n in range(COUNT)
    ]
    report = runtime.community.record_interactions(records, create_unknown_members=False)
    assert report.outcomes == [ACCEPTED] * COUNT
    for n in range(COUNT):
        library = interaction_id(CHANNELS[n % 3].value, f"slow-{n}")
        assert as_read(runtime, library) == as_read(runtime, report.interaction_ids[n])
    catch_up_all(runtime)
    assert read_models(runtime, fast) == read_models(runtime, slow)
    assert read_models(runtime, fast)["member_interactions"]
