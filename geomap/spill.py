"""Rows of a corpus run too many to hold (unresolved mentions: 600,000 for 100,000 synthetic reports), kept in
a private SQLite file and read back in unresolved.csv's order: report, offsets, reason, text.

>>> with RowSpill() as rows:                          # doctest: +SKIP
...     rows.extend([{"report": "b", "text": "X", "start": 3, "end": 4, "reason": "unresolved"}])
...     rows.extend([{"report": "a", "text": "Y", "start": 0, "end": 1, "reason": "unresolved"}])
...     [r["report"] for r in rows], len(rows)
(['a', 'b'], 2)
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = ["RowSpill"]


class RowSpill:
    """Unresolved rows (``{report, text, start, end, reason}``, optionally ``lat``/``lon``) on disk. Iterating
    gives them sorted as unresolved.csv lists them, as often as asked; the file goes on :meth:`close`."""

    def __init__(self, workdir: str | os.PathLike[str] | None = None) -> None:
        if workdir is not None:
            Path(workdir).mkdir(parents=True, exist_ok=True)
        self._dir = tempfile.mkdtemp(prefix=".geomap-rows-", dir=workdir)
        self._con: sqlite3.Connection | None = sqlite3.connect(Path(self._dir) / "rows.sqlite", isolation_level=None)
        self._con.execute("PRAGMA journal_mode=OFF")
        self._con.execute("PRAGMA synchronous=OFF")
        self._con.execute("CREATE TABLE rows (report TEXT, start INTEGER, end_ INTEGER, reason TEXT, text TEXT, row TEXT)")
        self._n = 0

    def __enter__(self) -> RowSpill:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        shutil.rmtree(self._dir, ignore_errors=True)

    def _open(self) -> sqlite3.Connection:
        if self._con is None:
            raise ValueError("the spill is closed")
        return self._con

    def extend(self, rows: Iterable[Mapping[str, Any]]) -> None:
        batch = [(str(r["report"]), int(r["start"]), int(r["end"]), str(r["reason"]), str(r["text"]),
                  json.dumps(dict(r), ensure_ascii=False)) for r in rows]
        self._open().executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?)", batch)
        self._n += len(batch)

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for (row,) in self._open().execute("SELECT row FROM rows ORDER BY report, start, end_, reason, text"):
            yield json.loads(row)
