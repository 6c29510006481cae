"""api/uploads.py on its own: a part streamed to disk, stopped at its size limit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from api.uploads import UploadRefused, receive_file

BOUNDARY = "b0und"
TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def body(data: bytes) -> bytes:
    """A form with a text field and the file part."""
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="e.zip"\r\n'
            f"Content-Type: application/zip\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


async def chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    """The body as a client streams it."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_the_file_part_lands_on_disk_whole(tmp_path: Path) -> None:
    data = bytes(range(256)) * 100
    target = tmp_path / "upload"

    size = asyncio.run(
        receive_file(TYPE, chunks(body(data)), target, field="file", max_bytes=10**6)
    )

    assert size == len(data) and target.read_bytes() == data


def test_a_part_past_the_limit_is_refused_as_it_streams(tmp_path: Path) -> None:
    with pytest.raises(UploadRefused) as refused:
        asyncio.run(
            receive_file(
                TYPE, chunks(body(b"x" * 50_000)), tmp_path / "u", field="file", max_bytes=10_000
            )
        )
    assert (refused.value.status, str(refused.value)) == (413, "file: larger than 10000 bytes")
    assert (tmp_path / "u").stat().st_size <= 10_000


def test_a_broken_body_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UploadRefused) as refused:
        asyncio.run(
            receive_file(TYPE, chunks(b"garbage" * 10), tmp_path / "u", field="file", max_bytes=99)
        )
    assert refused.value.status in (400, 422)
    assert str(refused.value).startswith("file: ")
