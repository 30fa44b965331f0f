"""Repair indexed inspection results in place: re-derive their fields from the rating they carry.

Documents indexed before classify read inspection results as structured facts hold sentiment, quality
statements and severity taken from template words. `repair_inspection_results` rewrites each one with
`read_inspection_result` (the rule classify applies today), so a running installation is corrected without
re-ingesting. Each rewrite keeps the document's external version (its classified_at), so a newer
classification written meanwhile wins and the repair of that document is skipped as superseded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch, helpers
from pydantic import BaseModel

from schemas import EvidenceClassified, SourceType, read_inspection_result
from services.common.http import elasticsearch_errors
from services.common.indices import MAY_BE_EMPTY, Names
from services.index.documents import Action, evidence_document

log = logging.getLogger(__name__)


class RepairSummary(BaseModel):
    scanned: int = 0
    repaired: int = 0
    unchanged: int = 0
    superseded: int = 0
    failed: int = 0
    dry_run: bool = False


def repair_action(hit: dict[str, Any], indexed_at: datetime) -> Action | None:
    """The index action that corrects one inspection-result hit, or None when it is already right."""
    event = EvidenceClassified.model_validate(hit["_source"])
    if event.source_type is not SourceType.INSPECTION_RESULT:
        return None
    fixed = read_inspection_result(event)
    if fixed == event:
        return None
    return {
        "_op_type": "index",
        "_index": hit["_index"],
        "_id": hit["_id"],
        "version": hit["_version"],
        "version_type": "external_gte",
        "_source": evidence_document(fixed, indexed_at),
    }


def _actions(es: Elasticsearch, names: Names, summary: RepairSummary) -> Iterator[Action]:
    hits = helpers.scan(
        es,
        index=names.evidence_alias,
        query={"query": {"term": {"source_type": SourceType.INSPECTION_RESULT.value}}},
        version=True,
        ignore_unavailable=True,
    )
    indexed_at = datetime.now(UTC)
    for hit in hits:
        summary.scanned += 1
        action = repair_action(hit, indexed_at)
        if action is None:
            summary.unchanged += 1
        elif not summary.dry_run:
            yield action
        else:
            summary.repaired += 1


def repair_inspection_results(es: Elasticsearch, names: Names, *, dry_run: bool = False) -> RepairSummary:
    """Rewrite every indexed inspection result whose fields do not follow from its rating."""
    summary = RepairSummary(dry_run=dry_run)
    with elasticsearch_errors():
        for ok, item in helpers.streaming_bulk(
            es, _actions(es, names, summary), chunk_size=500, raise_on_error=False, max_retries=3
        ):
            result = item["index"]
            if ok:
                summary.repaired += 1
            elif result.get("status") == 409:  # a newer classification was written meanwhile
                summary.superseded += 1
            else:
                summary.failed += 1
                log.warning("inspection result %s not repaired: %s", result.get("_id"), result.get("error"))
        es.indices.refresh(index=names.evidence_alias, **MAY_BE_EMPTY)
    log.info("inspection results repaired", extra=summary.model_dump())
    return summary
