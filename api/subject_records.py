"""The Art. 15 document's outreach sections, and the access use case wired with them.

The disclosures read model may not import the outreach read models (independence
contracts), so this composition layer reads them through their own queries, opened under
the member's key, and hands them to SubjectAccess through its SubjectRecords port.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from api.bootstrap import personal_data
from api.services import Services
from application.disclosures import SubjectAccess
from application.outreach.effectiveness import OutreachOutcomes
from projections.cursors import Page, Row
from projections.disclosures.data_subject import DataSubjectExport
from projections.outreach.log_queries import OutreachLogQueries
from projections.outreach.motivations_queries import MotivationQueries
from projections.outreach.notes_queries import NoteQueries
from projections.outreach.tasks_queries import TaskFilter, TaskQueries

# Tasks and contacts are read a page at a time, every page until the last.
PAGE = 500


class OutreachRecords:
    """What staff keep about a member: notes (every version), motivation, follow-up tasks
    about them, and outreach to them with its outcome now."""

    def __init__(self, services: Services) -> None:
        self.notes: NoteQueries = services.notes
        self.motivations: MotivationQueries = services.motivations
        self.tasks: TaskQueries = services.tasks
        self.log: OutreachLogQueries = services.outreach_log
        self.outcomes: OutreachOutcomes = services.use_cases.outreach_outcomes
        self.clock: Callable[[], datetime] = services.community.clock

    def about(self, member_id: UUID) -> dict[str, Any]:
        """The member's sections: notes, motivation, followUpTasks, outreach."""
        motivation = self.motivations.for_members([member_id], reveal=True).get(member_id)
        return {
            "notes": [_note(n) for n in self.notes.for_member(member_id, None)],
            "motivation": _motivation(motivation) if motivation else None,
            "followUpTasks": [_task(t) for t in self._tasks(member_id)],
            "outreach": self._contacts(member_id),
        }

    def _tasks(self, member_id: UUID) -> list[Row]:
        where, today = TaskFilter(member_id=member_id), self.clock().date()
        return _every(lambda after: self.tasks.page(where, today, PAGE, after))

    def _contacts(self, member_id: UUID) -> list[dict[str, Any]]:
        rows = _every(lambda after: self.log.page(member_id, PAGE, after, reveal=True))
        outcomes = self.outcomes.outcomes([r["outreach_id"] for r in rows]) if rows else {}
        return [
            {
                "outreachId": r["outreach_id"],
                "purpose": r["purpose"],
                "channel": r["channel"],
                "note": r["note"],
                "at": r["at"],
                "staffId": r["staff_id"],
                "outcome": outcomes.get(r["outreach_id"]),
            }
            for r in rows
        ]


def subject_access(services: Services) -> SubjectAccess:
    """The Art. 15 use case over the disclosures read model and outreach's records."""
    documents = DataSubjectExport(services.pool, personal_data(services.runtime))
    return SubjectAccess(documents, services.use_cases.disclosures, [OutreachRecords(services)])


def _every(page: Callable[[str | None], Page]) -> list[Row]:
    """Every row of a keyset list, page after page."""
    rows: list[Row] = []
    after: str | None = None
    while True:
        found = page(after)
        rows += found.rows
        if not found.has_next:
            return rows
        after = found.cursors[-1]


def _link(row: Row) -> dict[str, Any] | None:
    if row["link_kind"] is None:
        return None
    return {"kind": row["link_kind"], "id": row["link_id"]}


def _note(row: Row) -> dict[str, Any]:
    return {
        "noteId": row["note_id"],
        "authorId": row["author_id"],
        "text": row["text"],
        "link": _link(row),
        "addedAt": row["added_at"],
        "editedAt": row["edited_at"],
        "editedBy": row["edited_by"],
        "version": row["version"],
        "versions": [
            {
                "version": v["version"],
                "text": v["text"],
                "writtenBy": v["written_by"],
                "at": v["at"],
            }
            for v in row["versions"]
        ],
    }


def _motivation(row: Row) -> dict[str, Any]:
    return {
        "options": row["options"],
        "text": row["text"],
        "recordedBy": row["recorded_by"],
        "recordedAt": row["recorded_at"],
    }


def _task(row: Row) -> dict[str, Any]:
    return {
        "taskId": row["task_id"],
        "title": row["title"],
        "status": row["status"],
        "dueOn": row["due_on"],
        "assigneeId": row["assignee_id"],
        "link": _link(row),
        "createdAt": row["created_at"],
        "completedAt": row["completed_at"],
        "cancelledAt": row["cancelled_at"],
        "reopenedAt": row["reopened_at"],
    }
