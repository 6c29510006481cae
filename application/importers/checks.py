"""Platform records checked into commands before anything is written: the same checks the
API applies, so an import can hold nothing a person could not have entered by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from domain.errors import InvalidField
from domain.importers.records import PlatformInteraction, PlatformUser
from domain.interactions.commands import RecordInteraction
from domain.members.commands import JoinMember
from domain.moments import TimeBounds


def attribute_names(channel: str) -> tuple[str, str, str]:
    """The profile attributes an import keeps per platform: handle, name, deleted."""
    return f"{channel}.handle", f"{channel}.name", f"{channel}.deleted"


def seen_at_name(channel: str) -> str:
    """The attribute saying when the platform showed the handle and name kept."""
    return f"{channel}.seen_at"


def explain(error: ValidationError) -> str:
    """The first problem of a refused command, as `field: why`."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "record"
    return f"{where}: {str(first['msg']).removeprefix('Value error, ')}"


def join_command(user: PlatformUser, joined_at: datetime | None = None) -> JoinMember | str:
    """The member a platform user becomes (known by their platform id), or why not."""
    handle_key, name_key, deleted_key = attribute_names(user.channel.value)
    # The platform's facts (a Discourse trust level) join the keys every import keeps.
    attributes: dict[str, Any] = {**dict(user.attributes), handle_key: user.handle}
    if user.display_name:
        attributes[name_key] = user.display_name
    if user.seen_at is not None:
        attributes[seen_at_name(user.channel.value)] = user.seen_at.isoformat()
    if user.deleted:
        attributes[deleted_key] = True  # deactivated since: kept as a member, and said so
    try:
        return JoinMember(
            display_name=user.display_name or user.handle,
            email=user.email,
            joined_at=joined_at,
            source_channel=user.channel,
            attributes=attributes,
            identities=[{"channel": user.channel, "handle": user.user_id}],
        )
    except ValidationError as error:
        return explain(error)


def interaction_command(
    record: PlatformInteraction, *, now: datetime, bounds: TimeBounds
) -> RecordInteraction | str:
    """The interaction to record for the user's platform id, or why it cannot be."""
    try:
        bounds.check("occurred_at", record.occurred_at, now)
        return RecordInteraction(
            identity={"channel": record.channel, "handle": record.user_id},
            channel=record.channel,
            kind=record.kind,
            occurred_at=record.occurred_at,
            external_id=record.external_id,
            thread_ref=record.thread_ref,
            url=record.url,
            summary=record.summary,
        )
    except InvalidField as error:
        return f"{error.field}: {error.message}"
    except ValidationError as error:
        return explain(error)
