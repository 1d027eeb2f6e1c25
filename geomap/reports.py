"""Reading reports: files and folders of .txt/.md/.html, JSON Lines feeds, sidecar metadata, and their dates.

Reports are scraped from the web and pasted from chats, so every byte here is untrusted. The reader's promise:
it never raises on a bad input file; each file (or JSON line) it cannot use fully gives exactly ONE warning
line ``path: reason`` through ``warn``, and every other report is still read. It streams: one report is in
memory at a time, whatever the corpus size (the only per-report state kept is an 8-byte hash of each id and
the inode number of each file, to refuse duplicates: well under 100 bytes per report).

What is read, in which order:

* Arguments are taken in the order given. A folder is walked recursively; in each folder the entries are
  sorted so that the reports come out sorted by ``Report.id`` (code-point order), whatever order the
  filesystem lists them in. Hidden entries (name starting with ``.``) and files of other types are ignored
  silently in folders; a file named explicitly with another type gets a warning.
* ``.txt``, ``.md``, ``.html``, ``.htm``: one report per file; ``id`` is the path relative to the argument,
  '/'-separated (for a file given directly: its name). ``Report.text`` is the decoded, normalised text (for
  HTML: the extracted text; Markdown is kept as written); event offsets point into it. Control characters and
  undecodable bytes in file names are shown as ``\\xNN`` in ids and warnings, so a hostile name can neither
  break a warning line nor an output file.
* ``.jsonl`` / ``.jsonl.gz``: one report per line ``{"id", "text", "published", "url", "outlet"}``, in file
  order; ``id`` is ``<file id>#<line id>`` (``#L<line number>`` when the line has no id).
* Symlinks inside a folder are followed when they stay inside the folder given as argument; a link that leads
  back to a folder being walked is a loop, and one that leads outside is not followed (each warned): a corpus
  unpacked from a chat must not pull the user's own files into a map shared with colleagues. Paths given
  explicitly as arguments are always read. A file reached twice (two arguments, or a link and its target) is
  read once, under the id that comes first, since two copies would count as two sources of the same events.

Encodings (no detector library: charset-normalizer, measured here, took KOI8-R for Shift-JIS, French
cp1252 for cp775 and damaged UTF-8 for mac_iceland): BOM (UTF-8, UTF-16, UTF-32) > UTF-16 without BOM
(NUL pattern) > strict UTF-8 > the charset an HTML file declares > damaged UTF-8 (mostly valid multi-byte
sequences: bad bytes become U+FFFD, with a warning) > the most plausible of cp1252, cp1251 and KOI8-R, scored
on how words look (scripts not mixed inside a word, not made mostly of accented letters, no caps inside words).

Size: files over ``max_bytes`` (default 20 MiB) are SKIPPED with a warning, not truncated: a news report that
large is a dump or an attack, and a silently truncated report would give a partial map that looks complete.
JSON Lines files may be any size (they stream); a single line over ``max_bytes`` is skipped with a warning.

Dates: sidecar/line ``published`` > ``default_date`` (``--date``) > a date found near the top of the text
(``date_source="text"``) > None.
"""

from __future__ import annotations

import codecs
import datetime as dt
import errno
import gzip
import hashlib
import json
import os
import re
import stat
import sys
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

__all__ = [
    "Report",
    "read_reports",
    "decode_bytes",
    "html_to_text",
    "normalise_text",
    "infer_date",
    "parse_iso_date",
    "safe_url",
    "WarningPrinter",
    "REPORT_SUFFIXES",
    "DEFAULT_MAX_BYTES",
]

REPORT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl", ".jsonl.gz")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_META_BYTES = 1024 * 1024  # a sidecar is a few hundred bytes; anything bigger is not metadata
MAX_FIELD_CHARS = 500  # outlet / title
MAX_URL_CHARS = 2048
MAX_DEPTH = 100  # folder nesting; deeper is a trap (or a loop the inode check could not see)
_SAMPLE = 64 * 1024  # bytes examined to classify a file

Warn = Callable[[str], None]


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


class _Skip(Exception):
    """A file (or line) cannot be used; the message is the reason shown to the user."""


