"""The name table: one memory-mapped file beside the SQLite index, shared by every process that opens it.

Lookups need, for a name key, the places indexed under it (class, matched name, place) and each place's
ranking fields. Held as Python objects that is ~600 MB per process; held here as records in a file that
every process maps read-only, the operating system keeps one copy in its page cache for all of them (worker
processes of ``--jobs N`` add only their own caches), and opening it costs a header read instead of a load.

The file is derived from the SQLite index only (:func:`write` reads it, ~20 s), so it is rebuilt from there
when it is missing, damaged or written for another index: its header records the index's fingerprint, size
and modification time, the writing code and the Python version. It is written to a temporary name and
``os.replace``-d, so readers never see half a file. Layout: a JSON header padded to ``_HEADER`` bytes, then
8-byte aligned sections (native byte order):

* keys: an open-addressing hash table (CRC-32 of the UTF-8 key, linear probing) over the keys (sorted), their
  bytes and offsets, and per key the index of its phonetic key;
* per key, a ``marshal`` record of its entries (class, matched name, place id) and, for a phonetic key, the
  folded matched names (``marshal`` turns a record into Python objects in one C call: ~0.5 us);
* per key, the precomputed ranking of the common query that folds to it (:func:`gazetteer.search.fast_record`);
* per place, a ``marshal`` record of its ranking and record fields (its geometry, when more than a point,
  stays in SQLite).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import math
import mmap
import os
import sqlite3
import sys
import zlib
from array import array
from itertools import accumulate
from pathlib import Path

from gazetteer.names import fold, has_cyrillic, phonetic, romanize
from gazetteer.place import Kind

__all__ = [
    "NameTable",
    "TableError",
    "open_or_build",
    "own_sounds",
    "prominence",
    "table_fingerprint",
    "table_path",
    "write",
]

FORMAT = "geomap-name-table-1"
_HEADER = 4096
_MARSHAL = 4  # marshal format version of the records (the table is rebuilt when Python changes: see below)


class TableError(RuntimeError):
    """The name table file is missing, damaged or belongs to another index."""


def table_path(index: Path) -> Path:
    """Where the name table of an index lives: beside it, same stem."""
    return index.with_name(index.stem + ".names")


def prominence(kind: Kind, population: int, importance: float) -> float:
    """How prominent a place is (0..1) from its population and importance: ranks places that share a name."""
    pop = min(1.0, math.log10(population + 1) / 7.0) if population > 0 else 0.0
    if kind is Kind.POPULATED_PLACE:
        return min(1.0, max(pop, importance) + (0.05 if importance > 0 else 0.0))
    return max(pop, importance)


def own_sounds(name: str) -> frozenset[str]:
    """The phonetic keys of a place's own name (folded and romanised): an alias that sounds like none of them
    is a foreign or former name."""
    return frozenset({phonetic(fold(name))} | {phonetic(r) for r in romanize(name)})


def _hash(key: bytes) -> int:
    return zlib.crc32(key)


# --- writing -----------------------------------------------------------------------------------------------
def write(index: Path, con: sqlite3.Connection, fingerprint: str, dest: Path | None = None) -> Path:
    """Write the name table of the index open on ``con`` next to ``index`` (atomically); returns its path."""
    dest = dest or table_path(index)
    n_places = (con.execute("SELECT max(pid) FROM places").fetchone()[0] or 0) + 1
    places: list[tuple | None] = [None] * n_places
    for pid, pl_id, name, kind, country, adm, population, la, lo, im, src, has_geom in con.execute(
            "SELECT pid, id, name, kind, country, admin1, population, lat, lon, importance, source, "
            "geom IS NOT NULL FROM places ORDER BY pid"):
        base = 0.4 + 0.6 * prominence(Kind(kind), population, im)
        sounds = "\n".join(sorted(own_sounds(name)))
        places[pid] = (name, kind, country, population, la, lo, im, adm, base, pl_id, src, bool(has_geom), sounds)
    place_recs = [marshal.dumps(p, _MARSHAL) for p in places]

    keys: list[str] = []
    groups: list[tuple[tuple[int, str, int], ...]] = []
    group: list[tuple[int, str, int]] = []
    for key, pid, cls, name in con.execute("SELECT key, pid, cls, name FROM names ORDER BY key, pid"):
        if not keys or key != keys[-1]:
            if keys:
                groups.append(tuple(group))
            keys.append(key)
            group = []
        group.append((cls, name, pid))
    if keys:
        groups.append(tuple(group))
    del group
    fnames = [tuple(fold(n) for _, n, _ in g) if k.startswith("~") else None for k, g in zip(keys, groups)]
    recs = [marshal.dumps((g, fn), _MARSHAL) for g, fn in zip(groups, fnames)]
    index_of = {k: i for i, k in enumerate(keys)}
    key_phon = array("i", [-1]) * len(keys)
    for i, k in enumerate(keys):
        if k.isascii() and not k.startswith("~"):
            pk = phonetic(k)
            if pk:
                key_phon[i] = index_of.get("~" + pk, -1)
    del index_of
    from gazetteer.search import (  # the ranking rules live with the search
        fast_record,
        strip_kind,
    )

    fast = []
    none = marshal.dumps(None, _MARSHAL)
    for i, k in enumerate(keys):
        if k.startswith("~") or has_cyrillic(k):
            fast.append(none)
            continue
        core, hint = strip_kind(k)
        if hint is not None and core != k:
            fast.append(none)
            continue
        j = key_phon[i]
        pk = keys[j][1:] if j >= 0 else phonetic(k)
        rec = fast_record(k, groups[i], groups[j] if j >= 0 else (), fnames[j] if j >= 0 else (), pk,
                          places.__getitem__)
        fast.append(marshal.dumps(rec, _MARSHAL))
    del groups, fnames, places
    keys_b = [k.encode() for k in keys]
    del keys
    keys = keys_b
    n_keys = len(keys)
    n_slots = 1 << max(4, (2 * n_keys).bit_length())
    mask = n_slots - 1
    slots = array("i", [-1]) * n_slots
    for i, k in enumerate(keys):
        h = _hash(k) & mask
        while slots[h] != -1:
            h = (h + 1) & mask
        slots[h] = i
    key_off, key_blob = _pack(keys)
    rec_off, rec_blob = _pack(recs)
    place_off, place_blob = _pack(place_recs)
    fast_off, fast_blob = _pack(fast)
    sections = [("slots", slots), ("key_off", key_off), ("key_blob", key_blob), ("key_phon", key_phon),
                ("rec_off", rec_off), ("rec_blob", rec_blob), ("place_off", place_off), ("place_blob", place_blob),
                ("fast_off", fast_off), ("fast_blob", fast_blob)]
    layout = {}
    pos = _HEADER
    for name, data in sections:
        fmt = data.typecode if isinstance(data, array) else "B"
        size = len(data) * (data.itemsize if isinstance(data, array) else 1)
        layout[name] = [pos, fmt, size]
        pos += (size + 7) // 8 * 8
    header = json.dumps({"format": FORMAT, "fingerprint": fingerprint, "byteorder": sys.byteorder,
                         "n_keys": n_keys, "n_places": n_places, "n_slots": n_slots, "size": pos,
                         "sections": layout}, sort_keys=True).encode()
    if len(header) >= _HEADER:  # pragma: no cover - the header is a few hundred bytes
        raise TableError("name table header too long")
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(header.ljust(_HEADER, b" "))
            for name, data in sections:
                raw = data.tobytes() if isinstance(data, array) else data
                f.write(raw)
                f.write(b"\0" * ((-len(raw)) % 8))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()
    return dest


def _pack(items: list[bytes]) -> tuple[array, bytes]:
    """Offsets (n + 1) and the concatenation of byte strings."""
    return array("q", accumulate(map(len, items), initial=0)), b"".join(items)


# --- reading -----------------------------------------------------------------------------------------------
class NameTable:
    """A read-only view of a name table file. Cheap to open; every array is a view of the shared mapping."""

    def __init__(self, path: Path, fingerprint: str):
        self.path = Path(path)
        try:
            with open(self.path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size < _HEADER:
                    raise TableError(f"{self.path}: truncated name table")
                self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except OSError as exc:
            raise TableError(f"{self.path}: cannot read the name table ({exc})") from None
        try:
            head = json.loads(self._mm[:_HEADER].decode().rstrip(" "))
        except (UnicodeDecodeError, ValueError):
            self._mm.close()
            raise TableError(f"{self.path}: not a name table") from None
        if (not isinstance(head, dict) or head.get("format") != FORMAT or head.get("fingerprint") != fingerprint
                or head.get("byteorder") != sys.byteorder or head.get("size") != size):
            self._mm.close()
            raise TableError(f"{self.path}: name table of another index, format or size")
        self._views = []
        for name, (off, fmt, nbytes) in head["sections"].items():
            if fmt != "B":
                view = memoryview(self._mm)[off:off + nbytes].cast(fmt)
                self._views.append(view)
                setattr(self, name, view)
        self._key_base = head["sections"]["key_blob"][0]
        self._rec_base = head["sections"]["rec_blob"][0]
        self._place_base = head["sections"]["place_blob"][0]
        self._fast_base = head["sections"]["fast_blob"][0]
        self.n_keys, self.n_places, self.mask = head["n_keys"], head["n_places"], head["n_slots"] - 1

    def close(self) -> None:
        for v in self._views:
            v.release()
        self._views = []
        try:
            self._mm.close()
        except BufferError:  # pragma: no cover - a view is still held by a caller
            pass

    def find(self, key: str) -> int:
        """The index of ``key`` in the table, or -1."""
        kb = key.encode()
        slots, off, mask, base, mm = self.slots, self.key_off, self.mask, self._key_base, self._mm
        h = zlib.crc32(kb) & mask
        while True:
            i = slots[h]
            if i < 0:
                return -1
            a = off[i]
            if off[i + 1] - a == len(kb) and mm[base + a:base + off[i + 1]] == kb:
                return i
            h = (h + 1) & mask

    def key(self, i: int) -> str:
        """The key at index ``i``."""
        off, b = self.key_off, self._key_base
        return self._mm[b + off[i]:b + off[i + 1]].decode()

    def record(self, k: int) -> tuple[tuple[tuple[int, str, int], ...], tuple[str, ...] | None]:
        """The entries (class, matched name, pid) of the key at index ``k``, and for a phonetic key the folded
        matched names."""
        off, b = self.rec_off, self._rec_base
        return marshal.loads(self._mm[b + off[k]:b + off[k + 1]])

    def fast(self, k: int) -> tuple[tuple, ...] | None:
        """The ranking of the key at index ``k`` for the common query (see :func:`gazetteer.search.fast_record`),
        None for a key that such a query cannot fold to (a phonetic key, Cyrillic, a kind word)."""
        off, b = self.fast_off, self._fast_base
        return marshal.loads(self._mm[b + off[k]:b + off[k + 1]])

    def rows(self, key: str) -> tuple[tuple[int, str, int], ...]:
        """(class, matched name, pid) of every entry under ``key``."""
        k = self.find(key)
        return self.record(k)[0] if k >= 0 else ()

    def light(self, pid: int) -> tuple:
        """(name, kind, country, population, lat, lon, importance, admin1, prominence part of the score, id,
        source, has a geometry beyond the point, own sounds "\n"-joined) of a place."""
        off, b = self.place_off, self._place_base
        return marshal.loads(self._mm[b + off[pid]:b + off[pid + 1]])

    def sounds(self, pid: int, pname: str) -> frozenset[str]:
        """:func:`own_sounds` of the place's name, as written at build time."""
        return frozenset(self.light(pid)[12].split("\n"))


