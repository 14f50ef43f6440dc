"""The audit log pages: filters, keyset pages, an entry's details, the CSV download."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from homeledger.models import AuditLog
from tests.audit_entries import seed
from tests.conftest import web_login
from tests.factories import make_user

_ROW_LINK = re.compile(r'href="/admin/audit/(\d+)\?')
_OLDER = re.compile(r'href="([^"]+)" rel="next">Older entries')


@pytest.fixture
def log(session, client):
    seeded = seed(session)
    assert web_login(client, "root").status_code == 302
    return seeded


def _ids(html: str) -> list[int]:
    return [int(i) for i in _ROW_LINK.findall(html)]


def _unescape(url: str) -> str:
    return url.replace("&amp;", "&")


def _walk(client, url: str) -> list[int]:
    seen = []
    while url:
        page = client.get(url)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        seen += _ids(html)
        older = _OLDER.search(html)
        url = _unescape(older.group(1)) if older else None
    return seen


def _newest_first(log, session, keep=lambda r: True) -> list[int]:
    return [r.id for r in log.all(session) if keep(r)]


def test_older_entries_walk_the_whole_log_once(log, client, session):
    expected = _newest_first(log, session)
    first = client.get("/admin/audit").get_data(as_text=True)
    assert len(_ids(first)) == 50 and len(expected) > 50
    # The sign-in of this very test is newest; it is in the log too.
    assert _walk(client, "/admin/audit") == [r.id for r in log.all(session)]


def test_the_filter_narrows_and_the_older_link_keeps_it(log, client, session):
    url = f"/admin/audit?actor={log.alex.id}&action=auth.&outcome=success"
    expected = _newest_first(
        log,
        session,
        lambda r: (
            r.actor_id == log.alex.id and r.action.startswith("auth.") and r.outcome == "success"
        ),
    )
    assert 0 < len(expected)
    assert _walk(client, url) == expected
    html = client.get(url).get_data(as_text=True)
    assert "Filter (in use)" in html


def test_dates_and_ledger_filter_the_page(log, client, session):
    url = f"/admin/audit?ledger={log.sam.id}&date_from=2026-03-05&date_to=2026-03-12"
    expected = [
        r.id
        for r in log.all(session)
        if r.ledger_user_id == log.sam.id
        and "2026-03-05" <= r.created_at.date().isoformat() <= "2026-03-12"
    ]
    assert 0 < len(expected) < 50
    assert _ids(client.get(url).get_data(as_text=True)) == expected


def test_the_table_shows_who_whose_what_and_where(log, client):
    html = client.get(f"/admin/audit?actor={log.sam.id}&action=auth.logout").get_data(as_text=True)
    assert "<code>auth.logout</code>" in html
    assert ">sam<" in html
    assert "10.0.0." in html
    assert "2026-03-" in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("date_from=2026-13-01", "date_from", "“2026-13-01” is not a day"),
        ("date_to=yesterday", "date_to", "“yesterday” is not a day"),
        ("date_from=2026-03-02&date_to=2026-03-01", "date_to", "Must not be before"),
        ("outcome=maybe", "outcome", "Not a valid choice"),
        ("actor=abc", "actor", "Not a valid choice"),
        ("ledger=99999", "ledger", "Not a valid choice"),
        ("action=auth%0Alogin", "action", "cannot be typed"),
        ("action=a*b", "action", "May hold"),
    ],
)
def test_a_bad_filter_is_400_naming_the_field(log, client, query, field, message):
    for path in ("/admin/audit", "/admin/audit.csv"):
        page = client.get(f"{path}?{query}")
        assert page.status_code == 400
        html = page.get_data(as_text=True)
        assert f'id="{field}-error"' in html
        assert message in html
        assert "<table" not in html


def test_a_garbled_cursor_is_400_not_500(log, client):
    page = client.get("/admin/audit?cursor=not-a-cursor")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "Is not a cursor from this listing" in html
    assert "Go to the newest entries" in html


def test_an_empty_filter_says_so(log, client):
    page = client.get("/admin/audit?action=nothing.here")
    assert page.status_code == 200
    assert "No entries match this filter" in page.get_data(as_text=True)
    assert "Download CSV" not in page.get_data(as_text=True)


def test_an_entry_shows_its_details_with_secrets_redacted(log, client, session):
    row = session.scalars(select(AuditLog).where(AuditLog.action == "data.export")).first()
    back = f"/admin/audit?actor={row.actor_id}"
    page = client.get(f"/admin/audit/{row.id}", query_string={"back": back})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Audit entry {row.id}" in html
    assert "&#34;password&#34;: &#34;[redacted]&#34;" in html
    assert "hunter2" not in html
    assert f'href="/admin/audit?actor={row.actor_id}"' in html
    # "back" leads only to the log.
    html = client.get(f"/admin/audit/{row.id}?back=https://evil.example/").get_data(as_text=True)
    assert "evil.example" not in html


def test_an_unknown_entry_is_404(log, client):
    assert client.get("/admin/audit/999999").status_code == 404


def test_the_csv_is_the_filtered_view_streamed_and_audited(log, client, session):
    url = f"/admin/audit.csv?ledger={log.alex.id}&outcome=failure&date_from=2026-03-01"
    expected = _newest_first(
        log,
        session,
        lambda r: (
            r.ledger_user_id == log.alex.id
            and r.outcome == "failure"
            and r.created_at.date().isoformat() >= "2026-03-01"
        ),
    )
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.is_streamed
    assert answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
    table = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert table[0][:3] == ["id", "created_at", "actor_id"]
    assert [int(row[0]) for row in table[1:]] == expected
    session.expire_all()
    export = session.scalars(select(AuditLog).where(AuditLog.action == "audit.export")).one()
    assert export.actor_id == log.root.id
    assert export.extra_data == {
        "filter": {"ledger_user_id": log.alex.id, "outcome": "failure", "date_from": "2026-03-01"}
    }
    # The page offers the download of the same filter.
    html = client.get(url.replace(".csv", "")).get_data(as_text=True)
    assert 'href="/admin/audit.csv?ledger=' in html


def test_the_whole_log_as_csv(log, client, session):
    before = _newest_first(log, session)
    table = list(csv.reader(io.StringIO(client.get("/admin/audit.csv").get_data(as_text=True))))
    # The export's own entry was written before the first line, so it is the first row.
    assert [int(row[0]) for row in table[2:]] == before
    assert table[1][6] == "audit.export"


def test_non_admins_are_refused_and_signed_out_visitors_sent_to_sign_in(session, client):
    seed(session)
    for path in ("/admin/audit", "/admin/audit/1", "/admin/audit.csv"):
        answer = client.get(path)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    web_login(client, "alex")
    for path in ("/admin/audit", "/admin/audit/1", "/admin/audit.csv"):
        assert client.get(path).status_code == 403
    assert session.scalars(select(AuditLog).where(AuditLog.action == "audit.export")).all() == []


def test_the_admin_menu_shows_for_admins_only(session, client):
    make_user(session, "root", role="admin")
    make_user(session, "alex")
    web_login(client, "alex")
    for path in ("/", "/transactions", "/account"):
        html = client.get(path).get_data(as_text=True)
        assert ">Admin</a>" not in html
        assert "/admin" not in html
    client.post("/logout", data={"csrf_token": _csrf(client)})
    web_login(client, "root")
    for path in ("/", "/transactions"):
        html = client.get(path).get_data(as_text=True)
        assert ">Admin</a>" in html
    html = client.get("/admin/audit").get_data(as_text=True)
    assert re.search(r'href="/admin[^"]*" aria-current="page">Admin</a>', html)


def _csrf(client) -> str:
    from tests.conftest import csrf_token_from

    return csrf_token_from(client.get("/").get_data(as_text=True))
