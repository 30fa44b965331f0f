"""Severity patterns for dangerous places, closed cultures, serious harm and deaths, safeguarding and
unsafe staffing.

Token patterns on LOWER; see `severity_patterns.py` for how acts and outcomes are used.
"""

from __future__ import annotations

from services.classify.pipeline.severity_lexicon import (
    ANY_OPT,
    BODY_PARTS,
    IN_SENTENCE,
    NOT,
    PERSONAL_POSSESSIVE,
    Pattern,
    opt,
    words,
)

# -- environmental danger ---------------------------------------------------------------------------------
ENVIRONMENTAL_DANGER: list[Pattern] = [
    [
        words("fire"),
        words("door doors"),
        opt(words("are is was were kept being left always")),
        opt(words("propped wedged held tied left being")),
        words("open propped wedged broken"),
    ],
    [
        words("fire"),
        words("exit exits escape escapes door doors route routes"),
        IN_SENTENCE,
        words("blocked locked obstructed chained padlocked"),
    ],
    [
        words("blocked obstructed locked chained"),
        words("fire"),
        words("exit exits escape escapes door doors"),
    ],
    [
        words("fire smoke"),
        words("alarm alarms detector detectors panel"),
        IN_SENTENCE,
        words("fault faulty broken disabled disconnected removed working tested beeping out covered"),
    ],
    [words("batteries battery"), words("taken removed"), words("out from")],
    [
        words("extinguisher extinguishers"),
        opt(ANY_OPT),
        opt(ANY_OPT),
        opt(ANY_OPT),
        words("empty missing expired removed"),
    ],
    [words("ligature"), words("points point risks risk")],
    [words("no"), words("restrictor restrictors")],
    [words("window windows"), IN_SENTENCE, words("opens open opened"), words("fully wide all")],
    [
        words("window"),
        words("restrictors restrictor locks lock"),
        IN_SENTENCE,
        words("broken missing removed faulty not"),
    ],
    [words("scalding scalded scald scalds")],
    [words("no"), words("thermostat thermostatic thermostats")],
    [
        words("chemicals bleach cleaning substances coshh"),
        ANY_OPT,
        opt(ANY_OPT),
        opt(ANY_OPT),
        opt(ANY_OPT),
        opt(ANY_OPT),
        words("unlocked unsecured accessible lying left out"),
    ],
    [
        words("unlocked open"),
        words("sluice cupboard clinic treatment"),
        opt(words("room rooms")),
    ],
    [words("sluice"), words("room"), words("was is left"), words("unlocked open")],
    [
        words("exposed bare live loose hanging"),
        opt(words("electrical electric live")),
        words("wires wiring cables sockets"),
    ],
    [
        words("door doors gate gates keypad keypads exit exits"),
        IN_SENTENCE,
        NOT,
        words("lock locks locking close closes shut shuts latch"),
    ],
    [
        words("found seen spotted picked"),
        opt(words("up")),
        words("wandering walking lying outside out"),
        IN_SENTENCE,
        words("road roads street motorway car night rain cold snow"),
    ],
    [words("too"), words("hot"), words("to"), words("touch")],
    [
        words("radiators radiator heaters heater pipes"),
        IN_SENTENCE,
        words("no"),
        words("covers guards cover guard"),
    ],
    [NOT, words("be"), words("evacuated")],
    [
        words("evacuation"),
        words("chair chairs plan route routes sledge mat"),
        IN_SENTENCE,
        words("locked broken missing blocked"),
    ],
    [
        words("access"),
        words("to"),
        opt(words("the their his her")),
        opt(ANY_OPT),
        words("belts shoelaces cords razors blades knives ligatures sharps ropes scissors cables"),
    ],
    [words("hooks hook"), words("on"), words("the"), words("back")],
    [words("gate stairgate gates"), IN_SENTENCE, words("broken missing unlocked faulty")],
    [words("gas"), words("leak leaking smell")],
    [words("carbon"), words("monoxide")],
    [words("legionella")],
    [
        words("fire"),
        words("risk hazard trap safety"),
        words("risk hazard breach breaches failures"),
    ],
    [words("death"), words("trap")],
    [
        words("hoist hoists bed rails"),
        opt(ANY_OPT),
        opt(ANY_OPT),
        words("broken faulty unsafe condemned unserviced"),
    ],
]

