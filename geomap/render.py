"""The Leaflet map: events -> a ``folium.Map`` that works offline, in Jupyter and in a saved HTML file.

- One toggleable layer per event type, named with its count ("Shelling sites (4)"), a region-level layer and
  an unresolved/low-precision layer that is off by default; a legend; a scale bar; the view fits the events.
- Every symbol, line, arrowhead and area of every layer is drawn on ONE canvas from a compact JSON payload
  (``geomap/static/geomap.js``), not a folium object per point: 100k events stay a few MB and load in
  seconds. Popups are built in the browser with ``textContent`` only, so report text can never become markup.
- Offline (the default): Leaflet's JS/CSS come inlined from the ``xstatic-leaflet`` package and the basemap is
  drawn from the gazetteer's own geometries (:mod:`geomap.basemap`): the file makes no request at all.
  Online: an OpenStreetMap tile layer with its attribution is added (the assets stay inlined).
- Deterministic: folium's random element ids are replaced by ids derived from the element's position in the
  map, so the same events give a byte-identical HTML file.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import html
import io
import itertools
import json
import logging
import re
import shutil
import tempfile
import weakref
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import folium
import numpy as np
import shapely
from branca.element import Element, Figure, MacroElement
from folium.map import Layer as _FoliumLayer
from folium.template import Template

from geomap.basemap import Basemap, default_basemap
from geomap.event import Event
from geomap.layers import (
    GEO_PRECISION_LABELS,
    LAYER_SPECS,
    SHAPES,
    SPECS,
    Layer,
    LayerSpec,
    Styled,
    Unresolved,
    build_layers,
    chunked,
    day_number,
    events_bounds,
    in_id_order,
    simplestyle,
    union_bounds,
)
from geomap.spill import DistinctCount

__all__ = ["render", "to_html", "html_pieces", "payload", "legend_html", "symbol_svg", "DETAILS_INLINE_MAX", "DETAIL_FIELDS",
           "POPUP_SOURCES_MAX"]

log = logging.getLogger(__name__)

# Popup details bigger than this (bytes of JSON) are deflated + base64-encoded in the HTML and inflated by
# the browser (DecompressionStream) after the map is drawn: 100k events' quotes shrink ~3x.
DETAILS_INLINE_MAX = 4_000_000
MAX_EVENT_LABELS = 60
RENDER_CHUNK = 5000  # events styled at a time when a map is built from a stream
SYMBOL_RADIUS = {"burst": 8, "plane": 8.5, "bridge": 8.5, "ship": 7.5, "unit": 6.5, "diamond": 7.5,
                 "triangle": 7.5, "circle": 6, "ring": 6}
KIND_CODES = {"point": "p", "line": "l", "arrowhead": "h", "area": "a", "circle": "c"}
_SCRIPT_CLOSE = re.compile(r"</(script|style)", re.I)


# ---------------------------------------------------------------------------------------------- assets
@lru_cache(maxsize=1)
def _leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS from the xstatic-leaflet package, with its images inlined as data: URIs and the
    source-map comment dropped (DevTools would fetch it)."""
    try:
        import xstatic.pkg.leaflet as xl
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise RuntimeError("geomap needs the xstatic-leaflet package for offline maps (pip install xstatic-leaflet)") from exc
    base = Path(xl.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(m: re.Match[str]) -> str:
        p = base / m.group(1)
        return "url(data:image/png;base64," + base64.b64encode(p.read_bytes()).decode("ascii") + ")"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
    return js, css


@lru_cache(maxsize=1)
def _geomap_assets() -> tuple[str, str]:
    static = resources.files("geomap") / "static"
    return (static / "geomap.js").read_text(encoding="utf-8"), (static / "geomap.css").read_text(encoding="utf-8")


def _inline(text: str, what: str) -> str:
    if _SCRIPT_CLOSE.search(text):
        raise ValueError(f"{what} contains a closing script/style tag and cannot be inlined safely")
    return text


def _json_for_script(obj: Any) -> str:
    """JSON that can sit inside <script>: '<', '>' and '&' are \\u-escaped (valid JSON, never markup), so a
    quote containing '</script>' cannot close the element."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# ---------------------------------------------------------------------------------------------- payload
def _r(x: float, d: int = 5) -> float:
    return round(float(x), d)


def _latlngs(coords: Any) -> list[list[float]]:
    a = np.round(np.asarray(coords, dtype=float)[:, :2], 5)
    return a[:, ::-1].tolist()


def _poly_latlngs(g: Any) -> list:
    def one(p: Any) -> list:
        return [_latlngs(p.exterior.coords)[:-1]] + [_latlngs(r.coords)[:-1] for r in p.interiors]

    if g.geom_type == "Polygon":
        return one(g)
    return [one(p) for p in g.geoms]


def _pairs(g: np.ndarray) -> list[list[float]]:
    """(n, 2) lon/lat -> [[lat, lng], ...] rounded to 5 decimals (~1 m)."""
    return np.round(g[:, 1::-1], 5).tolist()


def _bulk_latlngs(codes: Sequence[str], geoms: Sequence[Any]) -> list[Any]:
    """The Leaflet coordinates of many parts at once: ``[lat, lng]`` for points and circles, a list of them
    for lines, rings (without the closing vertex) for polygons and lists of those for multipolygons.
    The same numbers as rounding each part on its own (:func:`_latlngs`, :func:`_poly_latlngs`)."""
    out: list[Any] = [None] * len(codes)
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = list(geoms)
    kinds = np.asarray(codes)
    types = np.where(shapely.is_empty(arr), -1, shapely.get_type_id(arr))
    pt = np.flatnonzero(((kinds == "p") | (kinds == "c")) & (types == 0))
    if len(pt):
        xy = np.round(shapely.get_coordinates(arr[pt])[:, 1::-1], 5).tolist()
        for i, c in zip(pt.tolist(), xy):
            out[i] = c
    ln = np.flatnonzero((kinds == "l") & (types == 1))
    simple = np.flatnonzero(((kinds == "h") | (kinds == "a")) & (types == 3))
    if len(simple):
        simple = simple[shapely.get_num_interior_rings(arr[simple]) == 0]
    for idx, closed in ((ln, False), (simple, True)):
        if not len(idx):
            continue
        g = arr[idx] if not closed else shapely.get_exterior_ring(arr[idx])
        xy, which = shapely.get_coordinates(g, return_index=True)
        flat = _pairs(xy)
        bounds = np.searchsorted(which, np.arange(len(idx) + 1)).tolist()
        for j, i in enumerate(idx.tolist()):
            a, b = bounds[j], bounds[j + 1]
            out[i] = [flat[a : b - 1]] if closed else flat[a:b]
    for i, c in enumerate(out):  # anything else (holes, multipolygons, odd geometries): one by one
        if c is None:
            code, g = codes[i], geoms[i]
            if code in ("p", "c"):
                out[i] = [_r(g.y), _r(g.x)]
            elif code == "l":
                out[i] = _latlngs(g.coords)
            else:
                out[i] = _poly_latlngs(g)
    return out


def _leaflet_style(kind: str, s: Mapping[str, Any]) -> dict[str, Any]:
    if kind == "point":
        shape = s.get("symbol-shape", "circle")
        return {"shape": shape, "radius": SYMBOL_RADIUS.get(shape, 6), "color": s["stroke"],
                "weight": s["stroke-width"], "opacity": s["stroke-opacity"], "fill": True,
                "fillColor": s["fill"], "fillOpacity": s["fill-opacity"]}
    out: dict[str, Any] = {"color": s["stroke"], "weight": s["stroke-width"], "opacity": s["stroke-opacity"],
                           "lineJoin": "round"}
    if s.get("stroke-dasharray"):
        out["dashArray"] = s["stroke-dasharray"]
    if "fill" in s:
        out.update(fill=True, fillColor=s["fill"], fillOpacity=s["fill-opacity"])
    else:
        out["fill"] = False
    return out


# The fields of an event's popup details, in the order the payload lists them (the browser zips them back
# into an object when a popup opens: no per-event key names in the file).
DETAIL_FIELDS = ("id", "kind", "layer", "title", "date", "date_precision", "date_inferred", "places",
                 "precision", "status", "claimed_by", "phase", "units", "flags", "sources", "n_reports", "n_sources")
# Quotes shown in one popup at most (the first, by report): an event a corpus tells thousands of times keeps a
# popup that opens at once and a page that stays small; events.geojson lists every source.
POPUP_SOURCES_MAX = 20


def _detail(st: Styled, layer_label: str) -> list[Any] | dict[str, Any]:
    if st.unresolved is not None:
        u = st.unresolved
        return {"unresolved": True, "text": u.text, "reason": u.reason, "report": u.report, "start": u.start,
                "end": u.end}
    e = st.event
    assert e is not None
    spec = SPECS.get(e.event_type)
    precision = GEO_PRECISION_LABELS[e.geo_precision]
    if e.uncertainty_m:
        precision += f", \u00b1{e.uncertainty_m / 1000:.1f} km"
    sources = e.sources
    return [
        e.id,
        spec.label if spec else e.event_type,
        layer_label if st.layer in ("region", "unresolved") else "",
        e.title,
        e.date,
        e.date_precision,
        e.date_inferred,
        [[p.text, p.name, p.gazetteer_id, p.role] for p in e.places],
        precision,
        e.status,
        list(e.claimed_by),
        e.phase,
        list(e.units),
        list(e.flags),
        [[s.report, s.quote, s.url, s.outlet, s.published, s.start, s.end] for s in sources[:POPUP_SOURCES_MAX]],
        len({s.report for s in sources}),
        len(sources),
    ]


def _label_point(e: Event) -> tuple[tuple[float, float], str] | None:
    """Where an event's place name goes: the target at an arrow's tip, the marker otherwise."""
    g = e.geometry
    places = list(e.places)
    if not places:
        return None
    if g.geom_type in ("LineString", "MultiLineString"):
        target = next((p for p in places if p.role == "target"), None)
        if target is None:
            return None
        line = g if g.geom_type == "LineString" else g.geoms[-1]
        x, y = line.coords[-1][:2]
        return (_r(y, 4), _r(x, 4)), (target.name or target.text)
    elif g.geom_type == "Point":
        x, y = g.x, g.y
    else:
        rp = g.representative_point()
        x, y = rp.x, rp.y
    p = next((p for p in places if p.role == "location"), places[0])
    return (_r(y, 4), _r(x, 4)), (p.name or p.text)


class _LayerCount(NamedTuple):
    """A layer of a map built in chunks: its spec and how many items it holds (what the layer control and
    the legend need; the items themselves are already in the payload)."""

    spec: LayerSpec
    count: int

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def name(self) -> str:
        return f"{self.spec.label} ({self.count})"

    @property
    def show(self) -> bool:
        return self.spec.show


class _Text:
    """Text written as it comes, then read back in pieces as often as asked: in memory, or in a file of a
    temporary folder when the map is built from a stream (a corpus run). The file is open for writing only
    while the map is built (:meth:`done`), and for reading only while it is read."""

    def __init__(self, folder: str | None, name: str) -> None:
        self.path = None if folder is None else Path(folder) / name
        self._f: Any = io.StringIO() if self.path is None else open(self.path, "w", encoding="utf-8", newline="")

    def write(self, text: str) -> None:
        self._f.write(text)

    def done(self) -> None:
        if self.path is not None:
            self._f.close()

    def pieces(self, size: int) -> Iterator[str]:
        if self.path is None:
            self._f.seek(0)
            while piece := self._f.read(size):
                yield piece
            self._f.seek(0, io.SEEK_END)
            return
        self.done()
        with open(self.path, encoding="utf-8", newline="") as f:
            while piece := f.read(size):
                yield piece


class _ItemSink:
    """One layer's items as the JSON text of their array, written as they come (:class:`_Text`: in a file when
    the map is built from a stream), so that the items never need to be held at once. The page is then
    written around them (:func:`html_pieces`)."""

    def __init__(self, folder: str | None, name: str) -> None:
        self._text = _Text(folder, name)
        self.n = 0

    def add(self, item: list[Any]) -> None:
        self._text.write(("," if self.n else "") + json.dumps(item, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
        self.n += 1

    def done(self) -> None:
        self._text.done()

    def pieces(self, size: int = 1 << 20) -> Iterator[str]:
        """The array's text, ``[`` to ``]``, in pieces (numbers, codes and commas only: safe in <script>)."""
        yield "["
        yield from self._text.pieces(size)
        yield "]"

    def text(self) -> str:
        return "".join(self.pieces())


