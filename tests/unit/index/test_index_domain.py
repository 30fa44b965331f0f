"""Pure parts of the index service: actions, outcomes, batching, cursors, areas, query bodies, transitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from factories.index import alert, evidence, location

from schemas import AlertChange, AlertStatus, AlertStatusChanged, Topic
from services.common.config import CommonSettings
from services.common.errors import InvalidRequestError, NotFoundError, PoisonMessageError
from services.common.indices import UNRESTRICTED_FILTER, Names
from services.index.areas import region_of, resolve_area
from services.index.batch import FillRules, Message, offsets_to_commit
from services.index.documents import alert_actions, alert_status_actions, evidence_action, location_action
from services.index.models import SearchFilters, SortOrder
from services.index.outcomes import Outcome, classify_item, worst
from services.index.routing import TopicRouter
from services.index.search import (
    COLLAPSED_WINDOW,
    decode_cursor,
    decode_offset,
    encode_cursor,
    filter_clauses,
    search_body,
)
from services.index.templates import index_template

SETTINGS = CommonSettings(topic_prefix="t-", es_index_prefix="p-")
NAMES = Names(SETTINGS)
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def test_evidence_action_targets_month_index_with_external_version() -> None:
    item = evidence("r1", statements=["safe.safeguarding", "caring.kindness_compassion_dignity"])
    action = evidence_action(item, NAMES, NOW)
    assert action["_index"] == "p-evidence-v1-2025.03"
    assert action["_id"] == str(item.evidence_id)
    assert action["version_type"] == "external_gte"
    assert action["version"] == int(item.classified_at.timestamp() * 1000)
    assert action["_source"]["quality_statement_ids"] == [
        "safe.safeguarding",
        "caring.kindness_compassion_dignity",
    ]


def test_reclassification_has_a_higher_version() -> None:
    first = evidence("r1")
    again = evidence("r1", classified_at=first.classified_at + timedelta(minutes=1))
    assert evidence_action(again, NAMES, NOW)["version"] > evidence_action(first, NAMES, NOW)["version"]


def test_location_action_uses_record_version() -> None:
    action = location_action(location("1-9", version=42), NAMES, NOW)
    assert (action["_index"], action["_id"], action["version"]) == ("p-locations-v1", "1-9", 42)


def test_alert_actions_upsert_without_touching_the_lifecycle_and_keep_each_version() -> None:
    raised = alert()
    update, version = alert_actions(raised, NAMES, NOW)
    assert update["_op_type"] == "update" and update["doc"]["version"] == raised.version == 1
    lifecycle = {"acknowledged_at", "closed_at", "status"}
    assert not lifecycle & set(update["doc"]) and not lifecycle & set(update["upsert"])
    assert (version["_index"], version["_id"]) == ("p-alert-versions-v1", str(raised.event_id))


def test_a_later_version_brings_a_closed_alert_back_and_keeps_an_acknowledgement() -> None:
    grown = alert().model_copy(update={"version": 2, "change": AlertChange.GROWN})
    update, _ = alert_actions(grown, NAMES, NOW)
    assert update["doc"]["closed_at"] is None and update["doc"]["closed_by"] is None
    assert not {"acknowledged_at", "acknowledged_by"} & set(update["doc"])


def test_a_version_an_analysts_correction_made_leaves_the_lifecycle_alone() -> None:
    for change in (AlertChange.CORRECTED, AlertChange.WITHDRAWN):
        update, _ = alert_actions(alert().model_copy(update={"version": 2, "change": change}), NAMES, NOW)
        assert not {"closed_at", "closed_by", "acknowledged_at"} & set(update["doc"])  # closed stays closed


def test_a_reopened_version_clears_the_lifecycle_steps_and_records_the_return_to_open() -> None:
    reopened = alert().model_copy(update={"version": 3, "change": AlertChange.REOPENED})
    update, _, history = alert_actions(reopened, NAMES, NOW)
    cleared = {"acknowledged_at", "acknowledged_by", "closed_at", "closed_by", "closed_note"}
    assert all(update["doc"][field] is None for field in cleared)
    assert history["_index"] == "p-alert-status-v1" and history["_source"]["status"] == "open"


def test_alert_status_actions_update_status_and_keep_history() -> None:
    change = AlertStatusChanged(
        event_id="00000000-0000-0000-0000-000000000001", occurred_at=NOW, source="x",
        alert_id="00000000-0000-0000-0000-000000000002", status=AlertStatus.CLOSED, by="Ann", at=NOW,
    )  # fmt: skip
    update, history = alert_status_actions(change, NAMES, NOW)
    assert update["doc"]["closed_by"] == "Ann" and update["doc_as_upsert"] is True
    assert not {"acknowledged_at", "status"} & set(update["doc"])  # another step's fields are never touched
    assert history["_index"] == "p-alert-status-v1" and history["_id"] == str(change.event_id)


def test_router_rejects_undecodable_and_invalid_messages_as_poison() -> None:
    router = TopicRouter(SETTINGS)
    topic = SETTINGS.topic(Topic.EVIDENCE_CLASSIFIED)
    with pytest.raises(PoisonMessageError):
        router.actions_for(topic, b"{not json", NOW)
    with pytest.raises(PoisonMessageError):
        router.actions_for(topic, None, NOW)
    assert router.dead_letter_topic(topic) == "t-evidence.classified.v1.dlq"
    assert router.dead_letter_topic(SETTINGS.topic(Topic.ALERTS_STATUS)) == "t-alerts.status.v1.dlq"


@pytest.mark.parametrize(
    ("ok", "status", "expected"),
    [(True, 201, Outcome.DONE), (False, 409, Outcome.SUPERSEDED), (False, 400, Outcome.REJECTED),
     (False, 429, Outcome.TRANSIENT), (False, 503, Outcome.TRANSIENT)],
)  # fmt: skip
def test_bulk_items_are_classified_by_status(ok: bool, status: int, expected: Outcome) -> None:
    item = {"index": {"status": status, "error": {"type": "mapper_parsing_exception", "reason": "bad"}}}
    outcome, reason = classify_item(ok, item)
    assert outcome is expected
    if not ok:
        assert reason and reason.startswith("mapper_parsing_exception: bad")


def test_worst_outcome_prefers_transient_then_rejected() -> None:
    assert worst([Outcome.DONE, Outcome.REJECTED, Outcome.TRANSIENT]) is Outcome.TRANSIENT
    assert worst([Outcome.DONE, Outcome.REJECTED]) is Outcome.REJECTED
    assert worst([Outcome.SUPERSEDED]) is Outcome.DONE


def test_fill_rules_and_offsets() -> None:
    rules = FillRules(max_messages=3, max_bytes=100, linger_seconds=1.0)
    assert rules.is_full(3, 0) and rules.is_full(1, 100) and not rules.is_full(2, 99)
    assert rules.remaining_seconds(10.0, now=10.4) == pytest.approx(0.6)
    messages = [Message("a", 0, 5, None, b""), Message("a", 0, 7, None, b""), Message("a", 1, 2, None, b"")]
    assert offsets_to_commit(messages) == {("a", 0): 8, ("a", 1): 3}


def test_cursor_round_trip_and_rejections() -> None:
    cursor = encode_cursor(SortOrder.DATE, [1700000000000, "abc"])
    assert decode_cursor(cursor, SortOrder.DATE) == [1700000000000, "abc"]
    with pytest.raises(InvalidRequestError):
        decode_cursor(cursor, SortOrder.RELEVANCE)
    with pytest.raises(InvalidRequestError):
        decode_cursor("%%%", SortOrder.DATE)


def test_cursors_of_the_two_modes_are_not_interchangeable() -> None:
    offset = encode_cursor(SortOrder.DATE, 40)
    assert decode_offset(offset, SortOrder.DATE) == 40
    after = encode_cursor(SortOrder.DATE, [1700000000000, "abc"])
    with pytest.raises(InvalidRequestError):
        decode_offset(after, SortOrder.DATE)  # a search_after cursor in a collapsed search
    with pytest.raises(InvalidRequestError):
        decode_cursor(offset, SortOrder.DATE)  # and an offset in a search of every copy
    for bad in (-1, COLLAPSED_WINDOW, True):
        with pytest.raises(InvalidRequestError):
            decode_offset(encode_cursor(SortOrder.DATE, bad), SortOrder.DATE)


def test_search_body_collapses_by_cluster_with_from_and_one_hit_more() -> None:
    cursor = encode_cursor(SortOrder.RELEVANCE, 20)
    body = search_body(None, SearchFilters(), sort=SortOrder.RELEVANCE, size=20, cursor=cursor, collapse=True)
    assert body["collapse"]["field"] == "cluster_id"
    assert (body["from"], body["size"]) == (20, 21) and "search_after" not in body
    near_end = encode_cursor(SortOrder.RELEVANCE, COLLAPSED_WINDOW - 5)
    body = search_body(
        None, SearchFilters(), sort=SortOrder.RELEVANCE, size=20, cursor=near_end, collapse=True
    )
    assert body["from"] + body["size"] == COLLAPSED_WINDOW  # never past index.max_result_window
    one_cluster = SearchFilters(cluster="c-1")  # lists its copies: never collapsed
    body = search_body(None, one_cluster, sort=SortOrder.DATE, size=20, cursor=None, collapse=True)
    assert "collapse" not in body and "from" not in body


def test_search_body_filters_sorts_and_lemmatises() -> None:
    filters = SearchFilters(icb="E54000057", sentiment="negative", location_id="1-9", date_from=NOW)
    body = search_body(
        "Missed visits", filters, sort=SortOrder.DATE, size=5, cursor=None, lemmatise=str.upper
    )
    icb, negative = {"term": {"area.icb_code": "E54000057"}}, {"term": {"sentiment.label": "negative"}}
    assert body["query"]["bool"]["filter"] == [
        {"term": {"provider.location_id": "1-9"}},
        {"range": {"occurred_at": {"gte": "2025-01-01T00:00:00Z"}}},
    ]
    assert body["post_filter"] == {"bool": {"filter": [icb, negative]}}
    assert body["aggs"]["sentiment"]["filter"] == {"bool": {"filter": [icb]}}  # its own filter left out
    assert body["aggs"]["icb"]["filter"] == {"bool": {"filter": [negative]}}
    assert body["aggs"]["source_type"]["filter"] == {"bool": {"filter": [icb, negative]}}
    assert body["sort"][-1] == {"evidence_id": "asc"}
    should = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert should[1] == {"match": {"lemmas": {"query": "MISSED VISITS"}}}


def test_areas_resolve_by_level_and_districts_to_upper_tier() -> None:
    assert resolve_area("E12000002").level == "region"
    assert resolve_area("E54000057").level == "icb"
    assert resolve_area("e08000004").name == "Oldham"
    district = resolve_area("E07000008")  # Cambridge → Cambridgeshire
    assert (district.level, district.code, district.resolved_from) == (
        "local_authority",
        "E10000003",
        "E07000008",
    )
    with pytest.raises(NotFoundError):
        resolve_area("E99999999")
    with pytest.raises(NotFoundError):
        filter_clauses(SearchFilters(local_authority="nowhere"))


def test_regions_of_councils_and_icbs_are_their_comparators() -> None:
    assert region_of(resolve_area("E08000004")).name == "North West"
    assert region_of(resolve_area("E54000057")).code == "E12000002"
    assert region_of(resolve_area("E12000002")) is None
    assert region_of(resolve_area("E54000048")).name == "North West"  # 16 of its 17 districts


def test_index_templates_are_prefixed_and_versioned() -> None:
    body = index_template(SETTINGS, "evidence")
    assert body["index_patterns"] == ["p-evidence-v1-*"]
    assert body["composed_of"] == ["p-caresignal-settings", "p-caresignal-envelope", "p-caresignal-area"]
    assert body["template"]["aliases"] == {
        "p-evidence": {},
        "p-evidence-unrestricted": {"filter": UNRESTRICTED_FILTER},  # what callers without `sensitive` read
    }
    assert body["version"] >= 1 and body["_meta"]["owner"] == "caresignal-index"
