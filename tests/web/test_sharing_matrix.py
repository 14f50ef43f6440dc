"""A shared ledger tried on every page of the URL map: a viewer, with the shared ledger
chosen in the browser, opens every list, dashboard and row of it and every form post is
refused (403, audited) with nothing written; a browser whose chosen ledger is one it has
no grant in is sent to its own overview, told so, from every page; a removed member's
live session is back in their own ledger on the next page, and the post it made is not
carried out; an editor's posts say who made them. A page added later is tried here with
no change to this file, or the test says which page it cannot try."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Budget, LegacyUpload, Transaction
from homeledger.services import legacy_uploads
from homeledger.web import _OWN_LEDGER_BLUEPRINTS, _OWN_LEDGER_ENDPOINTS, CHOSEN_LEDGER_KEY
from tests.conftest import csrf_token_from, web_login
from tests.shared_ledgers import (
    BANK_FILE,
    GENERIC_BODY,
    KIM_PRIVATE,
    MARKS,
    MONTH,
    NEXT_MONTH,
    SAM_PRIVATE,
    TODAY,
    Household,
    audit_entries,
    make_household,
    marks_in,
    rows_of,
    share,
    unshare,
    url_for_rule,
)

IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Pages that end the browser's sign-in or the person's grant: tried last, in this order.
LAST = ("leave", "auth.logout")
# Ledger pages that take a POST but write nothing to the ledger: a bank file's preview, the
# ledger switcher (the browser's choice; a form naming no ledger of the person's is told so).
READS_BY_POST = {"imports.upload", "sharing.switch"}
# Questions only the ledger's owner is asked: a member opening one is refused (403, and a
# viewer's attempt audited) as the post it leads to would be. Every other page answers 200.
OWNERS_QUESTIONS = {"sharing.remove"}  # "remove this member?"
# A form for a page this file does not know: the shared one, and a question's answer.
GENERIC = {**GENERIC_BODY, "confirm": "yes"}
# Lists and rows that must show the shared ledger's data: endpoint -> what they show.
SHOWS = {
    "overview.index": "transaction",
    "transactions.index": "transaction",
    "transactions.edit": "transaction",
    "budgets.index": "category",
    "bills.index": "bill",
    "bills.history": "bill",
    "debts.index": "debt",
    "debts.show": "debt",
    "goals.index": "goal",
    "goals.show": "goal",
    "imports.batches": "batch",
    "account_settings.mappings": "profile",
    "legacy_upload.index": "upload",
    "legacy_upload.report": "upload",
    "ledger_settings.categories_page": "category",
    "ledger_settings.owners_page": "owner",
    "ledger_rules.index": "rule",
    "category_trends.index": "category",
    "category_trends.category": "category",
}
# What a page needs in its query string to do its work: the month it acts on.
QUERIES = {
    "budgets.copy": f"month={NEXT_MONTH}",
    "budget_advice.suggest": f"month={MONTH}",
    "budget_advice.bills": f"month={MONTH}",
}
# Rows of another kind than the URL variable's usual one.
OTHER_IDS = {"bills.resume": {"bill_id": "paused_bill"}}
# Pages that answer a GET with a redirect; every other page of the ledger answers 200.
REDIRECTS = {"favicon": "/static/favicon.svg"}
NO_ACCESS = "You no longer have access to that ledger"


@pytest.fixture
def household(session) -> Household:
    return make_household(session)


@dataclass(frozen=True)
class Page:
    endpoint: str
    method: str
    rule: str

    @property
    def own(self) -> bool:
        """A page about the person (their profile, data, sign-in, the wizard, admin
        work): it acts in their own ledger whichever ledger the browser chose."""
        blueprint = self.endpoint.rpartition(".")[0]
        return blueprint in _OWN_LEDGER_BLUEPRINTS or self.endpoint in _OWN_LEDGER_ENDPOINTS


def _pages(app) -> list[Page]:
    """Every page and method outside the API, in the order to try them: reads, then
    posts, the ones that end the sign-in or the grant last."""
    found = [
        Page(rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if not rule.rule.startswith("/api/")
        for method in sorted(rule.methods - IGNORED_METHODS)
    ]

    def order(page: Page) -> tuple:
        last = next((n for n, word in enumerate(LAST) if word in page.rule + page.endpoint), -1)
        return (last, page.method != "GET", page.own, page.rule, page.method)

    return sorted(found, key=order)


def _url(page: Page, ids: dict[str, object], seeded) -> str | None:
    others = {
        name: getattr(seeded, kind) for name, kind in OTHER_IDS.get(page.endpoint, {}).items()
    }
    url = url_for_rule(page.rule, ids | others)
    if url is None or page.endpoint not in QUERIES:
        return url
    return f"{url}?{QUERIES[page.endpoint]}"


def _form_fields(html: str, form_id: str) -> dict[str, str]:
    """What a browser would send from the form ``form_id``: inputs and selected options."""
    start = html.index(f'id="{form_id}"')
    form = html[start : html.index("</form>", start)]
    fields = {
        unescape(m.group(1)): unescape(m.group(2))
        for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
        if 'type="submit"' not in m.group(0)
        and not ('type="checkbox"' in m.group(0) and "checked" not in m.group(0))
    }
    for menu in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', menu.group(2))
        fields[menu.group(1)] = unescape(chosen.group(1)) if chosen else ""
    return fields


def _forms(client, session, h: Household) -> dict:
    """What each form post sends: the answer its page would carry, so that the post would
    change the ledger if it were allowed."""
    s = h.seeded
    with tenancy.acting_as(session, h.alex.id):
        upload = session.get(LegacyUpload, s.upload)
        to_write = legacy_uploads.transactions_to_write(upload.dry_run_report)
    session.rollback()

    def form(prefix: str = "", **fields):
        sent = {f"{prefix}{name}": str(value) for name, value in fields.items()}
        return lambda csrf: {"data": sent | {"csrf_token": csrf}}

    def upload_file(data: bytes, name: str):
        return lambda csrf: {"data": {"file": (io.BytesIO(data), name), "csrf_token": csrf}}

    def confirmed_import(csrf):
        """The preview's own form, as the upload showed it (a browser turned away from the
        upload sends what it would have had)."""
        shown = client.post(
            "/imports", data={"file": (io.BytesIO(BANK_FILE), "bank.csv"), "csrf_token": csrf}
        )
        html = shown.get_data(as_text=True)
        fields = _form_fields(html, "import-form") if shown.status_code == 200 else {}
        return {"data": fields | {"confirm": "Import", "csrf_token": csrf}}

    today = TODAY.isoformat()
    return {
        "transactions.new": form(date=today, description="Not allowed", amount="-1.00"),
        "transactions.edit": form(date=today, description="Changed", amount="-42.50"),
        "transactions.delete": form(),
        "transactions.bulk": form(
            ids=s.linked_transaction,
            **{"bulk-category": s.category, "bulk-apply_selected": "Apply to selected"},
        ),
        "budgets.new": form(month=MONTH, category=s.other_category, amount="50.00"),
        "budgets.edit": form(amount="350.00"),
        "budgets.delete": form(confirm=s.budget),
        "budgets.copy": form(source=MONTH, confirm_count=1),
        "budget_advice.suggest": form(category_ids=s.category),
        "budget_advice.bills": form(confirm_count=1),
        "imports.upload": upload_file(BANK_FILE, "bank.csv"),
        "imports.preview": confirmed_import,
        "import_undo.undo": form(confirm_count=1),
        "ledger_settings.categories_page": form(
            name="Not allowed", type="expense", color="#123456"
        ),
        "ledger_settings.update_category": form(
            f"category-{s.category}-",
            name="Renamed",
            type="expense",
            color="#336699",
            is_active="y",
        ),
        "ledger_settings.merge_categories": form(
            source=s.category,
            target=s.other_category,
            confirmed=f"{s.category}>{s.other_category}:1",
        ),
        "ledger_settings.owners_page": form(name="Not allowed"),
        "ledger_settings.update_owner": form(f"owner-{s.owner}-", name="Renamed", is_active="y"),
        "ledger_settings.merge_owners": form(
            source=s.owner, target=s.other_owner, confirmed=f"{s.owner}>{s.other_owner}:1"
        ),
        "ledger_rules.new": form(
            name="Not allowed",
            match_type="contains",
            pattern="x",
            priority=100,
            set_category=s.category,
            is_active="y",
        ),
        "ledger_rules.edit": form(
            name="Renamed",
            match_type="contains",
            pattern="quokka",
            priority=100,
            set_category=s.category,
            is_active="y",
        ),
        "ledger_rules.delete": form(confirmed="yes"),
        "ledger_rules.apply": form(only_uncategorised=1, confirm_count=1),
        "bills.new": form(
            name="Not allowed", amount="10.00", frequency="monthly", due_day=5, is_active="y"
        ),
        "bills.edit": form(
            name="Renamed", amount="1200.00", frequency="monthly", due_day=1, is_active="y"
        ),
        "bills.delete": form(confirm=s.bill),
        "bills.pause": form(),
        "bills.resume": form(),
        "debts.new": form(
            name="Not allowed", debt_type="other", current_balance="100.00", interest_rate="0"
        ),
        "debts.edit": form(
            name="Renamed",
            debt_type="other",
            current_balance="900.00",
            interest_rate="19.99",
            minimum_payment="25.00",
            is_active="y",
        ),
        "debts.delete": form(confirm=s.debt, confirm_count=1),
        "debts.payments.new": form(date=today, amount="10.00"),
        "debts.payments.edit": form(date=today, amount="20.00"),
        "debts.payments.delete": form(confirm=s.payment),
        "debts.payments.from_transaction": form(transaction=s.linked_transaction),
        "goals.new": form(name="Not allowed", target_amount="100.00", is_active="y"),
        "goals.edit": form(
            name="Renamed", target_amount="3000.00", current_amount="150.00", is_active="y"
        ),
        "goals.delete": form(confirm=s.goal, confirm_count=1),
        "goals.contribute": form(date=today, direction="in", amount="5.00"),
        "goals.remove_contribution": form(confirm=s.contribution),
        "account_settings.delete_mapping": form(confirm=s.profile),
        "legacy_upload.index": upload_file(h.old_file, "personal_finance.db"),
        "legacy_upload.apply": form(confirm=s.upload, confirm_count=to_write),
    }


def _choose(client, ledger_id: int | None) -> None:
    with client.session_transaction() as browser:
        if ledger_id is None:
            browser.pop(CHOSEN_LEDGER_KEY, None)
        else:
            browser[CHOSEN_LEDGER_KEY] = ledger_id


def _chosen_and_told(client) -> tuple[object, list[str]]:
    """The browser's chosen ledger, and what it was told since (which it then forgets)."""
    with client.session_transaction() as browser:
        told = [message for _, message in browser.pop("_flashes", [])]
        return browser.get(CHOSEN_LEDGER_KEY), told