class _DetailSink:
    """The popup details as the JSON text of their array, written as they come (:class:`_Text`: in a file when
    the map is built from a stream). Up to ``inline_max`` bytes they go in the payload as JSON; beyond,
    deflated and base64-encoded (the browser inflates them), and from a file that is done as the page is
    written, a block at a time (:meth:`pieces`), so a corpus's quotes are never held at once."""

    def __init__(self, folder: str | None, inline_max: int) -> None:
        self._text = _Text(folder, "details.json")
        self.in_file = folder is not None
        self.inline_max = inline_max
        self.n = 0
        self.size = 0  # characters of JSON so far

    def add(self, d: Any) -> None:
        text = ("," if self.n else "[") + json.dumps(d, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        self._text.write(text)
        self.n += 1
        self.size += len(text)

    def done(self) -> None:
        self._text.done()

    @property
    def inline(self) -> bool:
        return self.size + 1 <= self.inline_max

    def value(self) -> list[Any]:
        """The details as a list (while they are small enough to go inline)."""
        return json.loads("".join(self._text.pieces(1 << 20)) + "]") if self.n else []

    def pieces(self, size: int = 3 << 18) -> Iterator[str]:
        """The deflated details as a JSON string, quotes included, in pieces (base64: safe in <script>)."""
        z = zlib.compressobj(6)
        pending = b""
        yield '"'
        for text in itertools.chain(self._text.pieces(size), [""]):
            pending += z.compress(text.encode("utf-8")) if text else z.compress(b"]") + z.flush()
            cut = len(pending) - len(pending) % 3 if text else len(pending)  # whole base64 quanta until the end
            yield base64.b64encode(pending[:cut]).decode("ascii")
            pending = pending[cut:]
        yield '"'

    def text(self) -> str:
        return "".join(self.pieces())


_ITEMS_MARK = '"@@geomap-items-{}@@"'  # where a layer's items go in the page (a JSON string cannot hold it unescaped)
_DETAILS_MARK = '"@@geomap-details@@"'  # where the deflated popup details go, when they come from a file


class _PayloadBuilder:
    """The payload built from the layers of one chunk of events after another, so that a corpus's events
    never need to be held at once: each chunk's items go in as compact lists, its popup details as JSON text
    (deflated as they come once they outgrow ``details_inline_max``), and labels, legend, dates, bounds and
    report counts are tallied. One chunk gives what one pass over every layer gives."""

    def __init__(self, details_inline_max: int, folder: str | None = None) -> None:
        self.details_inline_max = details_inline_max
        self.folder = folder  # where the items go (None: in memory)
        self.styles: list[dict[str, Any]] = []
        self.style_index: dict[tuple[str, Any], int] = {}
        self.items: dict[str, _ItemSink] = {}
        self.specs: dict[str, LayerSpec] = {}
        self.counts: Counter[str] = Counter()  # events (styled items) per layer
        self.details = _DetailSink(folder, details_inline_max)
        self.label_counts: Counter[tuple[tuple[float, float], str]] = Counter()
        self.label_areas: set[str] = set()
        self.legend = _LegendFlags()
        self.days: list[int] = []
        self.bounds: tuple[float, float, float, float] | None = None
        self.part_bounds: tuple[float, float, float, float] | None = None
        self.reports = DistinctCount(folder)  # the reports the events come from (a corpus's: on disk)
        self.n_events = 0

    def add(self, layers: Sequence[Layer], events: Sequence[Event]) -> None:
        # the parts in drawing order; their coordinates are then rounded in bulk (one shapely call per kind
        # of geometry), not part by part
        rows: list[tuple[_ItemSink, str, Any, int, int, int | None, float]] = []
        for layer in layers:
            items = self.items.get(layer.key)
            if items is None:
                items = self.items[layer.key] = _ItemSink(self.folder, f"items-{len(self.items)}.json")
            self.specs[layer.key] = layer.spec
            self.counts[layer.key] += len(layer.items)
            label = layer.spec.label
            for st in layer.items:
                di = self.details.n
                self.details.add(_detail(st, label))
                day = st.day
                for part in st.parts:
                    key = (part.kind, part.style)
                    si = self.style_index.get(key)
                    if si is None:
                        si = self.style_index[key] = len(self.styles)
                        self.styles.append(_leaflet_style(part.kind, part.style))
                    rows.append((items, KIND_CODES[part.kind], part.geometry, si, di if part.interactive else -1,
                                 day, part.radius_m))
                    if st.event is None:
                        self.part_bounds = union_bounds(self.part_bounds, part.geometry.bounds)
        coords = _bulk_latlngs([r[1] for r in rows], [r[2] for r in rows])
        for (items, code, _g, si, di, day, radius), c in zip(rows, coords):
            item: list[Any] = [code, c, si, di, day]
            if code == "c":
                item.append(round(radius))
            items.add(item)
        _count_labels(layers, self.label_counts, self.label_areas)
        self.legend.add(layers)
        self.days.extend(d for d in (day_number(e.date) for e in events) if d is not None)
        if self.days:
            self.days = [min(self.days), max(self.days)]
        self.bounds = union_bounds(self.bounds, events_bounds(list(events)))
        self.reports.update(s.report for e in events for s in e.sources)
        self.n_events += len(events)

    def layers(self) -> list[_LayerCount]:
        """The layers present, in display order."""
        return [_LayerCount(self.specs[k], self.counts[k]) for k in SPECS_ORDER if self.counts[k]]

    def sinks(self) -> list[_ItemSink]:
        """The item arrays of the layers present, in the order of their marks in the payload."""
        return [self.items[lay.key] for lay in self.layers()]

    def done(self) -> None:
        """The map is built: the spilled text is only read from now on."""
        for sink in self.items.values():
            sink.done()
        self.details.done()

    def spilled(self) -> list[tuple[str, Any]]:
        """(mark, sink) of everything in the payload that :func:`html_pieces` copies in from a sink: each
        layer's items, then the deflated details when they are in a file."""
        marks = [(_ITEMS_MARK.format(i), sink) for i, sink in enumerate(self.sinks())]
        if self.details.in_file and not self.details.inline:
            marks.append((_DETAILS_MARK, self.details))
        return marks

    def finish(self, *, basemap: Basemap | None = None, offline: bool = True, title: str | None = None) -> dict[str, Any]:
        bounds = self.bounds if self.bounds is not None else self.part_bounds  # only unresolved points, or nothing
        labels = _rank_labels(self.label_counts, self.label_areas)
        n, nr = self.n_events, len(self.reports)
        self.reports.close()
        subtitle = f"{n:,} event{'s' if n != 1 else ''} from {nr:,} report{'s' if nr != 1 else ''}"
        days = self.days
        if days:
            d0, d1 = days
            from datetime import date, timedelta

            a, b = date(1970, 1, 1) + timedelta(days=d0), date(1970, 1, 1) + timedelta(days=d1)
            subtitle += f" \u00b7 {a.isoformat()}" + (f" \u2013 {b.isoformat()}" if d1 > d0 else "")
        data: dict[str, Any] = {
            "version": 1,
            "offline": offline,
            "title": title if title is not None else "Reported military events",
            "subtitle": subtitle,
            "bounds": None if bounds is None else [[_r(bounds[1]), _r(bounds[0])], [_r(bounds[3]), _r(bounds[2])]],
            "days": list(days) if days else None,
            "shapes": {k: [[list(map(list, pts)), closed, fill, stroke] for pts, closed, fill, stroke in v]
                       for k, v in SHAPES.items()},
            "styles": self.styles,
            "detail_fields": list(DETAIL_FIELDS),
            # each layer's items: a mark here, the array itself in ``self.items`` (see :func:`html_pieces`)
            "layers": [{"key": lay.key, "name": lay.name, "show": lay.show, "items": _ITEMS_MARK.format(i)[1:-1]}
                       for i, lay in enumerate(self.layers())],
            "labels": labels,
            "basemap": _basemap_payload(basemap, {lb[1].casefold() for lb in labels}) if basemap else None,
            "attribution": html.escape(basemap.attribution) if basemap else "",
        }
        if self.details.inline:
            data["details"] = self.details.value()
        elif self.details.in_file:  # a mark here, the text itself from the file (see :func:`html_pieces`)
            data["details_z"] = _DETAILS_MARK[1:-1]
        else:
            data["details_z"] = self.details.text()[1:-1]
        return data


SPECS_ORDER = tuple(spec.key for spec in LAYER_SPECS)


def payload(
    layers: Sequence[Layer],
    events: Sequence[Event],
    *,
    basemap: Basemap | None = None,
    offline: bool = True,
    title: str | None = None,
    details_inline_max: int = DETAILS_INLINE_MAX,
) -> dict[str, Any]:
    """The JSON the browser draws from: styles, symbol shapes, per-layer items, popup details, labels,
    the date range and the basemap."""
    builder = _PayloadBuilder(details_inline_max)
    builder.add(layers, events)
    data = builder.finish(basemap=basemap, offline=offline, title=title)
    for lay, sink in zip(data["layers"], builder.sinks()):
        lay["items"] = json.loads(sink.text())
    return data


def _count_labels(layers: Sequence[Layer], counts: Counter, areas: set[str]) -> None:
    """Tally where the shown layers' events put their place names (see :func:`_rank_labels`)."""
    for layer in layers:
        if not layer.show:
            continue
        for st in layer.items:
            if st.event is not None:
                lp = _label_point(st.event)
                if lp is not None and lp[1]:
                    counts[lp] += 1
                    if st.event.geometry.geom_type in ("Polygon", "MultiPolygon"):
                        areas.add(lp[1])


def _rank_labels(counts: Counter, areas: set[str]) -> list[list[Any]]:
    # one label per name (the most used position), the names most events share first
    best: dict[str, tuple[int, tuple[float, float]]] = {}
    for (pos, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0])):
        if name not in best:
            best[name] = (n, pos)
    # in rank order, named points and arrow tips before areas (an area shows itself): where labels collide
    # on screen, the browser keeps the earlier one
    ranked = sorted(best.items(), key=lambda kv: (kv[0] in areas, -kv[1][0], kv[0]))[:MAX_EVENT_LABELS]
    return [[list(pos), name] for name, (n, pos) in ranked]


