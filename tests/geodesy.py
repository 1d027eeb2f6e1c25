"""Distances for test expectations, in km, measured in an azimuthal equidistant projection (shared by the
tests that check where events land)."""

from __future__ import annotations

import shapely
from shapely.geometry import Point

from geomap.where import _aeqd


def _project(fwd, geom):
    return shapely.transform(geom, lambda x, y: fwd.transform(x, y), interleaved=False)


def vertices(geom):
    for g in getattr(geom, "geoms", [geom]):
        yield from (g.exterior.coords if g.geom_type == "Polygon" else g.coords)


def km_to(geom, lon, lat):
    """Distance in km from the point (lon, lat) to ``geom``, in a projection centred on the point."""
    fwd, _ = _aeqd(lon, lat)
    return _project(fwd, geom).distance(Point(0, 0)) / 1000


def max_km_from(geom, other):
    """The farthest any vertex of ``geom`` lies from ``other`` (km), in one projection centred on ``geom``."""
    c = geom.centroid
    fwd, _ = _aeqd(c.x, c.y)
    g, o = _project(fwd, geom), _project(fwd, other)
    return max(Point(x, y).distance(o) for x, y in vertices(g)) / 1000
