"""Person names in free text, as character spans: cue words, name lists and word classes decide.

A *run* is one to four capitalised name words (with initials and particles: "J. Henderson", "Mariana da
Silva", "Siobhan O'Brien", "Anne-Marie Smith-Jones"). A run is a name when
  * a title precedes it ("Dr Okonkwo", "Nurse Lily"), or a relation ("my mum Edna", "niece of Albert
    Greenhalgh") or a naming cue ("a carer called Bogdan"): unless it is a word that is never a name;
  * a role precedes it ("Caller Margaret Brown", "Care worker Precious Moyo") and one of its words is not an
    ordinary English word (so "Patient Transport" stays);
  * it starts with a known first name ("Emma on reception"), or it has two or more words that are all
    proper nouns or unknown words and none a place ("Oluwaseun Adeyemi");
  * it is one proper or unknown word after a thanking cue ("thanks to Priya") or before a person's verb
    ("Zofia was the only one who listened");
and no place word ends it ("George Eliot Hospital", "Florence Ward"). After a title, relation, role or
cue, a lower-case first name or proper noun counts too ("my nan doris", "dr patel"). Names listed with a
found name ("Nicola, Precious and Agata") and later mentions of a found name are names too.
"""

from __future__ import annotations

import re

from services.common.redaction.lexicon import (
    AMBIGUOUS_NAMES,
    FIRST_NAMES,
    NAMING_CUES,
    NOT_NAMES,
    PARTICLES,
    PERSON_PREDICATES,
    PLACE_WORDS,
    RELATIONS,
    ROLES,
    THANKING_CUES,
    TITLES,
)
from services.common.redaction.word_classes import WordClasses, WordKind

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+|-[^\W\d_]+)*|\d+|\S")
_TITLES = frozenset(title.lower() for title in TITLES)
_LOWER_TITLES = frozenset(("dr", "mr", "mrs", "ms", "miss", "nurse", "prof", "cllr"))
_ABBREVIATED_TITLES = frozenset(("dr", "mr", "mrs", "ms", "mx", "prof", "rev", "cllr"))
_RELATIONS = frozenset(RELATIONS)
_DETERMINERS = frozenset(("my", "our", "his", "her", "their", "your"))
_ROLE_TAILS = {"public": "of", "staff": "of", "user": "service"}
_NAME_KINDS = frozenset((WordKind.PROPER, WordKind.UNKNOWN, WordKind.MIXED))
_BY_NAME_LIKENESS = (WordKind.PLACE, WordKind.PROPER, WordKind.UNKNOWN, WordKind.MIXED, WordKind.ORDINARY)
_NAMING_ENDINGS = tuple(" " + cue for cue in NAMING_CUES)
_THANKING_ENDINGS = tuple(" " + cue for cue in THANKING_CUES)
MAX_NAME_WORDS = 4
WORD_CACHE_SIZE = 100_000  # words whose kind a finder remembers (cleared when full: a worker runs for long)


class Token:
    """One word, number or punctuation mark of the text, with what the rules ask of it computed once."""

    __slots__ = ("text", "start", "end", "lower", "is_word", "is_capitalised", "name_end")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        possessive = len(text) > 2 and text[-1] in "sS" and text[-2] in "'’"
        self.name_end = end - 2 if possessive else end  # "Margaret's" -> "Margaret"
        self.lower = (text[:-2] if possessive else text).lower()
        self.is_word = text[0].isalpha()
        # 'Margaret', "O'Brien", 'McDonald', or an initial 'J'; not 'NHS' nor 'A&E'
        self.is_capitalised = text[0].isupper() and (len(text) == 1 or any(char.islower() for char in text))

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end})"