def _basemap_payload(b: Basemap, taken: set[str]) -> dict[str, Any]:
    gj = b.to_geojson()
    w, s, e, n = b.bbox
    area = max((e - w) * (n - s), 1e-9)
    by_name = {(f.name, f.kind): f for g in ("countries", "admin1") for f in getattr(b, g)}
    for group, min_share in (("countries", 0.02), ("admin1", 0.002)):
        for feat in gj[group]["features"]:
            f = by_name.get((feat["properties"]["name"], feat["properties"]["kind"]))
            if f is not None and f.geometry.area / area >= min_share:
                rp = f.geometry.representative_point()
                feat["properties"]["label"] = [_r(rp.y, 3), _r(rp.x, 3)]
    gj["places"]["features"] = [f for f in gj["places"]["features"] if f["properties"]["name"].casefold() not in taken]
    return gj


# ---------------------------------------------------------------------------------------------- legend
def symbol_svg(shape: str, fill: str, stroke: str, size: int = 18, stroke_width: float = 1.2) -> str:
    """A point symbol as inline SVG (the legend; the same shapes the canvas draws)."""
    c = size / 2
    r = size * 0.36
    parts = SHAPES.get(shape, ())
    if not parts:
        sw = 2 if shape == "ring" else stroke_width
        f = "none" if shape == "ring" else fill
        return (f'<svg width="{size}" height="{size}" viewBox="0 0 {size} {size}" aria-hidden="true">'
                f'<circle cx="{c}" cy="{c}" r="{r:.2f}" fill="{f}" stroke="{stroke}" stroke-width="{sw}"/></svg>')
    body = []
    for pts, closed, pfill, pstroke in parts:
        d = " ".join(f"{'M' if i == 0 else 'L'}{c + x * r:.2f} {c - y * r:.2f}" for i, (x, y) in enumerate(pts))
        if closed:
            d += " Z"
        fa = {"color": fill, "halo": stroke, None: "none"}[pfill]
        sa = {"color": fill, "halo": stroke, None: "none"}[pstroke]
        sw = stroke_width if pstroke == "halo" else 2
        body.append(f'<path d="{d}" fill="{fa}" stroke="{sa}" stroke-width="{sw}" stroke-linejoin="round"/>')
    return (f'<svg width="{size}" height="{size}" viewBox="0 0 {size} {size}" aria-hidden="true">'
            + "".join(body) + "</svg>")


