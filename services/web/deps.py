"""Dependencies of the web routers: the same Elasticsearch client and settings as the JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.common.http import Es
from services.common.indices import Names
from services.index.api import Settings


def index_names(settings: Settings) -> Names:
    return Names(settings)


IndexNames = Annotated[Names, Depends(index_names)]

__all__ = ["Es", "IndexNames", "Settings"]
