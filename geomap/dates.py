"""When an event happened: date expressions in report text, resolved against the report's own date.

Wire copy dates events relative to the day it is filed ("early Thursday", "overnight on Tuesday", "earlier this
week"). Each expression resolves to a date and a precision (day / week / month / year): a week-level date is
the Monday of that week, a month-level date the first of the month. Pure functions; no clock is read.

>>> from datetime import date
>>> resolve("early Thursday", date(2022, 2, 18))
(datetime.date(2022, 2, 17), 'day')
>>> resolve("earlier this week", date(2022, 2, 17))
(datetime.date(2022, 2, 14), 'week')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["DateSpan", "resolve", "find_dates", "infer_report_date", "parse_iso"]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

_MONTH_RE = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_WD_RE = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"

# One alternation, most specific first; each branch names its kind.
_PATTERNS: list[tuple[str, str]] = [
    ("iso", r"\b(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})\b"),
    # "February 17, 2022", "Feb. 16", "Feb 16 2022"
    ("mdy", rf"\b(?P<m1>{_MONTH_RE})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>(?:19|20)\d{{2}}))?\b"),
    # "17 February 2022", "16 Feb"
    ("dmy", rf"\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH_RE})\.?(?:,?\s+(?P<y2>(?:19|20)\d{{2}}))?\b"),
    # "mid-February", "in February 2015", "early March"
    ("month", rf"\b(?:(?:in|since|by|during|mid-?|early|late|end of)\s+)?(?P<m3>{_MONTH_RE})\b(?:\s+(?P<y3>(?:19|20)\d{{2}}))?"),
    ("weekday", rf"\b(?P<pre>(?:early|late|overnight\s+on|overnight|on|last|this|by|since)\s+)?(?P<wd>{_WD_RE})(?:\s+(?:morning|afternoon|evening|night))?\b"),
    ("yesterday", r"\b(?:yesterday|last\s+night)\b"),
    ("today", r"\b(?:today|this\s+morning|this\s+afternoon|this\s+evening|tonight|overnight)\b"),
    ("tomorrow", r"\btomorrow\b"),
    ("lastweek", r"\blast\s+week\b"),
    ("thisweek", r"\b(?:earlier|later)\s+(?:this|in\s+the)\s+week\b|\bthis\s+week(?:end)?\b"),
    ("nextweek", r"\bnext\s+week\b"),
    ("recentdays", r"\b(?:in\s+)?(?:recent\s+days|the\s+(?:last|past)\s+(?:few|couple\s+of|several|two|three)\s+days|the\s+last\s+\d+\s+hours|the\s+past\s+\d+\s+hours)\b"),
    ("recentweeks", r"\b(?:in\s+)?(?:recent\s+weeks|the\s+(?:last|past)\s+(?:few|couple\s+of|several|two|three)\s+weeks)\b"),
    ("lastmonth", r"\blast\s+month\b"),
    ("thismonth", r"\b(?:earlier\s+)?this\s+month\b"),
    ("year", r"\b(?:in|since|during)\s+(?P<y4>(?:19|20)\d{2})\b"),
]
_DATE_RE = re.compile("|".join(f"(?P<k_{k}>{p})" for k, p in _PATTERNS), re.IGNORECASE)
_DATE_RE_LOWER = re.compile(_DATE_RE.pattern)  # for ``_folded`` text: about twice as fast as IGNORECASE


def _folded(text: str) -> str | None:
    """``text`` lowercased, when matching that with lowercase patterns finds exactly what IGNORECASE patterns
    find in ``text``: every character lowercases to one (offsets kept) and none is one that IGNORECASE folds
    onto an ASCII letter but lower() leaves alone (dotless i, long s). Else None."""
    low = text.lower()
    if len(low) == len(text) and "\u0131" not in low and "\u017f" not in low:
        return low
    return None


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A date expression found in text: its offsets, the words, the resolved date and its precision.
    ``since`` is True for "since 2014"-style expressions (a start, not when the event happened)."""

    start: int
    end: int
    text: str
    date: date
    precision: str
    since: bool = False


