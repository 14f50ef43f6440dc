"""Tenancy: every query is confined to the acting ledger, and trying otherwise fails loudly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, exists, func, insert, select, union, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from homeledger import tenancy
from homeledger.models import AuditLog, Category, Owner, Transaction, User
from homeledger.tenancy import TenancyError
from tests.factories import add_transactions, make_user


@pytest.fixture
def two_ledgers(session):
    """Alex and Sam, each with their own transactions."""
    alex = make_user(session, "alex")
    sam = make_user(session, "sam")
    add_transactions(
        session,
        alex,
        [
            (date(2026, 3, 1), "Alex salary", "4000.00", "Salary"),
            (date(2026, 3, 2), "Alex rent", "-1500.00", "Housing"),
        ],
    )
    add_transactions(
        session,
        sam,
        [
            (date(2026, 3, 1), "Sam salary", "2500.00", "Salary"),
            (date(2026, 3, 3), "Sam groceries", "-80.25", "Groceries"),
            (date(2026, 3, 4), "Sam cinema", "-30.00", "Entertainment"),
        ],
    )
    people = SimpleNamespace(id=alex.id), SimpleNamespace(id=sam.id)
    session.expunge_all()
    tenancy.clear(session)
    return people


def test_query_without_any_user_filter_returns_only_the_acting_users_rows(session, two_ledgers):
    alex, _ = two_ledgers
    tenancy.set_ledger(session, alex.id)

    rows = session.scalars(select(Transaction)).all()

    assert sorted(t.description for t in rows) == ["Alex rent", "Alex salary"]
    assert {t.user_id for t in rows} == {alex.id}


def test_aggregates_and_joins_are_scoped_too(session, two_ledgers):
    _, sam = two_ledgers
    tenancy.set_ledger(session, sam.id)

    total = session.scalar(select(func.sum(Transaction.amount)))
    joined = session.execute(
        select(Category.name, func.count(Transaction.id))
        .join(Transaction, Transaction.category_id == Category.id)
        .group_by(Category.name)
    ).all()
    categories = session.scalar(select(func.count(Category.id)))

    assert total == Decimal("2389.75")
    assert sorted(joined) == [("Entertainment", 1), ("Groceries", 1), ("Salary", 1)]
    assert categories == 13  # Sam's own seeds, not Alex's as well


def test_another_users_row_cannot_be_fetched_by_id(session, two_ledgers):
    alex, sam = two_ledgers
    tenancy.set_ledger(session, sam.id)
    sams_ids = session.scalars(select(Transaction.id)).all()

    tenancy.set_ledger(session, alex.id)

    assert all(session.get(Transaction, i) is None for i in sams_ids)
    assert session.scalars(select(Transaction).where(Transaction.id.in_(sams_ids))).all() == []


def test_bulk_update_and_delete_touch_only_the_acting_ledger(session, two_ledgers):
    alex, sam = two_ledgers
    tenancy.set_ledger(session, alex.id)
    session.execute(update(Transaction).values(description="changed"))
    session.execute(delete(Transaction).where(Transaction.amount < 0))
    session.commit()

    tenancy.set_ledger(session, sam.id)
    sams = session.scalars(select(Transaction.description)).all()
    assert sorted(sams) == ["Sam cinema", "Sam groceries", "Sam salary"]
    tenancy.set_ledger(session, alex.id)
    assert session.scalars(select(Transaction.description)).all() == ["changed"]


def test_insert_gets_the_acting_users_id_stamped(session, two_ledgers):
    alex, _ = two_ledgers
    tenancy.set_ledger(session, alex.id)
    owner = Owner(name="Joint")
    session.add(owner)
    session.execute(
        insert(Transaction),
        [{"date": date(2026, 3, 9), "description": "bulk", "amount": Decimal("-1.00")}],
    )
    session.commit()

    assert owner.user_id == alex.id
    row = session.scalars(select(Transaction).where(Transaction.description == "bulk")).one()
    assert row.user_id == alex.id


def test_writing_into_another_ledger_is_refused(session, two_ledgers):
    alex, sam = two_ledgers
    tenancy.set_ledger(session, alex.id)
    session.add(Owner(name="Intruder", user_id=sam.id))
    with pytest.raises(TenancyError, match="another ledger"):
        session.flush()
    session.rollback()
    with pytest.raises(TenancyError, match="another ledger"):
        session.execute(insert(Owner), [{"name": "Intruder", "user_id": sam.id}])


def test_moving_a_row_to_another_ledger_is_refused(session, two_ledgers):
    alex, sam = two_ledgers
    tenancy.set_ledger(session, alex.id)
    row = session.scalars(select(Transaction)).first()
    row.user_id = sam.id
    with pytest.raises(TenancyError, match="another ledger"):
        session.flush()


def test_no_acting_user_fails_loudly_instead_of_returning_everyone(session, two_ledgers):
    with pytest.raises(TenancyError, match="no acting ledger"):
        session.scalars(select(Transaction)).all()
    with pytest.raises(TenancyError, match="no acting ledger"):
        session.scalar(select(func.sum(Transaction.amount)))
    with pytest.raises(TenancyError, match="no acting ledger"):
        session.execute(delete(Transaction))
    session.add(Owner(name="Nobody's"))
    with pytest.raises(TenancyError, match="no acting ledger"):
        session.flush()


def test_a_reference_to_another_ledgers_category_is_refused_by_the_database(session, two_ledgers):
    alex, sam = two_ledgers
    tenancy.set_ledger(session, sam.id)
    sams_category = session.scalars(select(Category.id).where(Category.name == "Housing")).one()

    tenancy.set_ledger(session, alex.id)
    session.add(
        Transaction(
            date=date(2026, 3, 5),
            description="sneaky",
            amount=Decimal("-1.00"),
            category_id=sams_category,
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()


def test_switching_ledger_forgets_objects_loaded_for_the_previous_one(session, two_ledgers):
    alex, sam = two_ledgers
    tenancy.set_ledger(session, sam.id)
    sams = session.scalars(select(Transaction)).first()

    tenancy.set_ledger(session, alex.id)

    assert session.get(Transaction, sams.id) is None


def test_unscoped_is_the_audited_door_to_every_ledger(session, two_ledgers):
    alex, sam = two_ledgers
    tenancy.set_ledger(session, alex.id)

    with tenancy.unscoped(session, reason="full backup"):
        everyone = session.scalars(select(Transaction)).all()
    session.commit()

    assert {t.user_id for t in everyone} == {alex.id, sam.id}
    assert len(everyone) == 5
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "tenancy.unscoped")).one()
    assert entry.actor_id == alex.id
    assert entry.extra_data == {"reason": "full backup"}
    # Outside the door the scope is back.
    assert len(session.scalars(select(Transaction)).all()) == 2


def test_acting_as_restores_the_previous_scope(session, two_ledgers):
    alex, sam = two_ledgers
    tenancy.set_ledger(session, alex.id)
    with tenancy.acting_as(session, sam.id):
        assert len(session.scalars(select(Transaction)).all()) == 3
    assert tenancy.current_ledger(session) == alex.id
    assert len(session.scalars(select(Transaction)).all()) == 2


def test_switching_ledger_keeps_shared_objects_such_as_the_signed_in_user(session, two_ledgers):
    alex, sam = two_ledgers
    tenancy.set_ledger(session, alex.id)
    me = session.get(User, alex.id)
    mine = session.scalars(select(Transaction)).first()

    with tenancy.acting_as(session, sam.id):
        assert me in session  # an admin creating someone's ledger keeps their own user object
        assert mine not in session

    me.display_name = "Alex A."
    session.commit()
    assert session.scalars(select(User.display_name).where(User.id == alex.id)).one() == "Alex A."


# Statements that name a ledger table somewhere other than a plain entity select.
SNEAKY_READS = {
    "only in WHERE": lambda: select(func.count()).where(Transaction.description.like("%salary")),
    "correlated to users": lambda: select(User.username, Transaction.description).where(
        User.id == Transaction.user_id
    ),
    "EXISTS": lambda: select(User.username).where(exists().where(Transaction.user_id == User.id)),
    "IN subquery": lambda: select(User.username).where(User.id.in_(select(Transaction.user_id))),
    "Core table": lambda: select(Transaction.__table__.c.description),
    "alias": lambda: select(aliased(Transaction).description),
    "subquery": lambda: select(select(Transaction.description).subquery()),
    "CTE": lambda: select(select(Transaction.description).cte("c")),
    "union": lambda: union(select(Transaction.description), select(Transaction.description)),
    "ORM join": lambda: select(User.username, Transaction.description).join(
        Transaction, Transaction.user_id == User.id
    ),
}


@pytest.mark.parametrize("build", SNEAKY_READS.values(), ids=SNEAKY_READS.keys())
def test_no_form_of_select_reaches_another_ledger(session, two_ledgers, build):
    alex, _ = two_ledgers
    tenancy.set_ledger(session, alex.id)

    rows = session.execute(build()).all()

    assert "sam" not in repr(rows).lower()
    assert rows, "the acting user's own rows are still found"
    tenancy.clear(session)
    with pytest.raises(TenancyError, match="no acting ledger"):
        session.execute(build()).all()


def test_outer_joins_stay_outer_when_confined(session, two_ledgers):
    alex, _ = two_ledgers
    add_transactions(session, SimpleNamespace(id=alex.id), [(date(2026, 3, 9), "?", "-1.00", None)])
    tenancy.set_ledger(session, alex.id)

    rows = session.execute(
        select(Transaction.description, Category.name).outerjoin(
            Category, Category.id == Transaction.category_id
        )
    ).all()

    assert sorted(rows, key=str) == sorted(
        [("Alex salary", "Salary"), ("Alex rent", "Housing"), ("?", None)], key=str
    )


def test_write_forms_that_could_cross_ledgers_are_refused(session, two_ledgers):
    alex, sam = two_ledgers
    tenancy.set_ledger(session, sam.id)
    sams_id = session.scalars(select(Transaction.id)).first()
    tenancy.set_ledger(session, alex.id)

    with pytest.raises(TenancyError, match="by primary key"):
        session.execute(update(Transaction), [{"id": sams_id, "description": "mine now"}])
    with pytest.raises(TenancyError, match="another ledger"):
        session.execute(update(Transaction).values(user_id=sam.id))
    session.rollback()
    tenancy.set_ledger(session, sam.id)
    assert session.get(Transaction, sams_id).description != "mine now"


def test_an_update_filtered_by_another_table_stays_in_the_ledger(session, two_ledgers):
    alex, sam = two_ledgers
    tenancy.set_ledger(session, alex.id)
    session.execute(
        update(Owner)
        .where(exists().where(Transaction.description == "Sam salary"))
        .values(name="renamed")
    )
    session.execute(update(Category).where(Category.name == "Housing").values(color="#000000"))
    session.commit()

    tenancy.set_ledger(session, sam.id)
    assert session.scalars(select(Category.color).where(Category.name == "Housing")).one() != (
        "#000000"
    )


def test_acting_as_inside_unscoped_is_confined_and_reopens_the_door(session, two_ledgers):
    alex, sam = two_ledgers
    tenancy.set_ledger(session, alex.id)
    with tenancy.unscoped(session, reason="per-user report"):
        with tenancy.acting_as(session, sam.id):
            assert len(session.scalars(select(Transaction)).all()) == 3
        assert len(session.scalars(select(Transaction)).all()) == 5
    assert len(session.scalars(select(Transaction)).all()) == 2


def _dialect_insert(session, model):
    """INSERT with ON CONFLICT, in the dialect of the session's database."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


