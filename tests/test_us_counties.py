"""gazetteer.sources.us_counties and its data file: US counties (admin-2) as areas with an inside point."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import shapely

from gazetteer import Kind
from gazetteer.sources import us_counties

BUILD = Path(us_counties.__file__).resolve().parent.parent / "data" / "admin2" / "build_us_counties.py"


@pytest.fixture(scope="module")
def records():
    return us_counties.records()


def test_every_county_is_an_admin2_area_with_its_point_inside(records):
    assert len(records) > 3000  # 3,143 counties and equivalents in the 50 states and DC, plus Puerto Rico
    ids = [r.id for r in records]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for r in records:
        assert r.kind is Kind.ADMIN2 and r.country == "US" and r.admin1 and r.source
        assert r.geometry is not None and not r.geometry.is_empty
        assert r.geometry.buffer(1e-3).contains(shapely.Point(r.lon, r.lat)), r.name


def test_names_keep_the_county_word_and_states_are_full_names(records):
    by_id = {r.id: r for r in records}
    assert by_id["adm2:us-22079"].name == "Rapides Parish" and by_id["adm2:us-22079"].admin1 == "Louisiana"
    assert by_id["adm2:us-21125"].name == "Laurel County" and by_id["adm2:us-21125"].admin1 == "Kentucky"
    # an independent city is named as it is styled, with the GeoNames form as an alias
    alex = by_id["adm2:us-51510"]
    assert alex.name == "City of Alexandria" and "Alexandria city" in alex.aliases


def test_a_bad_feature_is_skipped_with_a_warning(tmp_path, capsys):
    good = json.loads(us_counties.data_file().read_text(encoding="utf-8"))["features"][0]
    bad = {"type": "Feature", "properties": {"id": "us-99999"}, "geometry": None}
    path = tmp_path / "us_counties.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [good, bad]}), encoding="utf-8")
    out = us_counties.records(path)
    assert [r.id for r in out] == ["adm2:" + good["properties"]["id"]]
    assert "feature 1: skipped" in capsys.readouterr().err


def test_a_missing_file_gives_no_counties(tmp_path, capsys):
    assert us_counties.records(tmp_path / "absent.geojson") == []
    assert "no US counties loaded" in capsys.readouterr().err


def test_topojson_arcs_decode_to_closed_rings():
    spec = importlib.util.spec_from_file_location("build_us_counties", BUILD)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    topo = {"transform": {"scale": [1.0, 1.0], "translate": [10.0, 20.0]},
            "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2]]]}
    arcs = mod._decode_arcs(topo)
    ring = mod._ring(arcs, [0, 1])
    assert ring[0] == ring[-1] == (10.0, 20.0) and len(ring) == 5
    # a negative index walks an arc backwards (~i)
    assert mod._ring(arcs, [~1])[0] == arcs[1][-1]
    geom = mod._geometry({"type": "Polygon", "arcs": [[0, 1]]}, arcs)
    assert geom.area == pytest.approx(4.0)


def test_the_gazetteer_finds_counties_by_their_name(gz):
    r = gz.lookup("Rapides Parish", fuzzy=False)
    assert r.best is not None and r.best.place.kind is Kind.ADMIN2 and r.best.place.admin1 == "Louisiana"
    r = gz.lookup("Boone County", fuzzy=False)
    assert sum(c.place.kind is Kind.ADMIN2 for c in r.candidates) >= 5  # Missouri, Kentucky, Indiana...