def parse_iso(value: str | None) -> date | None:
    """An ISO date string (the first 10 characters of an ISO timestamp also work), or None."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _month_day(month: int, day: int, year: int | None, ref: date | None) -> date | None:
    """A day of a month; without a year, the year that puts it closest to (and preferably not after) ``ref``."""
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if ref is None:
        return None
    for y in (ref.year, ref.year - 1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if d <= ref + timedelta(days=31):  # a date a few weeks ahead is a plan, further ahead is last year
            return d
    return None


def _resolve_match(m: re.Match[str], ref: date | None) -> tuple[date, str] | None:
    kind = m.lastgroup[2:] if m.lastgroup else ""
    g = m.groupdict()
    if kind == "iso":
        try:
            return date(int(g["iy"]), int(g["im"]), int(g["id"])), "day"
        except ValueError:
            return None
    if kind in ("mdy", "dmy"):
        mon = _MONTHS[(g["m1"] or g["m2"]).lower().rstrip(".")]
        day = int(g["d1"] or g["d2"])
        y = g["y1"] or g["y2"]
        d = _month_day(mon, day, int(y) if y else None, ref)
        return (d, "day") if d else None
    if kind == "month":
        word = g["m3"].lower()
        text = m.group(0)
        # "may" and "march" are also verbs/nouns: without a year or a preposition they are not dates
        if word in ("may", "march") and not g["y3"] and not re.match(r"(?i)(in|since|by|during|mid|early|late|end)", text):
            return None
        mon = _MONTHS[word]
        if g["y3"]:
            return date(int(g["y3"]), mon, 1), "month"
        if ref is None:
            return None
        y = ref.year if mon <= ref.month + 1 else ref.year - 1
        return date(y, mon, 1), "month"
    if kind == "year":
        return date(int(g["y4"]), 1, 1), "year"
    if ref is None:
        return None
    if kind == "weekday":
        wd = _WEEKDAYS.index(g["wd"].lower())
        back = (ref.weekday() - wd) % 7
        pre = (g["pre"] or "").strip().lower()
        if pre == "last" and back == 0:
            back = 7
        if pre == "by" and back > 3:  # "by Friday" looks ahead
            return ref + timedelta(days=7 - back), "day"
        return ref - timedelta(days=back), "day"
    if kind == "yesterday":
        return ref - timedelta(days=1), "day"
    if kind == "today":
        return ref, "day"
    if kind == "tomorrow":
        return ref + timedelta(days=1), "day"
    if kind == "lastweek":
        return _monday(ref) - timedelta(days=7), "week"
    if kind == "thisweek":
        return _monday(ref), "week"
    if kind == "nextweek":
        return _monday(ref) + timedelta(days=7), "week"
    if kind == "recentdays":
        return _monday(ref - timedelta(days=3)), "week"
    if kind == "recentweeks":
        return date(ref.year, ref.month, 1), "month"
    if kind == "lastmonth":
        first = date(ref.year, ref.month, 1) - timedelta(days=1)
        return date(first.year, first.month, 1), "month"
    if kind == "thismonth":
        return date(ref.year, ref.month, 1), "month"
    return None


def find_dates(text: str, ref: date | None, start: int = 0, end: int | None = None) -> list[DateSpan]:
    """Every date expression in ``text[start:end]`` that resolves against ``ref`` (offsets into ``text``)."""
    out: list[DateSpan] = []
    end = len(text) if end is None else end
    # match in the lowercased stretch (plus the character before it, which a leading \b looks at) when that
    # is equivalent; the groups _resolve_match reads are compared case-insensitively either way
    lo = max(0, start - 1)
    low = _folded(text[lo:end])
    matches = _DATE_RE.finditer(text, start, end) if low is None else _DATE_RE_LOWER.finditer(low, start - lo)
    shift = 0 if low is None else lo
    for m in matches:
        r = _resolve_match(m, ref)
        if r is None:
            continue
        s, e = m.start() + shift, m.end() + shift
        words = text[s:e]
        since = bool(re.match(r"(?i)since\b", words)) or text[max(0, s - 6) : s].lower().strip() == "since"
        out.append(DateSpan(s, e, words, r[0], r[1], since))
    return out


def resolve(expr: str, ref: date | None) -> tuple[date, str] | None:
    """Resolve one date expression (the whole string or its first date) against the reference date."""
    spans = find_dates(expr, ref)
    return (spans[0].date, spans[0].precision) if spans else None


def infer_report_date(text: str) -> date | None:
    """A report's own date when no metadata gives it: the latest full date (with a year) written in it.
    Weak evidence, so callers mark dates derived from it as inferred."""
    best: date | None = None
    for s in find_dates(text, None):
        if s.precision == "day" and (best is None or s.date > best):
            best = s.date
    return best
