"""Feedback over real HTTP: a server per module, and feedback saved through the Community.

The feedback use cases (mutations) belong to another change; these tests save
FeedbackItem aggregates through the event-sourced application directly, then wait for
the feedback projection, so that the read side is tested on what the log really holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from api.auth import Role
from domain.feedback.item import FeedbackItem
from domain.feedback.workflow import FeedbackKind
from projections.feedback.projection import FeedbackProjection
from tests.api.conftest import Api, join, served_api, unique

WAIT_SECONDS = 20


@dataclass
class Desk:
    """Saves feedback through the Community application and waits until it is projected."""

    api: Api

    def submit(
        self,
        author_id: str,
        *,
        kind: FeedbackKind = FeedbackKind.BUG,
        text: str | None = None,
        channel: str = "forum",
        submitted_at: datetime | None = None,
        product_area: str | None = None,
        source_url: str | None = None,
    ) -> str:
        """A new item by this member; returns its id."""
        now = datetime.now(UTC)
        item = FeedbackItem.submit(
            author_id=UUID(author_id),
            channel=channel,
            kind=kind,
            text=text or unique("Feedback "),
            submitted_at=submitted_at or now,
            now=now,
            product_area=product_area,
            source_url=source_url,
        )
        self._save(item)
        return str(item.id)

    def act(self, item_id: str, *changes: Callable[[FeedbackItem], Any]) -> None:
        """Apply changes to an item and save them."""
        item = self.api.services.community.repository.get(UUID(item_id))
        assert isinstance(item, FeedbackItem)
        for change in changes:
            change(item)
        self._save(item)

    def _save(self, item: FeedbackItem) -> None:
        recordings = self.api.services.community.save(item)
        position = recordings[-1].notification.id
        watcher = self.api.services.watcher
        assert watcher.wait_for(FeedbackProjection.name, position, WAIT_SECONDS)


def settle(api: Api) -> None:
    """Wait until the feedback projection has applied everything recorded so far."""
    position = api.services.community.recorder.max_notification_id() or 0
    assert api.services.watcher.wait_for(FeedbackProjection.name, position, WAIT_SECONDS)


@pytest.fixture(scope="module")
def feedback_api(server_url: str, template_database: str) -> Iterator[Api]:
    """A server on a database of this module's own, so that counts are exact."""
    with served_api(server_url, template_database) as served:
        yield served


@pytest.fixture(scope="module")
def desk(feedback_api: Api) -> Desk:
    """Feedback saved on this module's server."""
    return Desk(feedback_api)


@pytest.fixture(scope="module")
def keys(feedback_api: Api) -> dict[Role, str]:
    """A key of each role on this module's server."""
    return {role: feedback_api.key(role) for role in Role}


def member(api: Api, key: str, **fields: Any) -> str:
    """A new member's id."""
    return str(join(api, key, **fields)["id"])


def query(api: Api, document: str, key: str, **variables: Any) -> dict[str, Any]:
    """The data of a query that must succeed."""
    body = api.graphql(document, variables, key=key)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def refused(api: Api, document: str, key: str, **variables: Any) -> str:
    """The message of a query refused as bad input."""
    body = api.graphql(document, variables, key=key)
    assert body.get("errors"), body
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    message: str = error["message"]
    return message
