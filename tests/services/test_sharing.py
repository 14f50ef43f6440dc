"""Sharing a ledger: the owner adds, changes and removes members, a member leaves, a
member is linked to one of the ledger's owners; every change audited with who and whose;
every bad request refused naming its field, with nothing written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from homeledger import tenancy
from homeledger.ledger_roles import ReadOnly
from homeledger.models import AuditLog, LedgerMember, Owner, Transaction
from homeledger.services import (
    accounts,
    ledger_delete,
    ledger_export,
    ledger_import,
    sharing,
    transactions,
)
from homeledger.services.errors import NotFound, OwnerOnly, ValidationError
from homeledger.services.filters import TransactionFilter
from tests.factories import add_transactions, make_user
from tests.shared_ledgers import audit_entries, share


@pytest.fixture
def people(session):
    """Alex (whose ledger is shared), Sam and Kim (who may be given a role in it)."""
    return make_user(session, "alex"), make_user(session, "sam"), make_user(session, "kim")


def _written(session) -> tuple[int, int]:
    """Grants and audit entries: what a refused request must leave as it was."""
    session.expire_all()
    grants = session.scalar(select(func.count()).select_from(LedgerMember))
    return grants, session.scalar(select(func.count()).select_from(AuditLog))


def _role(session, user, ledger_id):
    session.expire_all()
    return sharing.role_in(session, user, ledger_id)


def test_the_owner_adds_changes_and_removes_a_member_each_audited(session, people):
    alex, sam, _ = people
    with tenancy.acting_as(session, alex.id):
        added = sharing.add_member(session, "  SAM ", "viewer", ip_address="10.0.0.7")
        assert (added.user_id, added.username, added.role) == (sam.id, "sam", "viewer")
        assert added.added_at is not None
    session.commit()
    assert _role(session, sam, alex.id) == "viewer"
    grant = session.scalars(select(LedgerMember)).one()
    assert grant.added_by_id == alex.id

    with tenancy.acting_as(session, alex.id):
        changed = sharing.change_member(session, sam.id, role="editor", ip_address="10.0.0.7")
        assert changed.role == "editor"
        # The same role again changes nothing and records nothing.
        sharing.change_member(session, sam.id, role="editor")
    session.commit()
    assert _role(session, sam, alex.id) == "editor"

    with tenancy.acting_as(session, alex.id):
        sharing.remove_member(session, sam.id, ip_address="10.0.0.7")
    session.commit()
    assert _role(session, sam, alex.id) is None

    entries = [
        (e.action, e.actor_id, e.ledger_user_id, e.ip_address, e.extra_data)
        for e in audit_entries(session, "ledger.member_add")
        + audit_entries(session, "ledger.member_change")
        + audit_entries(session, "ledger.member_remove")
    ]
    assert entries == [
        ("ledger.member_add", alex.id, alex.id, "10.0.0.7", {"member": "sam", "role": "viewer"}),
        (
            "ledger.member_change",
            alex.id,
            alex.id,
            "10.0.0.7",
            {"member": "sam", "role": {"from": "viewer", "to": "editor"}},
        ),
        ("ledger.member_remove", alex.id, alex.id, "10.0.0.7", {"member": "sam", "role": "editor"}),
    ]
    # Removed means removed: entering the ledger no longer works.
    with tenancy.acting_as(session, sam.id):
        assert sharing.enter(session, sam, alex.id) is None
        assert tenancy.current_ledger(session) == sam.id


def test_a_member_leaves_and_the_audit_names_them_and_the_ledger(session, people):
    alex, sam, kim = people
    share(session, alex, sam, "editor")
    share(session, alex, kim, "viewer")
    sharing.leave(session, sam, alex.id, ip_address="10.0.0.9")
    session.commit()
    assert _role(session, sam, alex.id) is None
    assert _role(session, kim, alex.id) == "viewer"  # only the one who left
    [entry] = audit_entries(session, "ledger.member_leave")
    assert (entry.actor_id, entry.ledger_user_id, entry.ip_address) == (sam.id, alex.id, "10.0.0.9")
    assert entry.extra_data == {"role": "editor"}
    # Leaving again, or a ledger never joined, is "not found".
    before = _written(session)
    with pytest.raises(NotFound):
        sharing.leave(session, sam, alex.id)
    with pytest.raises(NotFound):
        sharing.leave(session, sam, 999_999)
    session.rollback()
    assert _written(session) == before


def test_the_owner_cannot_leave_their_own_ledger(session, people):
    alex, sam, _ = people
    share(session, alex, sam, "editor")
    before = _written(session)
    with pytest.raises(ValidationError) as refused:
        sharing.leave(session, alex, alex.id)
    assert set(refused.value.fields) == {"ledger"}
    session.rollback()
    assert _written(session) == before


def _deactivated(session, name):
    user = make_user(session, name)
    user.is_active = False
    session.commit()
    return user


@pytest.mark.parametrize(
    ("username", "role", "field"),
    [
        ("alex", "viewer", "username"),  # yourself
        ("ALEX", "editor", "username"),  # yourself, whatever the case
        ("nobody", "viewer", "username"),  # unknown
        ("al\x00ex", "viewer", "username"),  # no username holds a NUL (PostgreSQL refuses it)
        ("gone", "viewer", "username"),  # deactivated
        ("", "viewer", "username"),
        ("   ", "viewer", "username"),
        (None, "viewer", "username"),
        (7, "viewer", "username"),
        ("kim", "admin", "role"),  # a role that does not exist
        ("kim", "owner", "role"),  # "owner" is not a role one is given
        ("kim", "Viewer", "role"),
        ("kim", None, "role"),
        ("kim", ["viewer"], "role"),
        ("sam", "viewer", "username"),  # a member already
    ],
)
def test_adding_is_refused_naming_the_field_and_nothing_is_written(
    session, people, username, role, field
):
    alex, sam, _ = people
    _deactivated(session, "gone")
    share(session, alex, sam, "editor")
    before = _written(session)
    with tenancy.acting_as(session, alex.id), pytest.raises(ValidationError) as refused:
        sharing.add_member(session, username, role)
    assert field in refused.value.fields
    assert refused.value.fields[field]
    session.rollback()
    assert _written(session) == before
    assert _role(session, sam, alex.id) == "editor"  # "already a member" did not change it


def test_a_bad_username_and_a_bad_role_are_both_named(session, people):
    alex, _, _ = people
    with tenancy.acting_as(session, alex.id), pytest.raises(ValidationError) as refused:
        sharing.add_member(session, "nobody", "boss")
    assert set(refused.value.fields) == {"username", "role"}


def test_a_ledger_is_shared_with_at_most_max_members(session, people, monkeypatch):
    alex, sam, kim = people
    monkeypatch.setattr(sharing, "MAX_MEMBERS", 2)
    share(session, alex, sam, "viewer")
    share(session, alex, kim, "viewer")
    make_user(session, "lee")
    before = _written(session)
    with tenancy.acting_as(session, alex.id), pytest.raises(ValidationError) as refused:
        sharing.add_member(session, "lee", "viewer")
    assert "at most 2" in refused.value.fields["username"]
    session.rollback()
    assert _written(session) == before
    # Another ledger's members do not count against this one.
    share(session, kim, make_user(session, "max"), "viewer")
    # Room again once someone leaves.
    sharing.leave(session, sam, alex.id)
    session.commit()
    lee = accounts.find_user(session, "lee")
    share(session, alex, lee, "editor")
    assert _role(session, lee, alex.id) == "editor"


def test_max_members_is_a_household_sized_limit():
    assert 5 <= sharing.MAX_MEMBERS <= 100


@pytest.mark.parametrize(
    ("target", "change", "field"),
    [
        ("owner", {"role": "viewer"}, "role"),  # the owner's role cannot change
        ("owner", {"role": "editor"}, "role"),
        ("member", {"role": "owner"}, "role"),  # nobody is made owner
        ("member", {"role": "admin"}, "role"),
        ("member", {"role": None}, "role"),
        ("member", {"owner_id": "ALIENS"}, "owner_id"),  # another ledger's owner
        ("member", {"owner_id": "1"}, "owner_id"),
        ("member", {"owner_id": True}, "owner_id"),
        ("member", {"owner_id": 1.0}, "owner_id"),
        ("member", {"owner_id": 999_999}, "owner_id"),
        ("owner", {"owner_id": "ALIENS"}, "owner_id"),
    ],
)
def test_changing_is_refused_naming_the_field_and_nothing_is_written(
    session, people, target, change, field
):
    alex, sam, kim = people
    share(session, alex, sam, "viewer")
    with tenancy.acting_as(session, kim.id):
        aliens = Owner(name="Kim's own")
        session.add(aliens)
        session.flush()
        aliens_id = aliens.id
    session.commit()
    if change.get("owner_id") == "ALIENS":
        change = {"owner_id": aliens_id}
    user_id = alex.id if target == "owner" else sam.id
    before = _written(session)
    with tenancy.acting_as(session, alex.id), pytest.raises(ValidationError) as refused:
        sharing.change_member(session, user_id, **change)
    assert field in refused.value.fields
    session.rollback()
    assert _written(session) == before
    assert _role(session, sam, alex.id) == "viewer"
    with tenancy.acting_as(session, kim.id):
        assert session.get(Owner, aliens_id).login_id is None
    session.rollback()


def test_the_owner_cannot_be_removed(session, people):
    alex, sam, _ = people
    share(session, alex, sam, "viewer")
    before = _written(session)
    with tenancy.acting_as(session, alex.id), pytest.raises(ValidationError) as refused:
        sharing.remove_member(session, alex.id)
    assert set(refused.value.fields) == {"user_id"}
    session.rollback()
    assert _written(session) == before


def test_someone_who_is_not_a_member_is_not_found(session, people):
    alex, sam, kim = people
    share(session, alex, sam, "viewer")
    share(session, kim, alex, "viewer")  # Alex is a member of Kim's, not the other way
    before = _written(session)
    with tenancy.acting_as(session, alex.id):
        for attempt in (
            lambda: sharing.change_member(session, kim.id, role="editor"),
            lambda: sharing.remove_member(session, kim.id),
            lambda: sharing.member(session, kim.id),
            lambda: sharing.remove_member(session, 999_999),
        ):
            with pytest.raises(NotFound):
                attempt()
    session.rollback()
    assert _written(session) == before


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_the_owner_manages_members(session, people, role):
    alex, sam, kim = people
    share(session, alex, sam, role)
    expected = ReadOnly if role == "viewer" else OwnerOnly
    before = _written(session)
    with tenancy.acting_as(session, alex.id, sam.id, role):
        for attempt in (
            lambda: sharing.add_member(session, "kim", "viewer"),
            lambda: sharing.change_member(session, sam.id, role="editor"),
            lambda: sharing.change_member(session, alex.id, owner_id=None),
            lambda: sharing.remove_member(session, sam.id),
            lambda: sharing.remove_member(session, alex.id),
            lambda: sharing.require_owner(session),
        ):
            with pytest.raises(expected):
                attempt()
    session.rollback()
    assert _written(session) == before
    assert _role(session, kim, alex.id) is None


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_the_owner_exports_deletes_or_restores(session, people, role):
    alex, sam, _ = people
    add_transactions(session, alex, [(date(2026, 3, 1), "Alex salary", "4000.00", "Salary")])
    share(session, alex, sam, role)
    expected = ReadOnly if role == "viewer" else OwnerOnly
    with tenancy.acting_as(session, alex.id, sam.id, role):
        with pytest.raises(expected):
            ledger_export.start_download(session, sam, "json", today=date(2026, 3, 2))
        with pytest.raises(expected):
            ledger_export.start_download(session, sam, "csv", today=date(2026, 3, 2))
        with pytest.raises(expected):
            ledger_delete.delete_all(session, sam, confirm="sam")
        with pytest.raises(expected):
            ledger_import.import_ledger(session, sam, b"{}")
    session.rollback()
    with tenancy.acting_as(session, alex.id):
        assert session.scalar(select(func.count()).select_from(Transaction)) == 1
    session.rollback()
    assert audit_entries(session, "data.export") == []


def test_require_owner_lets_the_owner_through(session, people):
    alex, _, _ = people
    with tenancy.acting_as(session, alex.id):
        sharing.require_owner(session)


def test_ledgers_lists_ones_own_first_then_the_shared_ones_by_name(session, people):
    alex, sam, kim = people
    alex.display_name = "Zoë"  # shown by name: after "bea" and "kim", whatever the ids
    bea = make_user(session, "bea", display_name="bea")
    session.commit()
    share(session, alex, sam, "viewer")
    share(session, kim, sam, "editor")
    share(session, bea, sam, "viewer")
    share(session, sam, alex, "editor")
    found = sharing.ledgers(session, sam)
    assert [(ledger.id, ledger.role) for ledger in found] == [
        (sam.id, "owner"),
        (bea.id, "viewer"),
        (kim.id, "editor"),
        (alex.id, "viewer"),
    ]
    assert [ledger.title for ledger in found] == [
        "Your ledger",
        "bea's ledger",
        "kim's ledger",
        "Zoë's ledger",
    ]
    assert [ledger.owner for ledger in found] == ["sam", "bea", "kim", "alex"]
    # Kim is in no one else's ledger: only her own.
    assert [(ledger.id, ledger.role) for ledger in sharing.ledgers(session, kim)] == [
        (kim.id, "owner")
    ]


def test_members_lists_the_owner_first_then_the_members_by_name(session, people):
    alex, sam, kim = people
    zed = make_user(session, "zed", display_name="Aaron")  # by name, not username
    share(session, alex, sam, "viewer")
    share(session, alex, zed, "editor")
    share(session, alex, kim, "viewer")
    share(session, kim, alex, "editor")  # another ledger's members are not listed
    with tenancy.acting_as(session, alex.id):
        listed = sharing.members(session)
        assert [(m.username, m.role, m.name) for m in listed] == [
            ("alex", "owner", "alex"),
            ("zed", "editor", "Aaron"),
            ("kim", "viewer", "kim"),
            ("sam", "viewer", "sam"),
        ]
        assert listed[0].added_at is None
        assert sharing.member(session, zed.id).role == "editor"
    # A member sees the same list.
    with tenancy.acting_as(session, alex.id, kim.id, "viewer"):
        assert [m.username for m in sharing.members(session)] == ["alex", "zed", "kim", "sam"]


def test_enter_without_a_grant_changes_nothing(session, people):
    alex, sam, kim = people
    share(session, alex, sam, "viewer")
    with tenancy.acting_as(session, kim.id):
        for ledger in (alex.id, sam.id, 999_999, 0, -1):
            assert sharing.enter(session, kim, ledger) is None
            assert tenancy.current_ledger(session) == kim.id
            assert tenancy.current_actor(session) == kim.id
            assert tenancy.current_role(session) == "owner"
    tenancy.clear(session)
    assert sharing.enter(session, kim, alex.id) is None
    assert not tenancy.has_ledger(session)


def test_enter_acts_in_the_ledger_with_the_grants_role(session, people):
    alex, sam, kim = people
    share(session, alex, sam, "viewer")
    share(session, kim, sam, "editor")
    add_transactions(session, alex, [(date(2026, 3, 1), "Alex salary", "4000.00", "Salary")])
    add_transactions(session, sam, [(date(2026, 3, 1), "Sam salary", "2500.00", "Salary")])
    assert sharing.enter(session, sam, alex.id) == "viewer"
    assert (tenancy.current_ledger(session), tenancy.current_actor(session)) == (alex.id, sam.id)
    assert tenancy.current_role(session) == "viewer"
    assert session.scalars(select(Transaction.description)).all() == ["Alex salary"]
    assert sharing.enter(session, sam, kim.id) == "editor"
    assert tenancy.current_role(session) == "editor"
    assert session.scalars(select(Transaction.description)).all() == []
    assert sharing.enter(session, sam) == "owner"
    assert (tenancy.current_ledger(session), tenancy.current_actor(session)) == (sam.id, sam.id)
    assert session.scalars(select(Transaction.description)).all() == ["Sam salary"]
    tenancy.clear(session)


def test_a_member_is_linked_to_one_of_the_ledgers_owners(session, people):
    alex, sam, _ = people
    share(session, alex, sam, "editor")
    with tenancy.acting_as(session, alex.id):
        first, second = Owner(name="Sam"), Owner(name="Sam & Alex")
        session.add_all([first, second])
        session.flush()
        linked = sharing.change_member(session, sam.id, owner_id=first.id, ip_address="10.0.0.1")
        assert (linked.owner_id, linked.owner_name) == (first.id, "Sam")
        moved = sharing.change_member(session, sam.id, owner_id=second.id)
        assert moved.owner_id == second.id
        assert first.login_id is None and second.login_id == sam.id  # one owner per login
        # The owner links themselves the same way.
        assert sharing.change_member(session, alex.id, owner_id=first.id).owner_id == first.id
        # The same link again records nothing.
        sharing.change_member(session, sam.id, owner_id=second.id)
        unlinked = sharing.change_member(session, sam.id, owner_id=None)
        assert unlinked.owner_id is None and unlinked.role == "editor"
        first_id = first.id
    session.commit()
    changes = [(e.actor_id, e.ledger_user_id, e.extra_data) for e in _changes(session)]
    assert changes == [
        (alex.id, alex.id, {"member": "sam", "owner": {"from": None, "to": "Sam"}}),
        (alex.id, alex.id, {"member": "sam", "owner": {"from": "Sam", "to": "Sam & Alex"}}),
        (alex.id, alex.id, {"member": "alex", "owner": {"from": None, "to": "Sam"}}),
        (alex.id, alex.id, {"member": "sam", "owner": {"from": "Sam & Alex", "to": None}}),
    ]
    with tenancy.acting_as(session, alex.id):
        assert session.get(Owner, first_id).login_id == alex.id
    session.rollback()


def _changes(session):
    return audit_entries(session, "ledger.member_change")


def test_a_role_and_a_link_change_together_in_one_entry(session, people):
    alex, sam, _ = people
    share(session, alex, sam, "viewer")
    with tenancy.acting_as(session, alex.id):
        owner = Owner(name="Sam")
        session.add(owner)
        session.flush()
        changed = sharing.change_member(session, sam.id, role="editor", owner_id=owner.id)
        assert (changed.role, changed.owner_id) == ("editor", owner.id)
    session.commit()
    [entry] = _changes(session)
    assert entry.extra_data == {
        "member": "sam",
        "role": {"from": "viewer", "to": "editor"},
        "owner": {"from": None, "to": "Sam"},
    }


def test_one_login_is_an_owner_in_each_ledger_it_may_use(session, people):
    alex, sam, _ = people
    share(session, alex, sam, "editor")
    with tenancy.acting_as(session, sam.id):
        own = Owner(name="Me")
        session.add(own)
        session.flush()
        sharing.change_member(session, sam.id, owner_id=own.id)
        own_id = own.id
    session.commit()
    with tenancy.acting_as(session, alex.id):
        there = Owner(name="Sam")
        session.add(there)
        session.flush()
        sharing.change_member(session, sam.id, owner_id=there.id)
        there_id = there.id
    session.commit()
    with tenancy.acting_as(session, sam.id):
        assert sharing.my_owner_id(session) == own_id
    with tenancy.acting_as(session, alex.id, sam.id, "editor"):
        assert sharing.my_owner_id(session) == there_id
    with tenancy.acting_as(session, alex.id):
        assert sharing.my_owner_id(session) is None  # Alex is linked to no one here


def test_mine_is_the_owner_linked_to_the_actor(session, people):
    alex, sam, _ = people
    share(session, alex, sam, "viewer")
    with tenancy.acting_as(session, alex.id):
        owner = Owner(name="Sam")
        other = Owner(name="Alex")
        session.add_all([owner, other])
        session.flush()
        session.add_all(
            [
                Transaction(
                    date=date(2026, 3, 1),
                    description="Sam's",
                    amount=Decimal("-5"),
                    owner_id=owner.id,
                ),
                Transaction(
                    date=date(2026, 3, 1),
                    description="Alex's",
                    amount=Decimal("-7"),
                    owner_id=other.id,
                ),
                Transaction(date=date(2026, 3, 1), description="Nobody's", amount=Decimal("-9")),
            ]
        )
        session.flush()
        owner_id = owner.id
    session.commit()
    with tenancy.acting_as(session, alex.id, sam.id, "viewer"):
        with pytest.raises(ValidationError) as refused:
            TransactionFilter(mine=True).in_ledger(session)
        assert set(refused.value.fields) == {"mine"}
    with tenancy.acting_as(session, alex.id):
        sharing.change_member(session, sam.id, owner_id=owner_id)
    session.commit()
    with tenancy.acting_as(session, alex.id, sam.id, "viewer"):
        resolved = TransactionFilter(mine=True).in_ledger(session)
        assert (resolved.mine, resolved.owner_id) == (False, owner_id)
        page = transactions.list_page(session, TransactionFilter(mine=True))
        assert [row.description for row in page.items] == ["Sam's"]
        with pytest.raises(ValidationError) as both:
            TransactionFilter(mine=True, owner_id=owner_id).in_ledger(session)
        assert set(both.value.fields) == {"mine"}
        with pytest.raises(ValueError, match="in_ledger"):
            TransactionFilter(mine=True).conditions()
    # The owner, not linked, has no "mine" here.
    with tenancy.acting_as(session, alex.id), pytest.raises(ValidationError):
        TransactionFilter(mine=True).in_ledger(session)
