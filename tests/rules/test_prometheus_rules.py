"""The chart's Prometheus alerting rules pass `promtool check rules` (syntax, PromQL, templates) and fire when
and as they should on sample series (`promtool test rules`, cases in prometheus-rules-test.yaml)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from deploy.manifests import CHART_DIR
from deploy.promtool import promtool_path
from deploy.settings import StackSettings

RULES = CHART_DIR / "files" / "prometheus-rules.yaml"
RULE_CASES = Path(__file__).with_name("prometheus-rules-test.yaml")


def _promtool() -> Path:
    binary = promtool_path(StackSettings().cache_dir)
    if not binary.is_file():
        pytest.fail(f"promtool not found at {binary}: run `make promtool` (built from the Go module proxy)")
    return binary


def test_the_alerting_rules_pass_promtool_check_rules() -> None:
    result = subprocess.run(
        [str(_promtool()), "check", "rules", str(RULES)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout and "rules found" in result.stdout, result.stdout


def test_the_alerting_rules_fire_when_and_as_the_cases_expect() -> None:
    result = subprocess.run(
        [str(_promtool()), "test", "rules", str(RULE_CASES)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_check_rules_refuses_a_broken_rule(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "groups:\n  - name: g\n    rules:\n      - alert: Broken\n        expr: sum by (service (x)\n"
    )
    result = subprocess.run(
        [str(_promtool()), "check", "rules", str(broken)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "FAILED" in result.stdout + result.stderr
