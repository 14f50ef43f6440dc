"""The "your data" pages: download a copy, import it into a new account, delete it all."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from sqlalchemy import select

from homeledger.models import AuditLog, User
from tests.conftest import csrf_token_from, web_login
from tests.factories import add_transactions, make_user
from tests.services.ledger_data import canonical, counts, fill_household, sums

TODAY = date(2026, 11, 26)


@pytest.fixture
def alex(app, session):
    app.config["TODAY"] = TODAY
    user = make_user(session, "alex")
    fill_household(session, user, demo=False)
    return user


def _signed_in(app, username: str):
    client = app.test_client()
    assert web_login(client, username).status_code == 302
    return client


def _csrf(client) -> str:
    return csrf_token_from(client.get("/settings/data").get_data(as_text=True))


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def _download(client, button: str):
    return client.post("/settings/data/export", data={"csrf_token": _csrf(client), button: "1"})


def _upload(client, data: bytes, name: str = "export.json"):
    return client.post(
        "/settings/data/import",
        data={"csrf_token": _csrf(client), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_the_page_says_what_the_ledger_holds_and_offers_all_three(app, alex):
    client = _signed_in(app, "alex")
    page = client.get("/settings/data")
    assert page.status_code == 200
    text = _text(page)
    assert "Your ledger holds 2 transactions" in text and "1 debt payment" in text
    html = page.get_data(as_text=True)
    assert 'value="Download everything (JSON)"' in html
    assert 'value="Download transactions (CSV)"' in html
    assert "already holds 2 transactions" in text  # so no import form here
    assert 'action="/settings/data/import"' not in html
    assert 'href="/settings/data/delete"' in html


def test_the_json_download_is_streamed_named_and_audited(app, session, alex):
    client = _signed_in(app, "alex")
    response = _download(client, "json")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="homeledger-alex-2026-11-26.json"'
    )
    document = json.loads(response.get_data())
    assert document["account"]["username"] == "alex"
    assert len(document["tables"]["transactions"]) == 2
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "data.export")).one()
    assert entry.actor_id == alex.id and entry.extra_data == {"format": "json"}


def test_the_csv_download_lists_the_transactions(app, session, alex):
    client = _signed_in(app, "alex")
    response = _download(client, "csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].endswith(
        'filename="homeledger-alex-2026-11-26-transactions.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Date", "Description", "Amount"] and len(rows) == 3
    assert (
        session.scalars(select(AuditLog.extra_data).where(AuditLog.action == "data.export")).one()[
            "format"
        ]
        == "csv"
    )


def test_a_download_without_the_form_token_is_refused(app, session, alex):
    client = _signed_in(app, "alex")
    response = client.post("/settings/data/export", data={"json": "1"})
    assert response.status_code == 400 and "CSRF token is missing" in _text(response)
    assert session.scalars(select(AuditLog).where(AuditLog.action == "data.export")).all() == []


def test_an_export_imports_into_a_new_account_from_the_page(app, session, alex):
    data = _download(_signed_in(app, "alex"), "json").get_data()
    make_user(session, "sam")
    sam = session.scalars(select(User).where(User.username == "sam")).one()
    client = _signed_in(app, "sam")
    assert 'action="/settings/data/import"' in client.get("/settings/data").get_data(as_text=True)

    response = _upload(client, data)

    assert response.status_code == 200, _text(response)
    text = _text(response)
    assert "Your ledger is imported" in text and "from the export of alex" in text
    assert "Transactions 2" in text and "Debt payments 1" in text
    assert canonical(session, sam.id) == canonical(session, alex.id)
    assert sums(session, sam.id) == sums(session, alex.id)


def test_an_import_into_an_account_with_data_is_refused_and_writes_nothing(app, session, alex):
    data = _download(_signed_in(app, "alex"), "json").get_data()
    before = counts(session, alex.id)
    response = _upload(_signed_in(app, "alex"), data)
    assert response.status_code == 400
    assert "This account already holds 2 transactions" in _text(response)
    assert "new, empty account" in _text(response)
    assert counts(session, alex.id) == before
    refused = session.scalars(
        select(AuditLog).where(AuditLog.action == "data.import", AuditLog.outcome == "failure")
    ).one()
    assert refused.extra_data["reason"] == "not_empty"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"this is not json", "not JSON"),
        (b'{"format": "other"}', "not a Homeledger ledger export"),
        (b'{"format": "homeledger-ledger", "format_version": 9, "tables": {}}', "version 9"),
        (
            b'{"format": "homeledger-ledger", "format_version": 1, "tables": {"owners": '
            b'[{"id": 1, "name": "A", "is_active": "yes", "sort_order": 0, '
            b'"created_at": "2026-01-01T00:00:00+00:00"}]}}',
            "owners.is_active",
        ),
    ],
)
def test_a_bad_file_is_a_400_naming_the_problem(app, session, data, words):
    sam = make_user(session, "sam")
    before = counts(session, sam.id)
    response = _upload(_signed_in(app, "sam"), data)
    assert response.status_code == 400
    assert words in _text(response)
    assert counts(session, sam.id) == before


def test_an_import_without_a_file_is_a_400(app, session):
    make_user(session, "sam")
    client = _signed_in(app, "sam")
    response = client.post("/settings/data/import", data={"csrf_token": _csrf(client)})
    assert response.status_code == 400 and "Choose the export file" in _text(response)


# --- delete all my data ---------------------------------------------------------------------------


@pytest.fixture
def kim(session):
    user = make_user(session, "kim")
    add_transactions(session, user, [(TODAY, "Kim's", "-7.77", "Groceries")])
    return user


def _delete(client, **fields):
    page = client.get("/settings/data/delete")
    return client.post(
        "/settings/data/delete",
        data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), **fields},
    )


def test_the_question_lists_what_goes(app, alex):
    page = _signed_in(app, "alex").get("/settings/data/delete")
    assert page.status_code == 200
    text = _text(page)
    assert "Transactions 2" in text and "Debts 1" in text and "Categories 13" in text
    assert "Type your username, alex, to confirm" in text and "cannot be undone" in text


@pytest.mark.parametrize("typed", ["", "ALEX", "kim", "alex please"])
def test_a_wrong_username_is_a_400_and_deletes_nothing(app, session, alex, kim, typed):
    before = canonical(session, alex.id)
    response = _delete(_signed_in(app, "alex"), confirm=typed, delete_account="y")
    assert response.status_code == 400
    assert "username" in _text(response)
    assert canonical(session, alex.id) == before
    assert session.get(User, alex.id) is not None


def test_the_right_username_deletes_the_data_and_keeps_the_account(app, session, alex, kim):
    kim_before = (canonical(session, kim.id), sums(session, kim.id))
    client = _signed_in(app, "alex")
    response = _delete(client, confirm="alex")
    assert response.status_code == 302 and response.location.endswith("/settings/data")
    page = client.get("/settings/data")
    assert "Deleted 2 transactions" in _text(page) and "starts afresh" in _text(page)
    assert {name: n for name, n in counts(session, alex.id).items() if n} == {
        "categories": 13,
        "user_settings": 1,
    }
    assert (canonical(session, kim.id), sums(session, kim.id)) == kim_before
    # A fresh account may now take an import.
    assert 'action="/settings/data/import"' in page.get_data(as_text=True)


def test_deleting_the_account_signs_out_for_good(app, session, alex, kim):
    other_browser = _signed_in(app, "alex")
    client = _signed_in(app, "alex")
    response = _delete(client, confirm="alex", delete_account="y")
    assert response.status_code == 302 and "/login" in response.location
    assert "account and all its data have been deleted" in _text(client.get("/login"))
    for browser in (client, other_browser):
        assert browser.get("/settings/data").status_code == 302  # to the sign-in page
    session.expire_all()
    assert session.scalars(select(User).where(User.username == "alex")).first() is None
    assert web_login(app.test_client(), "alex").status_code == 401
    assert counts(session, kim.id)["transactions"] == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/settings/data"),
        ("POST", "/settings/data/export"),
        ("POST", "/settings/data/import"),
        ("GET", "/settings/data/delete"),
        ("POST", "/settings/data/delete"),
    ],
)
def test_signed_out_visitors_are_sent_to_sign_in(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert "/login" in response.location


def test_an_export_larger_than_other_forms_may_send_is_still_read(app, session):
    """Other forms stop at 20 MB (413); an export of a large ledger is bigger than that."""
    make_user(session, "sam")
    response = _upload(_signed_in(app, "sam"), b" " * (21 * 1024 * 1024) + b"[")
    assert response.status_code == 400 and "not JSON" in _text(response)
