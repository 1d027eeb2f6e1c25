"""One event told several times becomes one Event with several sources; different events stay apart."""

from shapely.geometry import LineString, Point, box

from geomap.event import Event, PlaceRef, Source
from geomap.merge import date_range, merge_events, merged_status, same_event


def ev(report="r1", start=0, *, etype="shelling", pid="gn:1", geom=None, date="2022-02-17", prec="day", status="reported",
       claimed=(), units=(), flags=(), gp=1, unc=2000.0, phase=None, stated=True, key=None):
    return Event(
        id="x",
        event_type=etype,
        title=f"{etype} {pid}",
        geometry=geom if geom is not None else Point(39.48, 48.66),
        places=(PlaceRef(pid, pid, pid, "location"),),
        sources=(Source(report, start, start + 10, f"quote {report} {start}"),),
        date=date,
        date_precision=prec if date else None,
        geo_precision=gp,
        uncertainty_m=unc,
        status=status,
        claimed_by=tuple(claimed),
        units=tuple(units),
        flags=tuple(flags),
        phase=phase,
        extra=(("date_stated", stated), ("place_key", key or pid), ("source_statuses", (status,))),
    )


def test_same_place_type_and_day_merge_with_all_sources():
    a = ev("r1", 10, claimed=["Ukrainian armed forces"], units=["artillery"])
    b = ev("r2", 50, status="confirmed", claimed=["CNN"])
    [m] = merge_events([a, b])
    assert [s.report for s in m.sources] == ["r1", "r2"]
    assert m.claimed_by == ("CNN", "Ukrainian armed forces") and m.units == ("artillery",)
    assert m.status == "confirmed"


def test_merging_is_order_independent_and_ids_are_stable():
    evs = [ev("r1", 10), ev("r2", 5, status="confirmed"), ev("r1", 90, etype="strike")]
    one = merge_events(evs)
    two = merge_events(list(reversed(evs)))
    assert [e.id for e in one] == [e.id for e in two]
    assert [e.__geo_interface__ for e in one] == [e.__geo_interface__ for e in two]
    assert all(e.id.startswith(e.event_type[:3] + "-") for e in one)


def test_different_type_place_or_day_stay_apart():
    base = ev()
    assert not same_event(base, ev(etype="strike"))
    assert not same_event(base, ev(pid="gn:2", geom=Point(37.8, 48.0)))
    assert not same_event(base, ev(date="2022-02-10"))
    assert len(merge_events([base, ev(date="2022-02-10")])) == 2


def test_overnight_slack_and_coarser_dates():
    assert same_event(ev(date="2022-02-17"), ev(date="2022-02-16"))  # "overnight": one day of slack
    assert same_event(ev(date="2022-02-14", prec="week"), ev(date="2022-02-17"))
    assert date_range("2022-02-01", "month")[1].isoformat() == "2022-02-28"


def test_undated_sentence_merges_within_the_week_before_the_report():
    assert same_event(ev(date="2022-02-17", stated=False), ev(date="2022-02-12"))
    assert not same_event(ev(date="2022-02-17", stated=False), ev(date="2022-03-01"))


def test_nearby_points_merge_far_points_do_not():
    a = ev(pid="gn:1", geom=Point(39.48, 48.66))
    assert same_event(a, ev(pid="gn:9", geom=Point(39.50, 48.67)))  # ~2 km apart, another id for the same village
    assert not same_event(a, ev(pid="gn:9", geom=Point(39.31, 48.57)))  # ~17 km: another place


def test_axes_merge_only_on_the_same_origin_target_and_phase():
    la = LineString([(30.5, 51.2), (30.5, 50.45)])
    lb = LineString([(28.7, 51.4), (30.5, 50.45)])
    a = ev(etype="axis", pid="a", geom=la, phase=1, status="projected", gp=2)
    b = ev(etype="axis", pid="b", geom=lb, phase=1, status="projected", gp=2)
    assert len(merge_events([a, b])) == 2
    assert len(merge_events([a, ev("r2", etype="axis", pid="a", geom=la, phase=2, status="projected", gp=2)])) == 2


def test_status_rules():
    assert merged_status(["reported", "confirmed"]) == ("confirmed", False)
    assert merged_status(["reported", "disputed"]) == ("disputed", False)
    assert merged_status(["confirmed", "disputed"]) == ("confirmed", True)
    assert merged_status(["projected", "reported"]) == ("reported", False)
    assert merged_status(["projected"]) == ("projected", False)
    [m] = merge_events([ev(status="confirmed"), ev("r2", status="disputed")])
    assert m.status == "confirmed" and "disputed_by_some" in m.flags


