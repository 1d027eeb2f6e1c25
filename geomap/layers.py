"""Symbology: events -> styled layers (what each event looks like, and in which layer it goes).

One layer per event type, plus "Region-level events" (wide-area events drawn as translucent polygons) and
"Unresolved and low-precision" (off by default: items whose point would overstate what the text says).
Everything that draws events (the Leaflet map, the static PNG, the GeoPackage) reads the same ``Styled``
records, so the three always agree.

Styles are simplestyle-spec keys (``marker-color``, ``marker-symbol``, ``stroke``, ``stroke-width``,
``stroke-opacity``, ``fill``, ``fill-opacity``) plus ``stroke-dasharray`` (an SVG dash pattern, which
simplestyle lacks). Conventions:

- phase: solid line for phase 1 (or no phase), dashed for phase 2, dotted for phase 3 and later;
- status: ``projected`` (possible or planned) draws an open arrowhead / hollow marker and a lighter line,
  events that happened draw a filled arrowhead / filled marker; ``disputed`` is drawn translucent;
- axes and movements are arrows whose heads are geometry (a polygon computed on the ellipsoid with pyproj),
  so they survive canvas rendering and export to GIS files;
- a location uncertainty (``uncertainty_m``) is a dashed circle around the marker; a polygonal geometry
  of a precise event is its uncertainty area.
"""

from __future__ import annotations

import datetime as _dt
import functools
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from geomap.event import Event

__all__ = [
    "LayerSpec",
    "LAYER_SPECS",
    "SHAPES",
    "Part",
    "Styled",
    "Layer",
    "Unresolved",
    "build_layers",
    "style_event",
    "simplestyle",
    "arrowhead",
    "arrowheads",
    "geodesic_circle",
    "layer_key",
    "day_number",
]

GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """A layer of the map: its key, its label in the layer control and legend, and its symbol."""

    key: str
    label: str
    color: str  # hex colour of the layer's symbols and lines
    shape: str  # point symbol, a key of SHAPES
    maki: str  # simplestyle marker-symbol (Maki icon name) for other viewers
    show: bool = True


# Display order of the layer control and the legend. Colours are distinct under the common colour-vision
# deficiencies as far as nine hues allow; shapes carry the type too, so the map never relies on colour alone.
LAYER_SPECS: tuple[LayerSpec, ...] = (
    LayerSpec("axis", "Axes of advance", "#c62828", "triangle", "triangle"),
    LayerSpec("movement", "Unit movements", "#ef6c00", "triangle", "triangle-stroked"),
    LayerSpec("deployment", "Deployments", "#283593", "unit", "square"),
    LayerSpec("shelling", "Shelling sites", "#7b1fa2", "burst", "danger"),
    LayerSpec("strike", "Strikes", "#ad1457", "diamond", "rocket"),
    LayerSpec("bridge", "Bridges", "#37474f", "bridge", "bridge"),
    LayerSpec("naval", "Naval activity", "#00838f", "ship", "harbor"),
    LayerSpec("air", "Air activity", "#0277bd", "plane", "airfield"),
    LayerSpec("other", "Other events", "#5d4037", "circle", "circle"),
    LayerSpec("region", "Region-level events", "#6d4c41", "circle", "circle-stroked"),
    LayerSpec("unresolved", "Unresolved and low-precision", "#757575", "ring", "circle-stroked", show=False),
)
SPECS: dict[str, LayerSpec] = {s.key: s for s in LAYER_SPECS}

# Point symbols in unit coordinates (y up, radius about 1). Each part: (vertices, closed, fill, stroke) where
# fill/stroke is "color" (the layer colour), "halo" (white) or None. "circle" and "ring" are drawn as arcs.
Shape = tuple[tuple[tuple[tuple[float, float], ...], bool, str | None, str | None], ...]


def _star(n: int, outer: float, inner: float) -> tuple[tuple[float, float], ...]:
    pts = []
    for i in range(2 * n):
        r = outer if i % 2 == 0 else inner
        a = math.pi / 2 + i * math.pi / n
        pts.append((round(r * math.cos(a), 3), round(r * math.sin(a), 3)))
    return tuple(pts)


