"""The extraction pipeline over many reports: read -> place mentions -> event detections -> geometry -> one
Event per event, merged across reports. Only this module knows the whole chain.

>>> events = extract(["seeds/"])                 # doctest: +SKIP
>>> events[0].__geo_interface__["properties"]["title"]   # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from gazetteer import Kind
from geomap.dates import parse_iso
from geomap.detect import Detection, detect_all
from geomap.event import Event, Source
from geomap.merge import merge_events
from geomap.mention import Mention
from geomap.reports import Report
from geomap.where import Located, Locator, geodesic_m

__all__ = ["extract", "extract_corpus", "Corpus", "extract_report", "report_events", "title_for"]

_TYPE_WORDS = {
    "shelling": "Shelling",
    "strike": "Strike",
    "bridge": "Bridge",
    "axis": "Possible axis",
    "deployment": "Deployment",
    "movement": "Movement",
    "naval": "Naval activity",
    "air": "Air activity",
    "other": "Military activity",
}


def title_for(event_type: str, loc: Located, units: tuple[str, ...] = ()) -> str:
    """A short generated title: "Shelling of Stanytsia Luhanska", "Pontoon bridge across the Pripyat"..."""
    label = loc.label
    if event_type == "axis":
        phase = f" (phase {loc.phase})" if loc.phase else ""
        return f"Possible axis: {label}{phase}"
    if event_type == "bridge":
        kind = "Pontoon bridge" if "pontoon bridge" in units else "Military bridge"
        if label.startswith("the "):
            return f"{kind} across {label}"
        return f"{kind} at {label}"
    if label.startswith(("near ", "within ", "from ", "towards ")) or "km " in label:
        return f"{_TYPE_WORDS[event_type]} {label}"
    if event_type == "shelling":
        return f"Shelling of {label}"
    if event_type == "strike":
        return f"Strike on {label}"
    return f"{_TYPE_WORDS[event_type]} in {label}"


_FACILITY_AFTER = re.compile(
    r"\s+(?P<w>air\s*base|airbase|airfield|air\s+field|airport|bridge|dam|naval\s+base|port|(?:nuclear\s+)?power\s+plant|railway\s+station)\b",
    re.I,
)
_FACILITY_KIND = {"air": Kind.AIRFIELD, "airbase": Kind.AIRFIELD, "airfield": Kind.AIRFIELD, "airport": Kind.AIRFIELD,
                  "bridge": Kind.BRIDGE, "dam": Kind.DAM, "naval": Kind.NAVAL_BASE, "port": Kind.PORT,
                  "nuclear": Kind.POWER_PLANT, "power": Kind.POWER_PLANT, "railway": Kind.RAILWAY_STATION}  # fmt: skip


def _upgrade_facilities(text: str, mentions: list[Mention], gz: Any) -> list[Mention]:
    """"the Saky air base", "Millerovo airfield": a town name followed by a facility word is the facility when
    the gazetteer has it (the airfield is where the event is, not the town it is named after)."""
    out = []
    for m in mentions:
        fm = _FACILITY_AFTER.match(text, m.end)
        if fm and (m.place is None or m.place.kind == Kind.POPULATED_PLACE):
            word = re.sub(r"\s+", " ", fm.group("w").lower())
            kind = _FACILITY_KIND[word.split()[0]]
            res = gz.lookup(f"{m.text} {word}", kinds=[kind], fuzzy=False, limit=1)
            best = res.best if res else None
            if best is not None and best.place.kind == kind and (m.place is None or m.place.country in ("", best.place.country)):
                m = dataclasses.replace(m, text=text[m.start : fm.end()], end=fm.end(), place=best.place, score=best.score,
                                        candidates=(best,), reason=None)
        out.append(m)
    return out


def _drop_far_fuzzy(mentions: list[Mention], max_km: float = 1500.0) -> list[Mention]:
    """A name matched only by edit distance ("Maxar" -> a village in India) far from every place the report
    names exactly is a misreading, not an event location; near them ("Valyiuki" -> Valuyki) it is kept."""
    exact = [m.place for m in mentions if m.place is not None and getattr(m, "match", "") not in ("fuzzy",)
             and m.place.kind != Kind.COUNTRY]
    if not exact:
        return mentions
    out = []
    for m in mentions:
        if m.place is not None and getattr(m, "match", "") == "fuzzy":
            near = min(geodesic_m(m.place.lon, m.place.lat, p.lon, p.lat) for p in exact)
            if near > max_km * 1000:
                m = dataclasses.replace(m, place=None, reason=f"fuzzy match {m.place.name} ({m.place.country}) far from the report's other places")
        out.append(m)
    return out


def _mentions(report: Report, gz: Any) -> list[Mention]:
    from geomap.mentions import find_mentions

    found = find_mentions(report.text, gz, published=report.published)
    return _drop_far_fuzzy(_upgrade_facilities(report.text, found, gz))


def _report_date(report: Report) -> tuple[date | None, bool]:
    """The report's date and whether it was inferred from its text (not from metadata or --date)."""
    d = parse_iso(report.published)
    return d, d is not None and report.date_source == "text"


