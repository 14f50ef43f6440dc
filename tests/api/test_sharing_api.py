"""Household sharing over the API: the ledgers a person may use, a ledger's members, and
acting in someone else's ledger with ``X-Ledger-Id`` as an editor or a viewer."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from homeledger import tenancy
from homeledger.models import AuditLog, LedgerMember, Owner, Transaction
from homeledger.services import categories, sharing
from tests.conftest import api_login, bearer
from tests.factories import make_user

HEADER = "X-Ledger-Id"
MEMBER_KEYS = {
    "user_id",
    "username",
    "display_name",
    "role",
    "owner_id",
    "owner_name",
    "added_at",
}


@dataclass
class Person:
    id: int
    name: str
    headers: dict[str, str]

    def acting_in(self, ledger: object) -> dict[str, str]:
        """This person's headers, choosing ``ledger`` (a person, an id or any text)."""
        value = ledger.id if isinstance(ledger, Person) else ledger
        return {**self.headers, HEADER: str(value)}


def _person(session, client, name: str, **kwargs) -> Person:
    user = make_user(session, name, **kwargs)
    token = api_login(client, name).get_json()["access_token"]
    return Person(user.id, name, bearer(token))


@pytest.fixture
def alex(session, client):
    return _person(session, client, "alex", display_name="Alex Smith")


@pytest.fixture
def sam(session, client):
    return _person(session, client, "sam")


@pytest.fixture
def kim(session, client):
    return _person(session, client, "kim")


def _share(session, owner: Person, member: Person, role: str) -> None:
    with tenancy.acting_as(session, owner.id):
        sharing.add_member(session, member.name, role)
        session.commit()


def _add_owner(session, ledger: Person, name: str) -> int:
    with tenancy.acting_as(session, ledger.id):
        owner = categories.create_owner(session, name)
        session.commit()
        return owner.id


