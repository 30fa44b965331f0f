"""What kind of word a word is, for name redaction: ordinary English, proper noun, place, or unknown.

Proper nouns are told from ordinary words by how English writes them: spaCy's lexeme probabilities
(spacy-lookups-data, `en_lexeme_prob`, one million word forms counted in a large English corpus) give the
frequency of each spelling, and a word written capitalised far more often than in lower case ("sarah",
"okafor", "oldham") is a proper noun, while "brown", "will" or "precious" are ordinary words that are
sometimes names. Place names of England come from the reference data (councils, districts, ICBs, regions).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import srsly

from schemas.reference import district_rows

PROPER_SHARE = 0.75  # a word is a proper noun when at least this share of its uses are capitalised
MIXED_SHARE = 0.3  # ... and both a proper noun and an ordinary word ("brown", "baker") from this share on
_JOINERS = str.maketrans("", "", "'’-")


class WordKind(StrEnum):
    ORDINARY = "ordinary"  # an English word usually written in lower case
    PROPER = "proper"  # usually capitalised: a name, a place, a brand
    MIXED = "mixed"  # often capitalised, often not: "Brown", "Baker", "Rose"
    PLACE = "place"  # part of the name of an English council, district, ICB or region
    UNKNOWN = "unknown"  # not in the vocabulary: a rare name, a typo, a new word


@dataclass(frozen=True, eq=False)
class WordClasses:
    """A model's word classes. Compared and hashed by identity: they key `name_finder`'s cache, where value
    equality would compare ~100k-word sets on every lookup once a second, equal copy is loaded."""

    proper: frozenset[str]
    mixed: frozenset[str]
    known: frozenset[str]
    places: frozenset[str]

    def to_json(self) -> dict[str, list[str]]:
        return {name: sorted(getattr(self, name)) for name in ("proper", "mixed", "known", "places")}

    @classmethod
    def from_json(cls, data: dict[str, list[str]]) -> WordClasses:
        return cls(**{name: frozenset(words) for name, words in data.items()})

    def kind(self, word: str) -> WordKind:
        lower = word.lower()
        if lower in self.places:
            return WordKind.PLACE
        if lower in self.proper:
            return WordKind.PROPER
        if lower in self.mixed:
            return WordKind.MIXED
        if lower in self.known:
            return WordKind.ORDINARY
        return WordKind.UNKNOWN


def classes_from_probabilities(log_probs: dict[str, float], place_names: list[str]) -> WordClasses:
    """Split the vocabulary by how often each word is written capitalised (see module docstring)."""
    lower: dict[str, float] = {}
    capitalised: dict[str, float] = {}
    for form, log_prob in log_probs.items():
        if not form.translate(_JOINERS).isalpha():
            continue
        if form.islower():
            lower[form] = math.exp(log_prob)
        elif form.istitle():
            key = form.lower()
            capitalised[key] = capitalised.get(key, 0.0) + math.exp(log_prob)
    share = {word: frequency / (frequency + lower.get(word, 0.0)) for word, frequency in capitalised.items()}
    proper = frozenset(word for word, value in share.items() if value >= PROPER_SHARE)
    mixed = frozenset(word for word, value in share.items() if MIXED_SHARE <= value < PROPER_SHARE)
    places = frozenset(
        word for name in place_names for word in re.findall(r"[a-z]+", name.lower()) if len(word) > 2
    ) - frozenset(("and", "the", "city", "upon", "with", "county", "north", "south", "east", "west"))
    return WordClasses(
        proper=proper, mixed=mixed, known=frozenset(lower) | frozenset(capitalised), places=places
    )


def _place_names() -> list[str]:
    names: list[str] = []
    for row in district_rows():
        names.extend(row[key] for key in ("ltla24_name", "utla23_name", "icb24_name", "region24_name"))
    return names


@cache
def word_classes() -> WordClasses:
    """The classes built from spacy-lookups-data and the reference data (about 4 s, once per process)."""
    from importlib.resources import files

    path = files("spacy_lookups_data").joinpath("data", "en_lexeme_prob.json.gz")
    return classes_from_probabilities(dict(srsly.read_gzip_json(str(path))), _place_names())
