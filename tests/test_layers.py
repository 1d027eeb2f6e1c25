"""Symbology: which layer an event goes to and the parts that draw it (arrowheads as geometry)."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, MultiLineString, Point, box

from geomap.layers import (
    SPECS,
    Unresolved,
    arrowhead,
    arrowheads,
    build_layers,
    events_bounds,
    feature_style,
    geodesic_circle,
    style_event,
)
from tests.factories import make_event, ref, sample_events, sample_unresolved, src


def _ev(event_type: str, geometry, key: str, **kw):
    kw.setdefault("title", key)
    kw.setdefault("places", (ref("Kharkiv", role="target"),))
    kw.setdefault("sources", (src("r.txt", "quote"),))
    return make_event(event_type, key, geometry=geometry, **kw)


def test_layers_are_named_with_counts_in_display_order_and_unresolved_is_off():
    layers = build_layers(sample_events(), sample_unresolved())
    order = [lay.key for lay in layers]
    assert order == [k for k in SPECS if k in order]
    for lay in layers:
        assert lay.name == f"{lay.spec.label} ({len(lay.items)})"
        assert [st.id for st in lay.items] == sorted(st.id for st in lay.items)
    assert not next(lay for lay in layers if lay.key == "unresolved").show


def test_an_axis_is_an_arrow_whose_head_is_a_polygon_at_the_tip():
    line = LineString([(36.0, 50.0), (36.5, 49.5), (37.0, 49.0)])
    st = style_event(_ev("axis", line, "a1"))
    kinds = [p.kind for p in st.parts]
    assert kinds == ["line", "arrowhead"]
    head, shaft = st.parts[1].geometry, st.parts[0].geometry
    assert head.geom_type == "Polygon" and head.is_valid and head.area > 0
    assert head.exterior.coords[0] == pytest.approx((37.0, 49.0))  # the tip is the line's end
    assert head.contains(Point(shaft.coords[-1])) or head.touches(Point(shaft.coords[-1]))  # the shaft ends in the head
    assert shaft.coords[0] == pytest.approx((36.0, 50.0))


def test_batch_arrowheads_equal_one_by_one_even_with_repeated_end_vertices():
    lines = [
        LineString([(30.0, 50.0), (31.0, 50.5)]),
        LineString([(30.0, 50.0), (30.5, 50.2), (31.0, 50.5), (31.0, 50.5)]),  # repeated tip
        LineString([(30.0, 50.0), (30.0001, 50.0)]),  # 7 m: the head is no longer than 40% of it
        LineString([(30.0, 50.0), (30.2, 50.1), (30.2001, 50.1)]),  # last segment 7 m
        LineString([(25.0, 45.0), (26.0, 46.0), (27.5, 46.0)]),
    ]
    batch = arrowheads(lines)
    for line, (head, shaft) in zip(lines, batch):
        h1, s1 = arrowhead(line)
        assert head.equals_exact(h1, 0) and shaft.equals_exact(s1, 0)
    with pytest.raises(ValueError, match="two distinct points"):
        arrowhead(LineString([(30.0, 50.0), (30.0, 50.0)]))
    assert arrowheads([]) == []


def test_build_layers_gives_every_line_of_a_multiline_its_own_head():
    ml = MultiLineString([[(30.0, 50.0), (31.0, 50.0)], [(32.0, 49.0), (33.0, 48.0)]])
    one = style_event(_ev("movement", ml, "m1"))
    built = next(lay for lay in build_layers([_ev("movement", ml, "m1")]) if lay.key == "movement").items[0]
    assert [p.kind for p in built.parts] == ["line", "arrowhead", "line", "arrowhead"]
    assert all(a.geometry.equals_exact(b.geometry, 0) for a, b in zip(one.parts, built.parts))


def test_points_get_an_uncertainty_circle_and_wide_points_go_to_unresolved():
    st = style_event(_ev("shelling", Point(36.2, 49.9), "s1", uncertainty_m=5000))
    assert [p.kind for p in st.parts] == ["circle", "point"]
    assert st.parts[0].radius_m == 5000 and not st.parts[0].interactive
    wide = style_event(_ev("shelling", Point(36.2, 49.9), "s2", geo_precision=3))
    assert wide.layer == "unresolved"
    region = style_event(_ev("deployment", box(36, 49, 37, 50), "d1", geo_precision=3))
    assert region.layer == "region" and [p.kind for p in region.parts] == ["area"]


def test_projected_and_phases_are_drawn_differently():
    line = LineString([(36.0, 50.0), (37.0, 49.0)])
    done = style_event(_ev("axis", line, "x1", status="reported", phase=1))
    planned = style_event(_ev("axis", line, "x2", status="projected", phase=2))
    assert done.parts[1].style["fill"] != planned.parts[1].style["fill"]  # open head for projected
    assert not done.parts[0].style["stroke-dasharray"] and planned.parts[0].style["stroke-dasharray"]
    assert feature_style(_ev("axis", line, "x3"))["stroke"] == SPECS["axis"].color


def test_duplicate_ids_and_non_events_are_refused():
    e = sample_events()[0]
    with pytest.raises(ValueError, match="duplicate event id"):
        build_layers([e, e])
    with pytest.raises(TypeError):
        build_layers([{"id": "x"}])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="lacks"):
        Unresolved.from_dict({"text": "x"})


def test_geodesic_circle_and_bounds():
    c = geodesic_circle(30.0, 50.0, 10_000)
    assert len(c.exterior.coords) == 65 and c.contains(Point(30.0, 50.0))
    w, s, e, n = events_bounds(sample_events())
    assert w < e and s < n
    assert events_bounds([]) is None