def _spend(client, headers, description: str, amount: str = "-10.00", **extra):
    body = {"date": "2026-03-05", "description": description, "amount": amount, **extra}
    response = client.post("/api/v1/transactions", headers=headers, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _descriptions(client, headers, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/transactions{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return sorted(row["description"] for row in response.get_json()["items"])


def _rows(session, ledger: Person) -> int:
    with tenancy.acting_as(session, ledger.id):
        return session.scalar(select(func.count()).select_from(Transaction))


def _audit(session, *actions: str) -> list[AuditLog]:
    session.expire_all()
    return list(
        session.scalars(select(AuditLog).where(AuditLog.action.in_(actions)).order_by(AuditLog.id))
    )


def _grants(session) -> set[tuple[int, int, str]]:
    session.expire_all()
    rows = session.execute(
        select(LedgerMember.ledger_user_id, LedgerMember.member_id, LedgerMember.role)
    )
    return set(rows.all())


def _links(session, ledger: Person) -> dict[str, int | None]:
    session.expire_all()
    with tenancy.acting_as(session, ledger.id):
        return dict(session.execute(select(Owner.name, Owner.login_id)).all())


def _error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    return response.get_json()["error"]


# --- GET /ledgers and GET /ledger/members: the shapes -------------------------------------


def test_the_ledgers_are_the_callers_own_first_then_those_shared_by_owner_name(
    client, session, alex, sam, kim
):
    _share(session, kim, sam, "viewer")
    _share(session, alex, sam, "editor")
    expected = [
        {"id": sam.id, "owner": "sam", "owner_name": "sam", "role": "owner"},
        {"id": alex.id, "owner": "alex", "owner_name": "Alex Smith", "role": "editor"},
        {"id": kim.id, "owner": "kim", "owner_name": "kim", "role": "viewer"},
    ]
    titles = ["Your ledger", "Alex Smith's ledger", "kim's ledger"]
    # The header does not matter here: the list is the caller's, whatever it names.
    for headers in (sam.headers, sam.acting_in(alex), sam.acting_in("abc"), sam.acting_in(-1)):
        listed = client.get("/api/v1/ledgers", headers=headers)
        assert listed.status_code == 200
        body = listed.get_json()
        assert [{k: v for k, v in item.items() if k != "title"} for item in body] == expected
        assert [item["title"] for item in body] == titles
    # Someone nobody shares with has their own ledger alone.
    assert client.get("/api/v1/ledgers", headers=alex.headers).get_json() == [
        {
            "id": alex.id,
            "owner": "alex",
            "owner_name": "Alex Smith",
            "role": "owner",
            "title": "Your ledger",
        }
    ]


def test_the_members_are_the_owner_first_then_the_members_for_every_role(
    client, session, alex, sam, kim
):
    _share(session, alex, sam, "editor")
    _share(session, alex, kim, "viewer")
    owners = client.get("/api/v1/ledger/members", headers=alex.headers)
    assert owners.status_code == 200
    members = owners.get_json()
    assert all(set(member) == MEMBER_KEYS for member in members)
    assert [(m["user_id"], m["username"], m["role"]) for m in members] == [
        (alex.id, "alex", "owner"),
        (kim.id, "kim", "viewer"),
        (sam.id, "sam", "editor"),
    ]
    assert members[0] == {
        "user_id": alex.id,
        "username": "alex",
        "display_name": "Alex Smith",
        "role": "owner",
        "owner_id": None,
        "owner_name": None,
        "added_at": None,
    }
    assert all(m["added_at"] and m["owner_id"] is None for m in members[1:])
    # An editor and a viewer read the same list with the header; without it, their own.
    assert client.get("/api/v1/ledger/members", headers=sam.acting_in(alex)).get_json() == members
    assert client.get("/api/v1/ledger/members", headers=kim.acting_in(alex)).get_json() == members
    own = client.get("/api/v1/ledger/members", headers=sam.headers).get_json()
    assert [(m["username"], m["role"]) for m in own] == [("sam", "owner")]


# --- Managing members through the API ----------------------------------------------------


def test_the_owner_adds_changes_links_and_removes_a_member_each_audited(client, session, alex, sam):
    added = client.post(
        "/api/v1/ledger/members", headers=alex.headers, json={"username": "SAM ", "role": "viewer"}
    )
    assert added.status_code == 201
    member = added.get_json()
    assert set(member) == MEMBER_KEYS
    assert (member["user_id"], member["username"], member["role"]) == (sam.id, "sam", "viewer")
    assert member["owner_id"] is None and member["added_at"]
    assert [ledger["id"] for ledger in client.get("/api/v1/ledgers", headers=sam.headers).json] == [
        sam.id,
        alex.id,
    ]

    url = f"/api/v1/ledger/members/{sam.id}"
    promoted = client.patch(url, headers=alex.headers, json={"role": "editor"})
    assert promoted.status_code == 200 and promoted.get_json()["role"] == "editor"

    sams_owner = _add_owner(session, alex, "Sam")
    linked = client.patch(url, headers=alex.headers, json={"owner_id": sams_owner})
    assert linked.status_code == 200
    assert (linked.get_json()["owner_id"], linked.get_json()["owner_name"]) == (sams_owner, "Sam")
    assert _links(session, alex) == {"Sam": sam.id}

    unlinked = client.patch(url, headers=alex.headers, json={"owner_id": None})
    assert unlinked.status_code == 200 and unlinked.get_json()["owner_id"] is None
    assert _links(session, alex) == {"Sam": None}

    assert client.delete(url, headers=alex.headers).status_code == 204
    assert _grants(session) == set()
    members = client.get("/api/v1/ledger/members", headers=alex.headers).get_json()
    assert [m["username"] for m in members] == ["alex"]
    assert _error(client.get("/api/v1/transactions", headers=sam.acting_in(alex)), 404)

    entries = _audit(session, "ledger.member_add", "ledger.member_change", "ledger.member_remove")
    assert [(e.action, e.actor_id, e.ledger_user_id) for e in entries] == [
        ("ledger.member_add", alex.id, alex.id),
        ("ledger.member_change", alex.id, alex.id),
        ("ledger.member_change", alex.id, alex.id),
        ("ledger.member_change", alex.id, alex.id),
        ("ledger.member_remove", alex.id, alex.id),
    ]
    assert [e.extra_data for e in entries] == [
        {"member": "sam", "role": "viewer"},
        {"member": "sam", "role": {"from": "viewer", "to": "editor"}},
        {"member": "sam", "owner": {"from": None, "to": "Sam"}},
        {"member": "sam", "owner": {"from": "Sam", "to": None}},
        {"member": "sam", "role": "editor"},
    ]


def test_the_owner_links_their_own_entry_to_an_owner_and_nothing_else(client, session, alex):
    me = _add_owner(session, alex, "Alex")
    url = f"/api/v1/ledger/members/{alex.id}"
    linked = client.patch(url, headers=alex.headers, json={"owner_id": me, "role": "owner"})
    assert linked.status_code == 200
    assert (linked.get_json()["role"], linked.get_json()["owner_name"]) == ("owner", "Alex")
    assert _links(session, alex) == {"Alex": alex.id}
    assert _error(client.delete(url, headers=alex.headers), 422)["fields"].keys() == {"user_id"}


def test_a_member_leaves_a_shared_ledger_audited(client, session, alex, sam, kim):
    _share(session, alex, sam, "editor")
    _share(session, kim, sam, "viewer")
    left = client.post(f"/api/v1/ledgers/{kim.id}/leave", headers=sam.acting_in(alex))
    assert left.status_code == 204
    listed = client.get("/api/v1/ledgers", headers=sam.headers).get_json()
    assert [ledger["id"] for ledger in listed] == [sam.id, alex.id]
    assert _error(client.get("/api/v1/transactions", headers=sam.acting_in(kim)), 404)
    entries = _audit(session, "ledger.member_leave")
    assert [(e.actor_id, e.ledger_user_id, e.extra_data) for e in entries] == [
        (sam.id, kim.id, {"role": "viewer"})
    ]
    # Gone is gone: leaving again, or a ledger one never had, or none at all, is 404.
    for ledger in (kim.id, 999_999, 2_147_483_647):
        assert _error(client.post(f"/api/v1/ledgers/{ledger}/leave", headers=sam.headers), 404)
    assert _error(client.post(f"/api/v1/ledgers/{sam.id}/leave", headers=alex.headers), 404)
    # One's own ledger cannot be left.
    own = _error(client.post(f"/api/v1/ledgers/{sam.id}/leave", headers=sam.headers), 422)
    assert set(own["fields"]) == {"ledger"}
    assert _grants(session) == {(alex.id, sam.id, "editor")}
    assert len(_audit(session, "ledger.member_leave")) == 1


# --- Bad input: 422 naming the field, nothing written ---------------------------------


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"username": "alex", "role": "viewer"}, {"username"}),  # oneself
        ({"username": "nobody", "role": "viewer"}, {"username"}),
        ({"username": "kim", "role": "viewer"}, {"username"}),  # a member already
        ({"username": "sam", "role": "owner"}, {"role"}),
        ({"username": "sam", "role": "admin"}, {"role"}),
        ({"username": "sam", "role": None}, {"role"}),
        ({"username": "sam"}, {"role"}),
        ({"role": "viewer"}, {"username"}),
        ({"username": "", "role": "editor"}, {"username"}),
        ({"username": 7, "role": ["viewer"]}, {"username", "role"}),
        ({"username": "nobody", "role": "boss"}, {"username", "role"}),
        ({"username": "sam", "role": "editor", "is_admin": True}, {"is_admin"}),
        ({"username": "sam", "role": "editor", "ledger_id": 1}, {"ledger_id"}),
    ],
)
def test_adding_a_member_wrongly_is_422_naming_the_field(
    client, session, alex, sam, kim, body, fields
):
    _share(session, alex, kim, "viewer")
    before = _grants(session)
    answer = _error(client.post("/api/v1/ledger/members", headers=alex.headers, json=body), 422)
    assert answer["code"] == "validation_error"
    assert set(answer["fields"]) == fields
    assert _grants(session) == before
    assert len(_audit(session, "ledger.member_add")) == 1  # kim's, from the set-up


