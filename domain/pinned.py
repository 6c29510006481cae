"""Events whose topic is pinned: what the log stores stays the same when a class moves."""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.utils import register_topic


class PinnedTopic:
    """A base for a context's events: each subclass that names a TOPIC is registered under it
    (the library registers only the classes nested in an aggregate)."""

    TOPIC: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "TOPIC" in cls.__dict__:
            register_topic(cls.TOPIC, cls)
