"""Which alert status changes the lifecycle allows."""

from __future__ import annotations

import pytest

from schemas import AlertStatus
from services.alerts.errors import InvalidTransitionError
from services.alerts.lifecycle import check_transition


def test_alert_transitions() -> None:
    check_transition(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)
    check_transition(AlertStatus.OPEN, AlertStatus.CLOSED)
    check_transition(AlertStatus.ACKNOWLEDGED, AlertStatus.CLOSED)
    for current, target in [
        (AlertStatus.ACKNOWLEDGED, AlertStatus.ACKNOWLEDGED),
        (AlertStatus.CLOSED, AlertStatus.CLOSED),
        (AlertStatus.CLOSED, AlertStatus.ACKNOWLEDGED),
    ]:
        with pytest.raises(InvalidTransitionError):
            check_transition(current, target)
