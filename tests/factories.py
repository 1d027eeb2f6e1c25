"""Synthetic but realistic events for tests (shared: add what you need, do not change what others use).

The coordinates are real places around Ukraine (rounded), the wording is in the style of wire copy; none of
it is keyed to the seed reports. ``sample_events()`` covers every event type and every way of drawing one:
axes of phase 1 and 2 (projected and happened), a movement, a bridge, shelling sites with an uncertainty
circle and with an uncertainty area, a region-level polygon, a low-precision point, and hostile text in
quotes, titles, claims and URLs.
"""

from __future__ import annotations

from shapely.geometry import LineString, Point, Polygon, box

from geomap.event import Event, PlaceRef, Source, event_id

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(2)</script>"
XSS_ATTR = '"><svg onload=alert(3)>'
JS_URL = "javascript:alert(4)"
CSV_FORMULA = '=HYPERLINK("http://evil.example","click")'


def src(report: str, quote: str, *, start: int = 0, url: str = "", outlet: str = "", published: str = "") -> Source:
    return Source(report=report, start=start, end=start + len(quote), quote=quote, url=url, outlet=outlet,
                  published=published)


def ref(text: str, name: str | None = None, gid: str = "", role: str = "location") -> PlaceRef:
    return PlaceRef(text=text, name=name or text, gazetteer_id=gid, role=role)  # type: ignore[arg-type]


def make_event(event_type: str = "shelling", key: str = "", **kw) -> Event:
    """One event with sensible defaults; any field can be overridden."""
    kw.setdefault("title", f"{event_type} event")
    kw.setdefault("geometry", Point(37.8, 48.0))
    kw.setdefault("places", (ref("Donetsk", gid="gn:709717"),))
    kw.setdefault("sources", (src("wire-001.txt", f"A {event_type} event was reported.", url="https://example.org/a"),))
    kw.setdefault("date", "2022-02-17")
    kw.setdefault("date_precision", "day")
    return Event(id=kw.pop("id", None) or event_id(event_type, key or kw["title"]), event_type=event_type, **kw)