@pytest.fixture
def joint_in_both(session, two_ledgers):
    """Alex and Sam each have an owner called Joint (sort order 1)."""
    for person in two_ledgers:
        with tenancy.acting_as(session, person.id):
            session.add(Owner(name="Joint", sort_order=1))
            session.commit()
    return two_ledgers


def _joints(session, two_ledgers) -> dict[int, tuple]:
    session.expire_all()
    with tenancy.unscoped(session, reason="test looks at both ledgers"):
        rows = session.execute(select(Owner.user_id, Owner.name, Owner.sort_order)).all()
    return {user_id: (name, order) for user_id, name, order in rows if name.startswith("Joint")}


def test_insert_or_skip_is_stamped_and_skips_only_the_acting_ledgers_rows(session, two_ledgers):
    alex, sam = two_ledgers
    with tenancy.acting_as(session, sam.id):
        session.add(Owner(name="Joint"))
        session.commit()
    tenancy.set_ledger(session, alex.id)
    statement = _dialect_insert(session, Owner).on_conflict_do_nothing().returning(Owner.name)

    first = session.execute(statement, [{"name": "Joint"}]).all()  # Sam's Joint is no conflict
    again = session.execute(statement, [{"name": "Joint"}, {"name": "Kids"}]).all()
    session.commit()

    assert (first, again) == ([("Joint",)], [("Kids",)])
    assert _joints(session, two_ledgers) == {alex.id: ("Joint", 0), sam.id: ("Joint", 0)}
    assert session.scalars(select(Owner.user_id).where(Owner.name == "Kids")).all() == [alex.id]
    with pytest.raises(TenancyError, match="another ledger"):
        session.execute(statement, [{"name": "Intruder", "user_id": sam.id}])


