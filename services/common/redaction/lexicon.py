"""Word lists for rule-based person-name redaction (no pretrained NER is published on PyPI by its authors).

FIRST_NAMES: common given names in England and Wales (ONS baby-name tables over several decades, written
out by hand). AMBIGUOUS_NAMES are also ordinary words or months; they count as names only with context
(a title, "my mum ...", "called ..."). NOT_NAMES are capitalised words that must never be taken for a name.
ROLES, RELATIONS and TITLES are the words a name follows ("Caller Margaret Brown", "my mum Edna",
"Dr Okonkwo"); PLACE_WORDS end the names of places and services ("Florence Ward", "George Eliot Hospital").
"""

from __future__ import annotations

FIRST_NAMES: frozenset[str] = frozenset(
    """
    aaron abbie abdul abigail adam adrian agnes ahmed aidan aileen aisha alan alastair albert alex alexander
    alexandra alfie alfred ali alice alison allan amanda amber amelia amir amy andrea andrew andy angela
    angus ann anna anne annette annie anthony antonio archie arthur ashley audrey ava barbara barry beatrice
    becky ben benjamin bernard beryl beth bethany betty beverley billy brenda brian bridget bryan callum
    calum cameron carl carol carole caroline carly catherine cath cathy charlie charles charlotte chelsea
    cheryl chloe chris christian christina christine christopher claire clare colin connor craig daisy
    dale damian daniel danielle danny darren dave david dean debbie deborah declan denise dennis derek diana
    diane dominic donald donna doris dorothy dylan edith edward eileen elaine eleanor elizabeth ella ellie
    elsie emily emma eric ethan evelyn fatima fiona francesca francis freya gail gareth gary gavin gemma
    geoff geoffrey george georgia gerald gillian glen glenn glenys gordon graham greg gregory hannah harold
    harriet harry harvey hassan hayley heather helen henry hilda holly howard hugh iain ian irene isaac
    isabel isabella isla jackie jacob jacqueline jade jake james jamie jan jane janet janice jasmine jason
    jayden jean jeff jeffrey jennifer jenny jeremy jessica jill jim jimmy joan joanna joanne jodie joe joel
    john jon jonathan jordan joseph josh joshua joyce judith judy julia julie justin karen kate katherine
    kathleen kathryn katie katy kay keith kelly kenneth kerry kevin kieran kim kirsty kyle laura lauren
    lee leah leanne leo leon leslie lesley lewis liam lily linda lindsay lisa logan lois lorraine louis
    louise lucy luke lydia lynn lynne maisie malcolm mandy margaret maria marie marion marjorie martin
    martha mary matthew matt maureen max megan melanie melissa michael michelle mick mike mildred millie
    mohammed mohammad muhammad molly morgan nadia nancy naomi natalie nathan neil niall nicholas nicky
    nicola nigel noah norman oliver olivia oscar owen pamela patricia patrick paul paula pauline peter
    philip phillip phoebe polly rachel raymond rebecca reece rhys richard rita rob robert robin robyn
    rosemary ross ruby ruth ryan sadie sally samantha sam samuel sandra sarah scott sean shane sharon
    shaun sheila shirley sian simon sophie stacey stanley stella stephanie stephen steve steven stuart
    susan suzanne sylvia tanya teresa terry thomas tim timothy tina toby tom tommy tony tracey tracy trevor
    valerie vanessa vera vicky victor vincent wayne wendy william yasmin yvonne zachary zara zoe
    priya raj ravi sanjay anil deepak sunita amrit gurpreet harpreet jaspreet sandeep imran omar yusuf
    zainab kwame kofi chidi ngozi tunde wei chen piotr agnieszka marta tomasz katarzyna andrzej ioana elena
    mihai bogdan anita usha asif bilal hamza ayesha sana nasreen shabana
    kev steph jen jo bex liz bev pam val mo del baz gaz ken ron reg les sid stan bert alf wilf
    """.split()  # noqa: SIM905 - a word list reads best as text
)

AMBIGUOUS_NAMES: frozenset[str] = frozenset(
    """
    will may june april august grace hope faith joy dawn rose mark bill pat sue jack frank summer autumn
    florence victoria albert ruby amber holly heather iris ivy daisy lily hazel olive crystal charity
    """.split()  # noqa: SIM905 - a word list reads best as text
)

