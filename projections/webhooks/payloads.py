"""The `data` of each public event type, as a receiver of a given role may see it.

Rendered from the log when a delivery is sent, never stored: personal data is opened with
the member's key then, so once a member is erased their deliveries (retries and replays
included) carry nulls where the data was. Personal fields are sent only to subscriptions
whose role reads personal data (admin, manager), as GraphQL shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.ambassadors import events as program
from domain.disclosures.disclosure import DataDisclosed
from domain.feedback import events as feedback
from domain.interactions.interaction import Interaction
from domain.members.member import Member
from domain.members.merges import Merged
from projections.webhooks.catalog import PROGRAM_STATUS

Data = dict[str, Any]


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _id(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _joined(e: Any, subject: UUID, personal: bool) -> Data:
    data = {"memberId": str(e.originator_id), "joinedAt": _iso(e.joined_at)}
    data["sourceChannel"] = e.source_channel
    return data | _personal(personal, displayName=e.display_name, email=e.email)


def _left(e: Any, subject: UUID, personal: bool) -> Data:
    return {"memberId": str(e.originator_id), "leftAt": _iso(e.left_at)}


def _erased(e: Any, subject: UUID, personal: bool) -> Data:
    return {"memberId": str(e.originator_id), "erasedAt": _iso(e.timestamp)}


def _stage(e: Any, subject: UUID, personal: bool) -> Data:
    return {
        "memberId": str(e.originator_id),
        "stage": e.stage,
        "previous": e.previous,
        "effectiveAt": _iso(e.effective_at),
        "ruleVersion": e.rule_version,
        "reason": e.reason,
    }


def _consent(e: Any, subject: UUID, personal: bool) -> Data:
    given = isinstance(e, Member.ConsentGiven)
    return {
        "memberId": str(e.originator_id),
        "purpose": e.purpose,
        "state": "given" if given else "withdrawn",
        "source": e.source,
        "at": _iso(e.at),
        "textVersion": e.text_version if given else None,
        "expiresAt": _iso(e.expires_at) if given else None,
    }


def _merged(e: Any, subject: UUID, personal: bool) -> Data:
    return {
        "mergeId": str(e.originator_id),
        "sourceId": str(e.source_id),
        "targetId": str(e.target_id),
        "at": _iso(e.at),
    }


def _interaction(e: Any, subject: UUID, personal: bool) -> Data:
    data = {
        "interactionId": str(e.originator_id),
        "memberId": str(e.member_id),
        "channel": e.channel,
        "kind": e.kind,
        "occurredAt": _iso(e.occurred_at),
        "threadRef": e.thread_ref,
    }
    return data | _personal(personal, url=e.url, summary=e.summary)


def _submitted(e: Any, subject: UUID, personal: bool) -> Data:
    # Every role reads feedback texts (README, roles); an erased author's text is null.
    return {
        "itemId": str(e.originator_id),
        "authorId": str(e.author_id),
        "kind": e.kind,
        "channel": e.channel,
        "productArea": e.product_area,
        "submittedAt": _iso(e.submitted_at),
        "text": e.text,
    }


def _status(e: Any, subject: UUID, personal: bool) -> Data:
    return {
        "itemId": str(e.originator_id),
        "status": e.status,
        "previous": e.previous,
        "changedBy": _id(e.changed_by),
        "reason": e.reason,
    }


def _loop(e: Any, subject: UUID, personal: bool) -> Data:
    return {
        "itemId": str(e.originator_id),
        "memberId": str(e.member_id),
        "channel": e.channel,
        "toldAt": _iso(e.told_at),
    }


def _nominated(e: Any, subject: UUID, personal: bool) -> Data:
    return {"memberId": str(subject), "ruleVersion": e.rule_version, "at": _iso(e.at)}


def _program(e: Any, subject: UUID, personal: bool) -> Data:
    return {
        "memberId": str(subject),
        "status": PROGRAM_STATUS[type(e)].value,
        "tier": getattr(e, "tier", None),
    }


def _export(e: Any, subject: UUID, personal: bool) -> Data:
    # Whom the export held is for `exports` and Art. 15 to answer, not for a webhook.
    return {"exportId": str(e.originator_id), "kind": e.kind, "role": e.role} | {
        "rowCount": e.row_count,
        "at": _iso(e.at),
    }


def _personal(shown: bool, **fields: Any) -> Data:
    """Personal fields for roles that read them; nulls and personalDataHidden for others."""
    if shown:
        return fields | {"personalDataHidden": False}
    return dict.fromkeys(fields) | {"personalDataHidden": True}


RENDER: dict[type[Any], Callable[[Any, UUID, bool], Data]] = {
    Member.Joined: _joined,
    Member.Left: _left,
    Member.Erased: _erased,
    Member.StageChanged: _stage,
    Member.ConsentGiven: _consent,
    Member.ConsentWithdrawn: _consent,
    Merged: _merged,
    Interaction.Recorded: _interaction,
    feedback.Submitted: _submitted,
    feedback.StatusChanged: _status,
    feedback.LoopClosed: _loop,
    program.Nominated: _nominated,
    **dict.fromkeys(PROGRAM_STATUS, _program),
    DataDisclosed: _export,
}


def render(event: Any, subject: UUID, *, personal: bool) -> Data:
    """The `data` of a public event; `subject` is the member of an ambassadorship's event."""
    return RENDER[type(event)](event, subject, personal)
