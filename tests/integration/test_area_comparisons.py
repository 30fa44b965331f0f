"""Area comparisons on the real node: one council truly differs on one statement, the rest only by noise.

A generated corpus of twelve councils in two regions: every council has 90 to 110 items for each of six
quality statements (each from a different key question but one), 30% of them negative give or take up to
one binomial standard deviation, except Oldham on safeguarding (60%). Only that difference may be flagged,
against England and against the region, and it must rank first; Oldham's 5 of 5 negative items on another
statement are too few to compare. Oldham's recent items also bring a word never used before ('scabies'),
with a stop word and a placeholder: the word is its only emerging term. (How often binomial noise alone
is flagged is checked by simulation in the unit tests.)
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from elasticsearch import Elasticsearch
from factories.index import BASE_TIME, VOCABULARY, evidence, index_directly, location
from fastapi.testclient import TestClient

from services.api import create_app
from services.common.config import CommonSettings
from services.index.templates import delete_templates

pytestmark = pytest.mark.integration
KEY = {"X-API-Key": "dev-key"}
OLDHAM, NORTH_WEST = "E08000004", "E12000002"
NORTH_WEST_COUNCILS = [OLDHAM, "E08000001", "E08000002", "E08000003", "E08000005", "E08000006"]
YORKSHIRE_COUNCILS = ["E08000016", "E08000017", "E08000018", "E08000019", "E08000032", "E08000033"]
STATEMENTS = [
    "safe.safeguarding",
    "effective.assessing_needs",
    "caring.kindness_compassion_dignity",
    "responsive.person_centred_care",
    "well_led.capable_leaders",
    "safe.medicines_optimisation",
]
TRUE_DIFFERENCE = (OLDHAM, "safe.safeguarding")
TOO_FEW = (OLDHAM, "safe.medicines_optimisation")
PERIOD_END = BASE_TIME
PERIOD = {
    "date_from": (PERIOD_END - timedelta(days=730)).isoformat(),
    "date_to": PERIOD_END.isoformat(),
}


def corpus(seed: int) -> list:
    rng = random.Random(seed)
    items = []

    def add(council: str, statement: str, total: int, negatives: int) -> None:
        labels = ["negative"] * negatives + ["positive"] * (total - negatives)
        rng.shuffle(labels)
        for number, label in enumerate(labels):
            items.append(
                evidence(
                    f"{council}-{statement}-{number}",
                    text=" ".join(rng.sample(VOCABULARY, k=8)),
                    la_code=council,
                    location_id=f"1-{council}-{number % 7}",
                    statements=[statement],
                    sentiment=label,
                    occurred_at=PERIOD_END - timedelta(minutes=rng.randint(1, 729 * 24 * 60)),
                )
            )

    for council in NORTH_WEST_COUNCILS + YORKSHIRE_COUNCILS:
        for statement in STATEMENTS:
            total = rng.randint(90, 110)
            if (council, statement) == TRUE_DIFFERENCE:
                add(council, statement, total, round(0.6 * total))
            elif (council, statement) == TOO_FEW:
                add(council, statement, 5, 5)
            else:
                noise = rng.uniform(-1, 1) * math.sqrt(total * 0.3 * 0.7)
                add(council, statement, total, round(0.3 * total + noise))
    items += [
        evidence(
            f"oldham-scabies-{number}",
            text=f"{' '.join(rng.sample(VOCABULARY, k=6))} scabies again, [PERSON]",
            la_code=OLDHAM,
            location_id="1-CH1",
            statements=["safe.infection_prevention_control"],
            sentiment="positive",
            occurred_at=PERIOD_END - timedelta(days=rng.randint(1, 80)),
        )
        for number in range(25)
    ]
    return items


@pytest.fixture
def client(settings: CommonSettings, es: Elasticsearch) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client
    delete_templates(es, settings)


PAGE_PERIOD = {  # the same items, as the web page takes a period: whole days, both inclusive
    "date_from": (PERIOD_END - timedelta(days=730)).date().isoformat(),
    "date_to": PERIOD_END.date().isoformat(),
}
ROW = re.compile(r'data-comparison="(\w+):(\w+):([\w.]+)" data-flag="(\w+)"')


def flagged(profile: dict) -> set[tuple[str, str, str, str]]:
    return {
        (profile["area"]["code"], comparison["comparator"], comparison["by"], row["key"])
        for comparison in profile["soft_intelligence"]["comparisons"]
        for row in comparison["rows"]
        if row["flag"] in ("higher", "lower")
    }


def test_only_the_true_difference_is_flagged_ranked_first_with_intervals(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    items = corpus(seed=22)
    places = [
        location("1-CH1", version=1, care_home=True, number_of_beds=30, registration_status="Registered"),
        location("1-CH2", version=1, care_home=True, number_of_beds=20, registration_status="Registered"),
        location("1-GP", version=1, care_home=False, number_of_beds=0, registration_status="Registered"),
        location("1-OLD", version=1, care_home=True, number_of_beds=40, registration_status="Deregistered"),
    ]
    index_directly(es, settings, [*items, *places])
    profiles = {}
    for council in NORTH_WEST_COUNCILS + YORKSHIRE_COUNCILS:
        response = client.get(f"/v1/areas/{council}", params=PERIOD, headers=KEY)
        assert response.status_code == 200, response.text
        profiles[council] = response.json()
    everything = set().union(*(flagged(profile) for profile in profiles.values()))
    assert everything == {
        (OLDHAM, "england", "quality_statement", "safe.safeguarding"),
        (OLDHAM, "region", "quality_statement", "safe.safeguarding"),
        (OLDHAM, "england", "key_question", "safe"),
        (OLDHAM, "region", "key_question", "safe"),
    }

    oldham = profiles[OLDHAM]["soft_intelligence"]
    sets = {(c["comparator"], c["by"]): c for c in oldham["comparisons"]}
    assert (
        sets["region", "quality_statement"]["comparator_code"],
        sets["region", "quality_statement"]["comparator_name"],
    ) == (
        NORTH_WEST,
        "North West",
    )
    statements = sets["england", "quality_statement"]
    assert len(statements["rows"]) == 34 and statements["minimum_items"] == 20 and statements["method"]
    top = statements["rows"][0]
    assert (top["key"], top["flag"]) == ("safe.safeguarding", "higher")
    mine = [
        e
        for e in items
        if e.area.local_authority_code == OLDHAM
        and "safe.safeguarding" in [q.id for q in e.quality_statements]
    ]
    negative = sum(e.sentiment.label == "negative" for e in mine)
    assert (top["area"]["negative"], top["area"]["total"]) == (negative, len(mine))
    assert top["area"]["interval_low"] < negative / len(mine) < top["area"]["interval_high"]
    others = [
        e
        for e in items
        if e.area.local_authority_code != OLDHAM
        and "safe.safeguarding" in [q.id for q in e.quality_statements]
    ]
    assert top["comparator"]["total"] == len(others)
    assert top["q_value"] < 0.05 and top["p_value"] <= top["q_value"]
    few = next(row for row in statements["rows"] if row["key"] == TOO_FEW[1])
    assert (few["area"]["negative"], few["area"]["total"], few["flag"], few["p_value"]) == (
        5,
        5,
        "too_few_items",
        None,
    )
    tested = [row for row in statements["rows"] if row["flag"] != "too_few_items"]
    assert statements["rows"][: len(tested)] == tested  # tested rows ranked before the untested ones

    months = oldham["trend"]["months"]
    assert len(months) == 25 and all(m["volume_change"] is None for m in months[:3])
    assert sum(m["total"] for m in months) == oldham["total"]

    terms = oldham["emerging_terms"]
    assert terms["status"] == "ok"
    assert [term["term"] for term in terms["terms"]] == ["scabies"]
    scabies = terms["terms"][0]
    assert (scabies["count"], scabies["earlier_count"]) == (25, 0)
    linked = client.get("/v1/search", params={**scabies["search"], "size": 100}, headers=KEY).json()
    assert linked["total"] == 25
    for council in NORTH_WEST_COUNCILS[1:] + YORKSHIRE_COUNCILS:
        assert profiles[council]["soft_intelligence"]["emerging_terms"]["terms"] == []

    capacity = profiles[OLDHAM]["per_capacity"]
    assert (capacity["registered_locations"], capacity["care_homes"], capacity["care_home_beds"]) == (
        3,
        2,
        50,
    )
    assert capacity["care_home_items"] == 25
    assert capacity["care_home_items_per_100_beds"] == pytest.approx(50.0)
    assert capacity["items_per_location"] == pytest.approx(oldham["total"] / 3)


def test_the_area_page_flags_only_the_true_difference_and_marks_small_rows(
    client: TestClient, es: Elasticsearch, settings: CommonSettings
) -> None:
    index_directly(es, settings, corpus(seed=22))
    shown = {}
    for council in (OLDHAM, "E08000003", "E08000016"):
        page = client.get(f"/areas/{council}", params=PAGE_PERIOD)
        assert page.status_code == 200, page.text
        shown[council] = {match.groups() for match in ROW.finditer(page.text)}
        api = client.get(f"/v1/areas/{council}", params=PERIOD, headers=KEY).json()
        assert shown[council] == {
            (comparison["comparator"], comparison["by"], row["key"], row["flag"])
            for comparison in api["soft_intelligence"]["comparisons"]
            for row in comparison["rows"]
        }
        if council == OLDHAM:
            oldham_page = page.text
    flags = {
        (council, comparator, by, key)
        for council, rows in shown.items()
        for comparator, by, key, flag in rows
        if flag in ("higher", "lower")
    }
    assert flags == {
        (OLDHAM, "england", "quality_statement", "safe.safeguarding"),
        (OLDHAM, "region", "quality_statement", "safe.safeguarding"),
        (OLDHAM, "england", "key_question", "safe"),
        (OLDHAM, "region", "key_question", "safe"),
    }
    assert ("england", "quality_statement", TOO_FEW[1], "too_few_items") in shown[OLDHAM]
    findings = re.search(r'id="compare-england-quality-statement-findings">(.*?)</div>', oldham_page, re.S)
    sentences = re.findall(r"<li>(.*?)</li>", findings.group(1))
    assert len(sentences) == 1 and sentences[0].startswith("Safeguarding: ")
    assert "higher, beyond chance" in sentences[0]
    assert 'data-too-few="29"' in oldham_page  # 34 statements, 5 with enough items here and elsewhere