SHAPES: dict[str, Shape] = {
    "circle": (),
    "ring": (),
    "burst": ((_star(8, 1.15, 0.5), True, "color", "halo"),),
    "diamond": ((((0.0, 1.15), (0.85, 0.0), (0.0, -1.15), (-0.85, 0.0)), True, "color", "halo"),),
    "triangle": ((((0.0, 1.1), (1.0, -0.75), (-1.0, -0.75)), True, "color", "halo"),),
    # NATO-style unit frame with the infantry cross
    "unit": (
        (((-1.25, -0.8), (1.25, -0.8), (1.25, 0.8), (-1.25, 0.8)), True, "color", "halo"),
        (((-1.25, -0.8), (1.25, 0.8)), False, None, "halo"),
        (((-1.25, 0.8), (1.25, -0.8)), False, None, "halo"),
    ),
    # the topographic bridge sign: a deck between two parapets whose ends flare outwards
    "bridge": (
        (((-1.0, -0.38), (1.0, -0.38), (1.0, 0.38), (-1.0, 0.38)), True, "halo", None),
        (((-1.35, 0.85), (-0.9, 0.38), (0.9, 0.38), (1.35, 0.85)), False, None, "color"),
        (((-1.35, -0.85), (-0.9, -0.38), (0.9, -0.38), (1.35, -0.85)), False, None, "color"),
    ),
    "ship": (
        (((-1.3, 0.05), (1.3, 0.05), (0.85, -0.75), (-0.85, -0.75)), True, "color", "halo"),
        (((-0.45, 0.05), (0.45, 0.05), (0.3, 0.7), (-0.3, 0.7)), True, "color", "halo"),
    ),
    "plane": (
        (
            (
                (0.0, 1.25), (0.16, 0.95), (0.16, 0.3), (1.2, -0.2), (1.2, -0.42), (0.16, -0.18),
                (0.12, -0.75), (0.45, -1.0), (0.45, -1.15), (0.0, -1.02), (-0.45, -1.15), (-0.45, -1.0),
                (-0.12, -0.75), (-0.16, -0.18), (-1.2, -0.42), (-1.2, -0.2), (-0.16, 0.3), (-0.16, 0.95),
            ),
            True,
            "color",
            "halo",
        ),
    ),
}

PHASE_DASH = {1: "", 2: "10 7", 3: "2 6"}
GEO_PRECISION_LABELS = {1: "the place itself", 2: "near or part of the place", 3: "a wider region"}

PartKind = Literal["point", "line", "area", "arrowhead", "circle"]


@dataclass(frozen=True, slots=True)
class Part:
    """One drawable piece of an event: its marker, its line, the arrowhead, the uncertainty circle, its area.

    ``style`` holds simplestyle keys (a shared, cached mapping). For ``circle`` parts ``geometry`` is the
    centre and ``radius_m`` the radius (the map draws a true circle; exports call :func:`geodesic_circle`).
    ``interactive`` parts open the event's popup when clicked.
    """

    kind: PartKind
    geometry: BaseGeometry
    style: Mapping[str, Any]
    radius_m: float = 0.0
    interactive: bool = True


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A mention the pipeline could not place (or placed too loosely): goes to unresolved.csv and, when it
    has a point, to the off-by-default layer."""

    report: str
    text: str
    start: int
    end: int
    reason: str
    lat: float | None = None
    lon: float | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Unresolved:
        """Accept the pipeline's dicts ``{report, text, start, end, reason}`` (optionally ``lat``/``lon``)."""
        missing = [k for k in ("report", "text", "start", "end", "reason") if k not in d]
        if missing:
            raise ValueError(f"unresolved item {dict(d)!r} lacks {', '.join(missing)}")
        lat, lon = d.get("lat"), d.get("lon")
        if (lat is None) != (lon is None):
            raise ValueError(f"unresolved item {d.get('text')!r} has only one of lat/lon")
        if lat is not None and not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
            raise ValueError(f"unresolved item {d.get('text')!r} has coordinates out of range: {lat}, {lon}")
        return cls(
            report=str(d["report"]),
            text=str(d["text"]),
            start=int(d["start"]),
            end=int(d["end"]),
            reason=str(d["reason"]),
            lat=None if lat is None else float(lat),
            lon=None if lon is None else float(lon),
        )

    @property
    def point(self) -> Point | None:
        return None if self.lat is None else Point(self.lon, self.lat)


