"""Every page of the URL map tried by B against A's ledger, and by nobody signed in.

B, signed in through the real form, opens every page that takes an id with A's ids
(404; admin pages 403, as B is no admin), every other page and every search and
download (none of A's names, words or totals), and posts every form with a plausible
body that also names A as its ledger: A's rows, sign-ins and grants are unchanged. A
browser with no sign-in is sent to the sign-in page from every page but the few on
``PUBLIC``. A page added later is tried here with no change to this file; one whose URL
variable A has no sample row for fails the test by name (tenants.no_sample).
"""

from __future__ import annotations

from dataclasses import dataclass

from homeledger.models import User
from tests.conftest import api_login, csrf_token_from, web_login
from tests.isolation.tenants import (
    B_NAME,
    Tenants,
    a_markers_in,
    changed,
    fill,
    no_sample,
    seed,
    snapshot,
    variables,
)
from tests.shared_ledgers import MONTH, TODAY

# Pages anyone may open without signing in, and why; they too must show nothing of A's.
PUBLIC = {
    "auth.login": "the sign-in form",
    "static": "the app's own stylesheets, scripts and icons",
    "favicon": "a redirect to the static icon",
    "invites.accept": "an invite link: its one-time token is the credential (unknown: 404)",
}
# Admin pages answer B (no admin) 403 instead of 404: the whole area is closed to B.
ADMIN = "admin_"
# Pages that end B's sign-in: tried last.
LAST = ("auth.logout",)
# Searches a page would answer with A's rows if it looked beyond B's ledger. The words
# are parts of A's names, never the whole: a page may echo its query back.
SEARCHES = (
    "/transactions?search=anzibar",
    "/transactions?search=7731",
    "/transactions?payee=anzibar-A-7731+payee",
    "/analytics/payees?search=anzibar",
)
# What a form posted by B also says, trying to write into A's ledger or raise B.
MASS_ASSIGNED = ("user_id", "ledger", "ledger_user_id", "ledger_id", "owner_id")
ROLE_FIELDS = {"role": "owner", "is_admin": "y", "is_active": "y"}


@dataclass(frozen=True)
class Page:
    endpoint: str
    method: str
    rule: str

    @property
    def takes_id(self) -> bool:
        return bool(variables(self.rule))


