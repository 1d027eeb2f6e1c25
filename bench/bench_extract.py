"""Extraction throughput: report text -> Events, end to end on one core with the world gazetteer.

    python -m bench.bench_extract [--repeat 2] [--limit N]

What is timed: for every report, ``geomap.run.extract_report`` (place recogniser, event detection, relative
locations and axes as geometry, merge within the report), then one ``merge_events`` across all reports: the
whole of ``geomap.run.extract`` except reading files (the reports are built in memory so disk and decoding are
not counted; the reader has its own benchmark in bench_hostile). Throughput is UTF-8 bytes of report text per
second, single process (one core): wall time, and this process's CPU time (other jobs on a shared machine
inflate wall time), split into the place recogniser (geomap.mentions, benchmarked on its own in
bench_geoparse), event detection (geomap.detect), merging (geomap.merge) and the rest (relative locations and
geometry in geomap.where, bookkeeping) so that the stages can be read apart. The first pass runs right after
opening the gazetteer (cold caches: the name table, borders, bands); later passes reuse one Locator (warm
caches), as a long run does.

Corpora: the five seed reports (military news, dense in events) and, when ../shared/bench/ is present, the
texts of LGL (588 local US news articles) and GeoVirus (229 disease news articles): ordinary news with few
military events, the bulk of what a crawler would feed the pipeline. Missing corpora are skipped with a note.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT.parent / "shared" / "bench"


def _corpus_reports(limit: int | None):
    from geomap.reports import Report

    out: dict[str, list[Report]] = {}
    out["seeds"] = [
        Report(id=p.name, text=p.read_text(encoding="utf-8"), published="2022-02-17")
        for p in sorted((ROOT / "seeds").glob("*.txt"))
    ]
    for name, fname in (("LGL", "lgl.xml"), ("GeoVirus", "GeoVirus.xml")):
        path = BENCH_DIR / fname
        if not path.exists():
            print(f"note: {path} not found; {name} skipped")
            continue
        texts = [el.text or "" for el in ET.parse(path).getroot().iter("text")]
        out[name] = [Report(id=f"{name}/{i}", text=t, published="2012-01-01") for i, t in enumerate(texts[:limit])]
    return out


def _run(reports, gz, locator):
    """(wall s, CPU s of this process, {stage: CPU s}, events, unresolved rows). Stages: the place recogniser
    (``run._mentions``), event detection (``detect_all``) and merging (within and across reports); the rest is
    relative locations, geometry and bookkeeping."""
    import geomap.run as run
    from geomap.merge import merge_events

    spent = {"recogniser": 0.0, "detection": 0.0, "merge": 0.0}
    originals = {"_mentions": run._mentions, "detect_all": run.detect_all, "merge_events": run.merge_events}
    stage_of = {"_mentions": "recogniser", "detect_all": "detection", "merge_events": "merge"}

    def timed(name):
        inner, stage = originals[name], stage_of[name]

        def wrapper(*args, **kwargs):
            c = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[stage] += time.process_time() - c

        return wrapper

    for name in originals:
        setattr(run, name, timed(name))
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        events = []
        unresolved = 0
        for r in reports:
            evs, rows = run.extract_report(r, gz, locator=locator)
            events.extend(evs)
            unresolved += len(rows)
        c = time.process_time()
        merged = merge_events(events)
        spent["merge"] += time.process_time() - c
        return time.perf_counter() - t0, time.process_time() - c0, spent, len(merged), unresolved
    finally:
        for name, inner in originals.items():
            setattr(run, name, inner)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2, help="passes over each corpus (first is cold)")
    ap.add_argument("--limit", type=int, default=None, help="at most N documents per public corpus")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    from gazetteer import Gazetteer
    from geomap.where import Locator

    gz = Gazetteer.default()
    print(f"gazetteer opened in {time.perf_counter() - t0:.2f} s")
    corpora = _corpus_reports(args.limit)
    locator = Locator(gz)
    rows = []
    for name, reports in corpora.items():
        size = sum(len(r.text.encode("utf-8")) for r in reports)
        for i in range(args.repeat):
            wall, cpu, spent, n_events, n_unres = _run(reports, gz, locator)
            rows.append((name, len(reports), size, i + 1, wall, cpu, spent, n_events, n_unres))
    print(f"\nmachine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, one process;"
          f" load average at start {os.getloadavg()[0]:.1f}")
    print("| corpus | reports | MB | pass | wall s | MB/s (wall) | CPU s | MB/s (CPU) | CPU s: recogniser / detection /"
          " merge / rest | MB/s (CPU) without recogniser | events | unresolved rows |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, n, size, p, wall, cpu, spent, ev, un in rows:
        rec, det, mrg = spent["recogniser"], spent["detection"], spent["merge"]
        rest = max(cpu - rec, 1e-9)
        print(f"| {name} | {n} | {size / 1e6:.3f} | {p} | {wall:.2f} | {size / wall / 1e6:.2f} | {cpu:.2f} |"
              f" {size / cpu / 1e6:.2f} | {rec:.2f} / {det:.2f} / {mrg:.2f} / {cpu - rec - det - mrg:.2f} |"
              f" {size / rest / 1e6:.2f} | {ev} | {un} |")
    total = [r for r in rows if r[3] == args.repeat]
    size = sum(r[2] for r in total)
    wall = sum(r[4] for r in total)
    cpu = sum(r[5] for r in total)
    stage = {k: sum(r[6][k] for r in total) for k in ("recogniser", "detection", "merge")}
    print(f"\nall corpora, last pass: {size / 1e6:.3f} MB; wall {wall:.2f} s = {size / wall / 1e6:.2f} MB/s;"
          f" CPU {cpu:.2f} s = {size / cpu / 1e6:.2f} MB/s; CPU s recogniser {stage['recogniser']:.2f},"
          f" detection {stage['detection']:.2f}, merge {stage['merge']:.2f},"
          f" rest {cpu - sum(stage.values()):.2f}; load average at end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
