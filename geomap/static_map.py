"""The static map (map.png) for slides and PDFs: the same layers, symbols and colours as the HTML map, drawn
with matplotlib on the gazetteer's basemap, with labels and a legend so it reads without the HTML."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from shapely.geometry.base import BaseGeometry

from geomap.event import Event
from geomap.layers import LAYER_SPECS, build_layers, chunked, stream_bounds

__all__ = ["draw_png", "fit_extent"]

# Layer symbol -> matplotlib marker (the HTML map draws its own shapes; these are the closest stock markers).
MARKERS = {"burst": "*", "plane": "^", "bridge": "s", "ship": "v", "unit": "X", "diamond": "D", "triangle": "^",
           "circle": "o", "ring": "o"}
STYLE_CHUNK = 5000  # events styled at a time
MAX_LABELS = 60  # place-name labels at most (the most told first; overlapping ones are hidden anyway)
BASE_STYLE = {
    "countries": {"facecolor": "#f4f1ea", "edgecolor": "#8d8d8d", "linewidth": 0.8},
    "admin1": {"facecolor": "none", "edgecolor": "#c9c4b8", "linewidth": 0.3},
    "water": {"facecolor": "#cfe3f2", "edgecolor": "#9cc3df", "linewidth": 0.4},
}


def _polys(g: BaseGeometry) -> list[Any]:
    if g.geom_type == "Polygon":
        return [g]
    if g.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for sub in g.geoms for p in _polys(sub)]
    return []


def _lines(g: BaseGeometry) -> list[Any]:
    if g.geom_type == "LineString":
        return [g]
    if g.geom_type in ("MultiLineString", "GeometryCollection"):
        return [ln for sub in g.geoms for ln in _lines(sub)]
    return []


def _fill(ax: Any, g: BaseGeometry, **style: Any) -> None:
    from matplotlib.patches import Polygon as MplPolygon

    for p in _polys(g):
        ax.add_patch(MplPolygon(list(p.exterior.coords), closed=True, **style))
        for hole in p.interiors:  # holes are painted over with the sea colour's neighbour: rare, keep simple
            ax.add_patch(MplPolygon(list(hole.coords), closed=True, facecolor="none",
                                    edgecolor=style.get("edgecolor", "none"), linewidth=style.get("linewidth", 0.3)))


def _declutter(fig: Any, texts: Sequence[Any], legend: Any) -> None:
    """Hide every label that would overlap one earlier in ``texts`` (or the legend, or leave the map): the
    order is the priority."""
    fig.canvas.draw()  # lay the figure out first: extents measured before a draw are not final
    renderer = fig.canvas.get_renderer()
    ax_box = texts[0].axes.get_window_extent(renderer) if texts else None
    taken = [legend.get_window_extent(renderer)] if legend is not None else []
    for t in texts:
        box = t.get_window_extent(renderer).expanded(1.04, 1.1)
        inside = ax_box is not None and ax_box.x0 <= box.x0 and box.x1 <= ax_box.x1 and ax_box.y0 <= box.y0 \
            and box.y1 <= ax_box.y1
        if not inside or any(box.overlaps(b) for b in taken):
            t.set_visible(False)
        else:
            taken.append(box)


def fit_extent(bounds: tuple[float, float, float, float] | None, aspect: float) -> tuple[float, float, float, float]:
    """``bounds`` (W, S, E, N) padded and widened to a ``aspect`` = width / height view, in degrees, so that a
    basemap clipped to it fills the whole figure or screen."""
    w, s, e, n = bounds or (22.0, 44.0, 41.0, 53.0)
    padx, pady = max((e - w) * 0.12, 1.0), max((n - s) * 0.12, 0.7)
    w, s, e, n = w - padx, s - pady, e + padx, n + pady
    k = math.cos(math.radians((s + n) / 2)) or 1.0  # degrees of longitude are shorter than of latitude
    width, height = (e - w) * k, n - s
    if width / height < aspect:  # widen to the figure's aspect so nothing is stretched
        extra = (height * aspect / k - (e - w)) / 2
        w, e = w - extra, e + extra
    else:
        extra = (width / aspect - height) / 2
        s, n = s - extra, n + extra
    return max(w, -180), max(s, -85), min(e, 180), min(n, 85)


class _Drawing:
    """The events' parts gathered by style, a chunk of layers at a time, then drawn as one matplotlib collection
    per style (areas, then lines, arrowheads and symbols on top), with the labels and legend counts tallied."""

    def __init__(self) -> None:
        self.areas: dict[tuple, list[Any]] = {}
        self.lines: dict[tuple, list[Any]] = {}
        self.heads: dict[tuple, list[Any]] = {}
        self.points: dict[tuple, list[tuple[float, float]]] = {}
        self.counts: dict[str, int] = {}
        self.projected = False
        # name -> (is an area, -events, anchor): one label per place name, named points and arrow tips first
        self.labels: dict[str, tuple[bool, int, tuple[float, float]]] = {}

    def add(self, layers: Sequence[Any]) -> None:
        for layer in layers:
            spec = layer.spec
            self.counts[spec.key] = self.counts.get(spec.key, 0) + len(layer.items)
            for item in layer.items:
                for part in item.parts:
                    st = part.style
                    color = st.get("stroke") or st.get("marker-color") or spec.color
                    if part.kind == "area":
                        key = (st.get("fill", color), float(st.get("fill-opacity", 0.25)), color)
                        self.areas.setdefault(key, []).extend(_polys(part.geometry))
                    elif part.kind == "arrowhead":
                        self.heads.setdefault((st.get("fill", color), color), []).extend(_polys(part.geometry))
                    elif part.kind == "line":
                        key = (color, float(st.get("stroke-width", 2.5)), bool(st.get("stroke-dasharray")),
                               float(st.get("stroke-opacity", 1)))
                        self.lines.setdefault(key, []).extend(np.asarray(ln.coords)[:, :2] for ln in _lines(part.geometry))
                    elif part.kind == "point":
                        key = (MARKERS.get(spec.shape, "o"), st.get("marker-color", spec.color))
                        self.points.setdefault(key, []).append((part.geometry.x, part.geometry.y))
                ev = item.event
                if ev is not None:
                    self.projected |= ev.status == "projected"
                if ev is not None and ev.places:
                    target = [p for p in ev.places if p.role in ("location", "target")] or list(ev.places)
                    label = target[-1].name or target[-1].text
                    anchor = ev.geometry.representative_point()
                    if ev.geometry.geom_type in ("LineString", "MultiLineString"):
                        anchor = _lines(ev.geometry)[-1].interpolate(1.0, normalized=True)
                    is_area = ev.geometry.geom_type in ("Polygon", "MultiPolygon")
                    here = (anchor.x, anchor.y)
                    if label not in self.labels:
                        self.labels[label] = (is_area, -1, here)
                    else:  # the first point or tip named so wins over an area's centre
                        area, neg_count, pos = self.labels[label]
                        self.labels[label] = (area and is_area, neg_count - 1, here if area and not is_area else pos)

    def layer_counts(self) -> list[tuple[Any, int]]:
        return [(spec, self.counts[spec.key]) for spec in LAYER_SPECS if self.counts.get(spec.key)]

    def draw(self, ax: Any) -> None:
        from matplotlib.collections import LineCollection, PolyCollection

        def rings(polys: list[Any]) -> list[Any]:
            return [np.asarray(p.exterior.coords)[:, :2] for p in polys]

        for (face, alpha, edge), polys in self.areas.items():
            ax.add_collection(PolyCollection(rings(polys), facecolors=face, alpha=alpha, edgecolors=edge,
                                             linewidths=1.0, zorder=4))
            holes = [np.asarray(h.coords)[:, :2] for p in polys for h in p.interiors]
            if holes:  # outlined, not filled (as ``_fill`` draws them)
                ax.add_collection(PolyCollection(holes, facecolors="none", edgecolors=edge, linewidths=1.0, zorder=4))
        for (color, width, dashed, alpha), segs in self.lines.items():  # caps and joins as ``plot`` draws them
            ax.add_collection(LineCollection(segs, colors=color, linewidths=width, alpha=alpha, joinstyle="round",
                                             capstyle="butt" if dashed else "projecting",
                                             linestyles="--" if dashed else "-", zorder=5))
        for (face, edge), polys in self.heads.items():
            ax.add_collection(PolyCollection(rings(polys), facecolors=face, edgecolors=edge, zorder=6))
        for (marker, color), pts in self.points.items():
            xy = np.asarray(pts)
            ax.scatter(xy[:, 0], xy[:, 1], marker=marker, s=11 ** 2, c=color, edgecolors="white", linewidths=1.2,
                       zorder=7)


def draw_png(events: Iterable[Event], path: str | os.PathLike[str], *, basemap: Any = None,
             title: str = "Reported military events", width_in: float = 12.0, height_in: float = 9.0,
             dpi: int = 120) -> None:
    """Draw ``events`` (a list, or a re-iterable stream such as a corpus run's merged events) into the PNG
    file ``path`` (deterministic: no timestamp in the file's metadata). Events are styled a chunk at a time
    and drawn as one collection per style, so a corpus of events costs arrays of coordinates, not an
    artist each."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=dpi)
    try:
        country_labels: list[Any] = []
        w, s, e, n = fit_extent(stream_bounds(events), width_in / height_in)
        ax.set_facecolor(BASE_STYLE["water"]["facecolor"])
        if basemap is not None:
            for group in ("countries", "admin1", "water"):
                for f in getattr(basemap, group):
                    _fill(ax, f.geometry, **BASE_STYLE[group], zorder=1)
            for f in basemap.rivers:
                for ln in _lines(f.geometry):
                    xs, ys = ln.xy
                    ax.plot(xs, ys, color="#7fb1d8", linewidth=0.6, zorder=2)
            for f in basemap.countries:
                c = f.geometry.representative_point()
                if w < c.x < e and s < c.y < n:
                    country_labels.append(ax.text(c.x, c.y, f.name.upper(), fontsize=9, color="#9a9a9a",
                                                  ha="center", zorder=3))
        drawing = _Drawing()
        for chunk in chunked(events, STYLE_CHUNK):
            drawing.add(build_layers(chunk))
        drawing.draw(ax)
        handles = [Line2D([], [], marker=MARKERS.get(spec.shape, "o"), linestyle="-" if spec.key in ("axis", "movement")
                          else "none", color=spec.color, markersize=9, label=f"{spec.label} ({n})")
                   for spec, n in drawing.layer_counts()]
        if drawing.projected:
            handles.append(Patch(facecolor="none", edgecolor="#555", linestyle="--",
                                 label="dashed: phase 2 / projected"))
        event_labels = drawing.labels
        ax.set_xlim(w, e)
        ax.set_ylim(s, n)
        ax.set_aspect(1 / (math.cos(math.radians((s + n) / 2)) or 1.0))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=14, loc="left")
        texts = [ax.annotate(label, pos, xytext=(6, 4), textcoords="offset points", fontsize=8, zorder=8,
                             color="#222", bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                                 "alpha": 0.7})
                 for label, (_area, _n, pos) in sorted(event_labels.items(), key=lambda kv: (kv[1][:2], kv[0]))[:MAX_LABELS]]
        legend = ax.legend(handles=handles, loc="lower left", fontsize=9, framealpha=0.9,
                           title="Layers") if handles else None
        _declutter(fig, texts + country_labels, legend)
        ax.text(1.0, -0.005, "Basemap: Natural Earth; places: GeoNames (CC BY 4.0); geomap", transform=ax.transAxes,
                ha="right", va="top", fontsize=7, color="#666")
        fig.savefig(os.fspath(path), format="png", bbox_inches="tight", metadata={"Software": None})
    finally:
        plt.close(fig)
