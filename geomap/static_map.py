"""The static map (map.png) for slides and PDFs: the same layers, symbols and colours as the HTML map, drawn
with matplotlib on the gazetteer's basemap, with labels and a legend so it reads without the HTML."""

from __future__ import annotations

import io
import math
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from shapely.geometry.base import BaseGeometry

from geomap.event import Event
from geomap.layers import LAYER_SPECS, build_layers, chunked, stream_bounds

__all__ = ["draw_png", "fit_extent"]

# Layer symbol -> matplotlib marker (the HTML map draws its own shapes; these are the closest stock markers).
MARKERS = {"burst": "*", "plane": "^", "bridge": "s", "ship": "v", "unit": "X", "diamond": "D", "triangle": "^",
           "circle": "o", "ring": "o"}
STYLE_CHUNK = 5000  # events styled at a time
DRAW_BATCH = 5000  # parts drawn as one matplotlib collection
SPOOL_MAX = 4 << 20  # bytes of one style's vertices kept in memory before they go to a temporary file
MAX_LABELS = 60  # place-name labels at most (the most told first; overlapping ones are hidden anyway)
_LAYER_ORDER = {spec.key: i for i, spec in enumerate(LAYER_SPECS)}
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


class _Parts:
    """One style's parts (rings, lines or points), appended a chunk at a time to a spooled temporary file
    (memory while small, disk once big) and read back a batch at a time: a corpus's vertices are never all
    held. A chunk's record is the number of parts, each part's number of vertices, then the vertices
    (float64 x, y)."""

    def __init__(self) -> None:
        self._f: Any = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX)
        self._pending: list[np.ndarray] = []

    def add(self, xy: np.ndarray) -> None:
        self._pending.append(xy)

    def flush(self) -> None:
        if self._pending:
            lengths = np.array([len(a) for a in self._pending], dtype=np.int64)
            self._f.write(np.array([len(lengths)], dtype=np.int64).tobytes())
            self._f.write(lengths.tobytes())
            self._f.write(np.concatenate(self._pending).astype(np.float64).tobytes())
            self._pending = []

    def batches(self, batch: int = DRAW_BATCH) -> Iterator[list[np.ndarray]]:
        """The parts in the order they were added, ``batch`` at a time (however they were written: matplotlib
        draws a collection of one path another way, so the batches must not depend on the chunks)."""
        self.flush()
        self._f.seek(0)
        buf: list[np.ndarray] = []
        while head := self._f.read(8):
            n = int(np.frombuffer(head, dtype=np.int64)[0])
            lengths = np.frombuffer(self._f.read(8 * n), dtype=np.int64)
            xy = np.frombuffer(self._f.read(16 * int(lengths.sum())), dtype=np.float64).reshape(-1, 2)
            buf.extend(np.split(xy, np.cumsum(lengths)[:-1]))
            while len(buf) >= batch:
                yield buf[:batch]
                buf = buf[batch:]
        if buf:
            yield buf
        self._f.seek(0, io.SEEK_END)

    def close(self) -> None:
        self._f.close()


def _rings(g: BaseGeometry) -> tuple[list[np.ndarray], list[np.ndarray]]:
    polys = _polys(g)
    return ([np.asarray(p.exterior.coords)[:, :2] for p in polys],
            [np.asarray(h.coords)[:, :2] for p in polys for h in p.interiors])