@dataclass(frozen=True, slots=True)
class Styled:
    """An event (or an unresolved item) with its layer and the parts that draw it."""

    layer: str
    parts: tuple[Part, ...]
    style: Mapping[str, Any]  # the simplestyle keys of the whole feature (for events.geojson)
    event: Event | None = None
    unresolved: Unresolved | None = None

    @property
    def id(self) -> str:
        if self.event is not None:
            return self.event.id
        u = self.unresolved
        assert u is not None
        return f"unr-{u.report}:{u.start}-{u.end}"

    @property
    def day(self) -> int | None:
        return day_number(self.event.date) if self.event is not None else None


@dataclass(frozen=True, slots=True)
class Layer:
    """A toggleable layer: the spec, its items in stable order, and its name with the count."""

    spec: LayerSpec
    items: tuple[Styled, ...]

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def name(self) -> str:
        return f"{self.spec.label} ({len(self.items)})"

    @property
    def show(self) -> bool:
        return self.spec.show


def day_number(date: str | None) -> int | None:
    """Days since 1970-01-01 of an ISO date ("2022-02-17", "2022-02-17T04:00"), None when absent or bad."""
    if not date:
        return None
    try:
        d = _dt.date.fromisoformat(date[:10])
    except ValueError:
        return None
    return (d - _dt.date(1970, 1, 1)).days


def _polygonal(g: BaseGeometry) -> bool:
    return g.geom_type in ("Polygon", "MultiPolygon")


def _linear(g: BaseGeometry) -> bool:
    return g.geom_type in ("LineString", "MultiLineString")


def layer_key(event: Event) -> str:
    """Which layer an event goes to: its type's, "region" for wide areas, "unresolved" for a point that
    stands for a whole region (drawing it as a pin would overstate the precision)."""
    g = event.geometry
    if event.geo_precision == 3 and _polygonal(g):
        return "region"
    if event.geo_precision == 3 and not _linear(g) and not _polygonal(g):
        return "unresolved"
    return event.event_type


@functools.lru_cache(maxsize=4096)
def simplestyle(event_type: str, status: str, phase: int | None, kind: str, layer: str) -> Mapping[str, Any]:
    """The simplestyle keys of one part of an event (cached: a map of 100k events uses a few dozen styles)."""
    spec = SPECS[event_type if event_type in SPECS else "other"]
    color = SPECS["unresolved"].color if layer == "unresolved" else spec.color
    projected = status == "projected"
    disputed = status == "disputed"
    opacity = 0.55 if disputed else (0.8 if projected else 1.0)
    dash = PHASE_DASH.get(min(phase, 3), "") if phase else ""
    shape = SPECS["unresolved"].shape if layer == "unresolved" else spec.shape
    s: dict[str, Any]
    if kind == "point":
        s = {
            "marker-color": color,
            "marker-symbol": SPECS["unresolved"].maki if layer == "unresolved" else spec.maki,
            "marker-size": "medium",
            "symbol-shape": shape,
            "stroke": "#ffffff",
            "stroke-width": 1.5,
            "stroke-opacity": 1.0,
            "fill": "#ffffff" if projected else color,
            "fill-opacity": 0.55 if disputed else 1.0,
        }
        if projected or layer == "unresolved":
            s["stroke"] = color
            s["stroke-width"] = 2
    elif kind == "line":
        s = {
            "stroke": color,
            "stroke-width": 4 if event_type == "axis" else 3,
            "stroke-opacity": opacity,
            "stroke-dasharray": dash,
        }
    elif kind == "arrowhead":
        s = {
            "stroke": color,
            "stroke-width": 2,
            "stroke-opacity": opacity,
            "fill": "#ffffff" if projected else color,
            "fill-opacity": 0.9 if projected else opacity,
        }
    elif kind == "circle":
        s = {
            "stroke": color,
            "stroke-width": 1.5,
            "stroke-opacity": 0.8,
            "stroke-dasharray": "4 4",
            "fill": color,
            "fill-opacity": 0.08,
        }
    elif kind == "area":
        region = layer == "region"
        s = {
            "stroke": color,
            "stroke-width": 1.5 if region else 1.5,
            "stroke-opacity": 0.9 * opacity,
            "stroke-dasharray": "" if region else "4 4",
            "fill": color,
            "fill-opacity": 0.18 if region else 0.1,
        }
    else:
        raise ValueError(f"unknown part kind {kind!r}")
    return _frozen(s)


