"""geomap's embedded, offline, world-wide gazetteer.

>>> from gazetteer import Gazetteer
>>> gz = Gazetteer.default()          # builds the index on first use, then reloads it
>>> gz.lookup("Valuiki").best.place.name   # doctest: +SKIP
'Valuyki'
"""

from gazetteer.place import Candidate, Kind, LookupResult, Match, Place

__all__ = ["Gazetteer", "Place", "Kind", "Candidate", "LookupResult", "Match"]


def __getattr__(name: str):  # lazy: importing the records must not open the index
    if name == "Gazetteer":
        from gazetteer.search import Gazetteer

        return Gazetteer
    raise AttributeError(name)