@pytest.mark.parametrize(
    ("who", "body", "fields"),
    [
        ("sam", {"role": "owner"}, {"role"}),
        ("sam", {"role": "boss"}, {"role"}),
        ("sam", {"role": None}, {"role"}),
        ("sam", {"owner_id": 999_999}, {"owner_id"}),
        ("sam", {"owner_id": 0}, {"owner_id"}),
        ("sam", {"owner_id": -1}, {"owner_id"}),
        ("sam", {"owner_id": 2**70}, {"owner_id"}),
        ("sam", {"owner_id": "1"}, {"owner_id"}),
        ("sam", {"owner_id": True}, {"owner_id"}),
        ("sam", {"owner_id": "kims"}, {"owner_id"}),  # an owner of another ledger
        ("sam", {"role": "viewer", "owner_id": 999_999}, {"owner_id"}),
        ("sam", {"role": "viewer", "nickname": "S"}, {"nickname"}),
        ("alex", {"role": "viewer"}, {"role"}),  # the owner stays the owner
        ("alex", {"role": "editor", "owner_id": "alexs"}, {"role"}),
    ],
)
def test_changing_a_member_wrongly_is_422_naming_the_field(
    client, session, alex, sam, kim, who, body, fields
):
    _share(session, alex, sam, "viewer")
    ids = {"kims": _add_owner(session, kim, "Kim"), "alexs": _add_owner(session, alex, "Alex")}
    body = {
        key: ids.get(value, value) if key == "owner_id" else value for key, value in body.items()
    }
    user_id = {"sam": sam.id, "alex": alex.id}[who]
    url = f"/api/v1/ledger/members/{user_id}"
    answer = _error(client.patch(url, headers=alex.headers, json=body), 422)
    assert set(answer["fields"]) == fields
    assert _grants(session) == {(alex.id, sam.id, "viewer")}
    assert _links(session, alex) == {"Alex": None}
    assert _links(session, kim) == {"Kim": None}
    assert _audit(session, "ledger.member_change") == []


