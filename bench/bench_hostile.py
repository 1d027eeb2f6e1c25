"""Hardening benchmark (issue 5): big and many inputs through ``geomap.reports.read_reports``.

Each scenario runs in its own Python process so its peak memory (VmHWM) is its own. Inputs are generated
in a scratch folder (default: a temporary folder, removed afterwards); nothing is written into the repository.

    python -m bench.bench_hostile            # all scenarios, prints a Markdown table
    python -m bench.bench_hostile --only many_files --files 10000
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MB = 1024 * 1024
SCENARIOS = ("big_skip", "big_read", "html", "tag_soup", "jsonl", "jsonl_gz", "many_files")
WORDS = ("Russian troops moved toward Kharkiv on Thursday , officials said the column of tanks and pontoon "
         "equipment was seen 16km north-east of Luhansk near the border with Belarus . Shelling hit Avdiivka "
         "overnight ; Ukrainian armed forces reported 189 ceasefire violations").split()


def _prose(rng: random.Random, n_bytes: int) -> str:
    out, size = [], 0
    while size < n_bytes:
        para = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120))) + "\n\n"
        out.append(para)
        size += len(para)
    return "".join(out)[:n_bytes]


def _write_big_text(path: Path, n_bytes: int) -> None:
    rng = random.Random(1)
    block = _prose(rng, 4 * MB).encode()
    with open(path, "wb") as f:
        left = n_bytes
        while left > 0:
            f.write(block[:left])
            left -= len(block)


def _write_html(path: Path, n_bytes: int) -> None:
    rng = random.Random(4)
    with open(path, "w") as f:
        f.write("<html><head><title>Live blog</title><style>p{margin:0}</style></head><body><nav>Home</nav>")
        size = 0
        while size < n_bytes - 200:
            chunk = (f"<div class=post><h2>Update</h2><p>{_prose(rng, 1500)}</p><script>track({size})</script>"
                     f"<p>More <a href='#'>here</a>.<br>Next line</p></div>\n")
            f.write(chunk)
            size += len(chunk)
        f.write("</body></html>")


def _write_jsonl(path: Path, n_bytes: int, gz: bool) -> int:
    rng = random.Random(2)
    opener = gzip.open if gz else open
    n = written = 0
    with opener(path, "wb") as f:
        while written < n_bytes:
            line = json.dumps({"id": f"r{n}", "text": _prose(rng, rng.randint(1500, 15000)),
                               "published": "2022-02-17", "url": f"https://example.org/{n}", "outlet": "Wire"})
            data = line.encode() + b"\n"
            f.write(data)
            written += len(data)
            n += 1
    return n


def _write_many(folder: Path, n_files: int) -> None:
    rng = random.Random(3)
    for i in range(n_files):
        sub = folder / f"day{i % 30:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"report-{i:06d}.txt").write_text(_prose(rng, rng.randint(1500, 6000)))


def _peak_rss_mb() -> float:
    """Peak RSS of this process. VmHWM (Linux) belongs to this process image alone; ru_maxrss after fork+exec
    can still carry the parent's peak (the bench parent holds generated inputs), so it is only a fallback."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker(path: str, max_bytes: int) -> None:
    """Child process: read everything, print one JSON line with counts, time and peak memory."""
    from geomap.reports import read_reports

    warnings: list[str] = []
    t0 = time.perf_counter()
    n = chars = 0
    for r in read_reports([path], warn=warnings.append, max_bytes=max_bytes):
        n += 1
        chars += len(r.text)
    dt = time.perf_counter() - t0
    print(json.dumps({"reports": n, "chars": chars, "warnings": warnings[:3], "n_warnings": len(warnings),
                      "seconds": round(dt, 3),
                      "peak_rss_mb": round(_peak_rss_mb(), 1)}))


