"""The merge across a corpus, on disk: the same events as :func:`geomap.merge.merge_events`, in memory that does
not grow with the corpus.

Why: 100,000 synthetic reports tell 2.1 million events before the merge; holding them and the merge's index
took 6.9 GB, and a million reports would need ten times that. Here the events go to a private SQLite work file
as they stream in. The merge then reads them back one at a time in merge order, kind by kind (event type and
axis phase: the parts the in-memory merge already keeps apart); its index (place keys, grid cells, date ranges,
reports) is a table; groups are combined one at a time; the merged events are read back sorted by id, one at a
time. What is held at once: one event being placed, one group being combined, SQLite's page cache.

Exact, step for step: each event joins the lowest-numbered group holding a member that is the same event
(``merge._Index.home``, with the index in tables), each group is combined (``merge._combine``), vague tellings
are absorbed under the same rule (``merge._absorb``: a vague group is absorbed when exactly one precise group of
its kind qualifies, which depends only on the groups' combined events), and ids are numbered in the order the
groups were founded (``merge.finish``). ``tests/test_merge_disk.py`` compares the two on crowded random events.

>>> with DiskMerge() as dm:                  # doctest: +SKIP
...     dm.add_all(events)
...     merged = dm.merged()                 # re-iterable, sorted by id; len() without reading them
...     [e.id for e in merged][:2]
['axi-0c1d6a9a84', 'axi-1b7f0e5a66']
"""

from __future__ import annotations

import hashlib
import itertools
import math
import operator
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields, replace
from datetime import date
from typing import NamedTuple

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geomap import merge as _m
from geomap.event import Event, PlaceRef, Source
from geomap.spill import ScratchFile

__all__ = ["DiskMerge", "MergedEvents"]

_SCHEMA = """
CREATE TABLE ev (seq INTEGER PRIMARY KEY, etype TEXT NOT NULL, phase INTEGER, prec INTEGER NOT NULL,
                 report TEXT NOT NULL, start INTEGER NOT NULL,
                 key TEXT NOT NULL, lo INTEGER NOT NULL, hi INTEGER NOT NULL, unc REAL NOT NULL, wkb BLOB NOT NULL,
                 reports TEXT NOT NULL, payload BLOB NOT NULL);
CREATE TABLE grp (gi INTEGER PRIMARY KEY, etype TEXT, prec INTEGER, report TEXT, start INTEGER, seq INTEGER);
CREATE TABLE mem (gi INTEGER NOT NULL, pos INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (gi, pos))
    WITHOUT ROWID;
CREATE TABLE keyidx (key TEXT NOT NULL, b INTEGER NOT NULL, gi INTEGER NOT NULL, lo INTEGER NOT NULL,
                     hi INTEGER NOT NULL, PRIMARY KEY (key, b, gi, lo, hi)) WITHOUT ROWID;
CREATE TABLE tel (tid INTEGER PRIMARY KEY, sig BLOB NOT NULL UNIQUE, gi INTEGER NOT NULL, key TEXT NOT NULL,
                  lo INTEGER NOT NULL, hi INTEGER NOT NULL, unc REAL NOT NULL, pt INTEGER NOT NULL, w REAL NOT NULL,
                  s REAL NOT NULL, e REAL NOT NULL, n REAL NOT NULL, wkb BLOB NOT NULL);
CREATE TABLE telcell (k INTEGER NOT NULL, gi INTEGER NOT NULL, tid INTEGER NOT NULL, PRIMARY KEY (k, gi, tid))
    WITHOUT ROWID;
CREATE TABLE telrep (tid INTEGER NOT NULL, report TEXT NOT NULL, PRIMARY KEY (tid, report)) WITHOUT ROWID;
CREATE TABLE head (gi INTEGER PRIMARY KEY, vague INTEGER NOT NULL, absorbable INTEGER NOT NULL,
                   lo INTEGER NOT NULL, hi INTEGER NOT NULL, stated INTEGER NOT NULL, unc REAL NOT NULL,
                   wkb BLOB NOT NULL, rx REAL NOT NULL, ry REAL NOT NULL, payload BLOB NOT NULL);
CREATE TABLE headrep (report TEXT NOT NULL, gi INTEGER NOT NULL, last_start INTEGER NOT NULL,
                      PRIMARY KEY (report, gi)) WITHOUT ROWID;
CREATE INDEX headrep_gi ON headrep (gi, report, last_start);
CREATE TABLE absorb (i INTEGER PRIMARY KEY, j INTEGER NOT NULL);
CREATE INDEX absorb_j ON absorb (j, i);
CREATE TABLE pre (gi INTEGER PRIMARY KEY, base TEXT NOT NULL, etype TEXT, prec INTEGER, report TEXT,
                  start INTEGER, seq INTEGER, keep INTEGER NOT NULL, payload BLOB NOT NULL);
CREATE TABLE out (id TEXT PRIMARY KEY, gi INTEGER NOT NULL) WITHOUT ROWID;
"""
_PER_KIND = ("keyidx", "tel", "telcell", "telrep", "head", "headrep", "absorb")  # emptied after each kind
_UNDATED = -1  # lo/hi of an undated member: it matches every date