def test_members_that_are_not_there_are_404(client, session, alex, sam, kim):
    _share(session, kim, sam, "editor")  # a member of another ledger, not of alex's
    for user_id in (sam.id, 999_999):
        url = f"/api/v1/ledger/members/{user_id}"
        assert _error(client.patch(url, headers=alex.headers, json={"role": "viewer"}), 404)
        assert _error(client.delete(url, headers=alex.headers), 404)
    assert _grants(session) == {(kim.id, sam.id, "editor")}


@pytest.mark.parametrize(("role", "code"), [("editor", "owner_required"), ("viewer", "read_only")])
def test_only_the_owner_manages_members(client, session, alex, sam, kim, role, code):
    _share(session, alex, sam, role)
    _share(session, alex, kim, "viewer")
    before = _grants(session)
    headers = sam.acting_in(alex)
    for method, url, body in (
        ("POST", "/api/v1/ledger/members", {"username": "kim", "role": "editor"}),
        ("POST", "/api/v1/ledger/members", {"username": "nobody", "role": "boss"}),
        ("PATCH", f"/api/v1/ledger/members/{kim.id}", {"role": "editor"}),
        ("PATCH", f"/api/v1/ledger/members/{sam.id}", {"role": "editor"}),
        ("PATCH", f"/api/v1/ledger/members/{alex.id}", {"owner_id": None}),
        ("DELETE", f"/api/v1/ledger/members/{kim.id}", None),
    ):
        answer = client.open(url, method=method, headers=headers, json=body)
        assert _error(answer, 403)["code"] == code, (method, url)
    assert _grants(session) == before
    changes = ("ledger.member_add", "ledger.member_change", "ledger.member_remove")
    assert [e.extra_data["member"] for e in _audit(session, *changes)] == ["sam", "kim"]
    refused = _audit(session, "ledger.write_refused")
    if role == "viewer":  # a viewer's write attempt is audited; an editor's is not a write
        assert len(refused) == 6
        assert {(e.actor_id, e.ledger_user_id) for e in refused} == {(sam.id, alex.id)}
    else:
        assert refused == []


# --- Acting in a shared ledger ----------------------------------------------------------


