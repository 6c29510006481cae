"""Reading a ZIP export member by member, refusing what no real export holds.

Members are read by name and never extracted, so a name cannot write anywhere; names that
climb out of the archive (`../`, absolute paths, drive letters) are still refused, since no
exporter writes them. A member whose declared size or compression ratio is beyond any real
export (a ZIP bomb) is refused before a byte of it is inflated; zipfile stops reading a
member at its declared size, so a member cannot inflate past what it declares.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

MAX_MEMBER_BYTES = 2 << 30
MAX_TOTAL_BYTES = 64 << 30
MAX_RATIO = 200  # JSON compresses 5 to 30 times; a thousandfold is a bomb
RATIO_FROM_BYTES = 1 << 20  # tiny members may compress absurdly well and harm no one


class UnsafeArchive(ValueError):
    """The archive as a whole cannot be read (not a ZIP, or inflating beyond any export)."""


@dataclass(frozen=True)
class Member:
    """One file of the archive, and why it is refused if it is."""

    name: str
    size: int
    refused: str | None = None


def unsafe_name(name: str) -> str | None:
    """Why a member name is refused, or None for a plain relative path."""
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "an absolute or Windows path: no export writes one"
    if ".." in PurePosixPath(name).parts:
        return "a path climbing out of the archive (..)"
    if "\x00" in name:
        return "a NUL character in the name"
    return None


def refusal(info: zipfile.ZipInfo) -> str | None:
    """Why this member is not read, or None."""
    unsafe = unsafe_name(info.filename)
    if unsafe:
        return f"unsafe member name: {unsafe}"
    if info.file_size > MAX_MEMBER_BYTES:
        return f"inflates to {info.file_size} bytes, more than {MAX_MEMBER_BYTES}"
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
        return f"compressed {ratio:.0f} to 1, beyond any export (a ZIP bomb?)"
    return None


class Archive:
    """An open export ZIP."""

    def __init__(self, path: str) -> None:
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise UnsafeArchive(f"not a readable ZIP archive: {error}") from None
        total = sum(info.file_size for info in self.zip.infolist())
        if total > MAX_TOTAL_BYTES:
            raise UnsafeArchive(f"inflates to {total} bytes in all, more than {MAX_TOTAL_BYTES}")

    def members(self) -> list[Member]:
        """Every file of the archive (folders left out), in the archive's order."""
        return [
            Member(info.filename, info.file_size, refusal(info))
            for info in self.zip.infolist()
            if not info.is_dir()
        ]

    def open(self, name: str) -> IO[bytes]:
        """A member's bytes, inflated as they are read."""
        return self.zip.open(name)

    def close(self) -> None:
        """Release the file."""
        self.zip.close()
