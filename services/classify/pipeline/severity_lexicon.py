"""Word classes and token-pattern helpers for the severity patterns (spaCy Matcher dicts on LOWER).

Token patterns use IN lists rather than REGEX: set lookups keep the matcher fast.
"""

from __future__ import annotations

from typing import Any

Token = dict[str, Any]
Pattern = list[Token]


def words(*forms: str) -> Token:
    """One token whose lowercase form is one of `forms`, each a word or several separated by spaces.

    spaCy splits "wasn't" into "was" + "n't" and "dad's" into "dad" + "'s".
    """
    return {"LOWER": {"IN": sorted({word for form in forms for word in form.split()})}}


def opt(token: Token) -> Token:
    return {**token, "OP": "?"}


def verb(*stems: str) -> list[str]:
    """Regular inflections of each stem: stem, -s/-es, -ed, -ing (with consonant doubling and e-drop)."""
    forms = []
    for stem in (word for group in stems for word in group.split()):
        forms.append(stem)
        if stem.endswith(("s", "sh", "ch", "x")):
            forms.append(stem + "es")
        else:
            forms.append(stem + "s")
        if stem.endswith("e"):
            forms += [stem + "d", stem[:-1] + "ing"]
        elif (
            len(stem) <= 4 and stem[-1] in "bdgklmnprt" and stem[-2] in "aeiou" and stem[-3:-2] not in "aeiou"
        ):
            forms += [stem + stem[-1] + "ed", stem + stem[-1] + "ing"]
        else:
            forms += [stem + "ed", stem + "ing"]
    return forms


ANY: Token = {}
ANY_OPT: Token = {"OP": "?"}
NOT: Token = words("not n't n’t never")
BE: Token = words("was were been being is are be got get gets getting 's ’s")
HAVE: Token = words("has have had 's ’s 've ’ve")
DET: Token = opt(
    words("my his her their our your a an the one another this that these those some other two three several")
)
ADJ_OPT: Token = opt(
    words(
        "elderly old frail vulnerable young confused disabled poor other new older little",
        "autistic blind deaf female male own dear 87 90",
    )
)
PERSON_NOUNS: tuple[str, ...] = (
    "mum",
    "mother",
    "mom",
    "mam",
    "mummy",
    "dad",
    "father",
    "daddy",
    "gran",
    "nan",
    "nana",
    "nanna",
    "granny",
    "grandma",
    "grandmother",
    "grandad",
    "granddad",
    "grandpa",
    "grandfather",
    "wife",
    "husband",
    "partner",
    "son",
    "daughter",
    "brother",
    "sister",
    "aunt",
    "auntie",
    "uncle",
    "nephew",
    "niece",
    "cousin",
    "friend",
    "neighbour",
    "relative",
    "baby",
    "child",
    "children",
    "kid",
    "kids",
    "boy",
    "girl",
    "man",
    "men",
    "woman",
    "women",
    "lady",
    "ladies",
    "gentleman",
    "gentlemen",
    "person",
    "people",
    "resident",
    "residents",
    "patient",
    "patients",
    "client",
    "clients",
    "user",
    "users",
    "someone",
    "somebody",
    "individual",
    "individuals",
    "pensioner",
    "pensioners",
    "tenant",
    "tenants",
    "inpatient",
    "inpatients",
)
PERSON: Token = words(*PERSON_NOUNS)
BODY_PARTS: tuple[str, ...] = (
    "head",
    "face",
    "arm",
    "arms",
    "leg",
    "legs",
    "hand",
    "hands",
    "wrist",
    "wrists",
    "hip",
    "hips",
    "back",
    "neck",
    "shoulder",
    "shoulders",
    "knee",
    "knees",
    "ankle",
    "ankles",
    "foot",
    "feet",
    "elbow",
    "elbows",
    "finger",
    "fingers",
    "toe",
    "toes",
    "chest",
    "rib",
    "ribs",
    "eye",
    "eyes",
    "nose",
    "lip",
    "lips",
    "mouth",
    "cheek",
    "jaw",
    "skull",
    "thigh",
    "thighs",
    "shin",
    "shins",
    "heel",
    "heels",
    "bottom",
    "skin",
    "hair",
    "ear",
    "ears",
    "teeth",
    "tooth",
    "pelvis",
    "femur",
    "collarbone",
    "spine",
    "forehead",
    "chin",
    "breast",
    "breasts",
    "stomach",
    "tummy",
)
PERSONAL_POSSESSIVE: Token = words("my his her their our your")


def person_object() -> list[Pattern]:
    """A person as object: 'him', 'her' (not followed by a body part), 'my frail mum', 'a patient'."""
    not_body = {"LOWER": {"NOT_IN": list(BODY_PARTS) + ["own"]}}
    return [
        [words("him me them us")],
        [words("["), words("person"), words("]")],
        [words("her"), not_body],
        [DET, ADJ_OPT, PERSON],
        [DET, ADJ_OPT, ADJ_OPT, PERSON],
    ]


def with_object(*head: Token) -> list[Pattern]:
    """`head` followed directly by a person object."""
    return [[*head, *obj] for obj in person_object()]


IN_SENTENCE: Token = {"OP": "*", "LOWER": {"NOT_IN": [".", "!", "?", ";", "\n", "\n\n"]}}

PRONOUN_OBJ = words("him her me them us residents patients people")
STAFF = words(
    "staff carer carers nurse nurses worker workers manager assistant assistants",
    "porter doctor member members hca hcas",
)
