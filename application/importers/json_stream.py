"""Incremental JSON: the items of an array read one at a time, in constant memory.

An export can be one JSON array of gigabytes. `JsonStream` keeps a window of the text, decodes
one item at a time with the standard decoder's `raw_decode`, and drops what it has read. A
malformed item is reported and skipped to the next comma at the array's depth, so one bad record
never stops the rest; only a file whose structure breaks (an array never closed, a missing comma
between items) ends early, with the reason. (ijson would stream as well, but stops at the first
error: it cannot resume after a bad item.) An object's entries are read in order too, one
array among them streamed: a DiscordChatExporter file gives its channel, then its messages.
Every parser reads its JSON documents through this one reader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

CHUNK = 1 << 16
# One record larger than this (in characters) is refused and skipped, never held whole.
MAX_ITEM = 1 << 23

_SPACE = re.compile(r"[ \t\n\r]*")
_STRUCTURE = re.compile(r'["\[\]{},]')
_STRING_END = re.compile(r'["\\]')


class JsonStructureError(ValueError):
    """The file's structure cannot be followed any further: its remaining records are lost."""


@dataclass(frozen=True, slots=True)
class BadItem:
    """An item that could not be read, and why; the items after it are read on."""

    reason: str


class _Bad(Exception):
    """One item failed to decode (internal: becomes a BadItem)."""