def test_an_upsert_keyed_by_the_ledger_updates_only_the_ledgers_own_row(session, joint_in_both):
    alex, sam = joint_in_both
    tenancy.set_ledger(session, alex.id)
    statement = _dialect_insert(session, Owner)
    statement = statement.on_conflict_do_update(
        index_elements=[Owner.user_id, Owner.name],
        set_={"sort_order": statement.excluded.sort_order},
    )

    session.execute(statement, [{"name": "Joint", "sort_order": 7}])
    session.commit()

    assert _joints(session, joint_in_both) == {alex.id: ("Joint", 7), sam.id: ("Joint", 1)}


def _unconfined_upserts(sam_id: int) -> dict:
    """DO UPDATE forms whose conflicting row, or whose SET, could belong to another ledger."""
    sams_names = select(Owner.name).where(Owner.user_id == sam_id).limit(1).scalar_subquery()
    return {
        "no conflict target": lambda insert_: sqlite.insert(Owner).on_conflict_do_update(
            set_={"sort_order": 9}
        ),
        "a constraint by name": lambda insert_: postgresql.insert(Owner).on_conflict_do_update(
            constraint="uq_owners_user_id_name", set_={"sort_order": 9}
        ),
        "target not led by user_id": lambda insert_: insert_.on_conflict_do_update(
            index_elements=[Owner.name, Owner.user_id], set_={"sort_order": 9}
        ),
        "SET user_id": lambda insert_: insert_.on_conflict_do_update(
            index_elements=[Owner.user_id, Owner.name], set_={"user_id": sam_id}
        ),
        "SET from another ledger": lambda insert_: insert_.on_conflict_do_update(
            index_elements=[Owner.user_id, Owner.name], set_={"name": sams_names}
        ),
        "WHERE reads another ledger": lambda insert_: insert_.on_conflict_do_update(
            index_elements=[Owner.user_id, Owner.name],
            set_={"sort_order": 9},
            where=exists().where(Transaction.description == "Sam salary"),
        ),
    }


