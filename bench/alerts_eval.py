"""Alerts harness: today's rules, the new defaults and measured alternatives over the same scenarios.

Each scenario (bench/alerts_scenarios.py: sudden burst, slow rise, weekend burst, provider cluster, new
outbreak word, quiet area, control) is one realistic classified stream over real areas. Both rule files
run through the pure detectors (services.alerts.engine), event time moving every 200 items. Per rule and
scenario it reports the detection delay (event-time hours and injected items from onset to the first alert
caused by injected evidence), false alerts (statistical rules: alerts not caused by the injection) per
10,000 items after the warm-up, and over all scenarios the recall and, for severity rules, alerts per
1,000 high-severity items and the most non-critical alerts about one provider in one day. An alert counts
once however many versions it has. Last, the alerts both rule files raise over the bundled samples
(bench/alerts_samples.py). Writes bench-results/alerts-<time>.json.

    .venv/bin/python bench/alerts_eval.py [--weeks 14] [--areas 30] [--seed 7]
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alerts_samples import MODEL, classified_samples
from alerts_scenarios import OUTBREAK_WORD, SCENARIOS, START, Area, Stream, build, load_rows

from schemas.alerts import AlertRaised, AlertRuleKind
from services.alerts.config import DEFAULT_RULES_FILE
from services.alerts.engine import AlertEngine
from services.alerts.rules import RuleSet, SeverityRule, load_rules
from services.classify.pipeline.redactor import TABLE_FILE

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench-results"
TODAY_RULES = Path(__file__).with_name("alert_rules_today.yaml")
ALTERNATIVE_RULES = Path(__file__).with_name("alert_rules_alternatives.yaml")
LEMMA_TABLE = ROOT / "models/caresignal_evidence/redactor" / f"{TABLE_FILE}.gz"
STATISTICAL = {AlertRuleKind.SPIKE, AlertRuleKind.FLATLINE, AlertRuleKind.NEW_TERM}
DETECTS = {  # which scenarios each kind of rule is meant to detect (recall is over these)
    AlertRuleKind.SPIKE: ("sudden_burst", "slow_rise", "weekend_burst"),
    AlertRuleKind.NEW_TERM: ("outbreak_word",),
    AlertRuleKind.SEVERITY: ("provider_cluster",),
}
CRITICAL_REASONS = {"death", "sexual_abuse", "serious_harm"}
SEVERITY_MAX = "max_non_critical_alerts_per_provider_day"
ALERT_KIND = {  # the AlertRaised kind of each rules-file kind
    "spike": AlertRuleKind.SPIKE,
    "rolling_spike": AlertRuleKind.SPIKE,
    "severity": AlertRuleKind.SEVERITY,
    "rating_downgrade": AlertRuleKind.RATING_DOWNGRADE,
    "flatline": AlertRuleKind.FLATLINE,
    "new_term": AlertRuleKind.NEW_TERM,
}


def replay(events: list, rules: RuleSet) -> list[tuple[int, AlertRaised]]:
    engine = AlertEngine(rules, {}, classified_partitions=6)
    raised: list[tuple[int, AlertRaised]] = []
    for index, event in enumerate(events):
        raised += [(index, alert) for alert in engine.run(event)]
        if index % 200 == 199:
            raised += [(index, alert) for alert in engine.advance(event.occurred_at)]
    return raised


def about_target(alert: AlertRaised, target: Area) -> bool:
    code = alert.key.code
    return code == target.code or code.startswith((f"1-{target.code}-", f"P-{target.code}-"))


def caused_by_injection(alert: AlertRaised, stream: Stream) -> bool:
    """Its evidence includes injected items, or it is about the target during the injection (rule kind
    meant for the scenario; new terms only for the outbreak word). Nothing in the quiet area is wanted."""
    if stream.scenario in ("quiet_area", "control"):
        return False
    if alert.rule_kind == AlertRuleKind.NEW_TERM and alert.query.get("q") != OUTBREAK_WORD:
        return False
    if stream.injected & set(alert.evidence_ids):
        return True
    overlaps = alert.window_end > stream.onset and alert.window_start <= stream.end
    return (
        about_target(alert, stream.target)
        and overlaps
        and stream.scenario in DETECTS.get(alert.rule_kind, ())
    )


def evaluate(stream: Stream, rules: RuleSet, warm: datetime) -> dict[str, dict[str, Any]]:
    """Per rule: this scenario's detection and false alerts."""
    raised = replay(stream.events, rules)
    warm_items = sum(1 for event in stream.events if event.occurred_at >= warm)
    results: dict[str, dict[str, Any]] = {}
    for rule in rules.enabled():
        mine = [(index, alert) for index, alert in raised if alert.rule_id == rule.id]
        first_versions = [(index, alert) for index, alert in mine if alert.version == 1]
        true = [(index, alert) for index, alert in mine if caused_by_injection(alert, stream)]
        false = {
            alert.alert_id
            for _, alert in first_versions
            if alert.rule_kind in STATISTICAL and alert.alert_id not in {a.alert_id for _, a in true}
        }
        false_warm = {
            alert.alert_id
            for _, alert in first_versions
            if alert.alert_id in false and alert.window_start >= warm
        }
        entry: dict[str, Any] = {
            "alerts": len(first_versions),
            "versions": len(mine),
            "false_alerts": len(false),
            "false_alerts_after_warm_up": len(false_warm),
            "items_after_warm_up": warm_items,
            "false_alerts_per_10k": round(len(false_warm) * 10_000 / warm_items, 2),
            "detected": bool(true),
            "detection_delay_hours": None,
            "detection_delay_items": None,
        }
        if true:
            index, _ = min(true, key=lambda pair: pair[0])
            at = stream.events[index].occurred_at
            entry["detection_delay_hours"] = round((at - stream.onset).total_seconds() / 3600, 1)
            entry["detection_delay_items"] = sum(
                1
                for event in stream.events[: index + 1]
                if event.evidence_id in stream.injected and event.occurred_at >= stream.onset
            )
        results[rule.id] = entry
        results[rule.id]["_alerts"] = [alert for _, alert in first_versions]
    return results


