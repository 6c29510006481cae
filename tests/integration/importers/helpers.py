"""Imports on PostgreSQL as `crm import` runs them, and what they made read back from the
read models."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from api.bootstrap import use_cases
from api.importing import import_export
from api.projection_wiring import catch_up_all
from application.importers.formats import FORMATS
from application.importers.report import ImportReport
from application.runtime import Runtime
from domain.members.member import Member
from tests.integration.conftest import rows, scalar


def imported(
    runtime: Runtime, fmt: str, path: Path, *, strict: bool = False, event: UUID | None = None
) -> ImportReport:
    """Import `path` as `crm import FMT PATH` does, then bring the read models up to date."""
    cases = use_cases(runtime)
    report = import_export(
        runtime,
        FORMATS[fmt],
        path,
        after_batch=cases.returns,
        strict=strict,
        event_id=event,
        attendance=cases.attendance if event else None,
    )
    catch_up_all(runtime)
    return report


@dataclass(frozen=True)
class FirstImport:
    """An export imported first in a module: its path, its report, the totals right after."""

    path: Path
    report: ImportReport
    totals: tuple[int, int]


def first_import(runtime: Runtime, fmt: str, path: Path) -> FirstImport:
    """Import `path` and note the totals of its channel right after."""
    return FirstImport(path, imported(runtime, fmt, path), totals(runtime, fmt))


def totals(runtime: Runtime, channel: str) -> tuple[int, int]:
    """(members, interactions on the channel) in the read models."""
    url = runtime.database_url
    interactions = "SELECT count(*) FROM member_interactions WHERE channel = %s"
    return scalar(url, "SELECT count(*) FROM members"), scalar(url, interactions, (channel,))


def interactions(runtime: Runtime, channel: str) -> dict[str, tuple[Any, ...]]:
    """Each interaction of the channel by external id: (kind, thread, when, whose handle)."""
    found = rows(
        runtime.database_url,
        "SELECT external_id, kind, thread_ref, occurred_at, member_id"
        " FROM member_interactions WHERE channel = %s",
        (channel,),
    )
    return {ref: (kind, thread, when, member) for ref, kind, thread, when, member in found}


def member(runtime: Runtime, channel: str, user_id: str) -> Member:
    """The member holding a platform user id (from the event store)."""
    claims = runtime.community.claims
    wanted = claims.claim_hash(channel, user_id)
    return runtime.community.get_member(claims.holders([wanted])[wanted])


def flags(runtime: Runtime, member_id: UUID) -> tuple[bool, bool]:
    """(is_bot, is_staff) in the members read model."""
    found = rows(
        runtime.database_url,
        "SELECT is_bot, is_staff FROM members WHERE member_id = %s",
        (member_id,),
    )
    return found[0][0], found[0][1]


def failures(report: ImportReport) -> dict[tuple[str, str], str]:
    """Each error of the report by (file name, place)."""
    return {(Path(e.at.file).name, e.at.place): e.reason for e in report.errors}
