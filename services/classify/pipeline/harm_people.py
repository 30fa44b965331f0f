"""Severity patterns for harm done to a person: physical and psychological abuse, sexual abuse and
financial abuse.

Token patterns on LOWER; see `severity_patterns.py` for how acts and outcomes are used.
"""

from __future__ import annotations

from services.classify.pipeline.severity_lexicon import (
    ADJ_OPT,
    ANY_OPT,
    BE,
    BODY_PARTS,
    DET,
    HAVE,
    IN_SENTENCE,
    PERSON,
    PERSON_NOUNS,
    PERSONAL_POSSESSIVE,
    PRONOUN_OBJ,
    STAFF,
    Pattern,
    opt,
    verb,
    with_object,
    words,
)

# -- abuse ------------------------------------------------------------------------------------------------
HIT_VERBS = words(
    *verb("slap punch kick smack pinch shove thump drag yank twist strangle"),
    *verb("throttle headbutt stamp scratch attack assault grab manhandle jab tip dump"),
    *verb("hurl wrench jerk shake bang whip burn scald suffocate smother trip poke"),
    "threw",
    "thrown",
    "throw",
    "throws",
    "throwing",
    "tossed",
    "dropped",
    "dropping",
    "hit",
    "hits",
    "hitting",
    "beat",
    "beats",
    "beating",
    "beaten",
    "spat",
    "spit",
    "spits",
    "spitting",
    "shook",
    "bit",
    "bitten",
    "whacked",
    "whack",
    "whacking",
    "elbowed",
    "kneed",
)
HIT_PARTICIPLES = words(
    "slapped punched kicked smacked pinched shoved thumped dragged yanked hit beaten",
    "strangled throttled attacked assaulted abused bullied humiliated threatened",
    "mistreated manhandled ridiculed mocked grabbed whacked headbutted tormented",
    "taunted belittled intimidated",
)
VERBAL_VERBS = words(*verb("shout scream yell snap bark"), "swear", "swears", "swore", "swearing", "sworn")
MOCK_VERBS = words(
    *verb("mock taunt ridicule belittle humiliate torment intimidate"),
    "bully",
    "bullies",
    "bullied",
    "bullying",
)
ABUSE_WORDS = words(
    "abuse abused abuses abusive abusing abuser abusers assault assaulted assaults",
    "mistreated mistreatment mistreating maltreated maltreatment degrading cruel",
    "cruelty",
)
INSULTS = words(
    "disgusting smelly pathetic filthy dirty worthless vile stupid idiot retard fat",
    "lazy disgusting cow bitch pig baby animal moron thick useless",
)

