"""Alerts that grow, escalate and reopen, on the real broker and node: the alerts worker publishes versions of
one alert (never a new alert), the index worker keeps the latest and every version, the API shows them."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest
from elasticsearch import Elasticsearch
from factories.alerts import (
    LEEDS,
    alerts_worker,
    at,
    high_severity,
    negative,
    produce,
)
from factories.index import index_directly
from fastapi.testclient import TestClient

from schemas import AlertChange, AlertRaised, AlertSeverity, AlertStatus
from services.alerts import lifecycle
from services.alerts.models import AlertFilters, AlertList, StatusChange
from services.api import create_app
from services.common.config import CommonSettings
from services.common.errors import NotFoundError, SearchUnavailableError
from services.common.indices import Names
from services.index.config import IndexSettings
from services.index.templates import delete_templates
from services.index.worker import Indexer

pytestmark = pytest.mark.integration

RULES = """
rules:
  - id: grouped
    kind: severity
    levels: [provider, location, local_authority]
    group_window: 1d
    critical_reasons: [death]
    escalate_at: 3
    severity: high
  - id: rolling
    kind: rolling_spike
    windows_days: [1]
    min_history_days: 14
    distribution: poisson
    p_value: 0.001
    min_count: 5
    floor_per_day: 0.2
    escalate_ratio: 10
    update_growth: 0.5
"""
DAY = timedelta(days=1)
MONDAY = at("2025-06-02", hour=0)


def day_of(start, count: int, **overrides) -> list:
    return [negative(start + timedelta(minutes=10 * n + 1), **overrides) for n in range(count)]


def spike_stream() -> list:
    """Oldham: one negative a day for four weeks; Monday 10 (raised at 6, grown at 9, escalated at 10);
    a normal Tuesday; Wednesday 7 (reopened)."""
    history = [item for back in range(28, 0, -1) for item in day_of(MONDAY - DAY * back, 1)]
    return history + day_of(MONDAY, 10) + day_of(MONDAY + DAY, 1) + day_of(MONDAY + 2 * DAY, 7)


def provider_stream() -> list:
    """Three harms about one provider's two locations in a day, and a death there that pages alone."""
    hours_reasons = [(8, ("neglect",)), (11, ("abuse", "safeguarding")), (14, ("neglect",)), (15, ("death",))]
    return [
        high_severity(
            MONDAY + timedelta(hours=hour),
            reasons=reasons,
            area=LEEDS,
            location_id=f"1-20{hour % 2}",
            provider_id="1-P20",
            location_name="Sunnyside Care Home",
        )
        for hour, reasons in hours_reasons
    ]


def versions_by_alert(records: list) -> dict[str, list[AlertRaised]]:
    found: dict[str, list[AlertRaised]] = defaultdict(list)
    for record in records:
        alert = AlertRaised.model_validate_json(record.value)
        assert record.key == str(alert.alert_id).encode()
        found[alert.rule_id + "|" + str(alert.alert_id)].append(alert)
    return found


def test_alerts_grow_escalate_and_reopen_as_versions_of_one_alert(
    settings: CommonSettings, es: Elasticsearch, tmp_path: Path
) -> None:
    with alerts_worker(settings, tmp_path, RULES) as worker:
        produce(settings, spike_stream() + provider_stream(), partition=0)  # one partition: event-time order
        worker.alerts.poll_until(lambda got: len(got) >= 8, deadline_s=40)
        records = worker.alerts.drain(quiet_s=2.0)
    alerts = versions_by_alert(records)
    rolling = [versions for key, versions in alerts.items() if key.startswith("rolling|")]
    grouped = [versions for key, versions in alerts.items() if key.startswith("grouped|")]

    assert len(rolling) == 1, "escalation and reopening must not raise a second spike alert"
    [spike] = rolling
    assert [(a.version, a.change, a.severity, a.counts["count"]) for a in spike] == [
        (1, AlertChange.RAISED, AlertSeverity.HIGH, 6),
        (2, AlertChange.GROWN, AlertSeverity.HIGH, 9),
        (3, AlertChange.ESCALATED, AlertSeverity.CRITICAL, 10),
        (4, AlertChange.REOPENED, AlertSeverity.CRITICAL, 7),
    ]
    assert len({a.event_id for a in spike}) == 4 and spike[0].event_id == spike[0].alert_id

    assert sorted(len(versions) for versions in grouped) == [1, 3], "one growing group, one death alone"
    group = next(versions for versions in grouped if len(versions) == 3)
    assert [(a.version, a.change, a.counts["count"]) for a in group] == [
        (1, AlertChange.RAISED, 1),
        (2, AlertChange.GROWN, 2),
        (3, AlertChange.ESCALATED, 3),
    ]
    assert group[-1].key.code == "1-P20" and group[-1].reason_counts == {
        "neglect": 2,
        "abuse": 1,
        "safeguarding": 1,
    }

    # The index worker keeps the latest version of each alert and every version; the API shows both.
    index_settings = IndexSettings(
        topic_prefix=settings.topic_prefix,
        es_index_prefix=settings.es_index_prefix,
        environment="test",
        index_linger_seconds=0.1,
    )
    names = Names(index_settings)
    first_spike = spike[0]
    stop = threading.Event()
    indexer = threading.Thread(target=Indexer(index_settings).run, args=(stop,), daemon=True)
    indexer.start()
    try:
        view = indexed(es, names, first_spike.alert_id, 4)
        assert view.version == 4 and view.change == AlertChange.REOPENED
        assert [v.change for v in view.versions] == [
            AlertChange.RAISED,
            AlertChange.GROWN,
            AlertChange.ESCALATED,
            AlertChange.REOPENED,
        ]
        group_view = indexed(es, names, group[0].alert_id, 3)
        assert group_view.severity == AlertSeverity.CRITICAL and group_view.counts["count"] == 3
        assert [item.evidence_id for item in group_view.items] == [
            item.evidence_id for item in group[-1].items
        ]
        assert {item.location_id for item in group_view.items} == {"1-200", "1-201"}
        # the inbox: the group (at its latest version) and the death
        listed = listing(es, names, "1-P20", lambda found: max(a.version for a in found.alerts) >= 3)
        assert sorted((a.version, a.counts["count"]) for a in listed.alerts) == [(1, 1), (3, 3)]

        with TestClient(create_app(settings)) as web:  # the monitoring inbox shows the group and its story
            inbox = web.get("/alerts", params={"code": "1-P20"}).text
            assert "Version 3: escalated, 3 items" in inbox
            page = web.get(f"/alerts/{group[0].alert_id}").text
            assert "Grouped items" in page and "Neglect (2), Abuse, Safeguarding" in page
            assert page.count('href="/providers/1-20') == 3
            assert "Version 3: Escalated" in page and "High to Critical severity" in page
            assert "Version 4: Reopened" in web.get(f"/alerts/{first_spike.alert_id}").text
    finally:
        stop.set()
        indexer.join(timeout=30)
        delete_templates(es, index_settings)


