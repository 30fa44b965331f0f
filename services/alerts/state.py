"""What every detector shares: a key's stored state, the (state, alerts) result, silences, and words."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from schemas.alerts import AlertKey, AlertRaised
from services.alerts.domain import Observation
from services.alerts.rules import NewTermRule, RollingSpikeRule, SpikeRule

Detected = tuple[dict[str, Any] | None, list[AlertRaised]]


def within_silence(last: datetime | None, at: datetime, silence: timedelta) -> bool:
    """True when an alert at `last` silences one at `at`: the same time, or closer than `silence`."""
    return last is not None and (at == last or abs(at - last) < silence)


class State(BaseModel):
    model_config = ConfigDict(extra="ignore")

    partition: int | None = Field(default=None, description="Observations partition the key lives in.")
    key: AlertKey
    label: str

    @classmethod
    def load(cls, raw: dict[str, Any] | None, observation: Observation) -> Self:
        """The stored state, or a fresh one for the observation's key."""
        return cls.model_validate(raw) if raw else cls(key=observation.key, label=observation.label)


def items_phrase(rule: SpikeRule | RollingSpikeRule | NewTermRule) -> str:
    words = [rule.match.sentiment.value] if rule.match.sentiment else []
    if rule.match.severity:
        words.append(f"{rule.match.severity.value}-severity")
    noun = f"{rule.match.source_type.value.replace('_', ' ')}s" if rule.match.source_type else "items"
    return " ".join([*words, noun])


def match_filters(rule: SpikeRule | RollingSpikeRule | NewTermRule) -> dict[str, str | None]:
    """The search filters of the items a rule counts."""
    match = rule.match
    return {
        "sentiment": match.sentiment and match.sentiment.value,
        "severity": match.severity and match.severity.value,
        "source_type": match.source_type and match.source_type.value,
    }
