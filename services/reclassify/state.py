"""A re-classification run's progress, kept in Elasticsearch (`reclassify-runs-v1`, one document per run)
so that a killed run resumes where its last acknowledged batch ended, from any machine."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from elasticsearch import Elasticsearch
from pydantic import BaseModel, Field

from services.common.indices import Names

RUNS_MAPPING = {  # the rest (months and their cursors) is kept in _source only
    "dynamic": False,
    "properties": {"generation": {"type": "integer"}, "status": {"type": "keyword"}},
}


class MonthState(BaseModel):
    source: str  # the index searches read when the run started
    target: str  # the next generation's index
    after: str | None = None  # the last evidence id copied (documents are copied in id order)
    copied: int = 0
    done: bool = False


class RunState(BaseModel):
    generation: int
    model_version: str
    started_at: datetime
    status: Literal["copying", "blocked", "done", "abandoned"] = "copying"
    blocked_at: datetime | None = None
    finished_at: datetime | None = None
    seconds: float = 0.0
    months: dict[str, MonthState] = Field(default_factory=dict)

    @classmethod
    def new(cls, generation: int, model_version: str, now: datetime) -> RunState:
        return cls(generation=generation, model_version=model_version, started_at=now)

    @property
    def run_id(self) -> str:
        return f"generation-{self.generation}"


class RunStore:
    def __init__(self, es: Elasticsearch, names: Names) -> None:
        self.es = es
        self.index = names.reclassify_runs_index

    def save(self, run: RunState) -> None:
        if not self.es.indices.exists(index=self.index):
            self.es.options(ignore_status=400).indices.create(index=self.index, mappings=RUNS_MAPPING)
        self.es.index(index=self.index, id=run.run_id, document=run.model_dump(mode="json"), refresh=True)

    def unfinished(self) -> RunState | None:
        if not self.es.indices.exists(index=self.index):
            return None
        response = self.es.search(
            index=self.index,
            query={"bool": {"must_not": {"terms": {"status": ["done", "abandoned"]}}}},
            size=10,
        )
        runs = [RunState.model_validate(hit["_source"]) for hit in response["hits"]["hits"]]
        return max(runs, key=lambda run: run.generation) if runs else None

    def latest(self) -> RunState | None:
        if not self.es.indices.exists(index=self.index):
            return None
        response = self.es.search(index=self.index, size=100)
        runs = [RunState.model_validate(hit["_source"]) for hit in response["hits"]["hits"]]
        return max(runs, key=lambda run: run.generation) if runs else None
