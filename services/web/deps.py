"""Dependencies of the web routers: the same Elasticsearch client and settings as the JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.common.http import Es
from services.common.indices import Names
from services.index.api import Settings


def index_names(settings: Settings) -> Names:
    """The web app has no sign-in yet: its readers never see items restricted to the sensitive role."""
    return Names(settings, include_restricted=False)


IndexNames = Annotated[Names, Depends(index_names)]

__all__ = ["Es", "IndexNames", "Settings"]
