"""The incremental events store: per-report results kept in SQLite, so that re-running on a grown corpus only
processes new or changed reports, and the merge, the map and the exports are rendered from the store.

Why per report (not per merged event): merging depends on every report, so what can be kept between runs is
what each report says on its own. A row is keyed by report id and holds the sha256 of the report's text and
metadata (``parallel.content_hash``); a report whose hash is unchanged is skipped.

Safety: results put are written together, in one SQLite transaction (WAL journal), every ``commit_every``
reports and on close; a run killed at any moment leaves the store as of the last commit: each report row is
complete or absent, and the next run re-does the rest. Speed: the one writer only inserts; the payloads are
encoded by the workers (``parallel.map_reports(encode=True)``), or here when the run is in one process. The
store records its schema version (a store from another version is refused with a clear message, never
misread) and the pipeline fingerprint (the extraction code and the gazetteer index it was filled with): when
those change, every stored result is stale and is dropped.

>>> with EventStore.open("corpus.geomap.sqlite") as store:          # doctest: +SKIP
...     for res in map_reports(store.pending(read_reports(paths)), jobs=2):
...         store.put(res)
...     store.remove_missing()          # reports gone from the corpus: their events go too
...     with DiskMerge() as dm:          # the merge across reports, on disk (geomap.merge_disk)
...         for r in store.results():
...             dm.add_all(r.events)
...         events = dm.merged()
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import shapely

from geomap.event import Event, PlaceRef, Source
from geomap.parallel import ReportResult, content_hash
from geomap.reports import Report

__all__ = ["EventStore", "StoreError", "SCHEMA_VERSION", "pipeline_fingerprint", "encode_event", "decode_event",
           "encode_result"]

SCHEMA_VERSION = "1"
APPLICATION = "geomap-events-store"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,        -- Report.id (sorted in code-point order by SQLite's BINARY collation)
    hash TEXT NOT NULL,         -- sha256 of text + metadata
    n_events INTEGER NOT NULL,
    n_unresolved INTEGER NOT NULL,
    error TEXT,                 -- why the work failed on this report (NULL: it did not)
    chars INTEGER NOT NULL,
    payload BLOB NOT NULL       -- zlib(JSON {events, unresolved, warnings})
) WITHOUT ROWID;
"""


class StoreError(RuntimeError):
    """The file is not a usable events store (another schema, not SQLite, damaged)."""


# Modules whose code changes what a report yields; a change to one of them makes stored results stale.
# (Rendering, exports, the CLI and the execution machinery do not change per-report results.)
_NOT_EXTRACTION = frozenset({"cli.py", "render.py", "layers.py", "export.py", "basemap.py", "progress.py",
                             "parallel.py", "store.py", "atomic.py", "merge_disk.py", "spill.py", "static_map.py",
                             "__init__.py", "__main__.py"})


def pipeline_fingerprint(gazetteer: Any = None) -> str:
    """sha256 of the extraction code (geomap and gazetteer modules) and of the gazetteer index's own
    fingerprint: stored results are reused only while these are unchanged."""
    h = hashlib.sha256()
    for pkg in ("geomap", "gazetteer"):
        root = Path(__file__).resolve().parent.parent / pkg
        for f in sorted(root.glob("*.py")):
            if pkg == "geomap" and f.name in _NOT_EXTRACTION:
                continue
            h.update(f"{pkg}/{f.name}\0".encode())
            h.update(f.read_bytes())
    if gazetteer is not None:
        h.update(str(getattr(gazetteer, "meta", {}).get("fingerprint", "")).encode())
    return h.hexdigest()


# ----------------------------------------------------------------------------------------- serialisation


def _tuples(v: Any) -> Any:
    """JSON gives lists back; the records hold tuples (frozen, hashable)."""
    if isinstance(v, list):
        return tuple(_tuples(x) for x in v)
    if isinstance(v, dict):
        return {k: _tuples(x) for k, x in v.items()}
    return v


def encode_event(e: Event) -> dict[str, Any]:
    """An Event as plain JSON data that :func:`decode_event` turns back into an equal Event: geometry as WKB
    (exact doubles), floats as Python's shortest round-tripping repr."""
    d: dict[str, Any] = {}
    for f in dataclasses.fields(Event):
        v = getattr(e, f.name)
        if f.name == "geometry":
            v = shapely.to_wkb(v, hex=True)
        elif f.name in ("places", "sources"):
            v = [dataclasses.asdict(x) for x in v]
        elif f.name == "extra":
            v = [[k, x] for k, x in v]
        d[f.name] = v
    return d