def _to_events(report: Report, det: Detection, locs: list[Located], report_inferred: bool) -> list[Event]:
    sources = [Source(report.id, det.start, det.end, det.quote, report.url, report.outlet, report.published or "")]
    statuses = [det.status]
    for s, e, q, st in det.extra_sources:
        sources.append(Source(report.id, s, e, q, report.url, report.outlet, report.published or ""))
        statuses.append(st)
    out = []
    for loc in locs:
        status = det.status
        if det.event_type == "axis":
            status = "projected"
        flags = tuple(sorted(set(loc.flags)))
        ev = Event(
            id="pending",
            event_type=det.event_type,
            title=title_for(det.event_type, loc, det.units),
            geometry=loc.geometry,
            places=loc.places,
            sources=tuple(sources),
            date=det.date.isoformat() if det.date else None,
            date_precision=det.date_precision if det.date else None,
            date_inferred=bool(det.date) and (report_inferred or not det.date_stated),
            geo_precision=loc.geo_precision,
            uncertainty_m=loc.uncertainty_m,
            status=status,
            claimed_by=det.claimed_by,
            phase=loc.phase,
            units=det.units,
            flags=flags,
            extra=(("date_stated", det.date_stated), ("place_key", loc.key), ("source_statuses", tuple(statuses) if det.event_type != "axis" else ("projected",))),
        )
        out.append(ev)
    return out


def extract_report(report: Report, gz: Any, *, locator: Locator | None = None) -> tuple[list[Event], list[dict]]:
    """Events told by one report (merged within the report; possibilities alone dropped, as in ``extract``)
    and the rows for unresolved.csv: ``{report, text, start, end, reason}`` for place names that could not be
    placed and for event sentences whose place could not be made into geometry."""
    events, unresolved = _extract_one(report, gz, locator or _shared_locator(gz))
    return [_public(e) for e in events if _is_event(e)], unresolved


_ROW_TEXT_MAX = 200


def _row(report: Report, start: int, end: int, reason: str) -> dict:
    """An unresolved.csv row for a span of the report; a long sentence is cut to its first 200 characters,
    and ``end`` with it, so that ``text`` is always ``report.text[start:end]``."""
    end = min(end, start + _ROW_TEXT_MAX)
    return {"report": report.id, "text": report.text[start:end], "start": start, "end": end, "reason": reason}


