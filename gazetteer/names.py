"""Name folding, kind-word stripping, Cyrillic transliteration and a phonetic key.

The gazetteer indexes every name under the keys these functions make, and a query is turned into the same
keys, so that spellings from different romanisation systems, with or without apostrophes, hyphens,
diacritics and words such as "Oblast" or "River", meet in the index:

>>> fold("Stanytsya-Luhans’ka")
'stanytsya luhanska'
>>> strip_kind("luhansk oblast")
('luhansk', 'admin')
>>> {"valuyki", "valuiki", "valujki"} <= romanize("Валуйки")
True
>>> phonetic("stanytsia luhanska") == phonetic("stanitsa luganskaya")
True

Everything here is a pure function of its argument (no data files), so the index and the queries always
agree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "fold",
    "strip_kind",
    "romanize",
    "phonetic",
    "has_cyrillic",
    "is_latin",
    "KIND_HINTS",
    "MAX_QUERY_CHARS",
]

MAX_QUERY_CHARS = 200  # no place name is longer; longer input is text, not a name

_APOSTROPHES = "'’ʼ`´ʹ′‘ʻ\"“”«»ʺ"
_DROP = str.maketrans({c: None for c in _APOSTROPHES})
# Characters NFKD does not decompose but which are letters with a plain base.
_SPECIAL = str.maketrans(
    {
        "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i",
        "ħ": "h", "ŧ": "t", "ŋ": "n", "ĸ": "k", "ſ": "s", "ə": "e",
    }
)
_SEP = re.compile(r"[\s\-‐‑‒–—―_/\\.,;:!?()\[\]{}<>|+*&#@%$^=~]+", re.UNICODE)
_CYR = re.compile(r"[\u0400-\u04ff\u0500-\u052f]")
_INITIALS = re.compile(r"\b(?:\w\.){2,}", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def has_cyrillic(text: str) -> bool:
    return _CYR.search(text) is not None


def is_latin(key: str) -> bool:
    """True for a folded key made of ASCII letters, digits and spaces only."""
    return key.isascii()


def _strip_marks(text: str) -> str:
    # Keep Cyrillic й/ё/ї as letters: NFKD would turn й into и + breve and lose the difference.
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch):
            if out and out[-1] in "иеіИЕІ" and ch in "\u0306\u0308":
                out[-1] = unicodedata.normalize("NFC", out[-1] + ch)
            continue
        out.append(ch)
    return "".join(out)


# ASCII fast path: the same result as the general path for ASCII input, without regex or normalisation.
_ASCII_FOLD = str.maketrans(
    {**{chr(c): " " for c in range(32)}, "\x7f": " ",
     **{c: " " for c in "-_/\\.,;:!?()[]{}<>|+*&#@%$^=~"}, **{c: None for c in "'`\""}}
)


@lru_cache(maxsize=1 << 16)
def fold(name: str) -> str:
    """The matching key of a name: case, diacritics, apostrophes, hyphens and spacing removed.

    Scripts are kept (Cyrillic stays Cyrillic; see :func:`romanize` for Latin keys of it).
    """
    if not name:
        return ""
    if name.isascii():
        s = _INITIALS.sub(lambda m: m.group(0).replace(".", ""), name) if "." in name else name
        return _expand(" ".join(s.lower().translate(_ASCII_FOLD).split()))
    s = _CONTROL.sub(" ", name)
    s = _INITIALS.sub(lambda m: m.group(0).replace(".", ""), s)  # "U.S." -> "US", "N.Y." -> "NY"
    s = s.casefold().translate(_DROP)
    s = _strip_marks(s).translate(_SPECIAL)
    s = _SEP.sub(" ", s)
    return _expand(" ".join(s.split()))


# Abbreviated name words written out, so "St. Petersburg" meets "Saint Petersburg".
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}


def _expand(key: str) -> str:
    if " " not in key:
        return key
    words = key.split(" ")
    if not any(w in _ABBREVIATIONS for w in words[:-1]):
        return key
    return " ".join(_ABBREVIATIONS.get(w, w) if i < len(words) - 1 else w for i, w in enumerate(words))


# --- kind words ---------------------------------------------------------------------------------------
# Hint values are the coarse groups the search maps to Kind sets; the words are general geography.
_SUFFIXES: list[tuple[str, str]] = [
    # multi-word first
    ("nuclear power plant", "power"), ("nuclear power station", "power"), ("power plant", "power"),
    ("power station", "power"), ("hydroelectric power plant", "power"), ("npp", "power"), ("hpp", "power"),
    ("tpp", "power"), ("training ground", "training"), ("training area", "training"),
    ("training range", "training"), ("firing range", "training"), ("proving ground", "training"),
    ("test site", "training"), ("military base", "base"), ("air base", "air"), ("airbase", "air"),
    ("air field", "air"), ("airfield", "air"), ("airport", "air"), ("aerodrome", "air"),
    ("international airport", "air"), ("naval base", "naval"), ("border crossing", "crossing"),
    ("checkpoint", "crossing"), ("crossing point", "crossing"), ("railway station", "station"),
    ("train station", "station"), ("rail station", "station"), ("station", "station"),
    ("autonomous republic", "admin"), ("autonomous okrug", "admin"), ("autonomous oblast", "admin"),
    ("oblast", "admin"), ("oblasti", "admin"), ("obl", "admin"), ("region", "admin"), ("province", "admin"),
    ("governorate", "admin"), ("krai", "admin"), ("kray", "admin"), ("republic", "admin"),
    ("voivodeship", "admin"), ("voblast", "admin"), ("county", "district"), ("state", "admin"),
    ("raion", "district"), ("rayon", "district"), ("district", "district"), ("municipality", "district"),
    ("hromada", "district"), ("urban type settlement", "town"), ("settlement", "town"), ("town", "town"),
    ("village", "village"), ("city", "town"), ("hamlet", "village"), ("smt", "town"), ("selo", "village"),
    ("township", "district"), ("vilage", "village"),
    ("river", "river"), ("r", "river"), ("sea", "sea"), ("strait", "strait"), ("straits", "strait"),
    ("gulf", "gulf"), ("bay", "gulf"), ("estuary", "gulf"), ("liman", "gulf"), ("lake", "lake"),
    ("reservoir", "reservoir"), ("canal", "canal"), ("island", "island"), ("islands", "island"),
    ("peninsula", "peninsula"), ("spit", "peninsula"), ("bridge", "bridge"), ("dam", "dam"),
    ("port", "port"), ("seaport", "port"), ("harbour", "port"), ("harbor", "port"),
    # Cyrillic (folded: й and ё survive folding)
    ("область", "admin"), ("обл", "admin"), ("край", "admin"), ("республика", "admin"),
    ("республіка", "admin"), ("район", "district"), ("округ", "district"), ("город", "town"),
    ("місто", "town"), ("село", "village"), ("поселок", "village"), ("посёлок", "village"),
    ("селище", "village"), ("деревня", "village"), ("пгт", "town"), ("смт", "town"), ("река", "river"), ("річка", "river"),
    ("море", "sea"), ("пролив", "strait"), ("протока", "strait"), ("залив", "gulf"), ("затока", "gulf"),
    ("озеро", "lake"), ("водохранилище", "reservoir"), ("водосховище", "reservoir"), ("мост", "bridge"),
    ("міст", "bridge"), ("аэродром", "air"), ("аеродром", "air"), ("аэропорт", "air"), ("аеропорт", "air"),
    ("полигон", "training"), ("полігон", "training"), ("аэс", "power"), ("аес", "power"),
]
_PREFIXES: list[tuple[str, str]] = [
    ("city of", "town"), ("town of", "town"), ("village of", "village"), ("settlement of", "village"),
    ("river", "river"), ("the river", "river"), ("lake", "lake"), ("gulf of", "gulf"), ("bay of", "gulf"),
    ("sea of", "sea"), ("strait of", "strait"), ("straits of", "strait"), ("port of", "port"),
    ("island of", "island"), ("isle of", "island"), ("mount", "other"), ("cape", "other"),
    ("г", "town"), ("с", "village"), ("пгт", "town"), ("смт", "town"), ("село", "village"), ("город", "town"),
    ("місто", "town"), ("река", "river"), ("р", "river"), ("озеро", "lake"),
]
_SUFFIX_MAP = {k: v for k, v in _SUFFIXES}
_PREFIX_MAP = {k: v for k, v in _PREFIXES}
_MAX_WORDS = max(len(k.split()) for k in list(_SUFFIX_MAP) + list(_PREFIX_MAP))
KIND_HINTS = tuple(sorted(set(_SUFFIX_MAP.values()) | set(_PREFIX_MAP.values())))


@lru_cache(maxsize=1 << 16)
def strip_kind(key: str) -> tuple[str, str | None]:
    """Split a folded key into its core name and a kind hint: ``"kherson oblast" -> ("kherson", "admin")``.

    A leading "the" goes too. Only one kind word is removed from each end, and never the whole name.
    """
    words = key.split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    hint: str | None = None
    for n in range(min(_MAX_WORDS, len(words) - 1), 0, -1):
        tail = " ".join(words[-n:])
        if tail in _SUFFIX_MAP:
            hint = _SUFFIX_MAP[tail]
            words = words[:-n]
            break
    for n in range(min(_MAX_WORDS, len(words) - 1), 0, -1):
        head = " ".join(words[:n])
        if head in _PREFIX_MAP:
            hint = hint or _PREFIX_MAP[head]
            words = words[n:]
            break
    if words and words[-1] in ("of", "the") and len(words) > 1:
        words = words[:-1]
    return " ".join(words), hint


# --- transliteration ----------------------------------------------------------------------------------
_VOWELS_CYR = set("аеёиоуыэюяіїєАЕЁИОУЫЭЮЯІЇЄьъ'’")

# Per-system tables: letter -> (initial form, after-vowel form, after-consonant form).
def _t(initial: str, elsewhere: str | None = None, after_cons: str | None = None) -> tuple[str, str, str]:
    e = initial if elsewhere is None else elsewhere
    return (initial, e, e if after_cons is None else after_cons)


_COMMON = {
    "а": "a", "б": "b", "в": "v", "д": "d", "з": "z", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "ь": "", "ъ": "",
}
_SYSTEMS: dict[str, dict[str, tuple[str, str, str]]] = {
    # Ukrainian national (KMU 2010): Київ Kyiv, Станиця Луганська Stanytsia Luhanska
    "uk_national": {
        "г": _t("h"), "ґ": _t("g"), "е": _t("e"), "є": _t("ye", "ie"), "ж": _t("zh"), "и": _t("y"),
        "і": _t("i"), "ї": _t("yi", "i"), "й": _t("y", "i"), "х": _t("kh"), "ц": _t("ts"), "ч": _t("ch"),
        "ш": _t("sh"), "щ": _t("shch"), "ю": _t("yu", "iu"), "я": _t("ya", "ia"), "ё": _t("yo", "io"),
        "ы": _t("y"), "э": _t("e"),
    },
    # BGN/PCGN Ukrainian (1965): Stanytsya Luhans'ka
    "uk_bgn": {
        "г": _t("h"), "ґ": _t("g"), "е": _t("e"), "є": _t("ye"), "ж": _t("zh"), "и": _t("y"), "і": _t("i"),
        "ї": _t("yi"), "й": _t("y"), "х": _t("kh"), "ц": _t("ts"), "ч": _t("ch"), "ш": _t("sh"),
        "щ": _t("shch"), "ю": _t("yu"), "я": _t("ya"), "ё": _t("yo"), "ы": _t("y"), "э": _t("e"),
    },
    # BGN/PCGN Russian: Stanitsa Luganskaya, Valuyki, Khar'kov; е -> ye initially and after vowels
    "ru_bgn": {
        "г": _t("g"), "ґ": _t("g"), "е": _t("ye", "ye", "e"), "ё": _t("yo", "yo", "e"), "є": _t("ye"),
        "ж": _t("zh"), "и": _t("i"), "і": _t("i"), "ї": _t("yi"), "й": _t("y"), "х": _t("kh"),
        "ц": _t("ts"), "ч": _t("ch"), "ш": _t("sh"), "щ": _t("shch"), "ы": _t("y"), "э": _t("e"),
        "ю": _t("yu"), "я": _t("ya"),
    },
    # Popular English spellings of Russian names: Kiev, Valuiki, Kharkov, Zaporozhye
    "ru_popular": {
        "г": _t("g"), "ґ": _t("g"), "е": _t("e"), "ё": _t("yo", "yo", "e"), "є": _t("ye"), "ж": _t("zh"),
        "и": _t("i"), "і": _t("i"), "ї": _t("yi"), "й": _t("i", "i", "i"), "х": _t("kh"), "ц": _t("ts"),
        "ч": _t("ch"), "ш": _t("sh"), "щ": _t("shch"), "ы": _t("y"), "э": _t("e"), "ю": _t("yu"),
        "я": _t("ya"),
    },
    # Scholarly / GOST-like (diacritics folded away): Valujki, Char'kov, Stanica Luganskaja
    "scholarly": {
        "г": _t("g"), "ґ": _t("g"), "е": _t("e"), "ё": _t("e"), "є": _t("je"), "ж": _t("z"), "и": _t("i"),
        "і": _t("i"), "ї": _t("ji"), "й": _t("j"), "х": _t("ch"), "ц": _t("c"), "ч": _t("c"), "ш": _t("s"),
        "щ": _t("sc"), "ы": _t("y"), "э": _t("e"), "ю": _t("ju"), "я": _t("ja"),
    },
    # German-style (Charkiw, Luhansk -> Luhansk): common in European press
    "german": {
        "г": _t("h"), "ґ": _t("g"), "е": _t("e"), "ё": _t("jo"), "є": _t("je"), "ж": _t("sch"),
        "и": _t("y"), "і": _t("i"), "ї": _t("ji"), "й": _t("j"), "х": _t("ch"), "ц": _t("z"),
        "ч": _t("tsch"), "ш": _t("sch"), "щ": _t("schtsch"), "ы": _t("y"), "э": _t("e"), "ю": _t("ju"),
        "я": _t("ja"), "в": _t("w"),
    },
}


def _romanize_with(text: str, table: dict[str, tuple[str, str, str]], ukrainian_zgh: bool) -> str:
    out: list[str] = []
    prev = " "
    lower = text.lower()
    for i, ch in enumerate(lower):
        if ch in table or ch in _COMMON:
            forms = table.get(ch)
            if forms is None:
                r = _COMMON[ch]
            else:
                if not prev.isalpha() or prev in "ьъ":
                    r = forms[0] if not prev.isalpha() else forms[1]
                elif prev in _VOWELS_CYR:
                    r = forms[1]
                else:
                    r = forms[2]
            if ukrainian_zgh and ch == "г" and prev == "з":
                r = "gh"
            if ch == "в" and "в" in table:
                r = table["в"][0]
            out.append(r)
        else:
            out.append(ch)
        prev = ch
    return "".join(out)


@lru_cache(maxsize=1 << 14)
def romanize(name: str) -> frozenset[str]:
    """Folded Latin keys of a Cyrillic name under several romanisation systems (empty if no Cyrillic).

    Ukrainian national 2010, BGN/PCGN for Ukrainian and Russian, popular English spellings of Russian
    forms, scholarly/GOST-like, German-style. Ukrainian-only letters (і ї є ґ) are handled by every system
    so a Ukrainian name also gets its "Russian-based" readings.
    """
    if not has_cyrillic(name):
        return frozenset()
    base = name.translate(_DROP)
    keys = set()
    for system, table in _SYSTEMS.items():
        keys.add(fold(_romanize_with(base, table, system == "uk_national")))
    keys.discard("")
    return frozenset(keys)


# --- phonetic key -------------------------------------------------------------------------------------
_PHON_RULES = [
    ("shch", "s"), ("schtsch", "s"), ("sch", "s"), ("tsch", "c"), ("zgh", "zh"),
    ("kh", "h"), ("zh", "z"), ("ch", "c"), ("sh", "s"), ("ts", "c"), ("tz", "c"), ("cz", "c"),
    ("ph", "f"), ("w", "v"), ("x", "ks"), ("q", "k"), ("g", "h"), ("j", "i"), ("y", "i"), ("ck", "k"),
]
_PHON_RE = re.compile("|".join(re.escape(a) for a, _ in _PHON_RULES))
_PHON_MAP = dict(_PHON_RULES)
_I_BEFORE_VOWEL = re.compile(r"i+(?=[aeou])")
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)
def phonetic(key: str) -> str:
    """A coarse sound key of a folded Latin key, so that romanisations meet.

    kh/h/g, zh/z, ts/tz/c, y/i/j collapse; "ia/ya/ja" becomes "a" (so Ukrainian -ska meets Russian -skaya);
    doubled letters collapse. Only meaningful for Latin keys; returns "" otherwise.
    """
    if not key or not key.isascii():
        return ""
    s = _PHON_RE.sub(lambda m: _PHON_MAP[m.group(0)], key)
    s = _I_BEFORE_VOWEL.sub("", s)
    s = _DOUBLE.sub(r"\1", s)
    s = s.replace(" ", "")
    return s
