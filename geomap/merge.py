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
from dataclasses import replace
from datetime import date, timedelta

from pyproj import Geod
import shapely

from geomap.event import Event, event_id

__all__ = ["merge_events", "same_event", "date_range", "merged_status", "make_id"]

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
    if a.geo_precision == 3 or b.geo_precision == 3 or a.event_type == "axis":
        return False  # axes are one per origin-target pair: they meet at their target by design
    pa, pb = a.geometry, b.geometry
    if pa.geom_type == "Point" and pb.geom_type == "Point":
        d = _GEOD.inv(pa.x, pa.y, pb.x, pb.y)[2]
    else:  # lines and areas: the farthest gap between them (two moves to one town are not one move)
        d = shapely.hausdorff_distance(pa, pb) * 111000.0 * max(0.2, math.cos(math.radians(pa.centroid.y)))
    same_report = bool({s.report for s in a.sources} & {s.report for s in b.sources})
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


def _combine(group: list[Event]) -> Event:
    best = min(group, key=lambda e: (e.geo_precision, e.uncertainty_m, e.sources[0].report, e.sources[0].start))
    dated = [e for e in group if e.date]
    when = min(dated, key=lambda e: (not dict(e.extra).get("date_stated", True), _PREC_RANK.get(e.date_precision or "year", 3),
                                     e.date_inferred, e.date)) if dated else best
    statuses = [st for e in group for st in dict(e.extra).get("source_statuses", (e.status,))]
    status, disputed = merged_status(statuses)
    flags = set(f for e in group for f in e.flags if f != "near") | ({"near"} & set(best.flags))
    if disputed:
        flags.add("disputed_by_some")
    places = {}
    for e in sorted(group, key=lambda e: (e.geo_precision, e.uncertainty_m)):
        for p in e.places:
            places.setdefault((p.gazetteer_id or p.name, p.role), p)
    sources = sorted({(s.report, s.start, s.end): s for e in group for s in e.sources}.values(), key=lambda s: (s.report, s.start, s.end))
    extra = dict(best.extra)
    extra["source_statuses"] = tuple(statuses)
    extra["date_stated"] = bool(dict(when.extra).get("date_stated", True))
    merged = replace(
        best,
        date=when.date,
        date_precision=when.date_precision,
        date_inferred=when.date_inferred,
        status=status,
        claimed_by=tuple(sorted({c for e in group for c in e.claimed_by})),
        units=tuple(sorted({u for e in group for u in e.units})),
        flags=tuple(sorted(flags)),
        places=tuple(places.values()),
        sources=tuple(sources),
        extra=tuple(sorted(extra.items())),
    )
    return merged


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
    heads = [(g, _combine(g)) for g in groups]
    by_report: dict[str, list[int]] = {}
    for j, (_, p) in enumerate(heads):
        for r in sorted({s.report for s in p.sources}):
            by_report.setdefault(r, []).append(j)
    absorbed: set[int] = set()
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
                continue
            if any(s.report in v_reports and v_reports[s.report] < s.start for s in p.sources):
                cands.append(j)
        if len(cands) == 1:
            heads[cands[0]][0].extend(g)
            absorbed.add(i)
    return [g for i, (g, _) in enumerate(heads) if i not in absorbed]


_CELL_DEG = 1.0


def _reach_cells(e: Event) -> tuple[tuple[int, int], ...]:
    """Grid cells (1 degree) that the area where ``_near`` could match ``e`` touches: its geometry's bounds
    grown by its uncertainty plus the same-report slack, generously converted to degrees. Two events that are
    near each other share a cell (each one's area holds the other's geometry), so the merge only compares
    events that share a place key or a cell instead of every pair. Empty for events that never merge by
    distance (region-level, axes)."""
    if e.geo_precision == 3 or e.event_type == "axis":
        return ()
    w, s, east, n = e.geometry.bounds
    reach_m = (e.uncertainty_m + 10000.0) * 1.5
    dlat = reach_m / 110000.0
    dlon = reach_m / (110000.0 * max(0.2, math.cos(math.radians(max(abs(s), abs(n))))))
    x0, x1 = math.floor((w - dlon) / _CELL_DEG), math.floor((east + dlon) / _CELL_DEG)
    y0, y1 = math.floor((s - dlat) / _CELL_DEG), math.floor((n + dlat) / _CELL_DEG)
    return tuple((x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1))


def merge_events(events: list[Event]) -> list[Event]:
    """Merge events that are one event (single-link clustering in a deterministic order), then give each a
    stable id; output sorted by id. Ids that still collide get a numeric suffix."""
    order = sorted(events, key=lambda e: (e.event_type, e.geo_precision, e.sources[0].report, e.sources[0].start))
    groups: list[list[Event]] = []
    by_key: dict[tuple, set[int]] = {}
    by_cell: dict[tuple, set[int]] = {}
    for e in order:
        kind = (e.event_type, e.phase)
        cells = _reach_cells(e)
        candidates = set(by_key.get((kind, _key(e)), ()))
        for c in cells:
            candidates |= by_cell.get((kind, c), set())
        # the first group (in creation order) holding a member that is the same event, as a scan of all would find
        home = next((gi for gi in sorted(candidates) if any(same_event(e, x) for x in groups[gi])), None)
        if home is None:
            home = len(groups)
            groups.append([e])
        else:
            groups[home].append(e)
        by_key.setdefault((kind, _key(e)), set()).add(home)
        for c in cells:
            by_cell.setdefault((kind, c), set()).add(home)
    groups = _absorb_vague(groups)
    out: list[Event] = []
    seen: dict[str, int] = {}
    for g in groups:
        m = _combine(g)
        eid = make_id(m)
        if eid in seen:
            seen[eid] += 1
            eid = f"{eid}-{seen[eid]}"
        else:
            seen[eid] = 1
        out.append(replace(m, id=eid))
    return sorted(out, key=lambda e: e.id)