def test_an_editor_lists_and_writes_in_the_shared_ledger_and_the_audit_says_who(
    client, session, alex, sam
):
    _share(session, alex, sam, "editor")
    alexs = _spend(client, alex.headers, "Alex's groceries")
    assert (alexs["created_by"], alexs["updated_by"]) == (alex.id, None)
    _spend(client, sam.headers, "Sam's own lunch")
    in_alexs = sam.acting_in(alex)
    assert _descriptions(client, in_alexs) == ["Alex's groceries"]

    created = _spend(client, in_alexs, "Sam's shared shopping")
    assert (created["created_by"], created["updated_by"]) == (sam.id, None)
    edited = client.patch(
        f"/api/v1/transactions/{alexs['id']}", headers=in_alexs, json={"amount": "-12.00"}
    )
    assert edited.status_code == 200
    assert (edited.get_json()["created_by"], edited.get_json()["updated_by"]) == (alex.id, sam.id)

    # The owner sees who entered what; the editor's own ledger is untouched.
    seen = client.get("/api/v1/transactions", headers=alex.headers).get_json()["items"]
    assert {row["description"]: row["created_by"] for row in seen} == {
        "Alex's groceries": alex.id,
        "Sam's shared shopping": sam.id,
    }
    assert _descriptions(client, sam.headers) == ["Sam's own lunch"]

    writes = _audit(session, "ledger.write")
    assert [(e.actor_id, e.ledger_user_id, e.extra_data) for e in writes] == [
        (sam.id, alex.id, {"added": {"transactions": 1}}),
        (sam.id, alex.id, {"changed": {"transactions": 1}}),
    ]


def test_bills_debts_goals_and_their_payments_say_who_entered_and_changed_them(
    client, session, alex, sam
):
    _share(session, alex, sam, "editor")
    headers = sam.acting_in(alex)
    created = {
        "commitments": {"name": "Rent", "amount": "900.00", "frequency": "monthly"},
        "debts": {"name": "Card", "current_balance": "500.00"},
        "goals": {"name": "Trip", "target_amount": "1000.00"},
    }
    ids = {}
    for kind, body in created.items():
        answer = client.post(f"/api/v1/{kind}", headers=headers, json=body)
        assert answer.status_code == 201, answer.get_json()
        assert (answer.get_json()["created_by"], answer.get_json()["updated_by"]) == (sam.id, None)
        ids[kind] = answer.get_json()["id"]
        # The owner pauses it: entered by sam, changed by alex.
        paused = client.patch(
            f"/api/v1/{kind}/{ids[kind]}", headers=alex.headers, json={"is_active": False}
        )
        assert (paused.get_json()["created_by"], paused.get_json()["updated_by"]) == (
            sam.id,
            alex.id,
        )
    paid = client.post(
        f"/api/v1/debts/{ids['debts']}/payments",
        headers=headers,
        json={"date": "2026-03-01", "amount": "50.00"},
    )
    assert paid.status_code == 201
    assert (paid.get_json()["created_by"], paid.get_json()["updated_by"]) == (sam.id, None)
    saved = client.post(
        f"/api/v1/goals/{ids['goals']}/contributions", headers=headers, json={"amount": "20.00"}
    )
    assert saved.status_code == 201
    assert saved.get_json()["updated_by"] == sam.id  # the goal's saved amount moved
    goal = f"/api/v1/goals/{ids['goals']}/contributions"
    contributions = client.get(goal, headers=alex.headers).get_json()
    assert [(c["created_by"], c["updated_by"]) for c in contributions] == [(sam.id, None)]
    bills = client.get("/api/v1/commitments", headers=alex.headers).get_json()["items"]
    assert [(b["created_by"], b["updated_by"]) for b in bills] == [(sam.id, alex.id)]


def test_who_entered_a_row_cannot_be_sent(client, session, alex):
    answer = client.post(
        "/api/v1/transactions",
        headers=alex.headers,
        json={"date": "2026-03-05", "amount": "-1.00", "created_by": 999, "updated_by": 999},
    )
    assert set(_error(answer, 422)["fields"]) == {"created_by", "updated_by"}
    assert _rows(session, alex) == 0