@pytest.mark.parametrize(
    "form",
    list(_unconfined_upserts(0)),
)
def test_upserts_that_could_reach_another_ledger_are_refused(session, joint_in_both, form):
    alex, sam = joint_in_both
    tenancy.set_ledger(session, alex.id)
    statement = _unconfined_upserts(sam.id)[form](_dialect_insert(session, Owner))

    with pytest.raises(TenancyError, match="upsert"):
        session.execute(statement, [{"name": "Joint", "sort_order": 9}])
    session.rollback()

    assert _joints(session, joint_in_both) == {alex.id: ("Joint", 1), sam.id: ("Joint", 1)}


@pytest.mark.parametrize("rows", ["one", "many"])
def test_values_written_into_an_insert_cannot_escape_the_stamp(session, joint_in_both, rows):
    """.values() puts rows in the statement, where the parameter stamp cannot see them."""
    alex, sam = joint_in_both
    tenancy.set_ledger(session, alex.id)
    into_sam = {"name": "Joint", "user_id": sam.id, "sort_order": 5}
    statement = _dialect_insert(session, Owner)
    statement = statement.values(into_sam) if rows == "one" else statement.values([into_sam])
    statement = statement.on_conflict_do_update(
        index_elements=[Owner.user_id, Owner.name], set_={"sort_order": 88}
    )
    with pytest.raises(TenancyError, match="rows as parameters"):
        session.execute(statement, {})
    session.rollback()
    assert _joints(session, joint_in_both) == {alex.id: ("Joint", 1), sam.id: ("Joint", 1)}
