"""Re-classify everything indexed with the current model, into the next generation of monthly indices,
then switch the `evidence` alias to it atomically.

Input: the indexed documents. The raw topic keeps items for 3 days and holds personal data; the index
holds every item, redacted, for as long as it is kept (the classified topic only 90 days). So the model
runs on the redacted text: personal data cannot come back (a better redactor can only take more out).

One run at a time: the caller holds a lease (`services/reclassify/lease.py`), renewed before every write
and checkpoint. Steps, each resumable (the run's state is a document in `reclassify-runs-v1`, saved after
every batch the target acknowledged, like a committed offset):

1. copy: each month's documents in evidence-id order, re-classified, with the item's latest analyst
   correction applied again over the new labels, into `evidence-v1-gen<N>-YYYY.MM`;
2. catch up: documents indexed or corrected since the run started (the index worker and the
   corrections API keep writing to the old indices) are copied again;
3. block writes on the old indices, catch up once more, check that every month holds the same number
   of documents in both generations (copying what is missing), move the `evidence` alias of all months
   in one request, and after a drain period delete the old indices (`services/index/generations.py`).

The catch-ups copy only documents whose copy is missing or older: a copy keeps its source's
`indexed_at` and records the latest correction, so a later write or correction shows.

Alerts are not re-run: re-classified items are not published to evidence.classified.v1, so the alerts
worker never sees evidence it already covered a second time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from services.classify.analyser import Classifier
from services.classify.domain import reclassified
from services.common.indices import Names
from services.index.corrections import latest_corrections
from services.index.documents import evidence_action
from services.index.evidence import IndexedEvidence
from services.index.generations import block_writes, create_generation_index, live_months, switch
from services.index.sink import BulkSink
from services.reclassify.lease import Lease
from services.reclassify.state import MonthState, RunState, RunStore

log = logging.getLogger(__name__)
CLOCK_MARGIN = timedelta(minutes=5)  # writers' clocks may lag ours: catch up from a little earlier
MAX_CHUNK_BYTES = 20 * 1024 * 1024
DRAIN_SECONDS = 20.0  # longer than a search may run (the API gives up on Elasticsearch after 15 s)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Summary:
    generation: int
    model_version: str
    documents: int  # in the new generation, copied by this run and any it resumed
    copied_now: int  # copied by this invocation (the throughput's numerator)
    months: int
    copy_seconds: float
    total_seconds: float
    caught_up: int

    @property
    def documents_per_second(self) -> float:
        return self.copied_now / self.copy_seconds if self.copy_seconds else 0.0


class Reclassifier:
    def __init__(
        self,
        es: Elasticsearch,
        names: Names,
        analyser: Classifier,
        batch_size: int = 256,
        drain_seconds: float = DRAIN_SECONDS,
        lease: Lease | None = None,
    ) -> None:
        self.es = es
        self.lease = lease
        self.drain_seconds = drain_seconds
        self.names = names
        self.analyser = analyser
        self.batch_size = batch_size
        self.store = RunStore(es, names)
        self.sink = BulkSink(es, max_chunk_bytes=MAX_CHUNK_BYTES)
        self.copied_now = 0

    # ---- the run ---------------------------------------------------------------------------------

    def start_or_resume(self) -> RunState:
        """The unfinished run for this model, or a new one over every live month."""
        run = self.store.unfinished()
        if run is not None:
            if run.model_version != self.analyser.model_version:
                raise RuntimeError(
                    f"an unfinished run re-classifies with {run.model_version}, not the current "
                    f"{self.analyser.model_version}: resume it with that model or `--abandon` it"
                )
            log.info("resuming re-classification into generation %d", run.generation)
            return run
        from services.index.generations import next_generation

        generation = next_generation(self.es, self.names)
        run = RunState.new(generation, self.analyser.model_version, datetime.now(UTC))
        for month in live_months(self.es, self.names).values():
            run.months[month.month] = MonthState(
                source=month.index, target=self.names.evidence_generation_index(generation, month.month)
            )
        self._save(run)
        return run

    def to_do(self, run: RunState) -> int:
        """Documents left to copy (for a progress bar's total)."""
        return sum(self._count(m.source) - m.copied for m in run.months.values() if not m.done)

    def run(self, run: RunState, progress: Progress = lambda n: None) -> Summary:
        started = time.monotonic()
        if run.status == "blocked" and not any(self._is_index(m.source) for m in run.months.values()):
            return self._done(run, started, started, 0)  # killed after the switch: nothing left to do
        for month in run.months.values():
            create_generation_index(self.es, month.target)
        for name, month in run.months.items():
            if not month.done:
                self._copy_month(run, name, month, progress)
        copy_seconds = time.monotonic() - started
        caught_up = self._catch_up(run, since=run.started_at - CLOCK_MARGIN)
        caught_up += self._finish(run)
        return self._done(run, started, started + copy_seconds, caught_up)

    def _done(self, run: RunState, started: float, copied: float, caught_up: int) -> Summary:
        total = time.monotonic() - started
        run.status = "done"
        run.finished_at = datetime.now(UTC)
        run.seconds = round(run.seconds + total, 1)
        self._save(run)
        documents = sum(m.copied for m in run.months.values())
        return Summary(
            run.generation,
            run.model_version,
            documents,
            self.copied_now,
            len(run.months),
            copied - started,
            total,
            caught_up,
        )

    def _save(self, run: RunState) -> None:
        """Checkpoint the run, while it still holds the lease (LeaseLostError otherwise)."""
        self._renew()
        self.store.save(run)

    def _renew(self) -> None:
        if self.lease is not None:
            self.lease.renew()

    def _is_index(self, name: str) -> bool:
        """True for a concrete index of that name (not an alias, not missing)."""
        return name in self.es.options(ignore_status=404).indices.get(index=name).body

    # ---- copying ---------------------------------------------------------------------------------

    def _copy_month(self, run: RunState, name: str, month: MonthState, progress: Progress) -> None:
        for hits in self._pages(month.source, {"match_all": {}}, after=month.after):
            self._write(hits, month.target)
            month.after = hits[-1]["_source"]["evidence_id"]
            month.copied += len(hits)
            self.copied_now += len(hits)
            self._save(run)  # a checkpoint only once the target acknowledged the batch
            progress(len(hits))
        month.done = True
        self._save(run)

    def _pages(
        self, index: str, query: dict[str, Any], after: str | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of an index in evidence-id order, from just after `after`."""
        while True:
            response = self.es.search(
                index=index,
                query=query,
                size=self.batch_size,
                sort=[{"evidence_id": "asc"}],
                search_after=[after] if after else None,
            )
            hits = response["hits"]["hits"]
            if not hits:
                return
            yield hits
            after = hits[-1]["_source"]["evidence_id"]

    def _write(self, hits: list[dict[str, Any]], target: str) -> None:
        """Re-classify a page and write it to the target, with each item's latest correction. The copy
        keeps the source's `indexed_at`, so the catch-up can tell a copy from a later change. Only while
        the run holds the lease: one whose lease was taken over stops before writing."""
        self._renew()
        stored = [IndexedEvidence(hit["_source"], hit["_index"], 0, 0).as_classified for hit in hits]
        analyses = self.analyser.analyse([item.text for item in stored])
        now = datetime.now(UTC)
        corrections = latest_corrections(self.es, self.names, [str(item.evidence_id) for item in stored])
        actions = []
        for hit, item, analysis in zip(hits, stored, analyses, strict=True):
            again = reclassified(
                item,
                analysis,
                self.analyser.redact,
                self.analyser.model_name,
                self.analyser.model_version,
                now,
            )
            indexed_at = datetime.fromisoformat(hit["_source"]["indexed_at"])
            action = evidence_action(again, self.names, indexed_at, corrections.get(str(item.evidence_id)))
            actions.append({**action, "_index": target})
        failures = [reason for outcome, reason in self.sink.send(actions) if outcome.value != "done"]
        if failures:
            raise RuntimeError(f"{len(failures)} documents not written to {target}: {failures[0]}")

    # ---- catching up and switching ---------------------------------------------------------------

    def _catch_up(self, run: RunState, since: datetime) -> int:
        """Copy again what was indexed or corrected in the old indices since `since`. Corrections are found
        in the corrections index too: an index made before corrections existed does not map `correction`."""
        changed = {
            "bool": {
                "should": [
                    {"range": {"indexed_at": {"gte": since.isoformat()}}},
                    {"range": {"correction.at": {"gte": since.isoformat()}}},
                    {"ids": {"values": self._corrected_since(since)}},
                ],
                "minimum_should_match": 1,
            }
        }
        copied = 0
        for month in run.months.values():
            self.es.indices.refresh(index=month.source)
            for hits in self._pages(month.source, changed):
                changed_since_copied = self._changed_since_copied(hits, month.target)
                if changed_since_copied:
                    self._write(changed_since_copied, month.target)
                copied += len(changed_since_copied)
        return copied

    def _changed_since_copied(self, hits: list[dict[str, Any]], target: str) -> list[dict[str, Any]]:
        """The source documents whose copy in the target is missing, or older (indexed or corrected since)."""
        copies = self.es.mget(
            index=target,
            ids=[hit["_id"] for hit in hits],
            source_includes=["indexed_at", "correction.event_id"],
        )["docs"]
        return [
            hit
            for hit, copy in zip(hits, copies, strict=True)
            if not copy.get("found") or _version_of(copy["_source"]) != _version_of(hit["_source"])
        ]

    def _corrected_since(self, since: datetime) -> list[str]:
        """Evidence ids whose latest correction was made since `since`."""
        index = self.names.corrections_index
        self.es.options(ignore_status=404).indices.refresh(index=index)
        ids: list[str] = []
        after = None
        while True:
            response = self.es.options(ignore_status=404).search(
                index=index,
                query={"range": {"occurred_at": {"gte": since.isoformat()}}},
                size=1000,
                sort=[{"evidence_id": "asc"}],
                search_after=after,
                _source=["evidence_id"],
            )
            hits = response.body.get("hits", {}).get("hits", [])
            if not hits:
                return ids
            ids += [hit["_source"]["evidence_id"] for hit in hits]
            after = hits[-1]["sort"]

    def _finish(self, run: RunState) -> int:
        """Block writes to the old indices, carry over the last changes, check counts, switch."""
        self._add_new_months(run)
        if run.status != "blocked":
            self._renew()
            run.blocked_at = datetime.now(UTC)
            for month in run.months.values():
                block_writes(self.es, month.source)
            run.status = "blocked"
            self._save(run)
        copied = self._catch_up(run, since=run.blocked_at - CLOCK_MARGIN - timedelta(minutes=1))
        for month in run.months.values():
            copied += self._fill_gaps(month)
        months = [(name, m.source, m.target) for name, m in run.months.items()]
        self._renew()
        switch(self.es, self.names, months, self.drain_seconds)
        log.info("alias %s switched to generation %d", self.names.evidence_alias, run.generation)
        return copied

    def _add_new_months(self, run: RunState) -> None:
        """Months the index worker started during the run are copied whole (they are small)."""
        for month in live_months(self.es, self.names).values():
            if month.month not in run.months:
                target = self.names.evidence_generation_index(run.generation, month.month)
                run.months[month.month] = MonthState(source=month.index, target=target)
                create_generation_index(self.es, target)
                self._copy_month(run, month.month, run.months[month.month], lambda n: None)

    def _fill_gaps(self, month: MonthState) -> int:
        """Copy documents the target lacks (none, unless something slipped past the catch-up)."""
        self.es.indices.refresh(index=[month.source, month.target])
        if self._count(month.source) == self._count(month.target):
            return 0
        missing = self._ids(month.source) - self._ids(month.target)
        for start in range(0, len(missing), self.batch_size):
            ids = sorted(missing)[start : start + self.batch_size]
            hits = self.es.search(index=month.source, query={"ids": {"values": ids}}, size=len(ids))["hits"][
                "hits"
            ]
            self._write(hits, month.target)
        self.es.indices.refresh(index=month.target)
        if self._count(month.source) != self._count(month.target):
            raise RuntimeError(f"{month.target} does not hold the same documents as {month.source}")
        return len(missing)

    def _ids(self, index: str) -> set[str]:
        ids: set[str] = set()
        after = None
        while True:
            response = self.es.search(
                index=index, size=5000, sort=[{"evidence_id": "asc"}], search_after=after, _source=False
            )
            hits = response["hits"]["hits"]
            if not hits:
                return ids
            ids.update(hit["_id"] for hit in hits)
            after = hits[-1]["sort"]

    def _count(self, index: str) -> int:
        return int(self.es.count(index=index)["count"])


def _version_of(document: dict[str, Any]) -> tuple[str | None, str | None]:
    """What tells a copy from a later change: when the item was indexed, and its latest correction."""
    return document.get("indexed_at"), (document.get("correction") or {}).get("event_id")
