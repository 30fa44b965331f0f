"""New term: a term several negative items about an area use this week that none of its items used before."""

from __future__ import annotations

from datetime import timedelta

from factories.alerts import LEEDS, at, negative

from schemas.alerts import AlertRuleKind
from services.alerts.terms import item_terms

RULE = """
rules:
  - id: new-term
    kind: new_term
    window: 7d
    baseline_windows: 4
    min_items: 3
    min_baseline_items: 4
    ignore_terms: [sunnyside]
    silence: 28d
"""
WEEK = timedelta(days=7)
MONDAY = at("2025-06-02", hour=0)
USUAL = "resident catch cold and the staff be rude"
OUTBREAK = "resident catch scabies and the staff be rude"


def feed(engine, items):
    return [alert for item in items for alert in engine.run(item)]


def baseline(weeks: int = 4, per_week: int = 2, lemmas: str = USUAL, **overrides: object):
    return [
        negative(MONDAY - WEEK * week + timedelta(hours=n), lemmas=lemmas, **overrides)
        for week in range(1, weeks + 1)
        for n in range(per_week)
    ]


def this_week(count: int, lemmas: str = OUTBREAK, **overrides: object):
    return [negative(MONDAY + timedelta(hours=n), lemmas=lemmas, **overrides) for n in range(count)]


def test_new_term_alerts_once_when_enough_items_use_a_term_absent_before(make_engine) -> None:
    engine = make_engine(RULE)
    assert feed(engine, baseline()) == []
    assert feed(engine, this_week(2)) == []
    alerts = feed(engine, this_week(4))
    assert [alert.key.code for alert in alerts] == ["E08000004"]
    [alert] = alerts
    assert alert.rule_kind == AlertRuleKind.NEW_TERM
    assert alert.reason == (
        "'scabies' is used by 3 negative items about Oldham in the week of 2025-06-02, "
        "and by none of its 8 in the 4 weeks before"
    )
    assert alert.counts == {"count": 3, "baseline_items": 8}
    assert alert.query["q"] == "scabies" and alert.query["sentiment"] == "negative"
    assert len(alert.evidence_ids) == 3


def test_new_term_no_alert_for_a_term_used_in_the_baseline(make_engine) -> None:
    engine = make_engine(RULE)
    feed(engine, baseline(weeks=3) + baseline(weeks=1, per_week=1, lemmas="a case of scabies"))
    assert feed(engine, this_week(5, lemmas="scabies again")) == []


def test_new_term_no_alert_when_the_baseline_is_too_thin_to_tell(make_engine) -> None:
    engine = make_engine(RULE)
    feed(engine, baseline(weeks=1, per_week=3))
    assert feed(engine, this_week(6)) == []


def test_new_term_counts_redelivered_items_once_and_other_areas_apart(make_engine) -> None:
    engine = make_engine(RULE)
    feed(engine, baseline())
    [item] = this_week(1)
    assert feed(engine, [item, item, item]) == []
    assert feed(engine, this_week(2, area=LEEDS)) == []


def test_new_term_silenced_for_the_same_term_then_alerts_again_after_the_silence(make_engine) -> None:
    """Scabies is new in week 0 and new again (absent four weeks) in weeks 5 and 10: the 8-week silence
    holds back week 5's alert but not norovirus, new that week; week 10 is past the silence."""
    engine = make_engine(RULE.replace("silence: 28d", "silence: 56d"))
    feed(engine, baseline())
    assert [alert.reason.split("'")[1] for alert in feed(engine, this_week(3))] == ["scabies"]

    def week(number: int, lemmas: str) -> list:
        start = MONDAY + number * WEEK
        usual = [negative(start + timedelta(hours=n), lemmas=USUAL) for n in range(2)]
        return usual + [negative(start + timedelta(hours=10 + n), lemmas=lemmas) for n in range(3)]

    quiet = [item for number in range(1, 5) for item in week(number, USUAL)]
    assert feed(engine, quiet) == []
    again = feed(engine, week(5, f"{USUAL} scabies norovirus"))
    assert [alert.reason.split("'")[1] for alert in again] == ["norovirus"]
    quiet = [item for number in range(6, 10) for item in week(number, USUAL)]
    assert feed(engine, quiet) == []
    after_silence = feed(engine, week(10, f"{USUAL} scabies"))
    assert [alert.reason.split("'")[1] for alert in after_silence] == ["scabies"]


def test_item_terms_keep_content_lemmas_once() -> None:
    lemmas = "the [PERSON] say the staff be rude rude and call 999 about sunnyside"
    assert item_terms(lemmas, min_length=4, ignore={"sunnyside"}) == ["staff", "rude"]


def test_new_term_judges_a_late_item_only_while_its_whole_baseline_is_kept(make_engine) -> None:
    engine = make_engine(RULE)
    feed(engine, baseline(weeks=8, per_week=4))
    feed(engine, [negative(MONDAY + 3 * WEEK, lemmas=USUAL)])  # event time moves three weeks on
    late = [negative(MONDAY - WEEK + timedelta(hours=n), lemmas=f"{USUAL} norovirus") for n in range(3)]
    assert feed(engine, late) == []  # its baseline weeks were dropped: not judged
    previous_week = [
        negative(MONDAY + 2 * WEEK + timedelta(hours=n), lemmas=f"{USUAL} scabies") for n in range(3)
    ]
    assert [alert.reason.split("'")[1] for alert in feed(engine, previous_week)] == ["scabies"]


def test_new_term_state_keeps_item_ids_only_for_the_two_judged_weeks(make_engine) -> None:
    engine = make_engine(RULE)
    feed(engine, baseline(weeks=4, per_week=3) + this_week(2))
    [state] = [value for key, value in engine.states.items() if key.startswith("new-term|")]
    judged = {MONDAY.isoformat().replace("+00:00", "Z"), (MONDAY - WEEK).isoformat().replace("+00:00", "Z")}
    assert set(state["items"]) == judged
    assert sum(state["counts"].values()) == 9  # the three older weeks: counts only
    older_terms = [ids for at, terms in state["terms"].items() if at not in judged for ids in terms.values()]
    assert older_terms and all(ids == [] for ids in older_terms)
