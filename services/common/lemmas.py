"""The one lemma rule, used when indexing (classify fills `lemmas`) and when querying (search matches them).

The lookup table is spaCy's English `lemma_lookup` from the spacy-lookups-data package: classify copies it
into the trained model at build time (so the worker never needs the package), and the query side reads the
same package. Without that package the fallback below is used: lowercase, a few irregular forms and
conservative suffix rules. Either way placeholders like [PERSON] are kept as they are and punctuation is
dropped. A new lemma rule goes here, and both sides follow it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from importlib.resources import files

import srsly

PLACEHOLDER_RE = re.compile(r"\[[A-Z_]+\]")
WORD_RE = re.compile(r"\[[A-Z_]+\]|[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)

IRREGULAR: dict[str, str] = {
    "was": "be",
    "were": "be",
    "is": "be",
    "are": "be",
    "am": "be",
    "been": "be",
    "being": "be",
    "has": "have",
    "had": "have",
    "having": "have",
    "did": "do",
    "does": "do",
    "done": "do",
    "went": "go",
    "gone": "go",
    "goes": "go",
    "made": "make",
    "said": "say",
    "told": "tell",
    "felt": "feel",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "came": "come",
    "saw": "see",
    "seen": "see",
    "got": "get",
    "kept": "keep",
    "left": "leave",
    "thought": "think",
    "brought": "bring",
    "bought": "buy",
    "spoke": "speak",
    "spoken": "speak",
    "knew": "know",
    "known": "know",
    "children": "child",
    "people": "person",
    "men": "man",
    "women": "woman",
    "feet": "foot",
    "teeth": "tooth",
    "better": "good",
    "best": "good",
    "worse": "bad",
    "worst": "bad",
    "fell": "fall",
    "fallen": "fall",
    "died": "die",
    "dying": "die",
    "lying": "lie",
}
KEEP = {
    "nothing",
    "something",
    "anything",
    "everything",
    "morning",
    "evening",
    "during",
    "staff",
    "news",
    "always",
    "this",
    "his",
    "its",
    "was",
    "has",
    "does",
    "is",
    "us",
    "bus",
    "yes",
    "less",
    "unless",
    "process",
    "access",
    "address",
    "business",
    "illness",
    "kindness",
    "stress",
    "mess",
    "across",
    "plus",
    "thus",
    "series",
    "species",
    "analysis",
    "diagnosis",
    "crisis",
    "status",
    "sepsis",
    "nurses",
}


E_STEMS = (
    "rg",
    "dg",
    "iz",
    "is",
    "or",
    "ur",
    "iv",
    "ov",
    "ag",
    "ic",
    "ud",
    "bl",
    "as",
    "ar",
    "ir",
    "us",
    "ut",
    "ul",
)


def _restore_e(stem: str) -> str:
    return stem + "e" if stem.endswith(E_STEMS) and not stem.endswith(("ss", "ea", "ai", "oo")) else stem


def _verb_stem(stem: str) -> str:
    """A stem cut before -ing/-ed: a doubled final consonant undone (stopp -> stop), else its e restored."""
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
        return stem[:-1]
    return _restore_e(stem)


def rule_lemma(word: str) -> str:
    """Conservative English lemma for a lowercase word."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word == "nurses":
        return "nurse"
    if word in KEEP or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    if word.endswith("ied"):
        return word[:-3] + "y"
    if word.endswith("ing") and len(word) > 5:
        return _verb_stem(word[:-3])
    if word.endswith("ed") and len(word) > 4:
        return _verb_stem(word[:-2])
    return word


def lemma_string(text: str, lookup: Mapping[str, str] | Callable[[str], str | None] | None = None) -> str:
    """Space-separated lowercase lemmas of `text`, placeholders kept verbatim, punctuation dropped."""
    get = lookup.get if isinstance(lookup, Mapping) else lookup
    out = []
    for match in WORD_RE.finditer(text):
        token = match.group(0)
        if PLACEHOLDER_RE.fullmatch(token):
            out.append(token)
            continue
        lower = token.lower().replace("’", "'")
        lemma = (get(lower) or lower) if get else rule_lemma(lower)  # table: unknown words stay as they are
        out.append(lemma.lower())
    return " ".join(out)


def load_lookup_table() -> dict[str, str]:
    """spaCy's English lemma lookup table (lowercase entries), or {} when spacy-lookups-data is absent."""
    try:
        path = files("spacy_lookups_data").joinpath("data", "en_lemma_lookup.json.gz")
        data = srsly.read_gzip_json(str(path))
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
        return {}
    return {key: value for key, value in dict(data).items() if key == key.lower()}


@cache
def _query_table() -> dict[str, str]:
    return load_lookup_table()


def query_lemmas(text: str) -> str:
    """The lemmas of a search query, by the rule and table classify used to fill the `lemmas` field."""
    return lemma_string(text, _query_table() or None)