class JsonStream:
    """A JSON text read front to back, an item at a time, holding at most one item and a chunk."""

    def __init__(self, text: TextIO) -> None:
        self._text = text
        self._buf = ""
        self._pos = 0
        self._dropped = 0  # characters read and let go before the window
        self._eof = False
        self._decoder = json.JSONDecoder()

    def items(self) -> Iterator[Any | BadItem]:
        """Every record: the items of each top-level array, a top-level object whole."""
        while ch := self._peek():
            if ch == "[":
                yield from self._array_items()
                continue
            try:
                yield self._decode()
            except _Bad as bad:
                raise JsonStructureError(str(bad)) from None

    def items_at(self, path: Sequence[str]) -> Iterator[Any | BadItem]:
        """The items of the array found under `path`, a key of each nested object in turn."""
        ch = self._peek()
        if not path:
            if ch != "[":
                raise JsonStructureError(f"expected an array, found {self._found(ch)}")
            yield from self._array_items()
            return
        for key in self._keys(f"an object with {path[0]!r}"):
            if key == path[0]:
                yield from self.items_at(path[1:])
                return
            self._skip_to_separator()
        raise JsonStructureError(f"no {path[0]!r} key in the object")

    def entries(self, streamed: str) -> Iterator[tuple[str, Any]]:
        """The (key, value) pairs of the top-level object, in the file's order; the array under
        `streamed` comes as an iterator of its items (like `items`), read as it is consumed.

        A value that cannot be decoded comes as a BadItem and the entries after it are read on.
        """
        for key in self._keys(f"an object with {streamed!r}"):
            if key == streamed and self._peek() == "[":
                items = self._array_items()
                yield key, items
                for _ in items:  # what the caller left unread, so that the next key is found
                    pass
                continue
            try:
                yield key, self._decode()
            except _Bad as bad:
                self._skip_to_separator()
                yield key, BadItem(str(bad))

    def _keys(self, wanted: str) -> Iterator[str]:
        """Each key of the object at the cursor, leaving the cursor on its value: the caller
        reads or skips the value before asking for the next key."""
        ch = self._peek()
        if ch != "{":
            raise JsonStructureError(f"expected {wanted}, found {self._found(ch)}")
        self._pos += 1
        if self._peek() == "}":
            self._pos += 1
            return
        while True:
            yield self._key()
            ch = self._peek()
            if ch == "}":
                self._pos += 1
                return
            if ch != ",":
                found = self._found(ch)
                raise JsonStructureError(f"expected ',' or '}}' after a value, found {found}")
            self._pos += 1

    def _array_items(self) -> Iterator[Any | BadItem]:
        self._pos += 1  # the "["
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            self._peek()
            try:
                yield self._decode()
            except _Bad as bad:
                # Skipped before it is reported: a file that ends inside the item is one
                # error (the structure's), not two.
                self._skip_to_separator()
                yield BadItem(str(bad))
            ch = self._peek()
            if ch not in ("]", ","):
                found = self._found(ch)
                raise JsonStructureError(f"expected ',' or ']' after an item, found {found}")
            self._pos += 1
            if ch == "]":
                return

    def _key(self) -> str:
        ch = self._peek()
        if ch != '"':
            raise JsonStructureError(f"expected a key (a string), found {self._found(ch)}")
        try:
            key = self._decode()
        except _Bad as bad:
            raise JsonStructureError(str(bad)) from None
        if self._peek() != ":":
            raise JsonStructureError(f"expected ':' at character {self._at()}")
        self._pos += 1
        self._peek()
        return str(key)

    def _decode(self) -> Any:
        """One value from the window, read further while it may be cut at the window's end."""
        while True:
            start = self._pos  # the window may have moved on a refill
            try:
                value, end = self._decoder.raw_decode(self._buf, start)
            except json.JSONDecodeError as error:
                if self._may_be_cut(error) and self._grow(start):
                    continue
                raise _Bad(f"{error.msg} at character {self._dropped + error.pos}") from None
            except RecursionError:
                raise _Bad(f"nested too deeply at character {self._dropped + start}") from None
            if end == len(self._buf) and self._grow(start):
                continue  # a number may go on in the next chunk
            if end - start > MAX_ITEM:
                raise _Bad(f"an item larger than {MAX_ITEM} characters at character {self._at()}")
            if "\ufffd" in self._buf[start:end]:
                raise _Bad(f"bytes that are not UTF-8 near character {self._dropped + start}")
            self._pos = end
            return value

    def _may_be_cut(self, error: json.JSONDecodeError) -> bool:
        # A string cut by the window reports where it started; anything else, where it broke.
        return error.msg.startswith("Unterminated string") or error.pos >= len(self._buf) - 16

    def _grow(self, start: int) -> bool:
        """Read more for the value starting at `start`; refuse one that outgrows MAX_ITEM."""
        if len(self._buf) - start > MAX_ITEM:
            raise _Bad(f"an item larger than {MAX_ITEM} characters at character {self._at()}")
        return self._fill(max(CHUNK, len(self._buf) - start))

    def _fill(self, size: int = CHUNK) -> bool:
        if self._eof:
            return False
        chunk = self._text.read(size)
        if not chunk:
            self._eof = True
            return False
        if self._pos > CHUNK:  # let go of what has been read
            self._dropped += self._pos
            self._buf = self._buf[self._pos :]
            self._pos = 0
        self._buf += chunk
        return True

    def _peek(self) -> str:
        """The next character that is not white space ('' at the end), without taking it."""
        while True:
            match = _SPACE.match(self._buf, self._pos)
            self._pos = match.end() if match else self._pos
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def _skip_to_separator(self) -> None:
        """Move to the ',' or closing bracket that ends the current value, without decoding it."""
        depth = 0
        while True:
            match = _STRUCTURE.search(self._buf, self._pos)
            if match is None:
                self._pos = len(self._buf)
                if not self._fill():
                    raise JsonStructureError("the file ends inside a value")
                continue
            self._pos = match.start()
            ch = match.group()
            if ch == '"':
                self._skip_string()
                continue
            if depth == 0 and ch in ",]}":
                return
            depth += 1 if ch in "[{" else -1 if ch in "]}" else 0
            self._pos += 1

    def _skip_string(self) -> None:
        self._pos += 1  # the opening quote
        while True:
            match = _STRING_END.search(self._buf, self._pos)
            if match is None or (match.group() == "\\" and match.end() >= len(self._buf)):
                self._pos = len(self._buf) if match is None else match.start()
                if not self._fill():
                    raise JsonStructureError("the file ends inside a string")
                continue
            if match.group() == '"':
                self._pos = match.end()
                return
            self._pos = match.end() + 1  # past the escaped character

    def _at(self) -> int:
        return self._dropped + self._pos

    def _found(self, ch: str) -> str:
        return f"{ch!r} at character {self._at()}" if ch else "the end of the file"
