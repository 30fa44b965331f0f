"""The HTTP API on the real engines, as the integration tests start it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from services.api import create_app
from services.common.config import CommonSettings
from services.index.templates import delete_templates

ADMIN = {"X-API-Key": "dev-key"}  # the development admin key of the test settings


@contextmanager
def api_client(
    settings: CommonSettings,
    es: Elasticsearch,
    monkeypatch: pytest.MonkeyPatch,
    app_settings: CommonSettings | None = None,
) -> Iterator[TestClient]:
    """The API app (on `app_settings`, default `settings`) under the test's index prefix; its index
    templates are deleted afterwards."""
    monkeypatch.setenv("CARESIGNAL_ES_INDEX_PREFIX", settings.es_index_prefix)
    with TestClient(create_app(app_settings or settings)) as test_client:
        yield test_client
    delete_templates(es, settings)
