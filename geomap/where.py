"""Where an event is, as geometry with an honest uncertainty, from the places a sentence names and the way it
relates them: "16km north-east of Luhansk", "25 kilometers from Ukraine's border", "a bridge across a key river
in Belarus less than four miles from the Ukrainian border", "near X", "within 50 km of the border", regions,
and axes of advance ("towards Kyiv from two points along the Belarusian border").

All geography is computed from the gazetteer (country polygons, land borders, rivers); distances are geodesic
or measured in a local azimuthal equidistant projection centred on the feature, so they hold anywhere.
``geo_precision`` follows ACLED: 1 the place itself, 2 near it or part of it, 3 a wider region.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import LineString, Point, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from gazetteer import Kind, Place
from geomap.detect import Detection, PlacedMention, demonym_iso2
from geomap.event import PlaceRef

__all__ = ["Located", "Locator", "parse_distance", "bearing_of", "offset", "geodesic_m", "DISTANCE_CONFLICT"]

GEOD = Geod(ellps="WGS84")
DISTANCE_CONFLICT = "distance_conflict"

_NUMS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "a few": 3, "several": 5, "a hundred": 100, "hundred": 100, "dozens of": 30,
}  # fmt: skip
_UNITS = {"km": 1000.0, "kilometer": 1000.0, "kilometre": 1000.0, "mile": 1609.344, "mi": 1609.344, "m": 1.0,
          "meter": 1.0, "metre": 1.0, "nautical mile": 1852.0}  # fmt: skip
_QUAL = (
    r"(?P<q>less\s+than|more\s+than|under|over|about|around|some|approximately|roughly|nearly|almost|within|up\s+to|just)?\s*"
    r"(?:(?:about|around|some|approximately|roughly|nearly|almost|just)\s+)?"  # "within about 31 miles"
)
_NUM = r"(?P<num>\d+(?:[.,]\d+)?|a\s+few|several|dozens\s+of|a\s+hundred|" + "|".join(k for k in _NUMS if " " not in k) + r")"
_UNIT = r"\s*-?\s*(?P<unit>km|kilomet(?:er|re)s?|nautical\s+miles?|miles?|mi|met(?:er|re)s?|m)\b"
DIST_RE = re.compile(_QUAL + _NUM + _UNIT + r"(?:\s*\([^)]{0,40}\))?", re.I)
_COMPASS = {"north": 0, "north-east": 45, "northeast": 45, "east": 90, "south-east": 135, "southeast": 135,
            "south": 180, "south-west": 225, "southwest": 225, "west": 270, "north-west": 315, "northwest": 315}  # fmt: skip
_DIR = r"(?P<dir>north[- ]?east|north[- ]?west|south[- ]?east|south[- ]?west|north|south|east|west)(?:ern)?"
_BEARING_RE = re.compile(DIST_RE.pattern + r"\s+" + _DIR + r"\s+of\s+(?:the\s+)?(?:city\s+of\s+|town\s+of\s+)?", re.I)
_BORDER_RE = re.compile(
    DIST_RE.pattern + r"\s*(?:from|of|off)\s+(?:the\s+)?(?:(?P<c1>[A-Z][a-z]+(?:['’]s)?)\s+)?(?:(?:state|land)\s+)?(?:border|frontier)s?"
    r"(?:\s+with\s+(?P<c2>[A-Z][a-z]+))?",
)
_RIVER_WORDS = re.compile(r"\b(?:across|over|on)\s+(?:a|the)\s+(?:(?:key|major|main|strategic|small|large|important)\s+)?river\b", re.I)


def parse_distance(text: str) -> tuple[float, str] | None:
    """The first distance in ``text`` in metres, with its qualifier ("less than", "about", "" ...)."""
    m = DIST_RE.search(text)
    return _dist(m) if m else None


def _dist(m: re.Match[str]) -> tuple[float, str]:
    num = m.group("num").lower().replace(",", ".")
    num = re.sub(r"\s+", " ", num)
    value = float(num) if num[0].isdigit() else float(_NUMS.get(num, 1))
    unit = re.sub(r"\s+", " ", m.group("unit").lower())
    unit = unit[:-1] if unit.endswith("s") and unit not in ("km",) else unit
    unit = {"kilometer": "kilometer", "kilometre": "kilometre"}.get(unit, unit)
    factor = _UNITS.get(unit, _UNITS.get(unit.rstrip("s"), 1000.0))
    return value * factor, re.sub(r"\s+", " ", (m.group("q") or "").lower())


def bearing_of(word: str) -> float:
    w = word.lower().replace(" ", "-")
    w = re.sub(r"ern$", "", w)
    if w not in _COMPASS:
        w = w.replace("-", "")
        w = {"northeast": "north-east", "northwest": "north-west", "southeast": "south-east", "southwest": "south-west"}.get(w, w)
    return float(_COMPASS[w])


def offset(lon: float, lat: float, bearing: float, dist_m: float) -> tuple[float, float]:
    """The point ``dist_m`` from (lon, lat) along ``bearing`` degrees (geodesic)."""
    lon2, lat2, _ = GEOD.fwd(lon, lat, bearing, dist_m)
    return lon2, lat2


def geodesic_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def _edge_only(border: BaseGeometry, ga: BaseGeometry, gb: BaseGeometry) -> BaseGeometry | None:
    """The pieces of a border line that are not deep inside either country's polygon (~1 km test discs at
    each segment's midpoint; prepared geometries keep it fast on Russia-sized polygons). Vectorised: one
    shapely call per step over all segments (a border has thousands)."""
    lines = list(border.geoms) if hasattr(border, "geoms") else [border]
    starts: list[np.ndarray] = []
    for ln in lines:
        if ln.geom_type != "LineString":
            continue
        cs = shapely.get_coordinates(ln)
        if len(cs) >= 2:
            starts.append(np.stack([cs[:-1], cs[1:]], axis=1))
    if not starts:
        return border
    segs = shapely.linestrings(np.concatenate(starts))
    mids = shapely.buffer(shapely.line_interpolate_point(segs, 0.5, normalized=True), 0.01, quad_segs=4)
    shapely.prepare(ga)
    shapely.prepare(gb)
    inside = shapely.contains(ga, mids) | shapely.contains(gb, mids)
    if inside.all():
        return border
    if not inside.any():
        return border
    return shapely.line_merge(shapely.multilinestrings(segs[~inside]))


@lru_cache(maxsize=1024)
def _aeqd(lon: float, lat: float) -> tuple[Transformer, Transformer]:
    """Forward and inverse transformers to the azimuthal equidistant projection centred on (lon, lat).

    Built from PROJ's own pipeline for the CRS (the one ``Transformer.from_crs("EPSG:4326", crs)`` picks,
    parameters formatted by PROJ so the numbers are bit-identical) without from_crs's operation search,
    which costs ~8 ms per centre; this costs ~0.5 ms."""
    crs = f"+proj=aeqd +lat_0={lat!r} +lon_0={lon!r} +datum=WGS84 +units=m"
    fwd_def = CRS(crs).coordinate_operation.to_proj4()  # +proj=pipeline +step <deg->rad> +step <aeqd>
    steps = fwd_def.split(" +step ")
    if len(steps) != 3 or "+proj=unitconvert" not in steps[1] or "+proj=aeqd" not in steps[2]:  # pragma: no cover
        fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)  # an unexpected PROJ: the slow, sure way
        return fwd, Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    fwd = Transformer.from_pipeline(fwd_def)
    inv = Transformer.from_pipeline(f"+proj=pipeline +step +inv {steps[2]} +step +proj=unitconvert +xy_in=rad +xy_out=deg")
    return fwd, inv


def _transform(tr: Transformer, geom: BaseGeometry) -> BaseGeometry:
    """``geom`` with every coordinate passed through ``tr`` in one vectorised call (``shapely.ops.transform``
    calls back per coordinate sequence, or per point, in Python)."""

    def f(xy: np.ndarray) -> np.ndarray:
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, f)


class _LRU:
    """A small bounded least-recently-used cache of pure results keyed by value."""

    __slots__ = ("_d", "maxsize")

    def __init__(self, maxsize: int) -> None:
        self._d: OrderedDict[Hashable, Any] = OrderedDict()
        self.maxsize = maxsize

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        if key in self._d:
            self._d.move_to_end(key)
            return self._d[key]
        value = make()
        self._d[key] = value
        if len(self._d) > self.maxsize:
            self._d.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._d)


def _radius_m(geom: BaseGeometry) -> float:
    """Half the extent of a geometry in metres (the radius of the circle an analyst would draw round it)."""
    if geom.is_empty:
        return 0.0
    c = geom.representative_point() if geom.geom_type.startswith("Multi") or geom.geom_type == "Polygon" else geom.centroid
    fwd, _ = _aeqd(c.x, c.y)
    g = _transform(fwd, geom)
    if g.geom_type == "Point":
        return 0.0
    return float(shapely.hausdorff_distance(Point(0, 0), g))


def _town_radius(p: Place) -> float:
    """How far from its point a report "in X" can be: grows with population (village 2 km, city 10+ km)."""
    if p.kind == Kind.POPULATED_PLACE:
        return float(min(25000.0, max(2000.0, 12.0 * math.sqrt(max(p.population, 0)))))
    return 1000.0


_POINT_KINDS = {Kind.POPULATED_PLACE, Kind.BRIDGE, Kind.DAM, Kind.POWER_PLANT, Kind.AIRFIELD, Kind.MILITARY_BASE,
                Kind.NAVAL_BASE, Kind.PORT, Kind.BORDER_CROSSING, Kind.RAILWAY_STATION, Kind.LANDMARK,
                Kind.TRAINING_GROUND}  # fmt: skip


_FACILITY_KINDS = _POINT_KINDS - {Kind.POPULATED_PLACE}


@dataclass(frozen=True, slots=True)
class Located:
    """One placed event (a detection may give several: "shelling near Donetsk and Luhansk")."""

    geometry: BaseGeometry
    places: tuple[PlaceRef, ...]
    geo_precision: int
    uncertainty_m: float
    key: str  # what identifies the place for ids and merging
    label: str  # the place words for the title
    phase: int | None = None
    flags: tuple[str, ...] = field(default=())


class Locator:
    """Turns detections into geometry with one gazetteer; caches the borders, bands and rivers it computes."""

    def __init__(self, gz) -> None:
        self.gz = gz
        # Pure results keyed by value, bounded: the same answer whether a value was cached or computed again.
        self._countries = _LRU(512)
        self._names = _LRU(512)
        self._borders = _LRU(1024)  # (a, b) -> the edge-only land border
        self._neighbours = _LRU(512)
        self._bands = _LRU(1024)  # (ref, sides, metres) -> the band along those borders (each <= ~40 kB)
        self._river_q = _LRU(256)  # bbox -> rivers
        self._cands = _LRU(256)  # (ref, sides, metres) -> rivers in that band that are not the border
        self._gaps = _LRU(4096)  # (lon, lat, a, b) -> metres from the point to the a-b border

    # -- gazetteer geometry -------------------------------------------------------------------------------
    def country_geom(self, iso: str) -> BaseGeometry | None:
        def make() -> BaseGeometry | None:
            try:
                return self.gz.country(iso).geometry
            except Exception:
                return None

        return self._countries.get(iso, make)

    def country_name(self, iso: str) -> str:
        """The gazetteer's name of a country ("Belarus" for BY); the code itself if the gazetteer has none."""

        def make() -> str:
            try:
                return str(self.gz.country(iso).name or iso)
            except Exception:
                return iso

        return self._names.get(iso, make)

    def border(self, a: str, b: str) -> BaseGeometry | None:
        """The land border of a and b, only where it is the edge of both countries' polygons (a border the
        source draws across territory one gazetteer polygon includes, such as Crimea's, is not a border)."""

        def make() -> BaseGeometry | None:
            g = self._raw_border(a, b)
            if g is not None:
                ga, gb = self.country_geom(a), self.country_geom(b)
                if ga is not None and gb is not None:
                    g = _edge_only(g, ga, gb)
            return g

        return self._borders.get((min(a, b), max(a, b)), make)

    def _raw_border(self, a: str, b: str) -> BaseGeometry | None:
        try:
            g = self.gz.border(a, b)
        except Exception:
            return None
        return g if g is not None and not g.is_empty else None

    # -- public --------------------------------------------------------------------------------------------
    def locate(self, det: Detection, text: str) -> tuple[list[Located], list[str]]:
        """Placed events for a detection, and the reasons it could not be placed (for unresolved.csv)."""
        if det.event_type == "axis":
            return self._axes(det, text)
        geo_text = text[det.geo_start : det.geo_end]
        reasons: list[str] = []
        places = [p for p in det.places if p.mention.place is not None]
        # 1) a feature plus constraints: "a bridge across a key river in Belarus less than 4 miles from the border"
        if det.event_type == "bridge" or _RIVER_WORDS.search(geo_text):
            loc = self._river_constraint(det, text, places)
            if loc is not None:
                return [loc], reasons
        # 2) distance and bearing from a landmark: "16km north-east of Luhansk"
        rel = self._bearing(det, text, places)
        if rel is not None:
            return [rel], reasons
        # 3) distance from a border: the place itself (checked), or a band along that border
        bm = _BORDER_RE.search(geo_text)
        if bm is not None:
            loc = self._border_distance(det, text, places, bm)
            if loc is not None:
                return loc, reasons
        # 4) the places themselves
        out = self._places(det, places)
        if not out:
            reasons.append("no place for the event")
        return out, reasons

    # -- helpers -------------------------------------------------------------------------------------------
    def _places(self, det: Detection, places: list[PlacedMention]) -> list[Located]:
        # a whole country is not a place to map an event at (too coarse to be useful or honest)
        usable = [p for p in places if not p.reference and p.mention.place.kind != Kind.COUNTRY]  # type: ignore[union-attr]
        if not usable:
            return []
        if det.event_type == "movement":
            return self._movement(det, usable)
        # A named facility (bridge, dam, airfield...) is where the event is; the town it is "near" and the river
        # it spans only say where the facility is. Likewise a town beats the towns it is "near", and "via"
        # places (a strait ships sailed through) are context when the event has a location.
        for tier in (_FACILITY_KINDS, {Kind.POPULATED_PLACE}):
            top = [p for p in usable if p.mention.place.kind in tier and not p.near]  # type: ignore[union-attr]
            if top:
                usable = top + [p for p in usable if p.mention.place.kind not in _POINT_KINDS and p.role != "via"  # type: ignore[union-attr]
                                and not (p.mention.place.kind == Kind.RIVER)]  # type: ignore[union-attr]
                break
        if any(p.role == "location" for p in usable):
            usable = [p for p in usable if p.role != "via"]
        # a region that contains a named point place of the same sentence is context, not a second event
        points = [p for p in usable if p.mention.place.kind in _POINT_KINDS]  # type: ignore[union-attr]
        areas = [p for p in usable if p not in points]
        if points:
            keep_areas = []
            for a in areas:
                g = a.mention.place.geometry  # type: ignore[union-attr]
                if not any(g.covers(pt.mention.place.point) for pt in points if g.geom_type != "Point"):  # type: ignore[union-attr]
                    keep_areas.append(a)
            usable = points + keep_areas
        out: list[Located] = []
        seen: set[str] = set()
        for p in usable:
            place = p.mention.place
            assert place is not None
            if place.id in seen:
                continue
            seen.add(place.id)
            out.append(self._one_place(p))
        return out

    def _one_place(self, p: PlacedMention, role: str | None = None) -> Located:
        place = p.mention.place
        assert place is not None
        ref = PlaceRef(p.mention.text, place.name, place.id, role or p.role)
        if place.kind in _POINT_KINDS or place.geometry_wkb is None:
            unc = _town_radius(place)
            if p.near:
                return Located(place.point, (ref,), 2, unc + 10000.0, place.id, f"near {place.name}", flags=("near",))
            label = {"origin": f"from {place.name}", "target": f"towards {place.name}"}.get(ref.role, place.name)
            return Located(place.point, (ref,), 1, unc, place.id, label)
        geom = place.geometry
        simple = geom.simplify(0.01, preserve_topology=True) if geom.geom_type != "Point" else geom
        prec = 2 if place.kind in (Kind.STRAIT, Kind.ISLAND) and not p.near else 3
        return Located(simple, (ref,), prec, _radius_m(geom), place.id, place.name)

    def _movement(self, det: Detection, usable: list[PlacedMention]) -> list[Located]:
        origins = [p for p in usable if p.role == "origin"]
        targets = [p for p in usable if p.role == "target"]
        vias = [p for p in usable if p.role == "via"]
        if origins and targets:
            out = []
            for o in origins[:2]:
                for t in targets[:2]:
                    out.append(self._line(o, t, vias))
            return out
        return [self._one_place(p) for p in (origins or targets or vias or usable)[:1]] + [
            self._one_place(p) for p in usable if p.role == "location" and (origins or targets) and p not in (origins + targets)
        ][:1]

    def _line(self, o: PlacedMention, t: PlacedMention, vias: list[PlacedMention]) -> Located:
        po, pt = o.mention.place, t.mention.place
        assert po is not None and pt is not None
        pts = [(po.lon, po.lat)] + [(v.mention.place.lon, v.mention.place.lat) for v in vias[:2]] + [(pt.lon, pt.lat)]  # type: ignore[union-attr]
        line = _geodesic_line(pts)
        refs = (PlaceRef(o.mention.text, po.name, po.id, "origin"),) + tuple(
            PlaceRef(v.mention.text, v.mention.place.name, v.mention.place.id, "via") for v in vias[:2]  # type: ignore[union-attr]
        ) + (PlaceRef(t.mention.text, pt.name, pt.id, "target"),)
        unc = max(_town_radius(po) if po.kind in _POINT_KINDS else _radius_m(po.geometry) / 2, 1000.0)
        prec = 1 if po.kind in _POINT_KINDS and pt.kind in _POINT_KINDS else 2
        return Located(line, refs, prec, unc, f"{po.id}>{pt.id}", f"from {po.name} towards {pt.name}")

    def _bearing(self, det: Detection, text: str, places: list[PlacedMention]) -> Located | None:
        for m in _BEARING_RE.finditer(text, det.geo_start, det.geo_end):
            anchor = next((p for p in places if p.mention.start == m.end()), None)
            if anchor is None:
                continue
            dist, qual = _dist(m)
            brg = bearing_of(m.group("dir"))
            a = anchor.mention.place
            assert a is not None
            lon, lat = offset(a.lon, a.lat, brg, dist)
            # honest uncertainty: the stated distance is rounded (20 %) and the compass word spans 45 degrees
            unc = max(2000.0, 0.2 * dist) + dist * math.sin(math.radians(22.5))
            aref = PlaceRef(anchor.mention.text, a.name, a.id, "via")
            label_rel = f"{m.group('dir').lower()} of {a.name}"
            # does the sentence also name the place itself? keep it, and check the stated distance
            own = [p for p in places if p is not anchor and not p.reference and p.mention.end <= m.start()
                   and p.mention.place.kind in _POINT_KINDS]  # type: ignore[union-attr]
            if own:
                p = min(own, key=lambda x: m.start() - x.mention.end)
                place = p.mention.place
                assert place is not None
                d_gz = geodesic_m(a.lon, a.lat, place.lon, place.lat)
                flags: tuple[str, ...] = ()
                if abs(d_gz - dist) > max(5000.0, 0.3 * dist):
                    flags = (DISTANCE_CONFLICT,)
                ref = PlaceRef(p.mention.text, place.name, place.id, "location")
                return Located(place.point, (ref, aref), 1, _town_radius(place), place.id, place.name, flags=flags)
            return Located(Point(lon, lat), (aref,), 2, unc, f"{a.id}@{brg:.0f}/{dist / 1000:.0f}km",
                           f"{dist / 1000:.0f} km {label_rel}")
        return None

    def _border_spec(self, det: Detection, text: str, bm: re.Match[str] | None, places: list[PlacedMention]) -> tuple[list[str], list[str]]:
        """(candidate reference countries, side countries) of "N km from the X border". The reference is the
        country the phrase names ("the Ukrainian border"); for a bare "the border", every other country the
        sentence names, in order (callers pick the one whose border fits)."""
        geo_text = text[det.geo_start : det.geo_end]
        named = ""
        if bm is not None:
            named = demonym_iso2(bm.group("c2") or "") or demonym_iso2(bm.group("c1") or "")
        countries: list[str] = []
        # the country an event is "in" (also when it was filtered out of places, e.g. "in southern Belarus")
        for m in re.finditer(r"\b(?:in|inside|within)\s+(?:(?:southern|northern|eastern|western|south-?\w*|north-?\w*)\s+)?([A-Z][a-z]+)\b", geo_text):
            iso = demonym_iso2(m.group(1))
            if iso:
                countries.append(iso)
        point_countries = [p.mention.place.country for p in places if p.mention.place.kind in _POINT_KINDS]  # type: ignore[union-attr]
        sides = [c for c in dict.fromkeys(point_countries + countries) if c and c != named]
        if not sides:
            # the country whose forces the sentence is about ("Russia's battle groups ... of the Ukrainian
            # border"): the first country it names other than the border's reference
            ref_words = {named} | {demonym_iso2(w) for w in re.findall(r"\b[A-Z][a-z]+(?:['’]s)?\b", bm.group(0))} if bm else {named}
            for w in re.findall(r"\b[A-Z][a-z]+(?:['’]s)?\b", geo_text):
                iso = demonym_iso2(w)
                if iso and iso not in ref_words:
                    sides = [iso]
                    break
        if named:
            return [named], [c for c in sides if c != named]
        refs = []
        for w in re.findall(r"\b([A-Z][a-z]+(?:['’]s)?)\b", geo_text):
            iso = demonym_iso2(w)
            if iso and iso not in sides and iso not in refs:
                refs.append(iso)
        if not sides and len(refs) > 1:
            sides = [refs.pop(0)]
        if not refs and len(sides) == 1:
            refs = self.neighbours(sides[0])  # "the border" of a named country: any of its land borders
        return refs, sides

    def neighbours(self, iso: str) -> list[str]:
        """Countries sharing a land border with ``iso`` in the gazetteer, sorted by code."""

        def make() -> tuple[str, ...]:
            poly = self.country_geom(iso)
            out: list[str] = []
            if poly is not None:
                try:
                    cands = self.gz.features([Kind.COUNTRY], bbox=poly.bounds)
                except Exception:
                    cands = []
                for c in cands:
                    if c.country and c.country != iso and self._raw_border(iso, c.country) is not None:
                        out.append(c.country)
            return tuple(sorted(set(out)))

        return list(self._neighbours.get(iso, make))

    def _band(self, ref: str, sides: list[str], dist: float) -> BaseGeometry | None:
        return self._bands.get((ref, tuple(sides), dist), lambda: self._make_band(ref, sides, dist))

    def _rivers(self, bounds: tuple[float, float, float, float]) -> list[Place]:
        def make() -> list[Place]:
            try:
                return self.gz.features([Kind.RIVER], bbox=bounds)
            except Exception:
                return []

        return self._river_q.get(tuple(bounds), make)

    def _river_cands(self, ref: str, sides: tuple[str, ...], dist: float) -> tuple[tuple[float, Place, BaseGeometry], ...]:
        """The rivers with a stretch in the band ``dist`` along the ref-side borders that are not the border
        itself: (importance, river, stretch in the band). Pure in its arguments, so cached."""
        return self._cands.get((ref, sides, dist), lambda: self._make_river_cands(ref, sides, dist))

    def _make_river_cands(self, ref: str, sides: tuple[str, ...], dist: float) -> tuple[tuple[float, Place, BaseGeometry], ...]:
        band = self._band(ref, list(sides), dist)
        if band is None:
            return ()
        rivers = self._rivers(band.bounds)
        borders = [self.border(ref, s) for s in sides]
        border_lines = unary_union([b for b in borders if b is not None])
        zone = None if border_lines.is_empty else border_lines.buffer(0.01)
        cands: list[tuple[float, Place, BaseGeometry]] = []
        for r in rivers:
            seg = r.geometry.intersection(band)
            if seg.is_empty or seg.length == 0:
                continue
            # a river that runs along the border itself is the border, not a river "in" the side country
            # (a river whose stretch in the band lies for 30 % or more within ~1 km of the border line is the
            # border itself: a bridge there would cross into the other country, not stand "in" this one)
            along = seg.intersection(zone).length if zone is not None else 0.0
            if along >= 0.3 * seg.length:
                continue
            cands.append((r.importance, r, seg))
        return tuple(cands)

    def _border_gap_m(self, lon: float, lat: float, a: str, b: str) -> float | None:
        """Metres from (lon, lat) to the a-b border (None without one), measured in a projection centred on
        the point. Pure in its arguments, so cached: a town is checked against the same border again and again."""

        def make() -> float | None:
            border = self.border(a, b)
            if border is None:
                return None
            fwd, _ = _aeqd(lon, lat)
            return float(_transform(fwd, border).distance(Point(0, 0)))

        return self._gaps.get((lon, lat, a, b), make)

    def _make_band(self, ref: str, sides: list[str], dist: float) -> BaseGeometry | None:
        parts = []
        for side in sides:
            b = self.border(ref, side)
            poly = self.country_geom(side)
            if b is None or poly is None:
                continue
            c = b.centroid
            fwd, inv = _aeqd(c.x, c.y)
            deg = dist / 90000.0 + 0.2
            x0, y0, x1, y1 = b.bounds
            clip = poly.intersection(box(x0 - deg * 2, y0 - deg, x1 + deg * 2, y1 + deg))
            band = _transform(fwd, b).buffer(dist, 16)
            side_poly = _transform(fwd, clip)
            g = band.intersection(side_poly)
            if not g.is_empty:
                parts.append(_transform(inv, g))
        if not parts:
            return None
        return unary_union(parts)

    def _border_distance(self, det: Detection, text: str, places: list[PlacedMention], bm: re.Match[str]) -> list[Located] | None:
        dist, qual = _dist(bm)
        refs, sides = self._border_spec(det, text, bm, places)
        if not refs:
            return None
        ref = refs[0]
        usable = [p for p in places if not p.reference and p.mention.place.kind in _POINT_KINDS]  # type: ignore[union-attr]
        if usable:
            out = []
            for p in usable:
                loc = self._one_place(p)
                place = p.mention.place
                assert place is not None
                # "the border" without a name: the nearest of the candidate borders of the place's country
                gaps = [self._border_gap_m(place.lon, place.lat, r, place.country) for r in refs if place.country and r != place.country]
                gaps = [g for g in gaps if g is not None]
                flags = loc.flags
                if gaps:
                    d_gz = min(gaps)
                    if qual in ("less than", "under", "within", "up to", "nearly", "almost"):
                        bad = d_gz > dist + max(5000.0, 0.3 * dist)
                    elif qual in ("more than", "over"):
                        bad = d_gz < dist - max(5000.0, 0.3 * dist)
                    else:
                        bad = abs(d_gz - dist) > max(5000.0, 0.3 * dist)
                    if bad:
                        flags = flags + (DISTANCE_CONFLICT,)
                out.append(Located(loc.geometry, loc.places, loc.geo_precision, loc.uncertainty_m, loc.key, loc.label, flags=flags))
            return out
        if not sides:
            return None
        band = self._band(ref, sides, dist)
        if band is None:
            return None
        band = band.simplify(0.005, preserve_topology=True)
        refs = tuple(PlaceRef(bm.group(0), f"{dist / 1000:.0f} km band along the {ref}-{s} border", "", "location") for s in sides)
        key = f"band:{ref}:{'+'.join(sides)}:{dist / 1000:.0f}km"
        within = qual in ("less than", "under", "within", "up to", "nearly", "almost", "")
        label = f"within {dist / 1000:.0f} km of the border" if within else f"{dist / 1000:.0f} km from the border"
        return [Located(band, refs, 3, dist, key, label)]

    def _river_constraint(self, det: Detection, text: str, places: list[PlacedMention]) -> Located | None:
        geo_text = text[det.geo_start : det.geo_end]
        named = [p for p in places if p.mention.place.kind == Kind.RIVER]  # type: ignore[union-attr]
        bm = _BORDER_RE.search(geo_text)
        band = None
        dist = 0.0
        refs: list[str] = []
        sides: list[str] = []
        if bm is not None:
            dist, _ = _dist(bm)
            refs, sides = self._border_spec(det, text, bm, places)
        if named:
            river = named[0]
            rp = river.mention.place
            assert rp is not None
            geom = rp.geometry
            for ref in refs if sides else []:
                b = self._band(ref, sides, dist)
                seg = geom.intersection(b) if b is not None else None
                if seg is not None and not seg.is_empty:  # the border the named river actually comes near
                    geom, band = seg, b
                    break
            towns = [p for p in places if p.mention.place.kind in _POINT_KINDS]  # type: ignore[union-attr]
            if band is None and towns:
                # "a crossing over the Siverskyi Donets near Bilohorivka": the stretch of river near the town
                t = towns[0].mention.place
                assert t is not None
                fwd, inv = _aeqd(t.lon, t.lat)
                radius = 10000.0 + _town_radius(t)
                seg = _transform(fwd, geom).intersection(Point(0, 0).buffer(radius))
                if not seg.is_empty:
                    seg = _transform(inv, seg)
                    tref = PlaceRef(towns[0].mention.text, t.name, t.id, "via")
                    rref = PlaceRef(river.mention.text, rp.name, rp.id, "location")
                    return Located(seg.simplify(0.001), (rref, tref), 2, max(_radius_m(seg), 1000.0),
                                   f"river:{rp.id}@{t.id}", f"the {rp.name} near {t.name}")
            if geom.geom_type == "Point":
                return None
            ref = PlaceRef(river.mention.text, rp.name, rp.id, "location")
            key = f"river:{rp.id}" + (f":{dist / 1000:.0f}km" if band is not None else "")
            return Located(geom.simplify(0.002), (ref,), 2 if band is not None else 3, max(_radius_m(geom), 1000.0), key,
                           f"the {rp.name}")
        if not (refs and sides):
            return None
        cands = list(self._river_cands(refs[0], tuple(sides), dist))
        if not cands:
            return None
        if re.search(r"\b(?:key|major|main|strategic|important|large)\s+river\b", geo_text, re.I):
            top = max(c[0] for c in cands)
            cands = [c for c in cands if c[0] >= top - 1e-9]
        cands.sort(key=lambda c: (-c[0], c[1].id))
        cands = cands[:3]
        geom = unary_union([c[2] for c in cands]).simplify(0.002)
        refs = tuple(PlaceRef(c[1].name, c[1].name, c[1].id, "location") for c in cands)
        flags = ("river_inferred",) + (("ambiguous_river",) if len(cands) > 1 else ())
        label = "the " + " or ".join(c[1].name for c in cands)
        key = "river:" + "+".join(c[1].id for c in cands) + f":{dist / 1000:.0f}km"
        return Located(geom, refs, 2, max(_radius_m(geom), 1000.0), key, label, flags=flags)

    # -- axes ----------------------------------------------------------------------------------------------
    def _axes(self, det: Detection, text: str) -> tuple[list[Located], list[str]]:
        out: list[Located] = []
        reasons: list[str] = []
        # how many inferred origins per (border, target): spread them apart
        for leg in det.axes:
            if leg.target is None or leg.target.place is None:
                reasons.append("axis without a target place")
                continue
            t = leg.target.place
            tref = PlaceRef(leg.target.text, t.name, t.id, "target")
            if leg.origin is not None and leg.origin.place is not None:
                o = leg.origin.place
                line = _geodesic_line([(o.lon, o.lat), (t.lon, t.lat)])
                unc = _radius_m(o.geometry) / 2 if o.kind not in _POINT_KINDS else _town_radius(o)
                prec = 1 if o.kind in _POINT_KINDS else 2
                out.append(Located(line, (PlaceRef(leg.origin.text, o.name, o.id, "origin"), tref), prec, unc,
                                   f"{o.id}>{t.id}", f"{o.name} towards {t.name}", leg.phase))
                continue
            side = leg.border_country
            target_country = t.country
            if not target_country:
                reasons.append("axis origin: the target's country is not known")
                continue
            if not side or side == target_country:
                reasons.append("axis origin: no border to start from")
                continue
            pts = self.border_points(side, target_country, (t.lon, t.lat), leg.count)
            if not pts:
                reasons.append(f"axis origin: no {side}-{target_country} border in the gazetteer")
                continue
            sep = _spread_m(self.border(side, target_country), leg.count)
            for i, (lon, lat) in enumerate(pts):
                line = _geodesic_line([(lon, lat), (t.lon, t.lat)])
                unc = min(sep / 2, geodesic_m(lon, lat, t.lon, t.lat) / 2)
                # what a reader sees on the map: which border, and that the point on it is inferred
                border_name = f"{self.country_name(side)}–{self.country_name(target_country)} border"
                oref = PlaceRef(leg.origin_text or "border", f"{border_name} (origin {i + 1} of {len(pts)}, inferred)", "", "origin")
                out.append(Located(line, (oref, tref), 2, unc, f"border:{side}-{target_country}:{i + 1}/{len(pts)}>{t.id}",
                                   f"from the {border_name} towards {t.name}", leg.phase, ("origin_inferred",)))
        return out, reasons

    def border_points(self, a: str, b: str, target: tuple[float, float], n: int) -> list[tuple[float, float]]:
        """``n`` distinct points on the a-b border from which a move towards ``target`` is plausible: the
        border points nearest the target, each at least a spread apart (deterministic)."""
        border = self.border(a, b)
        if border is None or n < 1:
            return []
        fwd, inv = _aeqd(*target)
        g = _transform(fwd, border)
        step = 2000.0
        samples: list[tuple[float, float, float]] = []
        lines = list(g.geoms) if hasattr(g, "geoms") else [g]
        for ln in lines:
            if ln.geom_type != "LineString" or ln.length == 0:
                continue
            k = max(1, int(ln.length // step))
            for i in range(k + 1):
                p = ln.interpolate(i * ln.length / k)
                samples.append((math.hypot(p.x, p.y), p.x, p.y))
        samples.sort()
        sep = _spread_m(border, n)
        chosen: list[tuple[float, float]] = []
        for _, x, y in samples:
            if all(math.hypot(x - cx, y - cy) >= sep for cx, cy in chosen):
                chosen.append((x, y))
                if len(chosen) == n:
                    break
        return [tuple(round(v, 6) for v in inv.transform(x, y)) for x, y in chosen]  # type: ignore[misc]


def _spread_m(border: BaseGeometry | None, n: int) -> float:
    """How far apart inferred origins on one border are kept: 15 % of the border per point, 60-200 km."""
    if border is None:
        return 60000.0
    c = border.centroid
    fwd, _ = _aeqd(c.x, c.y)
    length = _transform(fwd, border).length
    return float(min(200000.0, max(60000.0, 0.3 * length / max(n, 1))))


def _geodesic_line(pts: list[tuple[float, float]]) -> LineString:
    """A line through the points along great circles (a few intermediate vertices per leg)."""
    out: list[tuple[float, float]] = []
    for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
        out.append((x1, y1))
        d = geodesic_m(x1, y1, x2, y2)
        k = int(min(16, d // 50000))
        if k > 0:
            out.extend(GEOD.npts(x1, y1, x2, y2, k))
    out.append(pts[-1])
    if len(out) < 2 or out[0] == out[-1]:
        out = [pts[0], (pts[0][0] + 1e-6, pts[0][1])]
    return LineString(out)

