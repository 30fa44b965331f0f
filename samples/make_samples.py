"""Build the sample input files in samples/ reproducibly (fixed seed) from real data in ../shared/data.

Comment text is real patient feedback (pxtextmining, NHS England, MIT licence); locations, providers and
ratings are real CQC records (Open Government Licence v3). Personal details added to call-centre notes
and social posts are invented (Ofcom drama phone ranges, example.* mail domains, checksum-valid but
fictitious NHS numbers) so that downstream redaction has something to find.

    python samples/make_samples.py [--data ../shared/data] [--anchor 2026-11-16]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

SEED = 20261116
HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"
SAFEGUARDING = re.compile(
    r"\b(abus\w*|neglect\w*|safeguard\w*|assault\w*|bruis\w*|shout\w*|soiled|unsafe|frightened|scared|"
    r"handcuff\w*|humiliat\w*|dignity|restrain\w*)\b",
    re.IGNORECASE,
)
AREAS = ["Oldham", "Manchester", "Devon", "Kent", "Leeds", "Birmingham", "Camden"]
CQC_API_SAMPLE_IDS = [
    "1-117977107", "1-2951007475", "1-6321709131", "1-10431632228", "1-1221269650", "1-122386733",
    "1-12334007070", "1-124424838", "1-12032311355", "1-12937815172",
]  # fmt: skip
FIRST_NAMES = [
    "Margaret", "Susan", "Janet", "Patricia", "Linda", "Barbara", "Christine", "Helen", "Sarah", "Joanne",
    "John", "David", "Michael", "Peter", "Robert", "Alan", "Brian", "Keith", "Gary", "Paul", "Aisha",
    "Mohammed", "Priya", "Tariq", "Olumide", "Grace", "Wei", "Zofia", "Ewan", "Siobhan",
]  # fmt: skip
SURNAMES = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Khan", "Patel", "Begum",
    "Hussain", "Okafor", "Nowak", "Campbell", "Murphy", "O'Brien", "Kaur", "Ali", "Clarke",
]  # fmt: skip
RELATIONS = ["daughter", "son", "wife", "husband", "niece", "neighbour", "granddaughter", "brother"]
AREA_PHONES = {
    "Oldham": "0161 496 0",
    "Manchester": "0161 496 0",
    "Leeds": "0113 496 0",
    "Camden": "020 7946 0",
}
CONTACT_TYPES = [
    "member_of_public", "relative_or_carer", "relative_or_carer", "staff_or_whistleblower", "professional",
]  # fmt: skip
GIVERS = ["Patient", "Relative or carer", "Member of the public", "Patient", "Carer", "Staff", "Professional"]
SERVICE_TYPES = {"Dentist": "Dentist", "Doctors/GPs": "GP practice", "Homecare agencies": "Home care"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--anchor", type=date.fromisoformat, default=date(2026, 11, 16), help="latest sample date"
    )
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    rng = random.Random(SEED)
    anchor = datetime.combine(args.anchor, datetime.min.time(), tzinfo=UTC) + timedelta(hours=17)
    comments = _comments(args.data)
    services = _services(args.data)
    _write_cqc_samples(args.data, args.out)
    _write_healthwatch(rng, comments, services, anchor, args.out)
    _write_call_centre(rng, comments, services, anchor, args.out)
    _write_social(rng, comments, services, anchor, args.out)


def _comments(data: Path) -> dict[str, list[tuple[str, int]]]:
    """Real comments split into 'safeguarding', 'negative', 'positive', with a 1-5 star estimate."""
    found: dict[str, list[tuple[str, int]]] = {"safeguarding": [], "negative": [], "positive": []}
    with (data / "pxtextmining_phase1.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text, given = row["feedback"].strip(), row["criticality"].strip()
            critical = int(float(given)) if given.lstrip("-").isdigit() else 0
            stars = (
                1
                if critical <= -3
                else 2
                if critical < 0
                else 3
                if critical == 0
                else 4
                if critical < 3
                else 5
            )
            _sort_comment(found, text, stars)
    with (data / "pxtextmining_v6_train.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            sentiment = row["Comment sentiment"].strip()
            stars = 6 - int(float(sentiment)) if sentiment.isdigit() else 3
            _sort_comment(found, row["FFT answer"].strip(), stars)
    return found


def _sort_comment(found: dict[str, list[tuple[str, int]]], text: str, stars: int) -> None:
    if not 40 <= len(text) <= 700 or "REDACTED" in text:
        return
    if SAFEGUARDING.search(text) and stars <= 3:
        found["safeguarding"].append((text, stars))
    else:
        found["negative" if stars <= 2 else "positive"].append((text, stars))


def _services(data: Path) -> dict[str, list[dict[str, str]]]:
    """Real locations per area: Oldham from the API sample, the others from the care directory."""
    by_area: dict[str, list[dict[str, str]]] = {area: [] for area in AREAS}
    for record in json.loads((data / "cqc" / "cqc_api_locations_sample.json").read_text(encoding="utf-8")):
        if record.get("registrationStatus") == "Registered":
            by_area["Oldham"].append(
                {
                    "name": record["name"],
                    "location_id": record["locationId"],
                    "provider_id": record["providerId"],
                    "postcode": record["postalCode"],
                    "type": record.get("type", ""),
                }  # fmt: skip
            )
    with (data / "cqc" / "cqc_directory_sample.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            area = row["Local authority"]
            if area in by_area and area != "Oldham":
                by_area[area].append(
                    {
                        "name": row["Name"].strip(),
                        "location_id": row["CQC Location ID (for office use only)"],
                        "provider_id": row["CQC Provider ID (for office use only)"],
                        "postcode": row["Postcode"],
                        "type": row["Service types"].split(",")[0],
                    }  # fmt: skip
                )
    return by_area


def _write_cqc_samples(data: Path, out: Path) -> None:
    records = json.loads((data / "cqc" / "cqc_api_locations_sample.json").read_text(encoding="utf-8"))
    chosen = [record for record in records if record["locationId"] in CQC_API_SAMPLE_IDS]
    (out / "cqc_locations.json").write_text(
        json.dumps(chosen, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    with (data / "cqc" / "cqc_directory_sample.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [row for row in reader if row[header.index("Local authority")] in AREAS or len(header) == 0]
    with (out / "cqc_directory.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _when(rng: random.Random, anchor: datetime) -> datetime:
    """A time in the 180 days up to the anchor, in working hours."""
    day = anchor - timedelta(days=rng.randint(0, 180))
    return day.replace(hour=rng.randint(8, 19), minute=rng.randint(0, 59), second=0)


def _pick_comment(rng: random.Random, comments: dict[str, list[tuple[str, int]]], safeguarding_share: float):
    kind = (
        "safeguarding"
        if rng.random() < safeguarding_share
        else rng.choice(["negative", "negative", "positive"])
    )
    return kind, rng.choice(comments[kind])


def _stamp(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _phone(rng: random.Random, area: str) -> str:
    prefix = AREA_PHONES.get(area)
    return (
        f"{prefix}{rng.randint(0, 999):03d}"
        if prefix and rng.random() < 0.5
        else f"07700 900{rng.randint(0, 999):03d}"
    )


def _email(rng: random.Random, name: str) -> str:
    first, last = name.lower().replace("'", "").split(" ", 1)
    return f"{first}.{last}{rng.randint(1, 99)}@{rng.choice(['example.com', 'example.org', 'example.net'])}"


def _nhs_number(rng: random.Random) -> str:
    """A fictitious NHS number with a valid modulus-11 check digit, formatted 3-3-4."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            number = "".join(map(str, digits)) + str(check)
            return f"{number[:3]} {number[3:6]} {number[6:]}"