def _arrow_svg(color: str, dash: str = "", hollow: bool = False, w: int = 34) -> str:
    da = f' stroke-dasharray="{dash}"' if dash else ""
    fill = "#ffffff" if hollow else color
    return (f'<svg width="{w}" height="14" viewBox="0 0 {w} 14" aria-hidden="true">'
            f'<path d="M2 7 L{w - 11} 7" stroke="{color}" stroke-width="3"{da} fill="none"/>'
            f'<path d="M{w - 2} 7 L{w - 12} 2 L{w - 9} 7 L{w - 12} 12 Z" fill="{fill}" stroke="{color}" '
            f'stroke-width="1.5" stroke-linejoin="round"/></svg>')


def _area_svg(color: str, opacity: float, dash: str = "", circle: bool = False) -> str:
    da = f' stroke-dasharray="{dash}"' if dash else ""
    shape = ('<circle cx="9" cy="7" r="6"' if circle else '<rect x="2" y="2" width="14" height="10" rx="1"')
    return (f'<svg width="18" height="14" viewBox="0 0 18 14" aria-hidden="true">{shape} fill="{color}" '
            f'fill-opacity="{opacity}" stroke="{color}" stroke-width="1.5"{da}/></svg>')


def layer_swatch(key: str) -> str:
    spec = SPECS[key]
    if key in ("axis", "movement"):
        return _arrow_svg(spec.color, w=24)
    if key == "region":
        return _area_svg(spec.color, 0.3)
    s = simplestyle(key if key in SPECS and key not in ("unresolved",) else "other", "reported", None, "point",
                    "unresolved" if key == "unresolved" else key)
    return symbol_svg(s["symbol-shape"], s["fill"], s["stroke"], 16)


