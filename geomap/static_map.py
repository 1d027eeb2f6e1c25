"""The static map (map.png) for slides and PDFs: the same layers, symbols and colours as the HTML map, drawn
with matplotlib on the gazetteer's basemap, with labels and a legend so it reads without the HTML."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

from shapely.geometry.base import BaseGeometry

from geomap.event import Event
from geomap.layers import build_layers, events_bounds

__all__ = ["draw_png", "fit_extent"]

# Layer symbol -> matplotlib marker (the HTML map draws its own shapes; these are the closest stock markers).
MARKERS = {"burst": "*", "plane": "^", "bridge": "s", "ship": "v", "unit": "X", "diamond": "D", "triangle": "^",
           "circle": "o", "ring": "o"}
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


def draw_png(events: Sequence[Event], path: str | os.PathLike[str], *, basemap: Any = None,
             title: str = "Reported military events", width_in: float = 12.0, height_in: float = 9.0,
             dpi: int = 120) -> None:
    """Draw ``events`` into the PNG file ``path`` (deterministic: no timestamp in the file's metadata)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=dpi)
    try:
        country_labels: list[Any] = []
        # name -> (is an area, -events, anchor): one label per place name, named points and arrow tips first
        event_labels: dict[str, tuple[bool, int, tuple[float, float]]] = {}
        w, s, e, n = fit_extent(events_bounds(list(events)), width_in / height_in)
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
        layers = build_layers(events)
        handles = []
        for layer in layers:
            spec = layer.spec
            for item in layer.items:
                for part in item.parts:
                    st = part.style
                    color = st.get("stroke") or st.get("marker-color") or spec.color
                    if part.kind == "area":
                        _fill(ax, part.geometry, facecolor=st.get("fill", color),
                              alpha=float(st.get("fill-opacity", 0.25)), edgecolor=color, linewidth=1.0, zorder=4)
                    elif part.kind == "arrowhead":
                        _fill(ax, part.geometry, facecolor=st.get("fill", color), edgecolor=color, zorder=6)
                    elif part.kind == "line":
                        for ln in _lines(part.geometry):
                            xs, ys = ln.xy
                            dashed = bool(st.get("stroke-dasharray"))
                            ax.plot(xs, ys, color=color, linewidth=float(st.get("stroke-width", 2.5)),
                                    linestyle="--" if dashed else "-", alpha=float(st.get("stroke-opacity", 1)),
                                    zorder=5)
                    elif part.kind == "point":
                        ax.plot(part.geometry.x, part.geometry.y, marker=MARKERS.get(spec.shape, "o"),
                                markersize=11, color=st.get("marker-color", spec.color),
                                markeredgecolor="white", markeredgewidth=1.2, zorder=7)
                ev = item.event
                if ev is not None and ev.places:
                    target = [p for p in ev.places if p.role in ("location", "target")] or list(ev.places)
                    label = target[-1].name or target[-1].text
                    anchor = ev.geometry.representative_point()
                    if ev.geometry.geom_type in ("LineString", "MultiLineString"):
                        anchor = _lines(ev.geometry)[-1].interpolate(1.0, normalized=True)
                    is_area = ev.geometry.geom_type in ("Polygon", "MultiPolygon")
                    here = (anchor.x, anchor.y)
                    if label not in event_labels:
                        event_labels[label] = (is_area, -1, here)
                    else:  # the first point or tip named so wins over an area's centre
                        area, neg_count, pos = event_labels[label]
                        event_labels[label] = (area and is_area, neg_count - 1,
                                               here if area and not is_area else pos)
            handles.append(Line2D([], [], marker=MARKERS.get(spec.shape, "o"), linestyle="-" if spec.key in
                                  ("axis", "movement") else "none", color=spec.color, markersize=9,
                                  label=layer.name))
        if any(it.event is not None and it.event.status == "projected" for lay in layers for it in lay.items):
            handles.append(Patch(facecolor="none", edgecolor="#555", linestyle="--",
                                 label="dashed: phase 2 / projected"))
        ax.set_xlim(w, e)
        ax.set_ylim(s, n)
        ax.set_aspect(1 / (math.cos(math.radians((s + n) / 2)) or 1.0))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=14, loc="left")
        texts = [ax.annotate(label, pos, xytext=(6, 4), textcoords="offset points", fontsize=8, zorder=8,
                             color="#222", bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                                 "alpha": 0.7})
                 for label, (_area, _n, pos) in sorted(event_labels.items(), key=lambda kv: (kv[1][:2], kv[0]))]
        legend = ax.legend(handles=handles, loc="lower left", fontsize=9, framealpha=0.9,
                           title="Layers") if handles else None
        _declutter(fig, texts + country_labels, legend)
        ax.text(1.0, -0.005, "Basemap: Natural Earth; places: GeoNames (CC BY 4.0); geomap", transform=ax.transAxes,
                ha="right", va="top", fontsize=7, color="#666")
        fig.savefig(os.fspath(path), format="png", bbox_inches="tight", metadata={"Software": None})
    finally:
        plt.close(fig)