# -- closed culture ---------------------------------------------------------------------------------------
SPEAK_UP = words(
    "speak raise report say complain tell whistleblow challenge question speaking",
    "raising reporting saying complaining telling",
)
CLOSED_CULTURE: list[Pattern] = [
    [
        words("afraid frightened scared terrified fearful petrified fear"),
        opt(words("of")),
        opt(words("the our their")),
        opt(words("manager management owner repercussions reprisals")),
        words("to"),
        SPEAK_UP,
    ],
    [
        words("afraid frightened scared terrified fear"),
        words("of"),
        words("losing being getting reprisals repercussions retaliation victimisation"),
    ],
    [words("nobody noone one"), words("dares dare dared")],
    [words("dare dared daren't"), opt(words("not n't")), SPEAK_UP],
    [
        words("lose losing lost cut reduced"),
        opt(PERSONAL_POSSESSIVE),
        words("shifts job jobs hours"),
    ],
    [
        words("hours shifts"),
        words("were was got have been"),
        opt(words("been")),
        words("cut reduced stopped"),
    ],
    [
        words("keep kept keeping"),
        words("it things this quiet everything"),
        words("in"),
        words("house -"),
    ],
    [words("dealt"), words("with"), words("internally in-house")],
    [
        words("asked told warned pressured instructed"),
        words("me us staff them him her"),
        words("not"),
        words("to"),
        words("report write record tell say mention complain speak contact"),
    ],
    [
        words("told instructed warned"),
        words("not"),
        words("to"),
        words("write record report document tell mention"),
    ],
    [
        words("torn tore tearing shredded binned destroyed"),
        words("up"),
        opt(words("the our incident")),
        words("incident forms reports records"),
    ],
    [
        words("forms reports records notes"),
        words("get are were being got"),
        opt(words("being")),
        words("torn shredded destroyed binned changed altered rewritten deleted"),
    ],
    [
        words("records notes charts chart mar numbers figures paperwork logs"),
        opt(words("are were was is")),
        opt(words("being been")),
        words("changed altered rewritten falsified amended doctored backdated fabricated re written"),
    ],
    [words("falsify falsified falsifying falsification fabricated fabricating doctored backdated")],
    [words("cover covered covering covers"), opt(words("-")), words("up ups")],
    [
        words("bans banned ban banning barred bars"),
        words("them us me him her families relatives visitors family from"),
    ],
    [words("mind"), words("our your my their"), words("own"), words("business")],
    [words("whistleblower whistleblowers whistle-blower")],
    [
        words("i we"),
        opt(words("am 'm ’m are")),
        words("blowing blew"),
        words("the"),
        words("whistle"),
    ],
    [
        words(
            "bullied victimised victimized targeted punished sacked disciplined dismissed",
            "suspended ostracised",
        ),
        words("since after for because"),
        opt(words("i we she he they")),
        words("raised raising reported reporting spoke speaking complained complaining whistleblowing"),
    ],
    [words("culture"), words("of"), words("fear silence bullying secrecy intimidation")],
    [
        words("threatened warned threatening"),
        words("with"),
        opt(words("the a")),
        words("sack sacking disciplinary dismissal losing the"),
    ],
    [words("what"), words("happens"), IN_SENTENCE, words("stays")],
    [
        words("anyone anybody whoever those staff"),
        words("who"),
        words(
            "talks talk speaks speak complains complain reports report raises raise questions",
            "challenges whistleblows tells says",
        ),
    ],
    [
        words("told asked instructed made ordered"),
        opt(words("us me staff them everyone")),
        words("to"),
        words("hide lie conceal delete destroy pretend shred bin"),
    ],
    [words("closed"), words("culture")],
    [
        words("write wrote written writes record recorded records sign signed signs claim claims claimed"),
        IN_SENTENCE,
        words("done checked given carried turned repositioned fed washed changed happened"),
        IN_SENTENCE,
        words("but"),
        IN_SENTENCE,
        words("nobody noone never n't not camera cctv footage"),
    ],
]

