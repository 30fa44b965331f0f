"""Evidence category from source type and author role."""

from __future__ import annotations

import pytest

from schemas.evidence import AuthorRole, EvidenceCategory, SourceType
from services.classify.domain import evidence_category

PEOPLE = EvidenceCategory.PEOPLES_EXPERIENCE
STAFF = EvidenceCategory.FEEDBACK_FROM_STAFF_AND_LEADERS
PARTNERS = EvidenceCategory.FEEDBACK_FROM_PARTNERS


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (AuthorRole.PERSON_USING_SERVICE, PEOPLE),
        (AuthorRole.RELATIVE_OR_CARER, PEOPLE),
        (AuthorRole.MEMBER_OF_PUBLIC, PEOPLE),
        (AuthorRole.STAFF, STAFF),
        (AuthorRole.WHISTLEBLOWER, STAFF),
        (AuthorRole.PROFESSIONAL, PARTNERS),
        (AuthorRole.INSPECTOR, EvidenceCategory.OBSERVATION),
        (AuthorRole.UNKNOWN, PEOPLE),
    ],
)
@pytest.mark.parametrize(
    "source",
    [SourceType.HEALTHWATCH_FEEDBACK, SourceType.CALL_CENTRE_NOTE, SourceType.SOCIAL_MEDIA_COMMENT],
)
def test_evidence_category_follows_author_role(
    source: SourceType, role: AuthorRole, expected: EvidenceCategory
) -> None:
    assert evidence_category(source, role) is expected


@pytest.mark.parametrize("role", list(AuthorRole))
def test_evidence_category_inspection_results_are_observation(role: AuthorRole) -> None:
    assert evidence_category(SourceType.INSPECTION_RESULT, role) is EvidenceCategory.OBSERVATION


def test_evidence_category_accepts_plain_strings() -> None:
    assert evidence_category("call_centre_note", "whistleblower") is STAFF
    with pytest.raises(ValueError):
        evidence_category("fax", "staff")
