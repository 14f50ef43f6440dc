"""The admin's full backup page: what it holds, the download (streamed, audited), the guards."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from homeledger.models import AuditLog
from tests.conftest import csrf_token_from
from tests.factories import make_user


@pytest.fixture
def people(session):
    make_user(session, "boss", role="admin")
    make_user(session, "alex")


def _sign_in(auth, client, name: str):
    auth.login(name)
    return client


def test_the_page_says_what_a_backup_holds_and_leaves_out(client, auth, people):
    page = _sign_in(auth, client, "boss").get("/admin/backup")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "Download full backup" in html and "password hashes" in html
    assert "browser sessions" in html and "invite links" in html
    assert "homeledger restore" in html


def test_an_admin_downloads_every_ledger_and_it_is_audited(session, client, auth, people):
    browser = _sign_in(auth, client, "boss")
    token = csrf_token_from(browser.get("/admin/backup").get_data(as_text=True))

    response = browser.post("/admin/backup", data={"csrf_token": token})

    assert response.status_code == 200
    today = datetime.now(UTC).date().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="homeledger-backup-{today}.json"'
    )
    assert response.is_streamed
    document = json.loads(response.get_data(as_text=True))
    assert {u["username"] for u in document["tables"]["users"]} == {"boss", "alex"}
    assert "web_sessions" not in document["tables"]
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "backup.create")).one()
    assert entry.actor_name == "boss" and entry.actor_id is not None
    assert entry.extra_data["rows"]["users"] == 2


def test_a_download_without_the_pages_token_is_refused(session, client, auth, people):
    response = _sign_in(auth, client, "boss").post("/admin/backup", data={})

    assert response.status_code == 400
    assert session.scalars(select(AuditLog).where(AuditLog.action == "backup.create")).all() == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_anyone_else_gets_403_and_no_file(session, client, auth, people, method):
    browser = _sign_in(auth, client, "alex")
    token = csrf_token_from(browser.get("/").get_data(as_text=True))

    response = getattr(browser, method)("/admin/backup", data={"csrf_token": token})

    assert response.status_code == 403
    assert "homeledger-backup" not in response.get_data(as_text=True)
    assert session.scalars(select(AuditLog).where(AuditLog.action == "backup.create")).all() == []


def test_signed_out_visitors_are_sent_to_sign_in(client, people):
    response = client.get("/admin/backup")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
