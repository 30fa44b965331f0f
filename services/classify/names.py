"""Name lists for rule-based person-name redaction (no pretrained NER is available offline).

FIRST_NAMES: common given names in England and Wales (ONS baby-name tables over several decades, written
out by hand). AMBIGUOUS_NAMES are also ordinary words or months; they count as names only with context
(a title, "my mum ...", "called ..."). NOT_NAMES are capitalised words that must never be taken for a name.
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
    problems needs mr mrs ms miss mx dr prof sir madam
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
