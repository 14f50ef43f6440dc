"""Bodies and tokens built to crash a parser get a clear 4xx, never a 500."""

from __future__ import annotations

import time

import jwt as pyjwt
import pytest

from tests.conftest import api_login, bearer
from tests.factories import make_user

UNREADABLE = {
    "deep nesting": b"[" * 100_000,
    "endless integer": b'{"refresh_token": ' + b"1" * 5000 + b"}",
    "lone surrogate": b'{"username": "alex", "password": "\\ud800"}',
    "not UTF-8": b'{"username": "\xff\xfe"}',
    "truncated": b'{"username": "al',
}
ENDPOINTS = [
    "/api/v1/auth/login",
    "/api/v1/auth/refresh",
    "/api/v1/auth/logout",
    "/api/v1/me/password",
]


@pytest.fixture
def token(session, client):
    make_user(session, "alex")
    return api_login(client).get_json()["access_token"]


@pytest.mark.parametrize("body", UNREADABLE.values(), ids=UNREADABLE.keys())
@pytest.mark.parametrize("path", ENDPOINTS)
def test_unreadable_json_is_a_400_on_every_endpoint(client, token, path, body):
    response = client.post(path, data=body, content_type="application/json", headers=bearer(token))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_a_password_that_is_not_valid_text_is_a_clear_error(client, token):
    response = client.post(
        "/api/v1/me/password",
        json={"current_password": "correct horse battery staple", "new_password": "x\ud800" * 8},
        headers=bearer(token),
    )
    assert response.status_code == 400


def _signed(app, **claims) -> str:
    base = {
        "sub": "1",
        "jti": "j" * 20,
        "epoch": 0,
        "fam": "f" * 36,
        "type": "access",
        "iss": "homeledger",
        "aud": "homeledger-api",
        "exp": int(time.time()) + 60,
    }
    base.update(claims)
    return pyjwt.encode(
        {k: v for k, v in base.items() if v is not None},
        app.config["JWT_SECRET_KEY"],
        algorithm="HS256",
    )


@pytest.mark.parametrize(
    "claims",
    [
        {"jti": None},
        {"fam": None},
        {"epoch": None},
        {"exp": None},
        {"fam": {"a": 1}},
        {"epoch": "0"},
        {"sub": "٣"},
        {"sub": "9" * 5000},
    ],
    ids=[
        "no jti",
        "no fam",
        "no epoch",
        "no exp",
        "fam object",
        "epoch text",
        "non-ASCII digit",
        "huge sub",
    ],
)
def test_tokens_missing_or_bending_our_claims_are_invalid(app, client, token, claims):
    response = client.get("/api/v1/me", headers=bearer(_signed(app, **claims)))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_invalid"


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/transactions?month=9999-12", None),
        ("get", "/api/v1/transactions?month=0000-05", None),
        ("get", "/api/v1/transactions?amount_min=1e20", None),
        ("get", "/api/v1/transactions?amount_max=NaN", None),
        ("get", f"/api/v1/transactions?category_id={HUGE}", None),
        ("get", f"/api/v1/transactions?import_batch_id={HUGE}", None),
        ("get", "/api/v1/transactions?search=%00", None),
        ("get", "/api/v1/transactions?cursor=WyJhbW91bnRfZGVzYyIsIjEuMjM0Iiw1XQ", None),
        ("get", f"/api/v1/transactions/{HUGE}", None),
        ("patch", f"/api/v1/transactions/{HUGE}", {"amount": "1.00"}),
        ("post", "/api/v1/transactions", {"date": "2026-01-01", "amount": "1e30"}),
        ("post", "/api/v1/transactions", {"date": "2026-01-01", "amount": "1", "notes": "a\x00b"}),
        ("post", "/api/v1/transactions/bulk", {"ids": [2**70], "category_id": None}),
        ("post", "/api/v1/categories/1/merge", {"target_id": 2**70}),
        ("post", f"/api/v1/imports/{HUGE}/undo", None),
        ("post", "/api/v1/transactions", {"date": "2026-01-01", "amount": "1e1000000"}),
        ("get", "/api/v1/transactions?amount_min=-1e1000000", None),
        ("get", "/api/v1/transactions?cursor=WyJhbW91bnRfZGVzYyIsICIxZTk5OTk5OTk5OSIsIDFd", None),
        ("post", "/api/v1/imports/preview?mapping=" + "[" * 5000, None),
        (
            "post",
            "/api/v1/rules",
            {"name": "r", "pattern": "x", "amount_max": "1e999999999", "set_category_id": 1},
        ),
        (
            "post",
            "/api/v1/rules",
            {"name": "r", "pattern": "x", "amount_min": "1e20", "set_category_id": 1},
        ),
    ],
)
def test_out_of_range_numbers_and_nul_characters_are_4xx(client, token, method, path, body):
    kwargs = {"headers": bearer(token)}
    if body is not None:
        kwargs["json"] = body
    response = getattr(client, method)(path, **kwargs)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.is_json


NAMELESS_PART = b'--B\r\nContent-Disposition: form-data\r\n\r\n{"a": 1}\r\n--B--\r\n'


@pytest.mark.parametrize(
    "path", ["/api/v1/me/import", "/api/v1/imports/preview", "/api/v1/legacy-uploads"]
)
def test_a_form_part_without_a_name_is_a_4xx(client, token, path):
    response = client.post(
        path,
        data=NAMELESS_PART,
        content_type="multipart/form-data; boundary=B",
        headers=bearer(token),
    )
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["fields"] == {"file": "Missing data for required field."}
