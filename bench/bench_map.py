"""Map build time, HTML size and browser load time for 1k, 10k and 100k synthetic events.

    python -m bench.bench_map [--sizes 1000 10000 100000]

Events are synthetic (points, lines and areas in the proportions of a briefing map: 70% point events with an
uncertainty circle, 20% axes/movements with arrowheads, 10% region polygons) over Ukraine and its neighbours,
deterministic by seed. Build = ``geomap.render`` + ``to_html`` (offline, with the gazetteer basemap). Load =
headless Chromium opens the file:// page until the geomap layers have drawn (``window.__geomapReady`` or the
load event plus the canvas), measured with performance.now() from navigation start.
Targets at 100k (issue 4): build < 5 s, HTML < 25 MB, load < 3 s.
"""

from __future__ import annotations

import argparse
import platform
import random
import tempfile
import time
from pathlib import Path

from shapely.geometry import LineString, Point, box

from geomap.event import Event, PlaceRef, Source, event_id

TYPES_POINT = ("shelling", "strike", "deployment", "naval", "air", "bridge")


def synthetic_events(n: int, seed: int = 7) -> list[Event]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        lon, lat = rnd.uniform(23.0, 40.0), rnd.uniform(44.5, 52.5)
        r = rnd.random()
        if r < 0.7:
            et, geom, prec, unc = rnd.choice(TYPES_POINT), Point(lon, lat), 1, rnd.choice((0, 2000, 10000))
        elif r < 0.9:
            et = rnd.choice(("axis", "movement"))
            geom = LineString([(lon, lat), (lon + rnd.uniform(-1, 1), lat + rnd.uniform(-1, 1))])
            prec, unc = 2, 5000
        else:
            et, geom, prec, unc = "shelling", box(lon, lat, lon + 0.5, lat + 0.3), 3, 20000
        q = f"Report {i}: forces were observed near grid {lon:.2f} {lat:.2f} early Thursday, officials said."
        out.append(Event(
            id=event_id(et, f"syn-{i}"), event_type=et, title=f"Synthetic {et} {i}", geometry=geom,
            places=(PlaceRef(text=f"place {i}", name=f"Place {i}", gazetteer_id="", role="location"),),
            sources=(Source(report=f"syn-{i // 10}.txt", start=0, end=len(q), quote=q),),
            date=f"2022-02-{10 + i % 10:02d}", date_precision="day", geo_precision=prec, uncertainty_m=unc,
            status="projected" if et == "axis" else "reported", phase=1 + i % 2 if et == "axis" else None,
        ))
    return out


def browser_load_seconds(html: Path) -> float | None:
    from tests import headless

    if not headless.available():
        return None
    drv = headless.chrome(Path(tempfile.mkdtemp()), offline=False)
    try:
        drv.set_page_load_timeout(120)
        drv.get(html.as_uri())  # returns after the load event: inline scripts (the layers) have run
        drv.execute_script("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        return drv.execute_script("return performance.now()") / 1000.0
    finally:
        drv.quit()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = ap.parse_args()
    from geomap.render import render, to_html

    print(f"machine: {platform.machine()}, {platform.processor() or '?'}; python {platform.python_version()}")
    print("| events | build s | HTML MB | browser load s |")
    print("|---|---|---|---|")
    tmp = Path(tempfile.mkdtemp())
    for n in args.sizes:
        evs = synthetic_events(n)
        t0 = time.perf_counter()
        html = to_html(render(evs))
        build = time.perf_counter() - t0
        path = tmp / f"map_{n}.html"
        path.write_text(html, encoding="utf-8")
        load = browser_load_seconds(path)
        size = path.stat().st_size / 1e6
        print(f"| {n:,} | {build:.2f} | {size:.1f} | {'n/a' if load is None else f'{load:.2f}'} |", flush=True)


if __name__ == "__main__":
    main()