def _signed_in(app, username: str, ledger_id: int | None):
    client = app.test_client()
    assert web_login(client, username).status_code == 302
    _choose(client, ledger_id)
    return client, csrf_token_from(client.get("/account/password").get_data(as_text=True))


def _request(page: Page, csrf: str, forms: dict) -> dict:
    """What the browser sends to ``page``: nothing for a GET, else its form."""
    if page.method == "GET":
        return {}
    make = forms.get(page.endpoint)
    return make(csrf) if make is not None else {"data": GENERIC | {"csrf_token": csrf}}


def _send(client, page: Page, url: str, csrf: str, sent: dict):
    answer = client.open(url, method=page.method, headers={"X-CSRFToken": csrf}, **sent)
    answer.get_data()  # a download is read to its end, then closed
    answer.close()
    return answer


def test_a_viewer_reads_every_page_and_every_post_is_refused(app, session, household):
    h = household
    share(session, h.alex, h.sam, "viewer")
    client, csrf = _signed_in(app, "sam", h.alex.id)
    forms = _forms(client, session, h)
    ids = h.ids()
    before = rows_of(session, h.alex.id)
    wrong, refused, seen, tried = [], [], set(), 0
    for page in _pages(app):
        url = _url(page, ids, h.seeded)
        if url is None:
            wrong.append(f"{page.method} {page.rule}: no id for its variables")
            continue
        answer = _send(client, page, url, csrf, _request(page, csrf, forms))
        tried += 1
        text = answer.get_data(as_text=True)
        where = answer.headers.get("Location", "")
        said = f"{page.method} {url} ({page.endpoint}): {answer.status_code} {where}"
        chosen, told = _chosen_and_told(client)
        if answer.status_code >= 500:
            wrong.append(said)
        elif page.own or "leave" in page.rule + page.endpoint:
            # About Sam himself (profile, data, sign-in, the wizard, admin work, giving up
            # his grant): his own ledger or his own membership; signing out ends it all.
            if marks := marks_in(text):
                wrong.append(f"{said}: shows the shared ledger's {marks}")
        elif chosen != h.alex.id or any(NO_ACCESS in m for m in told) or "/login" in where:
            wrong.append(f"{said}: the browser lost the shared ledger")
            _choose(client, h.alex.id)
        elif page.method == "GET" and page.endpoint in OWNERS_QUESTIONS:
            if answer.status_code != 403:
                wrong.append(said)
            refused.append(f"GET {url.partition('?')[0]}")
        elif page.method == "GET":
            if (answer.status_code, where) != (200, "") and where != REDIRECTS.get(page.endpoint):
                wrong.append(said)
            elif page.endpoint in SHOWS and MARKS[SHOWS[page.endpoint]] not in text:
                wrong.append(f"{said}: does not show {MARKS[SHOWS[page.endpoint]]!r}")
            if SAM_PRIVATE in text:
                wrong.append(f"{said}: shows Sam's own ledger")
            seen.add(page.endpoint)
        elif page.endpoint in READS_BY_POST:
            if answer.status_code not in (200, 302):
                wrong.append(said)
        elif answer.status_code == 403:
            refused.append(f"{page.method} {url.partition('?')[0]}")
        else:
            wrong.append(f"{said}: not refused")
        if page.method != "GET" and rows_of(session, h.alex.id) != before:
            wrong.append(f"{said}: changed the shared ledger")
            before = rows_of(session, h.alex.id)
    assert not wrong, "\n".join(wrong)
    assert tried > 140
    assert len(refused) >= 40
    assert set(SHOWS) <= seen  # the pages this file names are still there
    audited = audit_entries(
        session, "ledger.write_refused", actor_id=h.sam.id, ledger_user_id=h.alex.id
    )
    assert sorted(entry.extra_data["request"] for entry in audited) == sorted(refused)


