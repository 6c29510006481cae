"""Importing interactions from a file: NDJSON or CSV, resumable from a checkpoint.

After each committed batch the importer writes how many lines are done beside the file;
a rerun skips them (recording is idempotent anyway, so a lost checkpoint only costs time).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from application.interactions.decoding import decode_fields, decode_line
from application.interactions.ingestion import Ingestion, IngestTotals
from application.interactions.lines import MAX_LINE_DEPTH, LineRejection, Parsed

Format = Literal["ndjson", "csv"]
READ_CHUNK = 16 * 1024 * 1024
BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class Checkpoint:
    """How far an import of one version of a file got."""

    path: Path
    size: int
    mtime_ns: int
    lines_done: int
    part: str = ""

    @classmethod
    def beside(cls, source: Path, part: str = "") -> Path:
        """Where the checkpoint of `source` (or of one part of it) is kept."""
        suffix = f".{part}" if part else ""
        return source.with_name(f"{source.name}.import-progress{suffix}.json")

    @classmethod
    def load(cls, source: Path, part: str = "") -> Checkpoint | None:
        """The checkpoint of this exact file (same size and time), if any."""
        where = cls.beside(source, part)
        if not where.exists():
            return None
        saved = json.loads(where.read_text())
        stat = source.stat()
        if (saved["size"], saved["mtime_ns"]) != (stat.st_size, stat.st_mtime_ns):
            return None  # the file changed: start over (duplicates are skipped anyway)
        return cls(source, stat.st_size, stat.st_mtime_ns, int(saved["lines_done"]), part)

    def save(self) -> None:
        """Write the checkpoint atomically."""
        where = self.beside(self.path, self.part)
        temporary = where.with_suffix(".tmp")
        temporary.write_text(
            json.dumps(
                {"size": self.size, "mtime_ns": self.mtime_ns, "lines_done": self.lines_done}
            )
        )
        temporary.replace(where)


def detect_format(path: Path) -> Format:
    """CSV for .csv files, NDJSON otherwise."""
    return "csv" if path.suffix.lower() == ".csv" else "ndjson"


@dataclass(frozen=True)
class Part:
    """One worker's share of an NDJSON file: the whole lines between two byte offsets."""

    index: int
    count: int
    start: int
    end: int
    first_line: int

    @property
    def name(self) -> str:
        """Names the part's checkpoint; a rerun must split the file the same way to resume."""
        return f"{self.index + 1}of{self.count}"


def split_ndjson(path: Path, count: int) -> list[Part]:
    """Cut the file into `count` parts of about equal size, at line ends."""
    size = path.stat().st_size
    bounds = [0]
    with path.open("rb") as source:
        for k in range(1, count):
            source.seek(max(bounds[-1], size * k // count))
            if source.tell() > 0:
                source.readline()  # to the start of the next whole line
            bounds.append(min(source.tell(), size))
    bounds.append(size)
    first_lines = _line_numbers_at(path, bounds[:-1])
    return [
        Part(k, count, bounds[k], bounds[k + 1], first_lines[k])
        for k in range(count)
        if bounds[k] < bounds[k + 1] or count == 1
    ]


def import_interactions(
    ingestion: Ingestion,
    path: Path,
    *,
    file_format: Format,
    restart: bool = False,
    progress: Callable[[int], None] | None = None,
    part: Part | None = None,
) -> tuple[IngestTotals, int]:
    """Import a file, or one part of it; returns the totals and the lines a checkpoint skipped.

    `progress` receives how many bytes of the file (or of the part) are done.
    """
    part_name = part.name if part else ""
    checkpoint = None if restart else Checkpoint.load(path, part_name)
    skip = checkpoint.lines_done if checkpoint else 0
    stat = path.stat()
    start = part.start if part else 0
    with path.open("rb") as raw:
        raw.seek(start)
        if file_format == "ndjson":
            end = part.end if part else stat.st_size
            rows = _ndjson(raw, part.first_line if part else 1, end - start)
        else:
            rows = _csv(raw)
        for number, parsed in rows:
            if number <= skip:
                continue
            ingestion.add(number, parsed)
            if ingestion.full:
                ingestion.flush()
                Checkpoint(path, stat.st_size, stat.st_mtime_ns, number, part_name).save()
                if progress:
                    progress(raw.tell() - start)
    ingestion.flush()
    if progress:
        progress((part.end if part else stat.st_size) - start)
    Checkpoint.beside(path, part_name).unlink(missing_ok=True)
    return ingestion.totals, max(0, skip - (part.first_line - 1 if part else 0))


def merge_totals(parts: list[IngestTotals]) -> IngestTotals:
    """The totals of a file imported in parts: sums, and the first rejections by line."""
    merged = IngestTotals()
    for totals in parts:
        merged.accepted += totals.accepted
        merged.duplicates += totals.duplicates
        merged.members_created += totals.members_created
        merged.lines = max(merged.lines, totals.lines)
        if totals.position is not None:
            merged.position = max(merged.position or 0, totals.position)
    rejections = sorted((r for t in parts for r in t.rejections), key=lambda r: r.line)
    for rejection in rejections:
        merged.refuse(rejection)
    # Counted in full even where a part listed only its first rejections.
    merged.rejected = sum(t.rejected for t in parts)
    return merged


def write_rejections(path: Path, rejections: list[LineRejection]) -> Path:
    """Write the rejections beside the file, one JSON object per line."""
    target = path.with_name(path.name + ".rejects.ndjson")
    with target.open("w") as out:
        for rejection in rejections:
            out.write(json.dumps(vars(rejection)) + "\n")
    return target


def _ndjson(raw: io.BufferedReader, first_line: int, length: int) -> Iterator[tuple[int, Parsed]]:
    done = 0
    for number, line in enumerate(raw, start=first_line):
        if done >= length:
            return
        done += len(line)
        if number == 1:
            line = line.removeprefix(BOM)  # written by some Windows tools; not part of line 1
        parsed = decode_line(number, line, MAX_LINE_DEPTH)
        if parsed is not None:
            yield number, parsed


def _line_numbers_at(path: Path, offsets: list[int]) -> list[int]:
    """The number of the line starting at each offset (offsets ascending, each a line start)."""
    numbers = []
    lines_before = 0
    position = 0
    with path.open("rb") as source:
        for offset in offsets:
            while position < offset:
                chunk = source.read(min(READ_CHUNK, offset - position))
                lines_before += chunk.count(b"\n")
                position += len(chunk)
            numbers.append(lines_before + 1)
    return numbers


def _csv(raw: io.BufferedReader) -> Iterator[tuple[int, Parsed]]:
    # utf-8-sig: a byte-order mark would otherwise become part of the first column's name.
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    for row in reader:
        number = reader.line_num
        if None in row:
            yield number, LineRejection(number, "", "more values than header columns")
            continue
        yield number, decode_fields(number, row)
