"""Work files of a corpus run: private SQLite files that hold what is too big to keep in memory (the merge's
events, :mod:`geomap.merge_disk`; unresolved rows, :class:`RowSpill`: 365,000 for 100,000 synthetic
reports, read back in unresolved.csv's order: report, offsets, reason, text; the distinct reports a map
counts, :class:`DistinctCount`).

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

__all__ = ["DistinctCount", "RowSpill", "ScratchFile"]


class ScratchFile:
    """A private SQLite file in a temporary folder of its own (in ``workdir``, else ``$TMPDIR``), deleted with
    the folder on :meth:`close`: no journal and no fsync, as nothing in it outlives a crash."""

    def __init__(self, workdir: str | os.PathLike[str] | None, prefix: str, *, cache_mb: int = 2,
                 schema: str = "") -> None:
        if workdir is not None:
            Path(workdir).mkdir(parents=True, exist_ok=True)
        self._con: sqlite3.Connection | None = None
        self._dir = tempfile.mkdtemp(prefix=prefix, dir=workdir)
        try:  # (interrupted here, by Ctrl-C or SIGTERM, the folder goes too: no caller holds it yet)
            self.path = Path(self._dir) / "work.sqlite"
            self._con = sqlite3.connect(self.path, isolation_level=None)
            for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{cache_mb * 1024}", "temp_store=FILE"):
                self._con.execute(f"PRAGMA {pragma}")
            self._con.executescript(schema)
        except BaseException:
            self.close()
            raise

    def connection(self) -> sqlite3.Connection:
        """The work file's connection (autocommit); raises once the file is closed."""
        if self._con is None:
            raise ValueError("the work file is closed")
        return self._con

    def __enter__(self):  # (returns the subclass)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Delete the file (what was read from it stays; reading more raises)."""
        if self._con is not None:
            self._con.close()
            self._con = None
        shutil.rmtree(self._dir, ignore_errors=True)


class RowSpill(ScratchFile):
    """Unresolved rows (``{report, text, start, end, reason}``, optionally ``lat``/``lon``) on disk. Iterating
    gives them sorted as unresolved.csv lists them, as often as asked; the file goes on :meth:`close`."""

    def __init__(self, workdir: str | os.PathLike[str] | None = None) -> None:
        self._n = 0
        super().__init__(workdir, ".geomap-rows-",
                         schema="CREATE TABLE rows (report TEXT, start INTEGER, end_ INTEGER, reason TEXT, text TEXT, row TEXT)")

    def extend(self, rows: Iterable[Mapping[str, Any]]) -> None:
        batch = [(str(r["report"]), int(r["start"]), int(r["end"]), str(r["reason"]), str(r["text"]),
                  json.dumps(dict(r), ensure_ascii=False)) for r in rows]
        self.connection().executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?)", batch)
        self._n += len(batch)

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for (row,) in self.connection().execute("SELECT row FROM rows ORDER BY report, start, end_, reason, text"):
            yield json.loads(row)


class DistinctCount:
    """How many distinct strings were added (the reports a map's events come from): a set while there are up
    to ``limit``, then a table in a scratch file (in ``workdir``), so that a corpus of millions of reports is
    counted exactly without holding their names."""

    def __init__(self, workdir: str | os.PathLike[str] | None = None, *, limit: int = 100_000) -> None:
        self._workdir = workdir
        self._limit = limit
        self._set: set[str] | None = set()
        self._file: ScratchFile | None = None

    def update(self, keys: Iterable[str]) -> None:
        if self._set is not None:
            self._set.update(keys)
            if len(self._set) <= self._limit:
                return
            keys, self._set = sorted(self._set), None
            self._file = ScratchFile(self._workdir, ".geomap-distinct-",
                                     schema="CREATE TABLE k (key TEXT PRIMARY KEY) WITHOUT ROWID")
        assert self._file is not None
        self._file.connection().executemany("INSERT OR IGNORE INTO k VALUES (?)", ((k,) for k in keys))

    def __len__(self) -> int:
        if self._set is not None:
            return len(self._set)
        assert self._file is not None
        return int(self._file.connection().execute("SELECT count(*) FROM k").fetchone()[0])

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