# --------------------------------------------------------------------------------------------------- text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # C0 (but \t \n \f \r) and C1 controls
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def normalise_text(text: str) -> str:
    """The canonical form of report text: LF line ends, no control characters but tab and newline, no lone
    surrogates (they cannot be written as UTF-8), NFC, no surrounding whitespace. Idempotent; never raises.

    Why NFC: the same word typed on two keyboards (precomposed or combining accents) must match the same
    gazetteer name, and offsets must be counted in one form.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n").replace("\ufeff", "")
    text = _SURROGATE.sub("\ufffd", text)
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return text.strip()


def _display(name: str) -> str:
    """A path or name as it may be shown on one terminal line or used in an id: undecodable bytes and control
    characters (newlines, ESC sequences from hostile file names) become visible \\xNN escapes."""
    if _SURROGATE.search(name):
        name = os.fsencode(name).decode("utf-8", "backslashreplace")
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", lambda m: f"\\x{ord(m.group()):02x}", name)


# ------------------------------------------------------------------------------------------------ decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_WORD = re.compile(r"[^\W\d_]+")
_LEGACY = ("cp1252", "cp1251", "koi8_r")  # order breaks ties: Western first (ASCII-only text decodes the same)


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _implausibility(text: str) -> int:
    """How un-word-like the letters of ``text`` look: the wrong 8-bit code page turns words into mixed-script
    ("йtй"), all-accent ("Ïðèâåò") or caps-inside ("пРИВЕТ") shapes that real text in any of them lacks."""
    bad = 0
    for w in _WORD.findall(text):
        cyr = sum(map(_is_cyrillic, w))
        asc = sum(c.isascii() for c in w)
        other = len(w) - cyr - asc
        if cyr and (asc or other):
            bad += len(w)
        elif other and len(w) >= 2 and other * 2 > len(w):
            bad += len(w)
        if len(w) > 2 and any(a.islower() and b.isupper() for a, b in zip(w, w[1:])):
            bad += len(w)
    # symbols standing where letters should be (e.g. "Ð¿" from UTF-8 read as cp1252, "¤" from KOI8 boxes)
    bad += sum(1 for c in text if not c.isascii() and unicodedata.category(c)[0] in "SC")
    return bad


_PLAUSIBLE = frozenset(("Ll", "Lu", "Lo", "Mn", "Pd", "Pi", "Pf", "Po", "Ps", "Pe", "Zs", "Sc", "No"))


def _replaced_spots(data: bytes, text: str) -> int:
    """How many places (runs of bad bytes) became U+FFFD when decoding ``data`` to ``text`` with replacement;
    U+FFFD characters genuinely in the data do not count."""
    genuine = len(re.findall("\ufffd+", data.decode("utf-8", "ignore"))) if b"\xef\xbf\xbd" in data else 0
    return max(0, len(re.findall("\ufffd+", text)) - genuine)


def _damaged_utf8(data: bytes) -> tuple[str, int] | None:
    """Decode as UTF-8 with replacement if the bytes look like UTF-8 with some damage; return (text, number of
    damaged spots) or None if they do not. Decided on the first 64 kB: damage is counted in spots (runs of bad
    bytes), evidence in decoded characters a text would contain (letters, punctuation): legacy 8-bit text
    yields few of those by chance (Ukrainian cp1251 "Кі" is valid UTF-8, but as a modifier letter)."""
    sample = data[:_SAMPLE]
    head = sample.decode("utf-8", "replace")
    good = sum(1 for c in head if not c.isascii() and c != "\ufffd" and unicodedata.category(c) in _PLAUSIBLE)
    if not good or good < _replaced_spots(sample, head):
        return None
    text = data.decode("utf-8", "replace")
    return text, _replaced_spots(data, text)


def decode_bytes(data: bytes, *, html: bool = False) -> tuple[str, str, str | None]:
    """Decode a file's bytes: (text, encoding used, problem or None). Raises ``ValueError`` for binary data.

    The problem, if any, is something the user should hear about (bytes that could not be decoded and were
    replaced by U+FFFD); a guessed legacy encoding that decodes cleanly is not a problem.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc), enc, None
            except UnicodeDecodeError:
                text = data[len(bom) :].decode(enc, "replace")
                return text, enc, f"invalid {enc.upper()}: bytes replaced with U+FFFD"
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        enc = _utf16_without_bom(sample)
        if enc is None:
            raise ValueError("binary file (contains NUL bytes)")
        try:
            return data.decode(enc), enc, None
        except UnicodeDecodeError:
            return data.decode(enc, "replace"), enc, f"invalid {enc.upper()}: bytes replaced with U+FFFD"
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    if html:
        m = _META_CHARSET.search(data[:4096])
        if m:
            declared = _codec(m.group(1).decode("ascii", "replace"))
            if declared and declared != "utf-8":
                try:
                    return data.decode(declared), declared, None
                except (UnicodeDecodeError, LookupError):
                    pass
    damaged = _damaged_utf8(data)
    if damaged:
        text, bad = damaged
        return text, "utf-8", f"invalid UTF-8: {bad} damaged spot(s), bytes replaced with U+FFFD"
    sample = data[:_SAMPLE]
    best = min(_LEGACY, key=lambda enc: _implausibility(sample.decode(enc, "replace")))
    try:
        return data.decode(best), best, None
    except UnicodeDecodeError:
        text = data.decode(best, "replace")
        return text, best, f"{text.count(chr(0xFFFD))} byte(s) undefined in {best} replaced with U+FFFD"


