"""Names for codes shown on pages: areas by ONS code, alert subjects."""

from __future__ import annotations

from services.alerts.models import AlertView
from services.common.errors import NotFoundError
from services.index.areas import resolve_area

RULE_TITLES = {
    "spike": "Spike in negative evidence",
    "severity": "High-severity item",
    "rating_downgrade": "Rating downgrade",
    "flatline": "Source gone silent",
    "new_term": "New term",
}


def area_name(code: str) -> str:
    """The council, ICB or region name of a code; the code itself when it is not one."""
    try:
        return resolve_area(code).name
    except NotFoundError:
        return code


def alert_subject(alert: AlertView) -> str:
    """What the alert is about, in words: 'Oldham' or 'location 1-101641329'."""
    code = str(alert.key.get("code", ""))
    level = alert.key.get("level")
    return area_name(code) if level in ("local_authority", "icb", "region") else f"{level} {code}"


def rule_title(kind: object) -> str:
    """An alert rule kind in words."""
    value = str(getattr(kind, "value", kind))
    return RULE_TITLES.get(value, value.replace("_", " ").capitalize())
