"""An offline vector basemap drawn from the gazetteer's own geometries.

Why: a map that loads tiles shows nothing offline, and the places the events were resolved to should sit on
the same borders, rivers and coasts the gazetteer measured them against. Countries, admin-1 regions, rivers,
seas and lakes come from ``gz.features(...)``; the largest towns give the map its labels.

Only what the events need is kept: geometries are clipped to the events' bounding box plus a margin and
simplified to a tolerance that matches the map's extent, with coordinates rounded, so that the HTML stays small.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

__all__ = ["BaseFeature", "Basemap", "build_basemap", "padded_bbox", "default_basemap"]

log = logging.getLogger(__name__)

BBox = tuple[float, float, float, float]  # (W, S, E, N)

# Gazetteer kinds per basemap group (string values of gazetteer.place.Kind, so this module does not need
# the gazetteer package to be importable when a Basemap is built by other means).
GROUP_KINDS: dict[str, tuple[str, ...]] = {
    "countries": ("country",),
    "admin1": ("admin1",),
    "water": ("sea", "gulf", "strait", "lake", "reservoir"),
    "rivers": ("river", "canal"),
    "places": ("populated_place",),
}
ATTRIBUTION = "Basemap: Natural Earth (public domain), places: GeoNames (CC BY 4.0), via the geomap gazetteer"


class _FeatureSource(Protocol):  # what build_basemap needs from a Gazetteer
    def features(self, kinds: Iterable[Any], bbox: BBox | None = None, min_importance: float = 0.0) -> list[Any]: ...


@dataclass(frozen=True, slots=True)
class BaseFeature:
    """One basemap feature: a name to label it, its kind and its (clipped, simplified) geometry."""

    name: str
    kind: str
    geometry: BaseGeometry
    population: int = 0
    id: str = ""


@dataclass(frozen=True, slots=True)
class Basemap:
    """The basemap of one map: groups of features drawn bottom-up (countries, admin-1, water, rivers, places).

    ``bbox`` is the area it covers; ``tolerance`` the simplification applied, in degrees."""

    bbox: BBox
    countries: tuple[BaseFeature, ...] = ()
    admin1: tuple[BaseFeature, ...] = ()
    water: tuple[BaseFeature, ...] = ()
    rivers: tuple[BaseFeature, ...] = ()
    places: tuple[BaseFeature, ...] = ()
    tolerance: float = 0.0
    attribution: str = ATTRIBUTION
    notes: tuple[str, ...] = field(default=())

    GROUPS = ("countries", "admin1", "water", "rivers", "places")

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, g) for g in self.GROUPS)

    def to_geojson(self, decimals: int = 4) -> dict[str, dict[str, Any]]:
        """One FeatureCollection per group, coordinates rounded to ``decimals`` (4 = ~10 m, plenty for a
        basemap), properties ``name`` and ``kind`` only: a compact payload for the HTML map."""
        out: dict[str, dict[str, Any]] = {}
        for g in self.GROUPS:
            feats = []
            for f in getattr(self, g):
                geom = shapely.transform(f.geometry, lambda c: np.round(c, decimals))
                if geom.is_empty:
                    continue
                feats.append({"type": "Feature", "geometry": mapping(geom),
                              "properties": {"name": f.name, "kind": f.kind}})
            out[g] = {"type": "FeatureCollection", "features": feats}
        return out


def padded_bbox(bbox: BBox, margin: float = 0.25, min_pad_deg: float = 1.0) -> BBox:
    """``bbox`` grown by ``margin`` of its size on each side (at least ``min_pad_deg``), kept on the globe."""
    w, s, e, n = bbox
    px = max((e - w) * margin, min_pad_deg)
    py = max((n - s) * margin, min_pad_deg * 0.7)
    return (max(w - px, -180.0), max(s - py, -85.0), min(e + px, 180.0), min(n + py, 85.0))


def _kind_value(k: Any) -> str:
    return str(getattr(k, "value", k))


def _kinds(gz: Any, names: Sequence[str]) -> list[Any]:
    """The gazetteer's Kind members for these names (the plain strings when the enum is not available)."""
    try:
        from gazetteer.place import Kind

        return [Kind(n) for n in names]
    except Exception:  # a fake or foreign gazetteer: let it take strings
        return list(names)


