"""Gazetteer benchmarks (issue 2): load, speed and resolution accuracy. Run: ``python -m bench.bench_gazetteer``.

* cold load: a fresh process imports geomap's gazetteer and opens the built index (and the first lookup);
* exact lookups/s over distinct names from the index (fuzzy off, empty result cache), and with repeats;
* fuzzy lookup latency (p50/p95) on seeded one-edit misspellings of places >= 10k people, and how often
  the misspelled place comes back first;
* resolution accuracy given the gold place string: LGL and GeoVirus toponyms (Acc@161, mean/median error,
  AUC; an unresolved toponym counts 20039 km), UCDP Ukraine rows with where_prec 1-2 (share of best
  candidates within 10 km of the event point) for the ``where_coordinates`` place string and for a generic
  extraction of the name from the free-text ``where_description``.

``--build`` also times a from-scratch build into a temporary cache. Corpora are read from ../shared/bench and
skipped when absent. Prints a Markdown block for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "bench"
MISS_KM = 20039.0


def gc_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.009 * math.asin(min(1.0, math.sqrt(a)))


def auc(errors: list[float]) -> float:
    a = sorted(math.log(1 + e) for e in errors)
    if len(a) < 2:
        return float("nan")
    area = sum((a[i] + a[i + 1]) / 2 for i in range(len(a) - 1))
    return area / (math.log(MISS_KM) * (len(a) - 1))


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, {mem}, "
            f"Python {platform.python_version()}")


# --- speed -----------------------------------------------------------------------------------------------
def bench_cold_load() -> dict:
    code = ("import time; t0=time.perf_counter(); from gazetteer import Gazetteer; "
            "g=Gazetteer.default(progress=False); t1=time.perf_counter(); g.lookup('Kharkiv'); "
            "t2=time.perf_counter(); print(t1-t0, t2-t1)")
    runs = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        runs.append(tuple(float(x) for x in out.stdout.split()))
    from gazetteer import Gazetteer
    from gazetteer.index import default_path

    t = time.perf_counter()
    for _ in range(20):
        Gazetteer.open(default_path()).close()
    open_only = (time.perf_counter() - t) / 20
    return {"process_open_s": statistics.median(r[0] for r in runs),
            "first_lookup_s": statistics.median(r[1] for r in runs), "open_only_s": open_only}


def sample_names(gz, n: int, seed: int = 7, min_pop: int = 0) -> list[tuple[str, str]]:
    rows = gz._con.execute("SELECT id, name FROM places WHERE population >= ? ORDER BY pid", (min_pop,)).fetchall()
    rng = random.Random(seed)
    return rng.sample(rows, min(n, len(rows)))


def bench_exact(n: int = 20000) -> dict:
    from gazetteer import Gazetteer, search, table
    from gazetteer import names as names_mod
    from gazetteer.index import default_path

    gz = Gazetteer.open(default_path())
    names = [name for _, name in sample_names(gz, n)]
    sql = Gazetteer.open(default_path())  # the SQLite fallback (an index opened without its name table)
    sql._table, sql._rows, sql._table_failed = None, search._SqlRows(sql._con), True
    t = time.perf_counter()
    for q in names[:2000]:
        sql.lookup(q, fuzzy=False)
    sql_rate = 2000 / (time.perf_counter() - t)
    t = time.perf_counter()
    for _ in range(20):
        table.NameTable(gz._table.path, table.table_fingerprint(gz.path, gz.meta["fingerprint"])).close()
    table_open = (time.perf_counter() - t) / 20
    rates, cpu_rates = [], []
    for _ in range(3):  # best of three fresh instances: the machine is shared, the slowest run measures others
        gz2 = Gazetteer.open(default_path())  # fresh caches: no place objects, no results
        for fn in (names_mod.fold, names_mod.phonetic, names_mod.romanize, names_mod.strip_kind):
            fn.cache_clear()  # nor folded names: every run starts as cold as the first
        t, c = time.perf_counter(), time.process_time()
        found = sum(1 for q in names if gz2.lookup(q, fuzzy=False))
        rates.append(len(names) / (time.perf_counter() - t))
        cpu_rates.append(len(names) / (time.process_time() - c))
    t = time.perf_counter()
    for q in names:
        gz2.lookup(q, fuzzy=False)
    repeated = time.perf_counter() - t
    # diagnostic, not the figure: the same run with the cyclic garbage collector off says what share of a
    # lookup goes to collecting the growing result cache's records (Place/Candidate/LookupResult objects)
    import gc

    gz3 = Gazetteer.open(default_path())
    for fn in (names_mod.fold, names_mod.phonetic, names_mod.romanize, names_mod.strip_kind):
        fn.cache_clear()
    gc.collect()
    gc.disable()
    try:
        c = time.process_time()
        for q in names:
            gz3.lookup(q, fuzzy=False)
        nogc_cpu = len(names) / (time.process_time() - c)
    finally:
        gc.enable()
    return {"n": len(names), "distinct_per_s": max(rates), "distinct_per_s_all": rates,
            "distinct_cpu_per_s": max(cpu_rates), "repeated_per_s": len(names) / repeated,
            "found": found / len(names), "sql_per_s": sql_rate, "nogc_cpu_per_s": nogc_cpu, "table_open_s": table_open,
            "table_mb": gz._table.path.stat().st_size / 1e6}


_MEMORY_CHILD = r"""
import json, sys, time
import psutil
from gazetteer import Gazetteer
t = time.perf_counter()
g = Gazetteer.default(progress=False)
g.lookup("Kharkiv")
cold = time.perf_counter() - t
names = json.loads(sys.stdin.readline())
c = time.process_time()
for q in names:
    g.lookup(q, fuzzy=False)