def _extract_one(report: Report, gz: Any, locator: Locator) -> tuple[list[Event], list[dict]]:
    """extract_report keeping the pipeline's internal properties, which the merge across reports needs."""
    loc = locator
    try:
        mentions = _mentions(report, gz)
    except Exception as exc:  # one report the recogniser cannot handle must not stop the run
        reason = f"place recogniser failed: {type(exc).__name__}: {exc}"
        return [], [{"report": report.id, "text": report.text[:80], "start": 0, "end": 0, "reason": reason}]
    unresolved: list[dict] = [
        {"report": report.id, "text": m.text, "start": m.start, "end": m.end, "reason": m.reason or "unresolved"}
        for m in mentions
        if m.place is None
    ]
    ref, inferred = _report_date(report)
    events: list[Event] = []
    detections, unplaced = detect_all(report.text, mentions, ref)
    for s, e, etype in unplaced:
        unresolved.append(_row(report, s, e, f"{etype}: no place named"))
    for det in detections:
        locs, reasons = loc.locate(det, report.text)
        if not locs:
            for r in reasons or ["no place for the event"]:
                unresolved.append(_row(report, det.start, det.end, f"{det.event_type}: {r}"))
            continue
        events.extend(_to_events(report, det, locs, inferred))
    events = merge_events(events)
    unresolved.sort(key=lambda r: (r["report"], r["start"], r["end"], r["reason"]))
    return events, unresolved


_LOCATORS: dict[int, tuple[Any, Locator]] = {}


def _shared_locator(gz: Any) -> Locator:
    """One Locator per gazetteer in this process, so that its bounded caches of pure geometry (borders,
    bands along them, river queries) serve every report instead of being rebuilt per report."""
    held = _LOCATORS.get(id(gz))
    if held is None or held[0] is not gz:
        _LOCATORS.clear()
        held = _LOCATORS[id(gz)] = (gz, Locator(gz))
    return held[1]


def report_events(report: Report, gz: Any) -> tuple[list[Event], list[dict]]:
    """The per-report unit of work for corpus runs (:func:`geomap.parallel.map_reports`): like
    :func:`extract_report`, but keeping the internal properties the merge across reports needs."""
    return _extract_one(report, gz, _shared_locator(gz))


def extract(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *, default_date: str | None = None,
            gz: Any = None, unresolved: list[dict] | None = None, warn: Any = None, jobs: int = 1,
            scheduler: str | None = None, store: str | os.PathLike[str] | None = None,
            progress: Any = None) -> list[Event]:
    """Events from reports under ``paths`` (files or folders, .jsonl feeds), merged across reports, sorted by id.

    ``unresolved``: a list to collect the unresolved rows into. ``warn``: called with one line per skipped or
    repaired input (default: ``progress.warn``, else stderr). ``jobs``/``scheduler``: local processes or a
    Dask scheduler (``tcp://host:8786`` or ``local``), see :mod:`geomap.parallel`; the result is
    byte-identical whatever runs it. ``store``: an incremental events store (SQLite): only new or changed
    reports are processed and the merge is fed from the store. ``progress``: a
    :class:`geomap.progress.Progress` that draws the bar and counts the run's summary. For a corpus too big
    to hold, :func:`extract_corpus` gives the same events as a stream from disk."""
    with extract_corpus(paths, default_date=default_date, gz=gz, warn=warn, jobs=jobs, scheduler=scheduler,
                        store=store, progress=progress) as corpus:
        if unresolved is not None:
            unresolved.extend(corpus.unresolved)
        return list(corpus.events)


@dataclasses.dataclass(frozen=True)
class Corpus:
    """What a corpus run yields, on disk (:func:`extract_corpus`): ``events``, the merged events sorted by id
    (re-iterable, ``len()`` without reading them: :class:`geomap.merge_disk.MergedEvents` without the
    pipeline's internal properties), and ``unresolved``, the rows for unresolved.csv in its order
    (a :class:`geomap.spill.RowSpill`). Valid inside the ``with`` block only."""

    events: _PublicEvents
    unresolved: Any


class _PublicEvents:
    def __init__(self, merged: Any) -> None:
        self._merged = merged

    def __len__(self) -> int:
        return len(self._merged)

    def __iter__(self) -> Iterator[Event]:
        return (_public(e) for e in self._merged)


