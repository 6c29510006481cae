"""The event transcoder: the library's JSON format, encoded and decoded by orjson.

Bulk imports and projection rebuilds spend most of their Python time turning event
states into JSON and back. orjson does that several times faster than the standard
library; the bytes it writes are the ones `JSONTranscoder` writes, and each transcoder
reads the other's output, so stored events stay readable by the library as it is.
"""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder, TranscodingNotRegisteredError

# Types JSON holds as they are; every other type needs a registered transcoding.
_NATIVE = (str, int, float, bool, type(None))
_PLAIN = frozenset(_NATIVE)
_CONTAINERS = frozenset((dict, list))
_TYPE = "_type_"
_DATA = "_data_"


class FastJSONTranscoder(JSONTranscoder):
    """JSONTranscoder with orjson underneath; falls back to the library for odd values."""

    def encode(self, obj: Any) -> bytes:
        """Encode as the library does: registered types become {"_type_", "_data_"}."""
        try:
            return orjson.dumps(self._prepared(obj))
        except (orjson.JSONEncodeError, TypeError):
            # Integers beyond 64 bits, non-string keys: the library's encoder copes.
            return super().encode(obj)

    def decode(self, data: bytes) -> Any:
        """Decode, turning {"_type_", "_data_"} objects back into their types."""
        return self._restored(orjson.loads(data))

    def _prepared(self, value: Any) -> Any:
        kind = type(value)
        if kind is dict:
            # Inline test for plain values: most of an event's fields are, and this runs
            # for every field of every event an import writes.
            return {
                key: item if type(item) in _PLAIN else self._prepared(item)
                for key, item in value.items()
            }
        if kind in _PLAIN:
            return value
        if kind is list or kind is tuple:
            return [self._prepared(item) for item in value]
        transcoding = self.types.get(kind)
        if transcoding is None and isinstance(value, _NATIVE):
            return value  # str and int subclasses (enums), as the library writes them
        if transcoding is None:
            raise TranscodingNotRegisteredError(
                f"Object of type {kind} is not serializable. Please define and register"
                " a custom transcoding for this type."
            )
        return {_TYPE: transcoding.name, _DATA: self._prepared(transcoding.encode(value))}

    def _restored(self, value: Any) -> Any:
        kind = type(value)
        if kind is dict:
            restored = {
                key: self._restored(item) if type(item) in _CONTAINERS else item
                for key, item in value.items()
            }
            if len(restored) == 2 and _TYPE in restored and _DATA in restored:
                return self._decode_obj(restored)
            return restored
        if kind is list:
            return [self._restored(item) if type(item) in _CONTAINERS else item for item in value]
        return value
