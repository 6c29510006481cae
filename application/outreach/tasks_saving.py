"""Loading and saving follow-up tasks through the Community: load, act, save, with retries."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from application.crypto import SubjectErased
from application.members.community import Community
from domain.errors import MemberIsErased
from domain.outreach.commands_tasks import TaskCommand
from domain.outreach.task import FollowUpTask
from domain.outreach.task_errors import TaskModifiedConcurrently, TaskNotFound, TaskVersionMismatch

# A command is retried this often when another writer saved the same task first, after a
# short random pause so that the writers do not collide again in step (as for members).
MAX_ATTEMPTS = 10
RETRY_PAUSE_SECONDS = 0.005


@dataclass(frozen=True)
class TaskChange:
    """The outcome of a command: the task after it, and where its last event landed."""

    task: FollowUpTask
    position: int | None


class TaskStore:
    """Follow-up tasks, read from and written to the one event store."""

    def __init__(self, community: Community) -> None:
        self.community = community

    def task(self, task_id: UUID) -> FollowUpTask:
        """The task's current state, replayed from its events."""
        try:
            found: Aggregate = self.community.repository.get(task_id)
        except AggregateNotFoundError:
            raise TaskNotFound(task_id) from None
        if not isinstance(found, FollowUpTask):
            raise TaskNotFound(task_id)
        return found

    def save(self, task: FollowUpTask) -> TaskChange:
        """Record the task's pending events."""
        try:
            recordings = self.community.save(task)
        except SubjectErased:
            # The member was erased between the check and the save: no key to seal with.
            raise MemberIsErased(task.member_id) from None
        position = recordings[-1].notification.id if recordings else None
        return TaskChange(task, position)

    def change(self, command: TaskCommand, act: Callable[[FollowUpTask], Any]) -> TaskChange:
        """Load, act, save; act again on the new state if another writer saved first."""
        expected = command.expected_version
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, RETRY_PAUSE_SECONDS * attempt))
            task = self.task(command.task_id)
            if expected is not None and task.version != expected:
                raise TaskVersionMismatch(task.id, expected, task.version)
            act(task)
            try:
                return self.save(task)
            except IntegrityError:
                # Another writer saved this task first: the caller's version is stale.
                if expected is not None:
                    current = self.task(task.id).version
                    raise TaskVersionMismatch(task.id, expected, current) from None
        raise TaskModifiedConcurrently(command.task_id)
