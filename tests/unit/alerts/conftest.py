"""An engine over a plain dict, with the rules given as YAML."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from services.alerts.engine import AlertEngine
from services.alerts.rules import parse_rules

MakeEngine = Callable[[str], AlertEngine]


@pytest.fixture
def make_engine() -> MakeEngine:
    def build(rules_yaml: str) -> AlertEngine:
        return AlertEngine(parse_rules(rules_yaml), {}, classified_partitions=6)

    return build