def build_basemap(
    gz: _FeatureSource,
    bbox: BBox,
    *,
    margin: float = 0.25,
    tolerance: float | None = None,
    max_places: int = 30,
    min_river_importance: float = 0.0,
) -> Basemap:
    """The basemap for the events' ``bbox`` (W, S, E, N): features from ``gz.features`` clipped to the bbox
    grown by ``margin`` and simplified with ``tolerance`` degrees (default: 1/1500 of the extent, i.e. under
    a pixel at full-screen zoom). Keeps the ``max_places`` most populous towns for labels."""
    w, s, e, n = bbox
    if not (w <= e and s <= n):
        raise ValueError(f"bad bbox {bbox!r}: expected (W, S, E, N)")
    area = padded_bbox(bbox, margin)
    if tolerance is None:
        tolerance = max(area[2] - area[0], area[3] - area[1]) / 1500.0
    groups: dict[str, list[BaseFeature]] = {}
    notes: list[str] = []
    for group, kind_names in GROUP_KINDS.items():
        try:
            places = gz.features(_kinds(gz, kind_names), bbox=area,
                                 min_importance=min_river_importance if group == "rivers" else 0.0)
        except Exception as exc:  # a gazetteer without this kind: the map goes on without that group
            notes.append(f"{group}: {exc}")
            log.warning("basemap: no %s (%s)", group, exc)
            places = []
        feats: list[BaseFeature] = []
        if group == "places":
            pts = [p for p in places if getattr(p, "population", 0) > 0]
            pts.sort(key=lambda p: (-p.population, p.id))
            for p in pts[:max_places]:
                feats.append(BaseFeature(p.name, _kind_value(p.kind), shapely.Point(p.lon, p.lat),
                                         p.population, p.id))
        else:
            for p in places:
                g = _clip(p.geometry, area, tolerance)
                if g is not None:
                    feats.append(BaseFeature(p.name, _kind_value(p.kind), g, getattr(p, "population", 0), p.id))
        feats.sort(key=lambda f: (f.kind, f.id, f.name))
        groups[group] = feats
    return Basemap(bbox=area, tolerance=tolerance, notes=tuple(notes), **{k: tuple(v) for k, v in groups.items()})


def _clip(geom: BaseGeometry, area: BBox, tolerance: float) -> BaseGeometry | None:
    if geom is None or geom.is_empty:
        return None
    gw, gs, ge, gn = geom.bounds
    if ge < area[0] or gw > area[2] or gn < area[1] or gs > area[3]:
        return None
    if geom.geom_type in ("Point", "MultiPoint"):
        return None  # a river or sea known only by a point has nothing to draw
    if not (gw >= area[0] and ge <= area[2] and gs >= area[1] and gn <= area[3]):
        geom = shapely.clip_by_rect(geom, *area)
    if geom.is_empty:
        return None
    g = shapely.simplify(geom, tolerance, preserve_topology=True)
    if g.is_empty:
        return None
    if g.geom_type in ("Polygon", "MultiPolygon") and g.area < (tolerance * 2) ** 2:
        return None  # specks smaller than a pixel or two
    return g


def default_basemap(bbox: BBox, **kw: Any) -> Basemap | None:
    """The basemap from the default world gazetteer, or None (with a warning) when it cannot be opened."""
    try:
        from gazetteer import Gazetteer

        gz = Gazetteer.default()
    except Exception as exc:
        log.warning("offline basemap unavailable: the gazetteer could not be opened (%s)", exc)
        return None
    return build_basemap(gz, bbox, **kw)


def bbox_of(geoms: Iterable[BaseGeometry]) -> BBox | None:
    arr = shapely.bounds(np.array(list(geoms), dtype=object))
    if len(arr) == 0:
        return None
    return (float(np.nanmin(arr[:, 0])), float(np.nanmin(arr[:, 1])),
            float(np.nanmax(arr[:, 2])), float(np.nanmax(arr[:, 3])))
