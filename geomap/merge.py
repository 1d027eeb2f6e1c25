"""One event told many times (by several reports, or several times in one live blog) becomes one Event with
several sources.

Two events are the same event when all three hold:

* same ``event_type`` (and, for axes, the same ``phase``);
* same place: the same place key (gazetteer ids, or the same constructed border point / band / river
  segment), or one precise event (geo_precision 1-2) lies within the other's uncertainty radius plus 5 km;
* compatible dates: the date ranges overlap (a day is itself, a week its seven days, a month its days...;
  one day of slack for "overnight"), or either event has no date.

The merged event keeps the most precise geometry (lowest geo_precision, then smallest uncertainty), the most
precise date, the union of claimants, units, places and flags, and every source (sorted by report, offset).
Status: ``confirmed`` if any source confirms; else ``disputed`` if any disputes; else ``reported`` if any
reports; else ``projected``. A confirmed or reported event that some source disputes keeps the flag
``disputed_by_some``. Ids are recomputed from type + place key + date, so they do not depend on run order.
"""

from __future__ import annotations

import math
from bisect import insort
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

from pyproj import Geod
import shapely

from geomap.event import Event, PlaceRef, Source, event_id

__all__ = ["merge_events", "same_event", "date_range", "merged_status", "make_id", "partition", "finish"]

_GEOD = Geod(ellps="WGS84")
_PREC_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}
_STATUS_RANK = {"confirmed": 0, "disputed": 1, "reported": 2, "projected": 3}


def date_range(d: str | None, precision: str | None) -> tuple[date, date] | None:
    """The days an ISO date of a given precision covers (inclusive), or None without a date."""
    if not d:
        return None
    x = date.fromisoformat(d)
    if precision == "week":
        return x, x + timedelta(days=6)
    if precision == "month":
        nxt = date(x.year + (x.month == 12), x.month % 12 + 1, 1)
        return x, nxt - timedelta(days=1)
    if precision == "year":
        return x, date(x.year, 12, 31)
    return x, x


def _range(e: Event) -> tuple[date, date] | None:
    r = date_range(e.date, e.date_precision)
    if r is not None and not dict(e.extra).get("date_stated", not e.date_inferred) and e.date_precision == "day":
        # an undated sentence took the report's date: the event happened by then, within the week before
        return r[0] - timedelta(days=7), r[1]
    return r


def _dates_ok(a: Event, b: Event, slack_days: int = 1) -> bool:
    ra, rb = _range(a), _range(b)
    if ra is None or rb is None:
        return True
    slack = timedelta(days=slack_days)
    return ra[0] - slack <= rb[1] and rb[0] - slack <= ra[1]


def _key(e: Event) -> str:
    return dict(e.extra).get("place_key", "") or "|".join(sorted(p.gazetteer_id or p.name for p in e.places))


def _near(a: Event, b: Event) -> bool:
    """Two precise events (geo_precision 1-2) within the smaller uncertainty plus 5 km of each other: the same
    place told differently ("Stanitsya Luhanska" / "16km north-east of Luhansk", one river segment drawn
    from two descriptions). Region-level events never merge by distance: they would swallow everything."""
    return _near_reports(a, b, {s.report for s in b.sources})


def _near_reports(a: Event, b: Event, b_reports: set[str]) -> bool:
    """``_near`` with the reports that tell ``b`` given (the merge index checks several tellings at once)."""
    if a.geo_precision == 3 or b.geo_precision == 3 or a.event_type == "axis":
        return False  # axes are one per origin-target pair: they meet at their target by design
    return _within(a, b, _gap_m(a, b), b_reports)


def _gap_m(a: Event, b: Event) -> float:
    """How far apart two events' geometries are for ``_near``, in metres."""
    pa, pb = a.geometry, b.geometry
    if pa.geom_type == "Point" and pb.geom_type == "Point":
        return _GEOD.inv(pa.x, pa.y, pb.x, pb.y)[2]
    # lines and areas: the farthest gap between them (two moves to one town are not one move)
    return shapely.hausdorff_distance(pa, pb) * 111000.0 * max(0.2, math.cos(math.radians(pa.centroid.y)))


def _within(a: Event, b: Event, d: float, b_reports: set[str]) -> bool:
    same_report = not b_reports.isdisjoint({s.report for s in a.sources})
    return d <= min(a.uncertainty_m, b.uncertainty_m) + (10000.0 if same_report else 5000.0)


def same_event(a: Event, b: Event) -> bool:
    """Whether two events are one (see the module docstring)."""
    if a.event_type != b.event_type or a.phase != b.phase:
        return False
    if not _dates_ok(a, b):
        return False
    return _key(a) == _key(b) or _near(a, b)