def pages(app) -> list[Page]:
    """Every web page and method, reads before posts, sign-out last."""
    found = [
        Page(rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if not rule.rule.startswith("/api/")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    return sorted(found, key=lambda p: (p.endpoint in LAST, p.method != "GET", p.rule))


def web_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules() if not rule.rule.startswith("/api/")]


def form_for(page: Page, tenants: Tenants, csrf: str) -> dict[str, str]:
    """A body that would do the page's work on the row its URL names, naming A as the
    ledger and B as an owner-admin besides."""
    ids, a = tenants.ids, tenants.a.id
    first = str(ids[variables(page.rule)[0]]) if page.takes_id else "yes"
    sent = {
        "date": TODAY.isoformat(),
        "description": "Intruder B",
        "amount": "-1.00",
        "name": "Intruder B",
        "type": "expense",
        "color": "#123456",
        "frequency": "monthly",
        "due_day": "5",
        "is_active": "y",
        "target_amount": "100.00",
        "current_amount": "0",
        "current_balance": "100.00",
        "interest_rate": "0",
        "minimum_payment": "1.00",
        "debt_type": "other",
        "direction": "in",
        "match_type": "contains",
        "pattern": "intruder",
        "priority": "100",
        "month": MONTH,
        "source": str(ids["category_id"]),
        "target": str(ids["category_id"]),
        "transaction": str(ids["transaction_id"]),
        "ids": str(ids["transaction_id"]),
        "category_ids": str(ids["category_id"]),
        "confirm": first,
        "confirm_count": "1",
        "confirmed": "yes",
        f"category-{ids['category_id']}-name": "Renamed by B",
        f"owner-{ids['owner_id']}-name": "Renamed by B",
        "csrf_token": csrf,
    }
    return sent | dict.fromkeys(MASS_ASSIGNED, str(a)) | ROLE_FIELDS


def signed_in(app, username: str):
    client = app.test_client()
    assert web_login(client, username).status_code == 302
    return client, csrf_token_from(client.get("/account/password").get_data(as_text=True))


def _open(client, url: str, method: str, **kwargs):
    answer = client.open(url, method=method, **kwargs)
    text = answer.get_data(as_text=True)  # a download is read to its end
    answer.close()
    return answer, text


def walk_as_b(app, session, tenants: Tenants, only: list[Page] | None = None):
    """B tries every page (or ``only`` these); what went wrong, and the pages tried."""
    client, csrf = signed_in(app, "bea")
    before = snapshot(session, tenants)
    wrong, tried = [], set()
    for page in only if only is not None else pages(app):
        url = fill(page.rule, tenants.ids)
        body = {} if page.method == "GET" else {"data": form_for(page, tenants, csrf)}
        answer, text = _open(client, url, page.method, **body)
        tried.add((page.endpoint, page.method))
        said = f"{page.method} {url} ({page.endpoint}): {answer.status_code}"
        admin = page.endpoint.startswith(ADMIN)
        if answer.status_code >= 500:
            wrong.append(said)
        elif page.takes_id and page.endpoint not in PUBLIC:
            if answer.status_code != (403 if admin else 404):
                wrong.append(f"{said}, not {403 if admin else 404}")
        elif answer.status_code not in (200, 301, 302, 400, 403 if admin else 200, 404, 422):
            wrong.append(said)
        if marks := a_markers_in(text + answer.headers.get("Location", "")):
            wrong.append(f"{said}: shows A's {marks}")
        # A post that was refused is checked by the snapshot at the end.
        wrote = page.method != "GET" and answer.status_code < 400
        if wrote and (moved := changed(before, snapshot(session, tenants))):
            wrong.append(f"{said}: changed A's {moved}")
            before = snapshot(session, tenants)
    if moved := changed(before, snapshot(session, tenants)):
        wrong.append(f"after the walk, A's {moved} changed")
    session.expire_all()
    b = session.get(User, tenants.b.id)
    if (b.role, b.is_active) != ("user", True):
        wrong.append(f"B's account is now {b.role}, active {b.is_active}")
    session.rollback()
    return wrong, tried


def test_b_reaches_nothing_of_a_on_any_page(app, session):
    tenants = seed(session)
    a_browser, _ = signed_in(app, "zanzibar7731")  # A's live sign-in, device cookie...
    assert api_login(app.test_client(), "zanzibar7731").status_code == 200  # ...and device
    every = pages(app)
    assert no_sample(web_rules(app), tenants.ids) == []

    wrong, tried = walk_as_b(app, session, tenants)

    assert not wrong, "\n".join(wrong)
    untried = {(p.endpoint, p.method) for p in every} - tried
    assert not untried, f"pages the matrix did not try: {sorted(untried)}"
    assert len(tried) > 140
    # Still A's: their browser signed in and their rows shown to them.
    own = a_browser.get("/transactions")
    assert own.status_code == 200 and "Zanzibar-A-7731 payee" in own.get_data(as_text=True)
    wrong = searches_as_b(app, tenants)
    assert not wrong, "\n".join(wrong)


def searches_as_b(app, tenants: Tenants) -> list[str]:
    """B's list shows B's rows; B's searches and downloads, none of A's."""
    client, csrf = signed_in(app, "bea")
    listed = client.get("/transactions").get_data(as_text=True)
    wrong = [] if f"{B_NAME} payee" in listed else ["B's own list does not show B's rows"]
    ids = tenants.ids
    filtered = f"/transactions?category={ids['category_id']}&batch={ids['batch_id']}"
    for url in (*SEARCHES, filtered):
        answer, text = _open(client, url, "GET")
        if answer.status_code not in (200, 400) or a_markers_in(text):
            wrong.append(f"{url}: {answer.status_code} {a_markers_in(text)}")
    for kind in ("json", "csv"):
        answer, text = _open(
            client, "/settings/data/export", "POST", data={kind: "x", "csrf_token": csrf}
        )
        if answer.status_code != 200 or B_NAME not in text or a_markers_in(text):
            wrong.append(f"the {kind} export: {answer.status_code} {a_markers_in(text)}")
    return wrong


def walk_anonymously(app, session, tenants: Tenants, only: list[Page] | None = None):
    """Every page (or ``only`` these) with no cookie at all; then every post with an
    anonymous browser's own CSRF token, so that it meets the sign-in check rather than
    the CSRF one. What went wrong, and how many requests were made."""
    before = snapshot(session, tenants)
    anonymous = app.test_client()
    token = {"csrf_token": csrf_token_from(anonymous.get("/login").get_data(as_text=True))}
    wrong, tried = [], 0
    every = only if only is not None else pages(app)
    tries = [(page, None) for page in every]
    tries += [(page, anonymous) for page in every if page.method == "POST"]
    for page, client in tries:
        url = fill(page.rule, tenants.ids)
        sent = {"data": token} if client else {}
        answer, text = _open(client or app.test_client(), url, page.method, **sent)
        tried += 1
        where = answer.headers.get("Location", "")
        said = f"{page.method} {url} ({page.endpoint}): {answer.status_code} {where}"
        if page.endpoint in PUBLIC:
            if answer.status_code >= 500:
                wrong.append(said)
        elif page.method == "POST" and not client:  # no CSRF token: refused before all else
            if answer.status_code != 400:
                wrong.append(f"{said}: not refused")
        elif answer.status_code != 302 or not where.startswith("/login"):
            wrong.append(f"{said}: not sent to sign in")
        if marks := a_markers_in(text + where):
            wrong.append(f"{said}: shows A's {marks}")
    if moved := changed(before, snapshot(session, tenants)):
        wrong.append(f"A's {moved} changed")
    return wrong, tried


def test_without_signing_in_every_page_sends_to_sign_in(app, session):
    tenants = seed(session)
    wrong, tried = walk_anonymously(app, session, tenants)
    assert not wrong, "\n".join(wrong)
    assert tried > 200
    assert {page.endpoint for page in pages(app)} >= set(PUBLIC)  # the allow-list is current