class _LegendFlags:
    """Which conventions the legend explains, tallied over the layers of one chunk after another."""

    def __init__(self) -> None:
        self.phases: set[int] = set()
        self.projected = self.circle = self.area = self.disputed = self.unresolved = False

    def add(self, layers: Sequence[Layer]) -> None:
        for lay in layers:
            self.unresolved |= lay.key == "unresolved"
            for st in lay.items:
                e = st.event
                if e is None:
                    continue
                kinds = {p.kind for p in st.parts}
                if "arrowhead" in kinds:
                    self.phases.add(e.phase or 1)
                    self.projected |= e.status == "projected"
                self.circle |= "circle" in kinds
                self.area |= "area" in kinds and st.layer != "region"
                self.disputed |= e.status == "disputed"


def legend_html(layers: Sequence[Layer]) -> str:
    """The legend: one row per layer present, then the line, status and uncertainty conventions in use.
    Built only from geomap's constants (no report text), escaped anyway."""
    flags = _LegendFlags()
    flags.add(layers)
    return _legend(layers, flags)


def _legend(layers: Sequence[Layer | _LayerCount], flags: _LegendFlags) -> str:
    rows = ['<h4>Legend</h4>']
    for lay in layers:
        rows.append(f'<div class="gm-row">{layer_swatch(lay.key)}<span>{html.escape(lay.spec.label)}</span></div>')
    if flags.phases:
        grey = "#555555"
        for ph in sorted(flags.phases):
            dash = {1: "", 2: "10 7"}.get(ph, "2 6")
            rows.append(f'<div class="gm-row">{_arrow_svg(grey, dash)}<span>phase {ph}</span></div>')
        if flags.projected:
            rows.append(f'<div class="gm-row">{_arrow_svg(grey, hollow=True)}<span>projected (possible or planned)</span></div>')
            rows.append(f'<div class="gm-row">{_arrow_svg(grey)}<span>reported or confirmed</span></div>')
    if flags.circle:
        rows.append(f'<div class="gm-row">{_area_svg("#555555", 0.08, "3 3", circle=True)}<span>location uncertainty</span></div>')
    if flags.area:
        rows.append(f'<div class="gm-row">{_area_svg("#555555", 0.1, "3 3")}<span>area where it happened</span></div>')
    if flags.disputed:
        rows.append('<div class="gm-row"><span>faded symbol: disputed</span></div>')
    if flags.unresolved:
        rows.append('<div class="gm-note">Unresolved and low-precision items are hidden; tick the layer to see them.</div>')
    rows.append('<div class="gm-note">Click a symbol for its date, places, claims and sources.</div>')
    return "".join(rows)


