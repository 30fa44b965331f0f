"""Postal addresses above the postcode: house number and street, flats and units, named buildings, PO boxes.

"14 Acacia Avenue", "Flat 3, 22 Mill Lane", "3a High Street", "17-19 Market Place", "No. 12 Chapel Row",
"4 The Crescent", "Flat 9, Oakwood Heights", "88 Bolton Road West", "PO Box 123", and in lower case
"14 mill lane". A street needs a house number (or a flat, apartment or unit number) before it: a street
named alone ("the surgery on Green Lane") is not an address of a person. Postcodes have their own rule.
"""

from __future__ import annotations

import re

STREET_SUFFIXES: tuple[str, ...] = (
    "Street", "St", "Road", "Rd", "Lane", "Ln", "Avenue", "Ave", "Close", "Drive", "Way", "Crescent",
    "Cres", "Court", "Ct", "Place", "Pl", "Terrace", "Gardens", "Gdns", "Grove", "Park", "Square", "Sq",
    "Mews", "Walk", "Rise", "Hill", "View", "Row", "Parade", "Green", "Vale", "Wharf", "Yard", "Croft",
    "Fold", "Brow", "Bank", "Gate", "Meadow", "Meadows", "Mount", "Chase", "Boulevard", "Broadway",
    "Circus", "Esplanade", "Promenade", "Embankment", "Wynd", "Lea", "Glade", "Grange", "Heights",
    "Approach", "End", "Passage", "Alley", "Quay", "Villas", "Cottages", "Side", "Hey", "Nook", "Dale",
    "Garth", "Fields", "Orchard", "Ride", "Path", "Copse", "Dene", "Holme", "Lodge",
)  # fmt: skip
BUILDING_WORDS: tuple[str, ...] = (
    "House", "Court", "Heights", "Lodge", "Mansions", "Tower", "Point", "Building", "Buildings", "Block",
    "Hall", "Villas", "Cottages", "Place", "Apartments", "Flats",
)  # fmt: skip
# Lower-case words that never sit between a number and a street word ("2 miles down the road").
_NOT_STREET_WORDS = """
    the a an of on in at to by for and or from down up along across over into off past near round hours hour
    days day weeks week minutes minute miles mile times people staff years year months month more other
    different separate
""".split()  # noqa: SIM905 - a word list reads best as text

_SUFFIX = rf"(?:{'|'.join(STREET_SUFFIXES)})\.?"
_CAP_WORD = r"(?:St\.?|[A-Z][\w'’-]*)"
_STREET = rf"(?:The\s+)?(?:{_CAP_WORD}\s+){{0,3}}{_SUFFIX}(?:\s+(?:North|South|East|West))?\b"
_NUMBER = r"(?:No\.?\s*)?\d{1,4}[A-Za-z]?(?:\s*[-–]\s*\d{1,4}[A-Za-z]?)?"
_UNIT = r"(?:Flat|Apartment|Apt|Unit|Suite)\.?\s*\d{1,4}[A-Za-z]?"
_BUILDING = rf"(?:[A-Z][\w'’-]*\s+){{1,3}}(?:{'|'.join(BUILDING_WORDS)})\b"
_LOWER_STREET = (
    rf"(?:(?!(?:{'|'.join(_NOT_STREET_WORDS)})\b)[a-z][a-z'’-]*\s+){{1,3}}"
    rf"(?:{'|'.join(suffix.lower() for suffix in STREET_SUFFIXES if len(suffix) > 3)})\b"
)

ADDRESS_RE = re.compile(
    rf"(?<![\w£$.,])(?:{_UNIT},?\s+(?:{_BUILDING},?\s+)?)?{_NUMBER},?\s+{_STREET}"
    rf"|\b{_UNIT},?\s+{_BUILDING}"
    rf"|\b(?:Flat|Apartment|Apt)\.?\s*\d{{1,4}}[A-Za-z]?\b"
    rf"|\bP\.?\s?O\.?\s+Box\s+\d{{1,6}}\b"
    rf"|(?<![\w£$.,])\d{{1,4}}[a-z]?\s+{_LOWER_STREET}"
)
