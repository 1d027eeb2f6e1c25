"""The corpus merge on disk gives exactly the in-memory merge's events, ids and order, whatever the mix."""

import pickle

import pytest
from shapely.geometry import LineString, Point

from geomap.merge import merge_events
from geomap.merge_disk import DiskMerge
from tests.test_merge import _dump, _random_events, ev


def _disk(events, keep=None, workdir=None):
    with DiskMerge(workdir) as dm:
        dm.add_all(events)
        merged = dm.merged(keep)
        return list(merged), len(merged)


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 8])
def test_disk_merge_equals_the_in_memory_merge(seed):
    """Crowded random events (points, lines, areas; undated, vague, axes in phases): the same groups, combined
    the same way, the same ids with the same suffixes, in the same order."""
    evs = _random_events(seed, n=700)
    want = merge_events(evs)
    got, n = _disk(evs)
    assert _dump(got) == _dump(want)
    assert n == len(want) < len(evs)


def test_disk_merge_handles_absorption_distance_and_the_same_report_slack():
    """A vague headline absorbed by the one precise event its report tells next; two points 10 km apart
    merge only when one report tells both (the same-report slack); undated events join dated ones."""
    a = ev("r1", 100, pid="gn:a", geom=Point(37.0, 48.0), unc=1000.0)
    b = ev("r1", 200, pid="gn:b", geom=Point(37.0, 48.09), unc=1000.0)  # 10 km north, same report: one event
    c = ev("r2", 100, pid="gn:c", geom=Point(39.0, 48.0), unc=1000.0)
    d = ev("r3", 100, pid="gn:d", geom=Point(39.0, 48.09), unc=1000.0)  # 10 km, another report: apart
    head = ev("r4", 5, pid="gn:region", geom=Point(35.0, 47.0).buffer(1.0), gp=3)
    body = ev("r4", 50, pid="gn:town", geom=Point(35.2, 47.1), unc=1000.0)
    undated = ev("r5", 10, pid="gn:a", geom=Point(37.0, 48.0), date=None)
    evs = [a, b, c, d, head, body, undated]
    want = merge_events(evs)
    got, _ = _disk(evs)
    assert _dump(got) == _dump(want)
    sources = sorted(sorted(s.report for s in e.sources) for e in got)
    assert ["r1", "r1", "r5"] in sources and ["r2"] in sources and ["r3"] in sources and ["r4", "r4"] in sources


def test_ids_that_collide_are_numbered_in_founding_order(monkeypatch):
    from geomap import merge

    monkeypatch.setattr(merge, "make_id", lambda e: "x-" + merge._key(e)[:4])
    evs = _random_events(3)
    got, _ = _disk(evs)
    assert _dump(got) == _dump(merge_events(evs))
    assert sum("-" in e.id[2:] for e in got) > 20


def test_keep_filters_after_numbering_and_len_counts_what_is_kept():
    evs = _random_events(4)
    want = [e for e in merge_events(evs) if e.event_type != "axis"]
    got, n = _disk(evs, keep=lambda e: e.event_type != "axis")
    assert _dump(got) == _dump(want) and n == len(want)


def test_merged_events_stream_again_and_the_work_file_goes_on_close(tmp_path):
    evs = [ev("r1", 0), ev("r2", 0), ev("r3", 0, pid="gn:2", geom=LineString([(30, 50), (31, 51)]))]
    dm = DiskMerge(tmp_path)
    dm.add_all(evs)
    merged = dm.merged()
    assert [e.id for e in merged] == [e.id for e in merged] == [e.id for e in merge_events(evs)]
    assert dm.merged() is merged
    with pytest.raises(ValueError):
        dm.add(evs[0])
    assert dm.path.exists()
    dm.close()
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="closed"):
        list(merged)


def test_an_empty_merge():
    assert _disk([]) == ([], 0)


def test_events_from_the_store_pickle_round_trip_exactly():
    """The work file's encoding gives back equal events (fields, tuples, geometry bytes)."""
    from geomap.merge_disk import _dump as enc, _load as dec

    for e in _random_events(6, n=50):
        back = dec(enc(e))
        assert back == e and back.geometry.wkb == e.geometry.wkb
        assert pickle.loads(pickle.dumps(back)) == e