@contextlib.contextmanager
def extract_corpus(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
                   default_date: str | None = None, gz: Any = None, warn: Any = None, jobs: int = 1,
                   scheduler: str | None = None, store: str | os.PathLike[str] | None = None, progress: Any = None,
                   workdir: str | os.PathLike[str] | None = None) -> Iterator[Corpus]:
    """:func:`extract` for corpora of any size: per-report results stream through to a work file on disk
    (:class:`geomap.merge_disk.DiskMerge`, :class:`geomap.spill.RowSpill`) and the merged events are read
    back from it, so memory does not grow with the corpus. ``workdir``: where the work files go (default:
    beside the store when there is one, else the system's temporary folder; they are deleted on leaving
    the block). Other arguments as for :func:`extract`.

    >>> with extract_corpus(["feed.jsonl.gz"], jobs=2, store="feed.sqlite") as corpus:   # doctest: +SKIP
    ...     write_geojson(corpus.events, "events.geojson")
    """
    from geomap.merge_disk import DiskMerge
    from geomap.parallel import map_reports
    from geomap.reports import read_reports
    from geomap.spill import RowSpill

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if warn is None and progress is not None:
        warn = progress.warn
    if workdir is None and store is not None:
        workdir = Path(store).resolve().parent
    reports = read_reports(list(paths), default_date=default_date, warn=warn)
    if gz is None and jobs == 1 and not scheduler:
        from gazetteer import Gazetteer

        gz = Gazetteer.default()
    elif gz is None:
        from gazetteer.index import ensure_index

        ensure_index()  # built here (once per machine, with its message), never inside the timed run
    if progress is not None:
        progress.restart_clock()

    def run(todo: Iterable[Report], each: Callable[[Any], None], encode: bool = False) -> None:
        # closed here, however the loop ends: a stop (Ctrl-C, SIGTERM) in ``each`` shuts the workers down now,
        # not when the garbage collector or the interpreter's exit finds the suspended generator
        with contextlib.closing(map_reports(todo, jobs=jobs, scheduler=scheduler, work=report_events, gazetteer=gz,
                                            encode=encode)) as results:
            for res in results:
                if progress is not None:
                    progress.result(res)
                elif res.error and warn is not None:
                    warn(f"{res.report_id}: extraction failed: {res.error.strip().splitlines()[-1]}; skipped")
                each(res)

    with DiskMerge(workdir) as dm, RowSpill(workdir) as rows:
        if store is None:
            run(reports, lambda res: _spill([res], dm, rows))
        else:
            from geomap.store import EventStore

            with EventStore.open(store) as st:
                run(st.pending(reports), st.put, encode=True)  # workers encode what the store keeps
                if progress is not None:
                    progress.unchanged(st.unchanged)
                st.remove_missing()
                _spill(st.results(), dm, rows)
        if progress is not None:
            progress.stage(f"merging {len(dm):,} events across reports")
        yield Corpus(_PublicEvents(dm.merged(keep=_is_event)), rows)


def _spill(results: Iterable[Any], dm: Any, rows: Any) -> None:
    """Per-report results (in report order) -> the merge's work file and the unresolved rows; failed reports
    are left out (they were reported when they failed)."""
    for res in results:
        if res.error:
            continue
        dm.add_all(res.events)
        rows.extend(res.unresolved)


_INTERNAL = ("date_stated", "place_key", "source_statuses")


def _is_event(e: Event) -> bool:
    """A possibility alone ("an offensive that might involve airstrikes") is not an event to map; an explicit
    projection product (an intelligence map of possible axes) is, and so is a possibility another source
    reports as fact (the merged status is then not ``projected``)."""
    return e.status != "projected" or e.event_type == "axis"


def _public(e: Event) -> Event:
    """The event without the pipeline's internal properties (place key, per-source statuses)."""
    return replace(e, extra=tuple(kv for kv in e.extra if kv[0] not in _INTERNAL))
