"""Pages and guards that need no Elasticsearch: the area finder, friendly 404s, CSRF on alert actions, the
Content-Security-Policy."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from services import cli
from services.api import ApiSettings, create_app
from services.common.areas import find_areas
from services.index.areas import resolve_area
from services.web.csrf import CSRF_COOKIE


@pytest.fixture
def client() -> TestClient:
    app = create_app()  # no lifespan: nothing connects
    app.state.audit = lambda event: None  # the audit trail (else every /v1 request fails closed: 503)
    return TestClient(app, follow_redirects=False)


def test_areas_resolve_by_name_as_well_as_by_code() -> None:
    assert resolve_area("Oldham").code == "E08000004"
    assert resolve_area("oldham ").code == "E08000004"
    assert resolve_area("North West").level == "region"
    assert resolve_area("E08000004").name == "Oldham"
    assert {area.code for area in find_areas("manch")} >= {"E08000003", "E54000057"}


def test_area_finder_sends_one_match_to_its_page_and_lists_several(client: TestClient) -> None:
    response = client.get("/areas", params={"q": "Oldham (council)"})
    assert response.status_code == 303 and response.headers["location"] == "/areas/E08000004"
    listing = client.get("/areas", params={"q": "manch"})
    assert listing.status_code == 200
    assert 'href="/areas/E08000003"' in listing.text and 'href="/areas/E54000057"' in listing.text
    assert "No area matches" in client.get("/areas", params={"q": "Atlantis"}).text
    names = client.get("/areas/names.json").json()
    assert len(names) == 153 + 42 + 9
    assert {"label": "Oldham (council)", "url": "/areas/E08000004"} in names


def test_unknown_pages_get_a_friendly_404_and_the_api_keeps_json(client: TestClient) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "Page not found" in page.text and "<title>Page not found" in page.text
    assert client.get("/v1/no-such-endpoint").json() == {"detail": "Not Found"}


def test_alert_actions_refuse_a_post_without_the_csrf_token(client: TestClient) -> None:
    url = f"/alerts/{uuid4()}/acknowledge"
    assert client.post(url, data={"by": "j.smith"}).status_code == 403
    client.cookies.set(CSRF_COOKIE, "token-a")
    refused = client.post(url, data={"by": "j.smith", "csrf_token": "token-b"})
    assert refused.status_code == 403 and "This form has expired" in refused.text


def test_the_web_app_is_not_served_beyond_this_machine_by_default() -> None:
    refused = CliRunner().invoke(cli.app, ["api", "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "no sign-in" in refused.output
    api_only = TestClient(create_app(ApiSettings(web_enabled=False)))
    assert api_only.get("/").status_code == 404 and api_only.get("/search").json() == {"detail": "Not Found"}


def test_pages_run_no_inline_script_or_style_that_their_content_security_policy_would_block(
    client: TestClient,
) -> None:
    for path in ("/areas", "/areas?q=manch", "/no-such-page"):
        page = client.get(path)
        assert page.headers["Content-Security-Policy"].startswith("default-src 'self';")
        scripts = re.findall(r"<script\b[^>]*>", page.text)
        assert scripts and all(" src=" in tag for tag in scripts), scripts
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", page.text), path


def test_the_audit_trail_page_is_refused_without_a_signed_in_admin_and_not_in_the_navigation(
    client: TestClient,
) -> None:
    refused = client.get("/audit", params={"item": str(uuid4())})
    assert refused.status_code == 403 and "The audit trail is for administrators only" in refused.text
    assert 'href="/audit"' not in client.get("/areas").text