def test_a_browser_that_chose_a_ledger_without_a_grant_is_sent_to_its_own(app, session, household):
    h = household
    share(session, h.alex, h.sam, "editor")  # someone else's grant opens nothing for Kim
    client, csrf = _signed_in(app, "kim", h.alex.id)
    forms = _forms(client, session, h)
    ids = h.ids() | {"user_id": h.kim.id}
    before = rows_of(session, h.alex.id)
    wrong, turned_away = [], 0
    for page in _pages(app):
        url = _url(page, ids, h.seeded)
        if url is None:
            wrong.append(f"{page.method} {page.rule}: no id for its variables")
            continue
        sent = _request(page, csrf, forms)
        _choose(client, h.alex.id)
        answer = _send(client, page, url, csrf, sent)
        text = answer.get_data(as_text=True)
        where = answer.headers.get("Location", "")
        said = f"{page.method} {url} ({page.endpoint}): {answer.status_code} {where}"
        chosen, told = _chosen_and_told(client)
        if page.own:
            # About Kim herself: her own ledger, the choice left as it was (signing out
            # forgets it with the rest).
            if answer.status_code >= 500 or (chosen != h.alex.id and page.endpoint not in LAST):
                wrong.append(said)
        elif (answer.status_code, where) != (302, "/") or chosen is not None:
            wrong.append(f"{said}: not sent to the overview")
        elif not any(NO_ACCESS in message for message in told):
            wrong.append(f"{said}: not told why")
        else:
            turned_away += 1
        if marks := marks_in(text):
            wrong.append(f"{said}: shows the shared ledger's {marks}")
        if page.method != "GET" and rows_of(session, h.alex.id) != before:
            wrong.append(f"{said}: changed the shared ledger")
            before = rows_of(session, h.alex.id)
    assert not wrong, "\n".join(wrong)
    assert turned_away > 90
    assert audit_entries(session, "ledger.write", ledger_user_id=h.alex.id) == []