def _write_healthwatch(rng, comments, services, anchor, out: Path) -> None:
    rows = []
    for number in range(1, 201):
        area = rng.choice(AREAS)
        service = rng.choice(services[area])
        _, (text, stars) = _pick_comment(rng, comments, 0.12)
        known = service["location_id"] and rng.random() < 0.8
        rows.append(
            {
                "feedback_id": f"HW-{area[:3].upper()}-{number:05d}",
                "healthwatch_area": f"Healthwatch {area}",
                "service_name": service["name"],
                "cqc_location_id": service["location_id"] if known else "",
                "service_type": SERVICE_TYPES.get(service["type"], service["type"]),
                "feedback_date": _when(rng, anchor).date().isoformat(),
                "star_rating": stars if rng.random() < 0.9 else "",
                "feedback_text": text,
                "feedback_from": rng.choice(GIVERS),
            }
        )
    rows.sort(key=lambda row: row["feedback_date"])
    with (out / "healthwatch_feedback.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[:150])
    as_json = [
        {**row, "star_rating": row["star_rating"] or None, "cqc_location_id": row["cqc_location_id"] or None}
        for row in rows[150:]
    ]
    (out / "healthwatch_feedback.json").write_text(
        json.dumps(as_json, indent=1, ensure_ascii=False) + "\n", "utf-8"
    )


def _note(
    rng: random.Random, contact_type: str, area: str, service: dict[str, str], text: str, kind: str
) -> str:
    name, resident = _person(rng), _person(rng)
    phone = _phone(rng, area)
    quoted = text.replace("\n", " ")
    if contact_type == "relative_or_carer":
        opening = (f"Caller {name} ({rng.choice(RELATIONS)} of {resident}, NHS number {_nhs_number(rng)}) "
                   f"rang about {service['name']}. They say: \"{quoted}\"")  # fmt: skip
    elif contact_type == "staff_or_whistleblower":
        opening = (f"Member of staff at {service['name']} (asked us not to share their name; "
                   f"call back on {phone}) "
                   f"raised concerns: \"{quoted}\"")  # fmt: skip
    elif contact_type == "professional":
        opening = (f"{rng.choice(['District nurse', 'Social worker', 'GP'])} {name} ({_email(rng, name)}) "
                   f"contacted us regarding a patient at {service['name']}, "
                   f"postcode {service['postcode']}: \"{quoted}\"")  # fmt: skip
    else:
        opening = f'Member of the public {name}, tel {phone}, email {_email(rng, name)}, told us: "{quoted}"'
    if kind == "safeguarding":
        closing = f" Safeguarding referral made to {area} council adult social care; inspector informed."
    else:
        closing = rng.choice(
            [" Advised how to complain to the provider.", " Information passed to the inspection team.",
             " Signposted to the local Healthwatch.", " No further action; logged as intelligence."]
        )  # fmt: skip
    return opening + closing


def _write_call_centre(rng, comments, services, anchor, out: Path) -> None:
    rows = []
    for number in range(1, 161):
        area = rng.choice(AREAS)
        service = rng.choice(services[area])
        kind, (text, _) = _pick_comment(rng, comments, 0.25)
        contact_type = rng.choice(CONTACT_TYPES)
        rows.append(
            {
                "contact_id": f"NCSC-{anchor.year}-{400000 + number * 37}",
                "contact_date": _when(rng, anchor).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                "channel": rng.choice(["phone", "phone", "email", "webform"]),
                "contact_type": contact_type,
                "whistleblowing": "yes"
                if contact_type == "staff_or_whistleblower" and rng.random() < 0.7
                else "no",
                "provider_name": service["name"],
                "location_id": service["location_id"],
                "local_authority": area,
                "note": _note(rng, contact_type, area, service, text, kind),
                "safeguarding_referral_made": "yes" if kind == "safeguarding" else "no",
                "escalated_to_inspector": "yes" if kind == "safeguarding" or rng.random() < 0.1 else "no",
            }
        )
    rows.sort(key=lambda row: row["contact_date"])
    with (out / "call_centre_notes.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[:100])
    with (out / "call_centre_notes.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows[100:]:
            flags = ("whistleblowing", "safeguarding_referral_made", "escalated_to_inspector")
            record = {
                **row,
                **{flag: row[flag] == "yes" for flag in flags},
                "location_id": row["location_id"] or None,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _write_social(rng, comments, services, anchor, out: Path) -> None:
    lines = []
    for number in range(1, 141):
        area = rng.choice(AREAS)
        service = rng.choice(services[area])
        kind, (text, _) = _pick_comment(rng, comments, 0.12)
        platform = rng.choice(["x", "facebook", "instagram", "reddit", "nextdoor"])
        name = _person(rng)
        handle = "@" + re.sub(r"[^a-z0-9]", "", name.lower()) + str(rng.randint(1, 999))
        post = f"{text} #{area.replace(' ', '')}"
        if rng.random() < 0.25:
            post += rng.choice(
                [f" If anyone has had the same, message me on {_phone(rng, area)}.",
                 f" Contact me at {_email(rng, name)} if you want to complain together.",
                 f" @{re.sub(r'[^A-Za-z]', '', service['name'])[:15]} please reply to {handle}."]
            )  # fmt: skip
        lines.append(
            {
                "platform": platform,
                "post_id": str(1_800_000_000_000_000_000 + number * 7919),
                "created_at": _stamp(_when(rng, anchor) + timedelta(minutes=rng.randint(0, 600))),
                "author_handle": handle,
                "text": post,
                "organisation_mentioned": service["name"],
                "location_id": (service["location_id"] or None) if rng.random() < 0.5 else None,
                "place": f"{area}, England" if rng.random() < 0.7 else None,
            }
        )  # fmt: skip
    lines.sort(key=lambda line: line["created_at"])
    with (out / "social_comments.jsonl").open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(
                json.dumps({k: v for k, v in line.items() if v is not None}, ensure_ascii=False) + "\n"
            )


if __name__ == "__main__":
    main()
