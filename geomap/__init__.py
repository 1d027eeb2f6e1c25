"""geomap: news reports of military movements -> layered maps and GIS files.

Python API (see the README):

>>> import geomap
>>> events = geomap.extract(["seeds/"])          # doctest: +SKIP
>>> m = geomap.render(events)                    # a folium.Map, shows in Jupyter  # doctest: +SKIP
>>> with geomap.extract_corpus(["feed.jsonl.gz"], jobs=2) as corpus:   # any size: streamed from disk  # doctest: +SKIP
...     geomap.export.write_all(corpus.events, "out", unresolved=corpus.unresolved, unresolved_presorted=True)
"""

from geomap.event import Event, PlaceRef, Source

__all__ = ["Event", "PlaceRef", "Source", "extract", "extract_corpus", "render", "__version__"]
__version__ = "0.1.0"


def __getattr__(name: str):  # lazy: `import geomap` stays cheap and does not open the gazetteer
    if name in ("extract", "extract_corpus"):
        from geomap import run

        return getattr(run, name)
    if name == "render":
        from geomap.render import render

        return render
    raise AttributeError(name)