def severity_load(streams: list[Stream], alerts: list[list[AlertRaised]]) -> tuple[float, int]:
    """Alerts per 1,000 high-severity items, and the most non-critical alerts about one provider in a day
    (per stream; `alerts` holds each stream's)."""
    high = sum(1 for stream in streams for event in stream.events if event.severity.reasons)
    most = 0
    for stream, raised in zip(streams, alerts, strict=True):
        reasons = {event.evidence_id: set(event.severity.reasons) for event in stream.events}
        per_provider_day: Counter[tuple[str, str]] = Counter()
        for alert in raised:
            if all(reasons.get(evidence_id, set()) & CRITICAL_REASONS for evidence_id in alert.evidence_ids):
                continue
            code = alert.key.code
            provider = Area.provider_of(code) if code.startswith("1-") else code
            per_provider_day[(provider, f"{alert.window_start:%Y-%m-%d}")] += 1
        most = max(most, *per_provider_day.values(), 0)
    total = sum(len(raised) for raised in alerts)
    return round(total * 1000 / max(high, 1), 1), most


def _pooled_false_rate(entries: list[dict[str, Any]]) -> float:
    """False alerts per 10k items after the warm-up over independent control streams."""
    items = sum(entry["items_after_warm_up"] for entry in entries)
    return round(sum(entry["false_alerts_after_warm_up"] for entry in entries) * 10_000 / max(items, 1), 2)


def summarise(rules: RuleSet, streams: list[Stream], per_stream: list[dict[str, dict[str, Any]]]) -> dict:
    summary: dict[str, Any] = {}
    for rule in rules.enabled():
        scenarios = {stream.name: per_stream[n][rule.id] for n, stream in enumerate(streams)}
        per_scenario = [entry.pop("_alerts") for entry in scenarios.values()]
        meant = [name for name in DETECTS.get(ALERT_KIND[rule.kind], ()) if name in scenarios]
        entry: dict[str, Any] = {
            "kind": rule.kind,
            "recall": round(sum(scenarios[name]["detected"] for name in meant) / len(meant), 2)
            if meant
            else None,
            "false_alerts_per_10k": _pooled_false_rate(
                [scenarios[stream.name] for stream in streams if stream.scenario == "control"]
            ),
            "scenarios": scenarios,
        }
        if isinstance(rule, SeverityRule):
            per_1000, most = severity_load(streams, per_scenario)
            entry["alerts_per_1000_high_severity"] = per_1000
            entry[SEVERITY_MAX] = most
        summary[rule.id] = entry
    return summary


SHORT = {
    "sudden_burst": "burst",
    "slow_rise": "rise",
    "weekend_burst": "weekend",
    "provider_cluster": "provider",
    "outbreak_word": "word",
    "quiet_area": "quiet",
}


def cell(entry: dict[str, Any], stream: Stream) -> str:
    result = entry["scenarios"][stream.name]
    false = f"f{result['false_alerts_per_10k']:.1f}"
    if stream.scenario not in DETECTS.get(ALERT_KIND[entry["kind"]], ()):
        return false
    if not result["detected"]:
        return f"miss {false}"
    return f"{result['detection_delay_hours']:.0f}h/{result['detection_delay_items']} {false}"


