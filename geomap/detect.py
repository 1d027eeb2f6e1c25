"""Which sentences of a report tell a military event, and what each says: type, places and their roles, who
claims it, how sure it is, units and equipment, date, and (for axes of advance) the legs of each axis.

Everything here is linguistics: trigger lexicons, attribution and hedging patterns, prepositions. Geometry is
``geomap.where``'s job; this module only hands it ``Detection`` records pointing into the report text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from datetime import date

from gazetteer import Kind
from geomap.dates import DateSpan, _folded, find_dates
from geomap.mention import Mention

__all__ = [
    "Detection",
    "AxisLeg",
    "split_sentences",
    "classify",
    "claimants",
    "status_of",
    "find_units",
    "place_roles",
    "parse_axes",
    "detect",
    "detect_all",
    "demonym_iso2",
]

# ---------------------------------------------------------------------------------------------------------
# Sentences


_ABBREV = re.compile(
    r"(?:\b(?:[A-Z]|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Sen|Rep|Gen|Lt|Col|Maj|Capt|Adm|Mr|Mrs|Ms|Dr|St|"
    r"No|Gov|Pres|approx|vs|etc|Jr|Sr|U\.S|U\.K|U\.N|a\.m|p\.m|i\.e|e\.g)\.)$"
)
_SENT_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*[•*\-–]\s)|\n")


def split_sentences(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, paragraph)`` of each sentence, offsets into ``text``; blank lines and single newlines
    end paragraphs (scraped pages put one paragraph per line); abbreviations ("Feb.", "U.S.") do not end one."""
    out: list[tuple[int, int, int]] = []
    para = 0
    start = 0
    n = len(text)
    for m in _SENT_END.finditer(text):
        g, ms = m.group(0), m.start()
        newline = "\n" in g
        end = m.end() if g[0] != "\n" else ms
        # an abbreviation ends in "." (only then can the stretch up to the match's first character be one)
        if not newline and g[0] == "." and _ABBREV.search(text[max(0, ms - 6) : ms + 1]):
            continue
        _push(text, start, end, para, out)
        if newline:
            para += 1
        start = m.end()
    _push(text, start, n, para, out)
    return out


