"""Short wire-copy reports written for these tests (tests/reports/, each with a .meta.json date), about other
places and event kinds than the seeds: airfields, bridges, a dam, rivers, a sea, a misspelt city, a band along
another border. Each must map to exactly the events listed, at roughly the right place: tolerances come from
the gazetteer's own geometry, never from coordinates typed here."""

from pathlib import Path

import pytest

from geomap.run import extract
from geomap.where import geodesic_m, offset
from tests.geodesy import km_to, max_km_from

REPORTS = Path(__file__).parent / "reports"


def place(gz, name):
    return gz.lookup(name).best.place


# name -> (event_type, date, where-check(gz, event) -> bool, extra checks)
def at(name, tol_km=1.0):
    """The event is at the gazetteer place ``name`` (within tol_km) and names it."""

    def check(gz, e):
        p = place(gz, name)
        return km_to(e.geometry, p.lon, p.lat) <= tol_km and p.id in {r.gazetteer_id for r in e.places}

    return check


def line(origin, target):
    def check(gz, e):
        o, t = place(gz, origin), place(gz, target)
        (x0, y0), (x1, y1) = e.geometry.coords[0], e.geometry.coords[-1]
        return geodesic_m(x0, y0, o.lon, o.lat) < 100 and geodesic_m(x1, y1, t.lon, t.lat) < 100

    return check


def south_of_kharkiv(gz, e):
    k = place(gz, "Kharkiv")
    lon, lat = offset(k.lon, k.lat, 180, 10000)
    return geodesic_m(e.geometry.x, e.geometry.y, lon, lat) < 500 and e.geo_precision == 2


def river_near_town(gz, e):
    river, town = place(gz, "Siverskyi Donets river"), place(gz, "Bilohorivka")
    return river.id in {r.gazetteer_id for r in e.places} and km_to(e.geometry, town.lon, town.lat) < 5 and e.geo_precision == 2


def azov(gz, e):
    sea = place(gz, "Sea of Azov")
    return sea.id in {r.gazetteer_id for r in e.places} and e.geo_precision == 3


def estonian_border_band(gz, e):
    border = gz.border("EE", "RU")
    rp = e.geometry.representative_point()
    far = max_km_from(e.geometry, border)
    return gz.contains(rp.y, rp.x)[0] == "RU" and far <= 33 and e.geo_precision == 3


EXPECTED = {
    "01_saky_airfield_strike": ("strike", "2022-08-09", at("Saky airfield"), {"status": "confirmed"}),
    "02_pontoon_siverskyi_donets": ("bridge", "2022-05-08", river_near_town, {"units": "pontoon bridge"}),
    "03_kharkiv_shelling": ("shelling", "2022-03-04", south_of_kharkiv, {}),
    "04_azov_naval": ("naval", "2022-02-14", azov, {"claimed_by": "Ukrainian armed forces"}),
    "05_belgorod_kharkiv_column": ("movement", "2022-02-23", line("Belgorod", "Kharkiv"), {"units": "T-72", "status": "confirmed"}),
    "06_luninets_iskander": ("deployment", "2022-02-09", at("Luninets", 1), {"units": "Iskander-M", "geo_precision": 2}),
    "07_millerovo_helicopters": ("air", "2022-02-17", at("Millerovo airfield"), {"units": "Ka-52", "claimed_by": "Western officials"}),
    "08_antonivskyi_bridge_strike": ("strike", "2022-07-26", at("Antonivskyi bridge"), {"units": "HIMARS"}),
    "09_kakhovka_dam": ("strike", "2023-06-06", at("Kakhovka dam"), {}),
    "10_zaporozhye_missiles": ("strike", "2022-10-06", at("Zaporizhzhia"), {}),  # the report spells it "Zaporozhye"
    "11_estonia_border_band": ("movement", "2022-02-14", estonian_border_band, {"units": "BTG"}),
    "12_hostomel_airborne": ("air", "2022-02-24", at("Hostomel airfield"), {"units": "Ka-52"}),
    "13_izyum_advance_misspelt": ("movement", "2022-04-23", line("Izium", "Sloviansk"), {"units": "20th Combined Arms Army"}),
}


def test_there_are_at_least_ten_reports_each_with_a_date():
    names = sorted(p.stem for p in REPORTS.glob("*.txt"))
    assert names == sorted(EXPECTED) and len(names) >= 10
    assert all((REPORTS / f"{n}.txt.meta.json").exists() for n in names)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_report_maps_to_exactly_its_event(gz, name):
    etype, when, where, extra = EXPECTED[name]
    events = extract([REPORTS / f"{name}.txt"], gz=gz)
    assert [e.event_type for e in events] == [etype], [e.title for e in events]
    [e] = events
    assert e.date == when and e.date_precision == "day"
    assert where(gz, e), (e.title, e.geometry.wkt[:200])
    for key, value in extra.items():
        got = getattr(e, key)
        assert value in got if isinstance(got, tuple) else got == value, (key, got)
    text = (REPORTS / f"{name}.txt").read_text()
    assert all(text[s.start : s.end] == s.quote for s in e.sources)
