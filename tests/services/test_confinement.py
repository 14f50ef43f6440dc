"""Confinement paid once per statement shape: a statement of a shape seen before runs as
that shape's confined template with its own values, in its own ledger (confinement.py).

The guarantee is tenancy's (tests/services/test_tenancy.py keeps every assertion);
these tests try to make the template hand over the wrong values or the wrong ledger."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import exists, func, select

from homeledger import confinement, tenancy
from homeledger.models import Category, Owner, Transaction
from tests.factories import add_transactions, make_user


@pytest.fixture
def ledgers(session):
    """Alex's and Sam's ledgers, with different rows; the template cache starts empty."""
    alex = make_user(session, "alex")
    sam = make_user(session, "sam")
    add_transactions(
        session,
        alex,
        [
            (date(2026, 3, 1), "Alex salary", "4000.00", "Salary"),
            (date(2026, 3, 2), "Alex rent", "-1500.00", "Housing"),
            (date(2026, 3, 9), "Alex groceries", "-61.10", "Groceries"),
        ],
    )
    add_transactions(
        session,
        sam,
        [
            (date(2026, 3, 1), "Sam salary", "2500.00", "Salary"),
            (date(2026, 3, 3), "Sam groceries", "-80.25", "Groceries"),
        ],
    )
    ids = alex.id, sam.id
    session.expunge_all()
    tenancy.clear(session)
    confinement.clear_templates()
    return ids


@pytest.fixture
def copies(monkeypatch):
    """How many times a statement tree is copied to confine it."""
    made = []
    copy = confinement.copy_confined

    def counting(statement, ledger):
        made.append(ledger)
        return copy(statement, ledger)

    monkeypatch.setattr(confinement, "copy_confined", counting)
    return made


def _descriptions(session, statement):
    return sorted(session.scalars(statement))


def test_one_shape_answers_each_ledger_with_its_own_values(session, ledgers, copies):
    alex, sam = ledgers

    def spent_more_than(amount, like):
        return (
            select(Transaction.description)
            .where(Transaction.amount < -amount, Transaction.description.like(like))
            .limit(10)
        )

    tenancy.set_ledger(session, alex)
    assert _descriptions(session, spent_more_than(100, "%")) == ["Alex rent"]
    assert _descriptions(session, spent_more_than(10, "%groceries")) == ["Alex groceries"]
    tenancy.set_ledger(session, sam)
    assert _descriptions(session, spent_more_than(10, "%")) == ["Sam groceries"]
    assert _descriptions(session, spent_more_than(100, "%")) == []
    tenancy.set_ledger(session, alex)
    assert _descriptions(session, spent_more_than(1000, "Alex%")) == ["Alex rent"]

    assert len(copies) == 1  # five statements, one shape: copied once


def test_subqueries_lists_and_core_tables_take_the_new_values_and_ledger(session, ledgers, copies):
    alex, sam = ledgers
    table = Transaction.__table__

    def described_in(names, category):
        in_category = exists().where(Category.id == table.c.category_id, Category.name == category)
        return select(table.c.description).where(table.c.description.in_(names), in_category)

    everyone = ["Alex salary", "Alex groceries", "Sam salary", "Sam groceries", "Alex rent"]
    tenancy.set_ledger(session, sam)
    assert _descriptions(session, described_in(everyone, "Groceries")) == ["Sam groceries"]
    tenancy.set_ledger(session, alex)
    assert _descriptions(session, described_in(everyone[:3], "Salary")) == ["Alex salary"]
    assert _descriptions(session, described_in(everyone, "Groceries")) == ["Alex groceries"]
    assert _descriptions(session, described_in(["Sam groceries"], "Groceries")) == []

    assert len(copies) == 1


def test_aggregates_by_category_are_the_ledgers_own_after_the_first(session, ledgers):
    alex, sam = ledgers
    by_category = (
        select(Category.name, func.sum(Transaction.amount))
        .join(Category, Category.id == Transaction.category_id)
        .group_by(Category.name)
    )
    for _ in range(2):
        tenancy.set_ledger(session, alex)
        assert {name: str(total) for name, total in session.execute(by_category)} == {
            "Groceries": "-61.10",
            "Housing": "-1500.00",
            "Salary": "4000.00",
        }
        tenancy.set_ledger(session, sam)
        assert {name: str(total) for name, total in session.execute(by_category)} == {
            "Groceries": "-80.25",
            "Salary": "2500.00",
        }


def test_get_by_id_after_a_template_still_refuses_another_ledgers_row(session, ledgers):
    alex, sam = ledgers
    tenancy.set_ledger(session, sam)
    sams = session.scalars(select(Transaction.id)).all()
    tenancy.set_ledger(session, alex)
    alexs = session.scalars(select(Transaction.id)).all()
    session.expunge_all()

    assert session.get(Transaction, alexs[0]) is not None
    session.expunge_all()
    assert session.get(Transaction, sams[0]) is None  # same shape, Sam's id: not found
    tenancy.set_ledger(session, sam)
    assert session.get(Transaction, sams[0]) is not None


def test_one_statements_execution_options_do_not_carry_over_to_the_next(session, ledgers):
    """``populate_existing`` reloads rows over unsaved edits; a later query of the same
    shape without it must leave the edit alone."""
    alex, _ = ledgers
    tenancy.set_ledger(session, alex)
    shape = select(Owner).where(Owner.name != "")
    session.add(Owner(name="Alex"))
    session.commit()
    session.scalars(shape.execution_options(populate_existing=True)).all()

    owner = session.scalars(select(Owner)).one()
    owner.name = "Alex (unsaved)"
    with session.no_autoflush:
        session.scalars(shape).all()

    assert owner.name == "Alex (unsaved)"


def test_with_compiled_caching_off_every_statement_is_confined_anew(session, ledgers, copies):
    """A template hands values over through SQLAlchemy's compiled cache; without it, the
    statement is copied each time, and still answers in its own ledger."""
    alex, sam = ledgers
    named = select(Transaction.description)
    session.close()
    session.connection(execution_options={"compiled_cache": None})

    tenancy.set_ledger(session, alex)
    assert _descriptions(session, named.where(Transaction.amount > 0)) == ["Alex salary"]
    tenancy.set_ledger(session, sam)
    assert _descriptions(session, named.where(Transaction.amount < -70)) == ["Sam groceries"]

    assert copies == [alex, sam]


def test_a_viewer_in_another_ledger_reads_through_the_same_templates(session, ledgers):
    """Templates made while Alex read her own ledger serve Sam reading it as a viewer,
    and his own ledger afterwards."""
    from homeledger.services import sharing

    alex, sam = ledgers
    tenancy.set_ledger(session, alex)
    everything = select(Transaction.description).where(Transaction.amount != 0)
    mine = _descriptions(session, everything)
    sharing.add_member(session, "sam", "viewer")
    session.commit()

    tenancy.set_ledger(session, alex, actor_id=sam, role="viewer")
    assert _descriptions(session, everything) == mine
    tenancy.set_ledger(session, sam)
    assert _descriptions(session, everything) == ["Sam groceries", "Sam salary"]
