"""Alerts as a reader without the sensitive role sees them: restricted evidence left out, its count kept.

An alert names the items that raised it (`evidence_ids`, a grouped alert's `items`). For a reader whose
role may not read restricted items (`Names.include_restricted` false) those items are removed and
`restricted_not_shown` says how many were; an alert raised by restricted items alone also has its reason
withheld, because a single item's reason describes it (source, place, day, safeguarding reasons). The
statistics that fired (`counts`) stay: they are the rule's, over every item.
"""

from __future__ import annotations

from collections.abc import Iterable

from elasticsearch import Elasticsearch

from services.alerts.models import AlertView
from services.common.http import elasticsearch_errors
from services.common.indices import RESTRICTED_FILTER, Names

WITHHELD_REASON = "Raised by restricted items: the reason is shown to the sensitive role only."


def evidence_of(alert: AlertView) -> set[str]:
    """Every evidence id the alert names."""
    return {*alert.evidence_ids, *(str(item.evidence_id) for item in alert.items)}


def restricted_ids(es: Elasticsearch, names: Names, ids: Iterable[str]) -> set[str]:
    """Which of these evidence ids are restricted items (one request, ids only)."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    with elasticsearch_errors():
        response = es.search(
            index=names.evidence_alias,
            size=len(wanted),
            source=False,
            query={"bool": {"filter": [{"ids": {"values": wanted}}, RESTRICTED_FILTER]}},
        )
    return {hit["_id"] for hit in response["hits"]["hits"]}


def without(alert: AlertView, restricted: set[str]) -> AlertView:
    """The alert with the restricted items among `restricted` left out and counted."""
    named = evidence_of(alert)
    hidden = named & restricted
    if not hidden:
        return alert
    changes: dict[str, object] = {
        "evidence_ids": [i for i in alert.evidence_ids if i not in hidden],
        "items": [item for item in alert.items if str(item.evidence_id) not in hidden],
        "restricted_not_shown": len(hidden),
    }
    if hidden == named:
        changes |= {
            "reason": WITHHELD_REASON,
            "reason_counts": {},
            "versions": [v.model_copy(update={"reason": WITHHELD_REASON}) for v in alert.versions],
        }
    return alert.model_copy(update=changes)


def visible(es: Elasticsearch, names: Names, alerts: list[AlertView]) -> list[AlertView]:
    """The alerts as the reader `names` stands for may see them."""
    if names.include_restricted:
        return alerts
    restricted = restricted_ids(es, names, (i for alert in alerts for i in evidence_of(alert)))
    return [without(alert, restricted) for alert in alerts]