def decode_event(d: dict[str, Any]) -> Event:
    kw: dict[str, Any] = {}
    for f in dataclasses.fields(Event):
        if f.name not in d:
            continue  # a field added since: its default
        v = d[f.name]
        if f.name == "geometry":
            v = shapely.from_wkb(v)
        elif f.name == "places":
            v = tuple(PlaceRef(**x) for x in v)
        elif f.name == "sources":
            v = tuple(Source(**x) for x in v)
        elif f.name == "extra":
            v = tuple((k, _tuples(x)) for k, x in v)
        else:
            v = _tuples(v)
        kw[f.name] = v
    return Event(**kw)


def encode_result(res: ReportResult) -> bytes:
    """The stored payload of a result: zlib(JSON {events, unresolved, warnings}). Workers call it (see
    ``parallel.map_reports(encode=True)``) so that the one writer only inserts; same bytes wherever it runs
    (the same zlib)."""
    body = {"events": [encode_event(e) for e in res.events], "unresolved": list(res.unresolved),
            "warnings": list(res.warnings)}
    return zlib.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def _decode(row: tuple) -> ReportResult:
    rid, h, error, chars, payload = row
    body = json.loads(zlib.decompress(payload))
    return ReportResult(rid, h, tuple(decode_event(e) for e in body["events"]), tuple(body["unresolved"]),
                        tuple(body["warnings"]), error, chars)


# ------------------------------------------------------------------------------------------------ store