def print_table(results: dict[str, dict[str, Any]], streams: list[Stream]) -> None:
    header = ["rules", "rule", *[SHORT.get(stream.name, stream.name) for stream in streams]]
    header += ["recall", "f/10k ctl", "/1k high", "max/prov/day"]
    lines = [header]
    for ruleset, rules in results.items():
        for rule_id, entry in rules.items():
            recall = "-" if entry["recall"] is None else f"{entry['recall']:.2f}"
            lines.append(
                [ruleset, rule_id, *[cell(entry, stream) for stream in streams], recall]
                + [f"{entry['false_alerts_per_10k']:.2f}"]
                + [str(entry.get(key, "-")) for key in ("alerts_per_1000_high_severity", SEVERITY_MAX)]
            )
    widths = [max(len(line[n]) for line in lines) for n in range(len(header))]
    for line in lines:
        print("  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)))
    print(
        "cells: event-time hours / injected items from onset to the first alert the injection caused ('miss':"
        " none); fN: false alerts per 10k items after the warm-up (statistical rules). f/10k ctl: pooled over"
        " the control streams (no injection, independent backgrounds)."
    )


def samples_volume(files: list[tuple[str, Path]]) -> dict[str, Any] | None:
    """The alerts the bundled samples raise under each rules file (None without the trained model)."""
    if not MODEL.exists():
        print("bundled samples: not measured (no model: run `make model`)")
        return None
    events = classified_samples()
    volume: dict[str, Any] = {
        "items": len(events),
        "high_severity_items": sum(1 for event in events if event.severity.reasons),
    }
    for name, path in files:
        raised = replay(events, load_rules(path))
        per_rule = Counter(alert.rule_id for _, alert in raised if alert.version == 1)
        volume[name] = {"alerts": sum(per_rule.values()), "versions": len(raised), "per_rule": dict(per_rule)}
    per_file = [f"{name} {volume[name]['alerts']} alerts {volume[name]['per_rule']}" for name, _ in files]
    print(
        f"bundled samples ({volume['items']} items, {volume['high_severity_items']} high-severity): "
        + "; ".join(per_file)
    )
    return volume


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weeks", type=int, default=14)
    parser.add_argument("--areas", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--controls", type=int, default=3, help="Control streams (independent backgrounds).")
    parser.add_argument("--warm-weeks", type=int, default=5, help="Weeks before any injection; not judged.")
    parser.add_argument("--today", type=Path, default=TODAY_RULES, help="Today's rules (before).")
    parser.add_argument("--rules", type=Path, default=DEFAULT_RULES_FILE, help="The new rules (defaults).")
    parser.add_argument(
        "--alternatives", type=Path, default=ALTERNATIVE_RULES, help="Other choices measured beside them."
    )
    args = parser.parse_args()
    streams = make_streams(args.weeks, args.areas, args.seed, args.controls, args.warm_weeks)
    warm = START + timedelta(weeks=args.warm_weeks)
    results: dict[str, dict[str, Any]] = {}
    for name, path in (("today", args.today), ("new", args.rules), ("alternative", args.alternatives)):
        rules = load_rules(path)
        results[name] = summarise(rules, streams, [evaluate(stream, rules, warm) for stream in streams])
    items = [len(stream.events) for stream in streams]
    print(
        f"{len(streams)} streams of {min(items)}-{max(items)} items ({args.areas} areas, {args.weeks} weeks, "
        f"warm-up {args.warm_weeks} weeks, seed {args.seed})"
    )
    print_table(results, streams)
    samples = samples_volume([("today", args.today), ("new", args.rules)])
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"alerts-{stamp}.json"
    document = {
        "generated_at": datetime.now(UTC).isoformat(),
        "parameters": {key: str(value) for key, value in vars(args).items()},
        "items_per_stream": {stream.name: len(stream.events) for stream in streams},
        "rules": results,
        "bundled_samples": samples,
    }
    out.write_text(json.dumps(document, indent=2) + "\n")
    print(f"wrote {out}")


def make_streams(weeks: int, areas: int, seed: int, controls: int, warm_weeks: int) -> list[Stream]:
    """Every scenario over the background of `seed`, then controls over backgrounds of later seeds."""
    rows = load_rows()
    lemmas = json.loads(gzip.decompress(LEMMA_TABLE.read_bytes())) if LEMMA_TABLE.exists() else {}
    shape = {"weeks": weeks, "areas": areas, "warm_weeks": warm_weeks}
    streams = [build(name, rows, lemmas, seed=seed, **shape) for name in SCENARIOS]
    streams += [
        build("control", rows, lemmas, seed=seed + n, name=f"control_{n + 1}", **shape)
        for n in range(1, controls)
    ]
    return streams


if __name__ == "__main__":
    main()
