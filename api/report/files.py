"""Writing a report whole or not at all: a temporary file beside the target, renamed over it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType


class ReportFile:
    """The file a report goes to, opened at once so that an unwritable path fails early.

    The text goes to a temporary file in the target's folder; `commit` renames it over the
    target (atomic on one file system), and a report that fails leaves nothing behind.
    """

    def __init__(self, target: Path) -> None:
        if target.is_dir():
            raise IsADirectoryError(f"{target} is a folder")
        self.target = target
        handle, name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
        )
        os.close(handle)
        self.partial = Path(name)

    def commit(self, text: str) -> None:
        """Write the whole text and put it in place, readable as a new file would be."""
        with self.partial.open("w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        self.partial.chmod(0o666 & ~umask)  # mkstemp's file is the owner's alone
        self.partial.replace(self.target)

    def __enter__(self) -> ReportFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.partial.unlink(missing_ok=True)
