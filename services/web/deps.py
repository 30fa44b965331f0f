"""Dependencies of the web routers: the same Elasticsearch client and settings as the JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.common.http import Es
from services.common.indices import Names
from services.common.roles import Permission, Principal
from services.index.api import Settings


def index_names(request: Request, settings: Settings) -> Names:
    """Restricted items only for a signed-in person whose role allows them (never without sign-in)."""
    principal: Principal | None = getattr(request.state, "principal", None)
    return Names(
        settings, include_restricted=principal is not None and principal.can(Permission.READ_RESTRICTED)
    )


IndexNames = Annotated[Names, Depends(index_names)]

__all__ = ["Es", "IndexNames", "Settings"]