def _run(path: Path, max_bytes: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.bench_hostile", "--worker", str(path), "--max-bytes",
                          str(max_bytes)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _baseline_rss() -> float:
    out = subprocess.run([sys.executable, "-c", "import geomap.reports, bench.bench_hostile as b; "
                          "print(b._peak_rss_mb())"], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--max-bytes", type=int, default=20 * MB)
    ap.add_argument("--big-mb", type=int, default=200)
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--only", choices=SCENARIOS, action="append")
    ap.add_argument("--workdir", help="scratch folder (default: a temporary one, removed afterwards)")
    args = ap.parse_args(argv)
    if args.worker:
        _worker(args.worker, args.max_bytes)
        return 0

    work = Path(args.workdir or tempfile.mkdtemp(prefix="geomap-bench-hostile-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    todo = args.only or list(SCENARIOS)
    big_bytes = args.big_mb * MB
    try:
        print(f"baseline: python + geomap.reports imported = {_baseline_rss():.1f} MB peak RSS", file=sys.stderr)
        if {"big_skip", "big_read"} & set(todo):
            big = work / "big" / "huge.txt"
            big.parent.mkdir(exist_ok=True)
            _write_big_text(big, big_bytes)
            if "big_skip" in todo:
                rows.append((f"one {args.big_mb} MB .txt, default 20 MB cap", _run(big.parent, 20 * MB)))
            if "big_read" in todo:
                rows.append((f"one {args.big_mb} MB .txt, cap raised to {args.big_mb + 1} MB",
                             _run(big.parent, big_bytes + MB)))
            shutil.rmtree(big.parent)
        if "html" in todo:
            page = work / "html" / "page.html"
            page.parent.mkdir(exist_ok=True)
            _write_html(page, 19 * MB)
            rows.append(("one 19 MB .html live-blog page (posts with scripts, nav)", _run(page.parent, 20 * MB)))
            shutil.rmtree(page.parent)
        if "tag_soup" in todo:  # hostile nesting: 1.2M unclosed <nav>, 1.2M mismatched end tags, 1.2M </nav> (~19 MB)
            page = work / "soup" / "soup.html"
            page.parent.mkdir(exist_ok=True)
            n = 1_200_000
            soup = "<nav>" * n + "</div>" * n + "<p>Shelling near Avdiivka.</p>" + "</nav>" * n + "<p>End.</p>"
            page.write_text(soup)
            del soup
            rows.append((f"{page.stat().st_size / MB:.0f} MB tag soup: {n:,} nested <nav>, mismatched end tags",
                         _run(page.parent, 20 * MB)))
            shutil.rmtree(page.parent)
        for kind, gz in (("jsonl", False), ("jsonl_gz", True)):
            if kind in todo:
                feed = work / "feed" / ("feed.jsonl.gz" if gz else "feed.jsonl")
                feed.parent.mkdir(exist_ok=True)
                n = _write_jsonl(feed, big_bytes, gz)
                size = feed.stat().st_size / MB
                rows.append((f"{args.big_mb} MB of JSON Lines{' (gzip, %.0f MB on disk)' % size if gz else ''}, "
                             f"{n} reports", _run(feed, 20 * MB)))
                shutil.rmtree(feed.parent)
        if "many_files" in todo:
            folder = work / "many"
            _write_many(folder, args.files)
            rows.append((f"{args.files} files in 30 folders", _run(folder, 20 * MB)))
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    print("| input | reports read | warnings | time (s) | MB/s of text | peak RSS (MB) |")
    print("|---|---|---|---|---|---|")
    for name, r in rows:
        mbps = r["chars"] / MB / r["seconds"] if r["seconds"] and r["chars"] else 0
        warn = f"{r['n_warnings']}" + (f": {r['warnings'][0].split(': ', 1)[1]}" if r["warnings"] else "")
        print(f"| {name} | {r['reports']} | {warn} | {r['seconds']:.2f} | {mbps:.1f} | {r['peak_rss_mb']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