HARSH_VERBS = words(
    *verb("slap punch kick smack pinch thump yank strangle throttle squeeze grab drag"),
    "beat",
    "beats",
    "beating",
    "beaten",
)
ABUSE: list[Pattern] = [
    *with_object(HIT_VERBS),
    [HARSH_VERBS, PERSONAL_POSSESSIVE, words(*BODY_PARTS)],
    [
        STAFF,
        opt(words("keeps kept always often would")),
        words(
            *verb("bang slam knock hit pinch twist grab squeeze"),
            "hit",
            "banged",
            "slammed",
        ),
        PERSONAL_POSSESSIVE,
        words(*BODY_PARTS),
    ],
    [
        words("poured pour pours pouring threw throws tipped chucked"),
        opt(ANY_OPT),
        opt(ANY_OPT),
        words("over on at"),
        opt(DET),
        opt(ADJ_OPT),
        words("him her them me", *PERSON_NOUNS),
    ],
    [words("as"), words("a"), words("punishment")],
    [
        words("tell tells told telling calls called calling"),
        words("him her them me us"),
        words("he she they he's she's they're i i'm"),
        opt(words("'s is was are 're were am 'm smells stinks")),
        opt(words("a an so too")),
        INSULTS,
    ],
    [
        words("refuse refuses refused refusing"),
        words("to"),
        words("speak talk look"),
        words("to at with"),
        words("him her them me us"),
    ],
    *with_object(MOCK_VERBS),
    [BE, opt(words("badly physically verbally repeatedly being being")), HIT_PARTICIPLES],
    [
        words("pushed shoved"),
        opt(words("him her me them")),
        words("over down away against off into onto"),
    ],
    [BE, words("pushed"), words("over down against off into onto by")],
    [VERBAL_VERBS, words("at in"), DET, opt(words("elderly other confused")), PERSON],
    [VERBAL_VERBS, words("at in"), words("him her me them us")],
    [
        words(*verb("call"), "called"),
        words("him her me them us residents patients"),
        words("names"),
    ],
    [
        words(*verb("call"), "called"),
        words("him her me them us"),
        words("a an fat lazy stupid"),
        opt(ANY_OPT),
        INSULTS,
    ],
    [words(*verb("laugh")), words("at"), DET, opt(ANY_OPT), PERSON],
    [words(*verb("laugh")), words("at"), words("him her me them us")],
    [
        words(*verb("film"), "filmed", "photographing", "photographed"),
        words("her him them residents patients"),
    ],
    [words(*verb("threaten")), words("to")],
    *with_object(words(*verb("threaten"))),
    [ABUSE_WORDS],
    [words("ill"), opt(words("-")), words("treated treatment treating")],
    [words("rough roughly"), words("handled handling with treated")],
    [words("is was are were"), words("rough"), words("and with")],
    [words(*verb("pull"), "pulled"), PERSONAL_POSSESSIVE, words("hair ears ear arm arms")],
    [words("pillow"), words("over"), PERSONAL_POSSESSIVE, words("face mouth")],
    [
        words(*verb("hold push force dunk"), "held", "pushed", "forced"),
        PERSONAL_POSSESSIVE,
        words("head face"),
        words("under into down against"),
    ],
    [
        words("to"),
        words("punish teach discipline scare frighten"),
        words("him her them me us residents patients a"),
    ],
    [
        words("threw throw throws throwing thrown"),
        ANY_OPT,
        ANY_OPT,
        ANY_OPT,
        ANY_OPT,
        words("at"),
        DET,
        opt(ANY_OPT),
        PERSON,
    ],
    [words("hitting lashing"), words("out"), words("at"), DET, PERSON],
]

# -- sexual abuse -----------------------------------------------------------------------------------------
SEXUAL_ABUSE: list[Pattern] = [
    [
        words("sexual sexually indecent indecently lewd"),
        words(
            "texts messages comments remarks advances abuse abused assault assaulted contact",
            "activity photos pictures images harassment harassed touching behaviour",
            "exploitation exploited inappropriate explicit jokes assaulting abusing exposure",
        ),
    ],
    [words("raped rape raping groped groping molested molesting molestation grooming groomed")],
    [
        words(*verb("touch"), "touched"),
        opt(words("her him them residents patients women")),
        opt(ANY_OPT),
        words("inappropriately sexually intimately"),
    ],
    [
        words("inappropriate inappropriately"),
        words("touching touched touch relationship photos messages comments sexual kissing contact"),
    ],
    [
        words(*verb("touch"), "touched"),
        PERSONAL_POSSESSIVE,
        words("breasts breast bottom bum private privates genitals crotch groin chest thighs"),
    ],
    [
        words("exposed exposing exposes flashed flashing"),
        words("himself herself themselves"),
    ],
    [
        words(*verb("touch"), "touched", "fondled", "fondling", "stroking", "stroked"),
        words("her him them residents patients"),
        words("under beneath inside"),
        opt(words("the her his their")),
        words("covers clothes nightie sheets blanket blankets duvet skirt dress top"),
    ],
    [
        opt(words("sexual inappropriate intimate romantic")),
        words("relationship relationships affair"),
        words("with"),
        opt(words("a one the two")),
        opt(words("of")),
        opt(words("the")),
        opt(words("vulnerable young female male")),
        words("resident residents patient patients client clients tenant tenants user users"),
    ],
    [
        words("kissed kissing kisses kiss"),
        PRONOUN_OBJ,
        words("on"),
        words("the her his"),
        words("lips mouth"),
    ],
    [
        words("kissed kissing kisses kiss"),
        DET,
        PERSON,
        words("on"),
        words("the her his"),
        words("lips mouth"),
    ],
    [
        words("get got getting climb climbed"),
        words("into"),
        words("bed"),
        words("with"),
        words("her him them"),
    ],
    [
        words("get got gets getting climb climbed climbs"),
        words("into in"),
        words("her his their"),
        words("bed"),
    ],
    [
        words("watch watches watched watching film filmed filming photograph photographed"),
        IN_SENTENCE,
        words("shower showering undress undressing undressed bathing naked changing toilet"),
    ],
    [
        words("comments remarks jokes"),
        words("about"),
        PERSONAL_POSSESSIVE,
        words("bodies body breasts bottom bum figure legs"),
    ],
    [
        words("hand hands"),
        words("up inside under down"),
        words("her his"),
        words("nightie nightdress skirt dress top trousers pyjamas clothes blouse"),
    ],
    [
        words("asking asked asks ask sending sent"),
        words("for"),
        opt(words("naked nude intimate")),
        words("photos pictures photographs images nudes selfies"),
    ],
]

