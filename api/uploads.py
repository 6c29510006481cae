"""A multipart/form-data upload streamed to a temporary file: never held in memory, refused
the moment it passes its size limit, with errors that name the form field."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header


class UploadRefused(Exception):
    """An upload that cannot be taken: the HTTP status, the field, and why."""

    def __init__(self, status: int, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.status = status
        self.field = field
        self.message = message


class _Receiver:
    """Writes the data of the one part named `field` to `target`, counting its bytes."""

    def __init__(self, target: Path, field: str, max_bytes: int) -> None:
        self.out = target.open("wb")
        self.field = field
        self.max_bytes = max_bytes
        self.size = 0
        self.found = False
        self._writing = False
        self._header: list[bytes] = [b"", b""]
        self._disposition = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header[0] += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header[1] += data[start:end]

    def on_header_end(self) -> None:
        if self._header[0].lower() == b"content-disposition":
            self._disposition = self._header[1]
        self._header = [b"", b""]

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._writing = options.get(b"name") == self.field.encode() and not self.found
        self._disposition = b""

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._writing:
            return
        self.size += end - start
        if self.size > self.max_bytes:
            raise UploadRefused(413, self.field, f"larger than {self.max_bytes} bytes")
        self.out.write(data[start:end])

    def on_part_end(self) -> None:
        if self._writing:
            self.found, self._writing = True, False


async def receive_file(
    content_type: str | None,
    body: AsyncIterator[bytes],
    target: Path,
    *,
    field: str,
    max_bytes: int,
) -> int:
    """Stream the form's `field` part into `target`; its size in bytes."""
    kind, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadRefused(
            415, field, f"send the export as multipart/form-data, in a part named {field!r}"
        )
    receiver = _Receiver(target, field, max_bytes)
    callbacks = {
        name: getattr(receiver, name)
        for name in dir(receiver)
        if name.startswith("on_") and callable(getattr(receiver, name))
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        async for chunk in body:
            parser.write(chunk)
        parser.finalize()
    except UploadRefused:
        raise
    except Exception as error:  # noqa: BLE001  (the parser's errors are the client's)
        raise UploadRefused(400, field, f"not a readable multipart body: {error}") from None
    finally:
        receiver.out.close()
    if not receiver.found:
        raise UploadRefused(422, field, f"the form has no part named {field!r}")
    return receiver.size