rate = len(names) / (time.process_time() - c)
print(json.dumps({"cold_s": cold, "cpu_per_s": rate}), flush=True)
sys.stdin.readline()
"""


def bench_shared_memory(n: int = 50000) -> dict | None:
    """Per-process unique (USS) and proportional (PSS) memory of 1 and of 2 processes that each open the
    gazetteer and look up the same ``n`` distinct names, measured while all of them are alive."""
    try:
        import psutil
    except ImportError:
        return None
    import json

    from gazetteer import Gazetteer
    from gazetteer.index import default_path

    gz = Gazetteer.open(default_path())
    names = json.dumps([name for _, name in sample_names(gz, n, seed=5)])
    gz.close()
    out = {}
    for procs in (1, 2):
        children = [subprocess.Popen([sys.executable, "-c", _MEMORY_CHILD], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(procs)]
        for ch in children:
            ch.stdin.write(names + "\n")
            ch.stdin.flush()
        runs = [json.loads(ch.stdout.readline()) for ch in children]
        for ch, run in zip(children, runs):
            m = psutil.Process(ch.pid).memory_full_info()
            run.update(uss_mb=m.uss / 2**20, pss_mb=m.pss / 2**20, rss_mb=m.rss / 2**20)
        for ch in children:
            ch.stdin.write("\n")
            ch.stdin.flush()
            ch.wait()
        out[procs] = runs
    return out


def misspell(word: str, rng: random.Random) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    i = rng.randrange(1, len(word))  # keep the first letter: the blocking scheme relies on it
    op = rng.choice(("sub", "del", "ins", "swap"))
    if op == "sub":
        return word[:i] + rng.choice(letters) + word[i + 1:]
    if op == "del":
        return word[:i] + word[i + 1:]
    if op == "ins":
        return word[:i] + rng.choice(letters) + word[i:]
    if i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + rng.choice(letters) + word[i + 1:]


def bench_fuzzy(n: int = 2000) -> dict:
    from gazetteer import Gazetteer
    from gazetteer.index import default_path

    gz = Gazetteer.open(default_path())
    rng = random.Random(11)
    pool = [(pid, name) for pid, name in sample_names(gz, 20 * n, seed=3, min_pop=10000)
            if name.isascii() and name.isalpha() and len(name) >= 6]
    cases = []
    for pid, name in pool:
        q = misspell(name, rng)
        if q.lower() != name.lower() and not gz.lookup(q, fuzzy=False):
            cases.append((pid, name, q))
        if len(cases) >= n:
            break
    for _, _, q in cases[:50]:  # warm the bucket cache like a running process would
        gz.lookup(q)
    gz._cache.clear()
    times, hit, top5, resolved = [], 0, 0, 0
    for pid, name, q in cases:
        t = time.perf_counter()
        r = gz.lookup(q, limit=5)
        times.append(time.perf_counter() - t)
        if r:
            resolved += 1
            ids = [c.place.id for c in r.candidates]
            hit += ids[0] == pid
            top5 += pid in ids
    times.sort()
    return {"n": len(cases), "p50_ms": 1000 * times[len(times) // 2], "p95_ms": 1000 * times[int(len(times) * .95)],
            "resolved": resolved / len(cases), "top1": hit / len(cases), "top5": top5 / len(cases)}


# --- accuracy --------------------------------------------------------------------------------------------
def score_errors(errors: list[float]) -> dict:
    return {"n": len(errors), "acc161": sum(e <= 161 for e in errors) / len(errors),
            "mean_km": statistics.fmean(errors), "median_km": statistics.median(errors), "auc": auc(errors),
            "unresolved": sum(e >= MISS_KM for e in errors) / len(errors)}


def resolve_errors(gz, items: list[tuple[str, float, float]]) -> list[float]:
    errors = []
    for phrase, lat, lon in items:
        r = gz.lookup(phrase)
        errors.append(gc_km(lat, lon, r.best.place.lat, r.best.place.lon) if r.best else MISS_KM)
    return errors


def bench_lgl(gz) -> dict | None:
    path = CORPORA / "lgl.xml"
    if not path.is_file():
        return None
    items = []
    for top in ET.parse(path).getroot().iter("toponym"):
        g = top.find("gaztag")
        if g is None or g.find("lat") is None or g.find("lon") is None:
            continue
        items.append((top.findtext("phrase") or "", float(g.findtext("lat")), float(g.findtext("lon"))))
    return score_errors(resolve_errors(gz, items))


def bench_geovirus(gz) -> dict | None:
    path = CORPORA / "GeoVirus.xml"
    if not path.is_file():
        return None
    items = []
    for loc in ET.parse(path).getroot().iter("location"):
        try:
            items.append((loc.findtext("name") or "", float(loc.findtext("lat")), float(loc.findtext("lon"))))
        except (TypeError, ValueError):
            continue
    return score_errors(resolve_errors(gz, items))


_QUALIFIER = re.compile(r"^(district|region|oblast|raion|rayon|area|direction|suburb|city council|council|"
                        r"province|krai)\b", re.I)
_RUN = re.compile(r"(?:[A-ZА-ЯІЇЄҐ][\w'’ʼ.-]*)(?:[\s-]+(?:[A-ZА-ЯІЇЄҐ][\w'’ʼ.-]*|\d+))*", re.U)


def extract_place(description: str) -> list[str]:
    """Candidate place names in a free-text UCDP location, in order: runs of capitalised words; runs that
    qualify another place ("X district", "Y region") come last. Generic: no place names in the rules."""
    text = description.replace("??", " ").strip()
    first, later = [], []
    for m in _RUN.finditer(text):
        run = m.group(0).strip(" .-")
        if not run or run.lower() in ("the", "near", "in", "at", "on", "village", "town", "city"):
            continue
        rest = text[m.end():].lstrip(" ")
        (later if _QUALIFIER.match(rest) else first).append(run)
    return first + later


def bench_ucdp(gz) -> dict | None:
    path = CORPORA / "UCDP-Ukraine.csv"
    if not path.is_file():
        return None
    with open(path, encoding="cp1252", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["where_prec"] in ("1", "2")]
    out = {"n": len(rows)}
    # the region column as a near focus (the centre of the oblast, resolved by the gazetteer itself)
    region_near = {}
    for r in rows:
        reg = r["adm_1"]
        if reg not in region_near:
            res = gz.lookup(reg, country="UA", kinds=["admin1"])
            region_near[reg] = (res.best.place.lat, res.best.place.lon) if res.best else None
    near10 = 0
    for r in rows:
        lat, lon = float(r["latitude"]), float(r["longitude"])
        res = gz.lookup(r["where_coordinates"], country="UA", near=region_near[r["adm_1"]])
        if res.best and gc_km(lat, lon, res.best.place.lat, res.best.place.lon) <= 10:
            near10 += 1
    out["coords_within10_region"] = near10 / len(rows)
    in_index = 0
    for r in rows:
        lat, lon = float(r["latitude"]), float(r["longitude"])
        res = gz.lookup(r["where_coordinates"], country="UA", limit=50)
        in_index += any(gc_km(lat, lon, c.place.lat, c.place.lon) <= 10 for c in res.candidates)
    out["coords_any_candidate_within10"] = in_index / len(rows)
    for label, country in (("", "UA"), ("_nofocus", None)):
        near10 = 0
        for r in rows:
            lat, lon = float(r["latitude"]), float(r["longitude"])
            res = gz.lookup(r["where_coordinates"], country=country)
            if res.best and gc_km(lat, lon, res.best.place.lat, res.best.place.lon) <= 10:
                near10 += 1
        out[f"coords_within10{label}"] = near10 / len(rows)
        near10 = 0
        for r in rows:
            lat, lon = float(r["latitude"]), float(r["longitude"])
            best = None
            for cand in extract_place(r["where_description"]):
                words = cand.split()
                # a run can swallow two names ("Kremennaya Luhansk region"): try it, then shorter prefixes
                for n in range(len(words), 0, -1):
                    res = gz.lookup(" ".join(words[:n]), country=country)
                    if res.best:
                        best = res.best.place
                        break
                if best is not None:
                    break
            if best is not None and gc_km(lat, lon, best.lat, best.lon) <= 10:
                near10 += 1
        out[f"desc_within10{label}"] = near10 / len(rows)
    return out


def bench_build() -> dict:
    with tempfile.TemporaryDirectory() as d:
        env = {**os.environ, "GEOMAP_CACHE": d}
        gpkg = Path(os.environ.get("GEOMAP_CACHE", Path.home() / ".cache" / "geomap")) / "debian"
        if gpkg.is_dir():
            os.symlink(gpkg, Path(d) / "debian")
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from gazetteer import Gazetteer; Gazetteer.default(progress=False)"],
                       check=True, env=env, cwd=ROOT)
        full = time.perf_counter() - t
        size = (Path(d) / "gazetteer.sqlite").stat().st_size + (Path(d) / "gazetteer-base.sqlite").stat().st_size
        Path(d, "gazetteer.sqlite").unlink()
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from gazetteer import Gazetteer; Gazetteer.default(progress=False)"],
                       check=True, env=env, cwd=ROOT)
        top = time.perf_counter() - t
    return {"full_s": full, "curated_layer_s": top, "mb": size / 1e6}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", action="store_true", help="also time a from-scratch build (about a minute)")
    ap.add_argument("--quick", action="store_true", help="smaller samples")
    args = ap.parse_args(argv)
    from gazetteer import Gazetteer

    gz = Gazetteer.default()
    print(f"machine: {machine()}", file=sys.stderr)
    res: dict[str, dict | None] = {}
    if args.build:
        res["build"] = bench_build()
        print("build", res["build"], file=sys.stderr)
    res["load"] = bench_cold_load()
    print("load", res["load"], file=sys.stderr)
    res["exact"] = bench_exact(5000 if args.quick else 20000)
    print("exact", res["exact"], file=sys.stderr)
    res["memory"] = bench_shared_memory(10000 if args.quick else 50000)
    print("memory", res["memory"], file=sys.stderr)
    res["fuzzy"] = bench_fuzzy(500 if args.quick else 2000)
    print("fuzzy", res["fuzzy"], file=sys.stderr)
    for name, fn in (("lgl", bench_lgl), ("geovirus", bench_geovirus), ("ucdp", bench_ucdp)):
        gz._cache.clear()
        res[name] = fn(gz)
        print(name, res[name], file=sys.stderr)

    load = os.getloadavg()
    print(f"Machine: {machine()}; load average during the run {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
          f"(1/5/15 min; other jobs share the 2 cores)\n")
    if res.get("build"):
        b = res["build"]
        print(f"- Build from scratch (base + curated layers): {b['full_s']:.1f} s, {b['mb']:.0f} MB on disk; "
              f"curated layer alone (after a curated edit): {b['curated_layer_s']:.1f} s")
    ld = res["load"]
    print(f"- Cold start in a new process (import + open + validate): {ld['process_open_s'] * 1000:.0f} ms; "
          f"open only: {ld['open_only_s'] * 1000:.1f} ms; first lookup: {ld['first_lookup_s'] * 1000:.1f} ms")
    ex = res["exact"]
    print(f"- Exact lookups (fuzzy=False), {ex['n']} distinct names sampled from the index, cold result and "
          f"place caches: {ex['distinct_per_s']:,.0f}/s wall, {ex['distinct_cpu_per_s']:,.0f}/s CPU time (best of "
          f"3 fresh instances; all: {', '.join(f'{r:,.0f}' for r in ex['distinct_per_s_all'])}; "
          f"{ex['found']:.1%} found; with the garbage collector off, a diagnostic: "
          f"{ex['nogc_cpu_per_s']:,.0f}/s CPU); same names again (result cache): {ex['repeated_per_s']:,.0f}/s; SQLite "
          f"fallback (no name table): {ex['sql_per_s']:,.0f}/s; opening the name table "
          f"({ex['table_mb']:.0f} MB, memory-mapped): {ex['table_open_s'] * 1000:.2f} ms")
    mem = res.get("memory")
    if mem:
        for procs, runs in mem.items():
            print(f"- {procs} process(es) each opening the gazetteer and looking up the same "
                  f"{'10,000' if args.quick else '50,000'} names: " + "; ".join(
                      f"USS {r['uss_mb']:.0f} MB, PSS {r['pss_mb']:.0f} MB, RSS {r['rss_mb']:.0f} MB, cold start "
                      f"{r['cold_s'] * 1000:.0f} ms, {r['cpu_per_s']:,.0f} lookups/s CPU" for r in runs))
    fz = res["fuzzy"]
    print(f"- Fuzzy lookups, {fz['n']} one-edit misspellings of places >= 10k people: p50 {fz['p50_ms']:.2f} ms, "
          f"p95 {fz['p95_ms']:.2f} ms; resolved {fz['resolved']:.1%}, right place first {fz['top1']:.1%}, "
          f"in top 5 {fz['top5']:.1%}")
    for name, label in (("lgl", "LGL"), ("geovirus", "GeoVirus")):
        r = res.get(name)
        if r:
            print(f"- {label} gold toponym strings ({r['n']}): Acc@161 {r['acc161']:.3f}, mean error "
                  f"{r['mean_km']:.0f} km, median {r['median_km']:.1f} km, AUC {r['auc']:.3f}, unresolved "
                  f"{r['unresolved']:.1%}")
    u = res.get("ucdp")
    if u:
        print(f"- UCDP Ukraine, where_prec 1-2 ({u['n']} rows), best candidate within 10 km: where_coordinates "
              f"string {u['coords_within10']:.1%} with country focus UA ({u['coords_within10_nofocus']:.1%} "
              f"without); name extracted from where_description {u['desc_within10']:.1%} "
              f"({u['desc_within10_nofocus']:.1%} without focus); where_coordinates with the row's adm_1 region "
              f"as near focus {u['coords_within10_region']:.1%}; rows where any of the top 50 candidates is within "
              f"10 km (coverage ceiling) {u['coords_any_candidate_within10']:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
