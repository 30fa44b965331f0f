"""Personal data planted in every input field of every source, through the real pipeline: it appears nowhere.

Planted: one string holding every identifier kind (a name after a role word, an address, a postcode, a phone,
an e-mail, an NHS number, a date of birth, a handle, a URL) in every free field of a Healthwatch CSV row, a
call-centre note, a social post and `POST /v1/evidence` items of each source type (a CQC API location, public
register data, is copied unplanted so that the planted items resolve to it); the bundled samples go through
too (the names, e-mails, phones, NHS numbers and handles they carry).
Real broker, real Elasticsearch, the trained model: the classify, index and alerts workers run as processes.
Scanned: every stored field of every Elasticsearch document under the test's prefix, every event on
evidence.classified.v1 and alerts.raised.v1, every API response (all search pages, searches with
highlights, every item, the CSV export, the England overview, the profile and the review pack of every
area, the profile of the locations involved, the alert list and every alert) and every web page a reviewer
sees (the overview, all search result pages and searches, every item's page, the CSV download, every
area's and location's page, every area's review pack and Oldham's as a PDF, the alert inbox and every
alert's page).
"""

from __future__ import annotations

import csv
import html
import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest
from elasticsearch import Elasticsearch, helpers
from factories.pipeline import (
    ALERTS,
    CLASSIFY,
    INDEX,
    SAMPLES,
    ingest_samples,
    pipeline_workers,
    wait_for_documents,
)
from fastapi.testclient import TestClient
from kafka import KafkaConsumer, TopicPartition

from schemas import Topic
from services.api import create_app
from services.common.config import CommonSettings
from services.common.indices import Names
from services.ingest.config import IngestSettings
from services.ingest.files import ingest_file

pytestmark = [pytest.mark.integration, pytest.mark.slow]

HEADERS = {"X-API-Key": "dev-key"}
PLANTED = (
    "Caller Zofia Pennington, 14 Acacia Avenue, OL1 3AB, tel 07700 900123, zofia.pennington@example.com, "
    "NHS number 943 476 5919, DOB 01/02/1950, @zofiap1950, https://example.com/zofia"
)
# What must never come out, lower case: every planted value (and its distinctive parts).
PLANTED_NEEDLES = (
    "zofia", "pennington", "acacia", "ol1 3ab", "07700 900123", "900123", "943 476 5919", "4765919",
    "01/02/1950", "zofiap1950", "example.com/zofia",
)  # fmt: skip
TEXT = f"They left my mum on the floor all night and she was neglected. {PLANTED}"
LOCATION_ID = "1-999999999"  # the planted CQC location, in Oldham
OLDHAM, OLDHAM_CODE = "Oldham", "E08000004"


def sample_needles() -> set[str]:
    """The personal data the bundled samples carry, read from how samples/make_samples.py writes them."""
    notes = [
        json.loads(line)["note"] for line in (SAMPLES / "call_centre_notes.jsonl").read_text().splitlines()
    ]
    with (SAMPLES / "call_centre_notes.csv").open(encoding="utf-8") as handle:
        notes += [row["note"] for row in csv.DictReader(handle)]
    posts = [json.loads(line) for line in (SAMPLES / "social_comments.jsonl").read_text().splitlines()]
    texts = notes + [post["text"] for post in posts]
    name = r"([A-Z][a-z]+ (?:O'[A-Z][a-z]+|[A-Z][a-z]+))"
    needles = set()
    for text in texts:
        needles.update(re.findall(rf"(?:Caller|public|nurse|worker|GP) {name}", text))
        needles.update(re.findall(rf"of {name}, NHS number", text))
        needles.update(re.findall(r"NHS number (\d{3} \d{3} \d{4})", text))
        needles.update(re.findall(r"[\w.]+@example\.(?:com|org|net)", text))
        needles.update(re.findall(r"(?:tel|on) (0\d{3,4} \d{3} ?\d{3,4})", text))
        needles.update(
            re.findall(r"reply to (@\w+)", text)
        )  # a person's handle (the other @ names the service)
    needles.update(post["author_handle"] for post in posts if post.get("author_handle"))
    return {needle.lower() for needle in needles if len(needle) > 5}