def test_a_viewer_reads_with_the_header_and_a_write_is_refused_and_audited(
    client, session, alex, kim
):
    _share(session, alex, kim, "viewer")
    row = _spend(client, alex.headers, "Alex's groceries")
    in_alexs = kim.acting_in(alex)
    assert _descriptions(client, in_alexs) == ["Alex's groceries"]
    one = client.get(f"/api/v1/transactions/{row['id']}", headers=in_alexs)
    assert one.status_code == 200 and one.get_json()["created_by"] == alex.id
    assert (
        client.get("/api/v1/analytics/summary?month=2026-03", headers=in_alexs).json["spending"]
        == "10.00"
    )

    refused = client.post(
        "/api/v1/transactions",
        headers=in_alexs,
        json={"date": "2026-03-06", "description": "Should not exist", "amount": "-5.00"},
    )
    assert _error(refused, 403)["code"] == "read_only"
    edit = client.patch(
        f"/api/v1/transactions/{row['id']}", headers=in_alexs, json={"amount": "-1.00"}
    )
    assert _error(edit, 403)["code"] == "read_only"
    assert _error(client.delete(f"/api/v1/transactions/{row['id']}", headers=in_alexs), 403)
    assert _rows(session, alex) == 1 and _rows(session, kim) == 0
    assert (
        client.get(f"/api/v1/transactions/{row['id']}", headers=alex.headers).json["amount"]
        == "-10.00"
    )

    entries = _audit(session, "ledger.write_refused")
    assert [(e.actor_id, e.ledger_user_id, e.outcome) for e in entries] == [
        (kim.id, alex.id, "refused")
    ] * 3
    assert entries[0].extra_data == {
        "table": "transactions",
        "request": "POST /api/v1/transactions",
    }
    assert _audit(session, "ledger.write") == []


# --- A ledger one may not use is not found ----------------------------------------------


@pytest.mark.parametrize(
    "chosen", ["kim", "nobody", "abc", "-1", "99999999999", "9" * 5000, "", "1.0"]
)
def test_a_ledger_the_caller_has_no_grant_in_is_404(client, session, alex, sam, kim, chosen):
    _share(session, alex, sam, "editor")
    _spend(client, kim.headers, "Kim's secret purchase")
    _add_owner(session, kim, "Kim")
    value = {"kim": kim.id, "nobody": 999_999}.get(chosen, chosen)
    headers = sam.acting_in(value)
    for method, url, body in (
        ("GET", "/api/v1/transactions", None),
        ("GET", "/api/v1/ledger/members", None),
        ("GET", "/api/v1/owners", None),
        ("GET", "/api/v1/analytics/summary", None),
        ("POST", "/api/v1/transactions", {"date": "2026-03-05", "amount": "-1.00"}),
        ("POST", "/api/v1/ledger/members", {"username": "alex", "role": "viewer"}),
    ):
        answer = client.open(url, method=method, headers=headers, json=body)
        assert _error(answer, 404)["code"] == "not_found", (method, url)
        text = answer.get_data(as_text=True)
        assert "Kim" not in text and "secret" not in text and "kim" not in text
    assert _rows(session, kim) == 1 and _rows(session, sam) == 0 and _rows(session, alex) == 0
    assert _grants(session) == {(alex.id, sam.id, "editor")}


def test_every_ledger_endpoint_answers_404_to_someone_elses_ledger(client, session, sam, kim):
    """Walks the OpenAPI document: every operation that takes X-Ledger-Id refuses a ledger
    the caller has no grant in before it reads or writes anything, even at a real id."""
    row = _spend(client, kim.headers, "Kim's secret purchase")
    spec = client.get("/api/v1/openapi.json").get_json()
    tried, wrong = 0, []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters" or HEADER not in {
                p["name"] for p in operation.get("parameters", [])
            }:
                continue
            url = re.sub(
                r"\{(\w+)\}",
                lambda m: str(row["id"]) if m.group(1) == "transaction_id" else "1",
                path,
            )
            answer = client.open(
                url, method=method.upper(), headers=sam.acting_in(kim), json={"amount": "-1.00"}
            )
            tried += 1
            if answer.status_code != 404 or "secret" in answer.get_data(as_text=True):
                wrong.append(f"{method.upper()} {path}: {answer.status_code}")
    assert tried > 60 and wrong == []
    assert _rows(session, kim) == 1 and _rows(session, sam) == 0


# --- "me" always acts on the caller's own ledger -----------------------------------------


