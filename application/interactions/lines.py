"""One record of a file or body, validated the pydantic way: every refusal names its field.

Records are flat, one object per NDJSON line or CSV row, with the fields of FIELDS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import ValidationError

from application.json_depth import TooDeep, load_json
from domain.interactions.commands import InteractionFields, RecordInteraction

FIELDS = (
    "member_id",
    "identity_channel",
    "identity_handle",
    "channel",
    "kind",
    "occurred_at",
    "external_id",
    "thread_ref",
    "url",
    "summary",
)
MAX_LINE_DEPTH = 32


@dataclass(frozen=True)
class LineRejection:
    """One refused record: where it was, which field, and why."""

    line: int
    field: str
    reason: str
    code: str = "INVALID"


Parsed = InteractionFields | LineRejection


def record_from_fields(line: int, fields: Any) -> Parsed:
    """Validate one flat record; a refusal names the first bad field."""
    if not isinstance(fields, dict):
        return LineRejection(line, "", "each record must be a JSON object")
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        return LineRejection(line, unknown[0], f"unknown field; known: {', '.join(FIELDS)}")
    values = {k: v for k, v in fields.items() if v not in (None, "")}
    identity = None
    if "identity_channel" in values or "identity_handle" in values:
        if "identity_channel" not in values:
            return LineRejection(line, "identity_channel", "required with identity_handle")
        if "identity_handle" not in values:
            return LineRejection(
                line, "identity_handle", "handle must not be empty (identity_channel is given)"
            )
        identity = {
            "channel": values.pop("identity_channel"),
            "handle": values.pop("identity_handle"),
        }
    try:
        return RecordInteraction(identity=identity, **values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        reason = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "string_type":
            # Exporters write a missing handle or id as [], {}, false or 0: say what came.
            reason = f"must be text (a JSON string), not {_json_kind(first['input'])}"
        return LineRejection(line, where.replace("identity.", "identity_"), reason)


def _json_kind(value: Any) -> str:
    """What a JSON value is, in the words a reader of the rejection knows."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array" if value else "an empty array"
    if isinstance(value, dict):
        return "an object" if value else "an empty object"
    return type(value).__name__


def ndjson_record(number: int, raw: bytes, max_depth: int = MAX_LINE_DEPTH) -> Parsed | None:
    """Parse one NDJSON line; None for a blank line."""
    if not raw.strip():
        return None
    try:
        fields = load_json(raw, max_depth)
    except TooDeep as error:
        return LineRejection(number, "", str(error), "TOO_DEEP")
    except orjson.JSONDecodeError as error:
        return LineRejection(number, "", f"not valid JSON: {error}")
    return record_from_fields(number, fields)
