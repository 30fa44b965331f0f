"""`caresignal classify`: one JSON line out per line in, errors per line, streaming in batches."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

import pytest
from typer.testing import CliRunner

from schemas.evidence import Sentiment, SentimentLabel, Severity, SeverityLevel
from services.classify.analyser import TextAnalysis
from services.classify.cli import classify_stream


class FakeAnalyser:
    model_name = "fake"
    model_version = "9.9.9"

    def __init__(self) -> None:
        self.batches: list[int] = []

    def analyse(self, texts: Sequence[str]) -> list[TextAnalysis]:
        self.batches.append(len(texts))
        if any("BOOM" in t for t in texts):
            raise RuntimeError("cannot analyse")
        return [
            TextAnalysis(
                sentiment=Sentiment(label=SentimentLabel.NEUTRAL, score=0.5),
                severity=Severity(level=SeverityLevel.NORMAL),
                redacted_text=t.upper(),
            )
            for t in texts
        ]


def _run(lines: list[str], batch_size: int = 256) -> tuple[list[dict], FakeAnalyser, dict]:
    out = io.StringIO()
    fake = FakeAnalyser()
    stats = classify_stream(fake, [line + "\n" for line in lines], out, batch_size)
    return [json.loads(line) for line in out.getvalue().splitlines()], fake, stats


def test_cli_classify_writes_one_line_per_input_line() -> None:
    lines = [json.dumps({"id": i, "text": f"text {i}"}) for i in range(10)]
    lines[3] = "{not json"
    lines[5] = json.dumps({"id": "no-text"})
    lines[6] = json.dumps(["a", "list"])
    lines[7] = ""
    lines[8] = json.dumps({"id": 8, "text": "   "})
    records, _, stats = _run(lines)
    assert len(records) == 10
    assert [r.get("id") for r in records] == [0, 1, 2, None, 4, "no-text", None, None, 8, 9]
    assert records[3]["error"]["type"] == "invalid_json"
    assert records[5]["error"]["type"] == "invalid_input"
    assert records[6]["error"]["type"] == "invalid_input"
    assert records[8]["error"]["type"] == "invalid_input"
    assert records[9]["redacted_text"] == "TEXT 9"
    assert records[9]["sentiment"] == {"label": "neutral", "score": 0.5, "polarity": None, "method": "model"}
    assert records[9]["severity"]["level"] == "normal"
    assert records[9]["quality_statements"] == []
    assert records[9]["model_version"] == "9.9.9"
    assert stats == {"lines": 10, "classified": 5, "errors": 5}


def test_cli_classify_streams_in_batches() -> None:
    lines = [json.dumps({"id": i, "text": "x"}) for i in range(600)]
    records, fake, _ = _run(lines, batch_size=256)
    assert fake.batches == [256, 256, 88]
    assert [r["id"] for r in records] == list(range(600))


def test_cli_classify_isolates_a_failing_text() -> None:
    lines = [json.dumps({"id": i, "text": "BOOM" if i == 2 else "ok"}) for i in range(4)]
    records, _, stats = _run(lines)
    assert [("error" in r) for r in records] == [False, False, True, False]
    assert records[2]["error"]["type"] == "analysis_failed"
    assert stats["errors"] == 1


def test_cli_classify_without_model_exits_with_hint(tmp_path) -> None:
    from services.cli import app

    result = CliRunner().invoke(app, ["classify", "--model-dir", str(tmp_path / "none")], input="")
    assert result.exit_code == 2
    assert "caresignal train" in result.output


@pytest.mark.slow
def test_cli_classify_with_trained_model(trained_model_dir) -> None:
    from services.cli import app

    lines = [
        {"id": "a", "text": "Waited five hours for the ambulance to arrive, far too long."},
        {"id": "b", "text": "The paramedics were so kind and caring, thank you."},
        {"id": "c", "text": "My mum was left in soiled sheets and staffing is dangerously low."},
        {"id": "d", "text": "Call me on 07700 900123 or email jo@example.com. Dr Patel was rude."},
    ]
    stdin = "\n".join(json.dumps(line) for line in lines) + "\nnot json\n"
    result = CliRunner().invoke(app, ["classify", "--model-dir", str(trained_model_dir)], input=stdin)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(records) == 5
    by_id = {r["id"]: r for r in records[:4]}
    assert "responsive.equity_in_access" in {s["id"] for s in by_id["a"]["quality_statements"]}
    assert by_id["a"]["sentiment"]["label"] == "negative"
    assert "caring.kindness_compassion_dignity" in {s["id"] for s in by_id["b"]["quality_statements"]}
    assert by_id["b"]["sentiment"]["label"] == "positive"
    assert by_id["c"]["severity"]["level"] == "high"
    assert set(by_id["c"]["severity"]["reasons"]) == {"neglect", "unsafe_staffing"}
    assert by_id["d"]["redacted_text"] == "Call me on [PHONE] or email [EMAIL]. Dr [PERSON] was rude."
    for record in by_id.values():
        assert all(0 <= s["score"] <= 1 for s in record["quality_statements"])
        assert 0 <= record["sentiment"]["score"] <= 1
    assert records[4]["error"]["type"] == "invalid_json"