class NameFinder:
    """Finds person names in a text; `words` tells ordinary words from proper nouns and places."""

    def __init__(self, words: WordClasses) -> None:
        self.words = words
        self.kinds: dict[str, WordKind] = {}  # lower-case word -> its kind (`_kind`), filled as met
        self.first_names: dict[str, bool] = {}  # lower-case word -> `_is_first_name`

    def spans(self, text: str) -> list[tuple[int, int]]:
        tokens = [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        found: dict[int, int] = {}  # first token index -> end token index (exclusive)
        index = 0
        while index < len(tokens):
            end = self._name_at(text, tokens, index)
            if end > index:
                found[index] = end
                index = end
            else:
                index += 1
        self._add_listed(text, tokens, found)
        self._add_mentions(tokens, found)
        return [(tokens[start].start, tokens[end - 1].name_end) for start, end in sorted(found.items())]

    # --- one candidate --------------------------------------------------------------------------------

    def _name_at(self, text: str, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        if not token.is_word or token.lower in NOT_NAMES or token.lower in _RELATIONS:
            return index
        if not token.is_capitalised:
            return self._lower_name_at(text, tokens, index)
        cue = _cue_before(text, tokens, index)
        end = _run_end(text, tokens, index)
        kinds = [self._kind(tokens[i]) for i in range(index, end) if tokens[i].lower not in PARTICLES]
        if not kinds:
            return index
        if len(token.text) == 1 and (end == index + 1 or tokens[index + 1].text != "."):
            return index  # a lone capital letter ("a dentist S I haven't"), not an initial
        if cue in ("title", "relation"):
            return end
        if cue == "role":
            return end if any(kind in _NAME_KINDS for kind in kinds) else index
        if _ends_in_place(text, tokens, index, end):
            return index
        if cue == "naming":
            return end
        if len(token.text) == 1:
            return index
        if self._is_first_name(token):
            return end
        first_like = kinds[0] in (WordKind.PROPER, WordKind.UNKNOWN)
        if first_like and len(kinds) >= 2 and all(kind in _NAME_KINDS for kind in kinds[1:]):
            return end
        if first_like and len(kinds) == 1 and (cue == "thanking" or _predicate_follows(tokens, end)):
            return end
        return index

    def _lower_name_at(self, text: str, tokens: list[Token], index: int) -> int:
        """A lower-case name: a first name or proper noun after a cue ("my nan doris", "dr patel"), two
        unknown or proper words after one ("caller zofia pennington"), or a first name before a verb."""
        token = tokens[index]
        known = self._is_first_name(token) or self._is_lower_proper(token)
        following = index + 1 < len(tokens) and _joined(text, token, tokens[index + 1])
        surname = following and self._is_lower_name(tokens[index + 1])
        if not (known or (surname and self._kind(token) is WordKind.UNKNOWN)):
            return index
        cue = _cue_before(text, tokens, index)
        if cue is None and not (self._is_first_name(token) and _predicate_follows(tokens, index + 1)):
            return index
        if not known and cue == "thanking":
            return index
        return index + 2 if surname else index + 1

    # --- word tests -----------------------------------------------------------------------------------

    def _kind(self, token: Token) -> WordKind:
        kind = self.kinds.get(token.lower)
        if kind is None:
            if len(self.kinds) >= WORD_CACHE_SIZE:
                self.kinds.clear()
            kind = self.kinds[token.lower] = self._word_kind(token)
        return kind

    def _word_kind(self, token: Token) -> WordKind:
        if len(token.lower) == 1 or self._is_first_name(token):
            return WordKind.PROPER  # an initial, or a first name
        kind = self.words.kind(token.lower)
        if "-" not in token.lower or kind is WordKind.PROPER:
            return kind
        parts = {self.words.kind(part) for part in token.lower.split("-") if part}  # "Jean-Pierre"
        if parts == {WordKind.ORDINARY}:
            return WordKind.ORDINARY  # "Time-response"
        return next(choice for choice in _BY_NAME_LIKENESS if choice in {kind, *parts})

    def _is_first_name(self, token: Token) -> bool:
        known = self.first_names.get(token.lower)
        if known is None:
            parts = token.lower.split("-")
            known = all(part in FIRST_NAMES and part not in AMBIGUOUS_NAMES for part in parts)
            if len(self.first_names) >= WORD_CACHE_SIZE:
                self.first_names.clear()
            self.first_names[token.lower] = known
        return known

    def _is_lower_proper(self, token: Token) -> bool:
        return token.is_word and len(token.lower) > 1 and self._kind(token) is WordKind.PROPER

    def _is_lower_name(self, token: Token) -> bool:
        return (
            token.is_word
            and not token.is_capitalised
            and len(token.lower) > 1
            and token.lower not in NOT_NAMES
            and self._kind(token) in (WordKind.PROPER, WordKind.UNKNOWN)
        )

    # --- names that come with names already found -----------------------------------------------------

    def _add_listed(self, text: str, tokens: list[Token], found: dict[int, int]) -> None:
        """'Sarah, Tom and Emma': a word listed right after a found name is a name too."""
        for start in sorted(found):
            end = found[start]
            while end + 1 < len(tokens) and tokens[end].text in (",", "and", "&"):
                following = end + 1
                if tokens[following].text == "and" and tokens[end].text == ",":
                    following += 1
                if following >= len(tokens) or following in found:
                    break
                candidate = tokens[following]
                if not self._listable(candidate, tokens[start]):
                    break
                run_end = _run_end(text, tokens, following) if candidate.is_capitalised else following + 1
                if _ends_in_place(text, tokens, following, run_end):
                    break
                found[following] = run_end
                end = run_end

    def _listable(self, candidate: Token, first: Token) -> bool:
        if not candidate.is_word or candidate.lower in NOT_NAMES or candidate.lower in _RELATIONS:
            return False
        if self._kind(candidate) is WordKind.PLACE or candidate.lower in PLACE_WORDS:
            return False
        if candidate.is_capitalised:
            return first.is_capitalised
        return not first.is_capitalised and self._is_lower_proper(candidate)

    def _add_mentions(self, tokens: list[Token], found: dict[int, int]) -> None:
        """Later (or earlier) mentions of a found name word, written the same way."""
        words = {
            tokens[i].lower
            for start, end in found.items()
            for i in range(start, end)
            if tokens[i].is_capitalised
            and len(tokens[i].lower) > 2
            and self._kind(tokens[i]) is not WordKind.ORDINARY
        }
        covered = {i for start, end in found.items() for i in range(start, end)}
        for index, token in enumerate(tokens):
            if index not in covered and token.is_capitalised and token.lower in words:
                found[index] = index + 1


# --- token helpers ------------------------------------------------------------------------------------


def _joined(text: str, left: Token, right: Token) -> bool:
    """Two tokens in one run: separated by one or two spaces on the same line."""
    gap = text[left.end : right.start]
    return gap in (" ", "  ") or (gap == "" and right.text == ".")


def _run_end(text: str, tokens: list[Token], index: int) -> int:
    """End (exclusive) of the capitalised name run starting at `index`."""
    end, words = index + 1, 1
    if len(tokens[index].text) == 1 and end < len(tokens) and tokens[end].text == ".":
        end += 1  # an initial: "J. Henderson"
    while end < len(tokens) and words < MAX_NAME_WORDS and _joined(text, tokens[end - 1], tokens[end]):
        token = tokens[end]
        if token.text == "." and len(tokens[end - 1].text) == 1:
            end += 1
            continue
        if token.lower in PARTICLES and end + 1 < len(tokens) and tokens[end + 1].is_capitalised:
            end, words = end + 2, words + 1  # the particle and the word after it, whatever that word is
            continue
        if (
            not token.is_capitalised
            or token.lower in NOT_NAMES
            or tokens[end - 1].name_end < tokens[end - 1].end
        ):
            break
        end, words = end + 1, words + 1
    return end


def _ends_in_place(text: str, tokens: list[Token], start: int, end: int) -> bool:
    """The run is (or is followed by) the name of a place or service: 'Florence Ward', 'Salford Royal'."""
    inside = any(tokens[i].lower in PLACE_WORDS for i in range(start + 1, end))
    after = (
        end < len(tokens) and _joined(text, tokens[end - 1], tokens[end]) and tokens[end].lower in PLACE_WORDS
    )
    return inside or (after and tokens[end].is_capitalised)


def _predicate_follows(tokens: list[Token], end: int) -> bool:
    if end >= len(tokens):
        return False
    following = tokens[end].lower
    if following in PERSON_PREDICATES:
        return True
    return (
        following in ("the", "our", "on")
        and end + 1 < len(tokens)
        and (
            tokens[end + 1].lower in ROLES or tokens[end + 1].lower in ("reception", "desk", "ward", "phone")
        )
    )


def _words_before(tokens: list[Token], index: int, count: int) -> list[str]:
    return [token.lower for token in tokens[max(0, index - count) : index]]


def _cue_before(text: str, tokens: list[Token], index: int) -> str | None:
    """What the words before a candidate say about it: title, relation, role, naming, thanking, or None."""
    if index == 0:
        return None
    position, previous = index, tokens[index - 1]
    if previous.text == "." and index > 1 and tokens[index - 2].lower in _ABBREVIATED_TITLES:
        return "title"  # "Dr. Kelly", "Mrs. O'Neil"
    if previous.is_capitalised and previous.lower in _TITLES or previous.lower in _LOWER_TITLES:
        return "title"
    if previous.text == "," and index > 1:
        position, previous = index - 1, tokens[index - 2]  # "The home manager, Beverley Sutcliffe"
    lower = previous.lower
    relation = lower.split("-")[0]
    if relation in _RELATIONS or relation.rstrip("s") in _RELATIONS:
        before = _words_before(tokens, position - 1, 2)
        if any(word in _DETERMINERS for word in before) or (
            position > 1 and tokens[position - 2].name_end < tokens[position - 2].end
        ):
            return "relation"
    if lower == "of" and position > 1 and tokens[position - 2].lower.split("-")[0] in _RELATIONS:
        return "relation"  # "niece of Albert Greenhalgh"
    if lower in ROLES or lower.rstrip("s") in ROLES:
        return "role"
    if lower in _ROLE_TAILS and _ROLE_TAILS[lower] in _words_before(tokens, position - 1, 2):
        return "role"  # "Member of the public Yusuf Mahmood", "Service user Daniel Osei"
    phrase = " " + " ".join(_words_before(tokens, position, 5))
    if phrase.endswith(_NAMING_ENDINGS):
        return "naming"
    if phrase.endswith(_THANKING_ENDINGS) or (lower == "to" and "thank" in phrase):
        return "thanking"  # also "a big thank you to", "thank you so much to"
    return None
