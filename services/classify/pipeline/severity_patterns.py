"""Severity triggers: token patterns per reason code, matched on LOWER (regex where forms vary).

Reasons (exact codes): abuse, neglect, serious_harm, death, safeguarding, restraint, whistleblowing,
unsafe_staffing. A match makes the item high severity whatever its sentiment, unless it is negated
("no safeguarding concerns", "never felt neglected") — see severity.py.
"""

from __future__ import annotations

from typing import Any

import spacy

REASONS: tuple[str, ...] = (
    "abuse",
    "neglect",
    "serious_harm",
    "death",
    "safeguarding",
    "restraint",
    "whistleblowing",
    "unsafe_staffing",
)

OBJ = {
    "LOWER": {
        "IN": [
            "me",
            "him",
            "her",
            "them",
            "us",
            "mum",
            "dad",
            "residents",
            "resident",
            "patients",
            "patient",
            "nan",
            "grandad",
            "gran",
            "people",
            "someone",
        ]
    }
}
MY = {"LOWER": {"IN": ["my", "his", "her", "their", "the", "a", "our"]}, "OP": "?"}
BE = {"LOWER": {"IN": ["was", "were", "been", "being", "is", "are", "be", "got", "get", "gets"]}}
OPT_ADV = {
    "LOWER": {
        "IN": [
            "badly",
            "seriously",
            "severely",
            "physically",
            "verbally",
            "sexually",
            "repeatedly",
            "really",
            "very",
        ]
    },
    "OP": "?",
}


def _expand(regex: str) -> list[str]:
    """All strings of a finite regular expression (literals, groups, alternation, ?, {m,n}, classes).

    Token patterns use IN lists rather than REGEX: set lookups keep the matcher fast (≥300 texts/s).
    """
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    def walk(items: Any) -> list[str]:
        results = [""]
        for op, arg in items:
            if op is c.LITERAL:
                options = [chr(arg)]
            elif op is c.IN:
                options = []
                for kind, value in arg:
                    if kind is c.LITERAL:
                        options.append(chr(value))
                    elif kind is c.RANGE:
                        options += [chr(x) for x in range(value[0], value[1] + 1)]
                    else:
                        raise ValueError(f"unsupported class in {regex!r}")
            elif op is c.SUBPATTERN:
                options = walk(arg[-1])
            elif op is c.BRANCH:
                options = [s for branch in arg[1] for s in walk(branch)]
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
                low, high, sub = arg
                if high > 3:
                    raise ValueError(f"unbounded repeat in {regex!r}")
                body = walk(sub)
                options = [""] if low == 0 else []
                current = [""]
                for count in range(1, high + 1):
                    current = [a + b for a in current for b in body]
                    if count >= low:
                        options += current
            elif op is c.AT:
                continue
            else:
                raise ValueError(f"unsupported {op} in {regex!r}")
            results = [a + b for a in results for b in options]
        return results

    return sorted(set(walk(_parser.parse(regex))))


def _lower_re(regex: str) -> dict[str, Any]:
    return {"LOWER": {"IN": _expand(regex)}}