def planted_files(directory: Path) -> dict[str, Path]:
    """One file per source, each with two records: everything planted, and planted but located in Oldham."""
    directory.mkdir(parents=True, exist_ok=True)
    healthwatch = directory / "healthwatch.csv"
    columns = [
        "feedback_id", "healthwatch_area", "local_authority", "service_name", "cqc_location_id",
        "cqc_provider_id", "service_type", "feedback_date", "star_rating", "feedback_text", "feedback_from",
    ]  # fmt: skip
    with healthwatch.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for number, (authority, location) in enumerate([(PLANTED, PLANTED), (OLDHAM, LOCATION_ID)]):
            row = dict.fromkeys(columns, PLANTED)
            row.update(
                feedback_id=f"{number} {PLANTED}",
                local_authority=authority,
                cqc_location_id=location,
                feedback_date="2026-10-02",
                star_rating="1",
                feedback_text=TEXT,
            )
            writer.writerow(row)
    notes = directory / "notes.jsonl"
    social = directory / "social.jsonl"
    with notes.open("w", encoding="utf-8") as note_file, social.open("w", encoding="utf-8") as post_file:
        for number, (authority, location, place) in enumerate(
            [(PLANTED, PLANTED, PLANTED), (OLDHAM, LOCATION_ID, "Oldham, England")]
        ):
            note = {
                "contact_id": f"{number} {PLANTED}",
                "contact_date": "2026-10-03T10:00:00Z",
                "channel": PLANTED,
                "contact_type": "relative_or_carer",
                "whistleblowing": "no",
                "provider_name": PLANTED,
                "provider_id": PLANTED,
                "location_id": location,
                "local_authority": authority,
                "note": TEXT,
                "safeguarding_referral_made": "yes",
            }
            post = {
                "platform": PLANTED,
                "post_id": f"{number} {PLANTED}",
                "created_at": "2026-10-04T10:00:00Z",
                "author_handle": "@zofiap1950",
                "text": TEXT,
                "organisation_mentioned": PLANTED,
                "location_id": location,
                "place": place,
                "url": "https://example.com/zofia",
                "in_reply_to": PLANTED,
            }
            note_file.write(json.dumps(note) + "\n")
            post_file.write(json.dumps(post) + "\n")
    location = json.loads((SAMPLES / "cqc_locations.json").read_text())[0]
    location.update(locationId=LOCATION_ID, localAuthority=OLDHAM)  # CQC's register is public: not planted
    cqc = directory / "cqc.json"
    cqc.write_text(json.dumps([location]))
    return {"cqc-api": cqc, "healthwatch": healthwatch, "call-centre": notes, "social": social}


def planted_submissions() -> list[dict[str, Any]]:
    """POST /v1/evidence items of each source type: every free field and allowed metadata key planted (area
    codes must be reference codes, else the request is refused: test_ingest_http covers that)."""
    metadata = {
        "healthwatch_feedback": {"star_rating": 1, "healthwatch_area": PLANTED, "feedback_from": PLANTED,
                                 "service_type": PLANTED},
        "call_centre_note": {"contact_type": PLANTED, "channel": PLANTED, "whistleblowing": True},
        "social_media_comment": {"platform": PLANTED, "author_handle": "@zofiap1950",
                                 "url": "https://example.com/zofia", "in_reply_to": PLANTED},
    }  # fmt: skip
    items = []
    for source_type, extras in metadata.items():
        for number, area in enumerate(
            [
                {"local_authority_name": PLANTED, "icb_name": PLANTED, "region_name": PLANTED,
                 "place": PLANTED},
                {"local_authority_name": OLDHAM, "place": PLANTED},
            ]
        ):  # fmt: skip
            items.append(
                {
                    "source_type": source_type,
                    "source_reference": f"http {number} {PLANTED}",
                    "occurred_at": "2026-10-05T10:00:00Z",
                    "text": TEXT,
                    "author_role": "relative_or_carer",
                    "provider": {"location_id": LOCATION_ID if number else PLANTED, "provider_id": PLANTED,
                                 "name": PLANTED},
                    "area": area,
                    "metadata": extras,
                }
            )  # fmt: skip
    return items


def leaks(payload: Any, needles: set[str], path: str = "") -> list[str]:
    """'path: needle' for every planted value found in a JSON value (strings, keys, nested)."""
    if isinstance(payload, dict):
        found = [hit for key, value in payload.items() for hit in leaks(value, needles, f"{path}.{key}")]
        return found + [f"{path} key: {hit}" for key in payload for hit in leaks(str(key), needles)]
    if isinstance(payload, list):
        return [hit for n, value in enumerate(payload) for hit in leaks(value, needles, f"{path}[{n}]")]
    lowered = str(payload).lower()
    return [f"{path}: {needle}" for needle in sorted(needles) if needle in lowered]