def sample_events() -> list[Event]:
    """A small briefing-map worth of events (Feb 2022 style), every type, spanning several days."""
    wire = "https://example.org/wire/2022-02-17"
    return [
        make_event(
            "axis",
            title="Possible phase 1 axis towards Kyiv from the Belarusian border",
            geometry=LineString([(29.35, 51.62), (29.95, 51.05), (30.52, 50.45)]),
            places=(ref("the Belarusian border", "Belarus-Ukraine border", role="origin"),
                    ref("Kyiv", gid="gn:703448", role="target")),
            sources=(src("brief-004.md", "Phase one ground movement towards Kyiv from two points along the "
                         "Belarusian border, an intelligence map shows.", start=120, url=wire, outlet="Wire"),),
            status="projected", phase=1, claimed_by=("Western officials",), flags=("origin_inferred",),
            date="2022-02-16", geo_precision=2,
        ),
        make_event(
            "axis",
            title="Possible phase 2 axis from Belgorod towards Kharkiv",
            geometry=LineString([(36.59, 50.60), (36.40, 50.25), (36.23, 49.99)]),
            places=(ref("Belgorod", gid="gn:578072", role="origin"), ref("Kharkiv", gid="gn:706483", role="target")),
            sources=(src("brief-004.md", "In a second phase forces could push from Belgorod to Kharkiv.",
                         start=300, url=wire, outlet="Wire"),),
            status="projected", phase=2, claimed_by=("Western officials",), date="2022-02-16",
        ),
        make_event(
            "axis",
            title="Advance north from Crimea towards Kherson",
            geometry=LineString([(33.70, 46.05), (33.30, 46.40), (32.62, 46.64)]),
            places=(ref("Crimea", gid="cur:crimea", role="origin"), ref("Kherson", gid="gn:706448", role="target")),
            sources=(src("wire-010.txt", "Columns moved north out of Crimea towards Kherson on Thursday.",
                         start=40, url="https://example.org/wire/10", outlet="Wire"),),
            status="reported", phase=1, claimed_by=("Ukrainian armed forces",), date="2022-02-24",
        ),
        make_event(
            "movement",
            title="Armoured column seen moving south of Valuyki",
            geometry=LineString([(38.10, 50.21), (38.05, 50.05), (37.98, 49.93)]),
            places=(ref("Valuiki", "Valuyki", "gn:477301", role="origin"),),
            sources=(src("wire-002.txt", "A column of T-72 tanks was filmed moving south of Valuiki.", start=10,
                         url="https://example.org/wire/2", outlet="Wire"),
                     src("wire-005.txt", "Video shows tanks heading south from Valuyki towards the border.",
                         start=55, url="https://example.org/wire/5", outlet="Other wire")),
            status="confirmed", units=("T-72",), date="2022-02-18",
        ),
        make_event(
            "bridge",
            title="Pontoon bridge across the Pripyat River near the border",
            geometry=Point(29.47, 51.79),
            places=(ref("Pripyat River", "Pripyat", "cur:pripyat-river"),),
            sources=(src("wire-003.txt", "Satellite images show a pontoon bridge across the Pripyat River in "
                         "southern Belarus, less than four miles from the border.", start=200,
                         url="https://example.org/wire/3", outlet="Imagery firm"),),
            status="confirmed", geo_precision=2, uncertainty_m=3000, units=("pontoon bridge",),
            claimed_by=("Maxar Technologies",), date="2022-02-17",
        ),
        make_event(
            "shelling",
            title="Shelling of a kindergarten in Stanytsia Luhanska " + XSS_ATTR,
            geometry=Point(39.48, 48.65),
            places=(ref("Stanytsia Luhanska", gid="gn:697141"),),
            sources=(src("wire-004.txt", "Shells hit a kindergarten in Stanytsia Luhanska " + XSS_IMG, start=5,
                         url=JS_URL, outlet="Wire"),
                     src("wire-006.txt", "The village was shelled again overnight " + XSS_SCRIPT, start=70,
                         url="https://example.org/wire/6?a=1&b=<2>", outlet="Other wire")),
            status="reported", claimed_by=("Ukrainian armed forces",), uncertainty_m=1500, date="2022-02-17",
        ),
        make_event(
            "shelling",
            title="Shelling 16km north-east of Luhansk",
            geometry=Point(39.48, 48.67 + 0.03),
            places=(ref("Luhansk", gid="gn:702658"),),
            sources=(src("wire-007.txt", "Separatists said shells landed 16km north-east of Luhansk.", start=0,
                         url="https://example.org/wire/7", outlet="Wire"),),
            status="disputed", claimed_by=("Luhansk separatists",), geo_precision=2, uncertainty_m=5000,
            date="2022-02-18",
        ),
        make_event(
            "shelling",
            title="Shelling within 5 km of the contact line near Horlivka",
            geometry=Polygon([(37.95, 48.25), (38.15, 48.25), (38.15, 48.38), (37.95, 48.38)]),
            places=(ref("Horlivka", gid="gn:708030"),),
            sources=(src("wire-008.txt", "Heavy shelling near Horlivka, within 5 km of the contact line.",
                         start=12, outlet="Wire"),),
            geo_precision=2, claimed_by=("OSCE monitors",), date="2022-02-19",
        ),
        make_event(
            "strike",
            title="Missile strike on Hostomel airfield",
            geometry=Point(30.19, 50.59),
            places=(ref("Hostomel airfield", "Antonov Airport", "cur:hostomel-airfield"),),
            sources=(src("wire-011.txt", "Missiles struck the airfield at Hostomel early Thursday.", start=0,
                         url="https://example.org/wire/11", outlet="Wire"),),
            claimed_by=("Ukrainian armed forces", CSV_FORMULA), date="2022-02-24",
        ),
        make_event(
            "deployment",
            title="150th Motor Rifle Division deployed near Novocherkassk",
            geometry=Point(40.10, 47.42),
            places=(ref("Novocherkassk", gid="gn:517491"),),
            sources=(src("wire-009.txt", "The 150th Motor Rifle Division has deployed near Novocherkassk.",
                         start=400, url="https://example.org/wire/9", outlet="Wire"),),
            units=("150th Motor Rifle Division",), claimed_by=("Western officials",), date="2022-02-16",
        ),
        make_event(
            "naval",
            title="Landing ships gathered off Sevastopol",
            geometry=Point(33.45, 44.55),
            places=(ref("Sevastopol", gid="gn:694423"),),
            sources=(src("wire-012.txt", "Six landing ships gathered off Sevastopol.", start=3,
                         url="https://example.org/wire/12", outlet="Wire"),),
            units=("landing ships",), date="2022-02-20", uncertainty_m=8000, geo_precision=2,
        ),
        make_event(
            "air",
            title="Su-25 jets at Millerovo air base",
            geometry=Point(40.35, 48.95),
            places=(ref("Millerovo air base", "Millerovo", "cur:millerovo-air-base"),),
            sources=(src("wire-013.txt", "Su-25 ground attack jets were seen at Millerovo air base.", start=9,
                         url="https://example.org/wire/13", outlet="Imagery firm"),),
            units=("Su-25",), date="2022-02-19",
        ),
        make_event(
            "other",
            title="Cyber attack on defence ministry websites",
            geometry=Point(30.52, 50.45),
            places=(ref("Kyiv", gid="gn:703448"),),
            sources=(src("wire-014.txt", "Websites of the defence ministry went down in Kyiv.", start=0,
                         url="https://example.org/wire/14", outlet="Wire"),),
            date="2022-02-15",
        ),
        make_event(
            "shelling",
            title="Ceasefire violations across Donetsk Oblast",
            geometry=box(36.6, 47.0, 38.6, 49.2),
            places=(ref("Donetsk region", "Donetsk Oblast", "ne1:UKR-1324"),),
            sources=(src("wire-015.txt", "Monitors recorded hundreds of ceasefire violations in the Donetsk "
                         "region.", start=0, url="https://example.org/wire/15", outlet="Wire"),),
            geo_precision=3, claimed_by=("OSCE monitors",), date="2022-02-19", date_precision="day",
        ),
        make_event(
            "deployment",
            title="Troops massing in eastern Ukraine's neighbourhood",
            geometry=Point(38.0, 49.5),
            places=(ref("eastern Ukraine", "Ukraine", "ne0:UA"),),
            sources=(src("wire-016.txt", "Troops are massing somewhere in the east.", start=0, outlet="Wire"),),
            geo_precision=3, date=None, date_precision=None,
        ),
    ]