# Capitalised words that must never be redacted as names (ratings, places, services, wards, days...).
NOT_NAMES: frozenset[str] = frozenset(
    """
    good outstanding inadequate requires improvement excellent great brilliant fantastic thank thanks
    nhs cqc gp a&e ae ward unit hospital trust ambulance paramedic paramedics nurse nurses doctor doctors
    staff team service services care home centre clinic surgery practice pharmacy council
    oldham devon kent london manchester leeds newcastle sunderland durham northampton northamptonshire
    kettering corby wellingborough gateshead middlesbrough darlington hartlepool stockton
    monday tuesday wednesday thursday friday saturday sunday january february march september october
    november december christmas easter covid i the a an my our their his her we they you he she it
    reception receptionist customer customers patient patients advice pals healthwatch social services
    someone somebody anyone everyone nobody them him us me management manager managers switchboard
    triage control call handler crew
    in into on at to for of with by from is was are were has had have and or but not so as law issues
    problems needs mr mrs ms miss mx dr prof sir madam english british redacted i've i'm i'd i'll if
    """.split()  # noqa: SIM905 - a word list reads best as text
)

RELATIONS: tuple[str, ...] = (
    "mum",
    "mother",
    "mam",
    "mom",
    "dad",
    "father",
    "husband",
    "wife",
    "son",
    "daughter",
    "partner",
    "sister",
    "brother",
    "nan",
    "nana",
    "nanna",
    "gran",
    "granny",
    "grandma",
    "grandad",
    "grandpa",
    "grandmother",
    "grandfather",
    "aunt",
    "auntie",
    "aunty",
    "uncle",
    "friend",
    "carer",
    "nephew",
    "niece",
    "neighbour",
    "cousin",
    "fiance",
    "fiancee",
    "boyfriend",
    "girlfriend",
    "baby",
    "child",
    "grandson",
    "granddaughter",
    "stepdad",
    "stepmum",
    "colleague",
    "manager",
    "nurse",
    "paramedic",
    "doctor",
    "consultant",
    "receptionist",
    "carer",
    "driver",
    "handler",
    "technician",
    "worker",
    "therapist",
    "physio",
    "midwife",
    "crew",
    "keyworker",
)

TITLES: tuple[str, ...] = (
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Mx",
    "Dr",
    "Doctor",
    "Nurse",
    "Sister",
    "Matron",
    "Prof",
    "Professor",
    "Rev",
    "Reverend",
    "Sir",
    "Dame",
    "Lady",
    "Lord",
    "Father",
    "Paramedic",
    "Midwife",
    "Councillor",
    "Cllr",
    "Auntie",
    "Aunty",
    "Uncle",
    "Nanna",
    "Nana",
    "Granny",
    "Grandad",
)

# Roles a name follows in notes and feedback ("Caller Margaret Brown", "Registered manager Karen Holt").
ROLES: frozenset[str] = frozenset(
    """
    caller whistleblower relative patient resident client complainant informant contact advocate visitor
    manager carer nurse midwife paramedic consultant surgeon doctor gp physio physiotherapist therapist
    pharmacist dentist receptionist inspector officer councillor solicitor chef porter cleaner housekeeper
    cook driver handler technician assistant hca worker coordinator co-ordinator lead user member student
    director owner proprietor supervisor administrator secretary volunteer interpreter keyworker
    """.split()  # noqa: SIM905 - a word list reads best as text
)

# Lower-case words inside a name: "Mariana da Silva", "Dr Van der Merwe", "Mohammed bin Salman".
PARTICLES: frozenset[str] = frozenset(
    "da de del della der di do dos du la le van von den ter bin bint ibn al el ben ap y".split()  # noqa: SIM905
)

# A capitalised word followed by one of these names a place or a service, not a person.
PLACE_WORDS: frozenset[str] = frozenset(
    """
    ward unit house hospital hospitals hospice infirmary centre center court lodge road street lane avenue
    close drive way park place surgery practice medical health clinic suite wing block building hall
    gardens grange manor trust team service services care nursing home homes village green hill square
    terrace crescent mews ambulance general royal university college school station bay room theatre
    department dept pharmacy chemist chemists partnership group limited ltd plc council borough city county
    district estate road foundation church chapel mosque temple library hotel palace prison airport
    """.split()  # noqa: SIM905 - a word list reads best as text
)

# Words after which a capitalised word is taken as a name ("called Steve", "spoke to Hassan").
NAMING_CUES: tuple[str, ...] = ("called", "named", "name is", "name was", "name", "known as")
THANKING_CUES: tuple[str, ...] = (
    "thanks to", "thank you to", "thank you", "thank u", "thanks", "cheers", "shoutout to", "shout out to",
    "spoke to", "spoke with", "talked to", "speak to", "ask for", "mention for", "mention to", "on to",
    "helped by", "seen by", "reported by", "made by", "treated by", "looked after by", "examined by",
    "raised by", "supported by", "visited by", "behalf of",
)  # fmt: skip
# Words after a single capitalised word that say it is a person ("Zofia was the only one who listened").
PERSON_PREDICATES: frozenset[str] = frozenset(
    """
    was is has had said says told explained helped stayed went gave made came took listened sorted looked
    rang called asked did does never always shouted refused visits visited deserves needs wants
    """.split()  # noqa: SIM905 - a word list reads best as text
)