def _push(text: str, s: int, e: int, para: int, out: list[tuple[int, int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e, para))


# ---------------------------------------------------------------------------------------------------------
# Event types

_GROUND = (
    r"troops|soldiers|forces|(?:military|armou?red|fighting)\s+vehicles|tanks|armou?red|artillery|battalions?|brigades?|"
    r"divisions?|battle\s*groups?|btgs?|iskander\w*|(?:military|armou?red|tank)\s+(?:convoys?|columns?)|paratroopers|airborne\s+troops"
)

_TRIGGERS: list[tuple[str, re.Pattern[str]]] = [
    ("axis", re.compile(r"\baxis\b|\baxes\b|\bground\s+movements?\b|\blines?\s+of\s+advance\b|\bthrusts?\s+(?:towards?|from)\b", re.I)),
    ("shelling", re.compile(
        r"\bshell(?:ed|ing|fire)\b|\b(?:hit|struck|damaged)\s+by\s+(?:a\s+|an\s+)?(?:artillery\s+)?shells?\b"
        r"|\bshells?\s+(?:hit|struck|landed|fell|came|originated|exploded)\b|\bartillery\s+(?:fire|strikes?|barrage|attacks?)\b|\bmortars?\b|\bceasefire\s+(?:violations?|breaches)\b"
        r"|\bartillery\b[^.]{0,30}\b(?:fired|hit|pounded)\b|\bpounded\b|\bgrad\s+rockets?\b|\bmultiple\s+rocket\s+launchers?\s+(?:fired|hit)\b"
        r"|\bheavy\s+weapons?\s+fire\b", re.I)),
    # weak words: they count only beside military context (ocean shells, a Taser fired at someone, a mayor under fire)
    ("fire", re.compile(r"\bshells?\b|\bexplosions?\b|\bfired\s+(?:at|on|upon)\b|\bexchanges?\s+of\s+fire\b|\bgunfire\b|\b(?:came\s+)?under\s+fire\b", re.I)),
    ("strike", re.compile(
        r"\b(?:air|missile|rocket|drone|precision)[- ]?strikes?\b|\bairstrikes?\b|\bstrikes?\s+(?:on|against)\b"
        r"|\bbomb(?:ed|ing|ings|ardment)\b|\bmissiles?\s+(?:hit|struck|attack\w*)\b|\bhit\s+by\s+(?:a\s+|an\s+)?(?:missile|rocket|drone|strike)", re.I)),
    ("weak_strike", re.compile(r"\bstruck\b|\bblown\s+up\b|\bblew\s+up\b|\bdestroy(?:s|ed)?\b|\bsabotage\w*\b|\bbreached\b", re.I)),
    ("bridge", re.compile(
        r"\bpontoon\b|\b(?:tactical|temporary|floating|assault|military)\s+(?:bridges?|crossings?)\b"
        r"|\bbridg\w*\s+(?:was\s+|were\s+|being\s+|been\s+|had\s+been\s+)?(?:built|construct\w*|laid|erected|removed|dismantled|assembled)\b"
        r"|\bbuil[dt]\w*\s+(?:a\s+|the\s+)?(?:new\s+)?bridges?\b|\bbridging\b|\bbridge\s+construction\b"
        r"|\bbridges?,?\s+(?:across|over)\s+(?:the\s+|a\s+)?(?:[\w'’-]+\s+){0,2}river\b", re.I)),
    ("naval", re.compile(
        r"\b(?:warships?|landing\s+ships?|submarines?|frigates?|corvettes?|amphibious|minesweepers?|patrol\s+boats?|cruisers?"
        r"|(?:black\s+sea|baltic|northern|pacific)\s+fleet)\b", re.I)),
    ("weak_naval", re.compile(r"\b(?:vessels?|ships?|fleet|navy|naval|boats?)\b|\bat\s+dock\b|\bdocked\b", re.I)),
    ("air", re.compile(
        r"\b(?:aircraft|fighter\s+jets?|jets|bombers?|warplanes?|helicopters?|air\s+force|sorties?|airspace)\b", re.I)),
    ("movement", re.compile(
        r"\b(?:mov(?:e|ed|es|ing)|movements?|convoys?|columns?|heading|headed|advanc(?:e|ed|es|ing)|withdr[ae]w\w*|pull(?:ed|ing|s)?\s+back"
        r"|pullback|return(?:ed|ing|s)?\s+to\s+(?:their\s+)?(?:bases?|garrisons?|permanent)|go(?:ing)?\s+(?:back|home)\s+to\s+base|going\s+back|going\s+home"
        r"|march(?:ed|ing)?|redeploy\w*|relocat\w*|transferr?(?:ed|ing)|cross(?:ed|ing)\s+(?:into|the\s+border)|loaded\s+onto"
        r"|en\s+route|departure|depart(?:ed|ing|s)?|leaving|left\s+for|rolled|entered|inch(?:ed|ing)?\s+closer|back\s+to\s+(?:their\s+)?bases?|sending\s+\w+(?:\s+\w+)?\s+back)\b", re.I)),
    ("deployment", re.compile(
        r"\b(?:deploy(?:ed|ing|s|ment|ments)?|stationed|positioned|massed|massing|amass\w*|build-?up|buildup|battle\s*-?groups?"
        r"|battalion\s+tactical\s+groups?|btgs?|concentrat(?:ed|ion|ing)|reinforc\w+|arriv(?:ed|ing|al)|camps?|garrisoned"
        r"|exercises?|drills?|military\s+vehicles|readiness|preparedness|presence|addition\s+of)\b", re.I)),
]
_GROUND_RE = re.compile(rf"\b(?:{_GROUND})\b", re.I)
# Every trigger above contains at least one of these words: a sentence without any cannot be an event
# sentence, so most sentences of ordinary news are skipped after one cheap word scan (tests check the
# superset property on the trigger examples).
_TRIGGER_WORD = re.compile(
    r"axis|axes|movements?|advanc\w*|thrusts?|shell\w*|artillery|mortars?|ceasefire|pounded|rockets?|launchers?|weapons?|fire|"
    r"fired|explosions?|gunfire|strikes?|airstrikes?|struck|bomb\w*|missiles?|drones?|blown|blew|destroy\w*|sabotag\w*|"
    r"breached|pontoon|bridg\w*|crossings?|crossed|vessels?|warships?|ships?|submarines?|frigates?|corvettes?|fleet|navy|"
    r"naval|amphibious|minesweepers?|boats?|cruisers?|dock|docked|aircraft|jets?|bombers?|warplanes?|helicopters?|force|"
    r"sorties?|airspace|mov(?:e|ed|es|ing)|convoys?|columns?|heading|headed|withdr\w*|pull\w*|return\w*|going|back|"
    r"march\w*|redeploy\w*|relocat\w*|transferr?\w*|loaded|route|depart\w*|leaving|left|rolled|entered|inch\w*|sending|"
    r"deploy\w*|stationed|positioned|massed|massing|amass\w*|build|buildup|battle\w*|battalions?|btgs?|concentrat\w*|"
    r"reinforc\w*|arriv\w*|camps?|garrisoned|exercises?|drills?|vehicles|readiness|preparedness|presence|addition|built|"
    r"building|laid|erected|removed|dismantled|assembled"
)
_WORD = re.compile(r"[A-Za-z]+")
_WORD_CACHE: dict[str, bool] = {}


def _trigger_positions(text: str) -> list[int]:
    """Offsets of the words that may belong to a trigger (cached per distinct word)."""
    out = []
    cache = _WORD_CACHE  # keyed by the word as written: no lowercasing of words already seen
    for m in _WORD.finditer(text):
        hit = cache.get(m.group())
        if hit is None:
            w = m.group()
            hit = bool(_TRIGGER_WORD.fullmatch(w.lower()))
            if len(cache) < 500_000:
                cache[w] = hit
        if hit:
            out.append(m.start())
    return out
_AIR_BASE_RE = re.compile(r"\b(?:airfield|air\s+base|airbase|airport)\b", re.I)


_NEGATED = re.compile(r"\b(?:no|not|never|without|nor|n['’]t)\b(?:\s+[\w'’-]+){0,3}\s*$", re.I)
_MILITARY = re.compile(
    rf"\b(?:{_GROUND}|military|army|armed|navy|naval|aircraft|helicopters?|jets|warships?|missiles?|rockets?|"
    r"weapons?|materiel|btgs?|battle\s*groups?|regiments?|fleet|corps|paratroopers|marines|readiness|preparedness|"
    r"separatists|rebels|militants|insurgents|mortars?|shelling|front\s*lines?|ceasefire|s-\d00|t-?\d\d)\b",
    re.I,
)
# what makes "struck", "destroyed", "blown up" a strike: a weapon, or a target of the kind strikes hit
_WEAK_CONTEXT = re.compile(
    r"\b(?:missiles?|rockets?|drones?|bombs?|shells?|artillery|himars|explosives?|ammunition|dam|bridge|airfield|air\s+base|"
    r"depot|pipeline|power\s+plant|substation|railway|strikes?|attack\w*|troops|forces|military|army)\b",
    re.I,
)
_MILITARY_NOT_NAVAL = re.compile(
    rf"\b(?:{_GROUND}|military|army|armed|warships?|missiles?|rockets?|weapons?|landing|troops|marines|frigates?|"
    r"submarines?|readiness|exercises|drills|russian|ukrainian)\b",
    re.I,
)
_MILITARY_AIR = re.compile(
    r"\b(?:military|combat|attack|fighter|warplanes?|bombers?|sorties?|airborne|troops|forces|paratroopers|air\s+base|"
    r"airfield|airstrikes?|army|(?:su|mig|ka|mi|tu)-?\d+\w*)\b",
    re.I,
)


class _Folding:
    """A case-insensitive pattern (written in lowercase) and the same without IGNORECASE for ``_folded`` text."""

    __slots__ = ("ci", "low")

    def __init__(self, rx: re.Pattern[str]):
        self.ci = rx
        self.low = re.compile(rx.pattern, rx.flags & ~re.IGNORECASE)

    def search(self, text: str, low: str | None) -> re.Match[str] | None:
        return self.ci.search(text) if low is None else self.low.search(low)


_TRIGGERS_F = [(kind, _Folding(rx)) for kind, rx in _TRIGGERS]
_NEGATED_F = _Folding(_NEGATED)


def _hits(text: str, low: str | None | bool = False) -> set[str]:
    """Trigger kinds in ``text`` (not negated just before); ``low``: ``_folded(text)`` if already known."""
    if low is False:
        low = _folded(text)
    memo: dict[str, bool] = {}
    return {kind for kind, _ in _TRIGGERS if _hit(kind, text, low, memo)}


_TOWARDS_FROM_F = _Folding(re.compile(r"\btowards?\b|\bfrom\b", re.I))
_MILITARY_F = _Folding(_MILITARY)
_WEAK_CONTEXT_F = _Folding(_WEAK_CONTEXT)
_MILITARY_NOT_NAVAL_F = _Folding(_MILITARY_NOT_NAVAL)
_MILITARY_AIR_F = _Folding(_MILITARY_AIR)
_GROUND_RE_F = _Folding(_GROUND_RE)
_AIR_BASE_RE_F = _Folding(_AIR_BASE_RE)


def _hit(kind: str, text: str, low: str | None, memo: dict[str, bool]) -> bool:
    """Whether trigger ``kind`` occurs in ``text`` not negated just before (as ``kind in _hits(text, low)``),
    asked one kind at a time so that ``classify`` stops scanning once its answer is decided."""
    got = memo.get(kind)
    if got is None:
        if low is None:
            rx, negated, src = _TRIGGER_CI[kind], _NEGATED_F.ci, text
        else:
            rx, negated, src = _TRIGGER_LOW[kind], _NEGATED_F.low, low
        got = False
        for m in rx.finditer(src):
            if not negated.search(src[max(0, m.start() - 40) : m.start()]):
                got = True
                break
        memo[kind] = got
    return got


_TRIGGER_CI = dict(_TRIGGERS)
_TRIGGER_LOW = {kind: f.low for kind, f in _TRIGGERS_F}


def classify(text: str, context: str = "") -> str | None:
    """The event type a clause's words announce, or None. Order matters: an axis or shelling sentence often
    also says "movement" or "fire"; aircraft beside ground troops are part of a deployment. A negated trigger
    ("no withdrawal") does not count; movements and deployments need a military noun ("move sanctions" is
    not a movement). Each trigger kind is looked for only when the decision reaches it (same answer as
    matching every kind first)."""
    low = _folded(text)
    memo: dict[str, bool] = {}
    if _hit("axis", text, low, memo) and _TOWARDS_FROM_F.search(text, low):
        return "axis"
    # strong shelling words beat strike words ("struck by a shell"); bare "explosions" or "under fire" are
    # shelling unless a strike word says how ("missile strikes ... explosions")
    for kind in ("shelling", "strike", "bridge"):
        if _hit(kind, text, low, memo):
            return kind
    # ``context`` (the sentence before) may supply the military context a weak word needs
    military = bool(_MILITARY_F.search(text, low)) or bool(context and _MILITARY_F.search(context, _folded(context)))
    if military and _hit("fire", text, low, memo):
        return "shelling"
    if _hit("weak_strike", text, low, memo) and (military or _WEAK_CONTEXT_F.search(text, low)):
        return "strike"
    if _hit("naval", text, low, memo) or (_hit("weak_naval", text, low, memo) and _MILITARY_NOT_NAVAL_F.search(text, low)):
        return "naval"
    if _hit("air", text, low, memo) and _MILITARY_AIR_F.search(text, low):
        if _GROUND_RE_F.search(text, low) and not _AIR_BASE_RE_F.search(text, low):
            return "movement" if _hit("movement", text, low, memo) else "deployment"
        return "air"
    if not military:
        return None
    for kind in ("movement", "deployment"):
        if _hit(kind, text, low, memo):
            return kind
    return None


# ---------------------------------------------------------------------------------------------------------
# Who claims it

_ACTORS: list[tuple[str, re.Pattern[str]]] = [
    ("Ukrainian armed forces", re.compile(
        r"\bukrain(?:ian|e['’]s)\s+(?:armed\s+forces|military(?!\s+intelligence)|army|navy|air\s+force|defen[cs]e\s+ministry|ministry\s+of\s+defen[cs]e|general\s+staff|forces|border\s+guards?|(?:southern|northern|eastern)\s+command)", re.I)),
    ("Ukrainian military intelligence", re.compile(r"\bukrain(?:ian|e['’]s)\s+military\s+intelligence", re.I)),
    ("Ukrainian government", re.compile(
        r"\bukrain(?:ian|e['’]s)\s+(?:authorities|government|foreign\s+ministry|foreign\s+minister|president|officials?|interior\s+ministry|police|emergency\s+service)", re.I)),
    ("Western officials", re.compile(r"\bwestern\s+(?:officials|intelligence|military\s+officials|governments|sources)", re.I)),
    ("US Department of Defense", re.compile(
        r"\bpentagon\b|\b(?:us|u\.s\.)\s+(?:department\s+of\s+defen[cs]e|defen[cs]e\s+department|defen[cs]e\s+secretary|secretary\s+of\s+defen[cs]e)\b|\bsecretary\s+of\s+defen[cs]e\b|\bdefen[cs]e\s+secretary\b(?!.{0,20}\b(?:british|uk)\b)", re.I)),
    ("US officials", re.compile(
        r"\b(?:us|u\.s\.|american)\s+(?:administration\s+|intelligence\s+|defen[cs]e\s+|military\s+)?officials?\b|\bsenior\s+(?:biden\s+)?administration\s+officials?\b|\bstate\s+department\b|\bthe\s+united\s+states\s+(?:alleged|said|says|claimed)\b|\bwhite\s+house\b", re.I)),
    ("Russian Ministry of Defense", re.compile(
        r"\brussia(?:n|['’]s)\s+(?:ministry\s+of\s+defen[cs]e|defen[cs]e\s+ministry)|\bdefen[cs]e\s+ministry\s+press\s+service|\bministry\s+of\s+defen[cs]e\b(?=.{0,80}\brussia)", re.I)),
    ("UK Ministry of Defence", re.compile(r"\b(?:british|uk|u\.k\.)\s+(?:ministry\s+of\s+defen[cs]e|defen[cs]e\s+ministry)", re.I)),
    ("OSCE SMM", re.compile(r"\bosce\b|\bspecial\s+monitoring\s+mission\b|\bsmm\b|\bthe\s+mission\b", re.I)),
    ("separatists", re.compile(r"\bseparatists?\b|\bpeople['’]s\s+republic\b|\brebels\b|\barmed\s+formations\b", re.I)),
    ("Russian government", re.compile(r"\bkremlin\b|\brussia(?:n|['’]s)\s+(?:foreign\s+ministry|government|ministry\s+of\s+foreign\s+affairs|officials?)\b", re.I)),
    ("NATO", re.compile(r"\bnato\s+(?:said|says|officials?|has|chief|secretary)", re.I)),
    ("Belarusian government", re.compile(r"\bbelarus(?:ian)?\s+(?:defen[cs]e\s+ministry|ministry\s+of\s+defen[cs]e|government|president|authorities)", re.I)),
    ("Maxar Technologies", re.compile(r"\bmaxar\b", re.I)),
    ("Planet Labs", re.compile(r"\bplanet\s+labs\b|\bmaxar\s+and\s+planet\b", re.I)),
    ("CNN", re.compile(r"\b(?:confirmed|verified|geolocated|authenticated|established)\s+by\s+cnn\b|\bcnn\s+(?:has\s+)?(?:geolocated|confirmed|verified|established)\b", re.I)),
    ("local authorities", re.compile(r"\b(?:regional|city|local)\s+(?:governor|council|authorities|administration|officials)\b|\bgovernor\b|\bmayor\b", re.I)),
    ("local residents", re.compile(r"\b(?:a\s+)?residents?\s+of\b|\blocal\s+residents\b|\beyewitness(?:es)?\b", re.I)),
]
_REPORTING = re.compile(
    r"\b(?:said|says|say|reported|reports|report|told|tells|claimed|claims|alleged|alleges|noted|announced|accused|"
    r"spoke\s+of|tweeted|assessed?|recorded|warned|showed?|shows|added|stated|according\s+to|confirmed|geolocated|"
    r"verified|statement|bulletin|posted|published|wrote|described)\b",
    re.I,
)
_OUTLET_ACCORDING = re.compile(r"\baccording\s+to\s+(?:the\s+)?(?:Russian\s+|Ukrainian\s+|state\s+)?(?:newspaper\s+|news\s+agency\s+|broadcaster\s+)?([A-Z][\w-]+(?:\s+[A-Z][\w-]+){0,2})")
_NOT_CLAIM_AFTER = re.compile(r"(?:(?:accused|accusing|blamed|blaming)\s+(?:the\s+)?|\bof|against|(?:shelled|shelling|attack(?:ed)?|strikes?|struck|hit|fired?|killed|committed|out|launched|bombed)\s+by\s+(?:the\s+)?|(?:fire|shells?|shelling|attacks?)\s+from\s+(?:the\s+)?)\s*$", re.I)

# Titles seen beside a name earlier in the report, so that "Austin said" can be attributed.
_TITLE_ACTORS: list[tuple[str, re.Pattern[str]]] = [
    ("US Department of Defense", re.compile(r"(?:secretary\s+of\s+defen[cs]e|defen[cs]e\s+secretary)", re.I)),
    ("Ukrainian government", re.compile(r"ukrain(?:ian|e['’]s)\s+(?:foreign\s+minister|president|prime\s+minister|defen[cs]e\s+minister)", re.I)),
    ("Ukrainian armed forces", re.compile(r"ukrain(?:ian|e['’]s)\s+(?:commander|chief\s+of\s+staff)", re.I)),
    ("Russian government", re.compile(r"(?:russia(?:n|['’]s)\s+(?:deputy\s+)?(?:foreign\s+minister|minister)|kremlin\s+spokes\w+|russian\s+president)", re.I)),
    ("Russian Ministry of Defense", re.compile(r"russia(?:n|['’]s)\s+(?:defen[cs]e\s+minister|defen[cs]e\s+ministry\s+spokes\w+)", re.I)),
    ("UK Ministry of Defence", re.compile(r"(?:british|uk)\s+defen[cs]e\s+(?:secretary|minister)", re.I)),
    ("OSCE SMM", re.compile(r"osce|monitoring\s+mission", re.I)),
    ("NATO", re.compile(r"nato\s+secretary[- ]general", re.I)),
]
_TITLE_NAME = re.compile(r"((?:[A-Z][\w'’.-]*\s+){0,6}?)(?:,\s*)?((?:[A-Z][a-z][\w'’-]+\s+){1,2})([A-Z][a-z][\w'’-]+)\b")


class _LazyTitles:
    """``name_titles(text)``, computed on first use (most reports have no event sentence needing it)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._map: dict[str, str] | None = None

    def _m(self) -> dict[str, str]:
        if self._map is None:
            self._map = name_titles(self._text)
        return self._map

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._m().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._m()

    def __getitem__(self, key: str) -> str:
        return self._m()[key]

    def __bool__(self) -> bool:
        return True


def name_titles(text: str) -> dict[str, str]:
    """Surname -> actor, from titles written before a full name anywhere in the report ("US Secretary of
    Defense Lloyd Austin" -> {"Austin": "US Department of Defense"}), so later "Austin said" is attributed."""
    out: dict[str, str] = {}
    for actor, rx in _TITLE_ACTORS:
        for m in rx.finditer(text):
            tail = text[m.end() : m.end() + 60]
            nm = re.match(r"(?:,\s*|\s+)(?:[A-Z]\.\s*)?((?:[A-Z][a-z][\w'’-]+\s+){1,2})([A-Z][a-z][\w'’-]+)\b", tail)
            if nm and nm.group(2) not in out:
                out[nm.group(2)] = actor
    return out


def claimants(sentence: str, titles: dict[str, str] | _LazyTitles | None = None) -> tuple[str, ...]:
    """Who a sentence attributes its content to, normalised to a short list of actors (sorted)."""
    if not _REPORTING.search(sentence):
        return ()
    found: set[str] = set()
    for actor, rx in _ACTORS:
        for m in rx.finditer(sentence):
            if _NOT_CLAIM_AFTER.search(sentence[max(0, m.start() - 20) : m.start()]):
                continue
            if actor == "CNN" or actor.startswith(("Maxar", "Planet")):
                found.add(actor)
                break
            found.add(actor)
            break
    if titles:
        for m in re.finditer(r"\b([A-Z][a-z][\w'’-]+)\s+(?:said|says|told|added|claimed|noted|warned|tweeted|stated)\b", sentence):
            actor = titles.get(m.group(1))
            if actor:
                found.add(actor)
    for m in _OUTLET_ACCORDING.finditer(sentence):
        name = m.group(1)
        if demonym_iso2(name.split()[0]) or name.split()[0] in ("the", "The", "new", "New"):
            continue
        if not any(rx.search(name) for _, rx in _ACTORS):
            if titles is not None and name.split()[-1] in titles:
                found.add(titles[name.split()[-1]])
            elif len(name) > 2 and not re.match(r"(?i)(video|satellite|images?|photos?|sources?)", name):
                found.add(name)
    return tuple(sorted(found))


# ---------------------------------------------------------------------------------------------------------
# How sure

_DISPUTED = re.compile(
    r"did\s+not\s+pick\s+up|\bno\s+evidence\b|not\s+seen\s+any\s+(?:sign|evidence)|\bdenied\b|\bdenies\b|\bdeny\b"
    r"|\b(?:could|can)\s*(?:not|n['’]t)\s+(?:independently\s+)?(?:verify|confirm|corroborate)|\bcannot\s+(?:independently\s+)?(?:verify|confirm)"
    r"|\bunable\s+to\s+(?:independently\s+)?(?:verify|confirm)|\bcategorically\s+false\b|\bdisputed?\b|\brefuted\b",
    re.I,
)
_CONFIRMED = re.compile(
    r"\bconfirmed\s+by\b|\b(?:video|footage|images?|photos?|photographs?)\s+(?:and\s+\w+\s+)?(?:confirmed|verified|authenticated)"
    r"|\bverified\b|\bgeolocated\b|\bauthenticated\b|\bsatellite\s+(?:images?|imagery|photos?|pictures?)\b|\bwe\s+can\s+confirm\b",
    re.I,
)
_PROJECTED = re.compile(
    r"\bpossible\b|\bpossibility\b|\bpotential(?:ly)?\b|\bcould\b|\bmight\b|\bplann(?:ed|ing)\b|\bplans?\s+to\b"
    r"|\bwould\b|\bcapable\b|\baxis\b|\baxes\b|\bintend\w*\b|\bexpected\s+to\b|\bthreaten\w*\s+to\b|\bmay\s+(?:be|have|launch|attack|move|use|target)\b",
    re.I,
)


def status_of(sentence: str) -> str:
    """``disputed`` > ``confirmed`` > ``projected`` > ``reported``, from the sentence's own words."""
    if _DISPUTED.search(sentence):
        return "disputed"
    if _CONFIRMED.search(sentence):
        return "confirmed"
    if _PROJECTED.search(sentence):
        return "projected"
    return "reported"


# ---------------------------------------------------------------------------------------------------------
# Units and equipment

_ORD = r"\d+(?:st|nd|rd|th)"
_FORMATION = (
    r"(?:Guards\s+)?(?:(?:Motor(?:ized)?\s+Rifle|Tank|Airborne|Air\s+Assault|Artillery|Missile|Combined\s+Arms|Naval\s+Infantry"
    r"|Spetsnaz|Mechani[sz]ed|Marine|Rocket|Engineer|Logistics?|Separate)\s+)*(?:Division|Brigade|Regiment|Army|Corps|Battalion|Fleet)s?"
)
_UNIT_RE = re.compile(rf"\b(?P<ords>{_ORD}(?:\s*(?:,|and|&)\s*{_ORD})*)\s+(?P<kind>{_FORMATION})\b")
_NAMED_FORMATION = re.compile(r"\b(?:Black\s+Sea|Baltic|Northern|Pacific)\s+Fleet\b|\b(?:Southern|Western|Central|Eastern)\s+Military\s+Districts?\b")
_EQUIPMENT: list[tuple[str, re.Pattern[str]]] = [
    ("BTG", re.compile(r"\bbattalion\s+tactical\s+groups?\b|\bBTGs?\b")),
    ("battle groups", re.compile(r"\bbattle\s*-?groups?\b", re.I)),
    ("pontoon bridge", re.compile(r"\bpontoon\s+(?:bridges?|crossings?)\b", re.I)),
    ("tactical bridge", re.compile(r"\btactical\s+bridges?\b", re.I)),
    ("helicopters", re.compile(r"\bhelicopters?\b", re.I)),
    ("vessels", re.compile(r"\b(?:vessels?|warships?|landing\s+ships?)\b", re.I)),
    ("military vehicles", re.compile(r"\bmilitary\s+vehicles\b", re.I)),
    ("armoured vehicles", re.compile(r"\barmou?red\s+vehicles\b|\binfantry\s+fighting\s+vehicles\b", re.I)),
    ("tanks", re.compile(r"\btanks\b", re.I)),
    ("artillery", re.compile(r"\bartillery\b|\bheavy\s+weapon\w*", re.I)),
    ("combat aircraft", re.compile(r"\bcombat\s+(?:and\s+support\s+)?aircraft\b|\bfighter\s+jets?\b", re.I)),
    ("drones", re.compile(r"\bdrones?\b|\bUAVs?\b")),
    ("fuel trucks", re.compile(r"\bfuel\s+trucks\b", re.I)),
]
# Model designations: T-72, T72B3, BMP-2, Su-25, S-400, Iskander-M, Ka-52, Mi-8...
_MODEL_RE = re.compile(
    r"\b(?P<m>(?:T|BMP|BMD|BTR|Su|MiG|Tu|Il|Ka|Mi|S|Tor|Buk|Pantsir|Tochka|TOS|BM)[- ]?\d{1,3}[A-Z]{0,2}\d?(?:-[A-Z]\d?)?)\b"
    r"|\b(?P<n>Iskander(?:-M)?|Kalibr|Kinzhal|Bastion|Pantsir(?:-S1)?|Grad|Smerch|Uragan|Tornado|Bayraktar(?:\s+TB2)?|Javelins?|NLAWs?|HIMARS|Stingers?)\b"
)


def _norm_model(s: str) -> str:
    s = s.replace(" ", "-")
    m = re.match(r"([A-Za-z]+)-?(\d.*)", s)
    return f"{m.group(1)}-{m.group(2)}" if m else s


def find_units(sentence: str) -> tuple[str, ...]:
    """Formations ("150th Motor Rifle Division"), weapon models ("T-72", "Iskander") and equipment classes
    named in a sentence, normalised and sorted. "3rd and 150th Motor Rifle Divisions" gives two divisions."""
    out: set[str] = set()
    for m in _UNIT_RE.finditer(sentence):
        kind = re.sub(r"\s+", " ", m.group("kind"))
        singular = kind[:-1] if kind.endswith("s") and not kind.endswith("Corps") else kind
        for o in re.findall(_ORD, m.group("ords")):
            out.add(f"{o} {singular}")
    for m in _NAMED_FORMATION.finditer(sentence):
        out.add(re.sub(r"\s+", " ", m.group(0)).rstrip("s") if m.group(0).endswith("Districts") else re.sub(r"\s+", " ", m.group(0)))
    for m in _MODEL_RE.finditer(sentence):
        if m.group("m"):
            mod = m.group("m")
            if re.fullmatch(r"S-?\d{1,2}", mod) or re.fullmatch(r"(?:Mi|Il|Tu|BM)-?\d", mod):
                continue  # "S-1", "Mi-5": too short to be a designation we know
            out.add(_norm_model(mod))
        else:
            out.add(m.group("n").rstrip("s") if m.group("n").endswith("s") and not m.group("n").endswith("HIMARS") else m.group("n"))
    for name, rx in _EQUIPMENT:
        if rx.search(sentence):
            out.add(name)
    if "pontoon bridge" in out:
        out.discard("tactical bridge")
    return tuple(sorted(out))


# ---------------------------------------------------------------------------------------------------------
# Places and their roles

_ROLE_BEFORE: list[tuple[str, re.Pattern[str]]] = [
    ("origin", re.compile(r"\b(?:from|out\s+of|launched\s+from|leaving|left)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}$", re.I)),
    ("target", re.compile(r"\b(?:towards?|into|in\s+the\s+direction\s+of|on\s+the\s+road\s+to|drive\s+to|push\s+to|advance\s+on|heading\s+for|bound\s+for|to)\s+(?:the\s+)?(?:direction\s+of\s+)?(?:[\w'’-]+\s+){0,1}$", re.I)),
    ("via", re.compile(r"\b(?:via|through|across|over)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}$", re.I)),
]
# A place named where someone speaks or meets is not where the event happened.
_VENUE_BEFORE = re.compile(
    r"(?:\b(?:said|says|spoke|speaking|tweeted|told\s+[^.;]{0,40}?)\s+(?:in|at|from)\s+(?:the\s+)?$)"
    r"|(?:\b(?:briefing|conference|headquarters|summit|meeting|talks|visit(?:ing|ed|s)?|trip|embassy|ambassador|remarks|address|"
    r"speech|interview|travel(?:l?ing|l?ed)?\s+to)\b[^.;!?]{0,60}?\b(?:in|at|to|from)\s+(?:the\s+)?(?:city\s+of\s+)?$)",
    re.I,
)
# "Grad rockets", "Tornado launchers": a weapon named after a place
_WEAPON_AFTER = re.compile(r"^[\s-]*(?:[A-Z0-9-]+\s+)?(?:rockets?|missiles?|launchers?|systems?|multiple\s+rocket|MLRS|howitzers?|drones?)\b", re.I)
# "Moscow's battle groups", "Kyiv's forces": a capital standing for its government or army
_ACTOR_AFTER = re.compile(
    r"^['’]s\s+(?:\w+\s+)?(?:forces|troops|army|military|battle\s*groups?|government|claims?|position|response|plans?|"
    r"demands?|officials?|leaders?|intentions?|aggression|units)\b",
    re.I,
)
_NEAR_BEFORE = re.compile(r"\b(?:near|outside|close\s+to|around|in\s+the\s+vicinity\s+of|on\s+the\s+outskirts\s+of)\s+(?:the\s+)?(?:city\s+of\s+|town\s+of\s+|village\s+of\s+)?$", re.I)
_RELATIVE_BEFORE = re.compile(r"\b(?:north|south|east|west)(?:[- ]?(?:north|south|east|west))?(?:ern)?\s+of\s+(?:the\s+)?$", re.I)


@dataclass(frozen=True, slots=True)
class PlacedMention:
    """A mention as an event place: its role and whether it was written as "near X" / "N km <dir> of X"."""

    mention: Mention
    role: str = "location"
    near: bool = False
    reference: bool = False  # X in "16km north-east of X": a landmark to measure from, not the event place


def place_roles(text: str, start: int, end: int, mentions: list[Mention]) -> list[PlacedMention]:
    """Roles of the mentions inside ``text[start:end]`` from the words just before each one."""
    out: list[PlacedMention] = []
    for m in mentions:
        if m.place is None or m.start < start or m.end > end:
            continue
        if getattr(m, "role_hint", None) in ("dateline", "historical", "actor"):
            continue
        before = text[max(start, m.start - 60) : m.start]
        if _VENUE_BEFORE.search(before) or _ACTOR_AFTER.match(text[m.end : m.end + 40]) or _WEAPON_AFTER.match(text[m.end : m.end + 30]):
            continue
        role = "location"
        best = -1
        for r, rx in _ROLE_BEFORE:  # the preposition nearest the name decides ("from A towards B")
            hit = rx.search(before)
            if hit and hit.start() > best:
                role, best = r, hit.start()
        near = bool(_NEAR_BEFORE.search(before))
        ref = bool(_RELATIVE_BEFORE.search(before))
        if near and out and re.fullmatch(r"[\s,]*(?:[\w'’-]+\s+){0,2}?(?:near|outside|close\s+to)\s+(?:the\s+)?(?:city\s+of\s+|town\s+of\s+)?",
                                         text[out[-1].mention.end : m.start]):
            near, ref = False, True  # "Mariinka near Donetsk": Donetsk only says where Mariinka is
        if out and re.fullmatch(r"\s*(?:,|and|or|,\s*and|,\s*or)\s*", text[out[-1].mention.end : m.start]):
            # "near Donetsk and Luhansk", "from Belgorod and Kursk": a coordinated name shares the preposition
            prev = out[-1]
            role, near, ref = prev.role, prev.near or near, prev.reference or ref
        out.append(PlacedMention(m, role, near, ref))
    return out


# ---------------------------------------------------------------------------------------------------------
# Axes

_DEMONYMS = {
    "russian": "RU", "ukrainian": "UA", "belarusian": "BY", "belarussian": "BY", "byelorussian": "BY", "polish": "PL",
    "romanian": "RO", "moldovan": "MD", "hungarian": "HU", "slovak": "SK", "georgian": "GE", "kazakh": "KZ",
    "finnish": "FI", "estonian": "EE", "latvian": "LV", "lithuanian": "LT", "turkish": "TR", "armenian": "AM",
    "azerbaijani": "AZ", "chinese": "CN", "german": "DE", "norwegian": "NO", "russia": "RU", "ukraine": "UA",
    "belarus": "BY", "poland": "PL", "romania": "RO", "moldova": "MD", "hungary": "HU", "slovakia": "SK",
    "georgia": "GE", "kazakhstan": "KZ", "finland": "FI", "estonia": "EE", "latvia": "LV", "lithuania": "LT",
}  # fmt: skip


def demonym_iso2(word: str) -> str:
    """ISO2 of a country adjective or name ("Belarusian" -> "BY", "Ukraine's" -> "UA"), "" if unknown.
    Uses geomap.mentions.demonym_country when that module provides it, else a small built-in table."""
    w = re.sub(r"['’]s$", "", word.strip()).lower()
    try:
        from geomap.mentions import demonym_country  # type: ignore[attr-defined]

        got = demonym_country(w)
        if got:
            return got if isinstance(got, str) else getattr(got, "country", "") or ""
    except Exception:  # the recogniser is optional here; fall back to the table
        pass
    return _DEMONYMS.get(w, "")


_NUM_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "several": 3, "multiple": 2}
_PHASE_RE = re.compile(r"\bphase\s+(one|two|three|four|1|2|3|4|i{1,3}|iv)\b|\b(first|second|third)\s+phase\b", re.I)
_PHASES = {"one": 1, "two": 2, "three": 3, "four": 4, "i": 1, "ii": 2, "iii": 3, "iv": 4, "first": 1, "second": 2, "third": 3}
_BORDER_SPEC = re.compile(
    r"^(?:(?P<n>\w+)\s+points?\s+)?(?:along|on|at|from)?\s*(?:the\s+)?(?:(?P<q>(?i:northern|southern|eastern|western|north|south|east|west))\s+)?"
    r"(?P<c>[A-Z][a-z]+(?:['’]s)?)\s+border(?:\s+with\s+(?P<w>[A-Z][a-z]+))?",
)


@dataclass(frozen=True, slots=True)
class AxisLeg:
    """One axis of advance: a target place and an origin, which is either a place or ``count`` unnamed points
    on the border of ``border_country`` (ISO2, "" when the text does not say which border)."""

    target: Mention | None
    origin: Mention | None = None
    count: int = 1
    border_country: str = ""
    phase: int | None = None
    origin_text: str = ""


def _axis_elements(text: str, s: int, e: int, mentions: list[Mention]) -> list[tuple[int, str, object]]:
    """Ordered TO / FROM / PHASE elements of a sentence."""
    els: list[tuple[int, str, object]] = []
    sent = text[s:e]
    inside = [m for m in mentions if m.place is not None and s <= m.start and m.end <= e]
    for m in _PHASE_RE.finditer(sent):
        word = (m.group(1) or m.group(2)).lower()
        els.append((s + m.start(), "PHASE", _PHASES.get(word)))
    for m in re.finditer(r"\b(?:towards?|to)\s+(?:the\s+)?(?:direction\s+of\s+)?", sent, re.I):
        pos = s + m.end()
        hit = next((x for x in inside if x.start == pos), None)
        if hit is not None:
            els.append((s + m.start(), "TO", hit))
    for m in re.finditer(r"(?:\b(?P<pre>\w+)\s+points?\s+)?\bfrom\s+", sent, re.I):
        pos = s + m.end()
        rest = text[pos:e]
        count = _NUM_WORDS.get((m.group("pre") or "").lower(), 0)
        bm = _BORDER_SPEC.match(rest)
        if bm and bm.start() == 0:
            n = _NUM_WORDS.get((bm.group("n") or "").lower(), 0) or count or 1
            iso = demonym_iso2(bm.group("w") or bm.group("c"))
            els.append((s + m.start(), "FROM", ("border", n, iso, text[s + m.start() : pos + bm.end()])))
            continue
        pm = re.match(r"(?P<n>\w+)\s+points?\b", rest)
        if pm and pm.group("n").lower() in _NUM_WORDS:
            els.append((s + m.start(), "FROM", ("border", _NUM_WORDS[pm.group("n").lower()], "", text[s + m.start() : pos + pm.end()])))
            continue
        skip = re.match(r"(?:the\s+)?", rest)
        p2 = pos + (skip.end() if skip else 0)
        hit = next((x for x in inside if x.start in (pos, p2)), None)
        if hit is not None:
            els.append((s + m.start(), "FROM", ("place", hit)))
    els.sort(key=lambda t: t[0])
    return els


def parse_axes(text: str, s: int, e: int, mentions: list[Mention], default_phase: int | None = None) -> list[AxisLeg]:
    """Axes of advance written as "towards A from two points along the B border and from C towards D".

    Elements are read left to right; a FROM that is followed by its own TO opens a new axis once the current
    one has both ends; a second TO always opens a new axis. Each origin of an axis becomes one leg."""
    els = _axis_elements(text, s, e, mentions)
    groups: list[dict] = []
    cur: dict = {"to": None, "froms": [], "phase": default_phase}
    phase = default_phase
    for i, (_, kind, val) in enumerate(els):
        if kind == "PHASE":
            phase = val  # type: ignore[assignment]
            if cur["to"] is None and not cur["froms"]:
                cur["phase"] = phase
            continue
        if kind == "TO":
            if cur["to"] is not None:
                groups.append(cur)
                cur = {"to": None, "froms": [], "phase": phase}
            cur["to"] = val
            cur["phase"] = phase
        else:
            nxt = next((k for _, k, _ in els[i + 1 :] if k != "PHASE"), None)
            if cur["to"] is not None and cur["froms"] and nxt == "TO":
                groups.append(cur)
                cur = {"to": None, "froms": [], "phase": phase}
            cur["froms"].append(val)
    groups.append(cur)
    legs: list[AxisLeg] = []
    for g in groups:
        if g["to"] is None:
            continue
        if not g["froms"]:
            legs.append(AxisLeg(target=g["to"], count=1, phase=g["phase"]))
        for f in g["froms"]:
            if f[0] == "place":
                legs.append(AxisLeg(target=g["to"], origin=f[1], phase=g["phase"], origin_text=f[1].text))
            else:
                _, n, iso, words = f
                legs.append(AxisLeg(target=g["to"], count=n, border_country=iso, phase=g["phase"], origin_text=words.strip()))
    return legs


# ---------------------------------------------------------------------------------------------------------
# Detection


@dataclass(frozen=True, slots=True)
class Detection:
    """One event as a sentence tells it. ``geo_start``/``geo_end`` is the stretch of text whose places and
    relative expressions locate it (the sentence itself, or the earlier sentence a "the kindergarten" refers
    to)."""

    event_type: str
    start: int
    end: int
    quote: str
    places: tuple[PlacedMention, ...]
    geo_start: int
    geo_end: int
    claimed_by: tuple[str, ...] = ()
    status: str = "reported"
    units: tuple[str, ...] = ()
    date: date | None = None
    date_precision: str | None = None
    date_stated: bool = False
    axes: tuple[AxisLeg, ...] = ()
    extra_sources: tuple[tuple[int, int, str, str], ...] = ()  # (start, end, quote, status) of follow-ups
    flags: tuple[str, ...] = field(default=())


_FACILITY = r"kindergarten|school|pre-school|preschool|hospital|bridge|airfield|air\s+base|airport|base|dam|railway\s+station|station|depot|plant|port|village|town|settlement|community|training\s+ground|camp"
_DEFINITE = re.compile(rf"\b(?:the|this|that)\s+(?P<noun>{_FACILITY})\b", re.I)
_PRONOUN_HIT = re.compile(r"\b(?:it|they)\s+(?:was|were|had\s+been)\s+(?:hit|struck|shelled|destroyed|damaged|built|removed)\b", re.I)


def _is_specific(pm: PlacedMention) -> bool:
    """Not a whole country, and not a vague area the gazetteer has no outline for ("Europe")."""
    p = pm.mention.place
    assert p is not None
    if p.kind == Kind.COUNTRY:
        return False
    if p.kind in (Kind.REGION, Kind.SEA, Kind.ADMIN1, Kind.GULF, Kind.LAKE, Kind.PENINSULA, Kind.RIVER) and p.geometry_wkb is None:
        return False
    return True


_DATELINE_AFTER = re.compile(r"\s*(?:\([^)]{0,40}\))?\s*[-–—]\s")


def _event_date(text: str, s: int, e: int, ref: date | None) -> tuple[DateSpan | None, bool]:
    """The first date expression of the sentence; (None, False) if it names none; ``historical`` True when the
    sentence dates itself more than a year before the report ("since 2014", "in 2008")."""
    # "KYIV, Aug 10 (Reuters) -": a dateline dates the filing, not the event
    spans = [sp for sp in find_dates(text, ref, s, e) if not _DATELINE_AFTER.match(text, sp.end)]
    if not spans:
        return None, False
    for sp in spans:  # "in 2008", "since 2014": the sentence is about the past, or about years, not a day
        if ref is not None and (ref - sp.date).days > 366:
            return sp, True
    for sp in spans:
        if sp.since:
            continue
        return sp, False
    return spans[0], False


_BOUNDARY = re.compile(r"[;:,“”\"(]|\bplus\b|\band\s+(?:the|a|an|even|also|then)\b|\bwhile\b|\bwhereas\b", re.I)
# A sentence naming only countries can still place an event precisely through a construct like these
_GEO_CONSTRUCT = re.compile(
    r"\b(?:km|kilomet(?:er|re)s?|miles?)\b(?:\s*\([^)]{0,40}\))?\s*(?:from|of|off)\s+(?:the\s+)?(?:[A-Z][a-z]+(?:['’]s)?\s+)?border"
    r"|\b(?:across|over)\s+(?:a|the)\s+(?:\w+\s+)?river\b",
    re.I,
)
_DIST_DIR = re.compile(r"\d\s*(?:km|kilomet\w+|miles?)\s+(?:north|south|east|west)", re.I)
_IDIOMS = re.compile(r"\bfreedom\s+of\s+movement\b|\bpolitical\s+movements?\b|\bnext\s+move\b", re.I)
_LOCATING_CUE = re.compile(r"\b(?:geolocated|located|location|site|area|near|outside|village|town|airfield|base)\b", re.I)
_WATER = (Kind.SEA, Kind.STRAIT, Kind.GULF)


def _adjust(etype: str, places: list[PlacedMention]) -> str:
    """Readiness, presence or exercises at sea are naval activity."""
    if etype == "deployment" and places and all(p.mention.place.kind in _WATER for p in places):  # type: ignore[union-attr]
        return "naval"
    return etype


def _chunk_types(text: str, s: int, e: int, etype: str, specific: list[PlacedMention]) -> list[tuple[str, list[PlacedMention], int, int, int]]:
    """Split a sentence that tells several events ("vessels at dock in A and the addition of vehicles in B")
    into (type, places, geo_start, geo_end, clause_start) groups: each place takes the type of the words of its
    own clause."""
    if not specific:
        return []
    typed: list[tuple[str, PlacedMention, int]] = []
    prev_end = s
    for p in sorted(specific, key=lambda x: x.mention.start):
        lo = prev_end
        cuts = [m.end() for m in _BOUNDARY.finditer(text, prev_end, p.mention.start)]
        t = None
        for c in reversed(cuts):
            t = classify(text[c : p.mention.end])
            if t:
                lo = c
                break
        if t is None:
            t = classify(text[prev_end : p.mention.end]) or etype
        typed.append((_adjust(t, [p]) if not p.reference else t, p, lo))
        prev_end = p.mention.end
    kinds = list(dict.fromkeys(t for t, p, _ in typed if not p.reference))
    if len(kinds) <= 1:
        return [(_adjust(etype if not kinds else kinds[0], specific), specific, s, e, min(lo for _, _, lo in typed))]
    out = []
    starts = [lo for _, _, lo in typed]
    for k in kinds:
        members = [(p, lo, i) for i, (t, p, lo) in enumerate(typed) if t == k or p.reference]
        own = [(p, lo, i) for p, lo, i in members if not p.reference]
        g_s = min(lo for _, lo, _ in own)
        last = max(i for _, _, i in own)
        nxt = next((starts[j] for j in range(last + 1, len(typed)) if typed[j][0] != k and not typed[j][1].reference), e)
        out.append((k, [p for p, _, _ in members if g_s <= p.mention.start < nxt], g_s if g_s > s else s, nxt, g_s))
    return out


def detect(text: str, mentions: list[Mention], ref: date | None = None) -> list[Detection]:
    """Event detections in a report's text, in text order. ``mentions`` are the report's place mentions
    (from ``geomap.mentions.find_mentions``); ``ref`` is the report's date, for relative dates."""
    return detect_all(text, mentions, ref)[0]


def detect_all(text: str, mentions: list[Mention], ref: date | None = None) -> tuple[list[Detection], list[tuple[int, int, str]]]:
    """``detect`` plus the event sentences that name no place at all, as (start, end, event_type), so that
    they can be listed for review ("Russia is flying in more combat aircraft": real, but nowhere to map)."""
    unplaced: list[tuple[int, int, str]] = []
    mentions = sorted(mentions, key=lambda m: m.start)
    m_starts = [m.start for m in mentions]  # a sentence's places are a slice of the sorted mentions
    sents = split_sentences(text)
    titles = _LazyTitles(text)
    # one scan of the whole text for any trigger word: most sentences of ordinary news have none
    trig = _trigger_positions(text)
    out: list[Detection] = []
    last_idx: list[int] = []  # sentence index of each detection's latest source
    pending: tuple[str, int, int, tuple[str, ...], int] | None = None  # type, start, end, units, sentence idx
    last_axis_country = ""
    axis_actor = ""
    phase_ctx: int | None = None
    dated: list[tuple[int, DateSpan, str | None]] = []
    for idx, (s, e, para) in enumerate(sents):
        k = bisect_left(trig, s)
        has_trigger = k < len(trig) and trig[k] < e
        if not has_trigger and pending is None and not (out and last_idx[-1] == idx - 1):
            continue
        sent = text[s:e]
        prev_text = text[sents[idx - 1][0] : sents[idx - 1][1]] if idx else ""
        etype = classify(_IDIOMS.sub(lambda m: "_" * len(m.group(0)), sent), prev_text) if has_trigger else None
        if etype is None and pending is None:
            dspan, historical = None, False
        else:
            dspan, historical = _event_date(text, s, e, ref)
        if dspan is not None and not historical:
            dated.append((idx, dspan, etype))
        elif dspan is None and etype and dated and dated[-1][0] >= idx - 2 and dated[-1][2] == etype:
            dspan = dated[-1][1]  # wire copy dates the first sentence of a story and not the next ones
        if historical:
            pending = None
            continue
        if etype is None and pending is None and not (out and last_idx[-1] == idx - 1):
            continue  # (nothing below would use this sentence)
        # place_roles keeps the mentions inside [s, e): those starting there, in order
        placed = place_roles(text, s, e, mentions[bisect_left(m_starts, s) : bisect_left(m_starts, e)])
        if etype is None:
            if (out and last_idx[-1] == idx - 1 and not any(_is_specific(p) for p in placed)
                    and status_of(sent) in ("confirmed", "disputed") and out[-1].event_type != "axis"):
                # "Video verified by the wire showed damaged buildings.": a verdict on the event just told
                out[-1] = _follow_up(out[-1], text, s, e, titles, ref)
                last_idx[-1] = idx
                pending = None
                continue
            if (pending is not None and idx - pending[4] == 1 and _LOCATING_CUE.search(sent)
                    and any(_is_specific(p) for p in placed)):
                units = tuple(sorted(set(pending[3]) | set(find_units(sent))))
                out.append(_make(text, pending[0], pending[1], e, placed, s, e, titles, units, dspan, ref))
                if unplaced and unplaced[-1][0] == pending[1]:
                    unplaced.pop()
                last_idx.append(idx)
            pending = None
            continue
        if etype == "axis":
            legs = parse_axes(text, s, e, mentions, phase_ctx)
            if legs:
                phase_ctx = legs[-1].phase
                fixed: list[AxisLeg] = []
                targets = {leg.target.place.country for leg in legs if leg.target is not None and leg.target.place is not None}
                axis_actor = axis_actor or _actor_country(sent, targets)  # who would move: named in the first axis sentence
                for leg in legs:
                    if leg.origin is None and leg.border_country:
                        last_axis_country = leg.border_country
                    elif leg.origin is None and not leg.border_country:
                        leg = replace(leg, border_country=_actor_country(sent, targets) or axis_actor or last_axis_country)
                    fixed.append(leg)
                d = _make(text, "axis", s, e, placed, s, e, titles, find_units(sent), dspan, ref)
                out.append(replace(d, axes=tuple(fixed), status="projected" if d.status == "reported" else d.status))
                last_idx.append(idx)
            pending = None
            continue
        specific = [p for p in placed if _is_specific(p)]
        if not specific and _GEO_CONSTRUCT.search(sent):
            out.append(_make(text, etype, s, e, placed, s, e, titles, find_units(sent), dspan, ref))
            last_idx.append(idx)
            pending = None
            continue
        if not specific:
            # 1) a follow-up of the previous event of this type ("Video confirmed by CNN show that it was hit")
            if out and out[-1].event_type == etype and last_idx[-1] >= idx - 2:
                out[-1] = _follow_up(out[-1], text, s, e, titles, ref)
                last_idx[-1] = idx
                pending = None
                continue
            # 2) "the kindergarten was hit": find the earlier sentence that placed the kindergarten
            ante = _antecedent(text, sents, idx, mentions)
            if ante is not None:
                a_s, a_e, a_placed = ante
                out.append(_make(text, etype, s, e, a_placed, a_s, a_e, titles, find_units(sent), dspan, ref))
                last_idx.append(idx)
                pending = None
                continue
            # 3) maybe the next sentence says where ("...departure of T72 tanks. CNN geolocated it near X")
            pending = (etype, s, e, find_units(sent), idx)
            if status_of(sent) != "projected":
                unplaced.append((s, e, etype))
            continue
        pending = None
        for k, group, g_s, g_e, u_s in _chunk_types(text, s, e, etype, specific):
            if not any(not p.reference for p in group) and not _DIST_DIR.search(text, g_s, g_e):
                continue
            # units named in the place's own clause onwards ("fly in aircraft, plus sharpen readiness in the
            # Black Sea": the aircraft are not the naval event's)
            units = find_units(text[max(g_s, u_s) : g_e])
            out.append(_make(text, k, s, e, group, g_s, g_e, titles, units, dspan, ref))
            last_idx.append(idx)
    return _carry_claims(out, sents, text, titles), unplaced


def _carry_claims(dets: list[Detection], sents: list[tuple[int, int, int]], text: str, titles: _LazyTitles | dict[str, str]) -> list[Detection]:
    """Wire copy attributes once and goes on ("..., Western officials said. They also noted three vessels..."):
    an event sentence that names no source takes the source of the last attributed sentence among the three
    before it."""
    claims_at: dict[int, tuple[str, ...]] = {}

    def claims(j: int) -> tuple[str, ...]:
        if j not in claims_at:
            s, e, _ = sents[j]
            claims_at[j] = claimants(text[s:e], titles)
        return claims_at[j]

    out = []
    for d in dets:
        i = _sent_index(sents, d.start)
        if not d.claimed_by:
            prior = [claims(j) for j in range(max(0, i - 3), i) if claims(j)]
            if prior:
                d = replace(d, claimed_by=prior[-1])
                if not claims(i):
                    claims_at[i] = prior[-1]  # the attribution runs on through the story
        out.append(d)
    return out


def _actor_country(sent: str, exclude: set[str] | frozenset[str] = frozenset()) -> str:
    """The first country a sentence names by name or adjective, other than ``exclude`` (the targets')."""
    for m in re.finditer(r"\b[A-Z][a-z]+(?:['’]s)?\b", sent):
        iso = demonym_iso2(m.group(0))
        if iso and iso not in exclude:
            return iso
    return ""


def _sent_index(sents: list[tuple[int, int, int]], pos: int) -> int:
    for i, (s, e, _) in enumerate(sents):
        if s <= pos <= e:
            return i
    return -10


def _follow_up(prev: Detection, text: str, s: int, e: int, titles: _LazyTitles | dict[str, str], ref: date | None = None) -> Detection:
    sent = text[s:e]
    dspan, historical = _event_date(text, s, e, ref)
    rank = {"day": 0, "week": 1, "month": 2, "year": 3}
    if dspan is not None and not historical and (
        not prev.date_stated or rank.get(dspan.precision, 3) < rank.get(prev.date_precision or "year", 3)
    ):  # "...showed the appearance of the bridge overnight on Tuesday" dates the event told just before
        prev = replace(prev, date=dspan.date, date_precision=dspan.precision, date_stated=True)
    st = status_of(sent)
    claims = tuple(sorted(set(prev.claimed_by) | set(claimants(sent, titles))))
    units = tuple(sorted(set(prev.units) | set(find_units(sent))))
    return replace(prev, extra_sources=prev.extra_sources + ((s, e, sent, st),), claimed_by=claims, units=units)


def _antecedent(text: str, sents: list[tuple[int, int, int]], idx: int, mentions: list[Mention]):
    """For "the <facility>" in sentence ``idx``: the latest of the previous six sentences that names that
    facility beside a specific place; returns (start, end, placed mentions nearest the noun)."""
    s, e, _ = sents[idx]
    m = _DEFINITE.search(text, s, e)
    if not m:
        return None
    noun = m.group("noun").lower()
    rx = re.compile(rf"\b{re.escape(noun)}s?\b", re.I)
    for j in range(idx - 1, max(-1, idx - 7), -1):
        a_s, a_e, _ = sents[j]
        hit = rx.search(text, a_s, a_e)
        if not hit:
            continue
        placed = [p for p in place_roles(text, a_s, a_e, mentions) if _is_specific(p)]
        if not placed:
            continue
        after = [p for p in placed if p.mention.start >= hit.end() and p.mention.start - hit.end() < 80]
        chosen = after or sorted(placed, key=lambda p: abs(p.mention.start - hit.start()))[:1]
        keep = set(id(p) for p in chosen)
        # keep reference landmarks of the chosen place ("X (16km north-east of Y)")
        refs = [p for p in placed if p.reference]
        return a_s, a_e, [p for p in placed if id(p) in keep] + [r for r in refs if id(r) not in keep]
    return None


def _make(text: str, etype: str, s: int, e: int, placed: list[PlacedMention], geo_s: int, geo_e: int,
          titles: _LazyTitles | dict[str, str], units: tuple[str, ...], dspan: DateSpan | None, ref: date | None) -> Detection:
    sent = text[s:e]
    # a general country beside specific places adds nothing but noise
    specific = [p for p in placed if _is_specific(p)]
    keep = specific if specific else placed
    if etype not in ("movement", "axis"):
        keep = [p for p in keep if p.role in ("location", "via") or (etype == "shelling" and p.role == "origin")] or keep
    return Detection(
        event_type=etype,
        start=s,
        end=e,
        quote=sent,
        places=tuple(keep),
        geo_start=geo_s,
        geo_end=geo_e,
        claimed_by=claimants(sent, titles),
        status=status_of(sent),
        units=units,
        date=dspan.date if dspan else ref,
        date_precision=dspan.precision if dspan else ("day" if ref else None),
        date_stated=dspan is not None,
    )