def sample_unresolved() -> list[dict]:
    """Unresolved items as the pipeline hands them over (two with a point, one without, one hostile)."""
    return [
        {"report": "wire-004.txt", "text": "Otreshkovo", "start": 812, "end": 822, "reason": "no match"},
        {"report": "wire-006.txt", "text": "the village " + XSS_IMG, "start": 30, "end": 60,
         "reason": "ambiguous: 3 candidates", "lat": 48.9, "lon": 38.9},
        {"report": "wire-002.txt", "text": "=cmd|' /C calc'!A0", "start": 1, "end": 18, "reason": "not a place"},
        {"report": "wire-009.txt", "text": "near the border", "start": 90, "end": 105,
         "reason": "distance conflict", "lat": 50.1, "lon": 36.9},
    ]


class FakeGazetteer:
    """A tiny stand-in with the real ``features()`` contract, for basemap/map tests that must not build the
    world index: rough outlines of Ukraine, Belarus and Russia, two oblasts, a sea, a river and three towns."""

    def __init__(self) -> None:
        import shapely
        from shapely.geometry import LineString as L, Polygon as P

        from gazetteer.place import Kind, Place

        def place(pid, name, kind, geom, **kw):
            c = geom.representative_point()
            return Place(id=pid, name=name, kind=kind, lat=c.y, lon=c.x, geometry_wkb=shapely.to_wkb(geom),
                         source="test", **kw)

        ua = P([(22.1, 48.4), (24.0, 51.6), (30.5, 51.3), (33.5, 52.3), (35.5, 50.4), (40.2, 49.6),
                (38.2, 47.1), (35.0, 46.2), (33.6, 44.4), (32.5, 45.4), (30.2, 45.8), (28.2, 45.5), (22.1, 48.4)])
        by = P([(23.2, 52.2), (24.0, 51.6), (30.5, 51.3), (31.8, 52.1), (30.8, 55.6), (26.5, 55.7), (23.2, 52.2)])
        ru = P([(31.8, 52.1), (33.5, 52.3), (35.5, 50.4), (40.2, 49.6), (38.2, 47.1), (39.0, 47.0),
                (42.0, 45.0), (45.0, 46.0), (45.0, 56.0), (30.8, 55.6), (31.8, 52.1)])
        self._places = [
            place("ne0:UA", "Ukraine", Kind.COUNTRY, ua, country="UA"),
            place("ne0:BY", "Belarus", Kind.COUNTRY, by, country="BY"),
            place("ne0:RU", "Russia", Kind.COUNTRY, ru, country="RU"),
            place("ne1:UA-14", "Donetsk Oblast", Kind.ADMIN1, P([(36.6, 47.0), (38.6, 47.0), (38.6, 49.2),
                                                                 (36.6, 49.2)]), country="UA"),
            place("ne1:UA-09", "Luhansk Oblast", Kind.ADMIN1, P([(38.6, 47.9), (40.2, 47.9), (40.2, 50.1),
                                                                 (38.6, 50.1)]), country="UA"),
            place("cur:black-sea", "Black Sea", Kind.SEA, P([(27.5, 41.0), (41.7, 41.0), (41.7, 45.2),
                                                             (33.6, 44.4), (30.2, 45.8), (27.5, 44.0)])),
            place("cur:dnieper", "Dnieper", Kind.RIVER, L([(30.6, 51.6), (30.5, 50.4), (32.0, 49.2),
                                                           (35.1, 47.8), (33.2, 46.6), (31.8, 46.5)])),
            Place(id="gn:703448", name="Kyiv", kind=Kind.POPULATED_PLACE, country="UA", population=2797553,
                  lat=50.45, lon=30.52),
            Place(id="gn:706483", name="Kharkiv", kind=Kind.POPULATED_PLACE, country="UA", population=1430885,
                  lat=49.98, lon=36.25),
            Place(id="gn:000001", name="Village <b>x</b>", kind=Kind.POPULATED_PLACE, country="UA",
                  population=600, lat=48.3, lon=38.0),
        ]
        self.calls: list[tuple] = []

    def features(self, kinds, bbox=None, min_importance=0.0):
        kinds = {getattr(k, "value", k) for k in kinds}
        self.calls.append((tuple(sorted(kinds)), bbox))
        out = []
        for p in self._places:
            if p.kind.value not in kinds:
                continue
            if bbox is not None:
                w, s, e, n = p.geometry.bounds
                if e < bbox[0] or w > bbox[2] or n < bbox[1] or s > bbox[3]:
                    continue
            out.append(p)
        return out


def fake_basemap(events=None):
    """The basemap of ``events`` (default: sample_events()) drawn from the FakeGazetteer."""
    from geomap.basemap import build_basemap
    from geomap.layers import events_bounds

    return build_basemap(FakeGazetteer(), events_bounds(events or sample_events()))