class _FrozenDict(dict):
    """A dict that refuses changes: the cached styles are shared by every part that uses them."""

    __slots__ = ()

    def _ro(self, *a: Any, **k: Any) -> None:
        raise TypeError("styles are shared and read-only; copy with dict(style)")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _ro  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self.items()))


def _frozen(d: dict[str, Any]) -> Mapping[str, Any]:
    return _FrozenDict(d)


def geodesic_circle(lon: float, lat: float, radius_m: float, n: int = 64) -> Polygon:
    """A circle of ``radius_m`` metres on the ellipsoid around (lon, lat), as a polygon of ``n`` vertices."""
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, float(radius_m)))
    return Polygon(np.column_stack([lons, lats]))


def arrowhead(
    line: LineString, *, length_m: float | None = None, half_angle: float = 27.0
) -> tuple[Polygon, LineString]:
    """The arrowhead of ``line`` (a polygon at its last vertex, pointing along the last segment) and the line
    shortened so that it ends inside the head (an open head must not show the line through it).

    The head is ~12% of the line's geodesic length, between 1.5 km and 35 km, and never more than 40% of
    the line, so short lines still read as lines."""
    return arrowheads([line], length_m=length_m, half_angle=half_angle)[0]


def arrowheads(
    lines: Sequence[LineString], *, length_m: float | None = None, half_angle: float = 27.0
) -> list[tuple[Polygon, LineString]]:
    """:func:`arrowhead` of many lines at once (one vectorised pass over all their vertices: a map of 100k
    events has tens of thousands of arrows)."""
    if not lines:
        return []
    arr = np.asarray(lines, dtype=object)
    xy, idx = shapely.get_coordinates(arr, return_index=True)
    n = len(lines)
    counts = np.bincount(idx, minlength=n)
    if (counts < 2).any():
        raise ValueError("a line needs two distinct points to carry an arrowhead")
    ends = np.cumsum(counts) - 1
    starts = ends - counts + 1
    tips = xy[ends]
    # drop repeated vertices at the end: the direction comes from the last real segment (only exact
    # repeats: a relative tolerance would call a vertex 30 m from the tip a repeat, and refuse short lines)
    same = np.all(np.abs(xy - tips[idx]) <= 1e-12, axis=1)
    pos = np.arange(len(xy))
    cand = np.where(same | (pos == ends[idx]), -1, pos)
    k = np.maximum.reduceat(cand, starts)
    if (k < 0).any():
        raise ValueError("a line needs two distinct points to carry an arrowhead")
    prev = xy[k]
    az_back, _, seg = GEOD.inv(tips[:, 0], tips[:, 1], prev[:, 0], prev[:, 1])
    az_back, seg = np.asarray(az_back, dtype=float), np.asarray(seg, dtype=float)
    if length_m is None:
        inner = pos[:-1][idx[:-1] == idx[1:]]  # segments within one line
        _, _, d = GEOD.inv(xy[inner, 0], xy[inner, 1], xy[inner + 1, 0], xy[inner + 1, 1])
        total = np.zeros(n)
        np.add.at(total, idx[inner], np.asarray(d, dtype=float))
        lengths = np.minimum(np.minimum(np.maximum(0.12 * total, 1500.0), 35000.0), 0.4 * total)
    else:
        lengths = np.full(n, float(length_m))
    notch = 0.72 * lengths * math.cos(math.radians(half_angle))
    lons, lats, _ = GEOD.fwd(
        np.repeat(tips[:, 0], 3),
        np.repeat(tips[:, 1], 3),
        np.column_stack([az_back + half_angle, az_back, az_back - half_angle]).ravel(),
        np.column_stack([lengths, notch, lengths]).ravel(),
    )
    wing = np.column_stack([np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)]).reshape(n, 3, 2)
    heads = shapely.polygons(np.concatenate([tips[:, None, :], wing], axis=1))
    out = []
    for i in range(n):
        s, ki, nt = int(starts[i]), int(k[i]), wing[i, 1]
        if seg[i] > notch[i] or ki > s:
            shaft_xy = xy[s : ki + 1]
            if seg[i] > notch[i]:
                shaft_xy = np.vstack([shaft_xy, nt[None, :]])
        else:
            shaft_xy = np.vstack([prev[i][None, :], nt[None, :]])
        out.append((heads[i], LineString(shaft_xy)))
    return out