def merged_status(statuses: list[str]) -> tuple[str, bool]:
    """(status, disputed_by_some) for the statuses of an event's sources."""
    s = set(statuses)
    for st in ("confirmed", "disputed", "reported", "projected"):
        if st in s:
            return st, ("disputed" in s and st != "disputed")
    return "reported", False


def make_id(e: Event) -> str:
    return event_id(e.event_type, f"{_key(e)}|{e.phase or ''}|{e.date or ''}")


def _combine(group: Iterable[Event]) -> Event:
    """The group's tellings as one event, folded one telling at a time (a corpus's much-told event is combined
    from a stream without holding its tellings, only what the result keeps): the most precise telling's place,
    the best-stated date, every status, claim, unit, flag, place and source."""
    best = when = None
    best_key = when_key = None
    statuses: list[str] = []
    flags: set[str] = set()
    claimed: set[str] = set()
    units: set[str] = set()
    places: dict[tuple[str, str], tuple[tuple[int, float, int, int], PlaceRef]] = {}
    sources: dict[tuple[str, int, int], Source] = {}
    for i, e in enumerate(group):
        k = (e.geo_precision, e.uncertainty_m, e.sources[0].report, e.sources[0].start)
        if best_key is None or k < best_key:  # ``min``: the first of equals
            best, best_key = e, k
        e_extra = dict(e.extra)
        if e.date:
            wk = (not e_extra.get("date_stated", True), _PREC_RANK.get(e.date_precision or "year", 3), e.date_inferred, e.date)
            if when_key is None or wk < when_key:
                when, when_key = e, wk
        statuses.extend(e_extra.get("source_statuses", (e.status,)))
        flags.update(f for f in e.flags if f != "near")
        claimed.update(e.claimed_by)
        units.update(e.units)
        for j, p in enumerate(e.places):  # the most precise telling's spelling of each place, in that order
            rank = (e.geo_precision, e.uncertainty_m, i, j)
            pk = (p.gazetteer_id or p.name, p.role)
            if pk not in places or rank < places[pk][0]:
                places[pk] = (rank, p)
        for src in e.sources:
            sources[(src.report, src.start, src.end)] = src
    if best is None:
        raise ValueError("an empty group has no event")
    if when is None:
        when = best
    status, disputed = merged_status(statuses)
    flags |= {"near"} & set(best.flags)
    if disputed:
        flags.add("disputed_by_some")
    extra = dict(best.extra)
    extra["source_statuses"] = tuple(statuses)
    extra["date_stated"] = bool(dict(when.extra).get("date_stated", True))
    return replace(
        best,
        date=when.date,
        date_precision=when.date_precision,
        date_inferred=when.date_inferred,
        status=status,
        claimed_by=tuple(sorted(claimed)),
        units=tuple(sorted(units)),
        flags=tuple(sorted(flags)),
        places=tuple(p for _, p in sorted(places.values(), key=lambda rp: rp[0])),
        sources=tuple(sources[k] for k in sorted(sources)),
        extra=tuple(sorted(extra.items())),
    )


def _vague(e: Event) -> bool:
    return e.geo_precision == 3 or "near" in e.flags


def _inside(vague: Event, precise: Event) -> bool:
    g, p = vague.geometry, precise.geometry.representative_point()
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return bool(g.buffer(0.01).contains(p))
    if g.geom_type == "Point":
        return _GEOD.inv(g.x, g.y, p.x, p.y)[2] <= vague.uncertainty_m
    return bool(g.distance(p) < 0.01)


def _absorb_vague(groups: list[list[Event]]) -> list[list[Event]]:
    """A headline or lead tells an event vaguely ("blasts at a Crimean air base", "helicopters assault an
    airport near Kyiv") before the body places it. A vague telling (region-level, or "near X") joins the one
    precise event of the same type, overlapping date (no slack) and report that lies inside its area and that the same
    report tells later. With two or more such events it stays apart: which one it means is not known."""
    absorbed, _ = _absorb(groups)
    return [g for i, g in enumerate(groups) if i not in absorbed]


