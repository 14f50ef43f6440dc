"""GET /me/export, POST /me/import and POST /me/delete-data."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from homeledger.models import AuditLog, User
from tests.conftest import api_login, bearer
from tests.factories import add_transactions, make_user
from tests.services.ledger_data import canonical, counts, fill_household, sums


@pytest.fixture
def alex(session):
    user = make_user(session, "alex")
    fill_household(session, user, demo=False)
    return user


def _token(client, username: str) -> dict[str, str]:
    return bearer(api_login(client, username).get_json()["access_token"])


def _upload(client, headers, data: bytes):
    return client.post(
        "/api/v1/me/import",
        headers=headers,
        data={"file": (io.BytesIO(data), "export.json")},
        content_type="multipart/form-data",
    )


def test_the_export_is_a_streamed_json_download(client, session, alex):
    response = client.get("/api/v1/me/export", headers=_token(client, "alex"))
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="homeledger-alex-{date.today()}.json"'
    document = json.loads(response.get_data())
    assert document["format"] == "homeledger-ledger" and document["format_version"] == 1
    assert document["account"] == {"username": "alex", "display_name": None, "email": None}
    assert len(document["tables"]["transactions"]) == 2
    assert "password_hash" not in response.get_data(as_text=True)
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "data.export")).one()
    assert entry.actor_id == alex.id and entry.extra_data == {"format": "json"}


def test_the_csv_export_lists_the_transactions(client, alex):
    response = client.get("/api/v1/me/export?format=csv", headers=_token(client, "alex"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["Date", "Description", "Amount", "Category"] and len(rows) == 3


def test_an_unknown_export_format_is_a_422(client, alex):
    response = client.get("/api/v1/me/export?format=xml", headers=_token(client, "alex"))
    assert response.status_code == 422 and "format" in response.get_json()["error"]["fields"]


def test_the_export_imports_into_a_new_account(client, session, alex):
    data = client.get("/api/v1/me/export", headers=_token(client, "alex")).get_data()
    sam = make_user(session, "sam")

    response = _upload(client, _token(client, "sam"), data)

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["counts"] == counts(session, alex.id) and body["exported_by"] == "alex"
    assert body["total"] == sum(body["counts"].values())
    assert canonical(session, sam.id) == canonical(session, alex.id)
    assert sums(session, sam.id) == sums(session, alex.id)


def test_an_account_with_data_gets_a_409_and_keeps_its_data(client, session, alex):
    headers = _token(client, "alex")
    data = client.get("/api/v1/me/export", headers=headers).get_data()
    before = canonical(session, alex.id)
    response = _upload(client, headers, data)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "not_empty" and "already holds 2 transactions" in error["message"]
    assert canonical(session, alex.id) == before


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"{oops", "damaged_file", "not JSON"),
        (b'{"format": "homeledger-backup", "format_version": 1}', "wrong_format", "backup"),
        (
            b'{"format": "homeledger-ledger", "format_version": 2, "tables": {}}',
            "wrong_format",
            "2",
        ),
        (
            b'{"format": "homeledger-ledger", "format_version": 1, "tables": {"transactions": '
            b'[{"id": 1, "date": "2026-01-01", "description": "x", "amount": "1.00", '
            b'"category_id": 5, "owner_id": null, "account": null, "notes": null, '
            b'"import_batch_id": null, "bank_id": null, "fingerprint": null, "rule_id": null, '
            b'"review_reason": null, "created_at": "2026-01-01T00:00:00+00:00", '
            b'"updated_at": "2026-01-01T00:00:00+00:00"}]}}',
            "damaged_file",
            "transactions.category_id",
        ),
    ],
)
def test_a_bad_file_is_a_422_naming_the_problem(client, session, data, code, words):
    sam = make_user(session, "sam")
    before = counts(session, sam.id)
    response = _upload(client, _token(client, "sam"), data)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == code and words in error["message"] and "file" in error["fields"]
    assert counts(session, sam.id) == before


def test_an_import_without_a_file_is_a_422_on_file(client, session):
    make_user(session, "sam")
    response = client.post("/api/v1/me/import", headers=_token(client, "sam"))
    assert response.status_code == 422 and "file" in response.get_json()["error"]["fields"]


@pytest.fixture
def kim(session):
    user = make_user(session, "kim")
    add_transactions(session, user, [(date(2026, 3, 1), "Kim's", "-5.55", "Groceries")])
    return user


@pytest.mark.parametrize(
    "body",
    [{"confirm": "Alex"}, {"confirm": ""}, {"confirm": "kim"}, {"confirm": 7}, {}],
)
def test_a_wrong_confirmation_deletes_nothing(client, session, alex, body):
    before = canonical(session, alex.id)
    response = client.post("/api/v1/me/delete-data", headers=_token(client, "alex"), json=body)
    assert response.status_code == 422 and "confirm" in response.get_json()["error"]["fields"]
    assert canonical(session, alex.id) == before


def test_delete_account_must_be_true_or_false(client, session, alex):
    response = client.post(
        "/api/v1/me/delete-data",
        headers=_token(client, "alex"),
        json={"confirm": "alex", "delete_account": 1},
    )
    assert response.status_code == 422
    assert "delete_account" in response.get_json()["error"]["fields"]
    assert session.get(User, alex.id) is not None


def test_delete_data_keeps_the_account_and_other_ledgers(client, session, alex, kim):
    kim_before = (canonical(session, kim.id), sums(session, kim.id))
    headers = _token(client, "alex")
    response = client.post("/api/v1/me/delete-data", headers=headers, json={"confirm": "alex"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["account_deleted"] is False and body["counts"]["transactions"] == 2
    assert client.get("/api/v1/transactions", headers=headers).get_json()["items"] == []
    assert len(client.get("/api/v1/categories", headers=headers).get_json()) == 13
    assert (canonical(session, kim.id), sums(session, kim.id)) == kim_before


def test_delete_data_with_the_account_ends_the_token(client, session, alex, kim):
    alex_id, headers = alex.id, _token(client, "alex")
    response = client.post(
        "/api/v1/me/delete-data", headers=headers, json={"confirm": "alex", "delete_account": True}
    )
    assert response.status_code == 200 and response.get_json()["account_deleted"] is True
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert api_login(client, "alex").status_code == 401
    session.expire_all()
    assert session.get(User, alex_id) is None
    assert counts(session, kim.id)["transactions"] == 1


def test_the_openapi_document_describes_the_downloads(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    export = spec["paths"]["/api/v1/me/export"]["get"]
    assert set(export["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    upload = spec["paths"]["/api/v1/me/import"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"201", "409", "422", "401"} <= set(upload["responses"])
    assert "confirm" in spec["components"]["schemas"]["DeleteDataRequest"]["required"]


def test_an_export_file_over_20_mb_is_read_and_one_over_the_limit_is_413(client, session):
    make_user(session, "sam")
    headers = _token(client, "sam")
    response = _upload(client, headers, b" " * (21 * 1024 * 1024) + b"[")
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "damaged_file"
    response = _upload(client, headers, b" " * (102 * 1024 * 1024))
    assert response.status_code == 413
