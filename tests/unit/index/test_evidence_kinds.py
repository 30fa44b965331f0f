"""Soft intelligence and inspection results apart: search filters, rating changes, repairs."""

from __future__ import annotations

from datetime import UTC, datetime

from factories.index import evidence

from schemas import InspectionFinding, KeyQuestion, Rating, SentimentLabel, SourceType
from services.index.inspection_results import direction, parse_rating_changes
from services.index.models import SearchFilters, SortOrder
from services.index.repair import repair_action
from services.index.search import filter_clauses, search_body

SOFT = ["healthwatch_feedback", "call_centre_note", "social_media_comment"]
REPORT = datetime(2024, 5, 1, tzinfo=UTC)


def test_search_filters_either_kind_of_evidence() -> None:
    soft = filter_clauses(SearchFilters(evidence_kind="soft_intelligence"))
    assert soft == {"evidence_kind": {"terms": {"source_type": SOFT}}}
    ratings = filter_clauses(SearchFilters(evidence_kind="inspection_result", rating="Inadequate"))
    assert ratings == {
        "evidence_kind": {"terms": {"source_type": ["inspection_result"]}},
        "rating": {"term": {"inspection.rating": "Inadequate"}},
    }


def test_search_source_type_takes_one_or_several_values() -> None:
    assert SearchFilters(source_type="social_media_comment").source_type == [SourceType.SOCIAL_MEDIA_COMMENT]
    several = SearchFilters(source_type=["social_media_comment", "call_centre_note"])
    body = search_body(None, several, sort=SortOrder.DATE, size=5, cursor=None)
    assert body["post_filter"] == {
        "bool": {"filter": [{"terms": {"source_type": ["social_media_comment", "call_centre_note"]}}]}
    }
    assert body["aggs"]["rating"]["aggs"]["values"]["terms"]["field"] == "inspection.rating"


def test_rating_change_direction() -> None:
    assert direction(Rating.GOOD, Rating.REQUIRES_IMPROVEMENT) == "declined"
    assert direction(Rating.INADEQUATE, Rating.GOOD) == "improved"
    assert direction(Rating.INSPECTED_NOT_RATED, Rating.GOOD) == "changed"


def test_rating_changes_count_every_pair_and_list_the_latest() -> None:
    response = {
        "hits": {
            "hits": [
                {
                    "_source": {
                        "evidence_id": "e-1",
                        "occurred_at": "2024-05-01T00:00:00Z",
                        "provider": {"location_id": "1-5", "name": "Oakwood"},
                        "inspection": {
                            "key_question": "safe",
                            "rating": "Inadequate",
                            "previous_rating": "Good",
                            "report_date": "2024-05-01T00:00:00Z",
                        },
                    }
                }
            ]
        },
        "aggregations": {
            "pairs": {
                "buckets": [
                    {"key": "Good", "to": {"buckets": [{"key": "Inadequate", "doc_count": 2}]}},
                    {"key": "Requires improvement", "to": {"buckets": [{"key": "Good", "doc_count": 3}]}},
                    {"key": "Inspected but not rated", "to": {"buckets": [{"key": "Good", "doc_count": 1}]}},
                ]
            }
        },
    }
    changes = parse_rating_changes(response)
    assert (changes.improved, changes.declined, changes.changed) == (3, 2, 1)
    [latest] = changes.latest
    assert (latest.location_id, latest.key_question, latest.direction) == (
        "1-5",
        KeyQuestion.SAFE,
        "declined",
    )


def _indexed(item) -> dict:  # type: ignore[no-untyped-def]
    from services.index.documents import evidence_document

    return {
        "_index": "evidence-v1-2024.05",
        "_id": str(item.evidence_id),
        "_version": 1714521605000,
        "_source": evidence_document(item, REPORT),
    }


def test_repair_rewrites_an_inspection_result_read_from_its_template_words() -> None:
    old = evidence(
        "1-5:well_led:2024-05-01",
        text="Well-led rating for Oakwood: Requires improvement (report 2024-05-01).",
        source_type=SourceType.INSPECTION_RESULT,
        statements=["well_led.capable_leaders"],
        sentiment=SentimentLabel.POSITIVE,
    ).model_copy(
        update={
            "inspection": InspectionFinding(
                key_question=KeyQuestion.WELL_LED, rating=Rating.REQUIRES_IMPROVEMENT, report_date=REPORT
            )
        }
    )
    action = repair_action(_indexed(old), REPORT)
    assert action is not None
    assert (action["_index"], action["_id"]) == ("evidence-v1-2024.05", str(old.evidence_id))
    assert (action["version"], action["version_type"]) == (1714521605000, "external_gte")
    document = action["_source"]
    assert document["sentiment"] == {"label": "negative", "score": 1.0, "polarity": -1.0, "method": "rating"}
    assert document["quality_statement_ids"] == [] and document["quality_statements"] == []
    assert document["key_questions"] == ["well_led"]
    assert document["text"] == old.text
    assert repair_action({**_indexed(old), "_source": document}, REPORT) is None  # already right


def test_repair_leaves_soft_intelligence_alone() -> None:
    assert repair_action(_indexed(evidence("hw-1")), REPORT) is None