class _Drawing:
    """The events' parts gathered by style, a chunk of layers at a time, into spooled files (:class:`_Parts`),
    with the labels and legend counts tallied; drawn later (:class:`_EventsArtist`) as matplotlib collections
    a style and a batch at a time: areas, then lines, arrowheads and symbols on top."""

    def __init__(self) -> None:
        self.areas: dict[tuple, _Parts] = {}
        self.holes: dict[tuple, _Parts] = {}  # outlined, not filled (as ``_fill`` draws them)
        self.lines: dict[tuple, _Parts] = {}
        self.heads: dict[tuple, _Parts] = {}
        self.points: dict[tuple, _Parts] = {}
        self.counts: dict[str, int] = {}
        self.projected = False
        # name -> (is an area, -events, anchor): one label per place name, named points and arrow tips first
        self.labels: dict[str, tuple[bool, int, tuple[float, float]]] = {}

    @staticmethod
    def _parts(group: dict[tuple, _Parts], key: tuple) -> _Parts:
        parts = group.get(key)
        if parts is None:
            parts = group[key] = _Parts()
        return parts

    def add(self, layers: Sequence[Any]) -> None:
        # parts keyed by (layer, style) and drawn in that order, labels tallied in event id order: the picture
        # does not depend on how the stream was cut into chunks
        named: list[tuple[str, int, Any]] = []
        for layer in layers:
            spec = layer.spec
            li = _LAYER_ORDER[spec.key]
            self.counts[spec.key] = self.counts.get(spec.key, 0) + len(layer.items)
            for item in layer.items:
                for part in item.parts:
                    st = part.style
                    color = st.get("stroke") or st.get("marker-color") or spec.color
                    if part.kind == "area":
                        key = (li, st.get("fill", color), float(st.get("fill-opacity", 0.25)), color)
                        rings, holes = _rings(part.geometry)
                        for r in rings:
                            self._parts(self.areas, key).add(r)
                        for h in holes:
                            self._parts(self.holes, key).add(h)
                    elif part.kind == "arrowhead":
                        for r in _rings(part.geometry)[0]:
                            self._parts(self.heads, (li, st.get("fill", color), color)).add(r)
                    elif part.kind == "line":
                        key = (li, color, float(st.get("stroke-width", 2.5)), bool(st.get("stroke-dasharray")),
                               float(st.get("stroke-opacity", 1)))
                        for ln in _lines(part.geometry):
                            self._parts(self.lines, key).add(np.asarray(ln.coords)[:, :2])
                    elif part.kind == "point":
                        key = (li, MARKERS.get(spec.shape, "o"), st.get("marker-color", spec.color))
                        self._parts(self.points, key).add(np.array([[part.geometry.x, part.geometry.y]]))
                if item.event is not None:
                    named.append((item.event.id, li, item.event))
        for group in (self.areas, self.holes, self.lines, self.heads, self.points):
            for parts in group.values():
                parts.flush()
        named.sort(key=lambda t: t[:2])
        for _id, _li, ev in named:
            self.projected |= ev.status == "projected"
            if not ev.places:
                continue
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

    def collections(self, ax: Any) -> Iterator[Any]:
        """The collections to draw, in drawing order, one batch of one style at a time."""
        from matplotlib.collections import LineCollection, PathCollection, PolyCollection
        from matplotlib.markers import MarkerStyle
        from matplotlib.transforms import IdentityTransform

        for key, parts in sorted(self.areas.items()):
            _li, face, alpha, edge = key
            for batch in parts.batches():
                yield _in_axes(ax, PolyCollection(batch, facecolors=face, alpha=alpha, edgecolors=edge, linewidths=1.0))
            if key in self.holes:
                for batch in self.holes[key].batches():
                    yield _in_axes(ax, PolyCollection(batch, facecolors="none", edgecolors=edge, linewidths=1.0))
        for (_li, color, width, dashed, alpha), parts in sorted(self.lines.items()):  # caps and joins as ``plot`` draws them
            for batch in parts.batches():
                yield _in_axes(ax, LineCollection(batch, colors=color, linewidths=width, alpha=alpha, joinstyle="round",
                                                  capstyle="butt" if dashed else "projecting",
                                                  linestyles="--" if dashed else "-"))
        for (_li, face, edge), parts in sorted(self.heads.items()):
            for batch in parts.batches():
                yield _in_axes(ax, PolyCollection(batch, facecolors=face, edgecolors=edge))
        for (_li, marker, color), parts in sorted(self.points.items()):  # as ``Axes.scatter`` makes them
            style = MarkerStyle(marker)
            path = style.get_path().transformed(style.get_transform())
            for batch in parts.batches():
                coll = PathCollection((path,), sizes=[11 ** 2], facecolors=color, edgecolors="white", linewidths=1.2,
                                      offsets=np.concatenate(batch), offset_transform=ax.transData)
                coll.set_transform(IdentityTransform())
                yield _in_axes(ax, coll)

    def close(self) -> None:
        for group in (self.areas, self.holes, self.lines, self.heads, self.points):
            for parts in group.values():
                parts.close()


def _in_axes(ax: Any, coll: Any) -> Any:
    """``coll`` set up as ``Axes.add_collection`` would, without keeping it in the axes."""
    coll.set_figure(ax.figure)
    coll.axes = ax
    if not coll.is_transform_set():
        coll.set_transform(ax.transData)
    coll.set_clip_path(ax.patch)
    return coll


class _EventsArtist(Artist):
    """Draws a :class:`_Drawing`'s collections one at a time, each dropped once drawn, so the figure never
    holds the events' artists: matplotlib may draw a figure more than once, and each draw reads the spooled
    parts again."""

    def __init__(self, drawing: _Drawing) -> None:
        super().__init__()
        self.drawing = drawing
        self.set_in_layout(False)

    def draw(self, renderer: Any) -> None:
        if not self.get_visible():
            return
        for coll in self.drawing.collections(self.axes):
            coll.draw(renderer)


def draw_png(events: Iterable[Event], path: str | os.PathLike[str], *, basemap: Any = None,
             title: str = "Reported military events", width_in: float = 12.0, height_in: float = 9.0,
             dpi: int = 120, bounds: tuple[float, float, float, float] | None = None) -> None:
    """Draw ``events`` (a list, or a re-iterable stream such as a corpus run's merged events) into the PNG
    file ``path`` (deterministic: no timestamp in the file's metadata). Events are styled a chunk at a time
    into spooled files and drawn from them a style and a chunk at a time, so memory does not grow with the
    number of events. ``bounds``: the events' (W, S, E, N) when the caller knows them (else one more pass
    over the events finds them)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=dpi)
    drawing: _Drawing | None = None
    try:
        country_labels: list[Any] = []
        w, s, e, n = fit_extent(bounds if bounds is not None else stream_bounds(events), width_in / height_in)
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
        artist = _EventsArtist(drawing)
        artist.set_zorder(4)  # over the basemap (1-3), under the labels (8)
        ax.add_artist(artist)
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
        artist.set_visible(False)  # the labels' layout does not need the events drawn
        _declutter(fig, texts + country_labels, legend)
        artist.set_visible(True)
        ax.text(1.0, -0.005, "Basemap: Natural Earth; places: GeoNames (CC BY 4.0); geomap", transform=ax.transAxes,
                ha="right", va="top", fontsize=7, color="#666")
        fig.savefig(os.fspath(path), format="png", bbox_inches="tight", metadata={"Software": None})
    finally:
        plt.close(fig)
        if drawing is not None:
            drawing.close()