def _codec(label: str) -> str | None:
    """Python codec name for a declared charset label; latin-1/ascii labels mean windows-1252 on the web."""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without a BOM: one byte lane (the high bytes) holds few distinct values, NUL among them
    (0x00 for Latin text and spaces, 0x04 for Cyrillic), while the other lane has almost no NULs."""
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    n = len(even)
    for enc, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high.count(0) == 0 or low.count(0) > 0.05 * n:
            continue
        top3 = sorted((high.count(b) for b in set(high)), reverse=True)[:3]
        if sum(top3) < 0.9 * n:
            continue
        if _nontext_fraction(sample.decode(enc, "replace")) < 0.1:
            return enc
    return None


_NONTEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")  # controls but \t\n\v\f\r, and U+FFFD


def _nontext_fraction(text: str) -> float:
    return len(_NONTEXT.findall(text)) / len(text) if text else 0.0


# -------------------------------------------------------------------------------------------------- HTML

_SKIP_TAGS = frozenset(
    "script style nav noscript template svg math iframe object canvas select button textarea".split()
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_BLOCK = frozenset(
    """address article aside blockquote body caption dd details dialog div dl dt fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main ol p pre section summary table tbody
    thead tfoot tr ul""".split()
)


class _TextExtractor(HTMLParser):
    """HTML -> text: paragraphs become blank-line separated blocks; script, style, nav and other non-content
    elements are dropped (with their text); the <title> is kept aside as the report's title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip: list[str] = []  # open elements whose text is dropped
        self.skip_count: Counter[str] = Counter()  # the same, counted: O(1) "is it open?" (hostile nesting)
        self.pre = 0
        self.title: list[str] = []
        self.h1: list[str] = []
        self.in_title = False
        self.in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag == "br":
                self.out.append("\n")
            elif tag == "hr":
                self.out.append("\n\n")
            return
        self.in_title = tag == "title"  # any other start tag ends a <title> left open (else it eats the page)
        if self.in_title:
            return
        hidden = any(k == "hidden" or (k == "aria-hidden" and (v or "").lower() == "true") for k, v in attrs)
        if tag in _SKIP_TAGS or hidden or self.skip:
            self.skip.append(tag)
            self.skip_count[tag] += 1
            return
        if tag == "h1":
            self.in_h1 = True
        if tag == "pre":
            self.pre += 1
        if tag in _BLOCK:
            self.out.append("\n\n")
        elif tag in ("td", "th"):
            self.out.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self.handle_starttag(tag, attrs)  # <br/>; a self-closed non-void tag (<div/>) opens nothing

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if self.skip:
            if self.skip_count[tag]:  # close up to the matching element (tolerates missing end tags inside)
                while self.skip:
                    top = self.skip.pop()
                    self.skip_count[top] -= 1
                    if top == tag:
                        break
            return
        if tag == "h1":
            self.in_h1 = False
        if tag == "pre" and self.pre:
            self.pre -= 1
        if tag in _BLOCK:
            self.out.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
            return
        if self.skip:
            return
        if self.in_h1:
            self.h1.append(data)
        self.out.append(data if self.pre else re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> tuple[str, str]:
    """Extract (text, title) from HTML. Paragraph and block boundaries become blank lines, <br> a newline;
    script/style/nav/hidden elements are dropped. Never raises on malformed markup."""
    p = _TextExtractor()
    try:
        p.feed(html)
        p.close()
    except (AssertionError, ValueError):  # very old html.parser versions raise on some broken markup
        pass
    raw = "".join(p.out)
    lines = [ln.strip() for ln in raw.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text, _clean_title("".join(p.title)) or _clean_title("".join(p.h1))


# ------------------------------------------------------------------------------------------ metadata & dates


def parse_iso_date(value: object) -> str:
    """Validate a ``YYYY-MM-DD`` date (a full ISO datetime is cut to its date). Raises ``ValueError`` with a
    reason a user understands: wrong type, wrong shape, or a day that does not exist (2022-02-30)."""
    if not isinstance(value, str):
        raise ValueError(f"must be a string YYYY-MM-DD, got {type(value).__name__}")
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?", value.strip())
    if not m:
        raise ValueError(f"not a YYYY-MM-DD date: {_short(value)!r}")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        raise ValueError(f"impossible date {m[1]}-{m[2]}-{m[3]}") from None


def safe_url(value: object) -> str:
    """Validate a URL for linking: a string, http(s) with a host, no whitespace or control characters.
    ``javascript:``, ``data:``, ``file:`` ... are refused (they would run or read something when clicked)."""
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {type(value).__name__}")
    url = value.strip()
    if len(url) > MAX_URL_CHARS:
        raise ValueError(f"longer than {MAX_URL_CHARS} characters")
    if re.search(r"[\x00-\x20\x7f-\x9f\u2028\u2029<>\"'`\\]", url):
        raise ValueError("contains whitespace, control or quote characters")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise ValueError(f"not a URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        if not parts.scheme:
            raise ValueError("not an absolute http(s) URL")
        raise ValueError(f"scheme {_short(parts.scheme)!r} not allowed, only http and https")
    if not parts.hostname:
        raise ValueError("no host")
    return url


def _clean_field(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {type(value).__name__}")
    value = " ".join(normalise_text(value).split())
    if len(value) > MAX_FIELD_CHARS:
        raise ValueError(f"longer than {MAX_FIELD_CHARS} characters")
    return value


def _short(value: str, n: int = 40) -> str:
    value = _display(value)
    return value if len(value) <= n else value[: n - 1] + "…"


def _validate_meta(obj: object) -> tuple[dict[str, str], list[str]]:
    """Keep the valid fields of a metadata object; list the dropped ones with their reason."""
    if not isinstance(obj, dict):
        return {}, [f"metadata must be a JSON object, got {type(obj).__name__}; ignored"]
    good: dict[str, str] = {}
    problems: list[str] = []
    checks: dict[str, Callable[[object], str]] = {
        "published": parse_iso_date,
        "url": safe_url,
        "outlet": lambda v: _clean_field(v, "outlet"),
        "title": lambda v: _clean_field(v, "title"),
    }
    for key, check in checks.items():
        if key not in obj or obj[key] is None or obj[key] == "":
            continue
        try:
            good[key] = check(obj[key])
        except ValueError as exc:
            problems.append(f"{key} dropped ({exc})")
    return good, problems


_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            "january jan janvier января січня", "february feb febr février февраля лютого",
            "march mar mars марта березня", "april apr avril апреля квітня", "may mai мая травня",
            "june jun juin июня червня", "july jul juillet июля липня", "august aug août августа серпня",
            "september sep sept septembre сентября вересня", "october oct octobre октября жовтня",
            "november nov novembre ноября листопада", "december dec décembre декабря грудня",
        ]
    )
    for m in names.split()
}
_MONTH_RE = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_DATE_PATTERNS = (
    # 2022-02-17
    (re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])"), ("y", "m", "d")),
    # February 17, 2022 / Feb. 17th 2022
    (re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), ("M", "d", "y")),
    # 17 February 2022 / 17 февраля 2022 г.
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?,?\s+(\d{{4}})\b", re.I), ("d", "M", "y")),
    # 17.02.2022 (day first, as everywhere dots are used)
    (re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.])"), ("d", "m", "y")),
)
_PUBLISHED_CUE = re.compile(r"(?:published|updated|posted|date|dated|опубликовано|обновлено)\W{0,3}$", re.I)


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def infer_date(text: str, *, head: int = 3000) -> str | None:
    """A report's date guessed from its top (``head`` characters): a date right after "Published",
    "Updated" ... wins, else the first full date (day, month and year) found. None if there is none.

    Why the top: datelines and bylines come first; dates further down are usually the dates of events."""
    top = text[:head]
    found: set[tuple[bool, int, str]] = set()
    for year in _YEAR.finditer(top):  # every full date has a year: look only around years (fast on long text)
        lo, hi = max(0, year.start() - 40), year.end() + 6
        for pattern, order in _DATE_PATTERNS:
            for m in pattern.finditer(top, lo, hi):  # (lookbehinds and \b still see the text before lo)
                parts = dict(zip(order, m.groups()))
                month = _MONTHS.get(parts["M"].lower().rstrip(".")) if "M" in parts else int(parts["m"])
                try:
                    d = dt.date(int(parts["y"]), month or 0, int(parts["d"]))
                except ValueError:
                    continue
                if not 1900 <= d.year <= 2099:
                    continue
                start = m.start()
                cued = bool(_PUBLISHED_CUE.search(top[max(0, start - 30) : start]))
                found.add((not cued, start, d.isoformat()))
    return min(found)[2] if found else None