def _absorb(groups: list[list[Event]]) -> tuple[set[int], list[Event | None]]:
    """``_absorb_vague`` in place: extends the absorbing groups and returns the indices of the absorbed ones,
    and each group's combined event when the group did not change (None when it did: combine it again)."""
    heads = [(g, _combine(g)) for g in groups]
    by_report: dict[str, list[int]] = {}
    for j, (_, p) in enumerate(heads):
        for r in sorted({s.report for s in p.sources}):
            by_report.setdefault(r, []).append(j)
    absorbed: set[int] = set()
    grown: set[int] = set()
    for i, (g, v) in enumerate(heads):
        if not _vague(v) or not all(p.gazetteer_id for p in v.places):
            continue  # a constructed area (a band along a border) is its own event, not a vague telling
        v_reports = {s.report: s.start for s in v.sources}
        cands = []
        for j in sorted({j for r in v_reports for j in by_report.get(r, ())}):  # only events of v's reports qualify
            h, p = heads[j]
            if j == i or j in absorbed or _vague(p) or p.event_type != v.event_type or p.phase != v.phase:
                continue
            if not _dates_ok(v, p, slack_days=0) or not _inside(v, p):
                continue
            if dict(v.extra).get("date_stated", True) and not dict(p.extra).get("date_stated", True):
                continue  # a dated region-level count is not the undated town event
            if any(s.report in v_reports and v_reports[s.report] < s.start for s in p.sources):
                cands.append(j)
        if len(cands) == 1:
            heads[cands[0]][0].extend(g)
            absorbed.add(i)
            grown.add(cands[0])
    return absorbed, [None if i in grown else h for i, (_, h) in enumerate(heads)]


_CELL_DEG = 0.25  # the distance index's grid: members are filed by the cell of their bounds' south-west corner
_BUCKET_DAYS = 8
Box = tuple[float, float, float, float]


def _cells(box: Box, size: float = _CELL_DEG) -> tuple[tuple[int, int], ...]:
    w, s, e, n = box
    return tuple((x, y) for x in range(math.floor(w / size), math.floor(e / size) + 1)
                 for y in range(math.floor(s / size), math.floor(n / size) + 1))


def _reach_box(e: Event) -> Box | None:
    """The area where ``_near`` could match ``e``: its geometry's bounds grown by its uncertainty plus the
    same-report slack, generously converted to degrees. When ``_near(e, x)`` holds, the bounds of ``x`` meet
    that area (``_near`` converts degrees to metres with the cosine of ``e``'s centroid latitude, floored at
    0.2, and so does the latitude reach here; the longitude reach uses the smaller cosine of the latitude of
    ``e``'s bounds farthest from the equator). None for events that never merge by distance (region-level,
    axes)."""
    if e.geo_precision == 3 or e.event_type == "axis":
        return None
    g = e.geometry
    w, s, east, n = g.bounds
    cy = g.y if g.geom_type == "Point" else g.centroid.y
    reach_m = (e.uncertainty_m + 10000.0) * 1.5
    dlat = reach_m / (110000.0 * max(0.2, math.cos(math.radians(cy))))
    dlon = reach_m / (110000.0 * max(0.2, math.cos(math.radians(max(abs(s), abs(n))))))
    return (w - dlon, s - dlat, east + dlon, n + dlat)


def _corner_window(e: Event) -> Box | None:
    """Where the south-west corner of the bounds of every ``x`` with ``_near(e, x)`` lies. Two points: ``x``
    is in the reach box. Otherwise ``_gap_m`` is a Hausdorff distance (GEOS's discrete one, both ways), at
    least how far apart the two bounds' west edges are, and their south edges (the vertex on the outer edge
    is that far from all of the other geometry): so ``x``'s corner lies within the reach, in degrees as
    ``_gap_m`` converts them, of ``e``'s own corner; for a point ``e`` that square is inside its reach box.
    (A long line is found from events near its corner, not from every event inside its bounds.)"""
    box = _reach_box(e)
    if box is None or e.geometry.geom_type == "Point":
        return box
    g = e.geometry
    w, s = g.bounds[:2]
    t = (e.uncertainty_m + 10000.0) / (0.999 * 111000.0 * max(0.2, math.cos(math.radians(g.centroid.y))))
    return (w - t, s - t, w + t, s + t)


def _reach_cells(e: Event) -> tuple[tuple[int, int], ...]:
    """The grid cells of ``_corner_window``: where the merge index files the members ``e`` may be near (see
    ``_own_cells``). Empty for events that never merge by distance."""
    box = _corner_window(e)
    return () if box is None else _cells(box)


def _own_cells(e: Event) -> tuple[tuple[int, int], ...]:
    """Where the merge index files ``e``: the one cell of its bounds' south-west corner. Empty like
    ``_reach_cells``."""
    if e.geo_precision == 3 or e.event_type == "axis":
        return ()
    w, s = e.geometry.bounds[:2]
    return ((math.floor(w / _CELL_DEG), math.floor(s / _CELL_DEG)),)


