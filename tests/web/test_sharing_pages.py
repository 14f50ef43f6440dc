"""The sharing pages: the owner shares the ledger, changes a member's role and linked
owner, removes them after asking; members see the list read-only and may leave; the
switcher in the navigation chooses the ledger a browser acts in; what a viewer is
offered; who entered a transaction; "Mine"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from homeledger import tenancy
from homeledger.models import AuditLog, LedgerMember, Owner, Transaction
from homeledger.services import categories, profile, sharing
from homeledger.services.profile import ProfileChange
from tests.conftest import csrf_token_from, web_login
from tests.factories import add_transactions, make_user

SWITCHER = 'data-testid="ledger-switch"'
READ_ONLY = "You can read Alex's ledger but not change it."
OWN_LEDGER_AREAS = {"my_data", "auth", "invites", "account_settings.index"}


@pytest.fixture
def alex(session):
    user = make_user(session, "alex", display_name="Alex")
    with tenancy.acting_as(session, user.id):
        profile.update(session, user, ProfileChange(currency="GBP"))
        categories.add_owners(session, ["Alex", "Sam"])
        session.commit()
    return user


@pytest.fixture
def sam(session):
    return make_user(session, "sam", display_name="Sam")


@pytest.fixture
def jordan(session):
    return make_user(session, "jordan")


def _share(session, owner, member, role: str = "editor") -> None:
    with tenancy.acting_as(session, owner.id):
        sharing.add_member(session, member.username, role)
        session.commit()


def _owner_id(session, ledger, name: str) -> int:
    with tenancy.acting_as(session, ledger.id):
        return session.scalars(select(Owner.id).where(Owner.name == name)).one()


def _signed_in(app, username: str):
    client = app.test_client()
    assert web_login(client, username).status_code == 302
    return client


def _csrf(client, path: str = "/settings/sharing") -> str:
    return csrf_token_from(client.get(path).get_data(as_text=True))


def _switch(client, ledger_id) -> object:
    return client.post(
        "/ledgers/switch", data={"ledger": str(ledger_id), "csrf_token": _csrf(client, "/")}
    )


def _grants(session) -> list[tuple[int, int, str]]:
    session.expire_all()
    rows = session.execute(
        select(LedgerMember.ledger_user_id, LedgerMember.member_id, LedgerMember.role)
    )
    return sorted(tuple(row) for row in rows)


def _audit_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AuditLog))


def _actions(session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def _text(response) -> str:
    return response.get_data(as_text=True)


def _member_form(session, client, person_id: int, **fields) -> dict[str, str]:
    prefix = f"member-{person_id}"
    data = {f"{prefix}-csrf_token": _csrf(client)}
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    return data


# --- the owner manages members ------------------------------------------------------------


def test_the_owner_adds_changes_links_and_removes_a_member(app, session, alex, sam):
    client = _signed_in(app, "alex")
    page = client.get("/settings/sharing")
    assert page.status_code == 200
    assert "Who can use this ledger" in _text(page) and "not shared this ledger" in _text(page)

    added = client.post(
        "/settings/sharing", data={"username": "sam", "role": "editor", "csrf_token": _csrf(client)}
    )
    assert added.status_code == 302
    assert _grants(session) == [(alex.id, sam.id, "editor")]
    listed = _text(client.get("/settings/sharing"))
    assert "Sam can now use this ledger as editor" in listed
    assert 'data-testid="member-sam"' in listed

    sam_owner, alex_owner = _owner_id(session, alex, "Sam"), _owner_id(session, alex, "Alex")
    changed = client.post(
        f"/settings/sharing/{sam.id}",
        data=_member_form(session, client, sam.id, role="viewer", owner=str(sam_owner)),
    )
    assert changed.status_code == 302
    assert _grants(session) == [(alex.id, sam.id, "viewer")]
    # The owner's own row can be linked too.
    linked = client.post(
        f"/settings/sharing/{alex.id}",
        data=_member_form(session, client, alex.id, owner=alex_owner),
    )
    assert linked.status_code == 302
    session.expire_all()
    with tenancy.acting_as(session, alex.id):
        logins = dict(session.execute(select(Owner.name, Owner.login_id)).all())
    assert logins == {"Alex": alex.id, "Sam": sam.id}
    assert "Saved: Alex, linked to the owner “Alex”." in _text(client.get("/settings/sharing"))

    # Removing asks first, saying what happens; a post without the page's answer removes no one.
    question = client.get(f"/settings/sharing/{sam.id}/remove")
    assert question.status_code == 200
    assert (
        "Sam loses access on their next page, in every browser and app; what they entered stays."
        in _text(question)
    )
    token = csrf_token_from(_text(question))
    skipped = client.post(f"/settings/sharing/{sam.id}/remove", data={"csrf_token": token})
    assert skipped.status_code == 400 and _grants(session) == [(alex.id, sam.id, "viewer")]
    removed = client.post(
        f"/settings/sharing/{sam.id}/remove", data={"csrf_token": token, "confirm": str(sam.id)}
    )
    assert removed.status_code == 302 and _grants(session) == []
    assert "Sam no longer has access to this ledger." in _text(client.get("/settings/sharing"))
    assert [a for a in _actions(session) if a.startswith("ledger.member")] == [
        "ledger.member_add",
        "ledger.member_change",
        "ledger.member_change",
        "ledger.member_remove",
    ]


@pytest.mark.parametrize(
    ("username", "role", "field", "message"),
    [
        ("alex", "editor", "username", "This is your own ledger: you are its owner already."),
        ("nobody", "editor", "username", "There is no one called &#39;nobody&#39; here."),
        ("", "editor", "username", "Give the username of the person to share with."),
        ("sam", "owner", "role", "Choose editor or viewer."),
        ("sam", "superuser", "role", "Choose editor or viewer."),
        ("jordan", "viewer", "username", "Jordan is a member already; change their role."),
    ],
)
def test_bad_input_to_share_is_refused_naming_the_field(
    app, session, alex, sam, jordan, username, role, field, message
):
    _share(session, alex, jordan, "editor")
    client = _signed_in(app, "alex")
    grants, entries = _grants(session), _audit_count(session)
    answer = client.post(
        "/settings/sharing", data={"username": username, "role": role, "csrf_token": _csrf(client)}
    )
    assert answer.status_code == 400
    html = _text(answer)
    assert f'id="{field}-error"' in html and message in html
    assert _grants(session) == grants
    assert _audit_count(session) == entries


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"role": "owner", "owner": ""}, "Choose editor or viewer."),
        ({"role": "editor", "owner": "999999"}, "There is no such owner in this ledger."),
        ({"role": "editor", "owner": "x1"}, "Choose one of this ledger&#39;s owners, or none."),
    ],
)
def test_bad_input_to_a_member_row_is_refused(app, session, alex, sam, jordan, fields, message):
    _share(session, alex, sam, "viewer")
    client = _signed_in(app, "alex")
    answer = client.post(
        f"/settings/sharing/{sam.id}", data=_member_form(session, client, sam.id, **fields)
    )
    assert answer.status_code == 400
    assert message in _text(answer) and "Not saved: see Sam&#39;s row below." in _text(answer)
    assert _grants(session) == [(alex.id, sam.id, "viewer")]
    # Someone who has no access here is no member to change or remove.
    assert (
        client.post(
            f"/settings/sharing/{jordan.id}",
            data=_member_form(session, client, jordan.id, role="editor"),
        ).status_code
        == 404
    )
    assert client.get(f"/settings/sharing/{jordan.id}/remove").status_code == 404


def test_another_ledgers_owner_cannot_be_linked(app, session, alex, sam):
    _share(session, alex, sam, "editor")
    with tenancy.acting_as(session, sam.id):
        theirs = categories.add_owners(session, ["Sam's own"])[0].id
        session.commit()
    client = _signed_in(app, "alex")
    answer = client.post(
        f"/settings/sharing/{sam.id}",
        data=_member_form(session, client, sam.id, role="editor", owner=str(theirs)),
    )
    assert answer.status_code == 400 and "There is no such owner in this ledger." in _text(answer)


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_members_see_the_list_but_cannot_manage_it(app, session, alex, sam, jordan, role):
    _share(session, alex, sam, role)
    _share(session, alex, jordan, "viewer")
    client = _signed_in(app, "sam")
    assert _switch(client, alex.id).status_code == 302
    page = client.get("/settings/sharing")
    assert page.status_code == 200
    html = _text(page)
    assert "Sam (you)" in html and "jordan" in html and "Leave this ledger" in html
    assert 'data-testid="add-member"' not in html and "Remove…" not in html
    grants = _grants(session)
    csrf = _csrf(client)
    tries = [
        client.post(
            "/settings/sharing", data={"username": "jordan", "role": "editor", "csrf_token": csrf}
        ),
        client.post(
            f"/settings/sharing/{jordan.id}",
            data={f"member-{jordan.id}-role": "editor", f"member-{jordan.id}-csrf_token": csrf},
        ),
        client.get(f"/settings/sharing/{jordan.id}/remove"),
        client.post(
            f"/settings/sharing/{jordan.id}/remove",
            data={"confirm": str(jordan.id), "csrf_token": csrf},
        ),
    ]
    assert [t.status_code for t in tries] == [403] * 4
    assert _grants(session) == grants
    refused = [a for a in _actions(session) if a == "ledger.write_refused"]
    assert len(refused) == (4 if role == "viewer" else 0)


# --- leaving -------------------------------------------------------------------------------


def test_a_member_leaves_a_ledger_after_asking(app, session, alex, sam, jordan):
    _share(session, alex, sam, "viewer")
    _share(session, jordan, sam, "editor")
    client = _signed_in(app, "sam")
    _switch(client, alex.id)
    mine = _text(client.get("/settings/sharing"))
    assert "Ledgers shared with you" in mine
    assert "Alex&#39;s ledger" in mine and "jordan&#39;s ledger" in mine

    question = client.get(f"/ledgers/{alex.id}/leave")
    assert question.status_code == 200
    assert "Leave Alex&#39;s ledger?" in _text(question)
    token = csrf_token_from(_text(question))
    assert client.post(f"/ledgers/{alex.id}/leave", data={"csrf_token": token}).status_code == 400
    assert len(_grants(session)) == 2
    left = client.post(
        f"/ledgers/{alex.id}/leave", data={"csrf_token": token, "confirm": str(alex.id)}
    )
    assert left.status_code == 302
    assert _grants(session) == [(jordan.id, sam.id, "editor")]
    # The choice went with it: their own ledger, with no "you no longer have access".
    after = _text(client.get(left.headers["Location"], follow_redirects=True))
    assert "You left Alex&#39;s ledger." in after
    assert "no longer have access" not in after
    assert "ledger.member_leave" in _actions(session)


def test_leaving_what_is_not_shared_with_you(app, session, alex, sam, jordan):
    client = _signed_in(app, "sam")
    assert client.get(f"/ledgers/{alex.id}/leave").status_code == 404
    assert client.get("/ledgers/999999999/leave").status_code == 404
    token = _csrf(client)
    assert (
        client.post(
            f"/ledgers/{alex.id}/leave", data={"csrf_token": token, "confirm": str(alex.id)}
        ).status_code
        == 404
    )
    own = client.get(f"/ledgers/{sam.id}/leave")
    assert own.status_code == 200 and "you cannot leave it" in _text(own)
    refused = client.post(
        f"/ledgers/{sam.id}/leave", data={"csrf_token": token, "confirm": str(sam.id)}
    )
    assert refused.status_code == 400


# --- the switcher ------------------------------------------------------------------------------


def test_the_switcher_chooses_the_ledger_pages_show(app, session, alex, sam):
    add_transactions(session, alex, [(date(2026, 3, 2), "Bakery on the corner", "-4.20", None)])
    add_transactions(session, sam, [(date(2026, 3, 3), "Sam's own lunch", "-9.00", None)])
    _share(session, alex, sam, "editor")
    client = _signed_in(app, "sam")
    own = _text(client.get("/transactions"))
    assert SWITCHER in own and "Sam&#39;s own lunch" in own and "Bakery" not in own
    switched = _switch(client, alex.id)
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/")
    assert "You are in Alex&#39;s ledger, as editor." in _text(client.get("/"))
    page = _text(client.get("/transactions"))
    assert "Bakery on the corner" in page and "-£4.20" in page and "Sam&#39;s own lunch" not in page
    assert f'<option value="{alex.id}" selected>Alex&#39;s ledger (editor)</option>' in page
    # And back to their own.
    _switch(client, sam.id)
    assert "Sam&#39;s own lunch" in _text(client.get("/transactions"))


@pytest.mark.parametrize("choice", ["jordan", "999999999", "abc", "", "-1"])
def test_a_ledger_without_a_grant_cannot_be_chosen(app, session, alex, sam, jordan, choice):
    add_transactions(session, jordan, [(date(2026, 3, 2), "Jordan's secret", "-1.00", None)])
    _share(session, alex, sam, "viewer")
    client = _signed_in(app, "sam")
    answer = _switch(client, jordan.id if choice == "jordan" else choice)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/")
    assert "There is no such ledger of yours" in _text(client.get("/"))
    page = _text(client.get("/transactions"))
    assert page.count("selected>Your ledger</option>") == 1 and "Jordan" not in page


def test_a_removed_member_is_turned_away_on_their_very_next_request(app, session, alex, sam):
    _share(session, alex, sam, "editor")
    client = _signed_in(app, "sam")
    _switch(client, alex.id)
    token = _csrf(client, "/transactions/new")
    with tenancy.acting_as(session, alex.id):
        sharing.remove_member(session, sam.id)
        session.commit()
    posted = client.post(
        "/transactions/new",
        data={
            "date": "2026-03-04",
            "description": "After removal",
            "amount": "-3.00",
            "csrf_token": token,
        },
    )
    assert posted.status_code == 302 and posted.headers["Location"].endswith("/")
    landing = _text(client.get("/"))
    assert "You no longer have access to that ledger; this is your own." in landing
    assert SWITCHER not in landing
    for ledger in (alex, sam):
        with tenancy.acting_as(session, ledger.id):
            assert session.scalar(select(func.count()).select_from(Transaction)) == 0


def test_someone_with_one_ledger_has_no_switcher(app, session, alex):
    page = _text(_signed_in(app, "alex").get("/"))
    assert SWITCHER not in page
    assert 'data-testid="acting-ledger">Your ledger</li>' in page


# --- what a viewer is offered ------------------------------------------------------------------


def test_a_viewer_reads_and_is_offered_no_changes(app, session, alex, sam):
    [row] = add_transactions(session, alex, [(date(2026, 3, 2), "Bakery", "-4.20", None)])
    _share(session, alex, sam, "viewer")
    client = _signed_in(app, "sam")
    _switch(client, alex.id)
    pages = {
        path: _text(client.get(path))
        for path in (
            "/",
            "/transactions",
            "/bills",
            "/budgets",
            "/goals",
            "/debts",
            "/settings/owners",
        )
    }
    for path, html in pages.items():
        assert READ_ONLY in html, path
    assert 'href="/transactions/new' not in pages["/transactions"]
    assert 'name="ids"' not in pages["/transactions"]  # no bulk changes
    assert 'href="/bills/new' not in pages["/bills"]
    assert 'href="/goals/new' not in pages["/goals"]
    assert 'href="/debts/new' not in pages["/debts"]
    assert 'href="/budgets/new' not in pages["/budgets"]
    assert 'action="/settings/owners' not in pages["/settings/owners"]
    edit = _text(client.get(f"/transactions/{row}/edit"))
    assert "<fieldset disabled>" in edit and "Delete…" not in edit
    # The page offered nothing; the service refuses anyway (403, nothing written).
    token = csrf_token_from(edit)
    refused = client.post(
        "/transactions/new",
        data={"date": "2026-03-04", "description": "No", "amount": "-1", "csrf_token": token},
    )
    assert refused.status_code == 403


# --- who entered a row, and "Mine" ------------------------------------------------------------


def test_the_edit_page_says_who_entered_and_changed_a_transaction(app, session, alex, sam):
    _share(session, alex, sam, "editor")
    sam_client = _signed_in(app, "sam")
    _switch(sam_client, alex.id)
    token = _csrf(sam_client, "/transactions/new")
    sam_client.post(
        "/transactions/new",
        data={
            "date": "2026-03-04",
            "description": "Hardware store",
            "amount": "-31.00",
            "csrf_token": token,
        },
    )
    with tenancy.acting_as(session, alex.id):
        row = session.scalars(
            select(Transaction).where(Transaction.description == "Hardware store")
        ).one()
    alex_client = _signed_in(app, "alex")
    page = _text(alex_client.get(f"/transactions/{row.id}/edit"))
    assert "Entered by Sam." in page
    token = csrf_token_from(page)
    alex_client.post(
        f"/transactions/{row.id}/edit",
        data={
            "date": "2026-03-04",
            "description": "Hardware store",
            "amount": "-32.00",
            "csrf_token": token,
        },
    )
    assert "Entered by you; last changed by Alex." in _text(
        sam_client.get(f"/transactions/{row.id}/edit")
    )


def test_mine_shows_the_linked_owners_rows(app, session, alex, sam):
    _share(session, alex, sam, "editor")
    sam_owner, alex_owner = _owner_id(session, alex, "Sam"), _owner_id(session, alex, "Alex")
    with tenancy.acting_as(session, alex.id):
        session.add_all(
            [
                Transaction(
                    date=date(2026, 3, 2),
                    description="Sam's coffee",
                    amount=Decimal("-3.50"),
                    owner_id=sam_owner,
                ),
                Transaction(
                    date=date(2026, 3, 3),
                    description="Alex's books",
                    amount=Decimal("-20.00"),
                    owner_id=alex_owner,
                ),
                Transaction(
                    date=date(2026, 3, 4), description="Shared rent", amount=Decimal("-900.00")
                ),
            ]
        )
        sharing.change_member(session, sam.id, owner_id=sam_owner)
        session.commit()
    sam_client = _signed_in(app, "sam")
    _switch(sam_client, alex.id)
    everything = _text(sam_client.get("/transactions"))
    assert '<option value="mine">Mine (Sam)</option>' in everything
    mine = _text(sam_client.get("/transactions?owner=mine"))
    assert (
        "Sam&#39;s coffee" in mine and "Alex&#39;s books" not in mine and "Shared rent" not in mine
    )
    overview = sam_client.get("/?owner=mine&month=2026-03")
    assert overview.status_code == 200 and "Showing Sam's transactions" in _text(overview)
    # Alex is linked to no one: no "Mine", and asking for it says why.
    alex_client = _signed_in(app, "alex")
    assert 'value="mine"' not in _text(alex_client.get("/transactions"))
    refused = alex_client.get("/transactions?owner=mine")
    assert refused.status_code == 400 and "You are not linked to one of this ledger" in _text(
        refused
    )


def test_a_viewer_opens_every_page_of_the_shared_ledger(app, session, alex, sam):
    """Every page without an id in its address, looked at as a viewer: read, not refused
    (a page that wrote on the way would answer 403 here)."""
    add_transactions(session, alex, [(date(2026, 3, 2), "Bakery", "-4.20", "Groceries")])
    _share(session, alex, sam, "viewer")
    client = _signed_in(app, "sam")
    _switch(client, alex.id)
    refused, tried = [], 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint in ("static", "favicon"):
            continue
        if rule.rule.startswith(("/api/", "/admin", "/welcome", "/logout", "/login")):
            continue
        tried += 1
        answer = client.get(rule.rule)
        if answer.status_code not in (200, 302) or (
            answer.status_code == 302 and "/login" in answer.headers["Location"]
        ):
            refused.append(f"{rule.rule}: {answer.status_code}")
        elif answer.status_code == 200 and "text/html" in answer.content_type:
            # Pages about the person themselves act in their own ledger, as the menu says.
            own = {rule.endpoint, rule.endpoint.partition(".")[0]} & OWN_LEDGER_AREAS
            assert (READ_ONLY in _text(answer)) != bool(own), rule.rule
    assert refused == [] and tried > 30
    assert "ledger.write_refused" not in _actions(session)
