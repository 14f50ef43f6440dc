"""API conventions: one JSON error shape for every status, field errors, no 500 from input."""

from __future__ import annotations

import pytest
from flask import abort
from openapi_spec_validator import validate

from tests.conftest import api_login, bearer
from tests.factories import make_user


def _shape(response) -> dict:
    assert response.is_json, response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"])
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "alex"}, "password"),
        ({"password": "x"}, "username"),
        ({"username": "", "password": "x"}, "username"),
        ({"username": "alex", "password": "x", "admin": True}, "admin"),
        ({"username": ["alex"], "password": "x"}, "username"),
        ({"username": "alex", "password": "x", "device_name": "d" * 101}, "device_name"),
    ],
)
def test_invalid_bodies_get_422_naming_the_field(client, body, field):
    response = client.post("/api/v1/auth/login", json=body)
    assert response.status_code == 422
    error = _shape(response)
    assert error["code"] == "validation_error"
    assert field in error["fields"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": "{not json", "content_type": "application/json"},
        {"data": "username=alex", "content_type": "application/x-www-form-urlencoded"},
        {"json": ["a", "list"]},
        {"json": None},
    ],
)
def test_bodies_that_are_not_a_json_object_are_clear_4xx(client, kwargs):
    response = client.post("/api/v1/auth/login", **kwargs)
    assert 400 <= response.status_code < 500
    _shape(response)


def test_a_huge_body_is_413(client):
    response = client.post(
        "/api/v1/auth/login", data="x" * (21 * 1024 * 1024), content_type="application/json"
    )
    assert response.status_code == 413
    assert _shape(response)["code"] == "payload_too_large"


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "bad_request"),
        (403, "forbidden"),
        (404, "not_found"),
        (409, "conflict"),
        (500, "internal_error"),
    ],
)
def test_every_status_has_the_same_shape(fresh_app, status, code):
    app, client = fresh_app, fresh_app.test_client()

    def fail():
        if status == 500:
            raise RuntimeError("a bug")
        abort(status)

    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production, not re-raise
    app.add_url_rule(f"/api/v1/test-{status}", f"test_{status}", fail)
    response = client.get(f"/api/v1/test-{status}")
    assert response.status_code == status
    assert _shape(response)["code"] == code
    if status == 500:
        assert "a bug" not in response.get_data(as_text=True)


def test_unknown_path_and_wrong_method(client):
    assert _shape(client.get("/api/v1/nothing-here"))["code"] == "not_found"
    assert _shape(client.delete("/api/v1/me"))["code"] == "method_not_allowed"


def test_the_openapi_document_is_valid_and_documents_the_401_contract(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    paths = spec["paths"]
    for path in (
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/me/password",
        "/api/v1/health",
    ):
        assert path in paths, path
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "401" in paths["/api/v1/me"]["get"]["responses"]
    description = spec["info"]["description"]
    for code in (
        "auth_required",
        "token_expired",
        "token_invalid",
        "token_revoked",
        "account_inactive",
    ):
        assert code in description


def test_the_docs_page_loads_its_script_from_this_server(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'src="/static/vendor/redoc-2.5.4/redoc.standalone.js"' in html
    assert client.get("/static/vendor/redoc-2.5.4/redoc.standalone.js").status_code == 200


def test_me_is_the_token_owner_only(client, session):
    make_user(session, "alex")
    make_user(session, "sam")
    alex_token = api_login(client, "alex").get_json()["access_token"]
    assert client.get("/api/v1/me", headers=bearer(alex_token)).get_json()["username"] == "alex"
