"""The JSON scalar turns every value an event can hold into plain JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from uuid import UUID

from api.graphql.json_values import to_json


class Colour(Enum):
    RED = "red"


@dataclass
class Point:
    x: int
    at: datetime


def test_every_kind_of_event_value_becomes_plain_json() -> None:
    when = datetime(2026, 8, 31, 12, 30, tzinfo=UTC)
    member = UUID("12345678-1234-5678-1234-567812345678")
    value = {
        "at": when,
        "day": date(2026, 8, 31),
        "clock": time(8, 15),
        "span": timedelta(hours=1),
        "id": member,
        "amount": Decimal("0.1"),
        "colour": Colour.RED,
        "raw": b"\x00\xff",
        "nested": {"evidence": [{"last": when}, (member,)], 7: {Colour.RED, "blue"}},
        "point": Point(1, when),
        "nothing": None,
        "numbers": [1, 2.5, float("nan"), float("inf"), True],
    }
    plain = to_json(value)
    assert json.loads(json.dumps(plain, allow_nan=False)) == plain
    assert plain["at"] == "2026-08-31T12:30:00+00:00"
    assert plain["day"] == "2026-08-31" and plain["clock"] == "08:15:00"
    assert plain["span"] == 3600.0
    assert plain["id"] == str(member) and plain["amount"] == "0.1"
    assert plain["colour"] == "red" and plain["raw"] == "AP8="
    assert plain["nested"] == {
        "evidence": [{"last": "2026-08-31T12:30:00+00:00"}, [str(member)]],
        "7": ["blue", "red"],
    }
    assert plain["point"] == {"x": 1, "at": "2026-08-31T12:30:00+00:00"}
    assert plain["nothing"] is None
    assert plain["numbers"] == [1, 2.5, None, None, True]