# ------------------------------------------------------------------------------------------------ reading


def _stderr_warn(message: str) -> None:
    print(f"geomap: warning: {message}", file=sys.stderr)


class WarningPrinter:
    """A ``warn`` callable for command lines: prints each warning at once (one line, prefixed) and counts them,
    so the caller can choose the exit status and print a summary. Why a class: the count is the CLI's state,
    not the reader's."""

    def __init__(self, stream=None, prefix: str = "geomap: warning: ") -> None:
        self.stream = stream
        self.prefix = prefix
        self.count = 0

    def __call__(self, message: str) -> None:
        self.count += 1
        print(f"{self.prefix}{message}", file=self.stream or sys.stderr, flush=True)


def read_reports(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    default_date: str | None = None,
    warn: Warn | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Report]:
    """Stream the reports under ``paths`` (files and folders), in a deterministic order (see module doc).

    Each unusable or partly usable input gives one ``"path: reason"`` line to ``warn`` (default: stderr) and
    the reading goes on. ``default_date`` (``--date``) is validated now: a bad one raises ``ValueError``
    before anything is read, since it is a usage error, not a bad file.
    """
    if default_date is not None:
        default_date = parse_iso_date(default_date)
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive")
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return _Reader(default_date, warn or _stderr_warn, max_bytes).run(list(paths))


