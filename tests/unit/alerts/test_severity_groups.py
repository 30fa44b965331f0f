"""Grouped severity alerts: one provider's high-severity items in a day form one alert that grows."""

from __future__ import annotations

import random
from datetime import timedelta

from factories.alerts import GROUPED_SEVERITY_RULES, at, high_severity

from schemas.alerts import AlertChange, AlertSeverity
from services.alerts.domain import alert_id_for

DAY = at("2025-06-03", hour=0)


def about_provider(hour: int, reasons: tuple[str, ...] = ("neglect",), location: str = "1-10", **overrides):
    return high_severity(
        DAY + timedelta(hours=hour), reasons=reasons, location_id=location, provider_id="1-P1", **overrides
    )


def feed(engine, items):
    return [alert for item in items for alert in engine.run(item)]


def test_items_about_one_provider_in_a_day_grow_one_alert(make_engine) -> None:
    engine = make_engine(GROUPED_SEVERITY_RULES)
    items = [
        about_provider(1, ("abuse",)),
        about_provider(5, ("neglect",), location="1-11"),
        about_provider(9, ("abuse", "safeguarding")),
        about_provider(13, ("neglect",)),
    ]
    alerts = feed(engine, items)
    assert [(a.version, a.change, a.severity, a.counts["count"]) for a in alerts] == [
        (1, AlertChange.RAISED, AlertSeverity.HIGH, 1),
        (2, AlertChange.GROWN, AlertSeverity.HIGH, 2),
        (3, AlertChange.ESCALATED, AlertSeverity.CRITICAL, 3),
        (4, AlertChange.GROWN, AlertSeverity.CRITICAL, 4),
    ]
    assert {alert.alert_id for alert in alerts} == {alert_id_for("grouped", alerts[0].key.as_string(), DAY)}
    assert alerts[0].key.level == "provider" and alerts[0].key.code == "1-P1"
    assert len({alert.event_id for alert in alerts}) == 4
    latest = alerts[-1]
    assert [item.evidence_id for item in latest.items] == [item.evidence_id for item in reversed(items)]
    assert {item.location_id for item in latest.items} == {"1-10", "1-11"}
    assert latest.reason_counts == {"abuse": 2, "neglect": 2, "safeguarding": 1}
    assert latest.reason.endswith("in the day of 2025-06-03 (abuse ×2, neglect ×2, safeguarding)")
    assert alerts[2].previous_severity == AlertSeverity.HIGH
    assert latest.evidence_ids[0] == items[-1].evidence_id


def test_a_critical_item_pages_alone(make_engine) -> None:
    engine = make_engine(GROUPED_SEVERITY_RULES)
    [group] = feed(engine, [about_provider(1)])
    death = about_provider(2, ("death", "neglect"))
    [alone] = feed(engine, [death])
    assert alone.alert_id != group.alert_id and alone.severity == AlertSeverity.CRITICAL
    assert alone.evidence_ids == [death.evidence_id] and "critical: death" in alone.reason
    [grown] = feed(engine, [about_provider(3)])
    assert grown.alert_id == group.alert_id and grown.counts["count"] == 2  # the death is not in the group
    assert feed(engine, [death]) == []  # redelivered: pages once


def test_an_item_after_the_group_closed_opens_a_new_one(make_engine) -> None:
    engine = make_engine(GROUPED_SEVERITY_RULES)
    [today] = feed(engine, [about_provider(23)])
    [tomorrow] = feed(engine, [about_provider(25)])
    assert tomorrow.alert_id != today.alert_id and tomorrow.version == 1


def test_groups_are_the_same_whichever_order(make_engine) -> None:
    items = [about_provider(hour, (reason,)) for hour, reason in enumerate(["abuse", "neglect"] * 4)]
    items += [about_provider(30 + hour) for hour in range(3)]
    shuffled = list(items)
    random.Random(5).shuffle(shuffled)
    finals = []
    for order in (items, shuffled):
        latest = {}
        for alert in feed(make_engine(GROUPED_SEVERITY_RULES), order):
            latest[alert.alert_id] = alert
        finals.append(
            {
                alert_id: (a.counts["count"], a.reason_counts, a.items[0].evidence_id)
                for alert_id, a in latest.items()
            }
        )
    assert finals[0] == finals[1] and len(finals[0]) == 2


def test_a_redelivered_item_does_not_grow_the_group(make_engine) -> None:
    engine = make_engine(GROUPED_SEVERITY_RULES)
    item = about_provider(1)
    assert len(feed(engine, [item, item, item])) == 1


def test_unattributed_items_group_by_local_authority(make_engine) -> None:
    engine = make_engine(GROUPED_SEVERITY_RULES)
    alerts = feed(engine, [high_severity(DAY + timedelta(hours=n)) for n in range(3)])
    assert {(a.key.level, a.key.code) for a in alerts} == {("local_authority", "E08000004")}
    assert len({a.alert_id for a in alerts}) == 1
