"""JSON decoding with a bound on nesting, for every document a client sends (GraphQL, NDJSON)."""

from __future__ import annotations

from typing import Any

import orjson


class TooDeep(ValueError):
    """A JSON document nested deeper than allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON nested deeper than {limit} levels")
        self.limit = limit


def check_depth(value: Any, limit: int) -> None:
    """Raise TooDeep when arrays and objects nest deeper than `limit` (a scalar is depth 0)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > limit:
            raise TooDeep(limit)
        stack.extend((child, depth + 1) for child in children)


def load_json(raw: bytes | str, max_depth: int) -> Any:
    """Decode JSON, refusing nesting beyond `max_depth` (TooDeep) and bad JSON (ValueError)."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        # orjson stops at 1,024 levels by itself, before any recursion can overflow.
        if "depth limit" in str(error) or "recursion" in str(error).lower():
            raise TooDeep(max_depth) from None
        raise
    check_depth(value, max_depth)
    return value
