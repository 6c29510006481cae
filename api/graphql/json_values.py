"""The JSON scalar: any value an event can hold, turned into plain JSON on the way out.

Event fields hold datetimes, UUIDs, decimals, enums and nested mappings (a stage change's
evidence); strawberry's JSON scalar passes them through untouched, and the response
encoder then fails with a server error. This scalar serialises them instead.
"""

from __future__ import annotations

import base64
import dataclasses
import math
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from strawberry.scalars import JSON
from strawberry.schema.types.scalar import DEFAULT_SCALAR_REGISTRY
from strawberry.types.scalar import ScalarDefinition


def to_json(value: Any) -> Any:
    """A JSON-encodable copy of `value`: times in ISO 8601, ids and decimals as text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        # NaN and infinities have no JSON form.
        return value if math.isfinite(value) else None
    if isinstance(value, Enum):
        return to_json(value.value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, UUID | Decimal):
        # Text keeps a decimal exact; JSON numbers are doubles for most readers.
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Mapping):
        return {str(to_json(key)): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [to_json(item) for item in items]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_json({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    return str(value)


# Same name, description and specification as strawberry's: the schema does not change.
JSON_SCALAR: ScalarDefinition = dataclasses.replace(
    DEFAULT_SCALAR_REGISTRY[JSON], serialize=to_json
)
SCALAR_OVERRIDES: dict[object, Any] = {JSON: JSON_SCALAR}