def test_after_being_turned_away_the_browser_shows_its_own_ledger(app, session, household):
    h = household
    client, _ = _signed_in(app, "kim", h.alex.id)
    answer = client.get("/transactions", follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.request.path == "/"
    assert NO_ACCESS in text
    assert not marks_in(text)
    listed = client.get("/transactions").get_data(as_text=True)
    assert KIM_PRIVATE in listed and not marks_in(listed)


def test_a_removed_members_live_session_is_back_in_their_own_ledger_on_the_next_page(
    app, session, household
):
    h = household
    share(session, h.alex, h.sam, "editor")
    client, csrf = _signed_in(app, "sam", h.alex.id)
    assert MARKS["transaction"] in client.get("/transactions").get_data(as_text=True)

    unshare(session, h.alex, h.sam)
    before = rows_of(session, h.alex.id), rows_of(session, h.sam.id)
    posted = client.post(
        "/transactions/new",
        data={
            "date": TODAY.isoformat(),
            "description": "After removal",
            "amount": "-9.00",
            "csrf_token": csrf,
        },
    )
    assert (posted.status_code, posted.headers["Location"]) == (302, "/")
    chosen, told = _chosen_and_told(client)
    assert chosen is None and any(NO_ACCESS in message for message in told)
    # The post was not carried out, in the shared ledger or in Sam's own.
    assert (rows_of(session, h.alex.id), rows_of(session, h.sam.id)) == before
    listed = client.get("/transactions").get_data(as_text=True)
    assert SAM_PRIVATE in listed and not marks_in(listed)
    # Choosing the ledger again by hand does not bring it back.
    _choose(client, h.alex.id)
    again = client.get(f"/transactions/{h.seeded.transaction}/edit")
    assert (again.status_code, again.headers["Location"]) == (302, "/")


def test_an_editors_posts_say_who_made_them(app, session, household):
    h = household
    share(session, h.alex, h.sam, "editor")
    client, csrf = _signed_in(app, "sam", h.alex.id)
    created = client.post(
        "/transactions/new",
        data={
            "date": TODAY.isoformat(),
            "description": "Sam's groceries",
            "amount": "-12.30",
            "csrf_token": csrf,
        },
    )
    assert created.status_code == 302, created.get_data(as_text=True)[:500]
    edited = client.post(
        f"/budgets/{h.seeded.budget}/edit", data={"amount": "444.00", "csrf_token": csrf}
    )
    assert edited.status_code == 302, edited.get_data(as_text=True)[:500]

    session.expire_all()
    with tenancy.acting_as(session, h.alex.id):
        row = session.scalars(
            select(Transaction).where(Transaction.description == "Sam's groceries")
        ).one()
        assert (row.created_by_id, row.updated_by_id) == (h.sam.id, None)
        budget = session.get(Budget, h.seeded.budget)
        assert (budget.amount, budget.created_by_id, budget.updated_by_id) == (
            Decimal("444.00"),
            h.alex.id,
            h.sam.id,
        )
    session.rollback()
    entries = audit_entries(session, "ledger.write")
    assert [(e.actor_id, e.ledger_user_id) for e in entries] == [(h.sam.id, h.alex.id)] * 2
    assert entries[0].extra_data == {"added": {"transactions": 1}}
    assert sum(n for tables in entries[1].extra_data.values() for n in tables.values()) == 1
    assert set(entries[1].extra_data[next(iter(entries[1].extra_data))]) == {"budgets"}


def test_your_data_pages_are_your_own_ledgers_whatever_the_browser_chose(app, session, household):
    h = household
    share(session, h.alex, h.sam, "editor")
    client, csrf = _signed_in(app, "sam", h.alex.id)
    alex_before = rows_of(session, h.alex.id)
    exported = client.post("/settings/data/export", data={"json": "x", "csrf_token": csrf})
    text = exported.get_data(as_text=True)
    assert exported.status_code == 200 and SAM_PRIVATE in text and not marks_in(text)
    deleted = client.post("/settings/data/delete", data={"confirm": "sam", "csrf_token": csrf})
    assert deleted.status_code == 302
    assert rows_of(session, h.alex.id) == alex_before
    assert rows_of(session, h.sam.id)["transactions"] == 0
    # Still a member of Alex's ledger, still acting in it on its pages.
    assert MARKS["transaction"] in client.get("/transactions").get_data(as_text=True)


def test_signing_in_as_someone_else_forgets_the_ledger_the_browser_chose(app, session, household):
    h = household
    share(session, h.alex, h.sam, "viewer")
    client, csrf = _signed_in(app, "sam", h.alex.id)
    assert MARKS["transaction"] in client.get("/transactions").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 302
    assert web_login(client, "kim").status_code == 302
    chosen, _ = _chosen_and_told(client)
    assert chosen is None
    listed = client.get("/transactions")
    assert listed.status_code == 200
    assert KIM_PRIVATE in listed.get_data(as_text=True) and not marks_in(
        listed.get_data(as_text=True)
    )