PATTERNS: dict[str, list[list[dict[str, Any]]]] = {
    "abuse": [
        [_lower_re(r"^(abuse[ds]?|abusing|abusive|abuser)$")],
        [_lower_re(r"^(assault(ed|s|ing)?|mistreat(ed|ment|ing)?|ill-treat(ed|ment)?|maltreat(ed|ment)?)$")],
        [
            {
                "LOWER": {
                    "IN": [
                        "hit",
                        "slapped",
                        "punched",
                        "kicked",
                        "pushed",
                        "shoved",
                        "smacked",
                        "pinched",
                        "grabbed",
                        "beaten",
                        "beat",
                        "hurt",
                        "manhandled",
                        "spat",
                        "strangled",
                        "throttled",
                    ]
                }
            },
            OBJ,
        ],
        [
            BE,
            OPT_ADV,
            {
                "LOWER": {
                    "IN": [
                        "hit",
                        "slapped",
                        "punched",
                        "kicked",
                        "beaten",
                        "manhandled",
                        "bullied",
                        "humiliated",
                        "molested",
                        "raped",
                        "groped",
                        "threatened",
                    ]
                }
            },
        ],
        [
            _lower_re(r"^(rape[ds]?|molest(ed|ation)?|grop(ed|ing)|sexual(ly)?)$"),
            _lower_re(r"^(assault(ed)?|abuse[ds]?|harass(ed|ment)?|touch(ed|ing)|inappropriate(ly)?)$"),
        ],
        [{"LOWER": "ill"}, {"LOWER": "-", "OP": "?"}, _lower_re(r"^(treat(ed|ment|ing)?)$")],
        [{"LOWER": {"IN": ["rough", "roughly"]}}, _lower_re(r"^(handl(ed|ing)|treat(ed)?)$")],
        [
            _lower_re(r"^(stole|stolen|steal|stealing|theft)$"),
            {"LOWER": {"IN": ["from", "money", "cash", "jewellery", "belongings"]}},
        ],
        [
            {
                "LOWER": {
                    "IN": [
                        "financial",
                        "financially",
                        "emotional",
                        "emotionally",
                        "psychological",
                        "psychologically",
                        "verbal",
                        "verbally",
                        "physical",
                        "physically",
                        "domestic",
                    ]
                }
            },
            _lower_re(r"^(abuse[ds]?|abusive|abusing)$"),
        ],
        [{"LOWER": {"IN": ["shouted", "screamed", "swore", "sworn"]}}, {"LOWER": "at"}, OBJ],
    ],
    "neglect": [
        [_lower_re(r"^(neglect(ed|ful|ing|s)?)$")],
        [
            {"LOWER": "left"},
            {"OP": "?"},
            {"LOWER": {"IN": ["in", "lying", "sitting"]}},
            {"LOWER": {"IN": ["in", "the", "his", "her", "their", "my"]}, "OP": "?"},
            _lower_re(r"^(soiled|wet|dirty|urine|faeces|feces|excrement|own|poo|pee|vomit)$"),
        ],
        [{"LOWER": "left"}, {"OP": "?"}, {"LOWER": "on"}, {"LOWER": "the"}, {"LOWER": "floor"}],
        [_lower_re(r"^(pressure|bed)$"), _lower_re(r"^(sores?|ulcers?|damage)$")],
        [{"LOWER": {"IN": ["bedsores", "bedsore"]}}],
        [_lower_re(r"^(dehydrated|malnourished|starving|starved|emaciated)$")],
        [
            {"LOWER": {"IN": ["not", "never", "wasn't", "weren't"]}},
            {"LOWER": {"IN": ["fed", "washed", "changed", "turned", "bathed"]}},
            {"LOWER": {"IN": ["for"]}},
            {"OP": "?"},
            _lower_re(r"^(days?|hours|weeks?)$"),
        ],
        [
            {"LOWER": {"IN": ["no", "without"]}},
            {"LOWER": {"IN": ["food", "water", "drink", "fluids"]}},
            {"LOWER": {"IN": ["or", "and", "for"]}},
        ],
        [
            {"LOWER": "left"},
            {"OP": "?"},
            {"LOWER": "alone"},
            {"LOWER": "for"},
            {"OP": "?"},
            _lower_re(r"^(hours|days)$"),
        ],
        [{"LOWER": "call"}, {"LOWER": "bell"}, {"LOWER": {"IN": ["ignored", "unanswered"]}}],
        [
            {"LOWER": "ignored"},
            {"LOWER": {"IN": ["the", "my", "his", "her"]}},
            {"LOWER": "call"},
            {"LOWER": "bell"},
        ],
    ],
    "serious_harm": [
        [
            _lower_re(r"^(serious(ly)?|severe(ly)?|significant|permanent|life-changing|catastrophic)$"),
            _lower_re(r"^(harm(ed)?|injur(y|ies|ed)|hurt|damage|burns?|wounds?)$"),
        ],
        [
            {"LOWER": {"IN": ["broken", "broke", "fractured"]}},
            MY,
            _lower_re(
                r"^(hip|arm|leg|wrist|neck|back|bones?|ribs?|skull|ankle|shoulder|femur|pelvis|jaw|nose)$"
            ),
        ],
        [_lower_re(r"^(fractures?|fractured)$")],
        [{"LOWER": {"IN": ["head", "brain", "spinal"]}}, _lower_re(r"^(injur(y|ies)|injured|bleed|damage)$")],
        [_lower_re(r"^(life-threatening|life-changing)$")],
        [{"LOWER": "life"}, {"LOWER": {"IN": ["threatening", "-"]}}, {"LOWER": "threatening", "OP": "?"}],
        [_lower_re(r"^(overdosed?|overdosing)$")],
        [
            {"LOWER": {"IN": ["wrong", "incorrect"]}},
            _lower_re(r"^(medications?|medicines?|dose|dosage|drugs?)$"),
        ],
        [{"LOWER": "never"}, {"LOWER": "event"}],
        [{"LOWER": {"IN": ["attempted", "tried"]}}, {"LOWER": "to"}, {"LOWER": "kill"}],
        [{"LOWER": {"IN": ["suicide", "suicidal"]}}, {"LOWER": {"IN": ["attempt", "attempts", "attempted"]}}],
        [_lower_re(r"^(self-harm(ed|ing)?)$")],
        [{"LOWER": "self"}, {"LOWER": "-", "OP": "?"}, _lower_re(r"^harm(ed|ing)?$")],
        [{"LOWER": {"IN": ["choked", "choking", "sepsis", "septic"]}}],
        [
            {"LOWER": {"IN": ["fell", "fall", "falls", "fallen"]}},
            {"OP": "?"},
            {"OP": "?"},
            {"LOWER": {"IN": ["broke", "broken", "fractured", "hit", "banged", "cracked"]}},
        ],
        [{"LOWER": "rushed"}, {"LOWER": "to"}, {"OP": "?"}, {"LOWER": {"IN": ["hospital", "a&e", "resus"]}}],
    ],
    "death": [
        [_lower_re(r"^(died|dying|dies|death|deaths|dead|deceased|fatal|fatality|fatalities|killed)$")],
        [{"LOWER": "passed"}, {"LOWER": "away"}],
        [
            {"LOWER": {"IN": ["lost", "losing"]}},
            {"LOWER": {"IN": ["his", "her", "their", "my"]}},
            {"LOWER": "life"},
        ],
        [{"LOWER": {"IN": ["suicide", "suicides"]}}],
        [
            {"LOWER": {"IN": ["took", "take"]}},
            {"LOWER": {"IN": ["his", "her", "their", "my"]}},
            {"LOWER": {"IN": ["own"]}},
            {"LOWER": "life"},
        ],
        [{"LOWER": "cardiac"}, {"LOWER": "arrest"}],
    ],
    "safeguarding": [
        [
            {"LOWER": "safeguarding"},
            _lower_re(
                r"^(concerns?|alerts?|referrals?|issues?|incidents?|investigations?|matters?|enquir(y|ies)|"
                r"team|lead|raised|report(s|ed)?|risks?|breach(es)?|failures?|failings?)$"
            ),
        ],
        [
            _lower_re(r"^(raised?|raising|made|make|submitted|logged)$"),
            {"LOWER": {"IN": ["a", "an"]}},
            {"LOWER": "safeguarding"},
        ],
        [{"LOWER": {"IN": ["safeguard", "safeguarded"]}}],
        [
            {"LOWER": "at"},
            {"LOWER": "risk"},
            {"LOWER": "of"},
            _lower_re(r"^(harm|abuse|exploitation|neglect|significant)$"),
        ],
        [{"LOWER": {"IN": ["domestic"]}}, _lower_re(r"^(violence|abuse)$")],
        [_lower_re(r"^(exploitation|exploited|grooming|groomed|trafficking|trafficked)$")],
        [{"LOWER": "modern"}, {"LOWER": "slavery"}],
        [{"LOWER": "police"}, _lower_re(r"^(were|was|called|involved)$")],
        [
            _lower_re(r"^(called|reported|phoned|rang|contacted)$"),
            {"LOWER": {"IN": ["to", "the"]}, "OP": "?"},
            {"LOWER": "the", "OP": "?"},
            {"LOWER": "police"},
        ],
        [{"LOWER": "vulnerable"}, _lower_re(r"^(adults?|child(ren)?)$"), {"LOWER": "at"}, {"LOWER": "risk"}],
        [{"LOWER": "child"}, {"LOWER": "protection"}],
    ],
    "restraint": [
        [_lower_re(r"^(restrain(ed|ing|t|ts)?)$")],
        [_lower_re(r"^(held|pinned|holding|pinning|hold|pin)$"), {"LOWER": "down"}],
        [_lower_re(r"^(held|pinned)$"), OBJ, {"LOWER": "down"}],
        [_lower_re(r"^(seclusion|secluded)$")],
        [
            {"LOWER": "locked"},
            {"LOWER": "in"},
            {"LOWER": {"IN": ["my", "his", "her", "their", "the", "a"]}},
            {"LOWER": {"IN": ["room", "bedroom", "cupboard", "toilet"]}},
        ],
        [
            {"LOWER": "locked"},
            OBJ,
            {"LOWER": "in"},
            {"LOWER": {"IN": ["my", "his", "her", "their", "the", "a"]}},
            {"LOWER": {"IN": ["room", "bedroom", "cupboard", "toilet"]}},
        ],
        [{"LOWER": {"IN": ["tied", "strapped"]}}, {"LOWER": {"IN": ["to", "into", "in", "down"]}}],
        [{"LOWER": "rapid"}, _lower_re(r"^(tranquill?i[sz]ation|tranq)$")],
        [
            _lower_re(r"^(sedated|forcibly|forced)$"),
            {"LOWER": {"IN": ["to", "him", "her", "me", "them", "medicated", "injected", "sedated"]}},
        ],
        [
            {"LOWER": {"IN": ["prone", "physical", "chemical", "mechanical"]}},
            _lower_re(r"^(restraint|restraints|intervention|holds?)$"),
        ],
    ],
    "whistleblowing": [
        [_lower_re(r"^(whistle-?blow(er|ers|ing)?|whistleblow(er|ers|ing)?)$")],
        [{"LOWER": "whistle"}, {"LOWER": "-", "OP": "?"}, _lower_re(r"^(blow(er|ers|ing)?)$")],
        [_lower_re(r"^(blow|blew|blowing|blown)$"), {"LOWER": "the"}, {"LOWER": "whistle"}],
        [
            {"LOWER": {"IN": ["afraid", "scared", "frightened", "fear"]}},
            {"LOWER": {"IN": ["to", "of"]}},
            _lower_re(r"^(rais(e|ing)|speak(ing)?|report(ing)?)$"),
            {"OP": "?"},
            _lower_re(r"^(concerns?|up|out|it|this|anything)$"),
        ],
        [{"LOWER": "fear"}, {"LOWER": "of"}, _lower_re(r"^(reprisals?|repercussions?|retaliation|losing)$")],
        [
            _lower_re(r"^(victimi[sz]ed|punished|sacked|dismissed|disciplined)$"),
            {"LOWER": "for"},
            _lower_re(r"^(raising|speaking|reporting|whistleblowing)$"),
        ],
        [
            {"LOWER": {"IN": ["i", "we"]}},
            _lower_re(r"^(work|worked|working)$"),
            {"LOWER": {"IN": ["there", "here", "at", "as", "in"]}},
            {"OP": "*", "LOWER": {"NOT_IN": [".", "!", "?"]}},
            _lower_re(r"^(concerns?|unsafe|cover(ed)?-?up|covered|hidden|falsif(y|ied))$"),
        ],
        [{"LOWER": {"IN": ["cover", "covered", "covering"]}}, {"LOWER": "-", "OP": "?"}, {"LOWER": "up"}],
        [
            _lower_re(r"^(falsif(y|ied|ying)|fabricat(ed|ing))$"),
            {"OP": "?"},
            _lower_re(r"^(records?|notes|charts?|paperwork|documents?)$"),
        ],
    ],
    "unsafe_staffing": [
        [
            _lower_re(r"^(short-?staffed|understaffed|under-?staffed|unsafe)$"),
            {"LOWER": {"IN": ["staffing", "levels"]}, "OP": "?"},
        ],
        [{"LOWER": {"IN": ["short", "under"]}}, {"LOWER": "-", "OP": "?"}, {"LOWER": "staffed"}],
        [
            {"LOWER": {"IN": ["not", "never"]}},
            {"LOWER": "enough"},
            _lower_re(r"^(staff|nurses|carers|doctors|staffing|paramedics|people|workers|crews)$"),
        ],
        [_lower_re(r"^(staff|staffing|nurse|nursing|carer)$"), _lower_re(r"^(shortages?|crisis)$")],
        [{"LOWER": "shortage"}, {"LOWER": "of"}, _lower_re(r"^(staff|nurses|carers|doctors)$")],
        [
            {"LOWER": {"IN": ["unsafe", "dangerous", "dangerously", "low", "poor", "inadequate"]}},
            _lower_re(r"^(low|staffing|staff)$"),
            {"LOWER": {"IN": ["levels", "level", "numbers", "ratios"]}},
        ],
        [
            {"LOWER": {"IN": ["only", "just"]}},
            _lower_re(r"^(one|two|1|2|a)$"),
            _lower_re(r"^(nurses?|carers?|staff|members?|person|healthcare)$"),
            {"OP": "?"},
            {"LOWER": {"IN": ["on", "for", "looking", "covering", "to"]}},
        ],
        [
            _lower_re(r"^(staff|staffing)$"),
            {"LOWER": {"IN": ["levels", "level", "numbers"]}},
            {"LOWER": {"IN": ["are", "were", "is", "was"]}},
            {"LOWER": {"IN": ["dangerously", "very", "really", "too", "so", "extremely"]}, "OP": "?"},
            {"LOWER": {"IN": ["low", "unsafe", "inadequate", "dangerous", "poor"]}},
        ],
        [{"LOWER": "skeleton"}, _lower_re(r"^(staff|crew|service)$")],
        [
            {"LOWER": {"IN": ["no", "not"]}},
            {"LOWER": "staff"},
            {"LOWER": {"IN": ["on", "around", "available"]}},
        ],
    ],
}

