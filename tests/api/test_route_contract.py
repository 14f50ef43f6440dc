"""What every API route does before its own work, tried on every route of the URL map:
the bearer token is checked first, a temporary password opens only the way to change it,
and a body the route needs must be there."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import jwt as pyjwt
import pytest

from tests.conftest import api_login, bearer
from tests.factories import DEFAULT_PASSWORD, make_user

# Routes anyone may call, without a token. A new route is not public unless it is added here.
PUBLIC = {
    "api-docs.openapi_json",
    "api-docs.openapi_redoc",
    "api_health.health",
    "api_auth.login",
    "api_auth.refresh",
}
# What a user with a temporary password may still do with their token.
BEFORE_PASSWORD_CHANGE = {"api_me.me", "api_me.change_password", "api_auth.logout"}
# A body that fails every schema: wrong types, unknown fields, a float amount.
BAD_BODY = {"amount": 1.5, "date": "someday", "name": 7, "ids": "all", "unknown": True}
# A body no JSON parser can read: nesting deeper than any recursion limit.
UNREADABLE = {"data": "[" * 100_000, "content_type": "application/json"}


def _routes(app, *, public: bool = False):
    """(endpoint, method, url) of every API route, ids filled in with 1."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or (rule.endpoint in PUBLIC) != public:
            continue
        url = re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return found


def _code(response) -> str:
    assert response.is_json, response.get_data(as_text=True)[:200]
    return response.get_json()["error"]["code"]


def test_the_public_routes_are_only_the_short_list(app):
    assert {endpoint for endpoint, _, _ in _routes(app, public=True)} == PUBLIC
    assert len(_routes(app)) > 25  # the scan below really sees the protected routes


def test_without_a_token_every_route_answers_401_before_reading_the_body(app, client):
    wrong = []
    for endpoint, method, url in _routes(app):
        for body in ({"json": BAD_BODY}, {}, UNREADABLE):
            response = client.open(url, method=method, **body)
            if response.status_code != 401 or _code(response) != "auth_required":
                wrong.append(f"{method} {url} ({endpoint}): {response.status_code}")
    assert wrong == []


def test_an_expired_token_with_a_bad_body_says_token_expired(app, client, session):
    make_user(session, "alex")
    claims = pyjwt.decode(
        api_login(client).get_json()["access_token"], options={"verify_signature": False}
    )
    claims["exp"] = int((datetime.now(UTC) - timedelta(seconds=5)).timestamp())
    expired = bearer(pyjwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256"))
    wrong = []
    for endpoint, method, url in _routes(app):
        for body in ({"json": BAD_BODY}, UNREADABLE):
            response = client.open(url, method=method, headers=expired, **body)
            if response.status_code != 401 or _code(response) != "token_expired":
                wrong.append(f"{method} {url} ({endpoint}): {response.status_code}")
    assert wrong == []


def test_a_temporary_password_opens_only_the_way_to_change_it(app, client, session):
    make_user(session, "newbie", must_change_password=True)
    headers = bearer(api_login(client, "newbie").get_json()["access_token"])
    wrong = []
    for endpoint, method, url in _routes(app):
        if endpoint in BEFORE_PASSWORD_CHANGE:
            continue
        response = client.open(url, method=method, json=BAD_BODY, headers=headers)
        if response.status_code != 403 or _code(response) != "password_change_required":
            wrong.append(f"{method} {url} ({endpoint}): {response.status_code}")
    assert wrong == []
    assert client.get("/api/v1/me", headers=headers).get_json()["must_change_password"] is True

    changed = client.post(
        "/api/v1/me/password",
        headers=headers,
        json={"current_password": DEFAULT_PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert changed.status_code == 200, changed.get_json()
    fresh = bearer(changed.get_json()["access_token"])
    assert client.get("/api/v1/transactions", headers=fresh).status_code == 200
    assert client.post("/api/v1/owners", headers=fresh, json={"name": "Me"}).status_code == 201


def test_routes_that_take_a_body_refuse_a_request_without_one(app, client, session):
    make_user(session, "alex", role="admin")  # an admin: admin routes answer past the 403
    headers = bearer(api_login(client).get_json()["access_token"])
    spec = client.get("/api/v1/openapi.json").get_json()
    wrong = []
    needing_a_body = 0
    for path, operations in spec["paths"].items():
        url = re.sub(r"\{\w+\}", "1", path)
        for method, operation in operations.items():
            if method == "parameters" or not operation.get("requestBody", {}).get("required"):
                continue
            needing_a_body += 1
            response = client.open(url, method=method.upper(), headers=headers)
            # 422 naming what is missing: the body, or its required fields or file.
            if response.status_code != 422 or not response.get_json()["error"].get("fields"):
                wrong.append(f"{method.upper()} {path}: {response.status_code}")
    assert needing_a_body > 10
    assert wrong == []


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("PATCH", "/api/v1/categories/{category}", {"is_active": 0}),
        ("PATCH", "/api/v1/owners/{owner}", {"is_active": "yes"}),
        ("POST", "/api/v1/rules/apply", {"dry_run": 0}),
        ("POST", "/api/v1/rules", {"name": "r", "pattern": "x", "is_active": 1}),
        (
            "POST",
            "/api/v1/transactions/bulk",
            {"ids": [1], "category_id": None, "filter": {"uncategorised": 1}},
        ),
    ],
)
def test_a_boolean_must_be_true_or_false(client, session, method, url, body):
    make_user(session, "alex")
    headers = bearer(api_login(client).get_json()["access_token"])
    category = client.get("/api/v1/categories", headers=headers).get_json()[0]["id"]
    owner = client.post("/api/v1/owners", headers=headers, json={"name": "Me"}).get_json()["id"]
    url = url.format(category=category, owner=owner)
    response = client.open(url, method=method, headers=headers, json=body)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert any(
        key.split(".")[-1] in body or key.split(".")[-1] in body.get("filter", {}) for key in fields
    ), fields


def test_routes_whose_body_is_optional_use_their_defaults_without_one(client, session):
    make_user(session, "alex")
    headers = bearer(api_login(client).get_json()["access_token"])
    dry_run = client.post("/api/v1/rules/apply", headers=headers)
    assert dry_run.status_code == 200 and dry_run.get_json()["changed"] == 0
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
