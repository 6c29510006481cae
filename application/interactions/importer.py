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
BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class Checkpoint:
    """How far an import of one version of a file got."""

    path: Path
    size: int
    mtime_ns: int
    lines_done: int

    @classmethod
    def beside(cls, source: Path) -> Path:
        """Where the checkpoint of `source` is kept."""
        return source.with_name(f"{source.name}.import-progress.json")

    @classmethod
    def load(cls, source: Path) -> Checkpoint | None:
        """The checkpoint of this exact file (same size and time), if any."""
        where = cls.beside(source)
        if not where.exists():
            return None
        saved = json.loads(where.read_text())
        stat = source.stat()
        if (saved["size"], saved["mtime_ns"]) != (stat.st_size, stat.st_mtime_ns):
            return None  # the file changed: start over (duplicates are skipped anyway)
        return cls(source, stat.st_size, stat.st_mtime_ns, int(saved["lines_done"]))

    def save(self) -> None:
        """Write the checkpoint atomically."""
        where = self.beside(self.path)
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


def import_interactions(
    ingestion: Ingestion,
    path: Path,
    *,
    file_format: Format,
    restart: bool = False,
    progress: Callable[[int], None] | None = None,
) -> tuple[IngestTotals, int]:
    """Import a file in this process; returns the totals and the lines a checkpoint skipped.

    `progress` receives how many bytes of the file are done.
    """
    checkpoint = None if restart else Checkpoint.load(path)
    skip = checkpoint.lines_done if checkpoint else 0
    stat = path.stat()
    with path.open("rb") as raw:
        rows = _ndjson(raw) if file_format == "ndjson" else _csv(raw)
        for number, parsed in rows:
            if number <= skip:
                continue
            ingestion.add(number, parsed)
            if ingestion.full:
                ingestion.flush()
                Checkpoint(path, stat.st_size, stat.st_mtime_ns, number).save()
                if progress:
                    progress(raw.tell())
    ingestion.flush()
    if progress:
        progress(stat.st_size)
    Checkpoint.beside(path).unlink(missing_ok=True)
    return ingestion.totals, skip


def merge_totals(parts: list[IngestTotals]) -> IngestTotals:
    """The totals of a file imported in batches by several processes: sums, and the first
    rejections by line."""
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
    # Counted in full even where a batch listed only its first rejections.
    merged.rejected = sum(t.rejected for t in parts)
    return merged


def write_rejections(path: Path, rejections: list[LineRejection]) -> Path:
    """Write the rejections beside the file, one JSON object per line."""
    target = path.with_name(path.name + ".rejects.ndjson")
    with target.open("w") as out:
        for rejection in rejections:
            out.write(json.dumps(vars(rejection)) + "\n")
    return target


def _ndjson(raw: io.BufferedReader) -> Iterator[tuple[int, Parsed]]:
    for number, line in enumerate(raw, start=1):
        if number == 1:
            line = line.removeprefix(BOM)  # written by some Windows tools; not part of line 1
        parsed = decode_line(number, line, MAX_LINE_DEPTH)
        if parsed is not None:
            yield number, parsed


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