def test_settings_and_data_under_me_act_on_the_callers_own_ledger(client, session, alex, sam):
    _share(session, alex, sam, "editor")
    euros = client.patch("/api/v1/me/settings", headers=alex.headers, json={"currency": "EUR"})
    assert euros.status_code == 200
    _spend(client, alex.headers, "Alex's groceries")
    _spend(client, sam.headers, "Sam's own lunch")
    for chosen in (alex.id, "abc", 999_999):
        headers = sam.acting_in(chosen)
        mine = client.get("/api/v1/me/settings", headers=headers)
        assert mine.status_code == 200
        assert (mine.get_json()["username"], mine.get_json()["currency"]) != ("alex", "EUR")
        assert mine.get_json()["username"] == "sam"

        export = client.get("/api/v1/me/export", headers=headers)
        assert export.status_code == 200
        document = json.loads(export.get_data())
        assert document["account"]["username"] == "sam"
        assert [t["description"] for t in document["tables"]["transactions"]] == ["Sam's own lunch"]
        assert "Alex" not in export.get_data(as_text=True)

    changed = client.patch(
        "/api/v1/me/settings", headers=sam.acting_in(alex), json={"month_start_day": 15}
    )
    assert changed.status_code == 200 and changed.get_json()["username"] == "sam"
    after = client.get("/api/v1/me/settings", headers=alex.headers).get_json()
    assert (after["currency"], after["month_start_day"]) == ("EUR", 1)
    exports = _audit(session, "data.export")
    assert {(e.actor_id, e.ledger_user_id) for e in exports} == {(sam.id, sam.id)}

    deleted = client.post(
        "/api/v1/me/delete-data", headers=sam.acting_in(alex), json={"confirm": "sam"}
    )
    assert deleted.status_code == 200, deleted.get_json()
    assert _rows(session, sam) == 0 and _rows(session, alex) == 1


# --- Removal takes effect on the next request ---------------------------------------------


def test_a_removed_members_live_token_loses_the_ledger_on_the_next_request(
    client, session, alex, sam
):
    _share(session, alex, sam, "editor")
    other_device = bearer(api_login(client, "sam").get_json()["access_token"])
    _spend(client, alex.headers, "Alex's groceries")
    _spend(client, sam.headers, "Sam's own lunch")
    for headers in (sam.headers, other_device):
        assert _descriptions(client, {**headers, HEADER: str(alex.id)}) == ["Alex's groceries"]

    assert (
        client.delete(f"/api/v1/ledger/members/{sam.id}", headers=alex.headers).status_code == 204
    )

    for headers in (sam.headers, other_device):
        gone = client.get("/api/v1/transactions", headers={**headers, HEADER: str(alex.id)})
        assert "groceries" not in gone.get_data(as_text=True)
        assert _error(gone, 404)["code"] == "not_found"
        refused = client.post(
            "/api/v1/transactions",
            headers={**headers, HEADER: str(alex.id)},
            json={"date": "2026-03-05", "amount": "-1.00"},
        )
        assert _error(refused, 404)
        assert _descriptions(client, headers) == ["Sam's own lunch"]
        ledgers = client.get("/api/v1/ledgers", headers=headers).get_json()
        assert [ledger["id"] for ledger in ledgers] == [sam.id]
    assert _rows(session, alex) == 1


# --- "Mine" -------------------------------------------------------------------------------


