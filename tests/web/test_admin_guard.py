"""Every admin route, web and API, found in the URL map, is closed to everyone but admins.

A route added later under /admin or /api/v1/admin is checked here with no change to this
file. Each is tried with every method it takes (but HEAD and OPTIONS): signed out (a page
sends the visitor to sign in; the API answers 401), and as a signed-in user who is not an
admin (403; the API's code is ``admin_required``). URL arguments are filled with ids that
exist, so a route that forgot its guard cannot pass by answering 404 instead.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from homeledger.models import AuditLog
from tests.conftest import api_login, bearer, csrf_token_from, web_login
from tests.factories import make_user

PREFIXES = ("/admin", "/api/v1/admin")
IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Routes of this part that must be among those found (others' join them by themselves).
EXPECTED = {
    ("GET", "/admin/audit"),
    ("GET", "/admin/audit/<int:entry_id>"),
    ("GET", "/admin/audit.csv"),
    ("GET", "/api/v1/admin/audit-logs"),
}


def admin_routes(app) -> list[tuple[str, object]]:
    """(method, rule) of every admin route in the URL map."""
    return sorted(
        (
            (method, rule)
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith(PREFIXES)
            for method in rule.methods - IGNORED_METHODS
        ),
        key=lambda pair: (pair[1].rule, pair[0]),
    )


class RealIds:
    """Ids of things that exist, by URL argument name; any other number is a user's id."""

    def __init__(self, session, target) -> None:
        entry = session.scalars(select(AuditLog.id).order_by(AuditLog.id)).first()
        self.by_name = {"entry_id": entry, "user_id": target.id, "id": target.id}
        self.default = target.id

    def known(self, rule) -> bool:
        return all(name in self.by_name for name in rule.arguments)

    def url(self, app, rule) -> str:
        values = {}
        for name in rule.arguments:
            converter = rule._converters.get(name)
            number = isinstance(converter, IntegerConverter)
            values[name] = self.by_name.get(name, self.default) if number else "x"
        with app.test_request_context():
            return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def people(session):
    root = make_user(session, "root", role="admin")
    alex = make_user(session, "alex")
    target = make_user(session, "sam")  # someone an admin route could act on
    return root, alex, target


def _open(client, url: str, **kwargs):
    """The answer, read to its end: a streamed download (a guard missing) lets its request go."""
    answer = client.open(url, **kwargs)
    answer.get_data()
    answer.close()
    return answer


def _send(client, method: str, url: str, *, csrf: str | None = None, headers=None):
    data = {"csrf_token": csrf} if csrf else None
    headers = {**(headers or {}), **({"X-CSRFToken": csrf} if csrf else {})}
    return _open(client, url, method=method, data=data, headers=headers)


def test_the_admin_routes_are_found(app):
    found = {(method, rule.rule) for method, rule in admin_routes(app)}
    assert EXPECTED <= found
    assert all(rule.startswith(PREFIXES) for _, rule in found)


def test_signed_out_visitors_are_sent_to_sign_in_and_the_api_answers_401(app, session, people):
    ids = RealIds(session, people[2])
    client = app.test_client()
    csrf = csrf_token_from(client.get("/login").get_data(as_text=True))
    failures = []
    for method, rule in admin_routes(app):
        url = ids.url(app, rule)
        answer = _send(client, method, url, csrf=None if url.startswith("/api/") else csrf)
        if url.startswith("/api/"):
            body = answer.get_json(silent=True) or {}
            if answer.status_code != 401 or body.get("error", {}).get("code") != "auth_required":
                failures.append(f"{method} {url}: {answer.status_code} {body}")
        elif answer.status_code != 302 or "/login" not in answer.headers.get("Location", ""):
            failures.append(f"{method} {url}: {answer.status_code}")
    assert failures == []


def test_a_user_who_is_not_an_admin_gets_403_everywhere(app, session, people):
    ids = RealIds(session, people[2])
    client = app.test_client()
    assert web_login(client, "alex").status_code == 302
    csrf = csrf_token_from(client.get("/").get_data(as_text=True))
    token = bearer(api_login(client, "alex").get_json()["access_token"])
    before = session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()))
    failures = []
    for method, rule in admin_routes(app):
        url = ids.url(app, rule)
        if url.startswith("/api/"):
            answer = _open(client, url, method=method, headers=token, json={})
            code = (answer.get_json(silent=True) or {}).get("error", {}).get("code")
            if answer.status_code != 403 or code != "admin_required":
                failures.append(f"{method} {url}: {answer.status_code} {code}")
        else:
            answer = _send(client, method, url, csrf=csrf)
            if answer.status_code != 403:
                failures.append(f"{method} {url}: {answer.status_code}")
    assert failures == []
    # Nothing an admin route would record (an export, a change) happened; only sign-ins.
    session.expire_all()
    later = session.scalars(select(AuditLog.action).where(AuditLog.id > before)).all()
    assert set(later) <= {"auth.login"}


def test_an_admin_reaches_the_pages_with_the_same_ids(app, session, people):
    """The ids the refusals above used are real: an admin's GET finds each page."""
    ids = RealIds(session, people[2])
    client = app.test_client()
    assert web_login(client, "root").status_code == 302
    token = bearer(api_login(client, "root").get_json()["access_token"])
    failures, tried = [], 0
    for method, rule in admin_routes(app):
        if method != "GET" or not ids.known(rule):
            continue
        url = ids.url(app, rule)
        answer = _open(client, url, headers=token if url.startswith("/api/") else None)
        tried += 1
        if answer.status_code in (401, 403, 404) or answer.status_code >= 500:
            failures.append(f"GET {url}: {answer.status_code}")
    assert failures == []
    assert tried >= len(EXPECTED)