class _Reader:
    def __init__(self, default_date: str | None, warn: Warn, max_bytes: int) -> None:
        self.default_date = default_date
        self.warn = warn
        self.max_bytes = max_bytes
        self.seen: set[bytes] = set()  # 8-byte digests of the ids already yielded
        self.seen_files: set[int] = set()  # (device, inode) of the files already read
        self.root = self.root_shown = ""  # the folder argument being walked (resolved / as given)

    # -- walking

    def run(self, args: list[str | os.PathLike[str]]) -> Iterator[Report]:
        for arg in args:
            path = Path(arg)
            shown = _display(os.fspath(arg))
            try:
                st = path.stat()
            except OSError as exc:
                self.warn(f"{shown}: {_os_reason(path, exc)}; skipped")
                continue
            except ValueError:  # a NUL byte in the argument
                self.warn(f"{shown}: not a valid path; skipped")
                continue
            if stat.S_ISDIR(st.st_mode):
                self.root, self.root_shown = os.path.realpath(path), shown
                yield from self._walk(path, shown, "", ((st.st_dev, st.st_ino),))
            else:
                name = _display(path.name) or shown
                yield from self._file(path, shown, name, st, explicit=True)

    def _walk(self, folder: Path, shown: str, rel: str, ancestors: tuple[tuple[int, int], ...]) -> Iterator[Report]:
        if len(ancestors) > MAX_DEPTH:
            self.warn(f"{shown}: folders nested more than {MAX_DEPTH} deep; skipped")
            return
        try:
            with os.scandir(folder) as it:
                entries = [(e.name, e.is_symlink(), e.is_dir(follow_symlinks=False)) for e in it]
        except OSError as exc:
            self.warn(f"{shown}: cannot list folder ({exc.strerror or exc}); skipped")
            return
        items: list[tuple[str, str, bool]] = []  # (sort key, name, is link)
        for name, is_link, is_dir in entries:
            if name.startswith("."):
                continue
            if is_link:  # resolve the target's type; broken links and loops are reported when visited
                try:
                    is_dir = stat.S_ISDIR(os.stat(folder / name).st_mode)
                except OSError as exc:
                    # a broken link is reported below if it has a report's name (else it is not a report);
                    # a link loop is reported whatever its name: it may have been meant as a folder
                    if exc.errno != errno.ELOOP and not _is_report_name(name):
                        continue
                    items.append((_display(name), name, True))
                    continue
            if not is_dir and not _is_report_name(name):
                continue
            shown_name = _display(name)
            items.append((shown_name + "/" if is_dir else shown_name, name, is_link))
        del entries
        items.sort()  # "a-b" < "a/": sorting names with a trailing '/' for folders gives ids in global order
        for _key, name, is_link in items:
            path = folder / name
            child_shown = f"{shown.rstrip('/')}/{_display(name)}"
            child_rel = f"{rel}{_display(name)}"
            try:
                st = path.stat()
            except OSError as exc:
                self.warn(f"{child_shown}: {_os_reason(path, exc)}; skipped")
                continue
            if is_link and not _inside(os.path.realpath(path), self.root):
                # a corpus unpacked from a chat must not pull the user's own files into a shared map
                self.warn(f"{child_shown}: symlink leads outside {self.root_shown}; not followed")
                continue
            if stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key in ancestors:
                    self.warn(f"{child_shown}: symlink loop (leads back to a folder being read); not followed")
                    continue
                yield from self._walk(path, child_shown, child_rel + "/", ancestors + (key,))
            else:
                yield from self._file(path, child_shown, child_rel, st, explicit=False)

    # -- one file

    def _file(self, path: Path, shown: str, rid: str, st: os.stat_result, *, explicit: bool) -> Iterator[Report]:
        lower = path.name.lower()
        if not _is_report_name(path.name):
            if explicit:
                self.warn(f"{shown}: unsupported file type (expected {', '.join(REPORT_SUFFIXES)}); skipped")
            return
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            self.warn(f"{shown}: not a regular file; skipped")
            return
        file_key = st.st_dev << 64 | st.st_ino
        if file_key in self.seen_files:  # one file is one report, however many links or arguments reach it:
            # read twice it would count as two sources of the same events
            self.warn(f"{shown}: same file as one already read (through another argument or a link); skipped")
            return
        self.seen_files.add(file_key)
        if lower.endswith((".jsonl", ".jsonl.gz")):
            yield from self._jsonl(path, shown, rid)
            return
        try:
            report = self._read_one(path, shown, rid, st, html=lower.endswith((".html", ".htm")))
        except _Skip as exc:
            self.warn(f"{shown}: {exc}")
            return
        if report is not None:
            yield report

    def _read_one(self, path: Path, shown: str, rid: str, st: os.stat_result, *, html: bool) -> Report | None:
        if st.st_size > self.max_bytes:
            raise _Skip(f"{_mb(st.st_size)}, over the {_mb(self.max_bytes)} limit for one report; skipped")
        try:
            with open(path, "rb") as f:
                data = f.read(self.max_bytes + 1)
        except OSError as exc:
            raise _Skip(f"{_os_reason(path, exc)}; skipped") from None
        if len(data) > self.max_bytes:  # grew after stat
            raise _Skip(f"over the {_mb(self.max_bytes)} limit for one report; skipped")
        if not data.strip():
            raise _Skip("empty file; skipped")
        try:
            text, _encoding, problem = decode_bytes(data, html=html)
        except ValueError as exc:
            raise _Skip(f"{exc}; skipped") from None
        del data
        if _nontext_fraction(text[:_SAMPLE]) > 0.1:
            raise _Skip("binary file (mostly non-text bytes); skipped")
        title = ""
        if html:
            text, title = html_to_text(text)
        text = normalise_text(text)
        if not text:
            raise _Skip("no text after removing markup; skipped" if html else "empty file (only whitespace); skipped")
        if not title:
            title = _first_line_title(text)
        problems = [problem] if problem else []
        meta = self._sidecar(path, shown)
        report = self._make(rid, text, shown, meta, title)
        if report is None and shown != rid:
            # two different files with one relative id (same name under two folder arguments): keep both,
            # the later one under the path as given, and say so (ids are then not the short form)
            report = self._make(shown, text, shown, meta, title)
            if report is not None:
                problems.append(f"id {_short(rid, 80)!r} already used by another report; read as {shown!r}")
        if report is None:
            problems.append("duplicate report id (already read); skipped")
        if problems:
            self.warn(f"{shown}: {'; '.join(problems)}")
        return report

    def _sidecar(self, path: Path, shown: str) -> dict[str, str]:
        """The valid fields of the sidecar next to a report (``x.txt.meta.json``, else ``x.meta.json``).
        Problems give one warning line naming the sidecar; the report is read either way."""
        for meta_path in (path.with_name(path.name + ".meta.json"), path.with_name(path.stem + ".meta.json")):
            meta_shown = f"{shown[: len(shown) - len(_display(path.name))]}{_display(meta_path.name)}"
            try:
                good, problems = self._load_meta(meta_path)
            except FileNotFoundError:
                continue
            if problems:
                self.warn(f"{meta_shown}: {'; '.join(problems)}")
            return good
        return {}

    @staticmethod
    def _load_meta(meta_path: Path) -> tuple[dict[str, str], list[str]]:
        try:
            st = meta_path.stat()
            if st.st_size > MAX_META_BYTES:
                return {}, [f"over {_mb(MAX_META_BYTES)}, not metadata; ignored"]
            if not stat.S_ISREG(st.st_mode):
                return {}, ["not a regular file; ignored"]
            raw = meta_path.read_bytes()
        except FileNotFoundError:
            if meta_path.is_symlink():
                return {}, ["broken symlink; metadata ignored"]
            raise
        except OSError as exc:
            return {}, [f"{_os_reason(meta_path, exc)}; metadata ignored"]
        try:
            obj = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            return {}, ["not UTF-8; metadata ignored"]
        except json.JSONDecodeError as exc:
            return {}, [f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); metadata ignored"]
        except (ValueError, RecursionError):
            return {}, ["not valid JSON (nested too deep or number too long); metadata ignored"]
        return _validate_meta(obj)

    def _make(self, rid: str, text: str, shown: str, meta: dict[str, str], title: str) -> Report | None:
        digest = hashlib.blake2b(rid.encode("utf-8", "backslashreplace"), digest_size=8).digest()
        if digest in self.seen:
            return None
        self.seen.add(digest)
        if "published" in meta:
            published, source = meta["published"], "meta"
        elif self.default_date:
            published, source = self.default_date, "cli"
        else:
            published = infer_date(text)
            source = "text" if published else None
        return Report(
            id=rid,
            text=text,
            path=shown,
            published=published,
            date_source=source,
            url=meta.get("url", ""),
            outlet=meta.get("outlet", ""),
            title=meta.get("title") or title,
        )

    # -- JSON Lines

    def _jsonl(self, path: Path, shown: str, rid: str) -> Iterator[Report]:
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        lineno = 0
        try:
            with opener(path, "rb") as f:
                while True:
                    line = f.readline(self.max_bytes + 1)
                    if not line:
                        break
                    lineno += 1
                    if len(line) > self.max_bytes and not line.endswith(b"\n"):
                        while (chunk := f.readline(1 << 20)) and not chunk.endswith(b"\n"):
                            pass
                        self.warn(f"{shown}:{lineno}: line over the {_mb(self.max_bytes)} limit; skipped")
                        continue
                    if lineno == 1 and line.startswith(codecs.BOM_UTF8):
                        line = line[3:]
                    if not line.strip():
                        continue
                    try:
                        report = self._json_line(line, rid, shown, lineno)
                    except _Skip as exc:
                        self.warn(f"{shown}:{lineno}: {exc}")
                        continue
                    if report is not None:
                        yield report
        except (OSError, EOFError, zlib.error) as exc:
            where = f"after line {lineno}" if lineno else "at the start"
            reason = str(exc) or type(exc).__name__
            if isinstance(exc, OSError) and exc.strerror:
                reason = exc.strerror
            self.warn(f"{shown}: unreadable {where} ({_short(reason, 80)}); rest of file skipped")

    def _json_line(self, line: bytes, rid: str, shown: str, lineno: int) -> Report | None:
        problems: list[str] = []
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError:
            decoded = line.decode("utf-8", "replace")
            problems.append("invalid UTF-8 replaced with U+FFFD")
        try:
            obj = json.loads(decoded)
        except json.JSONDecodeError as exc:
            raise _Skip(f"not valid JSON ({exc.msg} at column {exc.colno}); skipped") from None
        except (ValueError, RecursionError):
            raise _Skip("not valid JSON (nested too deep or number too long); skipped") from None
        if not isinstance(obj, dict):
            raise _Skip(f"expected a JSON object, got {type(obj).__name__}; skipped")
        text = obj.get("text")
        if not isinstance(text, str):
            raise _Skip(f"'text' missing or not a string ({type(text).__name__}); skipped")
        text = normalise_text(text)
        if not text:
            raise _Skip("empty 'text'; skipped")
        line_id = obj.get("id")
        if isinstance(line_id, bool) or not isinstance(line_id, (str, int)) or str(line_id).strip() == "":
            if line_id is not None:
                problems.append(f"'id' must be a string or integer, got {type(line_id).__name__}; used L{lineno}")
            line_id = f"L{lineno}"
        line_id = _display(" ".join(normalise_text(str(line_id)).split()))[:MAX_FIELD_CHARS]
        meta, meta_problems = _validate_meta({k: obj.get(k) for k in ("published", "url", "outlet", "title")})
        problems += meta_problems
        report = self._make(f"{rid}#{line_id}", text, f"{shown}:{lineno}", meta, _first_line_title(text))
        if report is None:
            problems.append(f"duplicate id {_short(line_id)!r}; skipped")
        if problems:
            self.warn(f"{shown}:{lineno}: {'; '.join(problems)}")
        return report


def _inside(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives (Windows)
        return False


def _is_report_name(name: str) -> bool:
    return name.lower().endswith(REPORT_SUFFIXES)


def _clean_title(title: str) -> str:
    title = " ".join(normalise_text(title).split())
    return title if len(title) <= 200 else title[:199] + "…"


def _first_line_title(text: str) -> str:
    for line in text.split("\n", 20)[:20]:
        line = line.strip().lstrip("#").strip()
        if line:
            return _clean_title(line)
    return ""


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def _os_reason(path: Path, exc: OSError) -> str:
    """One short reason for an OS error; distinguishes broken links and loops, which users do create."""
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT:
        return "broken symlink (target does not exist)" if path.is_symlink() else "no such file or folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENAMETOOLONG:
        return "name too long"
    return exc.strerror or str(exc)