def topic_values(settings: CommonSettings, topic: str) -> list[str]:
    consumer = KafkaConsumer(**settings.kafka_options(), enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        values: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(consumer.position(tp) < ends[tp] for tp in partitions):
            for batch in consumer.poll(timeout_ms=500).values():
                values.extend(message.value.decode() for message in batch)
        return values
    finally:
        consumer.close()


def wait_for_alerts(es: Elasticsearch, alias: str, timeout_s: float = 180) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        es.indices.refresh(index=alias, ignore_unavailable=True, allow_no_indices=True)
        found = es.count(index=alias, ignore_unavailable=True, allow_no_indices=True)["count"]
        if found:
            return found
        time.sleep(1)
    return 0


@pytest.fixture
def pipeline(settings: CommonSettings, tmp_path: Path) -> Iterator[None]:
    env = {"CARESIGNAL_STATE_DIR": str(tmp_path / "state"), "CARESIGNAL_ALERTS_TICK_INTERVAL_SECONDS": "0.5"}
    with pipeline_workers(settings, tmp_path, CLASSIFY, INDEX, ALERTS, env=env):
        yield


SINCE_SAMPLES = {"date_from": "2010-01-01T00:00:00Z"}  # the review pack of everything: samples start in 2014
SINCE_SAMPLES_DAY = {"date_from": "2010-01-01"}
QUERIES = ("neglected floor", "caller", "avenue", "zofia", "acacia pennington", "example")


def shown(response: Any) -> Any:
    """What a response shows: its JSON, or its text (HTML entities read as the characters they stand for)."""
    assert response.status_code == 200, (response.url, response.status_code, response.text[:300])
    if response.headers["content-type"].startswith("application/json"):
        return response.json()
    return html.unescape(response.text)


def api_responses(client: TestClient, seen: dict[str, set[str]]) -> Iterator[tuple[str, Any]]:
    """(request, what it returned) for every page of every search, every item, the export, the overview,
    every profile involved and every alert; records the evidence ids, area codes and alert ids found."""
    cursor: str | None = ""
    while cursor is not None:
        params = {"size": 100, "sort": "date", "collapse": "false", **({"cursor": cursor} if cursor else {})}
        body = shown(client.get("/v1/search", params=params, headers=HEADERS))
        seen["areas"].update(bucket["value"] for bucket in body["facets"]["local_authority"])
        seen["evidence"].update(hit["evidence_id"] for hit in body["hits"])
        yield f"search {params}", body
        cursor = body["next_cursor"]
    for query in QUERIES:
        body = shown(client.get("/v1/search", params={"q": query, "size": 100}, headers=HEADERS))
        if query == "neglected floor":
            assert any(hit["highlights"] for hit in body["hits"]), "highlights must be scanned"
        yield f"search q={query}", body
    for evidence_id in sorted(seen["evidence"]):
        yield f"evidence {evidence_id}", shown(client.get(f"/v1/evidence/{evidence_id}", headers=HEADERS))
    export = shown(client.get("/v1/search/export", params={"collapse": "false"}, headers=HEADERS))
    assert len(export.splitlines()) > len(seen["evidence"]), "every item is a row of the export"
    yield "export", export
    yield "overview", shown(client.get("/v1/overview", headers=HEADERS))
    assert OLDHAM_CODE in seen["areas"]
    for code in sorted(seen["areas"]):
        yield f"area {code}", shown(client.get(f"/v1/areas/{code}", headers=HEADERS))
        pack = client.get(f"/v1/areas/{code}/report", params=SINCE_SAMPLES, headers=HEADERS)
        yield f"review pack {code}", shown(pack)
    yield f"provider {LOCATION_ID}", shown(client.get(f"/v1/providers/{LOCATION_ID}", headers=HEADERS))
    alerts = shown(client.get("/v1/alerts", params={"size": 100}, headers=HEADERS))
    assert alerts["alerts"], "the planted high-severity items raise alerts to scan"
    seen["alerts"].update(alert["alert_id"] for alert in alerts["alerts"])
    yield "alerts", alerts
    for alert_id in sorted(seen["alerts"]):
        yield f"alert {alert_id}", shown(client.get(f"/v1/alerts/{alert_id}", headers=HEADERS))


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with lines joined (a value broken across two lines is still found)."""
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


NEXT_PAGE = re.compile(r'href="([^"]+)" rel="next"')
ITEM_LINK = re.compile(r'href="/evidence/([0-9a-f-]{36})"')


def unrestricted_ids(es: Elasticsearch, settings: CommonSettings) -> set[str]:
    """Evidence ids the web app shows without sign-in (restricted items are for the sensitive role)."""
    alias = Names(settings).evidence_unrestricted_alias
    hits = helpers.scan(es, index=alias, query={"query": {"match_all": {}}}, _source=["evidence_id"])
    return {hit["_source"]["evidence_id"] for hit in hits}


def web_pages(
    client: TestClient, seen: dict[str, set[str]], unrestricted: set[str]
) -> Iterator[tuple[str, str]]:
    """(page, its text) for every page a reviewer can reach about what `api_responses` found (the API's
    admin key reads restricted items too; the web app without sign-in lists only `unrestricted`)."""
    yield "/", shown(client.get("/"))
    url: str | None = "/search?sort=date&collapse=false"  # every copy: each item listed
    listed: set[str] = set()
    while url is not None:
        page = shown(client.get(url))
        listed.update(ITEM_LINK.findall(page))
        yield url, page
        url = (found := NEXT_PAGE.search(page)) and found.group(1)
    assert seen["evidence"] - unrestricted, "the samples should hold restricted items the pages leave out"
    assert listed == seen["evidence"] & unrestricted, "every unrestricted item is listed on a result page"
    for query in QUERIES:  # the page repeats the reviewer's words (box, links): those are not stored data
        page = shown(client.get("/search", params={"q": query}))
        yield f"/search?q={query}", page.replace(quote_plus(query), "").replace(query, "")
    for evidence_id in sorted(seen["evidence"] & unrestricted):
        yield f"/evidence/{evidence_id}", shown(client.get(f"/evidence/{evidence_id}"))
    yield "/search/export.csv", shown(client.get("/search/export.csv", params={"collapse": "false"}))
    for code in sorted(seen["areas"]):
        yield f"/areas/{code}", shown(client.get(f"/areas/{code}"))
        yield f"/areas/{code}/report", shown(client.get(f"/areas/{code}/report", params=SINCE_SAMPLES_DAY))
    pdf = client.get(f"/areas/{OLDHAM_CODE}/report.pdf", params=SINCE_SAMPLES_DAY)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    yield f"/areas/{OLDHAM_CODE}/report.pdf", pdf_text(pdf.content)
    yield f"/providers/{LOCATION_ID}", shown(client.get(f"/providers/{LOCATION_ID}"))
    yield "/alerts", shown(client.get("/alerts"))
    for alert_id in sorted(seen["alerts"]):
        yield f"/alerts/{alert_id}", shown(client.get(f"/alerts/{alert_id}"))


def test_no_planted_or_sample_personal_data_in_any_document_event_or_response(
    settings: CommonSettings, es: Elasticsearch, pipeline: None, tmp_path: Path
) -> None:
    needles = set(PLANTED_NEEDLES) | sample_needles()
    assert len(needles) > 100, "the samples should carry names, phones, e-mails, NHS numbers and handles"
    accepted = ingest_samples(settings, tmp_path / "ingest")
    ingest_settings = IngestSettings(**{**settings.model_dump(), "state_dir": tmp_path / "ingest"})
    ingest_file(SAMPLES / "cqc_directory.csv", "cqc-directory", ingest_settings)  # as `make run` does
    for source, path in planted_files(tmp_path / "planted").items():
        summary = ingest_file(path, source, ingest_settings)
        assert summary.rejected == 0, summary.rejects[:3]
        if source != "cqc-api":
            source_type = {"healthwatch": "healthwatch_feedback", "call-centre": "call_centre_note"}.get(
                source, "social_media_comment"
            )
            accepted[source_type] += summary.accepted
    app = create_app(settings)
    with TestClient(app) as client:
        posted = client.post("/v1/evidence", json={"items": planted_submissions()}, headers=HEADERS)
        assert posted.status_code == 202, posted.text
        for item in planted_submissions():
            accepted[item["source_type"]] += 1

        counts = wait_for_documents(es, settings.index("evidence"), accepted)
        assert {source: counts.get(source, 0) for source in accepted} == accepted
        assert wait_for_alerts(es, settings.index("alerts")), "no alert was indexed"

        found: dict[str, list[str]] = {}
        for hit in helpers.scan(es, index=f"{settings.es_index_prefix}*", query={"query": {"match_all": {}}}):
            if problems := leaks(hit["_source"], needles):
                found[f"es {hit['_index']}/{hit['_id']}"] = problems
        for topic in (Topic.EVIDENCE_CLASSIFIED, Topic.ALERTS_RAISED):
            values = topic_values(settings, settings.topic(topic))
            assert values, f"nothing on {topic}"
            for number, value in enumerate(values):
                if problems := leaks(json.loads(value), needles):
                    found[f"{topic} #{number}"] = problems
        seen: dict[str, set[str]] = {"evidence": set(), "areas": set(), "alerts": set()}
        for request, body in api_responses(client, seen):
            if problems := leaks(body, needles):
                found[f"api {request}"] = problems
        for request, text in web_pages(client, seen, unrestricted_ids(es, settings)):
            if problems := leaks(text, needles):
                found[f"web {request}"] = problems
    assert not found, json.dumps(dict(list(found.items())[:15]), indent=1)
