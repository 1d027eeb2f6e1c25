"""The gazetteer: look names up, rank candidates, and answer spatial questions.

>>> gz = Gazetteer.default()                       # doctest: +SKIP
>>> gz.lookup("Stanitsa Luganskaya").best.place.name  # doctest: +SKIP
'Stanytsia Luhanska'

Lookup turns the query into the keys of :mod:`gazetteer.names` (folded, transliterated, kind-stripped,
phonetic) and reads the places indexed under them; when nothing matches and ``fuzzy`` is on, it compares the
query's phonetic key with the keys of one block (same first letter, similar length) with rapidfuzz and keeps
only close matches (see ``_fuzzy_cutoff``). "Name, Region" / "Name, Country" queries use the qualifier as a
focus. Candidates are ranked by how the name matched, prominence (population, importance, capitals and
admin-1 centres), kind hints in the query ("Pripyat River", "Kherson Oblast"), the caller's country and near
focus. Nothing found, or nothing of the kind asked for, gives an empty result with the reason.

The name keys and ranking fields are read from :mod:`gazetteer.table`, a file beside the index that every
process memory-maps read-only: opening costs a header read, and worker processes share one copy of it.
:meth:`Gazetteer.default` writes it with the index; an index opened otherwise answers from SQLite until it
has served ``_TABLE_AFTER`` lookups, then writes it (a one-off lookup does not wait ~20 s); a table that
cannot be written (a read-only cache) leaves SQLite answering, more slowly. The commonest query of text
scanning (no Cyrillic, no kind word, no ``kinds``) reads its ranking precomputed per key
(:func:`fast_record`) and only adds exact spelling, country and near focus.
"""

from __future__ import annotations

import math
import sqlite3
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

import shapely
import shapely.ops
from rapidfuzz import fuzz, process
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from gazetteer import index as _index
from gazetteer import table as _table
from gazetteer.names import (
    _PREFIX_MAP,
    _SUFFIX_MAP,
    MAX_QUERY_CHARS,
    fold,
    has_cyrillic,
    phonetic,
    romanize,
)
from gazetteer.names import strip_kind as _strip_kind
from gazetteer.place import Candidate, Kind, LookupResult, Match, Place

__all__ = ["HINT_KINDS", "Gazetteer"]

# Kind words in a query -> (the kinds they ask for, kinds they may also mean, strict). Strict hints drop
# every other kind; lenient ones (a facility named after its town) keep populated places at a lower score.
_K = Kind
HINT_KINDS: dict[str, tuple[frozenset[Kind], frozenset[Kind], bool]] = {
    "admin": (frozenset({_K.ADMIN1}), frozenset({_K.REGION, _K.COUNTRY}), True),  # "Dominican Republic"
    "district": (frozenset({_K.ADMIN2, _K.ADMIN1, _K.REGION, _K.POPULATED_PLACE}), frozenset(), False),
    "town": (frozenset({_K.POPULATED_PLACE}), frozenset(), True),
    "village": (frozenset({_K.POPULATED_PLACE}), frozenset(), True),
    "river": (frozenset({_K.RIVER}), frozenset({_K.CANAL}), True),
    "sea": (frozenset({_K.SEA}), frozenset({_K.GULF}), True),
    "strait": (frozenset({_K.STRAIT}), frozenset(), True),
    "gulf": (frozenset({_K.GULF}), frozenset({_K.SEA}), True),
    "lake": (frozenset({_K.LAKE}), frozenset({_K.RESERVOIR}), True),
    "reservoir": (frozenset({_K.RESERVOIR}), frozenset({_K.LAKE, _K.DAM}), True),
    "canal": (frozenset({_K.CANAL}), frozenset({_K.RIVER}), True),
    "island": (frozenset({_K.ISLAND}), frozenset(), True),
    "peninsula": (frozenset({_K.PENINSULA}), frozenset({_K.REGION}), True),
    "bridge": (frozenset({_K.BRIDGE}), frozenset(), False),
    "dam": (frozenset({_K.DAM}), frozenset({_K.POWER_PLANT, _K.RESERVOIR}), False),
    "power": (frozenset({_K.POWER_PLANT}), frozenset({_K.DAM}), False),
    "air": (frozenset({_K.AIRFIELD}), frozenset(), False),
    "base": (frozenset({_K.MILITARY_BASE}), frozenset({_K.NAVAL_BASE, _K.TRAINING_GROUND, _K.AIRFIELD}), False),
    "training": (frozenset({_K.TRAINING_GROUND}), frozenset({_K.MILITARY_BASE}), False),
    "naval": (frozenset({_K.NAVAL_BASE}), frozenset({_K.PORT}), False),
    "port": (frozenset({_K.PORT}), frozenset({_K.NAVAL_BASE}), False),
    "crossing": (frozenset({_K.BORDER_CROSSING}), frozenset(), False),
    "station": (frozenset({_K.RAILWAY_STATION}), frozenset(), False),
}
_SECONDARY_KIND = 0.8  # a kind the hint may also mean ("Kakhovka reservoir" can be said of the dam)
_LENIENT_FALLBACK = 0.6
_VILLAGE_MAX_POP = 50_000  # "X village" is not a city: larger namesakes rank lower
_BIG_FOR_A_VILLAGE = 0.5  # score factor of a populated place when a lenient hint asked for a facility

