"""Security headers on every response; financial answers are never cached."""

from __future__ import annotations

import pytest

from homeledger import create_app
from homeledger.config import ProductionConfig
from tests.conftest import api_login, bearer
from tests.factories import make_user


@pytest.fixture
def signed_in(session, client, auth):
    make_user(session, "alex")
    auth.login()
    return client


@pytest.mark.parametrize("path", ["/", "/login", "/api/v1/health", "/no-such-page"])
def test_pages_and_api_answers_carry_the_security_headers(signed_in, path):
    response = signed_in.get(path)
    csp = response.headers["Content-Security-Policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # local mode speaks plain HTTP


def test_api_answers_with_financial_data_are_not_cached(client, session):
    make_user(session, "alex")
    token = api_login(client).get_json()["access_token"]
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"


def test_no_template_has_inline_script_or_style_attributes(app):
    import re
    from pathlib import Path

    templates = Path(app.root_path) / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text()
        # A script element loads a file, or is a JSON data block (never run: the charts' specs).
        assert not re.search(r'<script(?![^>]*\b(src=|type="application/json"))', text), path
        assert not re.search(r"\son[a-z]+=", text), path
        assert " style=" not in text, path


def test_production_sends_hsts_and_secure_cookies(monkeypatch, db_url):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("JWT_SECRET_KEY", "j" * 40)
    app = create_app(ProductionConfig())
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in response.headers["Set-Cookie"]
