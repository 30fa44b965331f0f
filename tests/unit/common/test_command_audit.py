"""The commands that read Elasticsearch are audited before they read, and refuse when they cannot be."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from schemas import AuditRecorded, SentimentLabel
from services import cli
from services.common import command_audit, terminal
from services.common.config import CommonSettings


def test_command_event_names_the_os_user_the_command_its_words_and_filters() -> None:
    params = {
        "text": "medication",
        "local_authority": "E08000004",
        "sentiment": SentimentLabel.NEGATIVE,
        "icb": None,
        "as_json": True,
        "alert_id": "1b2c",
    }
    event = command_audit.command_event("caresignal search", params, "jsmith", "bastion-1")
    assert event.via == "cli" and event.action == event.path == "caresignal search"
    assert event.actor.name == "jsmith" and event.actor.client == "cli" and event.actor.role is None
    assert event.actor.subject == "os:jsmith@bastion-1" and event.client_address == "bastion-1"
    assert event.query_text == "medication" and event.result_ids == ["1b2c"]
    assert event.filters == {
        "local_authority": ["E08000004"],
        "sentiment": ["negative"],
        "alert_id": ["1b2c"],
    }
    assert AuditRecorded.model_validate_json(event.model_dump_json()) == event  # the contract takes it


@pytest.mark.parametrize("arguments", [["search", "staff"], ["audit", "--item", "x"], ["area", "Oldham"]])
def test_a_command_that_cannot_be_audited_refuses_and_reads_nothing(
    monkeypatch: pytest.MonkeyPatch, arguments: list[str]
) -> None:
    def unwritable(settings: CommonSettings) -> command_audit.CommandSink:
        def publish(event: AuditRecorded) -> None:
            raise OSError("broker unreachable")

        return publish

    def no_reads(**options: object) -> None:
        raise AssertionError("Elasticsearch was opened by an unaudited command")

    monkeypatch.setattr(command_audit, "kafka_sink", unwritable)
    monkeypatch.setattr(terminal, "Elasticsearch", no_reads)
    result = CliRunner().invoke(cli.app, arguments)
    said = " ".join(result.output.split())  # the terminal wraps it
    assert result.exit_code == 1, said
    assert "the audit trail (audit.v1) cannot be written" in said and "reads nothing" in said, said


def test_a_command_is_audited_once_before_it_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[AuditRecorded] = []

    def recording(settings: CommonSettings) -> command_audit.CommandSink:
        return written.append

    def no_reads(**options: object) -> None:
        assert len(written) == 1, "Elasticsearch opened before the command was audited"
        raise ConnectionError("stop here")

    monkeypatch.setattr(command_audit, "kafka_sink", recording)
    monkeypatch.setattr(terminal, "Elasticsearch", no_reads)
    CliRunner().invoke(cli.app, ["search", "night staff", "--local-authority", "E08000004"])
    assert [(e.action, e.query_text, e.filters["local_authority"]) for e in written] == [
        ("caresignal search", "night staff", ["E08000004"])
    ]
