"""Context cues for the severity triggers: what cancels a trigger and what an outcome needs nearby.

Cancelling cues (a trigger in their scope is not an incident):

* `hypothetical`: "if", "in case", "could have", "might", "suspected" before the trigger in its sentence;
* `fear`: "worried about", "my biggest fear", "afraid that" before the trigger in its sentence;
* `news`: reported elsewhere ("on the news", "a documentary", "you read about") anywhere in the sentence;
* `policy`: training, policies, posters, prevention and checks ("restraint reduction training", "checked
  for pressure sores") within a few tokens of the trigger, in its clause;
* `other_setting`: harm outside care or towards staff ("an abusive partner", "abuse towards paramedics"),
  likewise near the trigger;
* `idiom`: "bored to death", "to die for", "a matter of life and death" overlapping the trigger.

Gratitude ("thank you", "grateful", "peacefully", "lovely") cancels no trigger, but a sentence that thanks
or praises is no companion of an outcome ("My nan died last week ... We will never forget their
kindness"), and the harm classifier does not flag a span that holds one (end-of-life thanks).

Companion cues (an outcome counts only with one, or with another incident, in its sentence or a
neighbouring one):

* `fault`: something went wrong ("after waiting", "nobody", "missed", "because", "could have been
  prevented");
* `harm`: a medication error hurt someone ("collapsed", "rushed to A&E", "couldn't breathe");
* `unexplained`: nobody can say how an injury happened.

Negation is token-level (NEGATION_CUES shortly before the trigger, in the same clause).
"""

from __future__ import annotations

from typing import Any

import spacy

from services.classify.pipeline.severity_lexicon import ANY_OPT, NOT, PERSONAL_POSSESSIVE, Pattern, opt, words

CANCELLING = ("hypothetical", "fear", "news", "policy", "other_setting", "idiom")
GRATITUDE = "gratitude"
COMPANIONS = ("fault", "harm", "unexplained")