def test_mine_lists_the_rows_of_the_owner_the_caller_is_linked_to(client, session, alex, sam, kim):
    _share(session, alex, sam, "editor")
    _share(session, alex, kim, "viewer")
    alexs, sams = _add_owner(session, alex, "Alex"), _add_owner(session, alex, "Sam")
    _spend(client, alex.headers, "Alex's books", "-30.00", owner_id=alexs)
    _spend(client, alex.headers, "Sam's shoes", "-70.00", owner_id=sams)
    _spend(client, alex.headers, "Household rent", "-900.00")
    for user_id, owner_id in ((sam.id, sams), (alex.id, alexs)):
        linked = client.patch(
            f"/api/v1/ledger/members/{user_id}", headers=alex.headers, json={"owner_id": owner_id}
        )
        assert linked.status_code == 200

    in_alexs = sam.acting_in(alex)
    assert _descriptions(client, in_alexs, "?mine=true") == ["Sam's shoes"]
    assert _descriptions(client, alex.headers, "?mine=true") == ["Alex's books"]
    assert len(_descriptions(client, in_alexs, "?mine=false")) == 3
    summary = client.get("/api/v1/analytics/summary?month=2026-03&mine=true", headers=in_alexs)
    assert summary.status_code == 200 and summary.get_json()["spending"] == "70.00"
    by_owner = client.get(
        "/api/v1/analytics/by-owner?from=2026-03&to=2026-03&mine=true", headers=alex.headers
    )
    assert [o["owner"] for o in by_owner.get_json()["owners"]] == ["Alex"]
    # The bulk edit's filter takes it too (a JSON true, nothing else).
    bulk = client.post(
        "/api/v1/transactions/bulk",
        headers=in_alexs,
        json={"filter": {"mine": True}, "category_id": None},
    )
    assert bulk.status_code == 200 and bulk.get_json() == {"changed": 1}
    sloppy = client.post(
        "/api/v1/transactions/bulk",
        headers=in_alexs,
        json={"filter": {"mine": "yes"}, "category_id": None},
    )
    assert set(_error(sloppy, 422)["fields"]) == {"filter.mine"}

    # Unlinked: "mine" means nothing yet; with an owner as well, it is ambiguous.
    for headers, query in (
        (kim.acting_in(alex), "?mine=true"),
        (sam.headers, "?mine=true"),  # sam's own ledger has no owner who is sam
        (in_alexs, f"?mine=true&owner_id={sams}"),
    ):
        answer = client.get(f"/api/v1/transactions{query}", headers=headers)
        assert set(_error(answer, 422)["fields"]) == {"mine"}, query
    unlinked = client.get("/api/v1/analytics/summary?mine=true", headers=kim.acting_in(alex))
    assert set(_error(unlinked, 422)["fields"]) == {"mine"}


# --- The OpenAPI document -----------------------------------------------------------------


def test_the_openapi_document_describes_sharing(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths, schemas = spec["paths"], spec["components"]["schemas"]

    def header_of(operation) -> list[dict]:
        return [p for p in operation.get("parameters", []) if p["name"] == HEADER]

    ledgers = paths["/api/v1/ledgers"]["get"]
    assert ledgers["responses"]["200"]["content"]["application/json"]["schema"]["items"] == {
        "$ref": "#/components/schemas/Ledger"
    }
    assert {"id", "owner", "role"} <= set(schemas["Ledger"]["required"])
    assert schemas["Ledger"]["properties"]["role"]["enum"] == ["owner", "editor", "viewer"]
    assert header_of(ledgers) == []  # about the caller, whatever the header says
    leave = paths["/api/v1/ledgers/{ledger_id}/leave"]["post"]
    assert {"204", "404", "422"} <= set(leave["responses"]) and header_of(leave) == []

    members = paths["/api/v1/ledger/members"]
    one = paths["/api/v1/ledger/members/{user_id}"]
    operations = (members["get"], members["post"], one["patch"], one["delete"])
    for operation in operations:
        assert header_of(operation) == [
            {
                "in": "header",
                "name": HEADER,
                "required": False,
                "schema": {"type": "integer", "minimum": 1},
                "description": header_of(operation)[0]["description"],
            }
        ]
        assert {"401", "403", "404"} <= set(operation["responses"])
        forbidden = operation["responses"]["403"]["description"]
        assert "`read_only`" in forbidden and "`owner_required`" in forbidden
    assert "201" in members["post"]["responses"] and "204" in one["delete"]["responses"]
    assert set(schemas["Member"]["properties"]) >= MEMBER_KEYS
    assert set(schemas["NewMember"]["required"]) == {"username", "role"}
    assert schemas["NewMember"]["properties"]["role"]["enum"] == ["editor", "viewer"]
    assert set(schemas["MemberPatch"]["properties"]) == {"role", "owner_id"}

    # The header sits beside the query parameters, not instead of them.
    listing = paths["/api/v1/transactions"]["get"]
    names = [(p["in"], p["name"]) for p in listing["parameters"]]
    assert ("query", "search") in names and ("query", "mine") in names
    assert ("header", HEADER) in names
    assert ("query", "mine") in [
        (p["in"], p["name"]) for p in paths["/api/v1/analytics/summary"]["get"]["parameters"]
    ]
    transaction = schemas["Transaction"]["properties"]
    assert transaction["created_by"]["readOnly"] and transaction["updated_by"]["readOnly"]
    # What is always the caller's own does not offer the header.
    for path in ("/api/v1/me/settings", "/api/v1/me/export", "/api/v1/me"):
        assert header_of(paths[path]["get"]) == [], path