# ---------------------------------------------------------------------------------------------- folium
class GeomapMap(folium.Map):
    """A folium.Map that links no CDN: Leaflet is inlined by :class:`_Assets` (the class lists of folium.Map
    are left untouched: its ``add_js_link`` mutates state every map shares)."""

    default_js: list[tuple[str, str]] = []
    default_css: list[tuple[str, str]] = []


class _Raw(Element):
    """Text that goes into the page as it is. (branca compiles the output of every MacroElement macro as a
    new Jinja template: with a payload of report text that is slow at 100k events and would evaluate any
    ``{{ ... }}`` a report contains. The text here is already safe for its place: see _json_for_script.)"""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class _Assets(MacroElement):
    _template = Template("")

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure)
        figure.header.add_child(_Raw(
            f'<link rel="icon" href="data:,">\n<style>{self.leaflet_css}</style>\n<script>{self.leaflet_js}</script>\n'
            f'<style>{self.geomap_css}</style>\n<script>{self.geomap_js}</script>'), name=self.get_name())

    def __init__(self) -> None:
        super().__init__()
        self._name = "GeomapAssets"
        js, css = _leaflet_assets()
        gjs, gcss = _geomap_assets()
        self.leaflet_js = _inline(js, "leaflet.js")
        self.leaflet_css = _inline(css, "leaflet.css")
        self.geomap_js = _inline(gjs, "geomap.js")
        self.geomap_css = _inline(gcss, "geomap.css")