# Cue words that, shortly before a trigger in the same clause, negate it ("no abuse", "never neglected").
NEGATION_CUES: frozenset[str] = frozenset(
    {
        "no",
        "not",
        "never",
        "without",
        "nothing",
        "none",
        "n't",
        "nor",
        "zero",
        "free",
        "wasn't",
        "weren't",
        "isn't",
        "aren't",
        "didn't",
        "don't",
        "doesn't",
        "haven't",
        "hasn't",
        "hadn't",
        "cannot",
        "nobody",
    }
)
# A cue followed by one of these does not negate the trigger ("not only", "don't know why he died").
NEGATION_BREAKERS: frozenset[str] = frozenset(
    {
        "only",
        "just",
        "know",
        "sure",
        "until",
        "because",
        "realise",
        "realize",
        "understand",
        "believe",
        "want",
        "think",
        "tell",
        "told",
        "even",
        "long",
        "able",
        "allowed",
        "stop",
        "help",
        "get",
    }
)
# Tokens that close a clause: a cue before one of them does not reach the trigger.
CLAUSE_BREAKS: frozenset[str] = frozenset(
    {".", "!", "?", ";", ":", "but", "however", "although", "though", "yet", "and", "-", "–", "—", ","}
)


@spacy.registry.misc("caresignal.severity_patterns.v1")
def severity_patterns() -> dict[str, list[list[dict[str, Any]]]]:
    return PATTERNS