# -- financial abuse --------------------------------------------------------------------------------------
BELONGINGS = words(
    "money cash savings pension wallet purse handbag jewellery jewelry necklace",
    "valuables belongings pounds £ earrings bracelet banknotes",
)
MISSING = words("missing vanished vanishing disappeared disappearing gone stolen taken")
FINANCIAL_ABUSE: list[Pattern] = [
    [
        BELONGINGS,
        opt(ANY_OPT),
        opt(ANY_OPT),
        opt(ANY_OPT),
        opt(HAVE),
        opt(words("all keep keeps kept been gone go")),
        MISSING,
    ],
    [
        BELONGINGS,
        IN_SENTENCE,
        opt(HAVE),
        opt(words("been gone")),
        words("missing vanished disappeared stolen"),
    ],
    [
        words("wedding engagement bank debit credit"),
        words("ring rings card cards"),
        opt(ANY_OPT),
        opt(HAVE),
        opt(words("all keep keeps been")),
        MISSING,
    ],
    [words("stole stolen steal steals stealing theft thieving pinched nicked")],
    [
        words(*verb("use"), "used"),
        PERSONAL_POSSESSIVE,
        opt(words("client client's bank debit credit mum's dad's")),
        opt(words("'s bank debit credit")),
        words("card cards pin account money"),
    ],
    [
        words(*verb("use"), "used"),
        opt(DET),
        PERSON,
        words("'s ’s"),
        opt(words("bank debit credit")),
        words("card cards pin account money cheque chequebook"),
    ],
    [
        words("took taken take takes taking had"),
        PERSONAL_POSSESSIVE,
        opt(words("bank debit credit")),
        words("card pin"),
    ],
    [words("withdrawals withdrawal withdrew withdrawing"), words("from at of")],
    [words("cash"), words("withdrawals withdrawal")],
    [
        words("sign signed signing signs"),
        words("over"),
        PERSONAL_POSSESSIVE,
        words("savings house money pension property home account"),
    ],
    [
        words("lend lent borrow borrowed borrowing loan loaned"),
        words("her him them the a"),
        opt(words("carer worker staff")),
        opt(ANY_OPT),
        opt(ANY_OPT),
        words("pounds £ money thousand hundred grand cash"),
    ],
    [
        words("asking asked asks ask pressured pressuring"),
        words("her him them residents my mum dad"),
        opt(ANY_OPT),
        words("for"),
        words("money cash loans loan gifts"),
    ],
    [
        words("payments payment transfers transfer money"),
        words("to"),
        DET,
        opt(words("carer worker staff")),
        opt(words("'s ’s member")),
        opt(words("personal own private")),
        words("account accounts"),
    ],
    [
        words("charged billed billing charging invoiced paying paid"),
        IN_SENTENCE,
        words("never not n't"),
        opt(words("even")),
        words("had received got used ordered attended went happened have"),
    ],
    [
        words("selling sold sell sells pawned pawning"),
        PERSONAL_POSSESSIVE,
        words("things belongings house possessions furniture car jewellery home stuff property"),
    ],
    [
        words("money pounds cash £"),
        words("comes came coming taken goes went withdrawn"),
        words("out"),
    ],
    [words("cash"), words("machine machines point withdrawals")],
    [words("financial financially"), words("abuse abused exploitation exploited abusing")],
]
