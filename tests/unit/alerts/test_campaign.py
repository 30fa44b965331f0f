"""Campaign: many copies of one near-duplicate cluster from several authors within a week, alerted once."""

from __future__ import annotations

from datetime import timedelta

from factories.alerts import LEEDS, at, copy_of, negative

from schemas.alerts import AlertRuleKind
from schemas.evidence import DuplicateKind

RULE = """
rules:
  - id: campaign
    kind: campaign
    window: 7d
    min_items: 10
    min_authors: 5
"""
START = at("2025-06-02", hour=9)


def feed(engine, items):
    return [alert for item in items for alert in engine.run(item)]


def copies(first, count: int, authors: int, every=timedelta(hours=1), **overrides):
    return [
        copy_of(first, START + every * (n + 1), f"author-{n % authors}", **overrides) for n in range(count)
    ]


def test_nine_copies_from_five_authors_raise_one_campaign_alert_whatever_follows(make_engine) -> None:
    engine = make_engine(RULE)
    first = negative(START)
    burst = copies(first, 9, authors=5)
    burst[0] = copy_of(first, burst[0].occurred_at, "author-0", kind=DuplicateKind.EXACT)
    alerts = feed(engine, [first, *burst[:8]])
    assert alerts == []  # 9 items with the first: one short
    (alert,) = feed(engine, [burst[8]])
    assert alert.rule_kind is AlertRuleKind.CAMPAIGN and alert.key.cluster_id == first.evidence_id
    assert alert.campaign is not None
    assert (alert.campaign.items, alert.campaign.authors) == (10, 5)
    assert (alert.campaign.exact, alert.campaign.near) == (1, 8)
    assert alert.campaign.source_types == {"healthwatch_feedback": 9}
    assert alert.evidence_ids[0] == first.evidence_id and len(alert.evidence_ids) == 10
    assert alert.reason.startswith("Campaign: 10 near-identical items from 5 authors about Oldham")
    assert alert.query["cluster"] == str(first.evidence_id)
    assert feed(engine, copies(first, 30, authors=30, every=timedelta(minutes=5))) == []
    assert feed(engine, burst) == []  # redelivered copies count once and raise nothing again


def test_copies_from_too_few_authors_are_no_campaign(make_engine) -> None:
    engine = make_engine(RULE)
    first = negative(START)
    assert feed(engine, [first, *copies(first, 20, authors=4)]) == []


def test_copies_naming_no_author_count_as_distinct_authors(make_engine) -> None:
    engine = make_engine(RULE)
    first = negative(START)
    anonymous = [copy_of(first, START + timedelta(hours=n + 1), None) for n in range(9)]
    (alert,) = feed(engine, [first, *anonymous])
    assert alert.campaign is not None and alert.campaign.authors == 9


def test_copies_spread_over_more_than_the_window_are_no_campaign(make_engine) -> None:
    engine = make_engine(RULE)
    first = negative(START)
    assert feed(engine, [first, *copies(first, 12, authors=12, every=timedelta(days=1))]) == []


def test_each_cluster_and_area_is_its_own_campaign(make_engine) -> None:
    engine = make_engine(RULE)
    one, two = negative(START), negative(START, area=LEEDS)
    mixed = [*copies(one, 5, authors=5), *copies(two, 5, authors=5, area=LEEDS)]
    assert feed(engine, [one, two, *mixed]) == []
    (alert,) = feed(engine, copies(one, 9, authors=9, every=timedelta(minutes=7)))
    assert alert.key.cluster_id == one.evidence_id and alert.key.code == "E08000004"


def test_original_and_unclustered_items_make_no_state(make_engine) -> None:
    engine = make_engine(RULE)
    feed(engine, [negative(START) for _ in range(20)])
    assert engine.states == {}
