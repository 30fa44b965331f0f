"""Overlapping bulk requests: which writes may overlap, and the corrections of batches still in flight."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from factories.index import alert, evidence

from schemas import EvidenceCorrected
from services.common.config import CommonSettings
from services.common.indices import Names
from services.index.batch import Message
from services.index.documents import alert_actions, correction_actions, evidence_action
from services.index.inflight import InFlight, is_commutative, latest_of

NAMES = Names(CommonSettings(es_index_prefix="p-"))
EXAMPLE = Path(__file__).parents[3] / "schemas/examples/EvidenceCorrected/statement_and_severity.json"


def correction() -> EvidenceCorrected:
    return EvidenceCorrected.model_validate_json(EXAMPLE.read_bytes())


def flight(*action_lists: list[dict]) -> InFlight:
    messages = []
    for offset, actions in enumerate(action_lists):
        message = Message("t", 0, offset, None, b"{}")
        message.actions = actions
        messages.append(message)
    return InFlight(messages, began=0.0)


def test_versioned_index_writes_commute_and_updates_do_not() -> None:
    item = evidence("r1")
    assert is_commutative(evidence_action(item, NAMES, item.classified_at))
    update, version = alert_actions(alert(), NAMES, item.classified_at)
    assert not is_commutative(update) and not is_commutative(version)


def test_two_classifications_of_one_item_overlap_but_a_correction_of_it_waits() -> None:
    item = evidence("r1")
    again = evidence("r1", classified_at=item.classified_at + timedelta(minutes=1))
    first = flight([evidence_action(item, NAMES, item.classified_at)])
    second = flight([evidence_action(again, NAMES, again.classified_at)])
    assert not second.conflicts_with(first)
    fix = correction()
    corrected = flight(correction_actions(fix, NAMES, fix.occurred_at))
    classified = evidence_action(evidence("r2"), NAMES, item.classified_at)
    of_it = flight([{**classified, "_id": str(fix.evidence_id)}])
    assert corrected.conflicts_with(of_it) and of_it.conflicts_with(corrected)
    assert not corrected.conflicts_with(first)


def test_versions_of_one_alert_never_overlap() -> None:
    raised = alert()
    later = raised.model_copy(update={"version": 2})
    assert flight(alert_actions(later, NAMES, raised.occurred_at)).conflicts_with(
        flight(alert_actions(raised, NAMES, raised.occurred_at))
    )


def test_a_correction_still_in_flight_is_applied_and_the_latest_wins() -> None:
    written = correction()
    newer = written.model_copy(update={"occurred_at": written.occurred_at + timedelta(hours=1)})
    older = written.model_copy(update={"occurred_at": written.occurred_at - timedelta(hours=1)})
    key = str(written.evidence_id)
    assert latest_of({}, [written])[key] is written
    assert latest_of({key: written}, [newer])[key] is newer
    assert latest_of({key: written}, [older])[key] is written
    assert latest_of({key: written}, [])[key] is written