def _buckets(r: tuple[date, date] | None, slack_days: int = 0) -> range | None:
    """The ``_BUCKET_DAYS``-day buckets a date range (grown by ``slack_days`` each side) touches; None undated."""
    if r is None:
        return None
    return range((r[0].toordinal() - slack_days) // _BUCKET_DAYS, (r[1].toordinal() + slack_days) // _BUCKET_DAYS + 1)


def _gi(entry: list | tuple) -> int:
    return entry[0]


class _Index:
    """Where the members of the groups built so far can be found: by (kind, place key) and by (kind, grid cell),
    each split by date bucket (undated members under ``None``). A member that is the same event as a new event
    shares its kind, has its place key or a cell of its reach (see ``_reach_cells``), and has an overlapping
    date range (one day of slack) or no date: so it is found under one of the new event's buckets or ``None``.
    Members with the same key and the same date range are interchangeable for the key test (``same_event`` is
    then the date test alone): the key index keeps one (group, range) pair per distinct range, so a place told
    a thousand times costs one check per date range, not a thousand.

    Every slot is kept sorted by group number: ``home`` wants the lowest group with a matching member, so it
    stops reading a slot at the first member of a group not below the best found so far. (Without that, a
    corpus that tells the same places ever more often reads ever longer slots of members of later groups.)"""

    def __init__(self) -> None:
        self.by_key: dict[tuple, dict[int | None, list[tuple]]] = {}
        self.key_pairs: set[tuple] = set()
        self.by_cell: dict[tuple, dict[int | None, list[list]]] = {}
        self.tellings: dict[tuple, list] = {}

    def add(self, gi: int, e: Event, kind: tuple, key: str, cells: tuple, rng: tuple[date, date] | None) -> None:
        buckets = _buckets(rng, 1)
        pair = (kind, key, gi, rng)
        if pair not in self.key_pairs:
            self.key_pairs.add(pair)
            table = self.by_key.setdefault((kind, key), {})
            for b in buckets if buckets is not None else (None,):
                insort(table.setdefault(b, []), (gi, rng), key=_gi)
        if not cells:
            return
        # For the distance test, members of one group that have the same key, date range, precision,
        # uncertainty and geometry are one telling: ``_near`` differs between them only by whether a report is
        # shared, so one entry holds the union of their reports.
        sig = (kind, gi, key, rng, e.geo_precision, e.uncertainty_m, e.geometry.wkb)
        entry = self.tellings.get(sig)
        if entry is not None:
            entry[4].update(s.report for s in e.sources)
            return
        entry = self.tellings[sig] = [gi, e, key, rng, {s.report for s in e.sources}, sig[-1], e.geometry.bounds,
                                      e.geometry.geom_type == "Point"]
        for b in buckets if buckets is not None else (None,):
            for c in cells:
                insort(self.by_cell.setdefault((kind, c), {}).setdefault(b, []), entry, key=_gi)

    @staticmethod
    def _slots(table: dict, e_buckets: range | None) -> list:
        if not table:
            return []
        if e_buckets is None:  # an undated event can be any of them
            return list(table.values())
        out = [table[b] for b in e_buckets if b in table]
        if None in table:
            out.append(table[None])
        return out

    def home(self, e: Event, kind: tuple, key: str, cells: tuple, rng: tuple[date, date] | None) -> int | None:
        """The lowest-numbered group holding a member that is the same event as ``e`` (None if none is)."""
        e_buckets = _buckets(rng)
        best: int | None = None
        for slot in self._slots(self.by_key.get((kind, key), {}), e_buckets):
            for (gi, xr) in slot:  # by group number: the first match in a slot is its lowest
                if best is not None and gi >= best:
                    break
                if _ranges_ok(rng, xr):
                    best = gi
                    break
        if not cells or e.geo_precision == 3 or e.event_type == "axis":
            return best
        checked: set[int] = set()
        gaps: dict[bytes, float] = {}  # the distance test depends on the other geometry: once per geometry
        g = e.geometry
        e_point = g.geom_type == "Point"
        ew, es, ee, en = g.bounds
        # metres per degree that ``_gap_m`` is at least (a lower bound, 0.1 % to spare): a geodesic is at least
        # the meridian arc between the latitudes (>= 110,574 m per degree); the (discrete, both ways) Hausdorff
        # distance at least how far apart the two bounding boxes' west, east, south or north edges are (the
        # vertex on the outer edge is that far from every point of the other geometry), which is more than
        # the gap between the boxes: a point far from a long line's ends is no candidate though in its box
        per_deg_h = 0.999 * 111000.0 * max(0.2, math.cos(math.radians(g.y if e_point else g.centroid.y)))
        for c in cells:
            table = self.by_cell.get((kind, c))
            if table is None:
                continue
            for slot in self._slots(table, e_buckets):
                for entry in slot:
                    gi, x, xkey, xr, reports, wkb, (xw, xs, xe, xn), x_point = entry
                    if best is not None and gi >= best:
                        break  # the slot is sorted by group: no lower group further on
                    # a member with e's key was decided above (same key: the date test alone)
                    if xkey == key or id(entry) in checked:
                        continue
                    checked.add(id(entry))
                    if not _ranges_ok(rng, xr) or x.geo_precision == 3:
                        continue
                    if e_point and x_point:  # two points: a geodesic
                        bound = abs(xs - es) * (0.999 * 110000.0)
                    else:
                        bound = max(abs(xw - ew), abs(xe - ee), abs(xs - es), abs(xn - en)) * per_deg_h
                    if bound > min(e.uncertainty_m, x.uncertainty_m) + 10000.0:
                        continue  # too far apart to be near, whatever the exact distance
                    d = gaps.get(wkb)
                    if d is None:
                        d = gaps[wkb] = _gap_m(e, x)
                    if _within(e, x, d, reports):  # = same_event(e, x) for a kind-mate with another key
                        best = gi
                        break
        return best


def _ranges_ok(ra: tuple[date, date] | None, rb: tuple[date, date] | None, slack_days: int = 1) -> bool:
    """``_dates_ok`` on precomputed ranges."""
    if ra is None or rb is None:
        return True
    slack = timedelta(days=slack_days)
    return ra[0] - slack <= rb[1] and rb[0] - slack <= ra[1]


def _order_key(e: Event) -> tuple:
    """The merge order: a group is founded by the first of its events in this order."""
    return (e.event_type, e.geo_precision, e.sources[0].report, e.sources[0].start)


def _kind(e: Event) -> tuple[str, int | None]:
    """The merge partition: events of another type or axis phase are never the same event (``same_event``)
    and a vague telling joins only its own type and phase (``_absorb``)."""
    return (e.event_type, e.phase)


def _merge_kind(part: list[tuple[int, Event]]) -> list[tuple[int, Event]]:
    """Merge the events of one kind, given as (rank in the merge order, event) in rank order: (rank of the
    group's first event, combined event without its id) for every group, in group order."""
    groups: list[list[Event]] = []
    founders: list[int] = []
    index = _Index()
    for rank, e in part:
        kind = _kind(e)
        key = _key(e)
        rng = _range(e)
        home = index.home(e, kind, key, _reach_cells(e), rng)
        if home is None:
            home = len(groups)
            groups.append([e])
            founders.append(rank)
        else:
            groups[home].append(e)
        index.add(home, e, kind, key, _own_cells(e), rng)
    absorbed, heads = _absorb(groups)
    return [(founders[i], h if h is not None else _combine(g)) for i, (g, h) in enumerate(zip(groups, heads))
            if i not in absorbed]


def partition(events: list[Event]) -> list[list[tuple[int, Event]]]:
    """The events split by kind (type, axis phase), each as (rank in the merge order, event) in rank order:
    the merge of each part is independent of the others (see :func:`merge_events`)."""
    order = sorted(events, key=_order_key)
    parts: dict[tuple, list[tuple[int, Event]]] = {}
    for rank, e in enumerate(order):
        parts.setdefault(_kind(e), []).append((rank, e))
    return list(parts.values())


def finish(merged: list[tuple[int, Event]]) -> list[Event]:
    """The merged groups of every part, (founding rank, combined event), in any order -> the events with
    their ids, sorted by id. Ids that collide get a numeric suffix in the order the groups were founded."""
    out: list[Event] = []
    seen: dict[str, int] = {}
    for _, m in sorted(merged, key=lambda rm: rm[0]):
        eid = make_id(m)
        if eid in seen:
            seen[eid] += 1
            eid = f"{eid}-{seen[eid]}"
        else:
            seen[eid] = 1
        out.append(replace(m, id=eid))
    return sorted(out, key=lambda e: e.id)


def merge_events(events: list[Event]) -> list[Event]:
    """Merge events that are one event (single-link clustering in a deterministic order), then give each a
    stable id; output sorted by id. Ids that still collide get a numeric suffix.

    Each event joins the first group (in creation order) holding a member that is the same event, exactly as
    a scan of every group would find it; an index (place key, grid cell, date bucket) narrows the scan to
    the members that can qualify, so the cost grows with the events, not with their square. Events of
    another kind (type, axis phase) never merge, so each kind is merged on its own (:func:`partition`,
    :func:`finish`: the parts can be merged in other processes)."""
    return finish([m for part in partition(events) for m in _merge_kind(part)])