HYPOTHETICAL: list[Pattern] = [
    [words("if whether unless lest")],
    [words("in"), words("case")],
    [words("what"), words("if")],
    [words("in"), words("the"), words("event")],
    [words("would could might may 'd ’d"), words("have 've ’ve be easily")],
    [words("might may")],
    [
        words(
            "suspected possible potential likely risk risks chance danger prevent preventing",
            "avoid avoiding reduce reducing minimise spot spotting recognise recognising",
        )
    ],
    [words("nearly almost")],
    [words("could would should might"), words("of")],
    [words("tried trying tries attempted attempting"), words("to")],
]
FEAR: list[Pattern] = [
    [
        words("was were had been"),
        opt(words("so very really always a bit been quite")),
        opt(words("bit little")),
        words("worried afraid scared frightened terrified concerned anxious nervous dreading petrified"),
    ],
    [words("fear fears worry worries dread"), words("was were had is")],
    [words("feared dreaded imagined")],
    [words("heard"), words("horror bad")],
]
NEWS: list[Pattern] = [
    [words("documentary documentaries article articles panorama headlines scandal scandals")],
    [
        words("on in"),
        words("the"),
        words("paper papers tv telly media radio news newspaper newspapers"),
    ],
    [words("stories story reports"), words("about of in on")],
    [words("horror"), words("stories story")],
    [words("tv television radio"), words("programme programmes show report")],
    [words("on"), words("tv television telly radio")],
    [words("programme programmes documentary film"), words("about")],
    [words("local our the"), words("paper papers newspaper")],
    [words("paper papers"), words("reported said says ran")],
    [words("read hear heard seen saw watched watching"), words("about of that")],
    [words("you"), words("hear read see")],
    [words("other some many those"), words("homes hospitals places care")],
    [words("places"), words("like"), words("this that")],
    [words("elsewhere nationally")],
    [words("old previous last former"), words("school home place hospital unit ward placement")],
]
POLICY: list[Pattern] = [
    [
        words(
            "training trained train course courses policy policies procedure procedures",
            "poster posters leaflet leaflets pack awareness e-learning module modules",
            "workshop workshops session sessions guidance protocol protocols plan plans",
            "assessed assessment assessments checks checked checking check monitor monitored",
            "monitoring prevention reduction strategy talk talked explained signs drills",
            "drill inspection audit audits lead champion guardian tolerated tolerance",
            "reassured reassuring procedures measures talks",
        )
    ],
    [words("how"), words("to")],
    [words("what"), words("to"), words("do")],
    [words("look"), words("out"), words("for")],
    [words("level"), words("1 2 3 one two three")],
]
OTHER_SETTING: list[Pattern] = [
    [
        words("hit knocked run"),
        opt(words("down over")),
        words("by"),
        words("a the"),
        words("car bus van lorry truck vehicle bike cyclist motorbike train"),
    ],
    [
        words("patient patients visitor visitors"),
        opt(words("started began kept was were")),
        words("shouting screaming yelling swearing shouted screamed yelled swore"),
    ],
    [
        words("abusive violent aggressive controlling"),
        words(
            "partner husband wife boyfriend girlfriend ex father stepfather relationship",
            "relationships patient patients relative relatives visitor visitors caller",
            "callers man woman people family household",
        ),
    ],
    [
        words("childhood past historic historical domestic alcohol substance drug child online"),
        words("abuse abuser abusers trauma"),
    ],
    [
        words("abuse abused abusive aggressive violent assaults"),
        words("to towards toward at against"),
        opt(words("the our all nhs")),
        words("staff nurses paramedics crews crew doctors nhs receptionists workers"),
    ],
    [
        words("husband wife partner boyfriend girlfriend ex stepfather"),
        opt(words("had has kept")),
        words("hit beat punched kicked slapped abused hurt assaulted raped strangled hitting beating"),
    ],
    [
        words("abuse"),
        words("of"),
        words("power authority position process system alcohol drugs substances trust"),
    ],
    [
        words("staff nurses paramedics crews crew doctors receptionists"),
        opt(words("are were get got being getting")),
        words("abused assaulted attacked hit punched kicked threatened spat"),
    ],
]
IDIOM: list[Pattern] = [
    [
        words(
            "bored boring scared worried frightened sick tired terrified loved love laughed freezing froze"
        ),
        words("to"),
        words("death"),
    ],
    [words("death"), words("row wish")],
    [words("matter"), words("of"), words("life"), words("and"), words("death")],
    [words("die dying"), words("for to")],
    [
        words("died die dying"),
        words("of"),
        words("embarrassment shame laughing boredom fright thirst hunger"),
    ],
    [words("killing killed kills"), words("me us")],
    [words("over"), words("my"), words("dead"), words("body")],
    [words("life"), opt(words("-")), words("threatening")],
    [
        words("dead"),
        words("end ends line lines easy good nice friendly helpful slow quick busy on right"),
    ],
]
THANKS: list[Pattern] = [
    [
        words(
            "thank thanks thankful grateful gratitude kindness peacefully dignity brilliant lovely",
            "wonderful fantastic excellent outstanding textbook compassionate",
        )
    ],
]
FAULT: list[Pattern] = [
    [
        words(
            "because nobody noone never missed wrong failed failure failures failing despite",
            "negligence negligent neglect neglected prevented preventable avoidable",
            "unexplained inquest coroner delay delays delayed waiting waited discharged",
            "unsupervised ignored untreated left supposed unnoticed ignoring unattended alone",
            "refused mistake error errors incompetent incompetence wouldn't blamed dismissed",
            "complaint complained unsafe improperly unreported restrained shoved pushed",
            "dropped rough roughly investigation review meant",
        )
    ],
    [
        NOT,
        words(
            "listen believe act respond answer notice check treat escalate come turn arrive",
            "checked treated escalated fitted supervised noticed seen called monitored given",
            "listened taken picked spotted recognised diagnosed sent come reported recorded",
            "followed told properly done",
        ),
    ],
    [words("no"), words("one")],
    [
        words("took taking takes waited waiting after"),
        opt(ANY_OPT),
        opt(words("another over more than")),
        words("hours hour days minutes two three four five six seven eight nine ten twelve fourteen"),
    ],
    [words("after"), words("being falling waiting choking falls")],
    [words("after"), words("a"), words("fall")],
    [words("sent"), words("home")],
    [words("should"), words("have"), words("been had called checked seen sent come")],
    [words("too"), words("late")],
    [words("arrived came turned"), opt(words("up")), words("late")],
    [words("out"), words("of"), PERSONAL_POSSESSIVE, words("reach")],
    [words("bed"), words("rails")],
    [
        words("could should"),
        words("have"),
        words("been"),
        words("prevented avoided saved treated spotted picked"),
    ],
    [words("in"), words("the"), words("back"), words("of"), words("the"), words("ambulance")],
]
HARM: list[Pattern] = [
    [
        words(
            "collapsed unconscious unresponsive hypo seizure seizures fit fits bleeding bleed",
            "haemorrhage hospital a&e a&e. ambulance died death swelled swollen rash overdose",
            "overdosed pain agony screaming rigid drowsy sedated confused vomiting sick ill",
            "poorly admitted intensive icu resus coma fell fall harm harmed hurt anaphylaxis",
            "anaphylactic stroke infection toxicity toxic",
        )
    ],
    [NOT, words("breathe swallow walk wake move speak")],
    [words("stopped"), words("breathing")],
    [words("clot clots embolism bleed heart")],
    [words("rushed taken"), words("to")],
]
UNEXPLAINED: list[Pattern] = [
    [words("unexplained unexplainable unaccounted shrug shrugged mystery somehow noone nobody")],
    [words("no any"), words("explanation record records idea reason incident accident")],
    [NOT, words("explain tell recorded written reported documented logged")],
    [NOT, words("know say"), words("how anything what where why")],
    [
        words("nobody noone no"),
        opt(words("one")),
        opt(words("at can could seems")),
        opt(ANY_OPT),
        opt(ANY_OPT),
        words("explain tell know say"),
    ],
    [words("nothing"), words("in about written recorded")],
    [words("said"), words("nothing")],
    [words("nobody noone no"), opt(words("one")), words("saw seen witnessed")],
    [words("must might"), words("have"), words("fallen done knocked bumped banged caught")],
    [
        words("how"),
        opt(words("is was did does has")),
        words("it this that they"),
        words("happened happening happen got"),
    ],
    [
        words("why"),
        words("does do did is"),
        opt(ANY_OPT),
        opt(ANY_OPT),
        words("keep keeps getting"),
    ],
    [
        words("finger hand grip thumb"),
        opt(words("-")),
        words("mark marks shaped print prints"),
    ],
    [
        words("came comes come coming"),
        words("back home"),
        opt(words("from")),
        opt(ANY_OPT),
        opt(ANY_OPT),
        opt(ANY_OPT),
        words("with covered"),
    ],
    [words("new"), words("marks bruises injuries")],
    [words("every"), words("time"), words("i")],
]

CUES: dict[str, list[Pattern]] = {
    "hypothetical": HYPOTHETICAL,
    "other_setting": OTHER_SETTING,
    "idiom": IDIOM,
    "fear": FEAR,
    "news": NEWS,
    "policy": POLICY,
    GRATITUDE: THANKS,
    "fault": FAULT,
    "harm": HARM,
    "unexplained": UNEXPLAINED,
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
        "n’t",
        "nor",
        "zero",
        "free",
        "cannot",
        "nobody",
        "rarely",
        "seldom",
        "hardly",
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
        "explain",
        "given",
        "turned",
        "washed",
        "changed",
        "fed",
        "came",
        "checked",
        "attended",
        "helped",
    }
)
# Tokens that close a clause: a cue before one of them does not reach the trigger.
CLAUSE_BREAKS: frozenset[str] = frozenset(
    {
        ".",
        "!",
        "?",
        ";",
        ":",
        "but",
        "however",
        "although",
        "though",
        "yet",
        "and",
        "-",
        "–",
        "—",
        ",",
        "so",
        "while",
        "when",
        "\n",
        "\n\n",
    }
)


@spacy.registry.misc("caresignal.severity_cues.v1")
def severity_cues() -> dict[str, Any]:
    return CUES
