"""geomap: news reports of military movements -> layered maps and GIS files.

Python API (see the README):

>>> import geomap
>>> events = geomap.extract(["seeds/"])          # doctest: +SKIP
>>> m = geomap.render(events)                    # a folium.Map, shows in Jupyter  # doctest: +SKIP
"""

from geomap.event import Event, PlaceRef, Source

__all__ = ["Event", "PlaceRef", "Source", "extract", "render", "__version__"]
__version__ = "0.1.0"


def __getattr__(name: str):  # lazy: `import geomap` stays cheap and does not open the gazetteer
    if name == "extract":
        from geomap.run import extract

        return extract
    if name == "render":
        from geomap.render import render

        return render
    raise AttributeError(name)
