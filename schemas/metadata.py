"""The metadata each source type may carry, and what of it may be published once classified.

An allow-list: ingest refuses keys outside it (HTTP) and classify publishes only the keys below, each as
its `disclosure` says (documented per source in services/ingest/FORMATS.md):
* `keep`: published as is, because the value cannot hold personal data (a flag, a number) or is CQC's public
  register;
* `redact`: free text, published with personal data replaced by placeholders;
* `drop`: accepted on the raw topic (three days) but never published: it identifies a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from schemas.evidence import SourceType


class Disclosure(StrEnum):
    KEEP = "keep"
    REDACT = "redact"
    DROP = "drop"


@dataclass(frozen=True)
class MetadataField:
    kind: type  # bool, int, str, or list (of str)
    disclosure: Disclosure
    reason: str
    pattern: re.Pattern[str] | None = None  # a kept string must match it whole

    def accepts(self, value: Any) -> bool:
        if self.pattern is not None:
            return isinstance(value, str) and self.pattern.fullmatch(value) is not None
        if self.kind is int:
            return isinstance(value, int) and not isinstance(value, bool)
        if self.kind is list:
            return isinstance(value, list) and all(isinstance(item, str) for item in value)
        return isinstance(value, self.kind)


_FLAG = MetadataField(bool, Disclosure.KEEP, "a yes/no flag")
_REGISTER = "CQC's public register (redacted all the same: the raw topic is not trusted)"

METADATA_FIELDS: dict[SourceType, dict[str, MetadataField]] = {
    SourceType.INSPECTION_RESULT: {
        "location_type": MetadataField(str, Disclosure.REDACT, _REGISTER),
        "registration_status": MetadataField(str, Disclosure.REDACT, _REGISTER),
        "inspection_areas": MetadataField(list, Disclosure.REDACT, _REGISTER),
        "report_uri": MetadataField(
            str,
            Disclosure.KEEP,
            "the path of a CQC report",
            re.compile(r"/reports/[0-9a-f-]{36}(?:\?\d{1,14})?"),
        ),
    },
    SourceType.HEALTHWATCH_FEEDBACK: {
        "star_rating": MetadataField(int, Disclosure.KEEP, "a number from 1 to 5"),
        "healthwatch_area": MetadataField(str, Disclosure.REDACT, "free text naming a Healthwatch"),
        "feedback_from": MetadataField(
            str, Disclosure.DROP, "free text about the giver; author_role carries it"
        ),
        "service_type": MetadataField(str, Disclosure.REDACT, "free text naming a kind of service"),
    },
    SourceType.CALL_CENTRE_NOTE: {
        "contact_type": MetadataField(str, Disclosure.DROP, "author_role carries it"),
        "channel": MetadataField(str, Disclosure.REDACT, "free text naming a channel"),
        "whistleblowing": _FLAG,
        "safeguarding_referral_made": _FLAG,
        "escalated_to_inspector": _FLAG,
        "anonymous": _FLAG,
    },
    SourceType.SOCIAL_MEDIA_COMMENT: {
        "platform": MetadataField(str, Disclosure.REDACT, "free text naming a platform"),
        "author_handle": MetadataField(str, Disclosure.DROP, "identifies the author"),
        "url": MetadataField(str, Disclosure.DROP, "links to the author's post and profile"),
        "in_reply_to": MetadataField(str, Disclosure.DROP, "identifies another post and its author"),
    },
}


def metadata_problems(source_type: SourceType, metadata: dict[str, Any]) -> list[str]:
    """Why `metadata` is not acceptable for `source_type` (empty when it is)."""
    allowed = METADATA_FIELDS[source_type]
    problems = []
    for key, value in metadata.items():
        field = allowed.get(key)
        if field is None:
            accepted = ", ".join(allowed)
            problems.append(
                f"metadata key {key!r} is not accepted for {source_type.value} (accepted: {accepted})"
            )
        elif value is not None and not field.accepts(value):
            shape = "a CQC report path" if field.pattern is not None else f"a {field.kind.__name__}"
            problems.append(f"metadata {key!r} must be {shape}")
    return problems
