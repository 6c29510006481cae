"""Typed refusals of follow-up tasks, beyond the moves' IllegalTaskMove."""

from __future__ import annotations

from uuid import UUID

from domain.errors import ConcurrentModification, ConflictError, DomainError, VersionMismatch
from domain.outreach.task_moves import TaskLinkKind


class TaskNotFound(DomainError):
    """No follow-up task has this id."""

    code = "TASK_NOT_FOUND"

    def __init__(self, task_id: UUID) -> None:
        super().__init__(f"no follow-up task with id {task_id}")
        self.task_id = task_id


class LinkedRecordNotFound(DomainError):
    """The record a task is to follow up on does not exist."""

    code = "LINKED_RECORD_NOT_FOUND"

    def __init__(self, kind: TaskLinkKind, record_id: UUID) -> None:
        what = kind.value.replace("_", " ")
        super().__init__(f"no {what} with id {record_id}")
        self.kind = kind
        self.record_id = record_id


class MemberNotAtRisk(ConflictError):
    """A task follows up on an at-risk flag only while the member is at risk."""

    code = "MEMBER_NOT_AT_RISK"

    def __init__(self, member_id: UUID) -> None:
        super().__init__(f"member {member_id} is not at risk now")
        self.member_id = member_id


class LinkedMemberMismatch(ConflictError):
    """The member given is not the one the linked record is about."""

    code = "LINKED_MEMBER_MISMATCH"

    def __init__(self, member_id: UUID, linked_member_id: UUID) -> None:
        super().__init__(f"the linked record is about member {linked_member_id}, not {member_id}")
        self.member_id = member_id
        self.linked_member_id = linked_member_id


class TaskVersionMismatch(VersionMismatch):
    """The caller acted on a version of the task that is no longer current."""

    def __init__(self, task_id: UUID, expected: int, actual: int) -> None:
        super().__init__(task_id, expected, actual)
        self.args = (f"task {task_id} is at version {actual}, not {expected}: reload and retry",)
        self.task_id = task_id


class TaskModifiedConcurrently(ConcurrentModification):
    """Other writers kept changing the task while this command retried."""

    def __init__(self, task_id: UUID) -> None:
        super().__init__(task_id)
        self.args = (f"task {task_id} is being changed concurrently: retry later",)
        self.task_id = task_id
