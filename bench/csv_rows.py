"""Rows of a measurement appended to its CSV as they are measured (so an interrupted bench keeps
what it measured) and printed."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path


def append_rows(path: Path, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """rows appended to the CSV at path (its header first, if the file is new), and printed."""
    rows = list(rows)
    new = not path.exists()
    with open(path, "a", newline="") as sink:
        writer = csv.writer(sink)
        if new:
            writer.writerow(columns)
        writer.writerows(rows)
    for row in rows:
        print(*row, sep="\t", flush=True)