def _lines(g: BaseGeometry) -> list[LineString]:
    if isinstance(g, LineString):
        return [g]
    if isinstance(g, MultiLineString):
        return list(g.geoms)
    return []


ARROW_TYPES = ("axis", "movement", "naval", "air")


def _arrow_lines(event: Event) -> list[LineString]:
    """The lines of ``event`` that carry an arrowhead (in the order :func:`style_event` draws them)."""
    g = event.geometry
    if g.geom_type not in ("LineString", "MultiLineString") or event.event_type not in ARROW_TYPES:
        return []
    return [line for line in _lines(g) if len(line.coords) >= 2 and line.length > 0]


def style_event(event: Event) -> Styled:
    """The layer and the parts of one event."""
    return _style_event(event, None)


def _style_event(event: Event, heads: Iterator[tuple[Polygon, LineString]] | None) -> Styled:
    """:func:`style_event` taking the arrowheads of the event's arrow lines from ``heads`` (precomputed for
    many events at once by :func:`arrowheads`) when given."""
    layer = layer_key(event)
    et, st, ph = event.event_type, event.status, event.phase
    g = event.geometry
    parts: list[Part] = []
    gt = g.geom_type
    if gt in ("LineString", "MultiLineString"):
        arrow = et in ARROW_TYPES
        for line in _lines(g):
            if arrow and len(line.coords) >= 2 and line.length > 0:
                head, shaft = next(heads) if heads is not None else arrowhead(line)
                parts.append(Part("line", shaft, simplestyle(et, st, ph, "line", layer)))
                parts.append(Part("arrowhead", head, simplestyle(et, st, ph, "arrowhead", layer)))
            else:
                parts.append(Part("line", line, simplestyle(et, st, ph, "line", layer)))
    elif gt in ("Polygon", "MultiPolygon"):
        parts.append(Part("area", g, simplestyle(et, st, ph, "area", layer)))
        if layer != "region":  # a precise event over an area: its marker sits inside the area
            rp = g.representative_point()
            parts.append(Part("point", rp, simplestyle(et, st, ph, "point", layer)))
    elif gt in ("Point", "MultiPoint"):
        pts = [g] if gt == "Point" else list(g.geoms)
        for p in pts:
            if event.uncertainty_m > 0 and layer != "unresolved":
                parts.append(
                    Part("circle", p, simplestyle(et, st, ph, "circle", layer), event.uncertainty_m, False)
                )
        for p in pts:
            parts.append(Part("point", p, simplestyle(et, st, ph, "point", layer)))
    else:  # GeometryCollection: draw what it holds
        for sub in getattr(g, "geoms", ()):
            sub_ev = _with_geometry(event, sub)
            parts.extend(style_event(sub_ev).parts)
    return Styled(layer=layer, parts=tuple(parts), style=feature_style(event), event=event)


def _with_geometry(event: Event, g: BaseGeometry) -> Event:
    from dataclasses import replace

    return replace(event, geometry=g)


def feature_style(event: Event) -> Mapping[str, Any]:
    """The simplestyle keys written into events.geojson for the whole feature (one per geometry type)."""
    layer = layer_key(event)
    gt = event.geometry.geom_type
    et, st, ph = event.event_type, event.status, event.phase
    if gt in ("LineString", "MultiLineString"):
        return simplestyle(et, st, ph, "line", layer)
    if gt in ("Polygon", "MultiPolygon"):
        return simplestyle(et, st, ph, "area", layer)
    s = simplestyle(et, st, ph, "point", layer)
    return _frozen({k: v for k, v in s.items() if k.startswith("marker-")})


