"""Reading an ingestion body: its media type, gzip, byte-order mark, and lines of bounded size."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

NDJSON_TYPES = ("application/x-ndjson", "application/jsonl")
ENCODINGS = ("identity", "gzip")
BOM = b"\xef\xbb\xbf"
# Inflated output is produced in pieces of at most this size.
INFLATE_PIECE = 1024 * 1024


class UnsupportedBody(Exception):
    """The body's media type or encoding is not one ingestion reads (HTTP 415)."""


@dataclass(frozen=True)
class BadLine:
    """A line that cannot be read at all: too long, or cut by a corrupt gzip stream."""

    number: int
    reason: str
    code: str


def check_media_type(content_type: str | None, content_encoding: str | None) -> bool:
    """Whether the body is gzip; UnsupportedBody for any other type or encoding."""
    accepted = " or ".join(NDJSON_TYPES)
    media, _, parameters = (content_type or "").partition(";")
    if media.strip().lower() not in NDJSON_TYPES:
        given = media.strip() or "none"
        raise UnsupportedBody(f"Content-Type must be {accepted} (UTF-8), not {given}")
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip(' "').lower() not in ("utf-8", "utf8"):
            raise UnsupportedBody(f"{accepted} is UTF-8; charset {value.strip()} is not read")
    encoding = (content_encoding or "identity").strip().lower()
    if encoding not in ENCODINGS:
        raise UnsupportedBody(
            f"Content-Encoding must be gzip or absent, not {content_encoding.strip()!r}"
            if content_encoding
            else "Content-Encoding must be gzip or absent"
        )
    return encoding == "gzip"


class CorruptBody(Exception):
    """The gzip stream is damaged or ends early."""


async def gunzipped(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Inflate a gzip stream (several members allowed) in bounded pieces."""
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    async for chunk in chunks:
        data = chunk
        while data:
            try:
                piece = inflater.decompress(data, INFLATE_PIECE)
            except zlib.error as error:
                raise CorruptBody(f"the gzip body is corrupt: {error}") from None
            if piece:
                yield piece
            data = inflater.unconsumed_tail
            if inflater.eof and inflater.unused_data:
                # The next member of a concatenated gzip file.
                data = inflater.unused_data
                inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    if not inflater.eof:
        raise CorruptBody("the gzip body is cut short")


async def without_bom(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The body without a UTF-8 byte-order mark at its start (some Windows tools write one)."""
    head: bytes | None = b""
    async for chunk in chunks:
        if head is None:
            yield chunk
            continue
        head += chunk
        if len(head) >= len(BOM):
            yield head.removeprefix(BOM)
            head = None
    if head:
        yield head.removeprefix(BOM)


async def numbered_lines(
    chunks: AsyncIterator[bytes], max_line: int
) -> AsyncIterator[list[tuple[int, bytes] | BadLine]]:
    """The lines each chunk completes, numbered from 1; oversize or undecodable ones as BadLine.

    A list per chunk, not an item per line: the hot path of a large import takes no
    asynchronous step per line.
    """
    number, rest, skipping = 1, b"", False
    try:
        async for chunk in without_bom(chunks):
            *complete, tail = chunk.split(b"\n")
            found: list[tuple[int, bytes] | BadLine] = []
            for line in complete:
                if not skipping:
                    found.append(_checked(number, rest + line, max_line))
                number, rest, skipping = number + 1, b"", False
            if not skipping:
                rest += tail
            if len(rest) > max_line:  # refused now, and the rest of it skipped unread
                found.append(BadLine(number, _too_long(max_line), "TOO_LONG"))
                rest, skipping = b"", True
            if found:
                yield found
    except CorruptBody as error:
        yield [BadLine(number, str(error), "CORRUPT_BODY")]
        return
    if rest:
        yield [_checked(number, rest, max_line)]


def _checked(number: int, line: bytes, max_line: int) -> tuple[int, bytes] | BadLine:
    if len(line) > max_line:
        return BadLine(number, _too_long(max_line), "TOO_LONG")
    return number, line


def _too_long(max_line: int) -> str:
    return f"line longer than {max_line} bytes; no valid record is that long"