def test_most_precise_geometry_and_date_win():
    coarse = ev("r1", 0, pid="gn:1", date="2022-02-14", prec="week", unc=9000.0)
    fine = ev("r2", 0, pid="gn:1", date="2022-02-16", unc=1000.0)
    [m] = merge_events([coarse, fine])
    assert (m.date, m.date_precision, m.uncertainty_m) == ("2022-02-16", "day", 1000.0)


def test_vague_headline_joins_the_one_precise_event_the_report_tells_next():
    region = box(36, 47, 40, 50)
    head = ev("r1", 0, pid="region", geom=region, gp=3, unc=200000.0, stated=False)
    body = ev("r1", 100, pid="gn:1", geom=Point(38, 48))
    [m] = merge_events([head, body])
    assert len(m.sources) == 2 and m.geo_precision == 1
    # two precise candidates: which one the headline means is unknown, so it stays apart
    other = ev("r1", 200, pid="gn:2", geom=Point(39, 49.5))
    assert len(merge_events([head, body, other])) == 3


def test_constructed_areas_are_not_absorbed():
    band = ev("r1", 0, etype="deployment", pid="", geom=box(36, 47, 40, 50), gp=3, unc=50000.0, key="band:UA:RU:50km")
    band = Event(**{**{f: getattr(band, f) for f in band.__dataclass_fields__}, "places": (PlaceRef("50 km", "band", "", "location"),)})
    town = ev("r1", 100, etype="deployment", pid="gn:1", geom=Point(38, 48))
    assert len(merge_events([band, town])) == 2


def _scan_merge_groups(events):
    """The merge's grouping by a plain scan of every group (the definition the indexed merge must equal)."""
    order = sorted(events, key=lambda e: (e.event_type, e.geo_precision, e.sources[0].report, e.sources[0].start))
    groups = []
    for e in order:
        home = next((g for g in groups if any(same_event(e, x) for x in g)), None)
        if home is None:
            groups.append([e])
        else:
            home.append(e)
    return groups


def test_indexed_merge_equals_a_scan_of_every_group():
    """Random events crowded in space and time (points, lines, areas, several dates and precisions, undated,
    high latitudes): the indexed merge gives exactly what comparing with every group gives."""
    import random

    from geomap import merge

    rnd = random.Random(5)
    evs = []
    for i in range(400):
        lat = rnd.choice([48.5, 48.6, 75.0, 75.2]) + rnd.uniform(-0.3, 0.3)
        lon = 37.0 + rnd.uniform(-1.5, 1.5)
        shape = rnd.random()
        geom = Point(lon, lat) if shape < 0.6 else (
            LineString([(lon, lat), (lon + rnd.uniform(-1, 1), lat + rnd.uniform(-0.5, 0.5))]) if shape < 0.85 else
            box(lon, lat, lon + 0.2, lat + 0.1))
        day = rnd.choice([None, "2022-01-03", "2022-02-10", "2022-02-11", "2022-02-14", "2022-02-20", "2022-03-01",
                          "2022-03-09", "2022-03-17", "2022-04-02"])
        evs.append(ev(f"r{rnd.randrange(60)}", i * 10, etype=rnd.choice(["shelling", "deployment"]),
                      pid=f"gn:{rnd.randrange(25)}", geom=geom, date=day, prec=rnd.choice(["day", "day", "week", "month"]),
                      stated=rnd.random() < 0.5, gp=rnd.choice([1, 2, 2, 3]), unc=rnd.choice([1000.0, 5000.0, 20000.0])))
    want = [merge._combine(g) for g in merge._absorb_vague(_scan_merge_groups(evs))]
    got = merge_events(evs)
    assert sorted(len(m.sources) for m in got) == sorted(len(m.sources) for m in want)
    assert sorted(tuple((s.report, s.start) for s in m.sources) for m in got) == sorted(
        tuple((s.report, s.start) for s in m.sources) for m in want)
    assert len(evs) / 4 < len(got) < len(evs)  # the test data merges some, not all
    assert any(len({p.gazetteer_id for p in m.places}) > 1 for m in got)  # and some by distance


