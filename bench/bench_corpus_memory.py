"""Memory and time of the corpus-wide half of a run: read back an events store, merge across reports, write every
output. (Extraction streams and is measured by ``bench_scale``; this is the half that used to hold every event.)

    python -m bench.bench_corpus_memory --store store.sqlite --out /tmp/out [--no-png] [--in-memory]

The store is one filled by ``geomap map ... --store`` (or ``bench/bench_scale``); it is opened with the pipeline
fingerprint it records, so a store filled by an earlier commit's extraction can be re-merged by this one.
``--in-memory``: the path before ``geomap/merge_disk.py`` (every event decoded into a list, ``merge_events``,
exports from the list), for comparison. Prints each phase's wall time and the process's peak RSS in it
(sampled every 0.2 s from /proc, plus ``ru_maxrss`` at the end).
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import threading
import time
from pathlib import Path

__all__ = ["main"]


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


class _Sampler:
    def __init__(self) -> None:
        self.peak = _rss_mb()
        self._stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop:
            self.peak = max(self.peak, _rss_mb())
            time.sleep(0.2)

    def phase(self) -> float:
        """The peak since the last call, and start a new phase."""
        p, self.peak = max(self.peak, _rss_mb()), _rss_mb()
        return p


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-png", dest="png", action="store_false")
    ap.add_argument("--in-memory", action="store_true", help="the merge and exports before merge_disk, for comparison")
    args = ap.parse_args(argv)

    from geomap.export import write_all
    from geomap.merge import merge_events
    from geomap.merge_disk import DiskMerge
    from geomap.run import _is_event, _public, _PublicEvents, _spill
    from geomap.spill import RowSpill
    from geomap.store import EventStore

    con = sqlite3.connect(f"file:{args.store}?mode=ro", uri=True)
    fingerprint = dict(con.execute("SELECT key, value FROM meta"))["fingerprint"]
    con.close()
    sampler = _Sampler()
    out = Path(args.out)
    t0 = time.time()
    rows: list = []
    with EventStore.open(args.store, fingerprint=fingerprint) as st, DiskMerge(Path(args.store).resolve().parent) as dm, \
            RowSpill(Path(args.store).resolve().parent) as spill:
        counts = st.counts()
        print(f"store: {counts}", flush=True)
        t = time.time()
        if args.in_memory:
            events = []
            for res in st.results():
                if not res.error:
                    events.extend(res.events)
                    rows.extend(res.unresolved)
            print(f"read back: {time.time() - t:.0f} s, peak {sampler.phase():.0f} MB", flush=True)
            t = time.time()
            merged = [_public(e) for e in merge_events(events) if _is_event(e)]
            del events
            print(f"merge: {len(merged)} events, {time.time() - t:.0f} s, peak {sampler.phase():.0f} MB", flush=True)
            unresolved, presorted = rows, False
        else:
            _spill(st.results(), dm, spill)  # as a corpus run does (``run.extract_corpus``)
            print(f"read back into the work file: {time.time() - t:.0f} s, peak {sampler.phase():.0f} MB", flush=True)
            t = time.time()
            merged = _PublicEvents(dm.merged(keep=_is_event))
            print(f"merge: {len(merged)} events, {time.time() - t:.0f} s, peak {sampler.phase():.0f} MB, "
                  f"work file {dm.path.stat().st_size / 2**20:.0f} MB", flush=True)
            unresolved, presorted = spill, True
        t = time.time()
        paths = write_all(merged, out, unresolved=unresolved, unresolved_presorted=presorted, png=args.png)
        print(f"outputs: {time.time() - t:.0f} s, peak {sampler.phase():.0f} MB", flush=True)
        for p in paths:
            print(f"  {p.name}: {p.stat().st_size / 2**20:.1f} MB")
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"total: {time.time() - t0:.0f} s wall, peak RSS {ru:.0f} MB (ru_maxrss)", flush=True)


if __name__ == "__main__":
    main()
