"""Reading a large JSON document a value at a time, in constant memory.

Exports hold arrays of millions of messages; a reader decodes one element at a time with
json.JSONDecoder.raw_decode over a window of the text that grows only to the largest
element, so memory follows the largest message, never the file. A document broken
mid-way cannot be resynchronised (where the next element starts is unknowable), so the
reader stops at the first syntax error and says where.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import IO, Any

CHUNK = 1 << 20
MAX_VALUE_CHARS = 16 << 20  # one message (with its blocks and files) is far smaller
_SPACE = re.compile(r"[ \t\n\r]*")


class BrokenJson(ValueError):
    """The document cannot be read on from here: bad syntax, a value too large or too deep."""


class JsonReader:
    """A cursor over a JSON text read in chunks from a binary stream."""

    def __init__(
        self,
        stream: IO[bytes],
        *,
        max_value_chars: int = MAX_VALUE_CHARS,
    ) -> None:
        self.stream = stream
        self.max_value_chars = max_value_chars
        # utf-8-sig: a byte-order mark some tools write is not part of the document.
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
        self._json = json.JSONDecoder()
        self._text = ""
        self._at = 0
        self._eof = False

    def _fill(self) -> bool:
        """Read another chunk, dropping what was consumed; False at the end of the stream."""
        if self._eof:
            return False
        raw = self.stream.read(CHUNK)
        try:
            decoded = self._decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as error:
            raise BrokenJson(f"not UTF-8 text: {error.reason}") from None
        self._text = self._text[self._at :] + decoded
        self._at = 0
        self._eof = not raw
        return True

    def peek(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            self._at = _SPACE.match(self._text, self._at).end()  # type: ignore[union-attr]
            if self._at < len(self._text):
                return self._text[self._at]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        """Consume `char` (after white space), or say what came instead."""
        found = self.peek()
        if found != char:
            raise BrokenJson(f"expected {char!r}, found {found or 'the end of the file'!r}")
        self._at += 1

    def value(self) -> Any:
        """Decode the next whole value, reading on until it is complete."""
        self.peek()
        while True:
            try:
                value, end = self._json.raw_decode(self._text, self._at)
            except json.JSONDecodeError as error:
                self._more(error.msg)
                continue
            except RecursionError:
                # The decoder recurses per level: past the interpreter's limit it stops here,
                # before the stack does. Shallower nesting costs nothing to the parsers, which
                # read named fields only.
                raise BrokenJson("JSON nested too deeply to read") from None
            if end == len(self._text) and not self._eof and not isinstance(value, dict | list):
                # A number or literal at the window's edge may go on in the next chunk.
                self._more("value cut at the end of the window")
                continue
            self._at = end
            return value

    def _more(self, why: str) -> None:
        if len(self._text) - self._at > self.max_value_chars:
            raise BrokenJson(f"one value is longer than {self.max_value_chars} characters")
        if not self._fill():
            raise BrokenJson(f"not valid JSON: {why}")


def array_items(reader: JsonReader) -> Iterator[Any]:
    """The elements of the array starting at the reader, one at a time."""
    reader.expect("[")
    if reader.peek() == "]":
        reader.expect("]")
        return
    while True:
        yield reader.value()
        if reader.peek() == "]":
            reader.expect("]")
            return
        reader.expect(",")


def object_entries(reader: JsonReader, streamed: str) -> Iterator[tuple[str, Any]]:
    """The members of the object at the reader; the array under `streamed` comes as
    (streamed, iterator of its elements), which must be consumed before the next entry."""
    reader.expect("{")
    if reader.peek() == "}":
        reader.expect("}")
        return
    while True:
        key = reader.value()
        if not isinstance(key, str):
            raise BrokenJson("an object key must be a string")
        reader.expect(":")
        if key == streamed and reader.peek() == "[":
            yield key, array_items(reader)
        else:
            yield key, reader.value()
        if reader.peek() == "}":
            reader.expect("}")
            return
        reader.expect(",")
