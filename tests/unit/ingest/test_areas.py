from __future__ import annotations

import pytest

from schemas.evidence import AuthorRole
from services.common.areas import resolve_area
from services.ingest.adapters.common import author_role_for


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("Oldham", "E08000004"),
        ("Healthwatch Kent", "E10000016"),
        ("Bristol, City of", "E06000023"),
        ("Bristol City Council", "E06000023"),
        ("Leeds City Council", "E08000035"),
        ("Camden", "E09000007"),
        ("City of London", "E09000001"),
    ],
)
def test_council_names_resolve_to_codes_region_and_majority_icb(given, code):
    area = resolve_area(given)
    assert area.local_authority_code == code
    assert area.region_code and area.icb_code


def test_given_icb_code_wins_and_unknown_names_are_kept():
    assert resolve_area("Oldham", icb_code="E54000048").icb_code == "E54000048"
    unknown = resolve_area("Greater Manchester", region="Yorkshire & Humberside")
    assert unknown.local_authority_code is None and unknown.local_authority_name == "Greater Manchester"
    assert unknown.region_code == "E12000003"


@pytest.mark.parametrize(
    ("given", "role"),
    [
        ("Relative or carer", AuthorRole.RELATIVE_OR_CARER),
        ("member_of_public", AuthorRole.MEMBER_OF_PUBLIC),
        ("Patient", AuthorRole.PERSON_USING_SERVICE),
        ("staff_or_whistleblower", AuthorRole.WHISTLEBLOWER),
        ("Professional", AuthorRole.PROFESSIONAL),
        ("Staff", AuthorRole.STAFF),
        ("", AuthorRole.UNKNOWN),
        ("astrologer", AuthorRole.UNKNOWN),
    ],
)
def test_author_roles(given, role):
    assert author_role_for(given) is role
