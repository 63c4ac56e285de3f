"""The made-up cast of the fixture world: outlets, people, places and the words stories are built from.

Every name of a person here is invented. Places and institutions are real so the text reads like news
and topic rules have something true to match. Nothing in this module is random: choices are made by
callers with their own seeded ``random.Random``.
"""

from __future__ import annotations

import re

# The first six outlets are hand-picked; beyond them names are combined from regions and mastheads.
# No outlet name contains a topic keyword (Kyiv, Ukraine, Sudan...), so a page title leaking into
# stored text cannot make an article match a topic by accident.
FIRST_OUTLETS: tuple[str, ...] = (
    "Caucasus Ledger",
    "Steppe Dispatch",
    "Sahel Monitor",
    "Levant Daily",
    "Horn Observer",
    "Balkan Wire",
)
REGIONS: tuple[str, ...] = (
    "Caucasus", "Steppe", "Sahel", "Levant", "Horn", "Balkan", "Baltic", "Danube", "Carpathian",
    "Euphrates", "Atlas", "Pamir", "Aegean", "Adriatic", "Caspian", "Pontic", "Tigris", "Anatolian",
    "Nordic", "Andean", "Pacific", "Gulf", "Silk Road", "Meridian",
)
MASTHEADS: tuple[str, ...] = (
    "Ledger", "Dispatch", "Monitor", "Daily", "Observer", "Wire", "Courier", "Herald", "Post",
    "Chronicle", "Tribune", "Gazette", "Review", "Sentinel", "Times", "Report", "Bulletin", "Record",
)
LANGUAGES: tuple[str, ...] = ("en", "en-GB", "en-US")