_FIELDS = tuple(f.name for f in fields(Event))
_PLACES, _SOURCES = _FIELDS.index("places"), _FIELDS.index("sources")
_SOURCE_FIELDS = tuple(f.name for f in fields(Source))


def _dump(e: Event) -> bytes:
    """An event as a pickled list of its field values (a third faster to read back than pickling the
    dataclass, whose generic ``__setstate__`` walks its fields; this is the merge's most frequent call)."""
    v = [getattr(e, n) for n in _FIELDS]
    v[_PLACES] = [(p.text, p.name, p.gazetteer_id, p.role) for p in e.places]
    v[_SOURCES] = [tuple(getattr(x, n) for n in _SOURCE_FIELDS) for x in e.sources]
    return pickle.dumps(v, protocol=5)


def _load(b: bytes) -> Event:
    v = pickle.loads(b)
    v[_PLACES] = tuple(PlaceRef(*p) for p in v[_PLACES])
    v[_SOURCES] = tuple(Source(*x) for x in v[_SOURCES])
    return Event(*v)


class _Lite(NamedTuple):
    """What the merge's geometry tests read of an event (``merge._corner_window``, ``_own_cells``, ``_gap_m``):
    grouping works from these columns, without rebuilding whole events."""

    event_type: str
    geo_precision: int
    uncertainty_m: float
    geometry: BaseGeometry


_BUCKET_BITS = 18  # date buckets (8 days) of ordinals up to 9999-12-31 fit in 17 bits, plus undated


def _cell_key(cx: int, cy: int, b: int = _UNDATED) -> int:
    """One integer for (grid column, date bucket, grid row): the cells of a column in one bucket are then one
    range of keys, and an event's window a few ranges."""
    return ((((cx + 4096) << _BUCKET_BITS) | (b + 1)) << 13) | (cy + 4096)


def _lohi(rng) -> tuple[int, int]:
    return (_UNDATED, _UNDATED) if rng is None else (rng[0].toordinal(), rng[1].toordinal())


class MergedEvents:
    """The merged events, sorted by id, read from the work file each time they are iterated (so every export
    can stream them in turn). Valid while the :class:`DiskMerge` is open."""

    def __init__(self, dm: DiskMerge, n: int) -> None:
        self._dm = dm
        self._n = n

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[Event]:
        con = self._dm._con
        if con is None:
            raise ValueError("the merge is closed")
        for eid, payload in con.execute("SELECT out.id, pre.payload FROM out JOIN pre USING (gi) WHERE pre.keep "
                                        "ORDER BY out.id"):
            yield replace(_load(payload), id=eid)

    def __repr__(self) -> str:
        return f"<MergedEvents: {self._n} events>"


