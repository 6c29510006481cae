"""Compiled decoding of ingestion records: msgspec for the plain case, pydantic for the rest.

Almost every line of a bulk import is a flat object of short, clean strings. msgspec decodes
and type-checks such a line in C, and a few string tests settle what pydantic's
RecordInteraction would also check. A line that is anything else (a bad or missing field,
whitespace to trim, a handle outside printable ASCII, an unusual time format) goes through
`ndjson_record`, the pydantic path, so every refusal keeps its exact field and reason, and
every value accepted here is the value pydantic would have produced.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from application.interactions.lines import Parsed, ndjson_record, record_from_fields
from domain.interactions.commands import MAX_EXTERNAL_ID, MAX_SUMMARY, MAX_URL
from domain.interactions.interaction import InteractionKind
from domain.values import MAX_HANDLE_LENGTH, Channel

# RFC 3339 with seconds and an explicit zone: the shape on which datetime.fromisoformat and
# pydantic read the same moment. Other shapes are pydantic's to judge.
_PLAIN_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})"
)
# A flat object has depth 1; below this limit the line must meet the depth check.
_FLAT_DEPTH = 2


class IdentityRecord(msgspec.Struct, frozen=True, gc=False):
    """A member's handle on a channel, as the compiled decoder accepts it."""

    channel: Channel
    handle: str


class ValidRecord(msgspec.Struct, frozen=True, gc=False):
    """A record accepted by the compiled decoder: RecordInteraction's fields and values."""

    member_id: UUID | None
    identity: IdentityRecord | None
    channel: Channel
    kind: InteractionKind
    occurred_at: datetime
    external_id: str
    thread_ref: str | None
    url: str | None
    summary: str | None


class _Flat(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """One line as written, every field typed; unknown fields fail (and go to pydantic)."""

    channel: Channel
    kind: InteractionKind
    occurred_at: str
    external_id: str
    member_id: UUID | None = None
    identity_channel: Channel | None = None
    identity_handle: str | None = None
    thread_ref: str | None = None
    url: str | None = None
    summary: str | None = None


_decode_flat = msgspec.json.Decoder(_Flat).decode
_convert = msgspec.convert


def decode_line(number: int, raw: bytes, max_depth: int) -> Parsed | None:
    """One NDJSON line as ndjson_record reads it, compiled where the line is plain."""
    if max_depth >= _FLAT_DEPTH:
        try:
            valid = _checked(_decode_flat(raw))
        except msgspec.DecodeError:
            valid = None
        if valid is not None:
            return valid
    return ndjson_record(number, raw, max_depth)


def decode_fields(number: int, fields: dict[str, Any]) -> Parsed:
    """One CSV row (or other decoded object) as record_from_fields reads it."""
    try:
        valid = _checked(_convert(fields, _Flat, str_keys=True))
    except (msgspec.ValidationError, TypeError):
        valid = None
    return valid if valid is not None else record_from_fields(number, fields)


def _checked(flat: _Flat) -> ValidRecord | None:
    """The record pydantic would accept with these very values; None when unsure."""
    external_id = flat.external_id
    if not (0 < len(external_id) <= MAX_EXTERNAL_ID) or not _clean(external_id):
        return None
    thread_ref = flat.thread_ref or None
    if thread_ref is not None and (len(thread_ref) > MAX_EXTERNAL_ID or not _clean(thread_ref)):
        return None
    url = flat.url or None
    if url is not None and (
        len(url) > MAX_URL or not url.startswith(("https://", "http://")) or not _clean(url)
    ):
        return None
    summary = flat.summary or None
    if summary is not None and (len(summary) > MAX_SUMMARY or not _clean(summary)):
        return None
    handle = flat.identity_handle or None
    if flat.identity_channel is not None and handle is not None and flat.member_id is None:
        if not _plain_handle(handle):
            return None
        identity: IdentityRecord | None = IdentityRecord(flat.identity_channel, handle)
    elif flat.identity_channel is None and handle is None and flat.member_id is not None:
        identity = None
    else:
        return None  # neither or both, or half an identity: pydantic says which
    occurred_at = _moment(flat.occurred_at)
    if occurred_at is None:
        return None
    return ValidRecord(
        flat.member_id,
        identity,
        flat.channel,
        flat.kind,
        occurred_at,
        external_id,
        thread_ref,
        url,
        summary,
    )


def _plain_handle(handle: str) -> bool:
    """A handle check_handle keeps as it is.

    Printable ASCII is already NFC and holds no control character; the trim, the "@"
    prefix and the length are all that is left to check.
    """
    return (
        handle.isascii()
        and handle.isprintable()
        and handle == handle.strip()
        and len(handle) <= MAX_HANDLE_LENGTH
        and bool(handle.removeprefix("@").strip())
    )


def _clean(text: str) -> bool:
    """Nothing for pydantic to trim and no NUL to refuse."""
    return "\x00" not in text and text == text.strip()


def _moment(text: str) -> datetime | None:
    if _PLAIN_TIME.fullmatch(text) is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
