"""map.png: drawn deterministically, framed on the events, labels that never overlap."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import LineString, Point

from geomap.static_map import _declutter, draw_png, fit_extent
from tests.factories import make_event, ref, sample_events

pytest.importorskip("matplotlib")


def test_same_events_same_bytes(tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    draw_png(sample_events(), a)
    draw_png(list(reversed(sample_events())), b)
    assert a.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert a.read_bytes() == b.read_bytes()


def test_extent_holds_the_events_at_the_figure_aspect():
    w, s, e, n = fit_extent((30.0, 45.0, 40.0, 52.0), 4 / 3)
    assert w < 30.0 and e > 40.0 and s < 45.0 and n > 52.0
    k = math.cos(math.radians((s + n) / 2))
    assert (e - w) * k / (n - s) == pytest.approx(4 / 3)


def test_colliding_labels_keep_the_first_and_hide_the_rest():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), dpi=80)
    try:
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        first = ax.text(5, 5, "Stanytsia Luhanska")
        second = ax.text(5.2, 5.1, "Luhansk")
        apart = ax.text(1, 1, "Kharkiv")
        outside = ax.text(9.9, 9.9, "Belgorod Oblast, Russia")
        _declutter(fig, [first, second, apart, outside], None)
        assert [t.get_visible() for t in (first, second, apart, outside)] == [True, False, True, False]
    finally:
        plt.close(fig)


def test_an_axis_is_labelled_once_at_its_target(tmp_path, monkeypatch):
    import geomap.static_map as sm

    seen = {}

    def record(fig, texts, legend):
        seen["labels"] = [t.get_text() for t in texts]
        seen["xy"] = [t.xy for t in texts]

    monkeypatch.setattr(sm, "_declutter", record)
    axes = [make_event("axis", f"a{i}", title=f"Axis {i}", geometry=LineString([(31.0 + i, 51.4), (30.52, 50.45)]),
                       places=(ref(f"point {i} on the border", role="origin"), ref("Kyiv", role="target")))
            for i in range(2)]
    town = make_event("shelling", "s", geometry=Point(38.9, 48.7), places=(ref("Stanytsia Luhanska"),))
    draw_png([*axes, town], tmp_path / "m.png")
    assert sorted(seen["labels"]) == ["Kyiv", "Stanytsia Luhanska"]
    assert seen["xy"][seen["labels"].index("Kyiv")] == pytest.approx((30.52, 50.45))


def test_a_stream_drawn_a_chunk_at_a_time_from_disk_gives_the_same_png(tmp_path, monkeypatch):
    """A corpus's events are styled a chunk at a time into temporary files and drawn from them a chunk at a
    time: the picture is the one drawn from the whole list at once."""
    import geomap.static_map as sm

    evs = sorted(sample_events(), key=lambda e: e.id)

    class Stream:
        def __iter__(self):
            return iter(evs)

    draw_png(evs, tmp_path / "list.png")
    monkeypatch.setattr(sm, "STYLE_CHUNK", 2)
    monkeypatch.setattr(sm, "SPOOL_MAX", 1)  # every style's vertices go to a file at once
    draw_png(Stream(), tmp_path / "stream.png")
    assert (tmp_path / "stream.png").read_bytes() == (tmp_path / "list.png").read_bytes()
