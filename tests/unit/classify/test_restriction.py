"""Which items are restricted to the sensitive role: whistleblowers, staff, safeguarding concerns; the rule
is configurable and recorded in the event."""

from __future__ import annotations

from factories.index import evidence

from schemas import AuthorRole, Severity, SeverityLevel
from services.classify.config import ClassifySettings
from services.classify.restriction import RestrictionRule


def test_whistleblowing_staff_contacts_and_safeguarding_concerns_are_restricted_and_say_why() -> None:
    rule = RestrictionRule()
    public = evidence("public")
    whistleblower = public.model_copy(update={"author_role": AuthorRole.WHISTLEBLOWER})
    staff = public.model_copy(update={"author_role": AuthorRole.STAFF})
    concern = public.model_copy(
        update={"severity": Severity(level=SeverityLevel.HIGH, reasons=["safeguarding", "neglect"])}
    )
    assert rule.decide(public).restricted is False and rule.decide(public).reasons == []
    assert rule.decide(whistleblower).reasons == ["author_role:whistleblower"]
    assert rule.decide(staff).reasons == ["author_role:staff"]
    assert rule.decide(concern).reasons == ["severity:safeguarding"]
    applied = rule.apply(concern)
    assert applied.restriction is not None and applied.restriction.restricted
    assert (
        applied.restriction.rule.startswith("restriction-v1(") and "safeguarding" in applied.restriction.rule
    )


def test_the_rule_comes_from_settings() -> None:
    settings = ClassifySettings(
        classify_restricted_author_roles=["professional"], classify_restricted_severity_reasons=["neglect"]
    )
    rule = settings.restriction_rule
    neglect = evidence("n").model_copy(
        update={"severity": Severity(level=SeverityLevel.HIGH, reasons=["neglect"])}
    )
    staff = evidence("s").model_copy(update={"author_role": AuthorRole.STAFF})
    assert rule.decide(neglect).reasons == ["severity:neglect"]
    assert rule.decide(staff).restricted is False
    assert "professional" in rule.name and "neglect" in rule.name