def _random_events(seed, n=500):
    """Crowded random events of several types and axis phases (points, lines, areas, undated, vague)."""
    import random

    rnd = random.Random(seed)
    evs = []
    for i in range(n):
        lat = rnd.choice([48.5, 48.6, 75.0]) + rnd.uniform(-0.3, 0.3)
        lon = 37.0 + rnd.uniform(-1.5, 1.5)
        shape = rnd.random()
        geom = Point(lon, lat) if shape < 0.6 else (
            LineString([(lon, lat), (lon + rnd.uniform(-1, 1), lat + rnd.uniform(-0.5, 0.5))]) if shape < 0.85 else
            box(lon, lat, lon + 0.2, lat + 0.1))
        etype = rnd.choice(["shelling", "deployment", "axis", "axis", "strike"])
        day = rnd.choice([None, "2022-02-10", "2022-02-11", "2022-02-14", "2022-03-01", "2022-03-09"])
        evs.append(ev(f"r{rnd.randrange(40)}", i * 10, etype=etype, pid=f"gn:{rnd.randrange(15)}", geom=geom,
                      date=day, prec=rnd.choice(["day", "day", "week", "month"]), stated=rnd.random() < 0.5,
                      gp=rnd.choice([1, 2, 2, 3]), unc=rnd.choice([1000.0, 5000.0, 20000.0]),
                      phase=rnd.choice([1, 2, None]) if etype == "axis" else None,
                      status="projected" if etype == "axis" else "reported"))
    return evs


def _one_pass_merge(events):
    """The merge without the split by kind: every kind grouped, absorbed and numbered in one sequence."""
    from geomap import merge

    # numbered by merge.finish in group order: one sequence over every kind
    groups = merge._absorb_vague(_scan_merge_groups(events))
    return merge.finish([(i, merge._combine(g)) for i, g in enumerate(groups)])


def _dump(events):
    import json

    return json.dumps([[e.id, e.__geo_interface__, e.extra] for e in events], sort_keys=True, default=str)


def test_merge_by_kind_equals_one_pass_over_all_kinds(monkeypatch):
    """Splitting by (type, phase) gives the same events, ids and order as one pass over every group; with a
    coarse id (type and phase left out, so ids collide within and across kinds) the numeric suffixes still
    follow the order the groups were founded in over all kinds."""
    from geomap import merge

    for seed in (1, 2):
        evs = _random_events(seed)
        got = merge_events(evs)
        assert _dump(got) == _dump(_one_pass_merge(evs))
        assert len({(e.event_type, e.phase) for e in got}) >= 6 and len(got) < len(evs)
    monkeypatch.setattr(merge, "make_id", lambda e: "x-" + merge._key(e)[:4])
    evs = _random_events(3)
    got = merge_events(evs)
    assert _dump(got) == _dump(_one_pass_merge(evs))
    assert sum("-" in e.id[2:] for e in got) > 20  # many suffixed ids


def test_parts_merged_anywhere_give_the_same_events():
    """The parts can be merged in any order (or in other processes: they pickle) and finished together."""
    import pickle

    from geomap import merge

    evs = _random_events(4)
    parts = merge.partition(evs)
    assert [len({merge._kind(e) for _, e in p}) for p in parts] == [1] * len(parts)
    merged = [m for p in reversed(parts) for m in pickle.loads(pickle.dumps(merge._merge_kind(pickle.loads(pickle.dumps(p)))))]
    assert _dump(merge.finish(merged)) == _dump(merge_events(evs))


def test_every_near_event_is_filed_in_a_cell_of_the_reach():
    """The index's one promise: when ``_near(e, x)``, the cell where ``x`` is filed is among the cells ``e``
    looks in (points, long lines and areas, both ways, high latitudes); and the Hausdorff distance is at
    least the gap between corresponding bounding-box edges (the bound the index rejects candidates with)."""
    import random

    import shapely

    from geomap import merge

    rnd = random.Random(11)
    events = _random_events(12, n=300)
    for e in events[:40]:
        for i in range(8):  # long lines: their corner is far from most of their length
            lon, lat = e.geometry.representative_point().coords[0]
            events.append(ev("r1", 10_000 + i, geom=LineString([(lon + rnd.uniform(-0.2, 0.2), lat), (lon + rnd.uniform(-4, 4), lat + rnd.uniform(-3, 3))]), gp=2))
    near = 0
    for a in events:
        reach = set(merge._reach_cells(a))
        for b in events:
            if a is not b and merge._near(a, b) and merge._own_cells(b):
                near += a.geometry.geom_type != "Point" or b.geometry.geom_type != "Point"
                assert set(merge._own_cells(b)) <= reach
            ga, gb = a.geometry, b.geometry
            edges = max(abs(x - y) for x, y in zip(ga.bounds, gb.bounds))
            assert shapely.hausdorff_distance(ga, gb) >= edges * (1 - 1e-9)
    assert near > 50  # pairs near by distance where one is a line or an area