def table_fingerprint(index: Path, index_fingerprint: str) -> str:
    """What a table must record to serve ``index``: the index's fingerprint, size and modification time (a
    rebuilt or replaced index invalidates the table), the code that writes it and the Python version (marshal
    records)."""
    st = index.stat()
    h = hashlib.sha256()
    for name in ("table.py", "search.py"):  # the layout, and the ranking rules that fast records hold
        h.update((Path(__file__).parent / name).read_bytes())
    code = h.hexdigest()[:16]
    py = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return f"{index_fingerprint}:{st.st_size}:{st.st_mtime_ns}:{FORMAT}:{code}:py{py}"


def open_or_build(index: Path, con: sqlite3.Connection, index_fingerprint: str, lock, *,
                  progress: bool = False) -> NameTable:
    """The name table of ``index``, written first (under ``lock()``, from ``con``) if missing or stale."""
    fp = table_fingerprint(index, index_fingerprint)
    try:
        return NameTable(table_path(index), fp)
    except TableError:
        pass
    with lock():
        try:
            return NameTable(table_path(index), fp)
        except TableError:
            if progress:
                print("geomap: writing the gazetteer name table (once per index, ~20 s)...", file=sys.stderr)
            write(index, con, fp)
    return NameTable(table_path(index), fp)
