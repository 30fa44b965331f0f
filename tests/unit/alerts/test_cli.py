"""`caresignal alert-rules check`: lists a good rules file, names every problem of a bad one, exit codes."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from services.alerts.config import AlertsSettings
from services.cli import app


def test_alert_rules_check_lists_the_rules_of_a_good_file() -> None:
    result = CliRunner().invoke(app, ["alert-rules", "check", str(AlertsSettings().alerts_rules_file)])
    assert result.exit_code == 0, result.output
    assert "negative-spike-la" in result.output and "enabled: OK" in result.output


def test_alert_rules_check_exits_1_naming_the_rule_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "rules.yaml"
    broken.write_text("rules:\n  - id: my-spike\n    kind: spike\n    severity: enormous\n")
    result = CliRunner().invoke(app, ["alert-rules", "check", str(broken)])
    assert result.exit_code == 1
    assert "my-spike" in result.output and "severity" in result.output and "OK" not in result.output
