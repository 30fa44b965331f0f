"""API-key authentication shared by every HTTP router."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Security, status
from fastapi.security import APIKeyHeader

from services.common.config import CommonSettings
from services.common.http import get_settings

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="A key from CARESIGNAL_API_KEYS."
)


def require_api_key(
    settings: Annotated[CommonSettings, Depends(get_settings)],
    key: Annotated[str | None, Security(api_key_header)],
) -> str:
    """401 unless the X-API-Key header holds one of the configured keys."""
    if key and any(secrets.compare_digest(key, allowed.get_secret_value()) for allowed in settings.api_keys):
        return key
    raise HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="missing or invalid API key (send it in the X-API-Key header)",
        headers={"WWW-Authenticate": "APIKey"},
    )


ApiKey = Annotated[str, Depends(require_api_key)]