def indexed(es: Elasticsearch, names: Names, alert_id: UUID, version: int, deadline_s: float = 40.0):
    """The alert's view once its `version` and every version before it are indexed."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            view = lifecycle.get_alert(es, names, alert_id)
            if view.version >= version and len(view.versions) >= version:
                return view
        except (NotFoundError, SearchUnavailableError):
            pass
        time.sleep(0.3)
    raise AssertionError(f"alert {alert_id} version {version} not indexed in {deadline_s} s")


def listing(
    es: Elasticsearch,
    names: Names,
    code: str,
    shown: Callable[[AlertList], bool],
    deadline_s: float = 20.0,
) -> AlertList:
    """The alerts about `code` once the search sees two and `shown` holds of them (searches see writes
    only after a refresh, so a version the alert's own read returns may not be searchable yet)."""
    end = time.monotonic() + deadline_s
    listed = AlertList(total=0, alerts=[])
    while time.monotonic() < end and (listed.total < 2 or not shown(listed)):
        with suppress(SearchUnavailableError):
            listed = lifecycle.list_alerts(es, names, AlertFilters(code=code))
        time.sleep(0.3)
    return listed


def test_new_evidence_brings_a_closed_alert_back_and_a_replay_ends_at_the_latest(
    settings: CommonSettings, es: Elasticsearch
) -> None:
    names = Names(settings)
    raised = _spike_versions()
    alert_id = raised[0].alert_id

    def change(status: AlertStatus):
        change = StatusChange(by="j.smith", note="seen")
        return lifecycle.change_status(es, names, lambda event: None, alert_id, status, change)

    index_directly(es, settings, raised[:1])
    assert change(AlertStatus.CLOSED).status == AlertStatus.CLOSED
    index_directly(es, settings, [raised[1]])  # grown: closed no more
    assert lifecycle.get_alert(es, names, alert_id).status == AlertStatus.OPEN
    assert change(AlertStatus.ACKNOWLEDGED).status == AlertStatus.ACKNOWLEDGED
    assert change(AlertStatus.CLOSED).status == AlertStatus.CLOSED
    index_directly(es, settings, [raised[2]])  # reopened: open, the acknowledgement undone too
    index_directly(es, settings, raised)  # a redelivery replays the versions in order
    view = lifecycle.get_alert(es, names, alert_id)
    assert view.status == AlertStatus.OPEN and view.status_by is None
    assert view.version == 3 and view.change == AlertChange.REOPENED
    assert [entry.status for entry in view.history] == [
        AlertStatus.CLOSED,
        AlertStatus.ACKNOWLEDGED,
        AlertStatus.CLOSED,
        AlertStatus.OPEN,
    ]
    assert view.history[-1].by == "caresignal/alerts" and view.history[-1].note.startswith("reopened: ")
    assert [v.version for v in view.versions] == [1, 2, 3]
    listed = lifecycle.list_alerts(es, names, AlertFilters(status=AlertStatus.OPEN))
    assert [a.alert_id for a in listed.alerts] == [str(alert_id)]  # the status filter agrees with the view
    delete_templates(es, settings)


def _spike_versions() -> list[AlertRaised]:
    """Versions 1 (raised), 2 (grown) and 3 (reopened) of one spike alert, from the detector itself."""
    from services.alerts.engine import AlertEngine
    from services.alerts.rules import parse_rules

    engine = AlertEngine(parse_rules(RULES), {}, classified_partitions=6)
    history = [item for back in range(28, 0, -1) for item in day_of(MONDAY - DAY * back, 1)]
    items = history + day_of(MONDAY, 9) + day_of(MONDAY + DAY, 1) + day_of(MONDAY + 2 * DAY, 7)
    raised = [alert for item in items for alert in engine.run(item) if alert.rule_id == "rolling"]
    assert [alert.change for alert in raised] == [AlertChange.RAISED, AlertChange.GROWN, AlertChange.REOPENED]
    return raised
