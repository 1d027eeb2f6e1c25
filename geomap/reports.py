"""Reading reports: files and folders of .txt/.md/.html, their sidecar metadata, and their dates.

(Record defined here; the robust reading of hostile files is implemented in this module.)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Report"]


@dataclass(frozen=True, slots=True)
class Report:
    """One report's plain text and what we know about it. ``id`` is stable (the path relative to the input
    argument, '/'-separated); offsets in events point into ``text``."""

    id: str
    text: str
    path: str = ""
    published: str | None = None  # ISO date
    date_source: str | None = None  # "meta" (sidecar), "cli" (--date), "text" (inferred), or None
    url: str = ""
    outlet: str = ""
    title: str = ""
