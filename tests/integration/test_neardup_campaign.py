"""A copy-paste campaign end to end on the real broker: 50 edited copies of one complaint from 30 authors
are classified into one cluster and raise exactly one campaign alert; a spike rule counts the burst of
copies as one concern and fires on distinct concerns."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from factories.alerts import alerts_worker
from factories.classify import OLDHAM_AREA, received
from factories.classify_worker import Drain, body, classify_worker, produce, require_model

from schemas.alerts import AlertRaised, AlertRuleKind
from schemas.evidence import EvidenceReceived, SourceType
from services.classify.neardup.evaluation import quoted, reordered, tagged, typos
from services.common.config import CommonSettings

pytestmark = pytest.mark.integration

COMPLAINT = (
    "Sunnyside Lodge keeps residents in their rooms all day and the relatives were told visiting is "
    "cancelled again this week. Nobody answers the phone and the care plans have not been reviewed."
)
RULES = """
rules:
  - {id: campaign, kind: campaign, window: 7d, min_items: 10, min_authors: 5}
"""


def campaign(count: int, authors: int) -> list[EvidenceReceived]:
    rng = random.Random(17)
    edits = (typos, tagged, reordered, quoted)
    return [
        received(
            f"campaign-{n}",
            text=COMPLAINT if n == 0 else edits[n % 4](COMPLAINT, rng),
            area=OLDHAM_AREA,
            source_type=SourceType.SOCIAL_MEDIA_COMMENT,
            metadata={"author_handle": f"@campaigner{n % authors}"},
        )
        for n in range(count)
    ]


def test_fifty_copies_from_thirty_authors_raise_one_campaign_alert(
    settings: CommonSettings, tmp_path: Path
) -> None:
    require_model()
    items = campaign(50, authors=30)
    drain = Drain(settings, "evidence.classified.v1")
    try:
        with (
            classify_worker(settings, tmp_path / "classify.log"),
            alerts_worker(settings, tmp_path, RULES) as alerts,
        ):
            produce(settings, "evidence.received.v1", [(items[0], str(items[0].evidence_id))])
            drain.until(lambda got: len(got) >= 1, 60, "the first item classified")
            produce(settings, "evidence.received.v1", [(item, str(item.evidence_id)) for item in items[1:]])
            drain.until(lambda got: len(got) >= 50, 90, "all 50 classified")
            alerts.alerts.poll_until(lambda got: len(got) >= 1, 60)
            raised = [AlertRaised.model_validate_json(record.value) for record in alerts.alerts.drain(5.0)]
    finally:
        drain.close()
    clusters = {body(message)["duplication"]["cluster_id"] for message in drain.messages}
    assert clusters == {str(items[0].evidence_id)}
    (alert,) = raised
    assert alert.rule_kind is AlertRuleKind.CAMPAIGN and alert.campaign is not None
    assert alert.campaign.cluster_id == items[0].evidence_id
    assert alert.campaign.items >= 10 and alert.campaign.authors >= 5
    assert alert.campaign.source_types == {"social_media_comment": alert.campaign.items - 1}
    assert "near-identical items" in alert.reason and "Oldham" in alert.reason


SPIKE_RULES = """
rules:
  - {id: spike, kind: spike, window: 7d, min_count: 10, ratio: 3.0, baseline_floor: 1.0, match: {}}
"""
DISTINCT = (
    "The home care visits were cut to fifteen minutes and my father is not washed properly any more.",
    "Reception at the surgery refused to book an appointment and said to ring back at eight tomorrow.",
    "The pharmacy gave my mum the wrong dose of warfarin and nobody apologised for the mistake at all.",
    "Night staff at the care home shout at residents who ask for help going to the toilet after ten.",
    "We waited six hours in accident and emergency with a broken wrist and no pain relief was offered.",
    "The dentist has closed its NHS list and the nearest practice taking patients is forty miles away.",
    "My son's mental health referral has been lost twice and the crisis line never calls him back.",
    "The ambulance took three hours to arrive for my neighbour who had fallen and broken her hip.",
    "Discharge from the ward happened at midnight without a care package or any medication to go home.",
)


def test_a_burst_of_copies_counts_once_in_a_spike_and_distinct_concerns_fire_it(
    settings: CommonSettings, tmp_path: Path
) -> None:
    require_model()
    copies = campaign(30, authors=30)
    distinct = [
        received(f"distinct-{n}", text=text, area=OLDHAM_AREA, source_type=SourceType.SOCIAL_MEDIA_COMMENT)
        for n, text in enumerate(DISTINCT)
    ]
    drain = Drain(settings, "evidence.classified.v1")
    try:
        with (
            classify_worker(settings, tmp_path / "classify.log"),
            alerts_worker(settings, tmp_path, SPIKE_RULES) as alerts,
        ):
            produce(settings, "evidence.received.v1", [(copies[0], str(copies[0].evidence_id))])
            drain.until(lambda got: len(got) >= 1, 60, "the first item classified")
            produce(settings, "evidence.received.v1", [(item, str(item.evidence_id)) for item in copies[1:]])
            drain.until(lambda got: len(got) >= 30, 90, "all 30 copies classified")
            assert alerts.alerts.drain(10.0) == []  # 30 items, one concern: no spike
            produce(settings, "evidence.received.v1", [(item, str(item.evidence_id)) for item in distinct])
            drain.until(lambda got: len(got) >= 39, 90, "the distinct concerns classified")
            alerts.alerts.poll_until(lambda got: len(got) >= 1, 60)
            raised = [AlertRaised.model_validate_json(record.value) for record in alerts.alerts.drain(5.0)]
    finally:
        drain.close()
    clusters = {body(message)["duplication"]["cluster_id"] for message in drain.messages}
    assert len(clusters) == 1 + len(DISTINCT)  # the copies' cluster and each distinct concern's own
    (alert,) = raised
    assert alert.rule_kind is AlertRuleKind.SPIKE and alert.counts["count"] == 10
    assert {item.evidence_id for item in distinct} <= set(alert.evidence_ids)