def style_unresolved(item: Unresolved) -> Styled:
    parts: tuple[Part, ...] = ()
    if item.point is not None:
        parts = (Part("point", item.point, simplestyle("other", "reported", None, "point", "unresolved")),)
    return Styled(layer="unresolved", parts=parts, style={}, unresolved=item)


def build_layers(
    events: Iterable[Event], unresolved: Iterable[Unresolved | Mapping[str, Any]] = ()
) -> list[Layer]:
    """Events (and unresolved items) -> the non-empty layers in display order, items sorted by id.

    Raises ValueError on two events with the same id: the id is what exports and links rely on."""
    by_layer: dict[str, list[Styled]] = {s.key: [] for s in LAYER_SPECS}
    seen: set[str] = set()
    evs = list(events)
    for ev in evs:
        if not isinstance(ev, Event):
            raise TypeError(f"expected geomap.Event, got {type(ev).__name__}")
        if ev.id in seen:
            raise ValueError(f"duplicate event id {ev.id!r}")
        seen.add(ev.id)
    heads = iter(arrowheads([line for ev in evs for line in _arrow_lines(ev)]))
    for ev in evs:
        st = _style_event(ev, heads)
        by_layer[st.layer].append(st)
    for u in unresolved:
        item = u if isinstance(u, Unresolved) else Unresolved.from_dict(u)
        if item.point is not None:
            by_layer["unresolved"].append(style_unresolved(item))
    out = []
    for spec in LAYER_SPECS:
        items = by_layer[spec.key]
        if items:
            items.sort(key=lambda s: s.id)
            out.append(Layer(spec, tuple(items)))
    return out


def in_id_order(events: Iterable[Event]) -> Iterable[Event]:
    """The events in id order, as often as they are iterated: a list or tuple is sorted here; any other
    re-iterable (a corpus run's merged events, streamed from disk) must come sorted, and is checked each time
    it streams. Either way two events with one id are refused: ids key every layer and export."""
    if isinstance(events, (list, tuple)):
        evs = sorted(events, key=lambda e: e.id)
        ids = [e.id for e in evs]
        if len(set(ids)) != len(ids):
            raise ValueError("two events share an id; ids key every export")
        return evs
    return _IdOrdered(events)


class _IdOrdered:
    def __init__(self, events: Iterable[Event]) -> None:
        self._events = events

    def __iter__(self) -> Iterator[Event]:
        prev = None
        for e in self._events:
            if prev is not None and not prev < e.id:
                raise ValueError("two events share an id; ids key every export" if prev == e.id else
                                 f"events streamed out of id order ({prev!r} before {e.id!r})")
            prev = e.id
            yield e


def chunked(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    """Lists of ``n`` items (the last shorter) from any iterable: how corpus-sized streams are worked through."""
    it = iter(items)
    while chunk := list(itertools.islice(it, n)):
        yield chunk


def events_bounds(events: Sequence[Event]) -> tuple[float, float, float, float] | None:
    """(W, S, E, N) of the events' geometries, None when there are none."""
    if not events:
        return None
    arr = shapely.bounds(np.array([e.geometry for e in events], dtype=object))
    return (
        float(np.nanmin(arr[:, 0])),
        float(np.nanmin(arr[:, 1])),
        float(np.nanmax(arr[:, 2])),
        float(np.nanmax(arr[:, 3])),
    )


def stream_bounds(events: Iterable[Event], chunk: int = 5000) -> tuple[float, float, float, float] | None:
    """:func:`events_bounds` of any iterable of events, read a chunk at a time (a corpus run's stream)."""
    box = None
    for part in chunked(events, chunk):
        box = union_bounds(box, events_bounds(part))
    return box


def union_bounds(a: tuple[float, float, float, float] | None,
                 b: tuple[float, float, float, float] | None) -> tuple[float, float, float, float] | None:
    """The (W, S, E, N) box around two boxes, either of which may be None (nothing)."""
    if a is None or b is None:
        return a if b is None else tuple(b)  # type: ignore[return-value]
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
