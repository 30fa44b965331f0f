"""Every evidence query reads `Names.evidence_read_alias`, which leaves restricted items out for callers
without the sensitive role. Only the modules that maintain the indices (aliases, templates, repairs and
re-classification, none of them serving a reader) and the alerts' lookup of which ids are restricted (ids
only, to leave them out) may name the unfiltered `evidence_alias`: a new query that reads it would show
restricted items to everyone, so this test names the line."""

from __future__ import annotations

from pathlib import Path

SERVICES = Path(__file__).resolve().parents[3] / "services"
MAINTENANCE = {
    "common/indices.py",  # defines the aliases
    "index/generations.py",  # moves both aliases to a new generation
    "index/templates.py",  # puts the filtered alias beside the unfiltered one
    "index/repair.py",  # rewrites inspection results in place
    "index/backfill.py",  # gives older documents their near-duplicate cluster
    "reclassify/job.py",  # logs the alias it switched
    "alerts/visibility.py",  # which of an alert's ids are restricted, to leave them out
}


def test_no_query_outside_index_maintenance_reads_the_unfiltered_evidence_alias() -> None:
    readers = [
        f"{path.relative_to(SERVICES)}:{number}: {line.strip()}"
        for path in sorted(SERVICES.rglob("*.py"))
        if path.relative_to(SERVICES).as_posix() not in MAINTENANCE
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ".evidence_alias" in line
    ]
    assert readers == [], "read names.evidence_read_alias instead:\n" + "\n".join(readers)


def test_the_maintenance_list_names_only_modules_that_exist() -> None:
    assert all((SERVICES / module).is_file() for module in MAINTENANCE)