class _Data(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
    var {{ this.get_name() }} = geomap.init({{ this._parent.get_name() }},
        JSON.parse(document.getElementById({{ this.get_name()|tojson }}).textContent));
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, Any], spilled: Sequence[tuple[str, Any]] = (), folder: str | None = None) -> None:
        super().__init__()
        self._name = "GeomapData"
        self.json = _json_for_script(data)  # with a mark where each layer's items (and spilled details) go
        self.spilled = list(spilled)  # (mark, sink): the sink's pieces replace the mark
        if folder is not None:  # the temporary folder of the spilled text: removed when the map goes
            weakref.finalize(self, shutil.rmtree, folder, True)
        self.marks_kept = False  # True while :func:`html_pieces` renders: it copies the items in itself

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure)
        text = self.json
        if not self.marks_kept:  # a whole page (Jupyter, ``get_root().render()``): the items in place
            for mark, sink in self.spilled:
                text = text.replace(mark, sink.text(), 1)
        figure.html.add_child(_Raw(f'<script type="application/json" id="{self.get_name()}">{text}</script>'),
                              name=self.get_name())
        super().render(**kwargs)


class _EventLayer(_FoliumLayer):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
    var {{ this.get_name() }} = {{ this.ctx.get_name() }}.{{ this.method }}({{ this.key|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, ctx: _Data, key: str, name: str, *, overlay: bool = True, show: bool = True,
                 method: str = "layer") -> None:
        super().__init__(name=name, overlay=overlay, control=True, show=show)
        self._name = "GeomapLayer"
        self.ctx = ctx
        self.key = key
        self.method = method


class _Finish(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
    {{ this.ctx.get_name() }}.finish({{ this.legend|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, ctx: _Data, legend: str) -> None:
        super().__init__()
        self._name = "GeomapFinish"
        self.ctx = ctx
        self.legend = legend


def _stable_ids(root: Element) -> None:
    """Replace folium/branca's random element ids by their order in the tree (byte-identical output)."""
    counter = 0

    def walk(el: Element) -> None:
        nonlocal counter
        el._id = f"{counter:04d}"
        counter += 1
        for child in list(el._children.values()):
            walk(child)

    walk(root)


def render(
    events: Iterable[Event],
    *,
    offline: bool = True,
    basemap: Basemap | bool | None = None,
    unresolved: Iterable[Unresolved | Mapping[str, Any]] = (),
    title: str | None = None,
    tiles: str = "OpenStreetMap",
    details_inline_max: int = DETAILS_INLINE_MAX,
) -> folium.Map:
    """The map of ``events`` as a folium.Map (displays in Jupyter; ``to_html(m)`` gives the file).

    ``offline=True`` (default) makes no request at all; ``basemap`` is a :class:`Basemap`, None to build one
    from the default gazetteer (offline mode only; skipped with a warning if it cannot be opened) or False
    for none. ``unresolved`` items with a point show in the off-by-default layer. ``title`` heads the map."""
    with _gc_paused():
        return _render(events, offline=offline, basemap=basemap, unresolved=unresolved, title=title, tiles=tiles,
                       details_inline_max=details_inline_max)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a map is built: it makes millions of small acyclic objects, and
    the collector's passes over them cost a fifth of the build at 100k events."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _render(
    events: Iterable[Event],
    *,
    offline: bool,
    basemap: Basemap | bool | None,
    unresolved: Iterable[Unresolved | Mapping[str, Any]],
    title: str | None,
    tiles: str,
    details_inline_max: int,
) -> folium.Map:
    unres = [u for u in (u if isinstance(u, Unresolved) else Unresolved.from_dict(u) for u in unresolved)
             if u.lat is not None]  # only items with a point are drawn (a corpus has many without)
    # the events a chunk at a time (a corpus run streams them from disk): the payload keeps what it needs of each
    # (unresolved items go with the last chunk: their ids, "unr-...", sort after every event id, so each
    # layer lists its items in the order one pass over all events gives)
    spill = None if isinstance(events, (list, tuple)) else tempfile.mkdtemp(prefix="geomap-map-")
    builder = _PayloadBuilder(details_inline_max, spill)
    chunks = chunked(in_id_order(events), RENDER_CHUNK)
    chunk = next(chunks, [])
    while True:
        following = next(chunks, None)
        builder.add(build_layers(chunk, unres if following is None else ()), chunk)
        if following is None:
            break
        chunk = following
    bounds = builder.bounds
    bm: Basemap | None
    if isinstance(basemap, Basemap):
        bm = basemap
    elif basemap is None and offline and bounds is not None:
        bm = default_basemap(bounds)
    else:
        bm = None
    builder.done()
    data = builder.finish(basemap=bm, offline=offline, title=title)
    layers = builder.layers()
    center = [0.0, 0.0] if bounds is None else [(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2]
    m = GeomapMap(location=center, zoom_start=2 if bounds is None else 6, tiles=None if offline else tiles,
                  control_scale=True)
    fig = m.get_root()
    if isinstance(fig, Figure):
        fig.title = html.escape(title if title is not None else "geomap: reported military events")
    if not offline and m._children:
        for child in m._children.values():  # the tile layer: show it under a plain name
            if isinstance(child, _FoliumLayer):
                child.layer_name = f"{tiles} (online tiles)"
    _Assets().add_to(m)
    ctx = _Data(data, builder.spilled(), folder=spill)
    ctx.add_to(m)
    if bm is not None and not bm.is_empty:
        _EventLayer(ctx, "basemap", "Offline basemap (gazetteer)", overlay=False, show=offline,
                    method="basemap").add_to(m)
    for layer in layers:
        name = f'<span class="gm-swatch">{layer_swatch(layer.key)}</span>{html.escape(layer.name)}'
        _EventLayer(ctx, layer.key, name, show=layer.show).add_to(m)
    _Finish(ctx, _legend(layers, builder.legend)).add_to(m)
    folium.LayerControl(position="topright", collapsed=False).add_to(m)
    _stable_ids(m.get_root())
    return m


def to_html(m: folium.Map) -> str:
    """The complete, self-contained HTML document of a map made by :func:`render`."""
    return "".join(html_pieces(m))


def html_pieces(m: folium.Map) -> Iterator[str]:
    """:func:`to_html` in pieces: the page, with each layer's items (and the deflated popup details) copied in
    where their marks are, from files when the map was built from a stream: a corpus's items and quotes are
    never one string in memory."""
    data = next((c for c in m._children.values() if isinstance(c, _Data)), None)
    spilled = data.spilled if data is not None else []
    if data is not None:
        data.marks_kept = True
    try:
        with _gc_paused():
            page = m.get_root().render()
    finally:
        if data is not None:
            data.marks_kept = False
    for mark, sink in spilled:
        head, page = page.split(mark, 1)
        yield head
        yield from sink.pieces()
    yield page
