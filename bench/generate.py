"""The synthetic community of application/synthetic.py, written as NDJSON for ingestion.

python -m bench.generate --members 1000000 --interactions 20000000 > community.ndjson
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from application.synthetic import Shape, ingestion_records


def write_ndjson(records: Iterator[dict[str, Any]], out: TextIO) -> int:
    """Write records one per line; returns how many."""
    count = 0
    for record in records:
        out.write(json.dumps(record, separators=(",", ":")) + "\n")
        count += 1
    return count


def main(argv: list[str] | None = None) -> None:
    """Write a synthetic community's interactions to standard output."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=Shape.members)
    parser.add_argument("--interactions", type=int, default=Shape.interactions)
    parser.add_argument("--scale", type=float, default=1.0, help="Multiply both counts.")
    parser.add_argument("--seed", type=int, default=Shape.seed)
    options = parser.parse_args(argv)
    shape = Shape(members=options.members, interactions=options.interactions, seed=options.seed)
    try:
        write_ndjson(ingestion_records(shape.scaled(options.scale)), sys.stdout)
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error
        sys.stderr.close()


if __name__ == "__main__":
    main()