# -- serious harm (needs fault) ---------------------------------------------------------------------------
SERIOUS_HARM_ACTS: list[Pattern] = [
    [
        words("tried attempted try trying attempt attempting"),
        words("to"),
        words("hang kill strangle drown end"),
    ],
    [
        words("grade category stage"),
        words("3 4 three four"),
        words("pressure bed"),
        words("sore sores ulcer ulcers damage"),
    ],
    [
        words("slipped fell dropped slid tipped"),
        words("out"),
        words("of"),
        opt(words("the a his her")),
        words("sling hoist wheelchair stretcher"),
    ],
    [words("ligatured ligaturing")],
    [words("never"), words("event events")],
    [words("serious"), words("incident incidents"), words("investigation review report")],
]
SERIOUS_HARM_OUTCOMES: list[Pattern] = [
    [words("choked choking chokes"), words("on")],
    [words("massive major severe bad serious"), words("stroke")],
    [words("can could"), words("no"), words("longer"), words("speak walk talk swallow see move")],
    [words("intensive"), words("care")],
    [words("suicide suicidal"), words("attempt attempts attempted")],
    [words("attempted"), words("suicide")],
    [
        words("broke broken fractured fracturing cracked breaking"),
        PERSONAL_POSSESSIVE,
        words(*BODY_PARTS),
    ],
    [words("broken fractured"), words(*BODY_PARTS)],
    [words("fracture fractures fractured")],
    [
        words("serious seriously severe severely significant permanent life-changing catastrophic life"),
        opt(words("-")),
        words("harm harmed injury injuries injured hurt damage burns changing threatening"),
    ],
    [words("head brain spinal"), words("injury injuries injured bleed damage")],
    [
        words("bleed bleeding haemorrhage"),
        words("on in"),
        words("the his her"),
        words("brain"),
    ],
    [words("landed fell"), words("on"), PERSONAL_POSSESSIVE, words("head face")],
    [words("choked choking chokes aspirated aspiration")],
    [words("sepsis septic")],
    [words("intensive"), words("care")],
    [words("icu itu resus resuscitated resuscitation unconscious unresponsive collapsed coma")],
    [
        words("rushed blue blued"),
        words("to into lighted"),
        opt(words("the a")),
        words("hospital a&e resus hospitals"),
    ],
    [
        words("ended end ends"),
        words("up"),
        words("in"),
        opt(words("the a")),
        words("hospital a&e intensive icu"),
    ],
    [words("emergency"), words("surgery operation")],
    [words("burst"), words("appendix")],
    [words("lost losing"), words("the"), words("use"), words("of")],
    [words("amputated amputation amputate amputations")],
    [
        words("lost losing"),
        PERSONAL_POSSESSIVE,
        words("sight leg foot eye arm hearing toes baby"),
    ],
    [
        words("born"),
        words("with"),
        opt(words("brain permanent severe")),
        words("damage injuries injury disabilities"),
    ],
    [words("burned burnt burns")],
    [words("stroke heart seizure fit"), words("was"), words("missed ignored")],
    [
        words("fell falls fall fallen falling"),
        opt(ANY_OPT),
        opt(ANY_OPT),
        opt(ANY_OPT),
        opt(ANY_OPT),
        words("broke broken fractured cracked hit banged head hip"),
    ],
]