class EventStore:
    """An opened events store. One writer at a time (SQLite's lock); use from one thread."""

    def __init__(self, con: sqlite3.Connection, path: Path, *, commit_every: int, invalidated: bool) -> None:
        self._con = con
        self.path = path
        self.commit_every = commit_every
        self.invalidated = invalidated  # True: the pipeline changed since the last run; everything is redone
        self.unchanged = 0  # reports pending() skipped because their stored result is current
        self._rows: list[tuple] = []  # put but not yet written: written and committed together, in batches
        self._row_hash: dict[str, str] = {}  # their ids and content hashes (for ``known``)
        con.execute("CREATE TEMP TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY) WITHOUT ROWID")

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, fingerprint: str | None = None,
             commit_every: int = 200) -> EventStore:
        """Open (or create) the store at ``path``. ``fingerprint``: the pipeline's (default: computed from the
        code and the default gazetteer); a store filled by another pipeline is emptied, not misread."""
        path = Path(path)
        if commit_every < 1:
            raise ValueError("commit_every must be at least 1")
        if path.exists() and not path.is_file():
            raise StoreError(f"{path}: not a file")
        if fingerprint is None:
            from gazetteer import Gazetteer

            fingerprint = pipeline_fingerprint(Gazetteer.default(progress=False))
        try:
            con = sqlite3.connect(path, isolation_level=None)  # autocommit; transactions are explicit
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a power loss may lose the last commit, never corrupt
            meta = cls._meta(con, path)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a geomap events store ({exc})") from None
        invalidated = False
        con.execute("BEGIN IMMEDIATE")
        try:
            if not meta:
                for stmt in _SCHEMA.split(";"):
                    if stmt.strip():
                        con.execute(stmt)
                con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                [("application", APPLICATION), ("schema", SCHEMA_VERSION),
                                 ("fingerprint", fingerprint)])
            elif meta.get("fingerprint") != fingerprint:
                invalidated = con.execute("SELECT count(*) FROM reports").fetchone()[0] > 0
                con.execute("DELETE FROM reports")
                con.execute("UPDATE meta SET value = ? WHERE key = 'fingerprint'", (fingerprint,))
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            con.close()
            raise
        return cls(con, path, commit_every=commit_every, invalidated=invalidated)

    @staticmethod
    def _meta(con: sqlite3.Connection, path: Path) -> dict[str, str]:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return {}
        if "meta" not in tables or "reports" not in tables:
            raise StoreError(f"{path}: an SQLite file that is not a geomap events store; not touched")
        meta = dict(con.execute("SELECT key, value FROM meta"))
        if meta.get("application") != APPLICATION:
            raise StoreError(f"{path}: an SQLite file that is not a geomap events store; not touched")
        if meta.get("schema") != SCHEMA_VERSION:
            raise StoreError(f"{path}: events store schema {meta.get('schema')!r}, this geomap reads "
                             f"{SCHEMA_VERSION!r}; use another --store path or delete this one")
        return meta

    # -- context
    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Commit what was put and close. (A crash before this loses at most the last uncommitted batch.)"""
        if self._con is None:
            return
        self.commit()
        self._con.close()
        self._con = None  # type: ignore[assignment]

    def commit(self) -> None:
        """Write the results put since the last commit, in one transaction: each row is complete or absent."""
        if self._rows:
            if not self._con.in_transaction:
                self._con.execute("BEGIN IMMEDIATE")
            try:
                self._con.executemany(
                    "INSERT OR REPLACE INTO reports (id, hash, n_events, n_unresolved, error, chars, payload) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", self._rows)
                self._con.executemany("INSERT OR IGNORE INTO seen VALUES (?)", [(r[0],) for r in self._rows])
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._rows = []
            self._row_hash = {}
        if self._con.in_transaction:
            self._con.execute("COMMIT")

    def __len__(self) -> int:
        self.commit()
        return self._con.execute("SELECT count(*) FROM reports").fetchone()[0]

    def __repr__(self) -> str:
        return f"EventStore({str(self.path)!r})"

    # -- incremental
    def known(self, report_id: str) -> str | None:
        """The content hash stored for this report, or None if it was never processed."""
        if report_id in self._row_hash:
            return self._row_hash[report_id]
        row = self._con.execute("SELECT hash FROM reports WHERE id = ?", (report_id,)).fetchone()
        return row[0] if row else None

    def pending(self, reports: Iterable[Report]) -> Iterator[Report]:
        """The reports that need processing: new, or changed since stored. Every report passing through is
        remembered as seen (in a temporary table, not in memory) for :meth:`remove_missing`; unchanged ones
        are counted in ``self.unchanged``. Each call starts a new run: what earlier runs saw is forgotten."""
        self._con.execute("DELETE FROM seen")
        self.unchanged = 0
        for r in reports:
            self._con.execute("INSERT OR IGNORE INTO seen VALUES (?)", (r.id,))
            if self.known(r.id) == content_hash(r):
                self.unchanged += 1
                continue
            yield r

    def put(self, result: ReportResult) -> None:
        """Store (or replace) one report's result; written and committed in batches of ``commit_every``. The
        payload is the one the worker encoded (``result.payload``), else it is encoded here."""
        payload = result.payload if result.payload is not None else encode_result(result)
        self._rows.append((result.report_id, result.content_hash, result.n_events, result.n_unresolved,
                           result.error, result.chars, payload))
        self._row_hash[result.report_id] = result.content_hash
        if len(self._rows) >= self.commit_every:
            self.commit()

    def remove_missing(self, ids: Iterable[str] | None = None) -> int:
        """Drop the reports not in ``ids`` (default: the reports seen by :meth:`pending` and :meth:`put` since
        the last :meth:`pending` began): a report removed from the corpus takes its events with it. Returns how many."""
        self.commit()
        self._con.execute("BEGIN IMMEDIATE")
        try:
            if ids is not None:
                self._con.execute("DELETE FROM seen")
                it = iter(ids)
                while batch := [(i,) for _, i in zip(range(10_000), it)]:
                    self._con.executemany("INSERT OR IGNORE INTO seen VALUES (?)", batch)
            n = self._con.execute("DELETE FROM reports WHERE id NOT IN (SELECT id FROM seen)").rowcount
            self._con.execute("DELETE FROM seen")
            self._con.execute("COMMIT")
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        return n

    # -- reading
    def results(self) -> Iterator[ReportResult]:
        """Every stored per-report result, sorted by report id (the order the merge is fed in, whatever order
        or machine produced them). Streams: one report's result in memory at a time."""
        self.commit()
        cur = self._con.execute("SELECT id, hash, error, chars, payload FROM reports ORDER BY id")
        for row in cur:
            yield _decode(row)

    def counts(self) -> dict[str, int]:
        """reports, events, unresolved rows and failed reports in the store."""
        self.commit()
        n, ev, un, err = self._con.execute(
            "SELECT count(*), coalesce(sum(n_events), 0), coalesce(sum(n_unresolved), 0), "
            "coalesce(sum(error IS NOT NULL), 0) FROM reports").fetchone()
        return {"reports": n, "events": ev, "unresolved": un, "errors": err}
