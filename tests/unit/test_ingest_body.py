"""Reading an ingestion body: lines across any chunking, a BOM, oversize lines, gzip."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator

import pytest

from api.ingest_body import BadLine, UnsupportedBody, check_media_type, gunzipped, numbered_lines

BODY = b"\xef\xbb\xbfa\nbb\n" + b"x" * 100 + b"\nccc\nlast"
EXPECTED = [(1, b"a"), (2, b"bb"), 3, (4, b"ccc"), (5, b"last")]


async def chunked(data: bytes, size: int) -> AsyncIterator[bytes]:
    """The data in chunks of `size` bytes, as a request stream delivers it."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def lines(chunks: AsyncIterator[bytes], max_line: int = 50) -> list[object]:
    """The numbered lines, with each BadLine replaced by its number."""

    async def collect() -> list[object]:
        return [
            item.number if isinstance(item, BadLine) else item
            async for found in numbered_lines(chunks, max_line)
            for item in found
        ]

    return asyncio.run(collect())


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 51, 1000])
def test_lines_bom_and_oversize_lines_whatever_the_chunks(size: int) -> None:
    assert lines(chunked(BODY, size)) == EXPECTED


@pytest.mark.parametrize("size", [1, 5, 4096])
def test_gzip_bodies_of_several_members_are_inflated(size: int) -> None:
    packed = gzip.compress(BODY[:12]) + gzip.compress(BODY[12:])
    assert lines(gunzipped(chunked(packed, size))) == EXPECTED


def test_a_damaged_gzip_body_ends_in_a_bad_line() -> None:
    packed = gzip.compress(b"one\ntwo\nthree\n")
    # Without its trailer: every line arrives, and then the cut is reported.
    assert lines(gunzipped(chunked(packed[:-8], 4))) == [(1, b"one"), (2, b"two"), (3, b"three"), 4]
    assert lines(gunzipped(chunked(b"plain text, not gzip", 4))) == [1]


@pytest.mark.parametrize(
    ("content_type", "encoding", "gzipped"),
    [
        ("application/x-ndjson", None, False),
        ("application/jsonl; charset=UTF-8", "gzip", True),
        ("Application/X-NDJSON", "identity", False),
    ],
)
def test_ndjson_types_and_gzip_are_accepted(
    content_type: str, encoding: str | None, gzipped: bool
) -> None:
    assert check_media_type(content_type, encoding) is gzipped


@pytest.mark.parametrize(
    ("content_type", "encoding"),
    [
        (None, None),
        ("text/plain", None),
        ("application/json", None),
        ("application/x-ndjson; charset=utf-16", None),
        ("application/x-ndjson", "br"),
        ("application/x-ndjson", "gzip, gzip"),
    ],
)
def test_other_types_and_encodings_are_refused(
    content_type: str | None, encoding: str | None
) -> None:
    with pytest.raises(UnsupportedBody):
        check_media_type(content_type, encoding)