# -- deaths (outcomes need fault) -------------------------------------------------------------------------
DEATH_ACTS: list[Pattern] = [
    [
        words("took take taken taking"),
        words("his her their my"),
        words("own"),
        words("life lives"),
    ],
    [words("killed manslaughter homicide")],
    [words("found"), words("dead deceased lifeless")],
    [
        words("preventable avoidable unexpected unexplained sudden needless"),
        words("death deaths dying"),
    ],
    [
        words("death deaths died passing"),
        words("could should might"),
        words("have"),
        words("been"),
        words("prevented avoided"),
    ],
    [words("would could might"), words("still"), words("be"), words("alive here with")],
    [words("coroner inquest coroner's inquests")],
    [words("hanged hung drowned strangled killed"), words("himself herself themselves")],
    [
        words("died dying death"),
        words("of from with"),
        opt(words("severe untreated infected")),
        words("pressure bed dehydration malnutrition neglect starvation bedsores"),
    ],
]
DEATH_OUTCOMES: list[Pattern] = [
    [words("suicide suicides")],
    [words("died dying dies die death deaths dead deceased fatal fatality fatalities")],
    [words("passed passing"), words("away")],
    [words("lost losing"), words("his her their my"), words("life")],
]

# -- safeguarding -----------------------------------------------------------------------------------------
AUTHORITIES = words("police safeguarding council cqc services care authority lado team mash")
SAFEGUARDING: list[Pattern] = [
    [
        words("safeguarding"),
        words(
            "referral referrals alert alerts concern concerns enquiry enquiries investigation",
            "investigations report issue issues incident incidents matter matters",
        ),
    ],
    [
        words("safeguarding"),
        words("team lead are is have has"),
        words("investigating involved looking been informed called notified"),
    ],
    [
        words("raised raise raising made make making submitted logged opened open opening start started"),
        words("a an two the"),
        opt(words("formal urgent adult")),
        words("safeguarding"),
    ],
    [
        words("reported reporting report referred refer told informed contacted called"),
        opt(words("it this them him her the what everything")),
        opt(words("incident happened")),
        words("to"),
        words("the"),
        opt(words("local")),
        words("police safeguarding council lado"),
    ],
    [
        words("police"),
        words("were was have had are"),
        opt(words("been")),
        words("called informed involved contacted investigating notified"),
    ],
    [
        words("called phoned rang contacted informed alerted"),
        opt(words("the")),
        words("police"),
    ],
    [
        words("adult social children's"),
        words("social services care"),
        opt(words("care services")),
        opt(words("has have are")),
        opt(words("been")),
        words("told informed involved investigating called notified alerted opened"),
    ],
    [
        words("at"),
        words("risk"),
        words("of"),
        words("harm abuse exploitation neglect significant"),
    ],
    [words("exploited exploiting exploitation trafficked trafficking")],
    [words("modern"), words("slavery")],
    [words("allegation allegations"), words("about of against that")],
    [
        words("removed moved"),
        IN_SENTENCE,
        words("residents patients people clients him her them"),
        words("from"),
        words("the"),
        words("home service unit ward"),
    ],
    [words("i"), words("'m am ’m"), words("reporting"), words("this it a an")],
    [
        words("reported raised referred escalated phoned contacted rang told alerted"),
        IN_SENTENCE,
        words("safeguarding police lado"),
    ],
]

# -- unsafe staffing (explicit danger only) ---------------------------------------------------------------
UNSAFE_STAFFING: list[Pattern] = [
    [
        words("dangerously unsafely dangerous"),
        opt(words("low short understaffed under")),
        words("staffed staffing low short understaffed levels"),
    ],
    [words("unsafe dangerous"), words("staffing staff levels numbers")],
    [
        words("one 1 two 2 only just single lone a"),
        opt(words("one trained qualified 1 single agency")),
        opt(words("trained qualified agency")),
        words("carer carers nurse nurses staff worker member"),
        opt(words("of")),
        opt(words("staff")),
        words("for to looking covering"),
        opt(words("after")),
        opt(words("the all over")),
        opt(words("whole")),
        words("10 12 15 18 20 25 28 30 35 40 50 60 twenty thirty forty fifty floor ward unit home building"),
    ],
    [
        words("hoisted hoisting moved transferred turned"),
        words("by"),
        words("one"),
        opt(words("carer person member staff")),
    ],
    [words("never"), words("worked"), words("in"), opt(words("a")), words("care healthcare nursing")],
    [
        words("not"),
        words("enough"),
        words("staff carers nurses"),
        words("to"),
        words("keep"),
        opt(words("people residents patients anyone them us")),
        words("safe"),
    ],
]