# Match quality by how the key was reached (multiplies the prominence part of the score).
_Q_EXACT, _Q_MAIN, _Q_ALIAS, _Q_STRIPPED, _Q_TRANSLIT, _Q_PHONETIC, _Q_FUZZY = 1.0, 0.98, 0.96, 0.95, 0.94, 0.86, 0.84
# A name that is only an alternate name of a place whose main name sounds different (a historical or foreign
# name, e.g. a former name shared with another town) counts less than a place's own name.
_FOREIGN_ALIAS = 0.85
_ADMIN_NAMED_AFTER_CENTRE = 0.75
# Phonetic-key hits rank below places spelled exactly as asked unless much more prominent.
_PHONETIC_BESIDE_EXACT = 0.75
_FUZZY_POWER = 4
_FUZZY_MIN_SPELLING = 0.7  # folded-spelling similarity a fuzzy match needs as well (0.8 under 6 letters)
_FUZZY_MIN_SPELLING_SHORT = 0.8  # fuzzy quality = similarity ** power: a closer spelling beats a bigger place
_PHONETIC_MIN_SIMILARITY = 0.7  # a phonetic key hit whose spelling is further off than this is noise
_FACILITY_UNASKED = 0.85  # a facility named after a town ranks below the town unless the query asks for it
_FACILITIES = frozenset({Kind.BRIDGE, Kind.DAM, Kind.POWER_PLANT, Kind.AIRFIELD, Kind.MILITARY_BASE,
                         Kind.TRAINING_GROUND, Kind.NAVAL_BASE, Kind.PORT, Kind.BORDER_CROSSING,
                         Kind.RAILWAY_STATION, Kind.LANDMARK})
_FUZZY_LIMIT = 12
_CACHE_MAX = 200_000
_TABLE_AFTER = 2000  # lookups an index opened without its name table serves from SQLite before writing it
_EARTH_KM = 6371.009


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def _fuzzy_cutoff(n: int) -> float:
    """Minimum phonetic-key similarity (0..100) for a fuzzy match of a key of n letters."""
    if n < 4:
        return 101.0  # no fuzzy matching of very short names: too many neighbours
    if n < 6:
        return 88.0
    if n < 9:
        return 82.0
    return 80.0


_prominence = _table.prominence


_KINDS = {k.value: k for k in Kind}
_POPULATED = Kind.POPULATED_PLACE.value
_ADMIN1 = Kind.ADMIN1.value
_DIRECT = frozenset({_index.CLS_MAIN, _index.CLS_ALIAS, _index.CLS_TRANSLIT})
_WITH_STRIPPED = _DIRECT | {_index.CLS_STRIPPED}
_PHON_ONLY = frozenset({_index.CLS_PHONETIC})
_PHON_BOTH = frozenset({_index.CLS_PHONETIC, _index.CLS_PHONETIC_STRIPPED})
# Words that can make names.strip_kind change a key: only keys whose first or last word is one of these need it.
_KIND_FIRST = frozenset({"the"} | {k.split()[0] for k in _PREFIX_MAP})
_KIND_LAST = frozenset({"of", "the"} | {k.split()[-1] for k in _SUFFIX_MAP})


def strip_kind(key: str) -> tuple[str, str | None]:
    """:func:`gazetteer.names.strip_kind`, without its cost for the common key that holds no kind word (a
    single word never loses anything; neither does a key whose end words are no kind words)."""
    i = key.find(" ")
    if i < 0 or (key[:i] not in _KIND_FIRST and key[key.rfind(" ") + 1:] not in _KIND_LAST):
        return key, None
    return _strip_kind(key)


_MATCHES = (Match.EXACT, Match.FOLDED, Match.TRANSLIT, Match.FUZZY)


def fast_record(f: str, direct: Iterable[tuple[int, str, int]], phonetic_entries: Iterable[tuple[int, str, int]],
                folded_names: Iterable[str], pk: str, light) -> tuple[tuple, ...]:
    """What ranking needs of a query that folds to the key ``f`` when it holds no Cyrillic and no kind word
    and no ``kinds`` are asked for, computed once when the name table is written (``f``'s entries, its
    phonetic key ``pk`` and that key's entries, ``light(pid)`` the ranking fields): one tuple per candidate,
    (pid, may be an exact match, quality, match, matched name, similarity, score factors that do not depend on
    the caller, prominence part of the score, -population, then the sort score without and with an exact
    spelling when the caller adds no focus, and the similarity as a Candidate holds it).
    :meth:`Gazetteer._lookup_latin` adds what depends on the caller: exact spelling, country and near focus.
    Mirrors :meth:`Gazetteer._lookup` and :meth:`Gazetteer._rank`."""
    hits: dict[int, tuple[float, Match, str, float]] = {}
    for cls, name, pid in direct:
        if cls > _index.CLS_TRANSLIT:
            continue
        if cls == _index.CLS_TRANSLIT:
            q, m = _Q_TRANSLIT, Match.TRANSLIT
        else:
            q, m = (_Q_MAIN if cls == _index.CLS_MAIN else _Q_ALIAS), Match.FOLDED
        prev = hits.get(pid)
        if prev is None or q > prev[0]:
            hits[pid] = (q, m, name, 1.0)
    for (cls, name, pid), fname in zip(phonetic_entries, folded_names):
        if cls != _index.CLS_PHONETIC:
            continue
        sim = fuzz.ratio(f, fname) / 100.0
        if sim < _PHONETIC_MIN_SIMILARITY:
            continue
        prev = hits.get(pid)
        if prev is None or _Q_PHONETIC > prev[0]:
            hits[pid] = (_Q_PHONETIC, Match.TRANSLIT, name, sim)
    lights = {pid: light(pid) for pid in hits}
    phon_keys = frozenset((pk,) if pk else ())
    spelled = any(hit[0] >= _Q_TRANSLIT for hit in hits.values())
    centres = ({(lt[2], lt[7]) for lt in lights.values() if lt[1] == _POPULATED and lt[7]}
               if any(lt[1] == _ADMIN1 for lt in lights.values()) else frozenset())
    out = []
    for pid, (q, m, name, sim) in hits.items():
        pname, kind_s, country, population, _, _, _, _, base, _, _, _, sounds = lights[pid]
        kind = _KINDS[kind_s]
        factor = 1.0
        if kind in _FACILITIES:
            factor *= _FACILITY_UNASKED
        if q == _Q_PHONETIC and spelled:
            factor *= _PHONETIC_BESIDE_EXACT
        if q >= _Q_TRANSLIT and name != pname and frozenset(sounds.split("\n")).isdisjoint(phon_keys):
            factor *= _FOREIGN_ALIAS
        if kind is Kind.ADMIN1 and (country, pname) in centres:
            factor *= _ADMIN_NAMED_AFTER_CENTRE
        out.append((pid, m is Match.FOLDED, q, _MATCHES.index(m), name, sim, factor, base, -population,
                    _sort_score(q * base * factor), _sort_score(_Q_EXACT * base * factor),
                    1.0 if sim == 1.0 else round(sim, 4)))
    return tuple(out)