class DiskMerge(ScratchFile):
    """A merge of many events through a private SQLite work file (deleted on :meth:`close`).

    ``workdir``: where the work file goes (default: the system's temporary folder); it holds every event
    and the index (about 1.4 kB per event), so put it where there is room. ``cache_mb``: SQLite's page cache."""

    def __init__(self, workdir: str | os.PathLike[str] | None = None, *, cache_mb: int = 64) -> None:
        self._batch: list[tuple] = []
        self._seq = 0
        self._merged: MergedEvents | None = None
        super().__init__(workdir, ".geomap-merge-", cache_mb=cache_mb, schema=_SCHEMA + "\nBEGIN;")  # events go in one transaction

    # -- input
    def add(self, e: Event) -> None:
        """One event to merge, in the order ``merge_events`` would be given it (ties in merge order keep it)."""
        if self._merged is not None:
            raise ValueError("events added after merged()")
        s = e.sources[0]
        lo, hi = _lohi(_m._range(e))
        reports = "\x1f".join(sorted({x.report for x in e.sources}))
        self._batch.append((self._seq, e.event_type, e.phase, e.geo_precision, s.report, s.start, _m._key(e), lo, hi,
                            e.uncertainty_m, e.geometry.wkb, reports, _dump(e)))
        self._seq += 1
        if len(self._batch) >= 2000:
            self._flush()

    def __len__(self) -> int:
        """How many events were added."""
        return self._seq

    def add_all(self, events: Iterable[Event]) -> None:
        for e in events:
            self.add(e)

    def _flush(self) -> None:
        self._con.executemany("INSERT INTO ev VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self._batch)
        self._batch = []

    # -- the merge
    def merged(self, keep: Callable[[Event], bool] | None = None) -> MergedEvents:
        """Merge what was added (once) and return the merged events: ``[e for e in merge_events(added) if
        keep(e)]``, read from disk. (``keep`` filters after the merge: ids are numbered over every event.)"""
        if self._merged is not None:
            return self._merged
        self._flush()
        con = self._con
        con.execute("CREATE INDEX ev_order ON ev (etype, phase, prec, report, start, seq)")
        con.execute("COMMIT")
        kinds = con.execute("SELECT DISTINCT etype, phase FROM ev ORDER BY etype, phase").fetchall()
        self._gi = 0
        for etype, phase in kinds:
            con.execute("BEGIN")
            first = self._gi
            self._group(etype, phase)
            self._heads(first)
            self._absorb(first)
            self._finals(first, keep)
            for t in _PER_KIND:
                con.execute(f"DELETE FROM {t}")
            con.execute("COMMIT")
        con.execute("BEGIN")
        self._number()
        n = con.execute("SELECT count(*) FROM pre WHERE keep").fetchone()[0]
        con.execute("COMMIT")
        self._merged = MergedEvents(self, n)
        return self._merged

    def _group(self, etype: str, phase: int | None) -> None:
        """``merge._merge_kind``'s grouping loop, with ``merge._Index`` as tables."""
        con = self._con
        mem: list[tuple] = []
        pos = 0
        # (SQLite lets one connection write other tables while a statement reads this one)
        rows = con.execute("SELECT seq, prec, report, start, key, lo, hi, unc, wkb, reports FROM ev "
                           "WHERE etype = ? AND phase IS ? ORDER BY etype, phase, prec, report, start, seq",
                           (etype, phase))
        for seq, prec, report, start, key, lo, hi, unc, wkb, reports in rows:
            e = _Lite(etype, prec, unc, shapely.from_wkb(wkb))
            home = self._home(e, key, lo, hi, reports)
            if home is None:
                home = self._gi
                self._gi += 1
                con.execute("INSERT INTO grp VALUES (?, ?, ?, ?, ?, ?)", (home, etype, prec, report, start, seq))
            mem.append((home, pos, seq))
            pos += 1
            if len(mem) >= 2000:
                con.executemany("INSERT INTO mem VALUES (?, ?, ?)", mem)
                mem = []
            self._file(home, e, key, lo, hi, wkb, reports)
        con.executemany("INSERT INTO mem VALUES (?, ?, ?)", mem)

    def _home(self, e: _Lite, key: str, lo: int, hi: int, reports: str) -> int | None:
        """``merge._Index.home``: the lowest group holding a member that is the same event as ``e``."""
        con = self._con
        dated = lo != _UNDATED
        if not dated:
            best = con.execute("SELECT min(gi) FROM keyidx WHERE key = ?", (key,)).fetchone()[0]
        else:  # in a date bucket of e's range or undated, and overlapping with one day of slack
            buckets = [_UNDATED, *_m._buckets((date.fromordinal(lo), date.fromordinal(hi)))]
            best = con.execute(f"SELECT min(gi) FROM keyidx WHERE key = ? AND b IN ({', '.join(map(str, buckets))}) "
                               "AND (lo = ? OR (lo <= ? AND hi >= ?))", (key, _UNDATED, hi + 1, lo - 1)).fetchone()[0]
        box = _m._corner_window(e)
        if box is None:
            return best
        g = e.geometry
        w, s, east, n = box
        cx0, cy0, cx1, cy1 = (math.floor(v / _m._CELL_DEG) for v in (w, s, east, n))
        e_point = g.geom_type == "Point"
        ew, es, ee, en = g.bounds
        # metres per degree that ``_gap_m`` is at least (see ``merge._Index.home``): a lower bound on the gap
        # from the bounding boxes, applied here in SQL so that only real candidates are read back
        per_deg_h = 0.999 * 111000.0 * max(0.2, math.cos(math.radians(g.y if e_point else g.centroid.y)))
        if e_point:
            near = ("CASE WHEN pt THEN abs(s - :es) * :pv ELSE max(abs(w - :ew), abs(e - :ee), abs(s - :es), "
                    "abs(n - :en)) * :ph END <= min(:u, unc) + 10000.0")
        else:
            near = "max(abs(w - :ew), abs(e - :ee), abs(s - :es), abs(n - :en)) * :ph <= min(:u, unc) + 10000.0"
        sql = f"SELECT t.tid, t.gi, t.unc, t.wkb FROM telcell c JOIN tel t USING (tid) WHERE t.key != :key AND {near}"
        args = {"key": key, "es": es, "ew": ew, "ee": ee, "en": en, "pv": 0.999 * 110000.0, "ph": per_deg_h,
                "u": e.uncertainty_m}
        if best is not None:
            sql += " AND c.gi < :best"
            args["best"] = best
        if dated:  # the date buckets of e's range and undated members (as ``merge._Index._slots``)
            ranges = [(_cell_key(cx, cy0, b), _cell_key(cx, cy1, b)) for cx in range(cx0, cx1 + 1) for b in buckets]
            sql += " AND (t.lo = :undated OR (t.lo <= :hi AND t.hi >= :lo))"
            args.update(undated=_UNDATED, hi=hi + 1, lo=lo - 1)
        else:  # every bucket of each column, then the rows
            ranges = [(_cell_key(cx, cy0, _UNDATED), _cell_key(cx, cy1, (1 << _BUCKET_BITS) - 2))
                      for cx in range(cx0, cx1 + 1)]
            sql += f" AND (c.k & 8191) BETWEEN {cy0 + 4096} AND {cy1 + 4096}"
        sql += " AND (" + " OR ".join(f"c.k BETWEEN {a} AND {b}" for a, b in ranges) + ")"
        found = {row[0]: row for row in con.execute(sql, args)}
        candidates = sorted(found.values(), key=lambda r: (r[1], r[0]))  # by group: the first match is the lowest
        e_reports: list[str] | None = None
        gaps: dict[bytes, float] = {}
        for tid, gi, unc, wkb in candidates:
            limit = min(e.uncertainty_m, unc)
            d = gaps.get(wkb)
            if d is None:
                d = gaps[wkb] = _m._gap_m(e, _Lite("", 0, unc, shapely.from_wkb(wkb)))
            if d > limit + 10000.0:
                continue
            if d > limit + 5000.0:  # near enough only when a report tells both
                if e_reports is None:
                    e_reports = reports.split("\x1f")
                marks = ",".join("?" * len(e_reports))
                shared = con.execute(f"SELECT 1 FROM telrep WHERE tid = ? AND report IN ({marks}) LIMIT 1",
                                     (tid, *e_reports)).fetchone()
                if shared is None:
                    continue
            return gi
        return best

    def _file(self, gi: int, e: _Lite, key: str, lo: int, hi: int, wkb: bytes, reports: str) -> None:
        """``merge._Index.add``: file a member of group ``gi`` under its key and, if it can merge by distance,
        as a telling (one per distinct key, dates, precision, uncertainty and geometry in the group, holding
        the reports that tell it) in the cell of its bounds' south-west corner."""
        con = self._con
        # filed under every date bucket of its range grown by a day (undated: one bucket of its own)
        buckets = [_UNDATED] if lo == _UNDATED else _m._buckets((date.fromordinal(lo), date.fromordinal(hi)), 1)
        con.executemany("INSERT OR IGNORE INTO keyidx VALUES (?, ?, ?, ?, ?)", [(key, b, gi, lo, hi) for b in buckets])
        cells = _m._own_cells(e)
        if not cells:
            return
        sig = hashlib.sha256(repr((gi, key, lo, hi, e.geo_precision, e.uncertainty_m)).encode() + b"\0" + wkb).digest()
        row = con.execute("SELECT tid FROM tel WHERE sig = ?", (sig,)).fetchone()
        if row is None:
            (cx, cy), = cells
            w, s, east, n = e.geometry.bounds
            tid = con.execute("INSERT INTO tel (sig, gi, key, lo, hi, unc, pt, w, s, e, n, wkb) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              (sig, gi, key, lo, hi, e.uncertainty_m, int(e.geometry.geom_type == "Point"),
                               w, s, east, n, wkb)).lastrowid
            con.executemany("INSERT INTO telcell VALUES (?, ?, ?)", [(_cell_key(cx, cy, b), gi, tid) for b in buckets])
        else:
            tid = row[0]
        con.executemany("INSERT OR IGNORE INTO telrep VALUES (?, ?)", [(tid, r) for r in reports.split("\x1f")])

    def _members(self, gi: int) -> Iterator[Event]:
        """Group ``gi``'s members in the order they joined, read one at a time."""
        rows = self._con.execute("SELECT ev.payload FROM mem JOIN ev USING (seq) WHERE mem.gi = ? ORDER BY mem.pos", (gi,))
        return (_load(p) for (p,) in rows)

    def _groups(self, first: int) -> Iterator[tuple[int, Iterator[Event]]]:
        """The groups founded since group ``first``, in order, each with its members in the order they joined,
        read one at a time (a group of thousands of tellings is folded, not held: ``merge._combine``). Each
        group's members are to be read before the next group is asked for."""
        cur = self._con.execute("SELECT mem.gi, ev.payload FROM mem JOIN ev USING (seq) WHERE mem.gi >= ? "
                                "ORDER BY mem.gi, mem.pos", (first,))
        for gi, rows in itertools.groupby(cur, key=operator.itemgetter(0)):
            yield gi, (_load(payload) for _, payload in rows)

    def _heads(self, first: int) -> None:
        """Each group's combined event, and the reports that tell it (for the absorption of vague tellings)."""
        con = self._con
        heads, reps = [], []
        for gi, members in self._groups(first):
            h = _m._combine(members)
            # what absorption reads of a combined event, as columns (a head told by thousands of reports is
            # big: it is not read back for each vague telling near it)
            rp = h.geometry.representative_point()
            heads.append((gi, int(_m._vague(h)), int(all(p.gazetteer_id for p in h.places)), *_lohi(_m._range(h)),
                          int(bool(dict(h.extra).get("date_stated", True))), h.uncertainty_m, h.geometry.wkb,
                          rp.x, rp.y, _dump(h)))
            last: dict[str, int] = {}
            for s in h.sources:  # sorted by (report, start, end): the last start of each report
                last[s.report] = s.start
            reps.extend((r, gi, st) for r, st in last.items())
            if len(heads) >= 500:
                con.executemany(f"INSERT INTO head VALUES ({', '.join('?' * 11)})", heads)
                con.executemany("INSERT INTO headrep VALUES (?, ?, ?)", reps)
                heads, reps = [], []
        con.executemany(f"INSERT INTO head VALUES ({', '.join('?' * 11)})", heads)
        con.executemany("INSERT INTO headrep VALUES (?, ?, ?)", reps)

    def _absorb(self, first: int) -> None:
        """``merge._absorb``: a vague group joins the one precise group of its kind that qualifies (the decision
        for each vague group depends only on combined events, so they can be taken one at a time)."""
        con = self._con
        found = []
        vague = con.execute("SELECT gi, lo, hi, stated, unc, wkb FROM head WHERE vague = 1 AND absorbable = 1 ORDER BY gi")
        for i, vlo, vhi, vstated, vunc, vwkb in vague:
            v = _Lite("", 3, vunc, shapely.from_wkb(vwkb))
            cands = []
            rows = con.execute(
                "SELECT DISTINCT h.gi, h.lo, h.hi, h.stated, h.rx, h.ry FROM headrep a JOIN headrep b ON b.report = a.report "
                "JOIN head h ON h.gi = b.gi WHERE a.gi = ? AND b.gi != ? AND h.vague = 0 AND b.last_start > a.last_start "
                "ORDER BY h.gi", (i, i)).fetchall()
            for j, plo, phi, pstated, rx, ry in rows:
                if vlo != _UNDATED and plo != _UNDATED and not (vlo <= phi and plo <= vhi):
                    continue  # ``merge._dates_ok(v, p, slack_days=0)``
                if not _m._inside(v, _Lite("", 1, 0.0, Point(rx, ry))):  # p's representative point is its own
                    continue
                if vstated and not pstated:
                    continue
                cands.append(j)
            if len(cands) == 1:
                found.append((i, cands[0]))
            if len(found) >= 500:
                con.executemany("INSERT INTO absorb VALUES (?, ?)", found)
                found = []
        con.executemany("INSERT INTO absorb VALUES (?, ?)", found)

    def _finals(self, first: int, keep: Callable[[Event], bool] | None) -> None:
        """Each group left after absorption as its final combined event (combined again when it absorbed),
        with its base id and the merge-order key of its founding event."""
        con = self._con
        rows = con.execute(
            "SELECT h.gi, h.payload, EXISTS (SELECT 1 FROM absorb WHERE j = h.gi), g.etype, g.prec, g.report, g.start, g.seq "
            "FROM head h JOIN grp g USING (gi) WHERE h.gi NOT IN (SELECT i FROM absorb) ORDER BY h.gi")
        out = []
        for gi, payload, grown, *founder in rows:
            if grown:  # its members, then those of each group it absorbed
                absorbed = [i for (i,) in con.execute("SELECT i FROM absorb WHERE j = ? ORDER BY i", (gi,))]
                h = _m._combine(itertools.chain(self._members(gi), *(self._members(i) for i in absorbed)))
                payload = _dump(h)
            else:
                h = _load(payload)
            out.append((gi, _m.make_id(h), *founder, keep is None or bool(keep(h)), payload))
            if len(out) >= 500:
                con.executemany("INSERT INTO pre VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", out)
                out = []
        con.executemany("INSERT INTO pre VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", out)

    def _number(self) -> None:
        """``merge.finish``: ids that collide get a numeric suffix in the order their groups were founded."""
        con = self._con
        batch, prev, count = [], None, 0
        for gi, base in con.execute("SELECT gi, base FROM pre ORDER BY base, etype, prec, report, start, seq"):
            count = count + 1 if base == prev else 1
            prev = base
            batch.append((base if count == 1 else f"{base}-{count}", gi))
            if len(batch) >= 5000:
                con.executemany("INSERT INTO out VALUES (?, ?)", batch)
                batch = []
        con.executemany("INSERT INTO out VALUES (?, ?)", batch)