def slugify(text: str) -> str:
    """Lower-case ``[a-z0-9-]+`` form of a name or headline."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "x"


def outlet_names(count: int) -> list[str]:
    names = list(FIRST_OUTLETS[:count])
    for region in REGIONS:
        for masthead in MASTHEADS:
            if len(names) >= count:
                return names
            name = f"{region} {masthead}"
            if name not in names:
                names.append(name)
    if len(names) < count:
        raise ValueError(f"at most {len(names)} outlets can be named, asked for {count}")
    return names


FIRST_NAMES: tuple[str, ...] = (
    "Anna", "Mariam", "Oksana", "Lena", "Sofia", "Nadia", "Iryna", "Claire", "Hannah", "Leyla",
    "Amira", "Grace", "Ingrid", "Zeynep", "Tamar", "Yulia", "Marta", "Chiara", "Ruth", "Noor",
    "David", "Tomas", "Arman", "Pavlo", "Karim", "Jonah", "Luka", "Nikolai", "Samir", "Felix",
    "Ibrahim", "Owen", "Mateo", "Anders", "Levan", "Bogdan", "Rafael", "Simon", "Aziz", "Hugo",
)
LAST_NAMES: tuple[str, ...] = (
    "Harutyunyan", "Kowalczyk", "Okafor", "Lindqvist", "Bakirova", "Marchetti", "Hollis", "Demir",
    "Van Dijk", "Petrosyan", "Abernethy", "Quinlan", "Saade", "Novak", "Mercer", "Tadesse",
    "Kvaratskhelia", "Ferreira", "Osei", "Brandt", "Halloran", "Yilmaz", "Castellano", "Moravec",
    "Ashworth", "Karimov", "Delacroix", "Nyberg", "Szabo", "Whitlock", "Rahimi", "Vasquez",
)
# Ukrainian-sounding invented names for officials and sources inside the stories.
UA_FIRST: tuple[str, ...] = (
    "Oleh", "Serhiy", "Mykola", "Andriy", "Yaroslav", "Taras", "Vitaliy", "Bohdan", "Ihor",
    "Dmytro", "Roman", "Yuriy", "Olena", "Halyna", "Kateryna", "Tetiana", "Liudmyla", "Viktoria",
)
UA_LAST: tuple[str, ...] = (
    "Tkachuk", "Hrytsak", "Bondar", "Lysenko", "Ostapenko", "Kravets", "Savchuk", "Moroz",
    "Dovhaniuk", "Polishchuk", "Zinchenko", "Havrylenko", "Kuzmenko", "Yatsenko", "Semeniuk",
    "Fedoruk", "Levchenko", "Palamarchuk",
)

# A fixed cast, so unrelated stories about the same war share names the way real coverage does.
UA_OFFICIALS: dict[str, str] = {
    "foreign_minister": "Foreign Minister Mykola Savchuk",
    "defence_minister": "Defence Minister Roman Ostapenko",
    "army_spokesman": "military spokesman Colonel Yaroslav Bondar",
    "air_force": "Air Force spokesman Ihor Dovhaniuk",
    "energy_minister": "Energy Minister Halyna Kravets",
    "prosecutor": "Prosecutor General Taras Lysenko",
    "ombudsman": "human rights commissioner Olena Zinchenko",
    "pm": "Prime Minister Dmytro Yatsenko",
}
RU_OFFICIALS: tuple[str, ...] = (
    "Kremlin spokesman Pavel Sorokin",
    "Russian Deputy Foreign Minister Gennady Belyaev",
    "Moscow-installed official Vladimir Kostin",
)
FOREIGN_OFFICIALS: tuple[str, ...] = (
    "EU foreign policy chief Henrik Aalto",
    "UN humanitarian coordinator Marta Lindqvist",
    "German Defence Minister Klaus Reinhardt",
    "British Foreign Secretary Edward Hollis",
    "Polish President Tomasz Wrobel",
    "U.S. Secretary of State Margaret Quinlan",
)

UA_CITIES: tuple[str, ...] = (
    "Kyiv", "Kharkiv", "Odesa", "Dnipro", "Zaporizhzhia", "Mykolaiv", "Kherson", "Sumy", "Chernihiv",
    "Poltava", "Kryvyi Rih", "Lviv", "Vinnytsia", "Khmelnytskyi", "Zhytomyr", "Cherkasy",
    "Kramatorsk", "Sloviansk", "Izium", "Kropyvnytskyi",
)
FRONT_TOWNS: tuple[str, ...] = (
    "Pokrovsk", "Chasiv Yar", "Toretsk", "Kupiansk", "Vuhledar", "Robotyne", "Kurakhove", "Siversk",
    "Lyman", "Velyka Novosilka", "Huliaipole", "Orikhiv", "Avdiivka", "Bakhmut", "Vovchansk",
)
FRONT_REGIONS: tuple[str, ...] = ("Donetsk", "Luhansk", "Zaporizhzhia", "Kharkiv", "Kherson")
WEEKDAYS: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBER_WORDS: tuple[str, ...] = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
)

# Infrastructure hit in strikes, with the noun phrase used after "a"/"the".
TARGETS: tuple[str, ...] = (
    "power substation", "thermal power plant", "grain terminal", "rail depot", "apartment block",
    "water pumping station", "shopping centre", "fuel storage site", "hospital annex", "school gym",
    "bus station", "warehouse", "printing house", "gas distribution hub", "port crane yard",
)
WEAPONS: tuple[str, ...] = (
    "Shahed drones", "ballistic missiles", "cruise missiles", "guided aerial bombs",
    "S-300 missiles", "attack drones", "Iskander missiles", "Kh-101 cruise missiles",
)
MEDIATORS: tuple[str, ...] = ("the United Arab Emirates", "Qatar", "Turkey", "Saudi Arabia", "the Vatican")
ALLIES: dict[str, str] = {
    "Germany": "Berlin", "Poland": "Warsaw", "Britain": "London", "France": "Paris",
    "the Netherlands": "The Hague", "Denmark": "Copenhagen", "Sweden": "Stockholm", "Canada": "Ottawa",
    "Norway": "Oslo", "Finland": "Helsinki", "Lithuania": "Vilnius", "the Czech Republic": "Prague",
    "Italy": "Rome", "Japan": "Tokyo",
}
AID_ITEMS: tuple[str, ...] = (
    "air defence systems", "artillery ammunition", "armoured vehicles", "mobile generators",
    "demining equipment", "long-range drones", "winter equipment", "field hospitals",
)
PORTS: tuple[str, ...] = ("Odesa", "Chornomorsk", "Pivdennyi", "Izmail", "Reni")
CROPS: tuple[str, ...] = ("wheat", "corn", "barley", "sunflower oil", "soybeans", "rapeseed")

AGENCIES: dict[str, str] = {
    # agency -> dateline format; {CITY} is upper-cased, {City} as written.
    "Reuters": "{CITY} (Reuters) - ",
    "AP": "{CITY}, Ukraine (AP) — ",
    "AFP": "{City} (AFP) - ",
}

# Off-topic worlds: another war, and business news with no conflict at all.
SUDAN_PLACES: tuple[str, ...] = ("Khartoum", "Omdurman", "El Fasher", "Nyala", "Wad Madani", "Port Sudan")
SUDAN_ACTORS: tuple[str, ...] = (
    "the paramilitary Rapid Support Forces", "the Sudanese army", "local resistance committees",
    "the World Food Programme", "Medecins Sans Frontieres",
)
# What a markets story is about, and the trading city it is reported from.
MARKETS: tuple[tuple[str, str], ...] = (
    ("copper", "Santiago"), ("the Chilean peso", "Santiago"), ("the container freight index", "Singapore"),
    ("cocoa", "Abidjan"), ("lithium carbonate", "Perth"), ("the Norwegian krone", "Oslo"),
    ("arabica coffee", "Sao Paulo"), ("the Thai rice price", "Bangkok"), ("palm oil", "Jakarta"),
)

ROLES: tuple[str, ...] = (
    "Senior Correspondent", "Staff Writer", "Europe Editor", "Defence Correspondent",
    "Contributing Writer", "Foreign Desk Reporter", "Columnist", "Regional Correspondent",
)
BIO_ORIGINS: tuple[str, ...] = (
    "Canadian-Armenian", "British-Polish", "Dutch", "Georgian", "Lebanese-French", "Kenyan",
    "Swedish", "Turkish-German", "Irish", "Brazilian", "Czech", "Nigerian-British",
)
BIO_CRAFTS: tuple[str, ...] = (
    "political risk analyst and journalist", "photojournalist and writer",
    "former radio producer and reporter", "investigative reporter", "security analyst and writer",
    "documentary maker and correspondent",
)
BIO_BASES: tuple[str, ...] = (
    "Yerevan", "Tbilisi", "Warsaw", "Beirut", "Nairobi", "Vienna", "Istanbul", "Bucharest", "Riga",
)
BIO_FOCUS: tuple[str, ...] = (
    "energy security and sanctions", "refugee movements and humanitarian law",
    "defence procurement and the arms trade", "regional diplomacy and elections",
    "media freedom and disinformation", "frontline communities and reconstruction",
)
BIO_SCHOOLS: tuple[str, ...] = (
    "UCLA and Emerson College", "the London School of Economics", "Sciences Po",
    "Columbia Journalism School", "Charles University", "the American University of Beirut",
)