def _sort_score(score: float) -> float:
    """A candidate's score as ranking sorts it: clipped to 0..1, rounded, negated (best first)."""
    return -round(min(1.0, max(0.0, score)), 6)


class _SqlRows:
    """The questions of :class:`gazetteer.table.NameTable`, answered by SQLite: the fallback when the table
    file cannot be written."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self._sounds: dict[str, frozenset[str]] = {}

    def rows(self, key: str) -> list[tuple[int, str, int]]:
        return [(c, n, p) for c, n, p in self.con.execute("SELECT cls, name, pid FROM names WHERE key = ?", (key,))]

    def light(self, pid: int) -> tuple:
        row = self.con.execute("SELECT name, kind, country, population, lat, lon, importance, admin1, id, source, "
                               "geom IS NOT NULL FROM places WHERE pid = ?", (pid,)).fetchone()
        return (*row[:8], 0.4 + 0.6 * _prominence(_KINDS[row[1]], row[3], row[6]), row[8], row[9], bool(row[10]),
                None)

    def sounds(self, pid: int, pname: str) -> frozenset[str]:
        own = self._sounds.get(pname)
        if own is None:
            own = _table.own_sounds(pname)
            if len(self._sounds) >= _CACHE_MAX:
                self._sounds.clear()
            self._sounds[pname] = own
        return own


class Gazetteer:
    """An opened gazetteer index. Cheap to keep; safe to share between threads."""

    def __init__(self, path: str | Path, *, progress: bool = False, write_table: bool = False):
        self.path = Path(path)
        meta = _index._meta(self.path)
        if meta is None:
            raise _index.GazetteerIndexError(f"{self.path}: not a complete geomap gazetteer index (schema "
                                     f"{_index.SCHEMA_VERSION}); rebuild it with Gazetteer.default()")
        self.meta = meta
        self._con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self._con.execute("PRAGMA query_only=1")
        self._con.execute("PRAGMA cache_size=-65536")
        self._lock = threading.RLock()
        self._places: dict[int, Place] = {}
        self._pid_of: dict[str, int] = {}
        self._buckets: dict[str, list[str]] = {}
        self._cache: dict[str | tuple, LookupResult] = {}
        self._trees: dict[str, tuple] = {}
        self._progress = progress
        self._table: _table.NameTable | None = None
        self._rows: _table.NameTable | _SqlRows = _SqlRows(self._con)
        self._table_failed = False
        self._lookups = 0
        try:
            fp = _table.table_fingerprint(self.path, meta.get("fingerprint", ""))
            self._table = self._rows = _table.NameTable(_table.table_path(self.path), fp)
        except _table.TableError:
            # the machine's cached index gets its table at once, whoever opens it (``--jobs N`` workers open
            # it by path); another index file once it has served many lookups
            if write_table or self.path.resolve() == _index.default_path().resolve():
                self._load_table()

    def _load_table(self) -> None:
        try:
            self._table = self._rows = _table.open_or_build(
                self.path, self._con, self.meta.get("fingerprint", ""), lambda: _index._lock(self.path.parent),
                progress=self._progress)
        except OSError as exc:  # a read-only cache: SQLite answers the same questions, more slowly
            self._table_failed = True
            print(f"geomap: {_table.table_path(self.path)}: cannot write the name table ({exc}); reading names "
                  "from SQLite", file=sys.stderr)

    def _memory(self) -> _table.NameTable | _SqlRows:
        """Where name keys and ranking fields are read: the shared name table; SQLite while an index opened
        without one has served fewer than ``_TABLE_AFTER`` lookups (a one-off lookup does not wait for it)."""
        return self._rows

    def _count_lookup(self) -> None:
        if self._table is None and not self._table_failed:
            self._lookups += 1
            if self._lookups > _TABLE_AFTER:
                self._load_table()

    # --- construction -------------------------------------------------------------------------------
    @classmethod
    def default(cls, *, progress: bool = True) -> Gazetteer:
        """The index in the geomap cache, built first if missing, stale or damaged."""
        return cls(_index.ensure_index(progress=progress), progress=progress, write_table=True)

    @classmethod
    def open(cls, path: str | Path) -> Gazetteer:
        """A specific index file (raises if it is not a complete index). The name table of an index other
        than the default one is written beside it once a process has looked many names up."""
        return cls(path)

    def close(self) -> None:
        with self._lock:
            self._con.close()
            if self._table is not None:
                self._table.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Gazetteer({str(self.path)!r})"

    def __len__(self) -> int:
        with self._lock:
            return self._con.execute("SELECT count(*) FROM places").fetchone()[0]

    # --- records ------------------------------------------------------------------------------------
    _COLS = "pid, id, name, kind, country, admin1, population, lat, lon, importance, source, geom"

    def _make(self, row: tuple) -> Place:
        pid = row[0]
        p = self._places.get(pid)
        if p is None:
            p = Place(id=row[1], name=row[2], kind=_KINDS[row[3]], country=row[4], admin1=row[5], population=row[6],
                      lat=row[7], lon=row[8], importance=row[9], source=row[10], geometry_wkb=row[11])
            self._places[pid] = p
            self._pid_of[p.id] = pid
        return p

    def _by_pids(self, pids: Iterable[int], light: dict[int, tuple] | None = None) -> dict[int, Place]:
        """The places of these pids: from the cache, from their ranking fields (``light``, when the place is
        a point) or from SQLite."""
        out = {}
        missing = []
        for pid in pids:
            p = self._places.get(pid)
            if p is None:
                lt = light.get(pid) if light is not None else None
                if lt is not None and not lt[11]:  # a point: the ranking fields hold all of it
                    p = Place(id=lt[9], name=lt[0], kind=_KINDS[lt[1]], country=lt[2], admin1=lt[7],
                              population=lt[3], lat=lt[4], lon=lt[5], importance=lt[6], source=lt[10])
                    self._places[pid] = p
                    self._pid_of[p.id] = pid
                    out[pid] = p
                else:
                    missing.append(pid)
            else:
                out[pid] = p
        for i in range(0, len(missing), 500):
            chunk = missing[i:i + 500]
            q = f"SELECT {self._COLS} FROM places WHERE pid IN ({','.join('?' * len(chunk))})"
            for row in self._con.execute(q, chunk):
                out[row[0]] = self._make(row)
        return out

    def get(self, place_id: str) -> Place:
        """The place with this id; KeyError if unknown."""
        with self._lock:
            pid = self._pid_of.get(place_id)
            p = self._places.get(pid) if pid is not None else None
            if p is not None:
                return p
            row = self._con.execute(f"SELECT {self._COLS} FROM places WHERE id = ?", (str(place_id),)).fetchone()
            if row is None:
                raise KeyError(place_id)
            return self._make(row)

    def country(self, iso2: str) -> Place:
        """The country polygon (KeyError if unknown). Ukraine includes Crimea; see sources.natural_earth."""
        return self.get(f"ne0:{str(iso2).strip().upper()}")

    @staticmethod
    def fold(name: str) -> str:
        """The folding key names are indexed under."""
        return fold(name)

    # --- lookup -------------------------------------------------------------------------------------
    def lookup(self, query: str, *, country: str | None = None, kinds: Iterable[Kind | str] | None = None,
               near: tuple[float, float] | None = None, limit: int = 10, fuzzy: bool = True) -> LookupResult:
        """Ranked candidates for a place name, best first; empty with a ``reason`` when nothing fits."""
        if (fuzzy is False and country is None and kinds is None and near is None and limit.__class__ is int
                and limit == 10 and isinstance(query, str)):
            # text scanning's call: nothing to check, and cached under the query alone (a str key is not a
            # tuple that the garbage collector tracks: its collections are a fifth of a distinct lookup's cost)
            hit = self._cache.get(query)
            if hit is not None:
                return hit
            key: str | tuple = query
            cc = kind_set = near = None
        else:
            if not isinstance(query, str):
                raise TypeError(f"query must be a str, not {type(query).__name__}")
            cc = None if country is None else self._check_country(country)
            kind_set = None if kinds is None else self._check_kinds(kinds)
            if near is not None:
                lat, lon = (float(near[0]), float(near[1]))
                if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
                    raise ValueError(f"near must be (lat, lon) in degrees, got {near!r}")
                near = (lat, lon)
            if not isinstance(limit, int) or limit < 1:
                raise ValueError(f"limit must be a positive integer, got {limit!r}")
            fuzzy = bool(fuzzy)
            key = (query if not fuzzy and limit == 10 and cc is None and kind_set is None and near is None
                   else (query, cc, kind_set, near, limit, fuzzy))
            hit = self._cache.get(key)
            if hit is not None:
                return hit
        with self._lock:
            if self._table is None:
                self._count_lookup()
            result = self._lookup(query, cc, kind_set, near, limit, fuzzy)
        if len(self._cache) >= _CACHE_MAX:  # a process's own memory stays bounded: start the caches afresh
            self._cache.clear()
            self._places.clear()
            self._pid_of.clear()
        self._cache[key] = result
        return result

    @staticmethod
    def _check_country(country: str | None) -> str | None:
        if country is None or country == "":
            return None
        c = str(country).strip().upper()
        if len(c) != 2 or not c.isascii() or not c.isalpha():
            raise ValueError(f"country must be an ISO 3166-1 alpha-2 code such as 'UA', got {country!r}")
        return c

    @staticmethod
    def _check_kinds(kinds: Iterable[Kind | str] | None) -> frozenset[Kind] | None:
        if kinds is None:
            return None
        if isinstance(kinds, (str, Kind)):
            kinds = [kinds]
        try:
            return frozenset(Kind(k) for k in kinds)
        except ValueError as exc:
            raise ValueError(f"unknown kind: {exc}") from None

    def _lookup(self, query: str, cc: str | None, kinds: frozenset[Kind] | None, near: tuple[float, float] | None,
                limit: int, fuzzy: bool) -> LookupResult:
        text = query.strip()
        if not text:
            return LookupResult(query, reason="empty query")
        if len(text) > MAX_QUERY_CHARS:
            return LookupResult(query, reason=f"too long: {len(text)} characters (a place name has at most "
                                              f"{MAX_QUERY_CHARS})")
        if "," in text:
            qualified = self._qualified(query, text, cc, kinds, near, limit, fuzzy)
            if qualified is not None:
                return qualified
        f = fold(text)
        # a folded Latin key holds only a-z, 0-9 and spaces
        if not f or not (not f.replace(" ", "").isdigit() if f.isascii() else any(ch.isalpha() for ch in f)):
            return LookupResult(query, reason="no letters in query")
        core, hint = strip_kind(f)
        if core == f:
            hint = None
        if hint is None and self._table is not None and (text.isascii() or not has_cyrillic(text)):
            fast = self._lookup_latin(query, text, f, cc, kinds, near, limit)
            if fast is not None:
                return fast
            if not fuzzy:
                return LookupResult(query, reason="no exact match (fuzzy matching off)")
        # probes: key -> list of (allowed classes, quality-by-class)
        probes: dict[str, list[tuple[frozenset[int], bool]]] = {}

        def probe(k: str, classes: frozenset[int], translit: bool = False) -> None:
            if k:
                probes.setdefault(k, []).append((classes, translit))

        direct, with_stripped = _DIRECT, _WITH_STRIPPED
        probe(f, direct)
        latin = [f] if f.isascii() else []
        if not text.isascii() and has_cyrillic(text):
            for r in sorted(romanize(text)):
                probe(r, direct, True)
                latin.append(r)
        if hint:
            probe(core, with_stripped)
            if has_cyrillic(core):
                for r in sorted(romanize(core)):
                    probe(r, with_stripped, True)
                    latin.append(r)
            elif core.isascii():
                latin.append(core)
        phon_keys = []
        for k in latin:
            pk = phonetic(k)
            if pk:
                kcore, khint = strip_kind(k)
                is_core = (k == core and hint is not None) or (khint is not None and kcore != k)
                probe(_index.phon_key(pk), _PHON_BOTH if is_core else _PHON_ONLY)
                phon_keys.append(pk)
        exact_cf = text.casefold()

        hits: dict[int, tuple[float, Match, str, float]] = {}

        def offer(pid: int, q: float, m: Match, name: str, sim: float) -> None:
            prev = hits.get(pid)
            if prev is None or q > prev[0]:
                hits[pid] = (q, m, name, sim)

        mem = self._memory()
        light: dict[int, tuple] = {}
        mem_light = mem.light
        one_latin = latin[0] if len(latin) == 1 else None
        # the hot loop of text scanning: what offer() does, written out
        for key, cls, name, pid in [(key, c, n, p) for key in probes for c, n, p in mem.rows(key)]:
            if pid not in light:
                light[pid] = mem_light(pid)
            for classes, translit in probes[key]:
                if cls not in classes:
                    continue
                sim = 1.0
                if cls in _PHON_BOTH:
                    fname = fold(name)
                    if one_latin is not None:
                        sim = fuzz.ratio(one_latin, fname) / 100.0
                    else:
                        sim = max(fuzz.ratio(k, fname) for k in latin) / 100.0
                    if sim < _PHONETIC_MIN_SIMILARITY:
                        continue
                    q, m = _Q_PHONETIC, Match.TRANSLIT
                elif translit or cls == _index.CLS_TRANSLIT:
                    q, m = _Q_TRANSLIT, Match.TRANSLIT
                elif cls == _index.CLS_STRIPPED:
                    q, m = _Q_STRIPPED, Match.FOLDED
                elif name.casefold() == exact_cf:
                    q, m = _Q_EXACT, Match.EXACT
                else:
                    q, m = (_Q_MAIN if cls == _index.CLS_MAIN else _Q_ALIAS), Match.FOLDED
                prev = hits.get(pid)
                if prev is None or q > prev[0]:
                    hits[pid] = (q, m, name, sim)
        if not hits and fuzzy and phon_keys:
            fkeys = [phonetic(k) for k in latin if strip_kind(k)[0] == k] if hint else phon_keys
            self._fuzzy([k for k in fkeys if k], core if hint else f, hint is not None, offer, light)
        if not hits:
            return LookupResult(query, reason="no match" if fuzzy else "no exact match (fuzzy matching off)")
        return self._rank(query, hits, light, hint, cc, kinds, near, limit, frozenset(phon_keys))

    def _lookup_latin(self, query: str, text: str, f: str, cc: str | None, kinds: frozenset[Kind] | None,
                      near: tuple[float, float] | None, limit: int) -> LookupResult | None:
        """The common case of text scanning, read straight from the table's arrays: a query without Cyrillic
        or a kind word, whose probes in :meth:`_lookup` reduce to its folded key (main, alias and
        transliterated names) and, for a Latin key, its phonetic key (recorded in the table beside the key).
        None when nothing matched."""
        tb = self._table
        hits: dict[int, tuple[float, Match, str, float]] = {}
        k = tb.find(f)
        cands = tb.fast(k) if k >= 0 and kinds is None else None
        if cands is not None:
            if not cands:
                return None
            exact_cf = text.casefold()
            if cc is None and near is None:  # the commonest query: its sort scores were computed when written
                scored = [(s_exact, neg_pop, pid, 0, name, sim_out) if may_be_exact and name.casefold() == exact_cf
                          else (s_plain, neg_pop, pid, m, name, sim_out)
                          for pid, may_be_exact, _, m, name, _, _, _, neg_pop, s_plain, s_exact, sim_out in cands]
            else:
                light = tb.light
                scored = []
                for pid, may_be_exact, q, m, name, _, factor, base, neg_pop, _, _, sim_out in cands:
                    if may_be_exact and name.casefold() == exact_cf:
                        q, m = _Q_EXACT, 0
                    lt = light(pid)
                    if cc is not None and lt[2] != cc:
                        factor *= 0.8 if lt[2] == "" else 0.6
                    if near is not None:
                        d = _haversine(near[0], near[1], lt[4], lt[5])
                        factor *= 0.5 + 0.5 * math.exp(-d / 250.0)
                    scored.append((_sort_score(q * base * factor), neg_pop, pid, m, name, sim_out))
            if len(scored) > 1:
                scored.sort()
            cache, light, out = self._places, tb.light, []
            for s, _, pid, m, n, sim in scored[:limit] if len(scored) > limit else scored:
                p = cache.get(pid)
                if p is None:
                    lt = light(pid)
                    if lt[11]:  # more than a point: the geometry is in SQLite
                        p = self._by_pids((pid,))[pid]
                    else:
                        p = cache[pid] = Place(lt[9], lt[0], _KINDS[lt[1]], lt[2], lt[7], lt[3], lt[4], lt[5], None,
                                               lt[6], lt[10])
                        self._pid_of[lt[9]] = pid
                out.append(Candidate(p, -s, _MATCHES[m], n, sim))
            return LookupResult(query, tuple(out))
        if k >= 0:
            exact_cf = text.casefold()
            for cls, name, pid in tb.record(k)[0]:
                if cls > _index.CLS_TRANSLIT:
                    continue
                if cls == _index.CLS_TRANSLIT:
                    q, m = _Q_TRANSLIT, Match.TRANSLIT
                elif name.casefold() == exact_cf:
                    q, m = _Q_EXACT, Match.EXACT
                else:
                    q, m = (_Q_MAIN if cls == _index.CLS_MAIN else _Q_ALIAS), Match.FOLDED
                prev = hits.get(pid)
                if prev is None or q > prev[0]:
                    hits[pid] = (q, m, name, 1.0)
            pk_i = tb.key_phon[k]
            pk = tb.key(pk_i)[1:] if pk_i >= 0 else phonetic(f)  # "" unless f is Latin
        else:
            pk = phonetic(f)
            pk_i = tb.find(_index.phon_key(pk)) if pk else -1
        if pk_i >= 0:
            entries, fnames = tb.record(pk_i)
            ratio = fuzz.ratio
            for (cls, name, pid), fname in zip(entries, fnames):
                if cls != _index.CLS_PHONETIC:
                    continue
                sim = ratio(f, fname) / 100.0
                if sim < _PHONETIC_MIN_SIMILARITY:
                    continue
                prev = hits.get(pid)
                if prev is None or _Q_PHONETIC > prev[0]:
                    hits[pid] = (_Q_PHONETIC, Match.TRANSLIT, name, sim)
        if not hits:
            return None
        light = tb.light
        return self._rank(query, hits, {pid: light(pid) for pid in hits}, None, cc, kinds, near, limit,
                          frozenset((pk,) if pk else ()))

    def _qualified(self, query: str, text: str, cc: str | None, kinds: frozenset[Kind] | None,
                   near: tuple[float, float] | None, limit: int, fuzzy: bool) -> LookupResult | None:
        """ "Name, Region" or "Name, Country": the part after the comma becomes the focus of the first part.
        None when the whole string is itself a name or the qualifier is not a country or region."""
        if self._lookup(text.replace(",", " "), cc, kinds, near, limit, False):
            return None
        head, _, tail = text.partition(",")
        tail = tail.strip()
        if not head.strip() or not tail:
            return None
        where = self._lookup(tail, cc, frozenset({Kind.COUNTRY, Kind.ADMIN1, Kind.REGION}), None, 1, False).best
        if where is None:
            return None
        p = where.place
        focus_cc = cc or (p.country or None)
        focus_near = near if near is not None or p.kind is Kind.COUNTRY else (p.lat, p.lon)
        res = self._lookup(head.strip(), focus_cc, kinds, focus_near, limit, fuzzy)
        return LookupResult(query, res.candidates, res.reason)

    def _bucket(self, name: str) -> list[str]:
        b = self._buckets.get(name)
        if b is None:
            row = self._con.execute("SELECT keys FROM fuzzy WHERE bucket = ?", (name,)).fetchone()
            b = row[0].split("\n") if row else []
            self._buckets[name] = b
        return b

    def _fuzzy(self, phon_keys: list[str], folded: str, stripped: bool, offer, light: dict[int, tuple]) -> None:
        matched: dict[str, float] = {}
        for second in (False, True):  # same first letter; failing that, same second letter
            for pk in dict.fromkeys(phon_keys):
                n = len(pk)
                cutoff = _fuzzy_cutoff(n)
                if cutoff > 100:
                    continue
                spread = 1 if n < 6 else 2 if n < 12 else 3
                for length in range(max(4, n - spread), n + spread + 1):
                    choices = self._bucket(f"#{pk[1]}{length}" if second else f"{pk[0]}{length}")
                    if not choices:
                        continue
                    for cand, score, _ in process.extract(pk, choices, scorer=fuzz.ratio, score_cutoff=cutoff,
                                                          limit=_FUZZY_LIMIT):
                        if score > matched.get(cand, 0.0):
                            matched[cand] = score
            if matched:
                break
        if not matched:
            return
        best = sorted(matched.items(), key=lambda kv: (-kv[1], kv[0]))[:_FUZZY_LIMIT]
        keys = [_index.phon_key(k) for k, _ in best]
        classes = (_index.CLS_PHONETIC, _index.CLS_PHONETIC_STRIPPED) if stripped else (_index.CLS_PHONETIC,)
        mem = self._memory()
        rows = [(key, cls, name, pid) for key in keys for cls, name, pid in mem.rows(key)]
        for key, cls, name, pid in rows:
            if cls not in classes:
                continue
            light[pid] = mem.light(pid)
            psim = matched[key[1:]] / 100.0
            sim = max(fuzz.ratio(folded, fold(name)) / 100.0, psim * 0.9)
            fsim = fuzz.ratio(folded, fold(name)) / 100.0
            if fsim < (_FUZZY_MIN_SPELLING if len(folded) >= 6 else _FUZZY_MIN_SPELLING_SHORT):
                continue  # the sound keys met but the spellings are far apart: noise, not a misspelling
            offer(pid, _Q_FUZZY * ((psim + fsim) / 2) ** _FUZZY_POWER, Match.FUZZY, name, min(1.0, sim))

    def _rank(self, query: str, hits: dict[int, tuple[float, Match, str, float]], light: dict[int, tuple],
              hint: str | None, cc: str | None, kinds: frozenset[Kind] | None, near: tuple[float, float] | None,
              limit: int, phon_keys: frozenset[str] = frozenset()) -> LookupResult:
        primary, secondary, strict = HINT_KINDS[hint] if hint in HINT_KINDS else (None, frozenset(), False)
        hint_kinds = None if primary is None else primary | secondary
        spelled = False
        for hit in hits.values():
            if hit[0] >= _Q_TRANSLIT:
                spelled = True
                break
        # An admin-1 unit named after its centre ("Kherson" for Kherson Oblast) yields to the town itself when
        # the town matched too, unless the query asked for a region.
        centres: set[tuple[str, str]] | None = None  # built when an admin-1 unit is among the hits
        scored = []
        for pid, (q, m, name, sim) in hits.items():
            pname, kind_s, country, population, lat, lon, _, _, base, _, _, _, sounds = light[pid]
            kind = _KINDS[kind_s]
            if kinds is not None and kind not in kinds:
                continue
            factor = 1.0
            if hint_kinds is not None and kind not in hint_kinds:
                if strict or kind is not Kind.POPULATED_PLACE:
                    continue
                factor *= _LENIENT_FALLBACK
            elif kind in secondary:
                factor *= _SECONDARY_KIND
            elif hint_kinds is None and kinds is None and kind in _FACILITIES:
                factor *= _FACILITY_UNASKED
            if q == _Q_PHONETIC and spelled:
                factor *= _PHONETIC_BESIDE_EXACT
            if q >= _Q_TRANSLIT and name != pname:
                own = frozenset(sounds.split("\n")) if sounds is not None else self._rows.sounds(pid, pname)
                if own.isdisjoint(phon_keys):
                    factor *= _FOREIGN_ALIAS
            if kind is Kind.ADMIN1 and hint is None:
                if centres is None:
                    centres = {(light[p][2], light[p][7]) for p in hits
                               if light[p][1] == _POPULATED and light[p][7]}
                if (country, pname) in centres:
                    factor *= _ADMIN_NAMED_AFTER_CENTRE
            if hint == "village" and population > _VILLAGE_MAX_POP:
                factor *= _BIG_FOR_A_VILLAGE
            if m is Match.FUZZY and cc is not None and country not in (cc, ""):
                continue  # stretching the spelling and leaving the focus country is too far
            if cc is not None and country != cc:
                factor *= 0.8 if country == "" else 0.6
            if near is not None:
                d = _haversine(near[0], near[1], lat, lon)
                factor *= 0.5 + 0.5 * math.exp(-d / 250.0)
            score = q * base * factor
            # negated score first: a plain sort ranks best first, then by population, then pid (unique)
            scored.append((-round(min(1.0, max(0.0, score)), 6), -population, pid, m, name, sim))
        if not scored:
            what = f"kind {hint!r} asked for in the query" if hint_kinds is not None else "the kinds asked for"
            if kinds is None and hint_kinds is None:
                what = "the query"
            return LookupResult(query, reason=f"no match of {what}")
        scored.sort()
        top = scored[:limit]
        places = self._by_pids([t[2] for t in top], light)
        cands = tuple(Candidate(place=places[pid], score=-s, match=m, matched_name=n,
                                similarity=1.0 if sim == 1.0 else round(sim, 4)) for s, _, pid, m, n, sim in top)
        return LookupResult(query, cands)

    # --- spatial ------------------------------------------------------------------------------------
    def features(self, kinds: Iterable[Kind | str], bbox: tuple[float, float, float, float] | None = None,
                 min_importance: float = 0.0) -> list[Place]:
        """Places of these kinds (whose bounds meet the (W, S, E, N) bbox), most important first."""
        kind_set = self._check_kinds(kinds) or frozenset()
        if not kind_set:
            return []
        sql = f"SELECT {self._COLS} FROM places WHERE kind IN ({','.join('?' * len(kind_set))}) AND importance >= ?"
        args: list = sorted(k.value for k in kind_set) + [float(min_importance)]
        if bbox is not None:
            w, s, e, n = (float(v) for v in bbox)
            if self.meta.get("rtree") == "1":
                sql += (" AND pid IN (SELECT pid FROM places_rtree WHERE maxx >= ? AND minx <= ? AND maxy >= ? "
                        "AND miny <= ?)")
            else:
                sql += " AND maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?"
            args += [w, e, s, n]
        sql += " ORDER BY importance DESC, population DESC, id"
        with self._lock:
            places = [self._make(r) for r in self._con.execute(sql, args)]
        if bbox is None:
            return places
        box = shapely.box(*(float(v) for v in bbox))
        return [p for p in places if p.geometry_wkb is None or p.geometry.intersects(box)]

    def border(self, a: str, b: str) -> BaseGeometry:
        """The Natural Earth 10m land border between two countries (KeyError if they share none)."""
        x, y = sorted((str(a).strip().upper(), str(b).strip().upper()))
        with self._lock:
            row = self._con.execute("SELECT geom FROM borders WHERE a = ? AND b = ?", (x, y)).fetchone()
        if row is None:
            raise KeyError(f"no land border between {x} and {y}")
        return shapely.from_wkb(row[0])

    def nearby(self, lat: float, lon: float, radius_km: float, kinds: Iterable[Kind | str] | None = None
               ) -> list[Place]:
        """Places within ``radius_km`` of a point (distance to the geometry for lines and polygons), nearest
        first."""
        kind_set = self._check_kinds(kinds)
        lat, lon, r = float(lat), float(lon), float(radius_km)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not (r >= 0 and math.isfinite(r)):
            raise ValueError(f"bad point or radius: ({lat}, {lon}), {radius_km}")
        dlat = r / 111.0
        coslat = max(0.01, math.cos(math.radians(lat)))
        dlon = min(360.0, r / (111.32 * coslat))
        if self.meta.get("rtree") == "1":
            sql = (f"SELECT {self._COLS} FROM places WHERE pid IN (SELECT pid FROM places_rtree WHERE "
                   "maxy >= ? AND miny <= ? AND maxx >= ? AND minx <= ?)")
        else:
            sql = f"SELECT {self._COLS} FROM places WHERE maxy >= ? AND miny <= ? AND maxx >= ? AND minx <= ?"
        args: list = [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
        if kind_set is not None:
            if not kind_set:
                return []
            sql += f" AND kind IN ({','.join('?' * len(kind_set))})"
            args += sorted(k.value for k in kind_set)
        with self._lock:
            rows = [self._make(r) for r in self._con.execute(sql, args)]
        out = []
        here = Point(lon, lat)
        for p in rows:
            if p.geometry_wkb is None:
                d = _haversine(lat, lon, p.lat, p.lon)
            else:
                g = p.geometry
                if g.contains(here):
                    d = 0.0
                else:
                    near_pt = shapely.ops.nearest_points(g, here)[0]
                    d = _haversine(lat, lon, near_pt.y, near_pt.x)
            if d <= r:
                out.append((d, p))
        out.sort(key=lambda t: (t[0], t[1].id))
        return [p for _, p in out]

    def _tree(self, kind: Kind):
        t = self._trees.get(kind.value)
        if t is None:
            with self._lock:
                rows = self._con.execute(
                    "SELECT id, country, name, geom FROM places WHERE kind = ? AND geom IS NOT NULL ORDER BY pid",
                    (kind.value,)).fetchall()
            geoms = [shapely.from_wkb(r[3]) for r in rows]
            t = (shapely.STRtree(geoms), geoms, [(r[1], r[2]) for r in rows])
            self._trees[kind.value] = t
        return t

    def contains(self, lat: float, lon: float) -> tuple[str, str]:
        """(country ISO2, admin-1 name) of a point; "" for either when the point is outside (at sea)."""
        pt = Point(float(lon), float(lat))
        tree, geoms, info = self._tree(Kind.COUNTRY)
        cc = ""
        for i in sorted(tree.query(pt, predicate="intersects")):
            cc = info[i][0]
            break
        tree1, geoms1, info1 = self._tree(Kind.ADMIN1)
        adm = ""
        hits = sorted(tree1.query(pt, predicate="intersects"))
        for i in hits:
            if not cc or info1[i][0] == cc:
                adm = info1[i][1]
                cc = cc or info1[i][0]
                break
        return cc, adm
